#pragma once

// SimLessonSession: a lesson played on a simulated cluster (the simulation-only lessons, such as Figure 8).
// The scenario drives the SimulationController's cluster through a SimScenarioTarget, so whatever a step
// does is a choice of the run like a click: it is in the feed and the charts, on the timeline, and saved
// with the run. Virtual time runs only while a step runs: between Next and the following pause the
// lesson plays at once, and the window shows the moment it waits at. The timeline goes back through how
// it got there, message by message.
//
// Previous plays the lesson again from a fresh cluster, without pausing, up to the step before: a
// simulation replays the same way every time, and in no time.

#include "model/lessonprogress.h"

#include <functional>
#include <memory>

namespace raftlab {

namespace sim {
class SimScenarioTarget;
class SimulatedCluster;
} // namespace sim

class SimulationController;

class SimLessonSession final : public LessonProgress
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimLessonSession)

public:
    // The seed a lesson's cluster starts from: the headless runner's, so both play the same lesson.
    static constexpr std::uint64_t lessonSeed = 1;

    explicit SimLessonSession(SimulationController *controller, QObject *parent = nullptr);
    ~SimLessonSession() override;

    void next() override;
    void stop() override;

    bool isSimulated() const override { return true; }

private:
    void launch(int fastForwardTo) override;
    // Runs `kick` on the cluster, then lets the scenario's virtual time pass until it pauses or ends.
    void play(const std::function<void(sim::SimulatedCluster &cluster)> &kick);
    void markStep(int index);

    SimulationController *m_controller;
    std::unique_ptr<sim::SimScenarioTarget> m_target; // acts on the controller's cluster
    scenario::ScenarioRunner *m_runner = nullptr; // child; a new one per run
    bool m_launching = false; // the new run is the lesson's own (not another one that ends it)
};

} // namespace raftlab
