#include "broker/zk/coordinator_link.h"

#include "broker/zk/session_file.h"
#include "brook/broker/errc.h"
#include "brook/client/zookeeper/client.h"
#include "brook/common/logging.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace brook::broker::zk {

namespace zkc = brook::client::zookeeper;
namespace asio = boost::asio;

namespace {

bytes to_bytes(std::string_view s) {
    return bytes(s.begin(), s.end());
}

bool is(const std::error_code& ec, zkc::error_code code) {
    return ec == make_error_code(code);
}

} // namespace

struct coordinator_link::impl : std::enable_shared_from_this<impl> {
    explicit impl(metadata_store& m) : metadata(m), log(get_logger("brook.broker")) {}

    metadata_store& metadata;
    std::shared_ptr<spdlog::logger> log;
    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    /// The current session's client; replaced when a session expires (guarded by client_mutex).
    mutable std::mutex client_mutex;
    std::shared_ptr<zkc::client> client;
    /// Bumped with every new client: state callbacks of replaced clients are ignored.
    std::atomic<uint64_t> generation{0};
    link_options opts;
    /// What register_broker() wrote, to write it again in a new session.
    std::optional<std::string> registration;
    std::atomic<bool> controller{false};
    std::atomic<int32_t> epoch{0};
    std::atomic<bool> closed{false};
    std::function<void(const std::string&)> on_delete;

    /// One election round; `done` (optional) runs once with its outcome.
    void elect(std::function<void(result<void>)> done);
    void watch_controller(std::function<void(result<void>)> done);
    void bump_epoch(std::function<void(result<void>)> done);
    void scan_deletions();
    void delete_topic_znodes(const std::string& name);
    void write_config(std::string path, bytes payload, bytes notice, bool create, int tries, write_done done);
    coordinator_link::config_handler on_config;
    /// The newest /config/changes child handled (client thread only); nullopt before the first scan.
    std::optional<std::string> last_change;
    void scan_config_changes();

    std::shared_ptr<zkc::client> cl() const {
        std::lock_guard lock(client_mutex);
        return client;
    }
    /// Starts a client for a new session (replacing the current one).
    std::shared_ptr<zkc::client> new_client();
    /// After an expiry: a new session, the registration, the election and its watches again.
    void rebuild();
    void save_session();
    void close_earlier_session();
};

coordinator_link::coordinator_link(metadata_store& metadata) : _impl(std::make_shared<impl>(metadata)) {}

coordinator_link::~coordinator_link() {
    close();
}

std::shared_ptr<zkc::client> coordinator_link::impl::new_client() {
    zkc::client_options co;
    co.connect_string = opts.connect_string;
    co.session_timeout = opts.session_timeout;
    const uint64_t gen = ++generation;
    co.on_state = [weak = weak_from_this(), gen](zkc::session_state s) {
        auto self = weak.lock();
        if (!self || self->closed || gen != self->generation) {
            return;
        }
        if (s == zkc::session_state::expired) {
            // The ephemerals (broker registration, /controller) and the watches are gone with the
            // session: start over in a new one, off this callback.
            self->controller = false;
            self->log->error("Coordinator session expired: starting a new session");
            asio::post(self->io, [self] { self->rebuild(); });
        } else if (s == zkc::session_state::suspended) {
            self->log->warn("Coordinator connection lost; reconnecting");
        }
    };
    auto c = std::make_shared<zkc::client>(io, co);
    std::lock_guard lock(client_mutex);
    client = c;
    return c;
}

void coordinator_link::impl::rebuild() {
    if (closed) {
        return;
    }
    auto c = new_client();
    c->wait_connected().then([self = shared_from_this(), c](result<void> r) {
        if (self->closed) {
            return;
        }
        if (!r) {
            self->log->warn("New coordinator session failed ({}); retrying", r.error().message());
            auto timer = std::make_shared<asio::steady_timer>(self->io, std::chrono::seconds(1));
            timer->async_wait([self, timer](const std::error_code&) { self->rebuild(); });
            return;
        }
        self->log->info("New coordinator session 0x{:x}", c->session_id());
        self->save_session();
        if (!self->registration) {
            return;
        }
        const std::string path = "/brokers/ids/" + std::to_string(self->opts.node_id);
        c->create_ephemeral(path, to_bytes(*self->registration)).then([self, path](result<std::string> reg) {
            if (!reg) {
                self->log->error("Cannot register {} again: {}", path, reg.error().message());
            } else {
                self->log->info("Registered broker {} again at path {}", self->opts.node_id, path);
            }
            self->elect(nullptr); // also re-installs the /controller and deletion watches
            if (self->on_config) {
                self->scan_config_changes();
            }
        });
    });
}

