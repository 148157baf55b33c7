#include "headlesschaos.h"

#include "cluster/chaosclients.h"
#include "cluster/chaosrun.h"
#include "cluster/clientsession.h"
#include "cluster/clustercontroller.h"
#include "cluster/controllertarget.h"
#include "model/clienthistory.h"
#include "node/nodeoptions.h"
#include "scenario/scenariorunner.h"

#include "check/historyjson.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>

namespace raftlab {

namespace {

void print(const QString &line)
{
    printLine(OutputStream::Stdout, line);
}

bool isFault(const scenario::Step &step)
{
    static const QStringList verbs{
        QStringLiteral("kill"), QStringLiteral("restart"),   QStringLiteral("freeze"),
        QStringLiteral("thaw"), QStringLiteral("partition"), QStringLiteral("isolate"),
        QStringLiteral("cut"),  QStringLiteral("net"),       QStringLiteral("heal")};
    return verbs.contains(step.verb);
}

} // namespace

HeadlessChaos::HeadlessChaos(GuiOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_seed(m_options.seed.value_or(QRandomGenerator::global()->bounded(1'000'000'000U)))
{ }

HeadlessChaos::~HeadlessChaos() = default;

std::optional<int> HeadlessChaos::start()
{
    m_controller = new ClusterController(this);
    if (const QString error =
            m_controller->startLocal(m_options.nodeCount, m_options.workspaceDir, ProtocolOptions{});
        !error.isEmpty()) {
        printLine(OutputStream::Stderr, tr("raftlab: %1").arg(error));
        return 1;
    }
    m_target = new ControllerTarget(m_controller, this);
    print(tr("Chaos, seed %1: %2 s of faults on %3 nodes, %4 clients")
              .arg(m_seed)
              .arg(m_options.chaosSeconds)
              .arg(m_options.nodeCount)
              .arg(m_options.chaosClients));
    waitForNodes(startupTimeoutMs);
    return std::nullopt;
}

void HeadlessChaos::waitForNodes(qint64 remainingMs)
{
    const ClusterModel *model = m_controller->model();
    const auto nodes = model->nodeIds();
    const bool allKnown = int(nodes.size()) == m_options.nodeCount &&
        std::all_of(nodes.begin(), nodes.end(), [model](NodeId id) {
                              const NodeState *state = model->node(id);
                              return state && state->connected && state->hasStatus;
                          });
    if (allKnown && !model->summary().leader.isNone()) {
        play();
        return;
    }
    if (remainingMs <= 0) {
        finish(false,
               tr("the nodes did not come up and elect a leader within %1 s").arg(startupTimeoutMs / 1000));
        return;
    }
    QTimer::singleShot(50, this, [this, remainingMs] { waitForNodes(remainingMs - 50); });
}

void HeadlessChaos::play()
{
    m_run = new ChaosRun(m_controller, m_target,
                         ChaosRun::Options{m_seed, m_options.chaosSeconds, m_options.chaosClients}, this);
    m_clients = m_run->clients();
    auto started = std::make_shared<QElapsedTimer>();
    started->start();
    connect(m_run->runner(), &scenario::ScenarioRunner::stepFinished, this,
            [this, started](int index, const scenario::StepResult &result) {
                const scenario::Step &step = m_run->scenario().steps[std::size_t(index)];
                if (isFault(step))
                    ++m_faults;
                if (result.verdict == scenario::StepResult::Verdict::Failed)
                    m_stepsHeld = false;
                if (step.verb == QLatin1String("sleep"))
                    return;
                QString line = QStringLiteral("%1 %2")
                                   .arg(double(started->elapsed()) / 1000.0, 7, 'f', 1)
                                   .arg(scenario::describe(step));
                if (!result.seen.isEmpty())
                    line += QStringLiteral(": %1").arg(result.seen);
                if (result.verdict == scenario::StepResult::Verdict::Failed)
                    line += tr(" (FAILED)");
                print(line);
            });
    connect(m_run->runner(), &scenario::ScenarioRunner::finished, this, &HeadlessChaos::faultsOver);
    m_run->start();
}

void HeadlessChaos::faultsOver(bool everyStepHeld)
{
    m_stepsHeld = m_stepsHeld && everyStepHeld;
    print(tr("healed after %1 faults; waiting for the clients' last answers").arg(m_faults));
    connect(
        m_clients, &ChaosClients::drained, this, [this] { waitForConvergence(convergenceTimeoutMs); },
        Qt::SingleShotConnection);
    QTimer::singleShot(drainTimeoutMs, this, [this] {
        if (m_clients->inFlight() > 0) {
            print(tr("%1 requests still unanswered: recorded as unknown").arg(m_clients->inFlight()));
            disconnect(m_clients, &ChaosClients::drained, this, nullptr);
            waitForConvergence(convergenceTimeoutMs);
        }
    });
    m_clients->stop();
}

QString HeadlessChaos::missingAcknowledgedWrite() const
{
    const ClusterModel *model = m_controller->model();
    for (NodeId id : model->nodeIds()) {
        const NodeState *state = model->node(id);
        const LogMirror *log = model->log(id);
        if (!state || !state->connected || !state->hasStatus)
            return tr("node %1 is not reachable").arg(id.value);
        for (const ChaosClients::AcknowledgedWrite &write : m_clients->acknowledged()) {
            if (qint64(state->commitIndex.value) < write.index)
                return tr("node %1 has committed up to %2, not the acknowledged write of %3 at "
                          "index %4")
                    .arg(id.value)
                    .arg(state->commitIndex.value)
                    .arg(QString::fromUtf8(write.key))
                    .arg(write.index);
            if (const LogCell *cell = log ? log->entry(LogIndex(std::uint64_t(write.index))) : nullptr;
                cell && qint64(cell->term.value) != write.term)
                return tr("node %1 holds term %2 at index %3, where a write acknowledged in term "
                          "%4 was")
                    .arg(id.value)
                    .arg(cell->term.value)
                    .arg(write.index)
                    .arg(write.term);
        }
    }
    return {};
}

void HeadlessChaos::waitForConvergence(qint64 remainingMs)
{
    const QString missing = missingAcknowledgedWrite();
    if (missing.isEmpty()) {
        check();
        return;
    }
    if (remainingMs <= 0) {
        finish(
            false,
            tr("the cluster did not converge within %1 s: %2").arg(convergenceTimeoutMs / 1000).arg(missing));
        return;
    }
    QTimer::singleShot(100, this, [this, remainingMs] { waitForConvergence(remainingMs - 100); });
}

void HeadlessChaos::check()
{
    const ClientHistory *history = m_controller->clientHistory();
    qsizetype ok = 0, failed = 0, unknown = 0;
    for (const check::Operation &operation : history->history().operations()) {
        if (operation.result == check::OpResult::Ok)
            ++ok;
        else if (operation.result == check::OpResult::Fail)
            ++failed;
        else
            ++unknown;
    }
    print(tr("%1 operations: %2 ok, %3 failed, %4 unknown; %5 acknowledged writes")
              .arg(history->size())
              .arg(ok)
              .arg(failed)
              .arg(unknown)
              .arg(m_clients->acknowledged().size()));
    if (!m_options.historyFile.isEmpty()) {
        QFile file(m_options.historyFile);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(check::toJsonLines(history->history())) < 0) {
            finish(false,
                   tr("cannot write the history to %1: %2").arg(m_options.historyFile, file.errorString()));
            return;
        }
        print(tr("history written to %1").arg(m_options.historyFile));
    }
    const check::CheckReport report = m_controller->checkHistory(std::chrono::seconds(60));
    print(history->verdictText());
    QStringList problems;
    if (report.verdict == check::CheckReport::Verdict::NotLinearizable)
        problems << tr("the history is not linearizable");
    else if (report.verdict == check::CheckReport::Verdict::Undecided)
        problems << tr("the history could not be decided in time");
    if (const QString disagreement = m_target->committedLogsDisagreement(); !disagreement.isEmpty())
        problems << disagreement;
    else
        print(tr("committed logs agree on every node; every acknowledged write is on every node"));
    for (const SafetyViolation &violation : m_controller->safetyViolations())
        problems << tr("safety: %1").arg(violation.text);
    if (!m_stepsHeld)
        problems << tr("a step of the nemesis failed (see above)");
    finish(problems.isEmpty(), problems.join(QStringLiteral("; ")));
}

void HeadlessChaos::finish(bool passed, const QString &reason)
{
    if (passed)
        print(tr("PASS: seed %1, %2 faults").arg(m_seed).arg(m_faults));
    else
        print(tr("FAIL: %1 (seed %2; replay with --seed %2)").arg(reason).arg(m_seed));
    Q_EMIT finished(passed ? 0 : 1);
}

} // namespace raftlab
