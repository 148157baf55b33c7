// Scenario files: what a good file becomes, and that every bad one is refused with its step and field
// named, before anything is played.
#include "scenario/scenario.h"

#include <QDir>
#include <QDirIterator>
#include <QTest>

using namespace raftlab;
using namespace raftlab::scenario;

class TestScenario : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEveryStepOfTheFormat();
    void parsesAOneWayCut();
    void parsesSimulationOnlySteps();
    void labelsNameNodesWritesAndTerms();
    void parsesMembershipStepsAndExpectations();
    void refusesBadFiles_data();
    void refusesBadFiles();
    void shippedLessonsParse();
    void aMissingFieldBlamesOnlyALikelyTypo();
};

namespace {

Scenario parsed(const QByteArray &json)
{
    Scenario scenario;
    const QString error = parseScenario(json, QStringLiteral("t.json"), scenario);
    if (!error.isEmpty())
        qWarning("%s", qPrintable(error));
    return scenario;
}

} // namespace

void TestScenario::parsesEveryStepOfTheFormat()
{
    const Scenario s = parsed(
        R"({"title":"All","summary":"one line","nodes":3,"cluster":{"prevote":false,"heartbeat_ms":500,"election_timeout_ms":[3000,6000]},"steps":[
        {"do":"wait_leader","within_ms":2000,"as":"L1","say":"A leader.","pause":true},
        {"do":"sleep","ms":500},
        {"do":"put","node":"any","key":"k","value":"v","timeout_ms":1000,"expect":"ok"},
        {"do":"get","node":2,"key":"k","consistency":"local","expect_value":"v"},
        {"do":"get","node":"leader","key":"gone","expect_value":null},
        {"do":"kill","node":"L1"},
        {"do":"partition","groups":[[1,2],[3]]},
        {"do":"cut","between":[1,2]},
        {"do":"isolate","node":3},
        {"do":"heal"},
        {"do":"net","node":2,"delay_ms":100,"loss":0.1},
        {"do":"timing","heartbeat_ms":500,"election_timeout_ms":[3000,6000]},
        {"do":"transfer","to":3},
        {"do":"timeout","node":3},
        {"do":"expect","value_on_all":{"key":"k","value":"v"},"within_ms":3000},
        {"do":"expect","no_leader_for_ms":1000},
        {"do":"expect","leader_is_not":"L1","within_ms":3000},
        {"do":"cas","key":"k","expect_value":"v","value":"w","expect":"ok"},
        {"do":"chapter","title":"Part two"},
        {"do":"focus","node":2,"log_index":4},
        {"do":"load","rate":50}
    ]})");
    QCOMPARE(s.title, QStringLiteral("All"));
    QCOMPARE(s.summary, QStringLiteral("one line"));
    QCOMPARE(s.nodes, 3);
    QVERIFY(!s.cluster.preVote);
    QVERIFY(s.cluster.checkQuorum);
    QCOMPARE(s.cluster.heartbeatMs, std::optional<int>(500));
    QVERIFY(s.cluster.electionTimeoutMs == std::optional(std::pair{3000, 6000}));
    QVERIFY(!s.cluster.snapshotEvery);
    QCOMPARE(s.steps.size(), std::size_t(21));
    QCOMPARE(s.steps[0].label, QStringLiteral("L1"));
    QVERIFY(s.steps[0].pause);
    QCOMPARE(s.steps[0].say, QStringLiteral("A leader."));
    QCOMPARE(std::get<WaitLeader>(s.steps[0].action).withinMs, 2000);
    QCOMPARE(std::get<Sleep>(s.steps[1].action).ms, 500);

    const auto &put = std::get<ClientWrite>(s.steps[2].action);
    QVERIFY(put.op == ClientWrite::Op::Put);
    QVERIFY(put.node.kind == NodeRef::Kind::Any);
    QCOMPARE(put.value, std::optional<QString>(QStringLiteral("v")));
    QCOMPARE(put.timeoutMs, 1000);

    const auto &localGet = std::get<ClientRead>(s.steps[3].action);
    QVERIFY(localGet.local);
    QVERIFY(localGet.checkValue);
    QCOMPARE(localGet.node, NodeRef::byId(NodeId(2)));
    const auto &absentGet = std::get<ClientRead>(s.steps[4].action);
    QVERIFY(absentGet.checkValue);
    QVERIFY(!absentGet.expectValue);
    QVERIFY(absentGet.node.kind == NodeRef::Kind::Leader);

    QCOMPARE(std::get<ProcessFault>(s.steps[5].action).node, NodeRef::byLabel(QStringLiteral("L1")));
    QCOMPARE(std::get<Partition>(s.steps[6].action).groups.size(), std::size_t(2));
    QCOMPARE(std::get<Cut>(s.steps[7].action).b, NodeRef::byId(NodeId(2)));
    const auto &net = std::get<NetFaults>(s.steps[10].action);
    QCOMPARE(net.delayMs, 100);
    QCOMPARE(net.loss, 0.1);
    const auto &timing = std::get<Timing>(s.steps[11].action);
    QCOMPARE(timing.electionTimeoutMaxMs, 6000);
    const auto &valueOnAll = std::get<Expect>(s.steps[14].action);
    QVERIFY(valueOnAll.kind == Expect::Kind::ValueOnAll);
    QCOMPARE(valueOnAll.withinMs, 3000);
    QCOMPARE(std::get<Expect>(s.steps[15].action).durationMs, 1000);
    const auto &cas = std::get<ClientWrite>(s.steps[17].action);
    QVERIFY(cas.op == ClientWrite::Op::Cas);
    QCOMPARE(cas.ifValue, std::optional<QString>(QStringLiteral("v")));
    QVERIFY(!cas.ifAbsent);
    QCOMPARE(std::get<Focus>(s.steps[19].action).logIndex, std::optional<std::uint64_t>(4));
    QCOMPARE(std::get<Load>(s.steps[20].action).ratePerSecond, 50);
}

