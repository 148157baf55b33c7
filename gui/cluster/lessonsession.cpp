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

void LessonSession::next()
{
    if (state() == State::Waiting && m_runner) {
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
    clearProgress();
    setState(State::Idle);
}

void LessonSession::launch(int fastForwardTo)
{
    stop();
    const QString error =
        m_controller->startLocal(scenario().nodes, QString(), scenario::clusterConfigFor(scenario().cluster));
    if (!error.isEmpty()) {
        setProblem(error);
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
        setProblem(tr("the lesson's nodes did not come up within %1 s").arg(startupTimeoutMs / 1000));
        setState(State::Failed);
        return;
    }
    QTimer::singleShot(50, this, [this, remainingMs, attempt] { waitForNodes(remainingMs - 50, attempt); });
}

void LessonSession::play()
{
    m_runner = new ScenarioRunner(scenario(), m_target, this);
    m_runner->setStopOnFailure(false); // a cross on the screen, and the lesson goes on
    m_runner->setFastForwardTo(m_fastForwardTo);
    // The lesson's load stops with it (before the panel hears that it finished).
    connect(m_runner, &ScenarioRunner::finished, this, [this] { m_target->setLoad(0, NodeId{}); });
    follow(m_runner);
    setState(State::Running);
    m_runner->start();
}

} // namespace raftlab
