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
    std::vector<QList<QPointF>> lines(nodes.size());
    for (std::size_t position = 0; position < nodes.size(); ++position) {
        const TimeSeries *history = m_seriesOf(model.history(), nodes[position]);
        lines[position] = history ? stepPoints(*history, window) : QList<QPointF>();
        maximum = std::max(maximum, maximumY({&lines[position]}));
    }
    fitValueAxis(valueAxis(), maximum, true);
    // Nodes that agree would draw one line over another: each is shifted by a line's width, centred
    // on the true value, so that every node's line shows.
    // (none while the chart has no size yet).
    const double plotHeight = chart()->plotArea().height();
    const double unitsPerPixel = (valueAxis()->max() - valueAxis()->min()) / std::max(1.0, plotHeight);
    const double spacing = plotHeight >= 20 ? theme().lineWidth() * 1.3 * unitsPerPixel : 0.0;
    for (std::size_t position = 0; position < nodes.size(); ++position) {
        const double offset = (double(position) - double(nodes.size() - 1) / 2.0) * spacing;
        for (QPointF &point : lines[position])
            point.ry() += offset;
        seriesFor(nodes[position], int(position))->replace(lines[position]); // one call: one repaint
    }
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
