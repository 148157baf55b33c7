#pragma once

#include "model/clustermodel.h"
#include "timechartview.h"

#include <QAreaSeries>
#include <QLineSeries>

namespace raftlab {

// Who led, and when nobody did: a step line of the leader's id, over a band where no running node
// led the cluster; the title totals the leaderless time in the window ("1.8 s, 6 % of the last 30 s").
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

private:
    QLineSeries *m_leader = nullptr; // owned by the chart
    QLineSeries *m_bandEdge = nullptr; // owned by m_band
    QAreaSeries *m_band = nullptr;
    qint64 m_leaderlessUs = 0;
};

} // namespace raftlab
