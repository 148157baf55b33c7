// The chaos nemesis: the same seed gives the same schedule, a minority at most is ever down, and the
// schedule ends with the cluster whole.
#include "scenario/nemesis.h"
#include "scenario/scenariorunner.h"
#include "scriptedtarget.h"

#include <QSignalSpy>
#include <QTest>

using namespace raftlab;
using namespace raftlab::scenario;

namespace {

// One line per step: what it does and to whom, enough to tell two schedules apart.
QStringList describe(const Scenario &scenario)
{
    QStringList lines;
    for (const Step &step : scenario.steps) {
        QString line = step.verb + QLatin1Char(' ') + step.label;
        if (const auto *fault = std::get_if<ProcessFault>(&step.action))
            line += QStringLiteral(" node %1 %2").arg(fault->node.id.value).arg(fault->node.label);
        if (const auto *sleep = std::get_if<Sleep>(&step.action))
            line += QString::number(sleep->ms);
        if (const auto *partition = std::get_if<Partition>(&step.action))
            line +=
                QStringLiteral(" %1|%2").arg(partition->groups[0].size()).arg(partition->groups[1].size());
        lines << line;
    }
    return lines;
}

// The cluster's own behaviour, scripted: whenever no running node leads, the lowest running one is
// elected in the next term, a little later.
void keepALeader(ScriptedTarget &target)
{
    target.after(100, [&target] {
        bool led = false;
        std::uint64_t term = 0;
        for (const NodeView &node : target.nodes()) {
            led = led || (node.running && !node.frozen && node.role == QLatin1String("leader"));
            term = std::max(term, node.term);
        }
        if (!led) {
            for (const NodeView &node : target.nodes()) {
                if (node.running && !node.frozen) {
                    target.makeLeader(node.id, term + 1);
                    break;
                }
            }
        }
        keepALeader(target);
    });
}

} // namespace

class TestNemesis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theSeedDecidesTheSchedule();
    void aMinorityAtMostIsDownAndTheEndIsWhole_data();
    void aMinorityAtMostIsDownAndTheEndIsWhole();
    void oneWayCutsCutSingleLinks();
};

void TestNemesis::theSeedDecidesTheSchedule()
{
    const Scenario a = nemesisScenario(NemesisOptions{.seed = 7});
    const Scenario b = nemesisScenario(NemesisOptions{.seed = 7});
    const Scenario c = nemesisScenario(NemesisOptions{.seed = 8});
    QCOMPARE(describe(a), describe(b));
    QVERIFY(describe(a) != describe(c));
    int faults = 0;
    for (const Step &step : a.steps)
        faults += std::holds_alternative<Sleep>(step.action) ? 0 : 1;
    // 30 s of faults 0.5–2.5 s apart, plus the healing at the end.
    QVERIFY2(faults >= 12 && faults <= 80, qPrintable(QString::number(faults)));
}

void TestNemesis::aMinorityAtMostIsDownAndTheEndIsWhole_data()
{
    QTest::addColumn<int>("nodes");
    QTest::addColumn<int>("seed");
    for (int nodes : {3, 5, 7}) {
        for (int seed = 1; seed <= 20; ++seed)
            QTest::addRow("%d nodes, seed %d", nodes, seed) << nodes << seed;
    }
}

void TestNemesis::aMinorityAtMostIsDownAndTheEndIsWhole()
{
    QFETCH(int, nodes);
    QFETCH(int, seed);
    ScriptedTarget target(nodes);
    target.makeLeader(NodeId(1), 1);
    keepALeader(target);
    ScenarioRunner runner(
        nemesisScenario(NemesisOptions{.seed = std::uint64_t(seed), .seconds = 20, .nodes = nodes}), &target);
    runner.setPauses(ScenarioRunner::Pauses::Skip);
    int mostDown = 0;
    connect(&runner, &ScenarioRunner::stepFinished, this, [&] {
        int down = 0;
        for (const NodeView &node : target.nodes())
            down += (!node.running || node.frozen) ? 1 : 0;
        mostDown = std::max(mostDown, down);
    });
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    runner.start();
    target.runUntil(120'000);
    QCOMPARE(finished.count(), 1);
    QVERIFY(finished.first().first().toBool());
    QVERIFY2(mostDown <= (nodes - 1) / 2, qPrintable(QString::number(mostDown)));
    for (const NodeView &node : target.nodes()) {
        QVERIFY2(node.running && !node.frozen, qPrintable(QString::number(node.id.value)));
    }
    QVERIFY(target.cuts.empty());
    QVERIFY(target.oneWayCuts.empty());
    QVERIFY(target.faultyNetworks.empty());
}

void TestNemesis::oneWayCutsCutSingleLinks()
{
    // A one-way cut is one link in one direction, not a node that loses everything it sends.
    int oneWay = 0;
    for (int seed = 1; seed <= 10; ++seed) {
        for (const Step &step : nemesisScenario(NemesisOptions{.seed = std::uint64_t(seed)}).steps) {
            if (const auto *cut = std::get_if<Cut>(&step.action); cut && cut->oneWay) {
                ++oneWay;
                QVERIFY(cut->a.id != cut->b.id);
            }
            if (const auto *net = std::get_if<NetFaults>(&step.action))
                QVERIFY2(net->loss < 1.0, qPrintable(step.verb));
        }
    }
    QVERIFY2(oneWay > 0, "no one-way cut in ten schedules");
}

QTEST_GUILESS_MAIN(TestNemesis)
#include "tst_nemesis.moc"