void coordinator_link::impl::save_session() {
    if (opts.session_file.empty()) {
        return;
    }
    auto c = cl();
    auto r = write_session_file(opts.session_file, {c->session_id(), c->session_password()});
    if (!r) {
        log->warn("Cannot write {}: {}", opts.session_file.string(), r.error().message());
    }
}

void coordinator_link::impl::close_earlier_session() {
    if (opts.session_file.empty()) {
        return;
    }
    auto earlier = read_session_file(opts.session_file);
    if (!earlier) {
        return;
    }
    // A crashed run leaves its session (and /brokers/ids/<id>) alive until it times out. Resuming
    // it and closing it makes the coordinator delete its ephemerals now.
    zkc::client_options co;
    co.connect_string = opts.connect_string;
    co.session_timeout = opts.session_timeout;
    co.session_id = earlier->id;
    co.session_password = earlier->password;
    zkc::client old(io, co);
    auto connected = old.wait_connected().future();
    const auto wait = std::min<std::chrono::milliseconds>(opts.connection_timeout, std::chrono::seconds(10));
    if (connected.wait_for(wait) == std::future_status::ready && connected.get()) {
        auto closed_f = old.close().future();
        closed_f.wait_for(std::chrono::seconds(5));
        log->info("Closed the coordinator session 0x{:x} of an earlier run", earlier->id);
    } else {
        log->info("The coordinator session 0x{:x} of an earlier run is gone", earlier->id);
    }
}

result<void> coordinator_link::connect(const link_options& opts) {
    auto& m = *_impl;
    m.opts = opts;
    m.work.emplace(m.io.get_executor());
    m.thread = std::thread([&m] { m.io.run(); });
    m.close_earlier_session();
    auto c = m.new_client();
    auto connected = c->wait_connected().future();
    if (connected.wait_for(opts.connection_timeout) != std::future_status::ready || !connected.get()) {
        m.log->error("Timed out waiting for connection to the coordinator at {} ({} ms, "
                     "zookeeper.connection.timeout.ms)",
                     opts.connect_string, opts.connection_timeout.count());
        return make_error_code(errc::coordinator_unavailable);
    }
    m.log->info("Connected to the coordinator at {} (session 0x{:x}, timeout {} ms)", opts.connect_string,
                c->session_id(), c->negotiated_timeout().count());
    m.save_session();
    for (const char* path : {"/brokers/ids", "/brokers/topics", "/config/topics", "/config/brokers", "/config/changes",
                             "/admin/delete_topics"}) {
        if (auto r = c->ensure_path(path).get(); !r) {
            m.log->error("Cannot create {} in the coordinator: {}", path, r.error().message());
            return r.error();
        }
    }
    return success();
}

result<std::string> coordinator_link::ensure_cluster_id(const std::string& mine) {
    auto client = _impl->cl();
    auto& c = *client;
    if (auto r = c.ensure_path("/cluster").get(); !r) {
        return r.error();
    }
    auto created = c.create("/cluster/id", to_bytes(cluster_id_json(mine))).get();
    if (created) {
        return mine;
    }
    if (!is(created.error(), zkc::error_code::node_exists)) {
        return created.error();
    }
    BOOST_OUTCOME_TRY(auto data, c.get_data("/cluster/id").get());
    auto id = parse_cluster_id(as_string_view(data.data));
    if (!id) {
        _impl->log->error("/cluster/id holds no cluster id: {}", as_string_view(data.data));
        return make_error_code(errc::inconsistent_cluster_id);
    }
    return *id;
}

