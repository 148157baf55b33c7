#include "writeschart.h"

#include <QChart>

namespace raftlab {

WritesChart::WritesChart(QWidget *parent)
    : TimeChartView(tr("Client writes"), tr("committed writes / s"), parent)
{
    m_latencyAxis = addSecondValueAxis(tr("latency (ms)"));
    m_throughput = new QLineSeries(chart());
    // The lines show each second; the title sums up the last few seconds, as the load generator does.
    m_throughput->setName(tr("writes/s (each second)"));
    m_p50 = new QLineSeries(chart());
    m_p50->setName(tr("p50 latency"));
    m_p99 = new QLineSeries(chart());
    m_p99->setName(tr("p99 latency"));
    attach(m_throughput, valueAxis());
    attach(m_p50, m_latencyAxis);
    attach(m_p99, m_latencyAxis);
    m_p50->setPointsVisible(true);
    m_p99->setPointsVisible(true);
    setRenderHint(QPainter::Antialiasing); // latency lines slope, and have one point a second at most
    setTheme(theme());
}

WritesChart::~WritesChart() = default;

void WritesChart::refresh(const ClusterModel &model, const ChartWindow &window)
{
    const ClientWriteStats &writes = model.history().clientWrites();
    const QList<QPointF> throughput = throughputPoints(writes, window);
    const QList<QPointF> p50 = latencyPoints(writes, window, LatencyPercentile::P50);
    const QList<QPointF> p99 = latencyPoints(writes, window, LatencyPercentile::P99);
    m_throughput->replace(throughput);
    m_p50->replace(p50);
    m_p99->replace(p99);
    fitValueAxis(valueAxis(), maximumY({&throughput}), true);
    fitValueAxis(m_latencyAxis, std::max(1.0, maximumY({&p50, &p99})), false);
    setWindow(window);
    setFaultMarkers(markersInWindow(model.history().faultMarkers(), window));

    const WriteSummary recent = writes.summary();
    chart()->setTitle(throughput.isEmpty() || writes.committedCount() + writes.failedCount() == 0 ||
                              recent.seconds == 0
                          ? tr("Client writes: none yet")
                          : tr("Client writes, %1").arg(recent.describe(true)));
    setToolTip(recent.seconds == 0
                   ? QString()
                   : tr("All client writes (the app's client panel and load generator), %1. The "
                        "lines show each second.")
                         .arg(recent.describe()));
}

void WritesChart::setTheme(const Theme &theme)
{
    TimeChartView::setTheme(theme);
    m_throughput->setPen(QPen(theme.committed(), theme.lineWidth() * 1.3));
    m_p50->setPen(QPen(theme.applied(), theme.lineWidth()));
    m_p99->setPen(QPen(theme.roleColor(Role::Candidate), theme.lineWidth(), Qt::DashLine));
    m_p50->setMarkerSize(theme.lineWidth() * 3);
    m_p99->setMarkerSize(theme.lineWidth() * 3);
}

} // namespace raftlab
