#include "nodeserieschart.h"

#include <QChart>

namespace raftlab {

NodeSeriesChart::NodeSeriesChart(const QString &title, const QString &valueTitle, SeriesOf seriesOf,
                                 QWidget *parent)
    : TimeChartView(title, valueTitle, parent)
    , m_seriesOf(std::move(seriesOf))
{ }

NodeSeriesChart::~NodeSeriesChart() = default;

const QLineSeries *NodeSeriesChart::series(NodeId node) const
{
    const auto found = m_series.find(node);
    return found == m_series.end() ? nullptr : found->second;
}

QLineSeries *NodeSeriesChart::seriesFor(NodeId node, int position)
{
    if (const auto found = m_series.find(node); found != m_series.end())
        return found->second;
    auto *series = new QLineSeries(chart());
    series->setName(tr("Node %1").arg(node.value));
    series->setPen(nodePen(theme(), position));
    attach(series, valueAxis());
    m_series.emplace(node, series);
    return series;
}

void NodeSeriesChart::refresh(const ClusterModel &model, const ChartWindow &window)
{
    const std::vector<NodeId> nodes = model.nodeIds();
    // A reset cluster forgets its nodes: their lines go too.
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (std::find(nodes.begin(), nodes.end(), it->first) == nodes.end()) {
            chart()->removeSeries(it->second);
            delete it->second;
            it = m_series.erase(it);
        } else {
            ++it;
        }
    }
    double maximum = 0.0;
    for (std::size_t position = 0; position < nodes.size(); ++position) {
        const TimeSeries *history = m_seriesOf(model.history(), nodes[position]);
        const QList<QPointF> points = history ? stepPoints(*history, window) : QList<QPointF>();
        maximum = std::max(maximum, maximumY({&points}));
        seriesFor(nodes[position], int(position))->replace(points); // one call: one repaint
    }
    fitValueAxis(valueAxis(), maximum, true);
    setWindow(window);
    setFaultMarkers(markersInWindow(model.history().faultMarkers(), window));
}

void NodeSeriesChart::setTheme(const Theme &theme)
{
    TimeChartView::setTheme(theme);
    int position = 0;
    for (auto &[node, series] : m_series)
        series->setPen(nodePen(theme, position++));
}

} // namespace raftlab