result<void> coordinator_link::register_broker(const std::vector<endpoint>& endpoints,
                                               const std::optional<std::string>& rack) {
    auto& m = *_impl;
    const std::string path = "/brokers/ids/" + std::to_string(m.opts.node_id);
    const auto payload = broker_json(endpoints, rack);
    // A node left by a crashed earlier run goes away when its session expires.
    const auto deadline = std::chrono::steady_clock::now() + m.opts.session_timeout + std::chrono::seconds(5);
    for (bool logged = false;; logged = true) {
        auto r = m.cl()->create_ephemeral(path, to_bytes(payload)).get();
        if (r) {
            m.registration = payload;
            m.log->info("Registered broker {} at path {} with addresses: {}", m.opts.node_id, path, payload);
            return success();
        }
        if (!is(r.error(), zkc::error_code::node_exists)) {
            m.log->error("Cannot register {}: {}", path, r.error().message());
            return r.error();
        }
        if (std::chrono::steady_clock::now() > deadline) {
            m.log->error("{} is held by another session: is broker.id {} already in use?", path, m.opts.node_id);
            return make_error_code(errc::broker_id_in_use);
        }
        if (!logged) {
            m.log->warn("{} exists (an earlier session?); waiting for it to expire", path);
        }
        // Wake when the node goes, or re-check after a while.
        std::promise<void> gone;
        auto gone_f = gone.get_future();
        auto once = std::make_shared<std::once_flag>();
        auto fire = [once, p = std::make_shared<std::promise<void>>(std::move(gone))] {
            std::call_once(*once, [&] { p->set_value(); });
        };
        auto st = m.cl()->exists(path, [fire](const zkc::watch_event&) { fire(); }).get();
        if (st && !st.value()) {
            continue;
        }
        gone_f.wait_for(std::chrono::milliseconds(500));
    }
}

void coordinator_link::impl::elect(std::function<void(result<void>)> done) {
    auto self = shared_from_this();
    cl()->create_ephemeral("/controller", to_bytes(controller_json(opts.node_id)))
        .then([self, done](result<std::string> r) {
            if (r) {
                self->controller = true;
                self->metadata.set_controller(self->opts.node_id);
                self->bump_epoch([self, done](result<void> e) {
                    self->log->info("[Controller id={}] elected (controller epoch {})", self->opts.node_id,
                                    self->epoch.load());
                    self->watch_controller(nullptr);
                    if (self->on_delete) {
                        self->scan_deletions(); // requests left by the previous controller
                    }
                    if (done) {
                        done(e);
                    }
                });
                return;
            }
            if (is(r.error(), zkc::error_code::node_exists)) {
                self->controller = false;
                self->watch_controller(done);
                return;
            }
            self->log->error("Controller election failed: {}", r.error().message());
            if (done) {
                done(r.error());
            }
        });
}

void coordinator_link::impl::watch_controller(std::function<void(result<void>)> done) {
    auto self = shared_from_this();
    auto on_change = [self](const zkc::watch_event& ev) {
        if (self->closed || ev.type == zkc::event_type::none) {
            return; // closing, or a session event: a new session re-arms its own watches
        }
        if (ev.type == zkc::event_type::node_deleted) {
            self->log->info("/controller was deleted: running the election");
            self->elect(nullptr);
        } else {
            self->watch_controller(nullptr);
        }
    };
    cl()->get_data("/controller", on_change).then([self, done](result<zkc::node_data> r) {
        if (!r && is(r.error(), zkc::error_code::no_node)) {
            // Gone between our create and our read (getData sets no watch on a missing node).
            self->elect(done);
            return;
        }
        if (r) {
            if (auto id = parse_controller(as_string_view(r.value().data))) {
                self->metadata.set_controller(*id);
                self->controller = *id == self->opts.node_id && self->controller;
            }
        }
        if (done) {
            done(r ? result<void>(success()) : result<void>(r.error()));
        }
    });
}

