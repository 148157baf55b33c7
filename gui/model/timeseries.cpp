#include "timeseries.h"

#include <algorithm>

namespace raftlab {

TimeSeries::TimeSeries(qint64 windowUs, qint64 resolutionUs)
    : m_points(std::size_t(windowUs / std::max<qint64>(resolutionUs, 1)) + 4)
    , m_windowUs(windowUs)
    , m_resolutionUs(std::max<qint64>(resolutionUs, 1))
{ }

void TimeSeries::append(qint64 tUs, double value)
{
    if (!m_points.isEmpty()) {
        SeriesPoint &last = m_points.back();
        if (last.value == value)
            return;
        // Merge with the previous change when it is too recent to tell apart (or out of order). The
        // first point stays: it is where the series starts.
        if (tUs - last.tUs < m_resolutionUs && m_points.size() >= 2) {
            last.value = value;
            ++m_revision;
            return;
        }
        tUs = std::max(tUs, last.tUs);
    }
    m_points.push(SeriesPoint{.tUs = tUs, .value = value});
    ++m_revision;
}

void TimeSeries::prune(qint64 nowUs)
{
    const qint64 start = nowUs - m_windowUs;
    bool pruned = false;
    while (m_points.size() >= 2 && m_points.at(1).tUs <= start) {
        m_points.popFront();
        pruned = true;
    }
    if (pruned)
        ++m_revision;
}

void TimeSeries::clear()
{
    m_points.clear();
    ++m_revision;
}

} // namespace raftlab
