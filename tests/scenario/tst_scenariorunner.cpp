// The scenario runner over a scripted cluster in virtual time: what each step asks of the target, how
// expectations wait and fail, pauses, fast-forward, and writes answered after their step.
#include "scenario/scenariorunner.h"
#include "scriptedtarget.h"

#include <QSignalSpy>
#include <QTest>

#include <map>

using namespace raftlab;
using namespace raftlab::scenario;

namespace {

Scenario scenarioOf(const QByteArray &json)
{
    Scenario scenario;
    const QString error = parseScenario(json, QStringLiteral("t.json"), scenario);
    if (!error.isEmpty())
        qFatal("%s", qPrintable(error));
    return scenario;
}

} // namespace

class TestScenarioRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void waitLeaderWaitsForTheCluster();
    void waitLeaderFailsWhenTimeRunsOut();
    void labelsFollowTheNodeTheyNamed();
    void writeOutcomesAreChecked();
    void partitionCutsEveryLinkBetweenGroups();
    void linkStepsEndOnceTheNodesApplyThem_data();
    void linkStepsEndOnceTheNodesApplyThem();
    void linkStepsFailWhenTheNodesNeverApplyThem();
    void pausesWaitForNext();
    void fastForwardRunsEarlierStepsWithoutPausing();
    void noLeaderForFailsAsSoonAsOneAppears();
    void aWriteThatDoesNotWaitIsCheckedLater();
    void valueOnAllReadsEveryRunningNode();
    void lessonsGoOnAfterAFailureWhenAsked();
    void resetWaitsForTheFreshClusterAndForgetsLabels();
    void aRealClusterRefusesSimulationSteps();
    void membershipStepsLabelTheNodeAndWaitForTheAnswer();
    void membershipExpectationsReadTheLeadersConfiguration();
    void aRefusedMembershipChangeFailsTheStep();
    void aRemovedNodeIsLeftOutOfWholeClusterChecks();
};

void TestScenarioRunner::waitLeaderWaitsForTheCluster()
{
    ScriptedTarget target(3);
    target.at(400, [&] { target.makeLeader(NodeId(2), 2); });
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[{"do":"wait_leader","within_ms":1000}]})"),
                          &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(390);
    QCOMPARE(finished.count(), 0);
    target.runUntil(2000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    const auto result = steps.first().at(1).value<StepResult>();
    QVERIFY(result.verdict == StepResult::Verdict::Held);
    QCOMPARE(result.seen, QStringLiteral("node 2 leads in term 2"));
}

void TestScenarioRunner::waitLeaderFailsWhenTimeRunsOut()
{
    ScriptedTarget target(3);
    target.at(400, [&] { target.makeLeader(NodeId(2), 2); });
    ScenarioRunner runner(
        scenarioOf(R"({"title":"t","steps":[{"do":"wait_leader","within_ms":300},{"do":"heal"}]})"), &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(2000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    const auto result = steps.first().at(1).value<StepResult>();
    QVERIFY(result.verdict == StepResult::Verdict::Failed);
    QVERIFY2(result.seen.startsWith(QStringLiteral("no leader: 1 follower t1")), qPrintable(result.seen));
    QVERIFY2(!target.actions.contains(QStringLiteral("heal")), "stopped at the failure");
}

void TestScenarioRunner::labelsFollowTheNodeTheyNamed()
{
    ScriptedTarget target(3);
    target.makeLeader(NodeId(3), 1);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"kill","node":"leader","as":"L1"},
        {"do":"restart","node":"L1"},
        {"do":"timeout","node":"L1"}]})"),
                          &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    target.runUntil(100);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(target.actions, QStringList({"kill 3", "restart 3", "timeout 3"}));
}

void TestScenarioRunner::writeOutcomesAreChecked()
{
    ScriptedTarget target(3);
    target.makeLeader(NodeId(1), 1);
    target.nextWriteAnswer = answerOf(ClientAnswer::Outcome::Unknown, QStringLiteral("503 timeout"));
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"put","node":2,"key":"k","value":"v","expect":"not_ok"},
        {"do":"put","key":"k","value":"v","expect":"ok"}]})"),
                          &target);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    target.runUntil(100);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(target.actions, QStringList({"write k via 2", "write k via 1"})); // "any" goes to the leader
    QVERIFY(steps.at(0).at(1).value<StepResult>().verdict == StepResult::Verdict::Held);
    const auto second = steps.at(1).at(1).value<StepResult>();
    QVERIFY(second.verdict == StepResult::Verdict::Failed);
    QCOMPARE(second.seen, QStringLiteral("expected ok, got unknown: 503 timeout"));
}

