#pragma once

// LoadGenerator: client writes at a steady rate, so that the charts show throughput and latency and a
// class sees what a leader change or a partition does to clients. It puts "key-<n>" (n below
// keyCount()) = a random short value to the chosen target, at ratePerSecond(), never with more than
// maxInFlight() requests unanswered (a stuck cluster makes it wait, it does not pile up requests), and
// records every answer in ClusterModel::recordClientWrite(). No widgets: ClientPanel drives it.

#include "core/types.h"
#include "targetselector.h"

#include <QElapsedTimer>
#include <QObject>
#include <QRandomGenerator>
#include <QString>
#include <QTimer>

#include <map>
#include <optional>

namespace raftlab {

class ClusterModel;
class NodeClient;

class LoadGenerator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadGenerator)

public:
    static constexpr int maxRatePerSecond = 500;
    static constexpr int defaultMaxInFlight = 64;
    static constexpr int tickIntervalMs = 20; // 50 sends a second at most, each of rate/50 puts
    static constexpr int statisticsIntervalMs = 250; // statisticsChanged() at most this often

    // Since the last start().
    struct Statistics
    {
        quint64 sent = 0;
        quint64 committed = 0;
        quint64 failed = 0; // answered with an error, or no answer in time (the outcome is unknown then)
        quint64 noTarget = 0; // sends skipped: no node reachable
        int inFlight = 0; // of all runs
        int peakInFlight = 0;
        qint64 meanLatencyUs = 0; // of the committed writes
        std::optional<qint64> lastIndex; // where the latest committed write landed
        std::optional<qint64> lastTerm;
        QString lastFailure; // one sentence about the latest failed write
        qint64 elapsedMs = 0;
    };

    explicit LoadGenerator(ClusterModel *model, QObject *parent = nullptr);
    ~LoadGenerator() override;

    void setClients(const QList<NodeClient *> &clients);
    void setTarget(raftlab::NodeId target) { m_target = target; } // NodeId{}: any reachable node
    NodeId target() const { return m_target; }
    // 0..maxRatePerSecond; 0 stops a running generator.
    void setRatePerSecond(int rate);
    int ratePerSecond() const { return m_ratePerSecond; }
    void setKeyCount(int keys) { m_keyCount = std::max(1, keys); }
    int keyCount() const { return m_keyCount; }
    void setMaxInFlight(int limit) { m_maxInFlight = std::max(1, limit); }
    int maxInFlight() const { return m_maxInFlight; }

    void start(); // resets the statistics; does nothing at rate 0
    void stop(); // stops sending; answers still in flight are still counted
    bool isRunning() const { return m_timer.isActive(); }
    Statistics statistics() const { return m_statistics; }

Q_SIGNALS:
    void runningChanged(bool running);
    void statisticsChanged(); // at most every statisticsIntervalMs while running, and when it stops

private:
    void tick();
    void sendDue(); // while writes are due and a slot is free
    void sendOne();
    void finished(quint64 run, const QObject *client, bool ok, qint64 latencyUs, std::optional<qint64> index,
                  std::optional<qint64> term, const QString &failure);
    void forgetClient(QObject *client);
    void maybeEmitStatistics(); // throttled to statisticsIntervalMs

    ClusterModel *m_model;
    TargetSelector m_targets;
    QTimer m_timer;
    QElapsedTimer m_clock; // since start()
    QRandomGenerator m_random;
    NodeId m_target{};
    int m_ratePerSecond = 100;
    int m_keyCount = 100;
    int m_maxInFlight = defaultMaxInFlight;
    quint64 m_run = 0; // answers of an earlier run free their slot but count in that run only
    double m_credit = 0; // writes due and not sent yet
    qint64 m_lastTickMs = 0;
    qint64 m_lastStatisticsMs = -1;
    qint64 m_committedLatencyTotalUs = 0;
    std::map<const QObject *, int> m_inFlightByClient; // a destroyed client never answers: free its slots
    Statistics m_statistics;
};

} // namespace raftlab
