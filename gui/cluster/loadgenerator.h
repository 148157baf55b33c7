#pragma once

// LoadGenerator: client writes at a steady rate, so that the charts show throughput and latency and a
// class sees what a leader change or a partition does to clients. It puts "key-<n>" (n below
// keyCount()) = a random short value to the chosen target, at ratePerSecond(), never with more than
// maxInFlight() requests unanswered (a stuck cluster makes it wait, it does not pile up requests), and
// records every answer in ClusterModel::recordClientWrite(). Its writes go through the ClientSession, so
// they are in the history too. The controller owns it; the client panel asks for runs through signals.

#include "core/types.h"
#include "model/loadstatistics.h"

#include <QElapsedTimer>
#include <QObject>
#include <QRandomGenerator>
#include <QString>
#include <QTimer>

#include <map>
#include <optional>

namespace raftlab {

class ClusterModel;
class ClientSession;

class LoadGenerator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadGenerator)

public:
    static constexpr int maxRatePerSecond = LoadLimits::maxRatePerSecond;
    static constexpr int defaultMaxInFlight = LoadLimits::defaultMaxInFlight;
    static constexpr int tickIntervalMs = 20; // 50 sends a second at most, each of rate/50 puts
    static constexpr int statisticsIntervalMs = 250; // statisticsChanged() at most this often

    using Statistics = LoadStatistics;

    LoadGenerator(ClusterModel *model, ClientSession *session, QObject *parent = nullptr);
    ~LoadGenerator() override;

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
    Statistics statistics() const
    {
        Statistics s = m_statistics;
        s.maxInFlight = m_maxInFlight;
        return s;
    }

Q_SIGNALS:
    void runningChanged(bool running);
    void statisticsChanged(); // at most every statisticsIntervalMs while running, and when it stops

private:
    void tick();
    void sendDue(); // while writes are due and a slot is free
    void sendOne();
    void finished(quint64 run, bool ok, qint64 latencyUs, std::optional<qint64> index,
                  std::optional<qint64> term, const QString &failure);
    void maybeEmitStatistics(); // throttled to statisticsIntervalMs

    ClusterModel *m_model;
    ClientSession *m_session;
    QTimer m_timer;
    QElapsedTimer m_clock; // since start()
    QRandomGenerator m_random;
    NodeId m_target{};
    int m_ratePerSecond = LoadLimits::defaultRatePerSecond;
    int m_keyCount = LoadLimits::defaultKeyCount;
    int m_maxInFlight = defaultMaxInFlight;
    quint64 m_run = 0; // answers of an earlier run free their slot but count in that run only
    double m_credit = 0; // writes due and not sent yet
    qint64 m_lastTickMs = 0;
    qint64 m_lastStatisticsMs = -1;
    qint64 m_committedLatencyTotalUs = 0;
    Statistics m_statistics;
};

} // namespace raftlab
