#pragma once
// Outcomes of a consumer's asynchronous offset commits. The OffsetCommit requests go out on the
// client's network thread, which records each outcome here; the consumer's own thread (poll,
// commit_sync, close) takes the finished ones, in the order the commits were made, and runs the
// user's callbacks. A commit that finished before an earlier one waits for it, so callbacks
// always complete in commit order.
#include "brook/client/kafka/client.h"
#include "brook/client/kafka/consumer.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace brook::client::kafka {

class commit_queue : public std::enable_shared_from_this<commit_queue> {
public:
    using callback = std::function<void(std::error_code)>;
    using finished = std::vector<std::pair<callback, std::error_code>>;

    /// Registers a commit made now; the returned function records its outcome (from any thread,
    /// once; it keeps the queue alive).
    std::function<void(std::error_code)> add(callback done);

    /// The finished commits at the front of the queue (stopping at the first unfinished one).
    finished take_finished();
    /// Waits until every commit finished or `deadline` passed, then returns them all; those still
    /// unfinished carry errc::timed_out (their late outcome is dropped).
    finished take_all(std::chrono::steady_clock::time_point deadline);

    /// Commits made and not taken yet.
    size_t size() const;

private:
    struct entry {
        callback done;
        bool finished = false;
        std::error_code ec;
    };

    mutable std::mutex _mutex;
    std::condition_variable _cv;
    std::deque<std::shared_ptr<entry>> _entries;
};

/// OffsetCommit of `offsets` for `group` as member (`generation`, `member`, `instance`); a
/// simple consumer (manual assignment) uses generation -1 and an empty member id.
protocol::kafka::offset_commit_request make_offset_commit(const std::string& group, int32_t generation,
                                                          const std::string& member,
                                                          const std::optional<std::string>& instance,
                                                          const std::map<topic_partition, int64_t>& offsets);
/// The first partition error of an OffsetCommit response (empty when all succeeded).
std::error_code offset_commit_error(const protocol::kafka::offset_commit_response& resp);

/// Sends `req` to `node` without waiting; `done` runs on the network thread with the outcome.
void send_offset_commit(client& c, int32_t node, protocol::kafka::offset_commit_request req,
                        std::function<void(std::error_code)> done);

} // namespace brook::client::kafka