void TestScenario::parsesAOneWayCut()
{
    const Scenario s = parsed(R"({"title":"x","steps":[{"do":"cut","from":1,"to":"leader"}]})");
    const auto &cut = std::get<Cut>(s.steps[0].action);
    QVERIFY(cut.oneWay);
    QCOMPARE(cut.a, NodeRef::byId(NodeId(1)));
    QVERIFY(cut.b.kind == NodeRef::Kind::Leader);
    QVERIFY(!std::get<Cut>(parsed(R"({"title":"x","steps":[{"do":"cut","between":[1,2]}]})").steps[0].action)
                 .oneWay);
}

void TestScenario::parsesSimulationOnlySteps()
{
    Scenario scenario;
    const QString error = parseScenario(R"({"title":"sim","simulation_only":true,
        "simulation":{"max_entries_per_append":1},"steps":[
        {"do":"deliver","from":1,"to":3,"type":"AppendEntries"},
        {"do":"deliver","from":"leader","to":2},
        {"do":"drop","type":"Heartbeat","from":1,"to":2},
        {"do":"drop","type":"RequestVote"},
        {"do":"advance","ms":250},
        {"do":"fire_timer","node":4}]})",
                                        QStringLiteral("sim.json"), scenario);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(scenario.simulationOnly);
    QCOMPARE(scenario.maxEntriesPerAppend, std::optional<int>(1));
    QCOMPARE(scenario.steps.size(), std::size_t(6));
    const auto &deliver = std::get<DeliverNext>(scenario.steps[0].action);
    QCOMPARE(deliver.from, NodeRef::byId(NodeId(1)));
    QCOMPARE(deliver.to, NodeRef::byId(NodeId(3)));
    QCOMPARE(deliver.messageType, QStringLiteral("AppendEntries"));
    QVERIFY(std::get<DeliverNext>(scenario.steps[1].action).messageType.isEmpty());
    const auto &drop = std::get<DropMessages>(scenario.steps[2].action);
    QCOMPARE(drop.messageType, QStringLiteral("Heartbeat"));
    QVERIFY(drop.from && drop.to);
    QVERIFY(!std::get<DropMessages>(scenario.steps[3].action).from);
    QCOMPARE(std::get<Advance>(scenario.steps[4].action).ms, 250);
    QCOMPARE(std::get<FireTimer>(scenario.steps[5].action).node, NodeRef::byId(NodeId(4)));
    for (const Step &step : scenario.steps) {
        QVERIFY(isSimulationOnly(step.action));
        QVERIFY(!describe(step).isEmpty());
    }
}