void TestScenarioRunner::partitionCutsEveryLinkBetweenGroups()
{
    ScriptedTarget target(5);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[{"do":"partition","groups":[[1,2],[3,4]]}]})"),
                          &target);
    runner.start();
    target.runUntil(10);
    // Node 5, in no group, is cut off from everyone.
    QCOMPARE(target.actions,
             QStringList({"heal", "cut 1-3", "cut 1-4", "cut 1-5", "cut 2-3", "cut 2-4", "cut 2-5", "cut 3-5",
                          "cut 4-5"}));
}

// A client request sent right after a cut must not overtake it: the step ends once the nodes say they
// applied their links, and the next step (a write here) starts only then.
void TestScenarioRunner::linkStepsEndOnceTheNodesApplyThem_data()
{
    QTest::addColumn<QString>("step");
    QTest::newRow("partition") << R"({"do":"partition","groups":[[1],[2,3]]})";
    QTest::newRow("cut") << R"({"do":"cut","between":[1,2]})";
    QTest::newRow("one-way cut") << R"({"do":"cut","from":1,"to":2})";
    QTest::newRow("isolate") << R"({"do":"isolate","node":1})";
    QTest::newRow("heal") << R"({"do":"heal"})";
}

void TestScenarioRunner::linkStepsEndOnceTheNodesApplyThem()
{
    QFETCH(QString, step);
    ScriptedTarget target(3);
    target.unsettled = QStringLiteral("nodes 1 have not applied their link cuts yet");
    target.at(500, [&] { target.unsettled.clear(); });
    ScenarioRunner runner(
        scenarioOf(
            QStringLiteral(R"({"title":"t","steps":[%1,{"do":"timeout","node":2}]})").arg(step).toUtf8()),
        &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    target.runUntil(450);
    QVERIFY2(!target.actions.contains(QStringLiteral("timeout 2")), qPrintable(target.actions.join(", ")));
    target.runUntil(1000);
    QVERIFY2(target.actions.contains(QStringLiteral("timeout 2")), qPrintable(target.actions.join(", ")));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
}

void TestScenarioRunner::linkStepsFailWhenTheNodesNeverApplyThem()
{
    ScriptedTarget target(3);
    target.unsettled = QStringLiteral("nodes 3 have not applied their link cuts yet");
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[{"do":"partition","groups":[[1],[2,3]]}]})"),
                          &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(ScenarioRunner::linkSettleTimeoutMs + 1000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    const auto result = steps.first().at(1).value<StepResult>();
    QVERIFY(result.verdict == StepResult::Verdict::Failed);
    QCOMPARE(result.seen, target.unsettled);
}

void TestScenarioRunner::pausesWaitForNext()
{
    ScriptedTarget target(3);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"heal"},{"do":"timeout","node":1,"pause":true,"say":"Watch node 1."}]})"),
                          &target);
    QSignalSpy waiting(&runner, &ScenarioRunner::waitingForNext);
    runner.start();
    target.runUntil(100);
    QCOMPARE(waiting.count(), 1);
    QCOMPARE(waiting.first().first().toInt(), 1);
    QCOMPARE(target.actions, QStringList({"heal"}));
    runner.next();
    target.runUntil(200);
    QCOMPARE(target.actions, QStringList({"heal", "timeout 1"}));
    QVERIFY(runner.isFinished());

    // Headless runs go on.
    ScriptedTarget headless(3);
    ScenarioRunner straight(runner.scenario(), &headless);
    straight.setPauses(ScenarioRunner::Pauses::Skip);
    straight.start();
    headless.runUntil(100);
    QVERIFY(straight.isFinished());
}

void TestScenarioRunner::fastForwardRunsEarlierStepsWithoutPausing()
{
    ScriptedTarget target(3);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"timeout","node":1,"pause":true},{"do":"timeout","node":2,"pause":true},{"do":"timeout","node":3}]})"),
                          &target);
    runner.setFastForwardTo(2);
    QSignalSpy waiting(&runner, &ScenarioRunner::waitingForNext);
    runner.start();
    target.runUntil(100);
    QCOMPARE(target.actions, QStringList({"timeout 1", "timeout 2"}));
    QCOMPARE(waiting.count(), 1);
    QCOMPARE(waiting.first().first().toInt(), 2);
}

void TestScenarioRunner::noLeaderForFailsAsSoonAsOneAppears()
{
    ScriptedTarget target(3);
    target.at(500, [&] { target.makeLeader(NodeId(1), 3); });
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[{"do":"expect","no_leader_for_ms":1000}]})"),
                          &target);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(600);
    QCOMPARE(steps.count(), 1);
    const auto result = steps.first().at(1).value<StepResult>();
    QVERIFY(result.verdict == StepResult::Verdict::Failed);
    QVERIFY2(result.seen.startsWith(QStringLiteral("node 1 leads")), qPrintable(result.seen));

    ScriptedTarget calm(3);
    ScenarioRunner quiet(runner.scenario(), &calm);
    QSignalSpy quietSteps(&quiet, &ScenarioRunner::stepFinished);
    quiet.start();
    calm.runUntil(990);
    QCOMPARE(quietSteps.count(), 0); // still watching
    calm.runUntil(1100);
    QCOMPARE(quietSteps.count(), 1);
    QVERIFY(quietSteps.first().at(1).value<StepResult>().verdict == StepResult::Verdict::Held);
}