void coordinator_link::impl::bump_epoch(std::function<void(result<void>)> done) {
    auto self = shared_from_this();
    cl()->get_data("/controller_epoch").then([self, done](result<zkc::node_data> r) {
        if (!r && is(r.error(), zkc::error_code::no_node)) {
            self->cl()->create("/controller_epoch", to_bytes("1")).then([self, done](result<std::string> c) {
                if (c) {
                    self->epoch = 1;
                    done(success());
                } else {
                    self->bump_epoch(done); // created meanwhile: read it and bump
                }
            });
            return;
        }
        if (!r) {
            done(r.error());
            return;
        }
        auto text = as_string_view(r.value().data);
        int32_t current = 0;
        std::from_chars(text.data(), text.data() + text.size(), current);
        const int32_t next = current + 1;
        self->cl()
            ->set_data("/controller_epoch", to_bytes(std::to_string(next)), r.value().stat.version)
            .then([self, done, next](result<zkc::stat> s) {
                if (s) {
                    self->epoch = next;
                    done(success());
                } else if (is(s.error(), zkc::error_code::bad_version)) {
                    self->bump_epoch(done);
                } else {
                    done(s.error());
                }
            });
    });
}

result<void> coordinator_link::elect() {
    std::promise<result<void>> outcome;
    auto f = outcome.get_future();
    _impl->elect([p = std::make_shared<std::promise<result<void>>>(std::move(outcome))](result<void> r) {
        p->set_value(std::move(r));
    });
    return f.get();
}

bool coordinator_link::is_controller() const {
    return _impl->controller;
}

int32_t coordinator_link::controller_epoch() const {
    return _impl->epoch;
}

void coordinator_link::close() {
    auto& m = *_impl;
    if (m.closed.exchange(true)) {
        return;
    }
    auto c = m.cl();
    if (c) {
        auto f = c->close().future();
        if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            m.log->warn("Closing the coordinator session timed out");
        } else if (!m.opts.session_file.empty()) {
            // Closed: nothing for the next run to clean up.
            std::error_code ec;
            std::filesystem::remove(m.opts.session_file, ec);
        }
    }
    {
        std::lock_guard lock(m.client_mutex);
        m.client.reset();
    }
    c.reset();
    m.work.reset();
    m.io.stop();
    if (m.thread.joinable()) {
        m.thread.join();
    }
}

result<std::vector<topic_metadata>> coordinator_link::load_topics() {
    auto client = _impl->cl();
    auto& c = *client;
    std::vector<topic_metadata> out;
    BOOST_OUTCOME_TRY(auto names, c.get_children("/brokers/topics").get());
    for (const auto& name : names) {
        auto data = c.get_data("/brokers/topics/" + name).get();
        if (!data && is(data.error(), zkc::error_code::no_node)) {
            continue;
        }
        BOOST_OUTCOME_TRY(auto d, std::move(data));
        topic_metadata t;
        t.name = name;
        if (!parse_topic(as_string_view(d.data), t)) {
            _impl->log->warn("Skipping /brokers/topics/{}: unreadable assignment {}", name, as_string_view(d.data));
            continue;
        }
        for (size_t p = 0; p < t.partitions.size(); ++p) {
            auto st = c.get_data("/brokers/topics/" + name + "/partitions/" + std::to_string(p) + "/state").get();
            if (st) {
                parse_partition_state(as_string_view(st.value().data), t.partitions[p]);
            }
        }
        auto cfg = c.get_data("/config/topics/" + name).get();
        if (cfg) {
            if (auto parsed = parse_topic_config(as_string_view(cfg.value().data))) {
                t.configs = std::move(*parsed);
            }
        }
        out.push_back(std::move(t));
    }
    return out;
}

result<std::vector<std::string>> coordinator_link::pending_deletions() {
    return _impl->cl()->get_children("/admin/delete_topics").get();
}

