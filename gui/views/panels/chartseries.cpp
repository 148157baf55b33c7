#include "chartseries.h"

#include <algorithm>

namespace raftlab {

namespace {

// Appends `point` unless it repeats the last one (decimated buckets often do).
void appendDistinct(QList<QPointF> &points, const QPointF &point)
{
    if (points.isEmpty() || points.back() != point)
        points.append(point);
}

// The changes inside one bucket of a decimated step line.
struct StepBucket
{
    qint64 index = -1; // which bucket; -1 before the first
    double x = 0.0; // of its first change
    double before = 0.0; // the value in force when it began
    double minimum = 0.0;
    double maximum = 0.0;
    double last = 0.0;

    void flush(QList<QPointF> &points) const
    {
        if (index < 0)
            return;
        appendDistinct(points, QPointF(x, before));
        // Draw the stroke in the direction the value went, so a rising line stays rising.
        const bool rising = last >= before;
        appendDistinct(points, QPointF(x, rising ? minimum : maximum));
        appendDistinct(points, QPointF(x, rising ? maximum : minimum));
        appendDistinct(points, QPointF(x, last));
    }
};

} // namespace

QList<QPointF> stepPoints(const TimeSeries &series, const ChartWindow &window)
{
    QList<QPointF> points;
    if (series.isEmpty())
        return points;
    bool started = false;
    double value = 0.0;
    StepBucket bucket;
    series.forEach([&](const SeriesPoint &point) {
        if (point.tUs <= window.startUs()) { // before the window: only the value in force at its start
            value = point.value;
            started = true;
            return;
        }
        if (point.tUs > window.nowUs)
            return;
        if (!started) { // the series begins inside the window
            points.append(QPointF(window.xOf(point.tUs), point.value));
            started = true;
            value = point.value;
            return;
        }
        if (points.isEmpty())
            points.append(QPointF(window.xOf(window.startUs()), value));
        const qint64 index = window.resolutionUs > 0 ? (point.tUs - window.startUs()) / window.resolutionUs
                                                     : bucket.index + 1; // every change its own bucket
        if (index != bucket.index) {
            bucket.flush(points);
            bucket = StepBucket{.index = index,
                                .x = window.xOf(point.tUs),
                                .before = value,
                                .minimum = point.value,
                                .maximum = point.value,
                                .last = point.value};
        } else {
            bucket.minimum = std::min(bucket.minimum, point.value);
            bucket.maximum = std::max(bucket.maximum, point.value);
            bucket.last = point.value;
        }
        value = point.value;
    });
    bucket.flush(points);
    if (!started)
        return points;
    if (points.isEmpty())
        points.append(QPointF(window.xOf(window.startUs()), value));
    points.append(QPointF(0.0, value));
    return points;
}

QList<QPointF> throughputPoints(const ClientWriteStats &writes, const ChartWindow &window)
{
    QList<QPointF> points;
    writes.seconds().forEach([&](const WriteSecond &second) {
        if (second.startUs < window.startUs() || second.startUs > window.nowUs)
            return;
        const double rate = second.committed;
        points.append(QPointF(window.xOf(second.startUs), rate));
        points.append(QPointF(std::min(0.0, window.xOf(second.startUs + 1'000'000)), rate));
    });
    return points;
}

QList<QPointF> latencyPoints(const ClientWriteStats &writes, const ChartWindow &window,
                             LatencyPercentile percentile)
{
    QList<QPointF> points;
    writes.seconds().forEach([&](const WriteSecond &second) {
        if (second.committed == 0 || !window.contains(second.startUs + 500'000))
            return;
        const qint64 latencyUs = percentile == LatencyPercentile::P50 ? second.p50Us : second.p99Us;
        points.append(QPointF(window.xOf(second.startUs + 500'000), double(latencyUs) / 1000.0));
    });
    return points;
}

QList<QPointF> leaderlessPoints(const LeaderPresence &presence, const ChartWindow &window)
{
    QList<QPointF> points;
    points.append(QPointF(window.xOf(window.startUs()), 0.0));
    presence.spans().forEach([&](const LeaderlessSpan &span) {
        const qint64 endUs = span.endUs < 0 ? window.nowUs : span.endUs;
        if (endUs < window.startUs() || span.startUs > window.nowUs)
            return;
        const double from = window.xOf(std::max(span.startUs, window.startUs()));
        const double to = window.xOf(std::min(endUs, window.nowUs));
        points.append({QPointF(from, 0.0), QPointF(from, 1.0), QPointF(to, 1.0), QPointF(to, 0.0)});
    });
    points.append(QPointF(0.0, 0.0));
    return points;
}

std::vector<ChartMarker> markersInWindow(const RingBuffer<FaultMarker> &markers, const ChartWindow &window)
{
    std::vector<ChartMarker> inWindow;
    markers.forEach([&](const FaultMarker &marker) {
        if (window.contains(marker.tUs))
            inWindow.push_back(ChartMarker{.x = window.xOf(marker.tUs), .label = marker.label});
    });
    return inWindow;
}

double maximumY(const std::vector<const QList<QPointF> *> &lists)
{
    double maximum = 0.0;
    for (const QList<QPointF> *list : lists)
        for (const QPointF &point : *list)
            maximum = std::max(maximum, point.y());
    return maximum;
}

} // namespace raftlab
