#pragma once

#include "model/clustermodel.h"
#include "timechartview.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QLineSeries>

#include <utility>
#include <vector>

namespace raftlab {

// Who led, and when nobody did: a step line over one labelled row per node ("none" at the bottom, then
// 1, 2, … by node id), over a band where no running node led the cluster; the title totals the
// leaderless time in the window ("1.8 s, 6 % of the last 30 s"). The rows follow the node set, 1 to 9
// nodes, so the highest node leading is a line on its own row, never at the chart's edge.
class LeaderlessChart final : public TimeChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LeaderlessChart)

public:
    explicit LeaderlessChart(QWidget *parent = nullptr);
    ~LeaderlessChart() override;

    void refresh(const ClusterModel &model, const ChartWindow &window);
    const QLineSeries *leaderSeries() const { return m_leader; }
    const QLineSeries *bandEdge() const { return m_bandEdge; }
    qint64 leaderlessUs() const { return m_leaderlessUs; } // in the window, at the last refresh
    void setTheme(const Theme &theme) override;

    // The leader axis: its labels bottom to top, the row (y value) of a node (NodeId{}: "none"), its range.
    QStringList leaderAxisLabels() const;
    double rowOf(NodeId node) const;
    std::pair<double, double> leaderAxisRange() const { return {m_leaderAxis->min(), m_leaderAxis->max()}; }

    // The spans the line names in the plot ("node 3"), at the last refresh: the axis may be too short
    // to label every row (nine nodes in a small chart), the line never is.
    struct LeaderSpan
    {
        double fromX = 0;
        double toX = 0;
        NodeId leader{};
    };
    const std::vector<LeaderSpan> &leaderSpans() const { return m_spans; }

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void setRows(const std::vector<NodeId> &nodes);

    QCategoryAxis *m_leaderAxis = nullptr; // owned by the chart
    QLineSeries *m_leader = nullptr; // owned by the chart
    QLineSeries *m_bandEdge = nullptr; // owned by m_band
    QLineSeries *m_bandFloor = nullptr; // owned by m_band
    QAreaSeries *m_band = nullptr;
    std::vector<NodeId> m_rows; // row i + 1 is m_rows[i]; row 0 is "none"
    std::vector<LeaderSpan> m_spans;
    qint64 m_leaderlessUs = 0;
};

} // namespace raftlab