void TestScenario::labelsNameNodesWritesAndTerms()
{
    const Scenario s = parsed(R"({"title":"Labels","steps":[
        {"do":"remember_term","as":"T0"},
        {"do":"put","node":"leader","key":"k","value":"v","wait":false,"expect":"any","as":"W1"},
        {"do":"expect","write":"W1","outcome":"fail","not_committed":true,"within_ms":5000},
        {"do":"expect","term_above":"T0","within_ms":5000},
        {"do":"cas","key":"k","expect_value":null,"value":"first"}
    ]})");
    QCOMPARE(s.steps.size(), std::size_t(5));
    QVERIFY(!std::get<ClientWrite>(s.steps[1].action).wait);
    const auto &outcome = std::get<Expect>(s.steps[2].action);
    QVERIFY(outcome.kind == Expect::Kind::WriteOutcome);
    QCOMPARE(outcome.write, QStringLiteral("W1"));
    QVERIFY(outcome.outcome == ExpectedOutcome::Fail);
    QVERIFY(outcome.notCommitted);
    QCOMPARE(std::get<Expect>(s.steps[3].action).termLabel, QStringLiteral("T0"));
    QVERIFY(std::get<ClientWrite>(s.steps[4].action).ifAbsent);
}

void TestScenario::parsesMembershipStepsAndExpectations()
{
    const Scenario s = parsed(R"({"title":"Members","nodes":3,"steps":[
        {"do":"add_node","as":"N4"},
        {"do":"expect","learner":"N4"},
        {"do":"expect","voter":"N4","within_ms":30000},
        {"do":"expect","members":[1,2,3,"N4"]},
        {"do":"expect","learners":[]},
        {"do":"remove_node","node":"leader","as":"R","timeout_ms":20000},
        {"do":"expect","not_member":"R","within_ms":5000}
    ]})");
    QCOMPARE(s.steps.size(), std::size_t(7));
    QVERIFY(std::holds_alternative<AddNode>(s.steps[0].action));
    QCOMPARE(s.steps[0].label, QStringLiteral("N4"));
    QVERIFY(std::get<Expect>(s.steps[1].action).kind == Expect::Kind::Learner);
    QCOMPARE(std::get<Expect>(s.steps[1].action).node, NodeRef::byLabel(QStringLiteral("N4")));
    QVERIFY(std::get<Expect>(s.steps[2].action).kind == Expect::Kind::Voter);
    const auto &members = std::get<Expect>(s.steps[3].action);
    QVERIFY(members.kind == Expect::Kind::Members);
    QCOMPARE(members.nodes.size(), std::size_t(4));
    QCOMPARE(members.nodes[3], NodeRef::byLabel(QStringLiteral("N4")));
    QVERIFY(std::get<Expect>(s.steps[4].action).kind == Expect::Kind::Learners);
    QVERIFY(std::get<Expect>(s.steps[4].action).nodes.empty());
    const auto &remove = std::get<RemoveNode>(s.steps[5].action);
    QCOMPARE(remove.node.kind, NodeRef::Kind::Leader);
    QCOMPARE(remove.timeoutMs, 20000);
    QVERIFY(std::get<Expect>(s.steps[6].action).kind == Expect::Kind::NotMember);
    for (const Step &step : s.steps) {
        QVERIFY(!isSimulationOnly(step.action));
        QVERIFY(!describe(step).isEmpty());
    }
    QCOMPARE(describe(s.steps[5]), QStringLiteral("remove the leader from the cluster (as R)"));

    // Ids beyond the first nodes are fine once a step has added them; they do not raise the number of
    // nodes the scenario must start with (raftlab --nodes N refuses fewer).
    const Scenario grown = parsed(R"({"title":"Grown","nodes":3,"steps":[
        {"do":"kill","node":3},{"do":"add_node"},{"do":"expect","voter":4,"within_ms":30000}]})");
    QCOMPARE(grown.nodesNeeded, 3);
    const Scenario small = parsed(R"({"title":"Small","nodes":5,"steps":[{"do":"kill","node":2}]})");
    QCOMPARE(small.nodesNeeded, 2);
    QCOMPARE(nodeCountProblem(small, 2, QStringLiteral("s.json")), QString());
    QCOMPARE(nodeCountProblem(small, 1, QStringLiteral("s.json")),
             QStringLiteral("s.json: its steps name node 2, which 1 nodes do not have"));
}

