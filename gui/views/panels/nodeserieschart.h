#pragma once

#include "model/clustermodel.h"
#include "timechartview.h"

#include <QLineSeries>

#include <functional>
#include <map>

namespace raftlab {

// A chart with one step line per node ("Node 1", "Node 2", …) drawn from one of ClusterHistory's
// per-node series: the term chart and the commit index chart.
class NodeSeriesChart final : public TimeChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeSeriesChart)

public:
    using SeriesOf = std::function<const TimeSeries *(const ClusterHistory &, NodeId)>;

    NodeSeriesChart(const QString &title, const QString &valueTitle, SeriesOf seriesOf,
                    QWidget *parent = nullptr);
    ~NodeSeriesChart() override;

    void refresh(const ClusterModel &model, const ChartWindow &window);
    const QLineSeries *series(NodeId node) const; // nullptr for a node not drawn
    void setTheme(const Theme &theme) override;

private:
    QLineSeries *seriesFor(NodeId node, int position);

    SeriesOf m_seriesOf;
    std::map<NodeId, QLineSeries *> m_series; // owned by the chart
};

} // namespace raftlab
