#include "headlessscenario.h"

#include "check/historyjson.h"
#include "cluster/clustercontroller.h"
#include "cluster/controllertarget.h"
#include "model/clienthistory.h"
#include "node/nodeoptions.h"
#include "scenario/scenariorunner.h"

#include <QFile>

#include <QTimer>

#include <algorithm>

namespace raftlab {

using scenario::StepResult;

namespace {

void print(const QString &line)
{
    printLine(OutputStream::Stdout, line);
}

} // namespace

HeadlessScenario::HeadlessScenario(GuiOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_scenario(std::make_unique<scenario::Scenario>())
{ }

HeadlessScenario::~HeadlessScenario() = default;

std::optional<int> HeadlessScenario::start()
{
    if (const QString error = scenario::loadScenario(m_options.scenarioFile, *m_scenario); !error.isEmpty()) {
        printLine(OutputStream::Stderr, tr("raftlab: %1").arg(error));
        return 2;
    }
    if (m_scenario->simulationOnly) {
        printLine(OutputStream::Stderr,
                  tr("raftlab: %1: this scenario needs the step-by-step simulator: play it with "
                     "raftlab --headless --simulate --scenario FILE")
                      .arg(m_options.scenarioFile));
        return 2;
    }
    const int nodeCount = m_options.nodeCountGiven ? m_options.nodeCount : m_scenario->nodes;
    if (const QString problem = scenario::nodeCountProblem(*m_scenario, nodeCount, m_options.scenarioFile);
        !problem.isEmpty()) {
        printLine(OutputStream::Stderr, tr("raftlab: %1").arg(problem));
        return 2;
    }
    m_controller = new ClusterController(this);
    if (const QString error = m_controller->startLocal(nodeCount, m_options.workspaceDir,
                                                       scenario::clusterConfigFor(m_scenario->cluster));
        !error.isEmpty()) {
        printLine(OutputStream::Stderr, tr("raftlab: %1").arg(error));
        return 1;
    }
    m_target = new ControllerTarget(m_controller, this);
    print(tr("%1 — %2 nodes").arg(m_scenario->title).arg(nodeCount));
    waitForNodes(startupTimeoutMs);
    return std::nullopt;
}

void HeadlessScenario::waitForNodes(qint64 remainingMs)
{
    // Every node's event stream up and its state known: the scenario starts from the truth.
    const ClusterModel *model = m_controller->model();
    const auto nodes = model->nodeIds();
    const bool allKnown = !nodes.empty() && std::all_of(nodes.begin(), nodes.end(), [model](NodeId id) {
        const NodeState *state = model->node(id);
        return state && state->connected && state->hasStatus;
    });
    if (allKnown) {
        play();
        return;
    }
    if (remainingMs <= 0) {
        printLine(OutputStream::Stderr,
                  tr("raftlab: the nodes did not come up within %1 s").arg(startupTimeoutMs / 1000));
        Q_EMIT finished(1);
        return;
    }
    QTimer::singleShot(50, this, [this, remainingMs] { waitForNodes(remainingMs - 50); });
}

void HeadlessScenario::play()
{
    m_runner = new scenario::ScenarioRunner(*m_scenario, m_target, this);
    m_runner->setPauses(scenario::ScenarioRunner::Pauses::Skip);
    m_runner->setStopOnFailure(true);
    connect(m_runner, &scenario::ScenarioRunner::stepFinished, this, &HeadlessScenario::printStep);
    connect(m_runner, &scenario::ScenarioRunner::chapterChanged, this,
            [](const QString &title) { print(QStringLiteral("== %1").arg(title)); });
    connect(m_runner, &scenario::ScenarioRunner::finished, this, [this](bool everyExpectationHeld) {
        if (everyExpectationHeld)
            print(tr("PASS: every expectation held"));
        else
            print(tr("FAIL: %1 expectation%2 failed")
                      .arg(m_runner->failures())
                      .arg(m_runner->failures() == 1 ? QString() : QStringLiteral("s")));
        if (!m_options.historyFile.isEmpty()) {
            QFile file(m_options.historyFile);
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                file.write(check::toJsonLines(m_controller->clientHistory()->history())) < 0) {
                printLine(OutputStream::Stderr,
                          tr("raftlab: cannot write %1: %2").arg(m_options.historyFile, file.errorString()));
                Q_EMIT finished(1);
                return;
            }
        }
        Q_EMIT finished(everyExpectationHeld ? 0 : 1);
    });
    m_runner->start();
}

void HeadlessScenario::printStep(int index, const StepResult &result)
{
    const scenario::Step &step = m_scenario->steps[std::size_t(index)];
    const char *mark = result.verdict == StepResult::Verdict::Held ? "ok  "
        : result.verdict == StepResult::Verdict::Failed            ? "FAIL"
                                                                   : "    ";
    QString line = tr("%1 step %2/%3 %4")
                       .arg(QLatin1String(mark))
                       .arg(step.number)
                       .arg(m_scenario->steps.size())
                       .arg(scenario::describe(step));
    if (!result.seen.isEmpty())
        line += QStringLiteral(": %1").arg(result.seen);
    if (!step.say.isEmpty())
        print(QStringLiteral("     “%1”").arg(step.say));
    print(line);
}

} // namespace raftlab