void TestScenario::refusesBadFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected"); // a part of the one-line error

    QTest::newRow("not json") << QByteArray("{") << QStringLiteral("t.json: not JSON");
    QTest::newRow("no title") << QByteArray(R"({"steps":[{"do":"heal"}]})")
                              << QStringLiteral("field 'title'");
    QTest::newRow("no steps") << QByteArray(R"({"title":"x","steps":[]})") << QStringLiteral("field 'steps'");
    QTest::newRow("unknown top field") << QByteArray(R"({"title":"x","stpes":[],"steps":[{"do":"heal"}]})")
                                       << QStringLiteral("field 'stpes': is not a field");
    QTest::newRow("too many nodes") << QByteArray(R"({"title":"x","nodes":12,"steps":[{"do":"heal"}]})")
                                    << QStringLiteral("field 'nodes'");
    QTest::newRow("unknown cluster field")
        << QByteArray(R"({"title":"x","cluster":{"prevot":false},"steps":[{"do":"heal"}]})")
        << QStringLiteral("t.json: cluster: field 'prevot': is not a field here");
    QTest::newRow("cluster timeouts below the heartbeat")
        << QByteArray(
               R"({"title":"x","cluster":{"heartbeat_ms":500,"election_timeout_ms":[300,600]},"steps":[{"do":"heal"}]})")
        << QStringLiteral("cluster: field 'election_timeout_ms'");
    QTest::newRow("unknown verb") << QByteArray(R"({"title":"x","steps":[{"do":"heal"},{"do":"explode"}]})")
                                  << QStringLiteral("step 2 (explode): field 'do': unknown step 'explode'");
    QTest::newRow("a typo beside a missing field")
        << QByteArray(R"({"title":"x","steps":[{"do":"sleep","msec":1}]})")
        << QStringLiteral(
               "step 1 (sleep): field 'ms': is required (found 'msec', which is not a field here)");
    QTest::newRow("typo in a field") << QByteArray(R"({"title":"x","steps":[{"do":"sleep","ms":1,"mss":2}]})")
                                     << QStringLiteral("step 1 (sleep): field 'mss': is not a field");
    QTest::newRow("missing ms") << QByteArray(R"({"title":"x","steps":[{"do":"sleep"}]})")
                                << QStringLiteral("step 1 (sleep): field 'ms': is required");
    QTest::newRow("negative wait") << QByteArray(
                                          R"({"title":"x","steps":[{"do":"wait_leader","within_ms":-1}]})")
                                   << QStringLiteral("field 'within_ms': must be a whole number");
    QTest::newRow("bad expect")
        << QByteArray(R"({"title":"x","steps":[{"do":"put","key":"k","value":"v","expect":"maybe"}]})")
        << QStringLiteral("field 'expect': must be one of");
    QTest::newRow("label used before given")
        << QByteArray(R"({"title":"x","steps":[{"do":"kill","node":"L1"}]})")
        << QStringLiteral("step 1 (kill): field 'node': 'L1' names no node");
    QTest::newRow("node id out of range") << QByteArray(R"({"title":"x","steps":[{"do":"kill","node":10}]})")
                                          << QStringLiteral("field 'node': a node id");
    QTest::newRow("a node the scenario does not have")
        << QByteArray(R"({"title":"x","nodes":3,"steps":[{"do":"kill","node":7}]})")
        << QStringLiteral("step 1 (kill): field 'node': there is no node 7: the scenario has 3 nodes");
    QTest::newRow("a node before the step that adds it")
        << QByteArray(R"({"title":"x","nodes":3,"steps":[{"do":"kill","node":4},{"do":"add_node"}]})")
        << QStringLiteral("there is no node 4");
    QTest::newRow("a node beyond the ones added")
        << QByteArray(R"({"title":"x","nodes":3,"steps":[{"do":"add_node"},{"do":"expect","voter":5}]})")
        << QStringLiteral("there is no node 5: the scenario has 3 nodes and adds 1 before this step");
    QTest::newRow("one group") << QByteArray(R"({"title":"x","steps":[{"do":"partition","groups":[[1,2]]}]})")
                               << QStringLiteral("field 'groups'");
    QTest::newRow("cut to itself") << QByteArray(R"({"title":"x","steps":[{"do":"cut","between":[2,2]}]})")
                                   << QStringLiteral("field 'between'");
    QTest::newRow("one-way cut to itself")
        << QByteArray(R"({"title":"x","steps":[{"do":"cut","from":2,"to":2}]})")
        << QStringLiteral("field 'to'");
    QTest::newRow("one-way cut without to")
        << QByteArray(R"({"title":"x","steps":[{"do":"cut","from":2}]})") << QStringLiteral("field 'to'");
    QTest::newRow("loss above one") << QByteArray(R"({"title":"x","steps":[{"do":"net","loss":2}]})")
                                    << QStringLiteral("field 'loss'");
    QTest::newRow("timing inverted")
        << QByteArray(
               R"({"title":"x","steps":[{"do":"timing","heartbeat_ms":500,"election_timeout_ms":[400,900]}]})")
        << QStringLiteral("field 'election_timeout_ms'");
    QTest::newRow("two expectations")
        << QByteArray(R"({"title":"x","steps":[{"do":"expect","no_leader_for_ms":1,"leader_is":1}]})")
        << QStringLiteral("step 1 (expect): needs exactly one of");
    QTest::newRow("unlabelled async write")
        << QByteArray(R"({"title":"x","steps":[{"do":"put","key":"k","value":"v","wait":false}]})")
        << QStringLiteral("field 'wait'");
    QTest::newRow("write label unknown")
        << QByteArray(R"({"title":"x","steps":[{"do":"expect","write":"W9","outcome":"ok"}]})")
        << QStringLiteral("'W9' names no write");
    QTest::newRow("reserved label") << QByteArray(
                                           R"({"title":"x","steps":[{"do":"wait_leader","as":"leader"}]})")
                                    << QStringLiteral("field 'as': 'leader' is a reserved");
    QTest::newRow("label on a step without a node")
        << QByteArray(R"({"title":"x","steps":[{"do":"heal","as":"H"}]})")
        << QStringLiteral("field 'as': this step names no node");
    QTest::newRow("cas without expected value")
        << QByteArray(R"({"title":"x","steps":[{"do":"cas","key":"k","value":"v"}]})")
        << QStringLiteral("field 'expect_value': is required");
    QTest::newRow("simulation step in a real-cluster scenario")
        << QByteArray(R"({"title":"x","steps":[{"do":"advance","ms":10}]})")
        << QStringLiteral(
               "step 1 (advance): a simulation-only step; mark the scenario \"simulation_only\": true");
    QTest::newRow("deliver in a real-cluster scenario")
        << QByteArray(R"({"title":"x","steps":[{"do":"deliver","from":1,"to":2}]})")
        << QStringLiteral("step 1 (deliver): a simulation-only step");
    QTest::newRow("remove_node without a node")
        << QByteArray(R"({"title":"x","steps":[{"do":"remove_node"}]})")
        << QStringLiteral("step 1 (remove_node): field 'node': is required");
    QTest::newRow("no voters") << QByteArray(R"({"title":"x","steps":[{"do":"expect","members":[]}]})")
                               << QStringLiteral("field 'members': must be a non-empty list of nodes");
    QTest::newRow("learners not a list")
        << QByteArray(R"({"title":"x","steps":[{"do":"expect","learners":4}]})")
        << QStringLiteral("field 'learners': must be a list of nodes");
    QTest::newRow("unknown message type")
        << QByteArray(R"({"title":"x","simulation_only":true,"steps":[{"do":"drop","type":"Gossip"}]})")
        << QStringLiteral("step 1 (drop): field 'type': must be a message type");
    QTest::newRow("deliver without to")
        << QByteArray(R"({"title":"x","simulation_only":true,"steps":[{"do":"deliver","from":1}]})")
        << QStringLiteral("step 1 (deliver): field 'to': is required");
    QTest::newRow("simulation settings without simulation_only")
        << QByteArray(R"({"title":"x","simulation":{"max_entries_per_append":1},"steps":[{"do":"heal"}]})")
        << QStringLiteral("field 'simulation': needs \"simulation_only\": true");
    QTest::newRow("unknown simulation setting")
        << QByteArray(
               R"({"title":"x","simulation_only":true,"simulation":{"tick":1},"steps":[{"do":"heal"}]})")
        << QStringLiteral("simulation: field 'tick': is not a field");
    QTest::newRow("step not an object")
        << QByteArray(R"({"title":"x","steps":[3]})") << QStringLiteral("step 1: must be an object");
}