void coordinator_link::publish_topic(const topic_metadata& t, write_done done) {
    auto& m = *_impl;
    const std::string base = "/brokers/topics/" + t.name;
    std::vector<zkc::multi_op> ops;
    ops.push_back(zkc::op::create{base, to_bytes(topic_json(t))});
    ops.push_back(zkc::op::create{base + "/partitions", {}});
    for (size_t p = 0; p < t.partitions.size(); ++p) {
        const auto pp = base + "/partitions/" + std::to_string(p);
        ops.push_back(zkc::op::create{pp, {}});
        ops.push_back(zkc::op::create{pp + "/state", to_bytes(partition_state_json(t.partitions[p], m.epoch))});
    }
    ops.push_back(zkc::op::create{"/config/topics/" + t.name, to_bytes(topic_config_json(t.configs))});
    m.cl()->multi(std::move(ops)).then([self = _impl, name = t.name, done](result<zkc::multi_result> r) {
        std::error_code ec;
        if (!r) {
            ec = r.error();
        } else if (!r.value().committed) {
            ec = r.value().first_error();
        }
        if (ec) {
            self->log->error("Cannot write topic {} to the coordinator: {}", name, ec.message());
            if (is(ec, zkc::error_code::node_exists)) {
                ec = make_error_code(errc::topic_exists);
            }
        }
        if (done) {
            done(ec ? result<void>(ec) : result<void>(success()));
        }
    });
}

void coordinator_link::publish_partitions(const topic_metadata& t, size_t first_new, write_done done) {
    auto& m = *_impl;
    const std::string base = "/brokers/topics/" + t.name;
    std::vector<zkc::multi_op> ops;
    ops.push_back(zkc::op::set_data{base, to_bytes(topic_json(t))});
    for (size_t p = first_new; p < t.partitions.size(); ++p) {
        const auto pp = base + "/partitions/" + std::to_string(p);
        ops.push_back(zkc::op::create{pp, {}});
        ops.push_back(zkc::op::create{pp + "/state", to_bytes(partition_state_json(t.partitions[p], m.epoch))});
    }
    m.cl()->multi(std::move(ops)).then([self = _impl, name = t.name, done](result<zkc::multi_result> r) {
        std::error_code ec = !r ? r.error() : (!r.value().committed ? r.value().first_error() : std::error_code{});
        if (ec) {
            self->log->error("Cannot write the new partitions of topic {} to the coordinator: {}", name, ec.message());
        }
        done(ec ? result<void>(ec) : result<void>(success()));
    });
}

void coordinator_link::request_delete(const std::string& name, write_done done) {
    _impl->cl()->create("/admin/delete_topics/" + name, {}).then([self = _impl, name, done](result<std::string> r) {
        if (!r && !is(r.error(), zkc::error_code::node_exists)) {
            self->log->error("Cannot request deletion of topic {}: {}", name, r.error().message());
            if (done) {
                done(r.error());
            }
            return;
        }
        if (done) {
            done(success());
        }
    });
}

void coordinator_link::write_config(const std::string& type, const std::string& name,
                                    const std::map<std::string, std::string>& configs, write_done done) {
    _impl->write_config("/config/" + type + "/" + name, to_bytes(topic_config_json(configs)),
                        to_bytes(config_change_json(type + "/" + name)), false, 3, std::move(done));
}

void coordinator_link::impl::write_config(std::string path, bytes payload, bytes notice, bool create, int tries,
                                          write_done done) {
    // Replace the node if it exists, else create it; the notification is a persistent sequential
    // node, as Kafka's brokers and tools expect.
    std::vector<zkc::multi_op> ops;
    if (create) {
        ops.push_back(zkc::op::create{path, payload});
    } else {
        ops.push_back(zkc::op::set_data{path, payload});
    }
    ops.push_back(zkc::op::create{"/config/changes/config_change_", notice, zkc::create_mode::persistent_sequential});
    cl()->multi(std::move(ops))
        .then([self = shared_from_this(), path, payload, notice, create, tries, done](result<zkc::multi_result> r) {
            std::error_code ec = !r ? r.error() : (!r.value().committed ? r.value().first_error() : std::error_code{});
            bool raced =
                (!create && is(ec, zkc::error_code::no_node)) || (create && is(ec, zkc::error_code::node_exists));
            if (raced && tries > 1) {
                self->write_config(path, payload, notice, !create, tries - 1, done);
                return;
            }
            if (ec) {
                self->log->error("Cannot write {} to the coordinator: {}", path, ec.message());
            } else {
                self->log->info("Updated {} in the coordinator", path);
            }
            done(ec ? result<void>(ec) : result<void>(success()));
        });
}

void coordinator_link::watch_config_changes(config_handler on_change) {
    _impl->on_config = std::move(on_change);
    asio::post(_impl->io, [self = _impl] { self->scan_config_changes(); });
}

