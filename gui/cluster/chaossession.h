#pragma once

// ChaosSession: the app's Chaos switch. While on, a ChaosRun breaks the cluster (the seeded nemesis) and
// its clients fill the History tab. Off: the nemesis stops, every fault is undone (killed nodes
// restarted, frozen ones thawed, links healed, the network cleaned), the clients finish, and the history
// is checked (in the background: the verdict arrives with checked()).

#include "core/types.h"

#include <QObject>

#include <memory>

namespace raftlab {

class ChaosRun;
class ClusterController;
class ControllerTarget;

class ChaosSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChaosSession)

public:
    static constexpr int nemesisSeconds = 24 * 3600; // until switched off
    static constexpr int drainTimeoutMs = 15'000;

    explicit ChaosSession(ClusterController *controller, QObject *parent = nullptr);
    ~ChaosSession() override;

    void start(quint64 seed, int clients = 4);
    void stop(); // heals, then checks the history once the clients' last answers are in (or late)
    bool isRunning() const { return m_running; }
    quint64 seed() const { return m_seed; }

Q_SIGNALS:
    void runningChanged(bool running);
    void checked(); // the automatic check at the end is done

private:
    void healEverything();
    void checkOnce();

    ClusterController *m_controller;
    ControllerTarget *m_target; // child
    ChaosRun *m_run = nullptr; // child, one per run
    bool m_running = false;
    bool m_checkPending = false;
    quint64 m_seed = 0;
};

} // namespace raftlab
