#include "leaderlesschart.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>

#include <algorithm>

namespace raftlab {

LeaderlessChart::LeaderlessChart(QWidget *parent)
    : TimeChartView(tr("Time without a leader"), tr("leader"), parent)
{
    // A row per node instead of a number line: node ids are names, not quantities.
    valueAxis()->setVisible(false);
    m_leaderAxis = new QCategoryAxis(chart());
    m_leaderAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    chart()->addAxis(m_leaderAxis, Qt::AlignLeft);
    fitAxisTitle(m_leaderAxis, tr("leader (node)"));
    m_bandEdge = new QLineSeries(chart());
    m_bandFloor = new QLineSeries(chart());
    m_band = new QAreaSeries(m_bandEdge, m_bandFloor);
    m_band->setName(tr("no leader"));
    m_leader = new QLineSeries(chart());
    m_leader->setName(tr("leader"));
    attach(m_band, m_leaderAxis);
    attach(m_leader, m_leaderAxis);
    setRows({});
    setTheme(theme());
}

LeaderlessChart::~LeaderlessChart() = default;

void LeaderlessChart::setRows(const std::vector<NodeId> &nodes)
{
    if (nodes == m_rows && !m_leaderAxis->categoriesLabels().isEmpty())
        return;
    m_rows = nodes;
    for (const QString &label : m_leaderAxis->categoriesLabels())
        m_leaderAxis->remove(label);
    m_leaderAxis->append(tr("none"), 0.0);
    for (std::size_t row = 0; row < m_rows.size(); ++row)
        m_leaderAxis->append(QString::number(m_rows[row].value), double(row + 1));
    m_leaderAxis->setStartValue(-0.5);
    m_leaderAxis->setRange(-0.5, double(m_rows.size()) + 0.5);
}

QStringList LeaderlessChart::leaderAxisLabels() const
{
    return m_leaderAxis->categoriesLabels();
}

double LeaderlessChart::rowOf(NodeId node) const
{
    if (node.isNone())
        return 0.0;
    const auto it = std::find(m_rows.begin(), m_rows.end(), node);
    return it == m_rows.end() ? 0.0 : double(it - m_rows.begin() + 1);
}

void LeaderlessChart::refresh(const ClusterModel &model, const ChartWindow &window)
{
    const ClusterHistory &history = model.history();
    setRows(model.nodeIds());
    const double bottom = m_leaderAxis->min();
    const double top = m_leaderAxis->max();

    QList<QPointF> band = leaderlessPoints(history.leaderPresence(), window);
    QList<QPointF> floor;
    floor.reserve(band.size());
    for (QPointF &point : band) {
        point.setY(point.y() > 0 ? top : bottom); // the band fills the chart's height
        floor.append(QPointF(point.x(), bottom));
    }
    m_bandEdge->replace(band);
    m_bandFloor->replace(floor);
    QList<QPointF> leader = stepPoints(history.leaderSeries(), window);
    m_spans.clear();
    for (qsizetype i = 0; i < leader.size(); ++i) {
        const NodeId who(std::uint32_t(leader[i].y()));
        if (!who.isNone() && i + 1 < leader.size() && leader[i + 1].y() == leader[i].y() &&
            leader[i + 1].x() > leader[i].x())
            m_spans.push_back(LeaderSpan{.fromX = leader[i].x(), .toX = leader[i + 1].x(), .leader = who});
    }
    for (QPointF &point : leader)
        point.setY(rowOf(NodeId(std::uint32_t(point.y()))));
    m_leader->replace(leader);
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

void LeaderlessChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    TimeChartView::drawForeground(painter, rect);
    const QRectF plot = chart()->mapToScene(chart()->plotArea()).boundingRect();
    const QFont font = theme().font(0.75, true);
    const QFontMetricsF metrics(font);
    painter->save();
    painter->setFont(font);
    painter->setPen(theme().roleColor(Role::Leader));
    double lastRight = -1e9;
    for (const LeaderSpan &span : m_spans) {
        const double y = rowOf(span.leader);
        const QPointF from = chart()->mapToScene(chart()->mapToPosition(QPointF(span.fromX, y), m_leader));
        const QPointF to = chart()->mapToScene(chart()->mapToPosition(QPointF(span.toX, y), m_leader));
        const QString text = tr("node %1").arg(span.leader.value);
        const double width = metrics.horizontalAdvance(text) + 4;
        if (to.x() - from.x() < width || from.x() < lastRight)
            continue; // too short to name, or it would cover the previous name
        const double top = std::max(plot.top(), from.y() - metrics.height() - 1);
        painter->drawText(QRectF(from.x() + 3, top, width, metrics.height()), Qt::AlignLeft, text);
        lastRight = from.x() + width + 6;
    }
    painter->restore();
}

void LeaderlessChart::setTheme(const Theme &theme)
{
    TimeChartView::setTheme(theme);
    if (m_leaderAxis)
        styleAxis(m_leaderAxis);
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
