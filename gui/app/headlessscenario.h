#pragma once

// `raftlab --headless --scenario FILE`: the scenario played on real nodes without a window, one line
// per step on stdout, for scripts and the test suite. The same ClusterController and ScenarioRunner as
// the app's lesson player, so what passes here plays the same in front of a class.

#include "guioptions.h"

#include <QObject>

#include <memory>

namespace raftlab {

class ClusterController;
class ControllerTarget;
namespace scenario {
class ScenarioRunner;
struct Scenario;
struct StepResult;
} // namespace scenario

class HeadlessScenario final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeadlessScenario)

public:
    // How long the nodes may take to come up before the first step.
    static constexpr int startupTimeoutMs = 60'000;

    explicit HeadlessScenario(GuiOptions options, QObject *parent = nullptr);
    ~HeadlessScenario() override;

    // Loads the scenario and starts its nodes. Returns an exit status when it cannot even begin (2 for
    // a bad file, 1 when the nodes do not start); otherwise nullopt, and finished() comes later.
    std::optional<int> start();

Q_SIGNALS:
    void finished(int exitStatus);

private:
    void waitForNodes(qint64 deadlineMs);
    void play();
    void printStep(int index, const scenario::StepResult &result);

    GuiOptions m_options;
    std::unique_ptr<scenario::Scenario> m_scenario;
    ClusterController *m_controller = nullptr; // child
    ControllerTarget *m_target = nullptr; // child
    scenario::ScenarioRunner *m_runner = nullptr; // child
};

} // namespace raftlab