void TestScenarioRunner::aWriteThatDoesNotWaitIsCheckedLater()
{
    ScriptedTarget target(3);
    target.makeLeader(NodeId(1), 1);
    target.writeLatencyMs = 2000;
    target.nextWriteAnswer = answerOf(ClientAnswer::Outcome::Fail, QStringLiteral("503 not_committed"), true);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"put","node":"leader","key":"k","value":"v","wait":false,"as":"W1"},
        {"do":"heal"},
        {"do":"expect","write":"W1","outcome":"fail","not_committed":true,"within_ms":5000}]})"),
                          &target);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    target.runUntil(100);
    QCOMPARE(steps.count(), 2); // the write went out, heal ran, the expectation waits
    target.runUntil(3000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(steps.at(2).at(1).value<StepResult>().seen, QStringLiteral("fail: 503 not_committed"));
}

void TestScenarioRunner::valueOnAllReadsEveryRunningNode()
{
    ScriptedTarget target(3);
    target.values = {{NodeId(1), QStringLiteral("v")}, {NodeId(2), QStringLiteral("v")}};
    target.at(700, [&] { target.values[NodeId(3)] = QStringLiteral("v"); });
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"expect","value_on_all":{"key":"k","value":"v"},"within_ms":500}]})"),
                          &target);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(1000);
    const auto failed = steps.first().at(1).value<StepResult>();
    QVERIFY(failed.verdict == StepResult::Verdict::Failed);
    QCOMPARE(failed.seen, QStringLiteral("node 3 has absent"));

    ScenarioRunner again(runner.scenario(), &target); // node 3 has caught up by now
    QSignalSpy againSteps(&again, &ScenarioRunner::stepFinished);
    again.start();
    target.runUntil(1100);
    QVERIFY(againSteps.first().at(1).value<StepResult>().verdict == StepResult::Verdict::Held);
}

void TestScenarioRunner::lessonsGoOnAfterAFailureWhenAsked()
{
    ScriptedTarget target(3);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"expect","leader_is":1},{"do":"heal"}]})"),
                          &target);
    runner.setStopOnFailure(false);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    target.runUntil(100);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(runner.failures(), 1);
    QCOMPARE(target.actions, QStringList({"heal"}));
}

void TestScenarioRunner::resetWaitsForTheFreshClusterAndForgetsLabels()
{
    ScriptedTarget target(3);
    target.makeLeader(NodeId(2), 4);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"kill","node":"leader","as":"L1"},
        {"do":"reset","prevote":false},
        {"do":"expect","snapshot_on":1,"within_ms":100}]})"),
                          &target);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(1000);
    QCOMPARE(target.actions, QStringList({"kill 2", "reset no-prevote checkquorum"}));
    QCOMPARE(steps.at(1).at(1).value<StepResult>().seen,
             QStringLiteral("a fresh cluster, PreVote off, CheckQuorum on"));
    QVERIFY(target.nodes()[1].running);
    const auto snapshot = steps.at(2).at(1).value<StepResult>();
    QVERIFY(snapshot.verdict == StepResult::Verdict::Failed);
    QCOMPARE(snapshot.seen, QStringLiteral("node 1 holds no snapshot"));
}

void TestScenarioRunner::aRealClusterRefusesSimulationSteps()
{
    // A target of processes (this scripted one, like the app's) has no messages to hold nor virtual time:
    // a simulation-only step fails with a sentence that says where it can play.
    ScriptedTarget target(3);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","simulation_only":true,"steps":[
        {"do":"deliver","from":1,"to":2}]})"),
                          &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(100);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    const auto result = steps.first().at(1).value<StepResult>();
    QVERIFY(result.verdict == StepResult::Verdict::Failed);
    QVERIFY2(result.seen.contains(QLatin1String("--simulate")), qPrintable(result.seen));
}

void TestScenarioRunner::membershipStepsLabelTheNodeAndWaitForTheAnswer()
{
    ScriptedTarget target(3);
    target.makeLeader(NodeId(2), 1);
    ScenarioRunner runner(scenarioOf(R"({"title":"t","nodes":3,"steps":[
        {"do":"add_node","as":"N"},
        {"do":"kill","node":"N"},
        {"do":"remove_node","node":"leader","as":"R"},
        {"do":"restart","node":"R"}]})"),
                          &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(40);
    QCOMPARE(steps.count(), 0); // the cluster has not answered yet
    target.runUntil(1000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(target.actions, QStringList({"add 4", "kill 4", "remove 2", "restart 2"}));
    QCOMPARE(steps.first().at(1).value<StepResult>().seen, QStringLiteral("added"));
}

