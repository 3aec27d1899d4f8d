#pragma once
// The core of the Kafka client: bootstrap, cluster metadata, one connection per broker with
// ApiVersions negotiation, and request/response calls. Producer, consumer and admin build on it.
//
// Threads: a client owns one network thread running an io_context; every connection lives there.
// The blocking calls (connect, refresh_metadata, call, ...) may be used from any other thread and
// must never be called from a handler running on the network thread (they would wait on
// themselves). send() may be called from any thread; its handler runs on the network thread.
#include "brook/client/kafka/config.h"
#include "brook/client/kafka/errc.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/messages/all.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace brook::client::kafka {

struct broker_metadata {
    int32_t node_id = -1;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
};

struct partition_metadata {
    int32_t partition = 0;
    int16_t error = 0;
    int32_t leader = -1;
    int32_t leader_epoch = -1;
    std::vector<int32_t> replicas;
    std::vector<int32_t> isr;
    std::vector<int32_t> offline;
};

struct topic_metadata {
    std::string name;
    int16_t error = 0;
    bool internal = false;
    protocol::kafka::uuid topic_id{};
    std::vector<partition_metadata> partitions;
};

struct cluster_metadata {
    std::optional<std::string> cluster_id;
    int32_t controller_id = -1;
    std::vector<broker_metadata> brokers;
    std::map<std::string, topic_metadata> topics;

    const broker_metadata* broker(int32_t node_id) const noexcept;
    const topic_metadata* topic(const std::string& name) const noexcept;
};

/// Parses a bootstrap list "host:port,host:port" ("host" alone means port 9092; "[v6]:port" too).
result<std::vector<broker_address>> parse_bootstrap_servers(std::string_view list);

/// Node id that means "any broker" in send() and call().
inline constexpr int32_t any_node = -1;

class client {
public:
    /// Starts the network thread; connects nothing yet.
    explicit client(client_config cfg);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Connects to the first bootstrap server that answers ApiVersions and loads the broker list.
    /// Fails with errc::unreachable when none does.
    result<void> connect();

    /// Fetches metadata for `topics` (all topics when nullopt) and merges it into the cache.
    result<std::shared_ptr<const cluster_metadata>> refresh_metadata(std::optional<std::vector<std::string>> topics,
                                                                     bool allow_auto_create = false);

    /// Non-blocking refresh of `topics` (auto-creating them when asked); `done` runs on the
    /// network thread once the cache is updated or the request failed.
    void refresh_metadata_async(std::vector<std::string> topics, bool allow_auto_create,
                                std::function<void(std::error_code)> done);

    /// The cached metadata (never null; empty before connect()).
    std::shared_ptr<const cluster_metadata> metadata() const;

    /// The cached metadata of `topic`, fetching it when not cached (auto-creating if asked).
    result<topic_metadata> topic(const std::string& name, bool allow_auto_create = false);

    /// Sends `body` to broker `node_id` (or any_node) at the negotiated version. `handler` runs
    /// on the network thread. See connection::send for `expect_response`.
    void send(int32_t node_id, protocol::kafka::request_body body,
              std::function<void(result<protocol::kafka::response_body>)> handler, bool expect_response = true);

    /// Blocking send() for callers off the network thread.
    result<protocol::kafka::response_body> call(int32_t node_id, protocol::kafka::request_body body);

    template<class Response>
    result<Response> call_as(int32_t node_id, protocol::kafka::request_body body) {
        BOOST_OUTCOME_TRY(auto r, call(node_id, std::move(body)));
        if (auto* typed = std::get_if<Response>(&r)) {
            return std::move(*typed);
        }
        return make_error_code(errc::protocol_error);
    }

    /// The version of `api_key` negotiated with `node_id` (connecting if needed); -1 if none.
    result<int16_t> api_version(int32_t node_id, int16_t api_key);

    /// (api key, highest common version) for every API both sides support.
    result<std::vector<std::pair<int16_t, int16_t>>> negotiated_versions(int32_t node_id);

    const client_config& config() const noexcept;

    /// The network thread's io_context (for the producer and consumer of this library).
    boost::asio::io_context& io() noexcept;

    /// Forgets the cached metadata of `topic` so the next use refreshes it (after NOT_LEADER ...).
    void invalidate(const std::string& topic);

private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

} // namespace brook::client::kafka
