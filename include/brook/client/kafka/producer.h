#pragma once
// The Kafka producer: partitioning (partitioner.h), batching per partition with linger.ms and
// batch.size, compression, acks, retries with backoff, and delivery reports.
//
// produce() may be called from any thread; it encodes the record into the open batch of its
// partition at once (one copy), closing and compressing batches on the calling thread. A sender
// on the client's network thread ships closed batches (one per partition per Produce request,
// max.in.flight requests per broker) and runs the delivery callbacks there: callbacks must be
// short and must not call blocking client functions.
#include "brook/client/kafka/client.h"
#include "brook/client/kafka/config.h"
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/record_batch_builder.h"

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace brook::client::kafka {

/// Where a record landed. `offset` is -1 with acks=0.
struct delivery_report {
    std::string_view topic;
    int32_t partition = -1;
    int64_t offset = -1;
    int64_t timestamp = -1;
};

/// An owned delivery_report, for futures.
struct record_metadata {
    std::string topic;
    int32_t partition = -1;
    int64_t offset = -1;
    int64_t timestamp = -1;
};

/// Called once per record on the network thread; `ec` is empty on success.
using delivery_callback = std::function<void(std::error_code ec, const delivery_report& report)>;

/// One record to produce; views must stay valid only during the produce() call.
struct record_ref {
    std::optional<int32_t> partition;
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    std::span<const protocol::kafka::record_header> headers;
    /// Milliseconds since the epoch; -1 takes the current time.
    int64_t timestamp = -1;
};

struct producer_stats {
    uint64_t records_sent = 0;
    uint64_t batches_sent = 0;
    uint64_t requests_sent = 0;
    uint64_t retries = 0;
    uint64_t bytes_sent = 0;
};

class producer {
public:
    /// `c` must outlive the producer. Fails fast (std::invalid_argument) on an invalid config.
    producer(client& c, producer_config cfg);
    /// Flushes for at most delivery.timeout, then fails what is left with errc::closed.
    ~producer();
    producer(const producer&) = delete;
    producer& operator=(const producer&) = delete;

    /// Queues a record for `topic`. Fails at once for an unknown topic (after a metadata
    /// lookup that may auto-create it) or an out-of-range partition; otherwise the outcome goes
    /// to `cb`. Blocks while buffer.memory bytes are waiting.
    result<void> produce(std::string_view topic, const record_ref& record, delivery_callback cb = {});

    /// The same with a future instead of a callback.
    std::future<result<record_metadata>> send(std::string_view topic, const record_ref& record);

    /// Sends every queued record and waits for their reports. Fails with errc::timed_out when
    /// records are still waiting after `timeout`.
    result<void> flush(std::chrono::milliseconds timeout);

    producer_stats stats() const;

private:
    struct impl;
    std::shared_ptr<impl> _impl;
};

} // namespace brook::client::kafka
