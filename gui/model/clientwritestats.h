#pragma once

#include "ringbuffer.h"

#include <QString>
#include <QtGlobal>

#include <deque>
#include <vector>

namespace raftlab {

enum class WriteOutcome : std::uint8_t { Committed, Failed };

// One second of client writes: how many, and how long they took.
struct WriteSecond
{
    qint64 startUs = 0;
    int committed = 0;
    int failed = 0;
    qint64 p50Us = 0; // latency percentiles of the committed writes; 0 when none
    qint64 p99Us = 0;
    qint64 maxUs = 0;
    qint64 latencySumUs = 0; // of every committed write (not only the sampled ones): for the mean
};

// The client writes of the last few whole seconds, as one set of figures: what the writes chart's title
// and the load generator's panel both show, so that two views of the same load say the same thing.
struct WriteSummary
{
    // "last 5 s: 100 writes/s · latency mean 6.4 ms, p50 5.9 ms, p99 12.0 ms · 0 failed" (committed
    // writes per second; latency from sending the request to its answer). Compact, for a chart title:
    // "last 5 s: 100/s · mean 6.4 ms · p50 5.9 · p99 12.0 ms · 0 failed", the same figures.
    QString describe(bool compact = false) const;

    int seconds = 0; // whole seconds covered (fewer than asked while the writes have just begun)
    int committed = 0;
    int failed = 0;
    double committedPerSecond = 0;
    qint64 meanUs = 0; // latency of the committed writes, from sending the request to the answer
    qint64 p50Us = 0;
    qint64 p99Us = 0;
};

// Client write throughput and latency per second over a sliding window (the charts' p50/p99 lines).
// Each second keeps at most `samplesPerSecond` latencies (a reservoir sample beyond), so a load
// generator at any rate costs bounded memory.
class ClientWriteStats
{
public:
    explicit ClientWriteStats(qint64 windowUs = 600'000'000, std::size_t samplesPerSecond = 4096);

    void record(qint64 tUs, qint64 latencyUs, WriteOutcome outcome);
    // Closes the seconds that ended before `nowUs` (with no writes, they close as zeros).
    void roll(qint64 nowUs);
    void clear();

    const RingBuffer<WriteSecond> &seconds() const { return m_seconds; } // closed seconds, oldest first
    WriteSecond currentSecond() const; // the second still filling, with provisional figures
    // The last `seconds` closed seconds (at most summarySeconds), counted from the first write seen.
    static constexpr int summarySeconds = 5;
    WriteSummary summary(int seconds = summarySeconds) const;
    quint64 committedCount() const { return m_committedTotal; }
    quint64 failedCount() const { return m_failedTotal; }

private:
    void closeCurrent();
    WriteSecond summarize() const;

    RingBuffer<WriteSecond> m_seconds;
    qint64 m_currentStartUs = -1;
    int m_currentCommitted = 0;
    int m_currentFailed = 0;
    std::vector<qint64> m_latencies;
    qint64 m_latencySumUs = 0;
    std::deque<std::vector<qint64>> m_recentLatencies; // of the newest closed seconds, newest last
    std::size_t m_samplesPerSecond = 4096;
    quint64 m_sampleCounter = 0;
    quint64 m_committedTotal = 0;
    quint64 m_failedTotal = 0;
};

} // namespace raftlab
