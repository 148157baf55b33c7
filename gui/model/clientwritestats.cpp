#include "clientwritestats.h"

#include <QObject>

#include <algorithm>

namespace raftlab {

namespace {

constexpr qint64 secondUs = 1'000'000;

qint64 percentile(std::vector<qint64> &sorted, double fraction)
{
    if (sorted.empty())
        return 0;
    const std::size_t rank = std::min(sorted.size() - 1, std::size_t(fraction * double(sorted.size())));
    return sorted[rank];
}

} // namespace

QString WriteSummary::describe(bool compact) const
{
    const QString window = QObject::tr("last %n s", nullptr, seconds);
    if (committed == 0)
        return QObject::tr("%1: no write committed · %2 failed").arg(window).arg(failed);
    const auto ms = [](qint64 us) {
        return QString::number(double(us) / 1000.0, 'f', 1);
    };
    if (compact)
        return QObject::tr("%1: %2/s · mean %3 ms · p50 %4 · p99 %5 ms · %6 failed")
            .arg(window)
            .arg(committedPerSecond, 0, 'f', 0)
            .arg(ms(meanUs), ms(p50Us), ms(p99Us))
            .arg(failed);
    return QObject::tr("%1: %2 writes/s · latency mean %3 ms, p50 %4 ms, p99 %5 ms · %6 failed")
        .arg(window)
        .arg(committedPerSecond, 0, 'f', 0)
        .arg(ms(meanUs), ms(p50Us), ms(p99Us))
        .arg(failed);
}

ClientWriteStats::ClientWriteStats(qint64 windowUs, std::size_t samplesPerSecond)
    : m_seconds(std::size_t(std::max<qint64>(windowUs / secondUs, 1)))
    , m_samplesPerSecond(std::max<std::size_t>(samplesPerSecond, 1))
{ }

void ClientWriteStats::record(qint64 tUs, qint64 latencyUs, WriteOutcome outcome)
{
    roll(tUs);
    if (m_currentStartUs < 0)
        m_currentStartUs = tUs - tUs % secondUs;
    if (outcome == WriteOutcome::Failed) {
        ++m_currentFailed;
        ++m_failedTotal;
        return;
    }
    ++m_currentCommitted;
    ++m_committedTotal;
    m_latencySumUs += latencyUs;
    if (m_latencies.size() < m_samplesPerSecond) {
        m_latencies.push_back(latencyUs);
        return;
    }
    // Reservoir sampling (Algorithm R) with a cheap deterministic generator.
    m_sampleCounter = m_sampleCounter * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::size_t slot = std::size_t((m_sampleCounter >> 33) % quint64(m_currentCommitted));
    if (slot < m_latencies.size())
        m_latencies[slot] = latencyUs;
}

void ClientWriteStats::roll(qint64 nowUs)
{
    if (m_currentStartUs < 0)
        return;
    // A long quiet gap closes at most a window's worth of empty seconds; the rest would scroll out.
    std::size_t closed = 0;
    while (nowUs >= m_currentStartUs + secondUs && closed++ < m_seconds.capacity()) {
        closeCurrent();
        m_currentStartUs += secondUs;
    }
    if (nowUs >= m_currentStartUs + secondUs)
        m_currentStartUs = nowUs - nowUs % secondUs;
}

WriteSecond ClientWriteStats::summarize() const
{
    std::vector<qint64> sorted = m_latencies;
    std::sort(sorted.begin(), sorted.end());
    return WriteSecond{.startUs = m_currentStartUs,
                       .committed = m_currentCommitted,
                       .failed = m_currentFailed,
                       .p50Us = percentile(sorted, 0.50),
                       .p99Us = percentile(sorted, 0.99),
                       .maxUs = sorted.empty() ? 0 : sorted.back(),
                       .latencySumUs = m_latencySumUs};
}

void ClientWriteStats::closeCurrent()
{
    m_seconds.push(summarize());
    m_recentLatencies.push_back(std::move(m_latencies));
    if (m_recentLatencies.size() > std::size_t(summarySeconds))
        m_recentLatencies.pop_front();
    m_currentCommitted = 0;
    m_currentFailed = 0;
    m_latencySumUs = 0;
    m_latencies = {};
}

WriteSummary ClientWriteStats::summary(int seconds) const
{
    WriteSummary result;
    seconds = std::clamp(seconds, 1, summarySeconds);
    const std::size_t count = std::min({std::size_t(seconds), m_seconds.size(), m_recentLatencies.size()});
    if (count == 0)
        return result;
    std::vector<qint64> latencies;
    qint64 latencySumUs = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const WriteSecond &second = m_seconds.at(m_seconds.size() - 1 - i);
        result.committed += second.committed;
        result.failed += second.failed;
        latencySumUs += second.latencySumUs;
        const std::vector<qint64> &sample = m_recentLatencies[m_recentLatencies.size() - 1 - i];
        latencies.insert(latencies.end(), sample.begin(), sample.end());
    }
    std::sort(latencies.begin(), latencies.end());
    result.seconds = int(count);
    result.committedPerSecond = double(result.committed) / double(count);
    result.meanUs = result.committed > 0 ? latencySumUs / result.committed : 0;
    result.p50Us = percentile(latencies, 0.50);
    result.p99Us = percentile(latencies, 0.99);
    return result;
}

WriteSecond ClientWriteStats::currentSecond() const
{
    return m_currentStartUs < 0 ? WriteSecond{} : summarize();
}

void ClientWriteStats::clear()
{
    m_seconds.clear();
    m_currentStartUs = -1;
    m_currentCommitted = m_currentFailed = 0;
    m_latencies.clear();
    m_latencySumUs = 0;
    m_recentLatencies.clear();
    m_committedTotal = m_failedTotal = 0;
}

} // namespace raftlab
