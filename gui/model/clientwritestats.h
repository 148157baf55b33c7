#pragma once

#include "ringbuffer.h"

#include <QtGlobal>

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
    std::size_t m_samplesPerSecond = 4096;
    quint64 m_sampleCounter = 0;
    quint64 m_committedTotal = 0;
    quint64 m_failedTotal = 0;
};

} // namespace raftlab
