#include "simlessonsession.h"

#include "simulationcontroller.h"

#include "sim/headlesssimulation.h"
#include "sim/simscenariotarget.h"

#include <algorithm>

namespace raftlab {

using scenario::ScenarioRunner;

SimLessonSession::SimLessonSession(SimulationController *controller, QObject *parent)
    : LessonProgress(parent)
    , m_controller(controller)
{
    // Another run in the window (New, Open run) ends the lesson: its target would act on a cluster gone.
    connect(controller, &SimulationController::runChanged, this, [this] {
        if (!m_launching)
            stop();
    });
}

SimLessonSession::~SimLessonSession() = default;

void SimLessonSession::next()
{
    if (state() != State::Waiting || !m_runner)
        return;
    // The lesson goes on from its own moment, wherever the timeline was moved meanwhile.
    if (m_controller->position() < m_controller->length())
        m_controller->seek(m_controller->length());
    setState(State::Running);
    play([this](sim::SimulatedCluster &) { m_runner->next(); });
}

void SimLessonSession::stop()
{
    if (m_runner) {
        m_runner->stop();
        m_runner->deleteLater();
        m_runner = nullptr;
    }
    m_target.reset();
    clearProgress();
    setState(State::Idle);
}

void SimLessonSession::launch(int fastForwardTo)
{
    stop();
    m_launching = true;
    const QString error = m_controller->start(sim::configForLesson(scenario()), lessonSeed);
    m_launching = false;
    if (!error.isEmpty()) {
        setProblem(error);
        setState(State::Failed);
        return;
    }
    setState(State::Running);
    play([this, fastForwardTo](sim::SimulatedCluster &cluster) {
        m_target = std::make_unique<sim::SimScenarioTarget>(cluster);
        m_runner = new ScenarioRunner(scenario(), m_target.get(), this);
        m_runner->setStopOnFailure(false); // a cross on the screen, and the lesson goes on
        m_runner->setFastForwardTo(fastForwardTo);
        follow(m_runner);
        connect(m_runner, &ScenarioRunner::stepStarted, this, &SimLessonSession::markStep);
        m_runner->start();
    });
}

void SimLessonSession::play(const std::function<void(sim::SimulatedCluster &cluster)> &kick)
{
    m_controller->actOnCluster([this, &kick](sim::SimulatedCluster &cluster) {
        kick(cluster);
        if (m_target)
            m_target->run([this] { return state() != State::Running; });
    });
}

void SimLessonSession::markStep(int index)
{
    // What the lesson does is shown as a click would be; what it only says or checks is not an action.
    const scenario::Step &step = scenario().steps[std::size_t(index)];
    const bool action = !std::holds_alternative<scenario::Expect>(step.action) &&
        !std::holds_alternative<scenario::Say>(step.action) &&
        !std::holds_alternative<scenario::Chapter>(step.action) &&
        !std::holds_alternative<scenario::Focus>(step.action) &&
        !std::holds_alternative<scenario::RememberTerm>(step.action);
    if (action)
        m_controller->mark(step.verb,
                           tr("Lesson step %1: %2").arg(step.number).arg(scenario::describe(step)));
}

} // namespace raftlab
