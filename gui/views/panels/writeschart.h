#pragma once

#include "model/clustermodel.h"
#include "timechartview.h"

#include <QLineSeries>

namespace raftlab {

// Client writes: committed writes per second (left axis) and the p50 / p99 latency of each second in
// milliseconds (right axis). The latency points join only the seconds that had writes.
class WritesChart final : public TimeChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WritesChart)

public:
    explicit WritesChart(QWidget *parent = nullptr);
    ~WritesChart() override;

    void refresh(const ClusterModel &model, const ChartWindow &window);
    const QLineSeries *throughputSeries() const { return m_throughput; }
    const QLineSeries *latencySeries(LatencyPercentile percentile) const
    {
        return percentile == LatencyPercentile::P50 ? m_p50 : m_p99;
    }
    void setTheme(const Theme &theme) override;

private:
    QValueAxis *m_latencyAxis = nullptr;
    QLineSeries *m_throughput = nullptr; // owned by the chart
    QLineSeries *m_p50 = nullptr;
    QLineSeries *m_p99 = nullptr;
};

} // namespace raftlab