void TestScenario::refusesBadFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    Scenario scenario;
    scenario.title = QStringLiteral("untouched");
    const QString error = parseScenario(json, QStringLiteral("t.json"), scenario);
    QVERIFY2(error.contains(expected), qPrintable(QStringLiteral("got: %1").arg(error)));
    QVERIFY2(!error.contains(QLatin1Char('\n')), "one line");
    QCOMPARE(scenario.title, QStringLiteral("untouched")); // nothing half-parsed
}

// A field that is there for its own sake is not offered as a typo of a missing one.
void TestScenario::aMissingFieldBlamesOnlyALikelyTypo()
{
    Scenario scenario;
    QCOMPARE(parseScenario(R"({"steps":[{"do":"heal"}]})", QStringLiteral("t.json"), scenario),
             QStringLiteral("t.json: field 'title': is required"));
    QCOMPARE(parseScenario(R"({"titel":"x","steps":[{"do":"heal"}]})", QStringLiteral("t.json"), scenario),
             QStringLiteral("t.json: field 'title': is required (found 'titel', which is not a field here)"));
}

void TestScenario::shippedLessonsParse()
{
    // Every file the app ships as a lesson must load; a lesson with a typo would fail in front of a class.
    const QDir dir(QStringLiteral(RAFTLAB_SCENARIO_DIR));
    QDirIterator files(dir.path(), {QStringLiteral("*.json")}, QDir::Files);
    int count = 0;
    while (files.hasNext()) {
        Scenario scenario;
        const QString error = loadScenario(files.next(), scenario);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(!scenario.summary.isEmpty(), qPrintable(files.filePath() + QStringLiteral(": no summary")));
        ++count;
    }
    if (count == 0)
        QSKIP("no lessons shipped yet in resources/scenarios");
}

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
