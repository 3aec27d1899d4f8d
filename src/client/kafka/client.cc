#include "brook/client/kafka/client.h"

#include "brook/client/kafka/errc.h"
#include "brook/protocol/kafka/api.h"
#include "connection.h"

#include <boost/asio.hpp>

#include <charconv>
#include <future>
#include <mutex>
#include <thread>

namespace brook::client::kafka {

namespace asio = boost::asio;
namespace pk = protocol::kafka;

const broker_metadata* cluster_metadata::broker(int32_t node_id) const noexcept {
    for (const auto& b : brokers) {
        if (b.node_id == node_id) {
            return &b;
        }
    }
    return nullptr;
}

const topic_metadata* cluster_metadata::topic(const std::string& name) const noexcept {
    auto it = topics.find(name);
    return it == topics.end() ? nullptr : &it->second;
}

result<std::vector<broker_address>> parse_bootstrap_servers(std::string_view list) {
    std::vector<broker_address> out;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        if (item.empty()) {
            continue;
        }
        broker_address a;
        std::string_view port;
        if (item.front() == '[') {
            auto close = item.find(']');
            if (close == std::string_view::npos) {
                return make_error_code(errc::invalid_config);
            }
            a.host = std::string(item.substr(1, close - 1));
            auto rest = item.substr(close + 1);
            if (!rest.empty()) {
                if (rest.front() != ':') {
                    return make_error_code(errc::invalid_config);
                }
                port = rest.substr(1);
            }
        } else {
            auto colon = item.rfind(':');
            a.host = std::string(item.substr(0, colon));
            if (colon != std::string_view::npos) {
                port = item.substr(colon + 1);
            }
        }
        if (!port.empty()) {
            unsigned v = 0;
            auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
            if (ec != std::errc() || ptr != port.data() + port.size() || v == 0 || v > 65535) {
                return make_error_code(errc::invalid_config);
            }
            a.port = static_cast<uint16_t>(v);
        }
        if (a.host.empty()) {
            return make_error_code(errc::invalid_config);
        }
        out.push_back(std::move(a));
    }
    if (out.empty()) {
        return make_error_code(errc::invalid_config);
    }
    return out;
}

struct client::impl {
    client_config cfg;
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread;

    // Network-thread state.
    std::shared_ptr<connection> bootstrap;
    std::map<int32_t, std::shared_ptr<connection>> conns;

    mutable std::mutex meta_mutex;
    std::shared_ptr<const cluster_metadata> meta = std::make_shared<cluster_metadata>();

    explicit impl(client_config c) : cfg(std::move(c)) {
        thread = std::thread([this] { io.run(); });
    }

    ~impl() {
        asio::post(io, [this] {
            for (auto& [id, c] : conns) {
                c->close(errc::closed);
            }
            if (bootstrap) {
                bootstrap->close(errc::closed);
            }
            work.reset();
        });
        thread.join();
    }

    // Network thread: the connection for `node`, created (and started lazily) when needed.
    std::shared_ptr<connection> conn_for(int32_t node) {
        if (node == any_node) {
            if (bootstrap && !bootstrap->closed()) {
                return bootstrap;
            }
            for (auto& [id, c] : conns) {
                if (!c->closed()) {
                    return c;
                }
            }
            auto m = snapshot();
            if (!m->brokers.empty()) {
                return conn_for(m->brokers.front().node_id);
            }
            if (!cfg.bootstrap_servers.empty()) {
                bootstrap = std::make_shared<connection>(io, cfg.bootstrap_servers.front(), any_node, cfg);
                return bootstrap;
            }
            return nullptr;
        }
        auto it = conns.find(node);
        if (it != conns.end() && !it->second->closed()) {
            return it->second;
        }
        auto m = snapshot();
        const auto* b = m->broker(node);
        if (b == nullptr) {
            return nullptr;
        }
        auto c = std::make_shared<connection>(io, broker_address{b->host, static_cast<uint16_t>(b->port)}, node, cfg);
        conns[node] = c;
        return c;
    }

