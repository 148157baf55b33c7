#pragma once

// `raftlab --headless --chaos SECONDS`: real nodes and a ChaosRun (concurrent clients doing put / get /
// cas on a few keys, the seeded nemesis breaking things for SECONDS). Then it heals,
// waits for the cluster to converge and checks what a Jepsen user would: the client history is
// linearizable, every acknowledged write is on every node, the committed logs agree, and the live
// safety monitor saw no violation. Exit 0 when all hold, 1 otherwise; the seed is printed either way.

#include "guioptions.h"

#include <QObject>

#include <memory>

namespace raftlab {

class ChaosClients;
class ChaosRun;
class ClusterController;
class ControllerTarget;

class HeadlessChaos final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeadlessChaos)

public:
    static constexpr int startupTimeoutMs = 60'000;
    static constexpr int drainTimeoutMs = 30'000; // the clients' last answers
    static constexpr int convergenceTimeoutMs = 60'000; // every node commits every acknowledged write

    explicit HeadlessChaos(GuiOptions options, QObject *parent = nullptr);
    ~HeadlessChaos() override;

    // Starts the nodes. An exit status when it cannot even begin; otherwise finished() comes later.
    std::optional<int> start();
    quint64 seed() const { return m_seed; }

Q_SIGNALS:
    void finished(int exitStatus);

private:
    void waitForNodes(qint64 remainingMs);
    void play();
    void faultsOver(bool everyStepHeld);
    void waitForConvergence(qint64 remainingMs);
    void check();
    // Empty when every running node has committed every acknowledged write (and holds the same term
    // there, where its log is mirrored); else the first that does not.
    QString missingAcknowledgedWrite() const;
    void finish(bool passed, const QString &reason);

    GuiOptions m_options;
    quint64 m_seed = 0;
    ClusterController *m_controller = nullptr; // child
    ControllerTarget *m_target = nullptr; // child
    ChaosRun *m_run = nullptr; // child
    ChaosClients *m_clients = nullptr; // m_run's
    int m_faults = 0;
    bool m_stepsHeld = true;
};

} // namespace raftlab
