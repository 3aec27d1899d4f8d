#include "broker/zk/coordinator_link.h"

#include "brook/broker/errc.h"
#include "brook/client/zookeeper/client.h"
#include "brook/common/logging.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
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
    std::unique_ptr<zkc::client> client;
    link_options opts;
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
};

coordinator_link::coordinator_link(metadata_store& metadata) : _impl(std::make_shared<impl>(metadata)) {}

coordinator_link::~coordinator_link() {
    close();
}

result<void> coordinator_link::connect(const link_options& opts) {
    auto& m = *_impl;
    m.opts = opts;
    m.work.emplace(m.io.get_executor());
    m.thread = std::thread([&m] { m.io.run(); });
    zkc::client_options co;
    co.connect_string = opts.connect_string;
    co.session_timeout = opts.session_timeout;
    co.on_state = [weak = std::weak_ptr<impl>(_impl)](zkc::session_state s) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        if (s == zkc::session_state::expired) {
            // The ephemerals (broker registration, /controller) are gone with the session.
            self->controller = false;
            self->log->error("Coordinator session expired: this broker is no longer registered");
        } else if (s == zkc::session_state::suspended) {
            self->log->warn("Coordinator connection lost; reconnecting");
        }
    };
    m.client = std::make_unique<zkc::client>(m.io, co);
    auto connected = m.client->wait_connected().future();
    if (connected.wait_for(opts.connection_timeout) != std::future_status::ready || !connected.get()) {
        m.log->error("Timed out waiting for connection to the coordinator at {} ({} ms, "
                     "zookeeper.connection.timeout.ms)",
                     opts.connect_string, opts.connection_timeout.count());
        return make_error_code(errc::coordinator_unavailable);
    }
    m.log->info("Connected to the coordinator at {} (session 0x{:x}, timeout {} ms)", opts.connect_string,
                m.client->session_id(), m.client->negotiated_timeout().count());
    for (const char* path : {"/brokers/ids", "/brokers/topics", "/config/topics", "/admin/delete_topics"}) {
        if (auto r = m.client->ensure_path(path).get(); !r) {
            m.log->error("Cannot create {} in the coordinator: {}", path, r.error().message());
            return r.error();
        }
    }
    return success();
}

result<std::string> coordinator_link::ensure_cluster_id(const std::string& mine) {
    auto& c = *_impl->client;
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
        auto r = m.client->create_ephemeral(path, to_bytes(payload)).get();
        if (r) {
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
        auto st = m.client->exists(path, [fire](const zkc::watch_event&) { fire(); }).get();
        if (st && !st.value()) {
            continue;
        }
        gone_f.wait_for(std::chrono::milliseconds(500));
    }
}

void coordinator_link::impl::elect(std::function<void(result<void>)> done) {
    auto self = shared_from_this();
    client->create_ephemeral("/controller", to_bytes(controller_json(opts.node_id)))
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
        if (self->closed) {
            return;
        }
        if (ev.type == zkc::event_type::node_deleted) {
            self->log->info("/controller was deleted: running the election");
            self->elect(nullptr);
        } else {
            self->watch_controller(nullptr);
        }
    };
    client->get_data("/controller", on_change).then([self, done](result<zkc::node_data> r) {
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
    client->get_data("/controller_epoch").then([self, done](result<zkc::node_data> r) {
        if (!r && is(r.error(), zkc::error_code::no_node)) {
            self->client->create("/controller_epoch", to_bytes("1")).then([self, done](result<std::string> c) {
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
        self->client->set_data("/controller_epoch", to_bytes(std::to_string(next)), r.value().stat.version)
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
    if (m.closed.exchange(true) || !m.client) {
        return;
    }
    auto f = m.client->close().future();
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        m.log->warn("Closing the coordinator session timed out");
    }
    m.client.reset();
    m.work.reset();
    m.io.stop();
    if (m.thread.joinable()) {
        m.thread.join();
    }
}

result<std::vector<topic_metadata>> coordinator_link::load_topics() {
    auto& c = *_impl->client;
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
    return _impl->client->get_children("/admin/delete_topics").get();
}

void coordinator_link::publish_topic(const topic_metadata& t) {
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
    m.client->multi(std::move(ops)).then([self = _impl, name = t.name](result<zkc::multi_result> r) {
        if (!r) {
            self->log->error("Cannot write topic {} to the coordinator: {}", name, r.error().message());
        } else if (!r.value().committed) {
            self->log->error("Cannot write topic {} to the coordinator: {}", name, r.value().first_error().message());
        }
    });
}

void coordinator_link::request_delete(const std::string& name) {
    _impl->client->create("/admin/delete_topics/" + name, {}).then([self = _impl, name](result<std::string> r) {
        if (!r && !is(r.error(), zkc::error_code::node_exists)) {
            self->log->error("Cannot request deletion of topic {}: {}", name, r.error().message());
        }
    });
}

void coordinator_link::watch_deletions(std::function<void(const std::string&)> on_delete) {
    // Set before elect(); the scan starts once this broker wins an election.
    _impl->on_delete = std::move(on_delete);
}

void coordinator_link::impl::scan_deletions() {
    auto self = shared_from_this();
    auto rearm = [self](const zkc::watch_event&) {
        if (!self->closed) {
            self->scan_deletions();
        }
    };
    client->get_children("/admin/delete_topics", rearm).then([self](result<std::vector<std::string>> r) {
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
    client->delete_recursive("/brokers/topics/" + name).then([self, name](result<void> a) {
        self->client->delete_recursive("/config/topics/" + name).then([self, name, a](result<void> b) {
            if (!a || !b) {
                self->log->error("Cannot delete the znodes of topic {}: {}", name,
                                 (!a ? a.error() : b.error()).message());
                return;
            }
            self->client->remove("/admin/delete_topics/" + name).then([](result<void>) {});
        });
    });
}

} // namespace brook::broker::zk
