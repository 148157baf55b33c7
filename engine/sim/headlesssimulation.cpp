#include "headlesssimulation.h"

#include "simscenariotarget.h"
#include "simulatedcluster.h"

#include "node/nodeoptions.h"
#include "scenario/scenariorunner.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>

namespace raftlab::sim {

namespace {

// The run's report, for translators under the context "HeadlessSimulation".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("HeadlessSimulation", sourceText);
}

void print(const QString &line)
{
    printLine(OutputStream::Stdout, line);
}

int refuse(const QString &why)
{
    printLine(OutputStream::Stderr, tr("raftlab: %1").arg(why));
    return 2;
}

SimulatedClusterConfig configFor(const HeadlessSimulationOptions &options, const scenario::Scenario *lesson)
{
    SimulatedClusterConfig config = lesson ? configForLesson(*lesson) : SimulatedClusterConfig{};
    if (!lesson || options.nodesGiven)
        config.nodes = options.nodes;
    return config;
}

QString describeStep(const scenario::Scenario &lesson, int index, const scenario::StepResult &result)
{
    const scenario::Step &step = lesson.steps[std::size_t(index)];
    const char *mark = result.verdict == scenario::StepResult::Verdict::Held ? "ok  "
        : result.verdict == scenario::StepResult::Verdict::Failed            ? "FAIL"
                                                                             : "    ";
    QString line = tr("%1 step %2/%3 %4")
                       .arg(QLatin1String(mark))
                       .arg(step.number)
                       .arg(lesson.steps.size())
                       .arg(scenario::describe(step));
    if (!result.seen.isEmpty())
        line += QStringLiteral(": %1").arg(result.seen);
    return line;
}

} // namespace

SimulatedClusterConfig configForLesson(const scenario::Scenario &lesson)
{
    SimulatedClusterConfig config;
    config.nodes = lesson.nodes;
    const scenario::ClusterSettings &cluster = lesson.cluster;
    config.preVote = cluster.preVote;
    config.checkQuorum = cluster.checkQuorum;
    if (cluster.heartbeatMs)
        config.heartbeatMs = *cluster.heartbeatMs;
    if (cluster.electionTimeoutMs) {
        config.electionTimeoutMinMs = cluster.electionTimeoutMs->first;
        config.electionTimeoutMaxMs = cluster.electionTimeoutMs->second;
    }
    if (cluster.snapshotEvery)
        config.snapshotEvery = *cluster.snapshotEvery;
    if (lesson.maxEntriesPerAppend)
        config.maxEntriesPerAppend = *lesson.maxEntriesPerAppend;
    return config;
}

