#include "leaderlesschart.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>

namespace raftlab {

LeaderlessChart::LeaderlessChart(QWidget *parent)
    : TimeChartView(tr("Time without a leader"), tr("leader (node)"), parent)
{
    m_bandEdge = new QLineSeries(chart());
    m_band = new QAreaSeries(m_bandEdge);
    m_band->setName(tr("no leader"));
    m_leader = new QLineSeries(chart());
    m_leader->setName(tr("leader"));
    attach(m_band, valueAxis());
    attach(m_leader, valueAxis());
    setTheme(theme());
}

LeaderlessChart::~LeaderlessChart() = default;

void LeaderlessChart::refresh(const ClusterModel &model, const ChartWindow &window)
{
    const ClusterHistory &history = model.history();
    std::uint32_t highestNode = 1;
    for (NodeId id : model.nodeIds())
        highestNode = std::max(highestNode, id.value);
    const double top = highestNode + 0.5;

    QList<QPointF> band = leaderlessPoints(history.leaderPresence(), window);
    for (QPointF &point : band)
        point.setY(point.y() * top); // the band fills the chart's height
    m_bandEdge->replace(band);
    m_leader->replace(stepPoints(history.leaderSeries(), window));
    valueAxis()->setRange(0.0, top);
    valueAxis()->setTickInterval(1.0);
    valueAxis()->setLabelFormat("%d");
    setWindow(window);
    setFaultMarkers(markersInWindow(history.faultMarkers(), window));

    // The share counts from when the GUI started watching, not from before it existed.
    qint64 observedFromUs = window.nowUs;
    for (NodeId id : model.nodeIds())
        if (const TimeSeries *terms = history.termSeries(id); terms && !terms->isEmpty())
            observedFromUs = std::min(observedFromUs, terms->at(0).tUs);
    observedFromUs = std::max(observedFromUs, window.startUs());
    const qint64 observedUs = window.nowUs - observedFromUs;
    m_leaderlessUs = observedUs > 0 ? history.leaderPresence().leaderlessUs(observedFromUs, window.nowUs) : 0;
    chart()->setTitle(observedUs <= 0 ? tr("Time without a leader")
                                      : tr("Time without a leader: %1 s (%2 % of the last %3 s)")
                                            .arg(double(m_leaderlessUs) / 1e6, 0, 'f', 1)
                                            .arg(qRound(100.0 * double(m_leaderlessUs) / double(observedUs)))
                                            .arg(qRound(double(observedUs) / 1e6)));
}

void LeaderlessChart::setTheme(const Theme &theme)
{
    TimeChartView::setTheme(theme);
    QColor band = theme.cutLink();
    band.setAlphaF(0.3);
    m_band->setBrush(band);
    m_band->setPen(QPen(band, 1.0));
    QColor swatch = theme.cutLink(); // the legend's swatch is small: a stronger tint of the band
    swatch.setAlphaF(0.6);
    for (QLegendMarker *marker : chart()->legend()->markers(m_band)) {
        marker->setShape(QLegend::MarkerShapeRectangle);
        marker->setBrush(swatch);
        marker->setPen(QPen(swatch));
    }
    m_leader->setPen(QPen(theme.roleColor(Role::Leader), theme.lineWidth() * 1.3));
}

} // namespace raftlab
