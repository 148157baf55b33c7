#pragma once

#include "chartseries.h"
#include "model/clustermodel.h"
#include "views/theme.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLineSeries;
class QPushButton;

namespace raftlab {

class LeaderlessChart;
class NodeSeriesChart;
class TimeChartView;
class WritesChart;

// The charts: term per node, commit index per node, client writes (throughput and p50/p99
// latency), and time without a leader, over the last 30 s / 2 min / 10 min, with the fault markers on
// every chart. Buttons: Pause/Resume and Export PNG….
//
// Charts are expensive to redraw, so the panel refreshes at most four times a second, only while it is
// visible and not paused, and when the history did not change it only slides the window once a second.
// Each refresh replaces each series' points in one call.
class ChartsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartsPanel)

public:
    explicit ChartsPanel(const ClusterModel *model, QWidget *parent = nullptr);
    ~ChartsPanel() override;

    void setTheme(const Theme &theme);
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // Writes the four charts, as laid out in the panel, to a PNG file; false when it cannot be written.
    bool exportPng(const QString &path);

    // The window shown, in seconds (bounded by the model's history window).
    void setWindowSeconds(int seconds);
    int windowSeconds() const { return int(m_window.spanUs / 1'000'000); }

    // Refreshes now, even when paused or hidden (tests, and the export of a paused panel).
    void refreshNow();
    quint64 refreshCount() const { return m_refreshCount; }

    // What the charts draw, for tests.
    const QLineSeries *termSeries(NodeId node) const;
    const QLineSeries *commitSeries(NodeId node) const;
    const WritesChart *writesChart() const { return m_writes; }
    const LeaderlessChart *leaderlessChart() const { return m_leaderless; }
    std::vector<const TimeChartView *> charts() const;

Q_SIGNALS:
    void refreshed(); // after each refresh of the charts
    void pausedChanged(bool paused);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void buildToolbar(QWidget *toolbar);
    void onTick();
    void updateTimer();
    void exportWithDialog();
    quint64 historySignature() const;

    const ClusterModel *m_model;
    Theme m_theme;
    ChartWindow m_window{};
    QTimer m_timer; // runs only while visible and not paused
    QWidget *m_chartsArea = nullptr;
    NodeSeriesChart *m_terms = nullptr;
    NodeSeriesChart *m_commits = nullptr;
    WritesChart *m_writes = nullptr;
    LeaderlessChart *m_leaderless = nullptr;
    QComboBox *m_windowChoice = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    bool m_paused = false;
    quint64 m_refreshedSignature = 0;
    qint64 m_refreshedAtUs = 0; // the model time of the last refresh
    quint64 m_refreshCount = 0;
};

} // namespace raftlab