int runHeadlessSimulation(const HeadlessSimulationOptions &options)
{
    std::optional<scenario::Scenario> lesson;
    if (!options.scenarioFile.isEmpty()) {
        lesson.emplace();
        if (const QString error = scenario::loadScenario(options.scenarioFile, *lesson); !error.isEmpty())
            return refuse(error);
    }
    SimulatedClusterConfig config = configFor(options, lesson ? &*lesson : nullptr);
    if (lesson) {
        if (const QString problem = scenario::nodeCountProblem(*lesson, config.nodes, options.scenarioFile);
            !problem.isEmpty())
            return refuse(problem);
    }
    if (!options.sabotage.isEmpty()) {
        const QJsonObject sabotage{{QStringLiteral("adversary"), options.sabotage}};
        if (SimulatedClusterConfig::fromJson(sabotage, config).isEmpty() == false)
            return refuse(tr("--sabotage must be forget-vote-on-restart, inflate-candidate-log or "
                             "commit-old-term-entries, not '%1'")
                              .arg(options.sabotage));
    }
    if (const QString problem = config.problem(); !problem.isEmpty())
        return refuse(tr("cannot simulate this cluster: %1").arg(problem));

    QFile trace(options.traceFile);
    if (!options.traceFile.isEmpty() && !trace.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return refuse(tr("cannot write the trace %1: %2").arg(options.traceFile, trace.errorString()));

    SimulatedCluster cluster(config, options.seed);
    if (trace.isOpen()) {
        cluster.setEventSink([&trace](const QJsonObject &event) {
            trace.write(QJsonDocument(event).toJson(QJsonDocument::Compact));
            trace.write("\n", 1);
        });
        for (const QJsonObject &state : cluster.stateEvents()) {
            trace.write(QJsonDocument(state).toJson(QJsonDocument::Compact));
            trace.write("\n", 1);
        }
    }
    print(tr("simulated cluster: %1 nodes, seed %2, PreVote %3, CheckQuorum %4%5")
              .arg(config.nodes)
              .arg(options.seed)
              .arg(config.preVote ? u"on" : u"off", config.checkQuorum ? u"on" : u"off")
              .arg(config.adversary == AdversarialFault::None
                       ? QString()
                       : tr(", sabotaged: %1").arg(QLatin1String(toString(config.adversary)))));

    bool expectationsHeld = true;
    if (lesson) {
        print(tr("%1 — %2 nodes (simulated)").arg(lesson->title).arg(config.nodes));
        SimScenarioTarget target(cluster);
        scenario::ScenarioRunner runner(*lesson, &target);
        runner.setPauses(scenario::ScenarioRunner::Pauses::Skip);
        // A sabotaged run goes on past a failed expectation, to where the safety checker catches it.
        runner.setStopOnFailure(config.adversary == AdversarialFault::None);
        bool finished = false;
        QObject::connect(&runner, &scenario::ScenarioRunner::stepFinished,
                         [&lesson](int index, const scenario::StepResult &result) {
                             const scenario::Step &step = lesson->steps[std::size_t(index)];
                             if (!step.say.isEmpty())
                                 print(QStringLiteral("     “%1”").arg(step.say));
                             print(describeStep(*lesson, index, result));
                         });
        QObject::connect(&runner, &scenario::ScenarioRunner::chapterChanged,
                         [](const QString &title) { print(QStringLiteral("== %1").arg(title)); });
        QObject::connect(&runner, &scenario::ScenarioRunner::finished, [&](bool everyExpectationHeld) {
            finished = true;
            expectationsHeld = everyExpectationHeld;
        });
        runner.start();
        target.run([&finished] { return finished; });
        if (!finished && !cluster.violation()) {
            print(tr("FAIL: the scenario stopped before its end"));
            expectationsHeld = false;
        } else if (finished) {
            print(expectationsHeld ? tr("PASS: every expectation held")
                                   : tr("FAIL: %1 expectation%2 failed")
                                         .arg(runner.failures())
                                         .arg(runner.failures() == 1 ? QString() : QStringLiteral("s")));
        }
        runner.stop();
    }
    if (!cluster.violation()) {
        if (options.steps)
            cluster.runSteps(*options.steps);
        else if (options.virtualMs)
            cluster.advance(*options.virtualMs * 1000);
    }
    const std::optional<NodeId> leader = cluster.leader();
    print(tr("%1 steps, %2 ms of virtual time; %3; highest term %4")
              .arg(cluster.stepCount())
              .arg(cluster.nowUs() / 1000.0)
              .arg(leader ? tr("node %1 leads").arg(leader->value) : tr("no leader"))
              .arg(cluster.highestTerm().value));
    if (const std::optional<Violation> &violation = cluster.violation()) {
        printLine(OutputStream::Stderr,
                  tr("raftlab: safety violated at step %1 (%2 ms virtual): %3")
                      .arg(violation->step)
                      .arg(violation->timeUs / 1000.0)
                      .arg(violation->text.startsWith(violation->invariant)
                               ? violation->text
                               : QStringLiteral("%1: %2").arg(violation->invariant, violation->text)));
        return 1;
    }
    return expectationsHeld ? 0 : 1;
}

} // namespace raftlab::sim
