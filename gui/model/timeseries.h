#pragma once

#include "ringbuffer.h"

#include <QtGlobal>

namespace raftlab {

struct SeriesPoint
{
    qint64 tUs = 0;
    double value = 0.0;
};

// A step series over a sliding window, for charts: a point means "from tUs on, the value is value".
// Only changes are stored, and changes closer together than `resolutionUs` are merged into one point,
// so the ring (sized window / resolution) always covers the whole window.
class TimeSeries
{
public:
    explicit TimeSeries(qint64 windowUs = 600'000'000, qint64 resolutionUs = 100'000);

    void append(qint64 tUs, double value);
    // Drops points older than the window, keeping the one in force at its start.
    void prune(qint64 nowUs);
    void clear();

    std::size_t size() const { return m_points.size(); }
    bool isEmpty() const { return m_points.isEmpty(); }
    const SeriesPoint &at(std::size_t i) const { return m_points.at(i); } // 0 is the oldest
    const SeriesPoint &last() const { return m_points.back(); }
    qint64 windowUs() const { return m_windowUs; }
    quint64 revision() const { return m_revision; }

    template<typename F>
    void forEach(F &&f) const
    {
        m_points.forEach(std::forward<F>(f));
    }

private:
    RingBuffer<SeriesPoint> m_points;
    qint64 m_windowUs = 0;
    qint64 m_resolutionUs = 0;
    quint64 m_revision = 0;
};

} // namespace raftlab