void coordinator_link::impl::scan_config_changes() {
    auto self = shared_from_this();
    auto rearm = [self](const zkc::watch_event& ev) {
        if (!self->closed && ev.type != zkc::event_type::none) {
            self->scan_config_changes();
        }
    };
    cl()->get_children("/config/changes", rearm).then([self](result<std::vector<std::string>> r) {
        if (!r) {
            self->log->warn("Cannot list /config/changes: {}", r.error().message());
            return;
        }
        auto names = std::move(r).value();
        std::sort(names.begin(), names.end());
        if (!self->last_change) {
            // Configs present at startup are loaded already: only later notifications count.
            self->last_change = names.empty() ? std::string() : names.back();
            return;
        }
        for (const auto& n : names) {
            if (n <= *self->last_change) {
                continue;
            }
            self->last_change = n;
            self->cl()->get_data("/config/changes/" + n).then([self](result<zkc::node_data> d) {
                auto entity = d ? parse_config_change(as_string_view(d.value().data)) : std::nullopt;
                auto slash = entity ? entity->find('/') : std::string::npos;
                if (slash == std::string::npos) {
                    return;
                }
                auto type = entity->substr(0, slash);
                auto name = entity->substr(slash + 1);
                self->cl()->get_data("/config/" + *entity).then([self, type, name](result<zkc::node_data> c) {
                    std::map<std::string, std::string> configs;
                    if (c) {
                        configs = parse_topic_config(as_string_view(c.value().data)).value_or(configs);
                    } else if (!is(c.error(), zkc::error_code::no_node)) {
                        return;
                    }
                    if (self->on_config) {
                        self->on_config(type, name, std::move(configs));
                    }
                });
            });
        }
    });
}

result<std::map<std::string, std::string>> coordinator_link::load_config(const std::string& type,
                                                                         const std::string& name) {
    auto data = _impl->cl()->get_data("/config/" + type + "/" + name).get();
    if (!data && is(data.error(), zkc::error_code::no_node)) {
        return std::map<std::string, std::string>{};
    }
    BOOST_OUTCOME_TRY(auto d, std::move(data));
    auto parsed = parse_topic_config(as_string_view(d.data));
    if (!parsed) {
        _impl->log->warn("Ignoring /config/{}/{}: unreadable {}", type, name, as_string_view(d.data));
        return std::map<std::string, std::string>{};
    }
    return std::move(*parsed);
}

void coordinator_link::watch_deletions(std::function<void(const std::string&)> on_delete) {
    // Set before elect(); the scan starts once this broker wins an election.
    _impl->on_delete = std::move(on_delete);
}

void coordinator_link::impl::scan_deletions() {
    auto self = shared_from_this();
    auto rearm = [self](const zkc::watch_event& ev) {
        if (!self->closed && ev.type != zkc::event_type::none) {
            self->scan_deletions();
        }
    };
    cl()->get_children("/admin/delete_topics", rearm).then([self](result<std::vector<std::string>> r) {
        if (!r) {
            self->log->warn("Cannot list /admin/delete_topics: {}", r.error().message());
            return;
        }
        if (!self->controller) {
            return; // the controller deletes; this broker follows its metadata
        }
        for (const auto& name : r.value()) {
            self->log->info("[Controller id={}] deleting topic {}", self->opts.node_id, name);
            if (self->on_delete) {
                self->on_delete(name);
            }
            self->delete_topic_znodes(name);
        }
    });
}

void coordinator_link::impl::delete_topic_znodes(const std::string& name) {
    auto self = shared_from_this();
    // Assignment and config first, the request last: a request still present means "not done".
    cl()->delete_recursive("/brokers/topics/" + name).then([self, name](result<void> a) {
        self->cl()->delete_recursive("/config/topics/" + name).then([self, name, a](result<void> b) {
            if (!a || !b) {
                self->log->error("Cannot delete the znodes of topic {}: {}", name,
                                 (!a ? a.error() : b.error()).message());
                return;
            }
            self->cl()->remove("/admin/delete_topics/" + name).then([](result<void>) {});
        });
    });
}

} // namespace brook::broker::zk