void TestScenarioRunner::membershipExpectationsReadTheLeadersConfiguration()
{
    ScriptedTarget target(3);
    target.makeLeader(NodeId(1), 1);
    target.at(300, [&] { target.promote(NodeId(4)); });
    ScenarioRunner runner(scenarioOf(R"({"title":"t","nodes":3,"steps":[
        {"do":"add_node","as":"N"},
        {"do":"expect","learner":"N"},
        {"do":"expect","learners":["N"]},
        {"do":"expect","voter":"N","within_ms":1000},
        {"do":"expect","members":[1,2,3,"N"]},
        {"do":"expect","learners":[]},
        {"do":"remove_node","node":3},
        {"do":"expect","not_member":3},
        {"do":"expect","members":[1,2,4]}]})"),
                          &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(5000);
    QCOMPARE(finished.count(), 1);
    for (const QList<QVariant> &step : steps)
        QVERIFY2(step.at(1).value<StepResult>().verdict != StepResult::Verdict::Failed,
                 qPrintable(step.at(1).value<StepResult>().seen));
    QCOMPARE(finished.first().first().toBool(), true);
    const auto voter = steps.at(3).at(1).value<StepResult>();
    QCOMPARE(voter.seen, QStringLiteral("node 4: voters 1,2,3,4, learners none (as node 1 holds them)"));

    // The same expectation fails, naming the configuration, when it does not hold.
    ScriptedTarget other(3);
    other.makeLeader(NodeId(1), 1);
    ScenarioRunner wrong(
        scenarioOf(R"({"title":"t","steps":[{"do":"expect","members":[1,2],"within_ms":100}]})"), &other);
    QSignalSpy wrongSteps(&wrong, &ScenarioRunner::stepFinished);
    wrong.start();
    other.runUntil(1000);
    const auto failed = wrongSteps.first().at(1).value<StepResult>();
    QVERIFY(failed.verdict == StepResult::Verdict::Failed);
    QCOMPARE(failed.seen, QStringLiteral("voters 1,2,3, learners none (as node 1 holds them)"));
}

void TestScenarioRunner::aRefusedMembershipChangeFailsTheStep()
{
    ScriptedTarget target(3);
    target.makeLeader(NodeId(1), 1);
    target.membershipRefusal = QStringLiteral("add_node: not here");
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[{"do":"add_node"},{"do":"heal"}]})"), &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    QSignalSpy steps(&runner, &ScenarioRunner::stepFinished);
    runner.start();
    target.runUntil(1000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    const auto result = steps.first().at(1).value<StepResult>();
    QVERIFY(result.verdict == StepResult::Verdict::Failed);
    QCOMPARE(result.seen, QStringLiteral("add_node: not here"));

    // A cluster that never answers: the step gives up after its timeout.
    ScriptedTarget silent(3);
    silent.makeLeader(NodeId(1), 1);
    silent.membershipLatencyMs = 100'000;
    ScenarioRunner waiting(
        scenarioOf(R"({"title":"t","steps":[{"do":"remove_node","node":2,"timeout_ms":500}]})"), &silent);
    QSignalSpy waitingSteps(&waiting, &ScenarioRunner::stepFinished);
    waiting.start();
    silent.runUntil(499);
    QCOMPARE(waitingSteps.count(), 0);
    silent.runUntil(1000);
    QCOMPARE(waitingSteps.count(), 1);
    QCOMPARE(waitingSteps.first().at(1).value<StepResult>().seen,
             QStringLiteral("the cluster did not answer within 500 ms"));
}

void TestScenarioRunner::aRemovedNodeIsLeftOutOfWholeClusterChecks()
{
    // A removed node that still runs keeps its old state: "on every node" means every member.
    ScriptedTarget target(3);
    target.makeLeader(NodeId(1), 1);
    target.values[NodeId(1)] = QStringLiteral("v");
    target.values[NodeId(2)] = QStringLiteral("v");
    ScenarioRunner runner(scenarioOf(R"({"title":"t","steps":[
        {"do":"remove_node","node":3},
        {"do":"expect","value_on_all":{"key":"k","value":"v"}},
        {"do":"put","node":"follower","key":"k","value":"w"}]})"),
                          &target);
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    target.runUntil(1000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(target.actions.last(), QStringLiteral("write k via 2"));
}

QTEST_GUILESS_MAIN(TestScenarioRunner)
#include "tst_scenariorunner.moc"