    std::shared_ptr<const cluster_metadata> snapshot() const {
        std::lock_guard lock(meta_mutex);
        return meta;
    }

    void send(int32_t node, pk::request_body body, std::function<void(result<pk::response_body>)> handler,
              bool expect_response) {
        auto c = conn_for(node);
        if (!c) {
            handler(errc::unreachable);
            return;
        }
        c->send(std::move(body), std::move(handler), expect_response);
    }

    template<class F>
    auto run_on_io(F f) {
        using R = decltype(f());
        std::promise<R> p;
        auto fut = p.get_future();
        asio::post(io, [&] { p.set_value(f()); });
        return fut.get();
    }

    result<pk::response_body> call(int32_t node, pk::request_body body) {
        auto p = std::make_shared<std::promise<result<pk::response_body>>>();
        auto fut = p->get_future();
        asio::post(io, [this, node, body = std::move(body), p]() mutable {
            send(
                node, std::move(body), [p](result<pk::response_body> r) { p->set_value(std::move(r)); }, true);
        });
        // The connection's watchdog fails the request after request.timeout; this bound only
        // guards against a handler that is never called.
        if (fut.wait_for(cfg.request_timeout + cfg.connect_timeout + std::chrono::seconds(5)) !=
            std::future_status::ready) {
            return make_error_code(errc::timed_out);
        }
        return fut.get();
    }

    void merge(const pk::metadata_response& resp, bool all_topics) {
        auto next = std::make_shared<cluster_metadata>();
        auto old = snapshot();
        next->cluster_id = resp.cluster_id;
        next->controller_id = resp.controller_id;
        for (const auto& b : resp.brokers) {
            next->brokers.push_back({b.node_id, b.host, b.port, b.rack});
        }
        if (!all_topics) {
            next->topics = old->topics;
        }
        for (const auto& t : resp.topics) {
            topic_metadata tm;
            tm.name = t.name.value_or("");
            tm.error = t.error_code;
            tm.internal = t.is_internal;
            tm.topic_id = t.topic_id;
            for (const auto& p : t.partitions) {
                tm.partitions.push_back({p.partition_index, p.error_code, p.leader_id, p.leader_epoch, p.replica_nodes,
                                         p.isr_nodes, p.offline_replicas});
            }
            std::sort(tm.partitions.begin(), tm.partitions.end(),
                      [](const auto& a, const auto& b) { return a.partition < b.partition; });
            if (tm.error == 0 || tm.error == 5) {
                next->topics[tm.name] = std::move(tm);
            } else {
                next->topics.erase(tm.name);
            }
        }
        std::lock_guard lock(meta_mutex);
        meta = std::move(next);
    }
};

client::client(client_config cfg) : _impl(std::make_unique<impl>(std::move(cfg))) {}

client::~client() = default;

const client_config& client::config() const noexcept {
    return _impl->cfg;
}

asio::io_context& client::io() noexcept {
    return _impl->io;
}

result<void> client::connect() {
    if (_impl->cfg.bootstrap_servers.empty()) {
        return make_error_code(errc::invalid_config);
    }
    std::error_code last = errc::unreachable;
    for (const auto& addr : _impl->cfg.bootstrap_servers) {
        _impl->run_on_io([&] {
            _impl->bootstrap = std::make_shared<connection>(_impl->io, addr, any_node, _impl->cfg);
            return 0;
        });
        auto r = refresh_metadata(std::vector<std::string>{}, false);
        if (r) {
            return success();
        }
        last = r.error();
    }
    return last;
}

result<std::shared_ptr<const cluster_metadata>> client::refresh_metadata(std::optional<std::vector<std::string>> topics,
                                                                         bool allow_auto_create) {
    pk::metadata_request req;
    const bool all = !topics.has_value();
    if (all) {
        req.topics = std::nullopt;
    } else {
        req.topics.emplace();
        for (auto& t : *topics) {
            pk::metadata_request::metadata_request_topic rt;
            rt.name = std::move(t);
            req.topics->push_back(std::move(rt));
        }
    }
    req.allow_auto_topic_creation = allow_auto_create;
    BOOST_OUTCOME_TRY(auto resp, call_as<pk::metadata_response>(any_node, pk::request_body{std::move(req)}));
    _impl->merge(resp, all);
    return _impl->snapshot();
}

