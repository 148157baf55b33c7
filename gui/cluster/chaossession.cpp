#include "chaossession.h"

#include "cluster/chaosclients.h"
#include "cluster/chaosrun.h"
#include "cluster/clustercontroller.h"
#include "cluster/controllertarget.h"
#include "scenario/scenariorunner.h"

#include <QTimer>

namespace raftlab {

ChaosSession::ChaosSession(ClusterController *controller, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_target(new ControllerTarget(controller, this))
{ }

ChaosSession::~ChaosSession() = default;

void ChaosSession::start(quint64 seed, int clients)
{
    if (m_running || m_controller->clients().isEmpty())
        return;
    m_seed = seed;
    delete m_run;
    m_run = new ChaosRun(m_controller, m_target, ChaosRun::Options{seed, nemesisSeconds, clients}, this);
    connect(m_run->clients(), &ChaosClients::drained, this, &ChaosSession::checkOnce);
    m_running = true;
    m_checkPending = false;
    Q_EMIT runningChanged(true);
    m_controller->model()->addFaultMarker(tr("chaos on"), m_controller->model()->nowUs(),
                                          tr("Chaos on (seed %1): random faults and concurrent clients until "
                                             "you switch it off.")
                                              .arg(seed));
    m_run->start();
}

void ChaosSession::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_run->runner()->stop();
    healEverything();
    m_controller->model()->addFaultMarker(tr("chaos off"), m_controller->model()->nowUs(),
                                          tr("Chaos off: every fault undone; the history is checked once the "
                                             "clients' last answers are in."));
    m_checkPending = true;
    Q_EMIT runningChanged(false);
    QTimer::singleShot(drainTimeoutMs, this, &ChaosSession::checkOnce);
    m_run->clients()->stop(); // drained() now or later
}

void ChaosSession::healEverything()
{
    ClusterSupervisor *supervisor = m_controller->supervisor();
    for (const NodeClient *client : m_controller->clients()) {
        const NodeId id = client->id();
        switch (supervisor->nodeState(id)) {
        case ClusterSupervisor::NodeState::Frozen:
            m_controller->thaw(id);
            break;
        case ClusterSupervisor::NodeState::Killed:
        case ClusterSupervisor::NodeState::Exited:
            m_controller->restart(id);
            break;
        default:
            break;
        }
    }
    m_controller->setNetworkFaults(std::nullopt, 0, 0, 0);
    m_controller->healAll();
}

void ChaosSession::checkOnce()
{
    if (!m_checkPending)
        return;
    m_checkPending = false;
    connect(m_controller, &ClusterController::historyChecked, this, &ChaosSession::checked,
            Qt::SingleShotConnection);
    m_controller->checkHistoryInBackground();
}

} // namespace raftlab
