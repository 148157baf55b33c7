#include "chaosrun.h"

#include "cluster/chaosclients.h"
#include "cluster/clustercontroller.h"
#include "cluster/controllertarget.h"
#include "scenario/nemesis.h"
#include "scenario/scenariorunner.h"

namespace raftlab {

namespace {

std::vector<NodeId> clientIds(const ClusterController *controller)
{
    std::vector<NodeId> nodes;
    for (const NodeClient *client : controller->clients())
        nodes.push_back(client->id());
    return nodes;
}

scenario::Scenario nemesisFor(const ChaosRun::Options &options, int nodes)
{
    scenario::NemesisOptions nemesis;
    nemesis.seed = options.seed;
    nemesis.seconds = options.seconds;
    nemesis.nodes = nodes;
    return scenario::nemesisScenario(nemesis);
}

} // namespace

ChaosRun::ChaosRun(ClusterController *controller, ControllerTarget *target, Options options, QObject *parent)
    : QObject(parent)
    , m_scenario(std::make_unique<scenario::Scenario>(nemesisFor(options, int(clientIds(controller).size()))))
    , m_runner(new scenario::ScenarioRunner(*m_scenario, target, this))
    , m_clients(new ChaosClients(controller->clientSession(), clientIds(controller), options.clients,
                                 options.seed, this))
{
    m_runner->setPauses(scenario::ScenarioRunner::Pauses::Skip);
    m_runner->setStopOnFailure(false); // a fault that did not take is reported, and the run goes on
}

ChaosRun::~ChaosRun() = default;

void ChaosRun::start()
{
    m_clients->start();
    m_runner->start();
}

} // namespace raftlab