void client::refresh_metadata_async(std::vector<std::string> topics, bool allow_auto_create,
                                    std::function<void(std::error_code)> done) {
    pk::metadata_request req;
    req.topics.emplace();
    for (auto& t : topics) {
        pk::metadata_request::metadata_request_topic rt;
        rt.name = std::move(t);
        req.topics->push_back(std::move(rt));
    }
    req.allow_auto_topic_creation = allow_auto_create;
    send(any_node, pk::request_body{std::move(req)}, [this, done = std::move(done)](result<pk::response_body> r) {
        if (!r) {
            done(r.error());
            return;
        }
        if (auto* m = std::get_if<pk::metadata_response>(&r.value())) {
            _impl->merge(*m, false);
            done({});
            return;
        }
        done(errc::protocol_error);
    });
}

std::shared_ptr<const cluster_metadata> client::metadata() const {
    return _impl->snapshot();
}

result<topic_metadata> client::topic(const std::string& name, bool allow_auto_create) {
    auto m = _impl->snapshot();
    if (const auto* t = m->topic(name); t != nullptr && t->error == 0 && !t->partitions.empty()) {
        return *t;
    }
    // A freshly created topic may answer LEADER_NOT_AVAILABLE for a moment: retry briefly.
    for (int attempt = 0; attempt < 50; ++attempt) {
        BOOST_OUTCOME_TRY(auto fresh, refresh_metadata(std::vector<std::string>{name}, allow_auto_create));
        const auto* t = fresh->topic(name);
        if (t != nullptr && t->error == 0 && !t->partitions.empty()) {
            bool leaders = true;
            for (const auto& p : t->partitions) {
                leaders = leaders && p.leader >= 0;
            }
            if (leaders) {
                return *t;
            }
        }
        if (t == nullptr && !allow_auto_create) {
            return make_error_code(errc::unknown_topic);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return make_error_code(errc::unknown_topic);
}

void client::invalidate(const std::string& topic) {
    std::lock_guard lock(_impl->meta_mutex);
    auto next = std::make_shared<cluster_metadata>(*_impl->meta);
    next->topics.erase(topic);
    _impl->meta = std::move(next);
}

void client::send(int32_t node_id, pk::request_body body, std::function<void(result<pk::response_body>)> handler,
                  bool expect_response) {
    asio::post(_impl->io,
               [this, node_id, body = std::move(body), handler = std::move(handler), expect_response]() mutable {
                   _impl->send(node_id, std::move(body), std::move(handler), expect_response);
               });
}

result<pk::response_body> client::call(int32_t node_id, pk::request_body body) {
    return _impl->call(node_id, std::move(body));
}

result<int16_t> client::api_version(int32_t node_id, int16_t api_key) {
    BOOST_OUTCOME_TRY(negotiated_versions(node_id));
    return _impl->run_on_io([&]() -> int16_t {
        auto c = _impl->conn_for(node_id);
        return c ? c->version(api_key) : int16_t(-1);
    });
}

result<std::vector<std::pair<int16_t, int16_t>>> client::negotiated_versions(int32_t node_id) {
    // ApiVersions itself is always answered; sending it makes sure the connection is negotiated.
    BOOST_OUTCOME_TRY(call(node_id, pk::request_body{pk::api_versions_request{}}));
    return _impl->run_on_io([&]() {
        std::vector<std::pair<int16_t, int16_t>> out;
        auto c = _impl->conn_for(node_id);
        if (c) {
            for (const auto& api : pk::api_table()) {
                if (c->version(api.key) >= 0) {
                    out.emplace_back(api.key, c->version(api.key));
                }
            }
        }
        return out;
    });
}

} // namespace brook::client::kafka
