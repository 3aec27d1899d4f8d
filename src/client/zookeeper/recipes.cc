// Recipes composed of several requests: ensure_path and delete_recursive. Each runs as a coroutine
// on the session's strand.
#include "brook/client/zookeeper/async.h"
#include "client/zookeeper/ops.h"
#include "client/zookeeper/session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace brook::client::zookeeper::detail::ops {
namespace {

namespace asio = boost::asio;

asio::awaitable<result<void>> ensure_path_co(session_ptr s, std::string path) {
    // Create each prefix in turn; an existing one is fine. Most calls find the whole path
    // there, so look for it first.
    auto found = co_await co(exists(s, path, {}));
    if (found && found.value()) {
        co_return success();
    }
    size_t pos = 1;
    for (;;) {
        pos = path.find('/', pos);
        auto prefix = path.substr(0, pos);
        auto r = co_await co(create(s, prefix, {}, create_mode::persistent, open_acl_unsafe()));
        if (!r && r.error() != error_code::node_exists) {
            co_return r.error();
        }
        if (pos == std::string::npos) {
            co_return success();
        }
        ++pos;
    }
}

asio::awaitable<result<void>> delete_recursive_co(session_ptr s, std::string path) {
    // Depth first; children that vanish meanwhile (no_node) are fine, and a child created
    // meanwhile makes the delete fail with not_empty, which we retry a few times.
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto kids = co_await co(get_children(s, path, {}));
        if (!kids) {
            if (kids.error() == error_code::no_node) {
                co_return success();
            }
            co_return kids.error();
        }
        for (const auto& k : kids.value()) {
            // A named local, not a temporary in the co_await operand: GCC 12 miscompiles
            // conditional-expression temporaries there (double destruction).
            std::string child = path == "/" ? "/" + k : path + "/" + k;
            auto r = co_await delete_recursive_co(s, std::move(child));
            if (!r) {
                co_return r.error();
            }
        }
        if (path == "/") {
            co_return success(); // the root itself cannot be deleted
        }
        auto d = co_await co(remove(s, path, any_version));
        if (d || d.error() == error_code::no_node) {
            co_return success();
        }
        if (d.error() != error_code::not_empty) {
            co_return d.error();
        }
    }
    co_return std::error_code(error_code::not_empty);
}

asio::awaitable<void> run_recipe(asio::awaitable<result<void>> work, callback<void> cb) {
    cb(co_await std::move(work));
}

operation<void> spawn(session_ptr s, asio::awaitable<result<void>> (*fn)(session_ptr, std::string), std::string path) {
    auto sp = s->server_path(path);
    if (!sp) {
        auto ec = sp.error();
        return operation<void>(
            [s, ec](callback<void> cb) { s->fail_later([cb = std::move(cb)](std::error_code e) { cb(e); }, ec); });
    }
    return operation<void>([s = std::move(s), fn, path = std::move(path)](callback<void> cb) {
        auto& strand = s->strand();
        asio::co_spawn(strand, run_recipe(fn(s, path), std::move(cb)), asio::detached);
    });
}

} // namespace

operation<void> ensure_path(session_ptr s, std::string path) {
    return spawn(std::move(s), &ensure_path_co, std::move(path));
}

operation<void> delete_recursive(session_ptr s, std::string path) {
    return spawn(std::move(s), &delete_recursive_co, std::move(path));
}

} // namespace brook::client::zookeeper::detail::ops
