#pragma once

// One chaos run on a ClusterController: the seeded nemesis (engine/scenario/nemesis.h) played by a
// ScenarioRunner through a ControllerTarget — so every fault is a chart marker and a sentence in the
// feed, as a click would be — and concurrent chaos clients doing put, get and compare-and-swap through
// the ClientSession, so the History tab fills. The app's Chaos switch (ChaosSession) and
// `raftlab --headless --chaos` (HeadlessChaos) each run one; what happens after it is theirs.

#include <QObject>

#include <memory>

namespace raftlab {

class ChaosClients;
class ClusterController;
class ControllerTarget;
namespace scenario {
class ScenarioRunner;
struct Scenario;
} // namespace scenario

class ChaosRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChaosRun)

public:
    struct Options
    {
        quint64 seed = 1;
        int seconds = 30; // how long faults keep coming
        int clients = 4;
    };

    // On the nodes `controller` has clients for now; `target` is how the nemesis acts on them.
    ChaosRun(ClusterController *controller, ControllerTarget *target, Options options,
             QObject *parent = nullptr);
    ~ChaosRun() override;

    void start(); // the clients, then the nemesis (the runner's finished() once it has healed)
    const scenario::Scenario &scenario() const { return *m_scenario; }
    scenario::ScenarioRunner *runner() const { return m_runner; }
    ChaosClients *clients() const { return m_clients; }

private:
    std::unique_ptr<scenario::Scenario> m_scenario;
    scenario::ScenarioRunner *m_runner; // child
    ChaosClients *m_clients; // child
};

} // namespace raftlab
