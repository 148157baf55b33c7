#pragma once

#include <QString>

#include <atomic>
#include <cstdint>

namespace raftlab::WriteTrace {

// Where one write is on its way through a node: stamped with the monotonic clock in nanoseconds and the
// log index it concerns (0 where none is known yet), so that the stamps of the leader and of a follower
// line up (docs/benchmarks.md, "Where a one-connection write's time goes"). Off unless
// RAFTLAB_WRITE_TRACE names a directory; the pure core stamps nothing, only the node around it.
enum class Stage : std::uint8_t {
    RequestParsed, // leader: a key-value request's head and body read (HTTP fast path)
    Proposed, // leader: the core accepted the write at `index`
    LogHanded, // a Ready ending at `index` handed to the log's thread (or written inline)
    AppendSent, // leader: an append ending at `index` given to the transport
    LogStarted, // the log's thread began writing that Ready
    LogSynced, // its write and fdatasync returned
    LogDone, // the event loop learnt it is durable
    FrameReceived, // follower: an append ending at `index` arrived
    ReplySent, // follower: its acknowledgement up to `index` given to the transport
    ReplyReceived, // leader: an acknowledgement up to `index` arrived
    Committed, // the entries up to `index` are about to apply
    Applied, // the entry at `index` applied
    AnswerWritten, // leader: the write at `index` answered (its HTTP answer queued on the socket)
    Count
};

namespace detail {
extern std::atomic<bool> g_enabled;
void record(Stage stage, std::uint64_t index);
} // namespace detail

// One relaxed load when tracing is off.
inline bool enabled()
{
    return detail::g_enabled.load(std::memory_order_relaxed);
}
inline void stamp(Stage stage, std::uint64_t index = 0)
{
    if (enabled())
        detail::record(stage, index);
}

// Reads RAFTLAB_WRITE_TRACE; when it names a directory, keeps the last 2^20 stamps in memory from now on.
void enableFromEnvironment();
// Writes the stamps kept, oldest first, as "stage_name index ns" lines to <dir>/write-trace-<pid>.txt.
// Call once every thread that stamps has stopped. Returns the file written, or an empty string.
QString dump();
const char *stageName(Stage stage);

} // namespace raftlab::WriteTrace
