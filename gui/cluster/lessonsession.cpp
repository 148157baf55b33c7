#include "lessonsession.h"

#include "cluster/clustercontroller.h"
#include "cluster/controllertarget.h"

#include <QDir>
#include <QTimer>

#include <algorithm>

namespace raftlab {

using scenario::ScenarioRunner;

LessonSession::LessonSession(ClusterController *controller, QObject *parent)
    : LessonProgress(parent)
    , m_controller(controller)
    , m_target(new ControllerTarget(controller, this))
{ }

LessonSession::~LessonSession() = default;

std::vector<LessonFile> LessonSession::shippedLessons()
{
    std::vector<LessonFile> lessons;
    QDir dir(QStringLiteral(":/scenarios"));
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        LessonFile lesson{dir.filePath(name), {}};
        if (scenario::loadScenario(lesson.path, lesson.scenario).isEmpty())
            lessons.push_back(std::move(lesson));
    }
    return lessons;
}

void LessonSession::start(const scenario::Scenario &scenario)
{
    m_scenario = scenario;
    launch(0);
}

void LessonSession::restart()
{
    if (isActive())
        launch(0);
}

void LessonSession::previous()
{
    // The step before the one waited at (or running): replayed up to there on a fresh cluster.
    if (isActive())
        launch(std::max(0, m_index - 1));
}

void LessonSession::next()
{
    if (m_state == State::Waiting && m_runner) {
        setState(State::Running);
        m_runner->next();
    }
}

void LessonSession::stop()
{
    ++m_attempt;
    if (m_runner) {
        m_runner->stop();
        m_runner->deleteLater();
        m_runner = nullptr;
    }
    m_target->setLoad(0, NodeId{});
    m_index = -1;
    m_chapter.clear();
    m_results.clear();
    setState(State::Idle);
}

QString LessonSession::caption() const
{
    if (m_index < 0 || m_index >= int(m_scenario.steps.size()))
        return {};
    // An action without words of its own keeps the last sentence on screen.
    for (int i = m_index; i >= 0; --i) {
        if (!m_scenario.steps[std::size_t(i)].say.isEmpty())
            return m_scenario.steps[std::size_t(i)].say;
    }
    return {};
}

void LessonSession::launch(int fastForwardTo)
{
    stop();
    m_results.assign(m_scenario.steps.size(), std::nullopt);
    m_problem.clear();
    const QString error =
        m_controller->startLocal(m_scenario.nodes, QString(), scenario::clusterConfigFor(m_scenario.cluster));
    if (!error.isEmpty()) {
        m_problem = error;
        setState(State::Failed);
        return;
    }
    m_fastForwardTo = fastForwardTo;
    setState(State::Starting);
    waitForNodes(startupTimeoutMs, m_attempt);
}

void LessonSession::waitForNodes(qint64 remainingMs, quint64 attempt)
{
    if (attempt != m_attempt)
        return;
    const std::vector<scenario::NodeView> nodes = m_target->nodes();
    const bool allKnown = !nodes.empty() &&
        std::all_of(nodes.begin(), nodes.end(),
                    [](const scenario::NodeView &node) { return node.running && node.known; });
    if (allKnown) {
        play();
        return;
    }
    if (remainingMs <= 0) {
        m_problem = tr("the lesson's nodes did not come up within %1 s").arg(startupTimeoutMs / 1000);
        setState(State::Failed);
        return;
    }
    QTimer::singleShot(50, this, [this, remainingMs, attempt] { waitForNodes(remainingMs - 50, attempt); });
}

void LessonSession::play()
{
    m_runner = new ScenarioRunner(m_scenario, m_target, this);
    m_runner->setStopOnFailure(false); // a cross on the screen, and the lesson goes on
    m_runner->setFastForwardTo(m_fastForwardTo);
    connect(m_runner, &ScenarioRunner::stepStarted, this, [this](int index) {
        m_index = index;
        setState(State::Running);
    });
    connect(m_runner, &ScenarioRunner::stepFinished, this,
            [this](int index, const scenario::StepResult &result) {
                m_results[std::size_t(index)] = result;
                Q_EMIT changed();
            });
    connect(m_runner, &ScenarioRunner::waitingForNext, this, [this](int index) {
        m_index = index;
        setState(State::Waiting);
    });
    connect(m_runner, &ScenarioRunner::chapterChanged, this, [this](const QString &title) {
        m_chapter = title;
        Q_EMIT changed();
    });
    connect(m_runner, &ScenarioRunner::focusRequested, this, &LessonSession::focusRequested);
    connect(m_runner, &ScenarioRunner::finished, this, [this] {
        m_target->setLoad(0, NodeId{});
        setState(State::Finished);
    });
    setState(State::Running);
    m_runner->start();
}

void LessonSession::setState(State state)
{
    m_state = state;
    Q_EMIT changed();
}

} // namespace raftlab
