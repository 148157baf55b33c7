#pragma once

#include "model/clientwritestats.h"
#include "model/clusterhistory.h"
#include "model/leaderpresence.h"
#include "model/timeseries.h"

#include <QList>
#include <QPointF>

#include <vector>

namespace raftlab {

// The time window a chart shows: the last `spanUs` before `nowUs`. The x axis is in seconds relative to
// now (-30 … 0), so the numbers under the chart read "how long ago" and do not change as time slides.
struct ChartWindow
{
    qint64 nowUs = 0;
    qint64 spanUs = 30'000'000;
    // Changes closer together than this are drawn as one vertical stroke (min to max): a chart a few
    // hundred pixels wide cannot show more, and Qt Charts' cost grows with the points. 0: every change.
    qint64 resolutionUs = 0;

    qint64 startUs() const { return nowUs - spanUs; }
    double xOf(qint64 tUs) const { return double(tUs - nowUs) / 1e6; }
    bool contains(qint64 tUs) const { return tUs >= startUs() && tUs <= nowUs; }
};

// A fault marker placed on a chart's x axis.
struct ChartMarker
{
    double x = 0.0;
    QString label{};
};

// Pure conversions from the model's histories to chart points, one list per series, so a chart
// replaces its points in one call. Only what lies in the window is produced: memory follows the window.

// A step line: the value holds until the next change (term, commit index), extended to now. With a
// resolution, each bucket of that width keeps at most four points (entry, min, max, exit), so a long
// window of fast changes draws the same picture from a few hundred points.
QList<QPointF> stepPoints(const TimeSeries &series, const ChartWindow &window);

// Committed client writes per second, as steps one second wide.
QList<QPointF> throughputPoints(const ClientWriteStats &writes, const ChartWindow &window);

enum class LatencyPercentile : std::uint8_t { P50, P99 };
// One point per second that had committed writes, in milliseconds, at the middle of its second.
QList<QPointF> latencyPoints(const ClientWriteStats &writes, const ChartWindow &window,
                             LatencyPercentile percentile);

// 1 while no node led, 0 otherwise: the upper edge of the "no leader" band.
QList<QPointF> leaderlessPoints(const LeaderPresence &presence, const ChartWindow &window);

// The fault markers inside the window, oldest first.
std::vector<ChartMarker> markersInWindow(const RingBuffer<FaultMarker> &markers, const ChartWindow &window);

// The largest y value of the given lists (0 for none): the charts scale their y axis to it.
double maximumY(const std::vector<const QList<QPointF> *> &lists);

} // namespace raftlab
