// The safety checker is only worth something if it catches broken Raft. Each adversarial fault (a lying
// disk or network, adversary.h) breaks one rule of Raft from outside the cores; targeted scenarios and
// random schedules must find the violation, and the same runs without the fault must pass.
#include <QTest>

#ifndef Q_MOC_RUN
#include "chaosrun.h"
#include "seeds.h"
#endif

#include <set>

using namespace raftlab;
using namespace raftlab::sim;

Q_DECLARE_METATYPE(raftlab::sim::AdversarialFault)

namespace {

// A quiet cluster for scripted scenarios: no spontaneous elections (long timeouts, elections are
// started with campaignNow()), one-tick delivery without jitter, no pre-vote or leases in the way.
SimConfig scriptedConfig(int nodeCount, AdversarialFault adversary)
{
    SimConfig config;
    config.nodeCount = nodeCount;
    config.core.heartbeatTicks = 5;
    config.core.electionTimeoutTicksMin = 200;
    config.core.electionTimeoutTicksMax = 400;
    config.core.preVote = false;
    config.core.checkQuorum = false;
    config.core.maxEntriesPerAppend = 1; // one entry per append: the scenario decides what arrives
    config.adversary = adversary;
    config.faults = NetworkFaults{1, 0, 0.0, 0.0, 0.0, 0};
    return config;
}

bool isLeader(Simulation &simulation, int id)
{
    SimNode &node = simulation.node(NodeId(static_cast<std::uint32_t>(id)));
    return node.isUp() && node.core().role() == Role::Leader;
}

// Campaigns until elected: a first campaign may lose to a term in which the voters already voted.
bool elect(Simulation &simulation, int id)
{
    for (int attempt = 0; attempt < 3; ++attempt) {
        simulation.campaignNow(NodeId(static_cast<std::uint32_t>(id)));
        if (simulation.runUntil([&] { return isLeader(simulation, id); }, 20))
            return true;
    }
    return false;
}

NodeId node(int id)
{
    return NodeId(static_cast<std::uint32_t>(id));
}

// Raft Figure 8: S1 replicates index 2 to S2; S5, in a later term, writes another index 2 alone; S1, in a
// later term still, brings its index 2 to S3 and S4 and — if it counts replicas of old-term entries —
// says it is committed; S5 then wins with S3 and S4 and overwrites it. Returns the simulation's failure.
QString runFigure8(AdversarialFault adversary)
{
    Simulation simulation(scriptedConfig(5, adversary), 8);
    SimNetwork &network = simulation.network();
    if (!elect(simulation, 1))
        return QStringLiteral("setup: S1 was not elected");
    simulation.runTicks(10); // the no-op at index 1 everywhere
    // (a) index 2 reaches S2 only.
    for (int peer : {3, 4, 5})
        network.cut(node(1), node(peer));
    simulation.propose(node(1), "x");
    simulation.runTicks(3);
    simulation.crash(node(1));
    network.recover();
    // (b) S5 wins with S3 and S4, and its own index 2 never leaves it.
    simulation.campaignNow(node(5));
    bool s5Isolated = false;
    simulation.setStepHook([&] {
        if (!s5Isolated && isLeader(simulation, 5)) {
            s5Isolated = true;
            network.isolate(node(5)); // what it sent as leader is lost on the wire
        }
    });
    simulation.runTicks(5);
    if (!s5Isolated)
        return QStringLiteral("setup: S5 was not elected");
    simulation.crash(node(5));
    network.recover();
    // (c) S1 comes back and wins. S3 and S4 get its index 2 and nothing after it: the link from S1 to
    // each is cut once it holds index 2 (its answers still reach S1), so S1's own no-op (index 3) reaches
    // only S2. Index 2 is then on a majority (S1, S3, S4 and S2), but only index 3, of S1's term, could
    // commit it. The moment any node believes index 2 is committed, S1 is cut off.
    simulation.restart(node(1));
    bool s1Isolated = false;
    std::set<int> cutFromS1;
    simulation.setStepHook([&] {
        for (int peer : {3, 4}) {
            SimNode &follower = simulation.node(node(peer));
            if (!cutFromS1.contains(peer) && follower.isUp() &&
                follower.core().log().lastIndex() >= LogIndex(2)) {
                cutFromS1.insert(peer);
                network.cut(node(1), node(peer));
            }
        }
        for (int id = 1; id <= 5 && !s1Isolated; ++id) {
            SimNode &any = simulation.node(node(id));
            if (any.isUp() && any.core().log().commitIndex() >= LogIndex(2)) {
                s1Isolated = true;
                network.isolate(node(1));
            }
        }
    });
    if (!elect(simulation, 1))
        return QStringLiteral("setup: S1 was not re-elected");
    simulation.runTicks(20);
    simulation.setStepHook({});
    if (cutFromS1.size() != 2)
        return QStringLiteral("setup: S3 and S4 did not both receive S1's index 2");
    // (d) S5 returns and campaigns: with S3 and S4 it can win only if index 3 never reached them.
    simulation.crash(node(1));
    network.recover();
    simulation.restart(node(5));
    elect(simulation, 5);
    simulation.runTicks(20);
    return simulation.failure();
}

} // namespace

class TestChecker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void figure8CatchesCommittingOldTermEntries();
    void forgottenVoteCatchesVotingTwice();
    void staleCandidateCatchesIgnoringLogUpToDate();
    void figure8ChurnCatchesCommittingOldTermEntries();
    void twoLeadersOfOneTermInDifferentConfigurationsAreCaught();
    void membershipChangesInAScriptedClusterPass();
    void randomSchedulesCatchEveryFault_data();
    void randomSchedulesCatchEveryFault();
};

void TestChecker::figure8CatchesCommittingOldTermEntries()
{
    // Reference: §5.4.2, Figure 8 — "Raft never commits log entries from previous terms by counting
    // replicas."
    const QString sound = runFigure8(AdversarialFault::None);
    QVERIFY2(sound.isEmpty(), qPrintable(sound));
    const QString broken = runFigure8(AdversarialFault::CommitOldTermEntries);
    QVERIFY2(broken.contains(QLatin1String("Leader Completeness")),
             qPrintable(QStringLiteral("got: ") + broken));
}

void TestChecker::forgottenVoteCatchesVotingTwice()
{
    // Reference: §5.2 — "each server will vote for at most one candidate in a given term"; §5.6 / thesis
    // §3.8 — the vote is persistent state, so a restart must not forget it.
    const auto run = [](AdversarialFault adversary) {
        Simulation simulation(scriptedConfig(3, adversary), 3);
        // Node 1 votes for node 2 in term 1 while node 3, cut off, hears nothing; then node 1 restarts.
        simulation.network().isolate(node(3));
        simulation.campaignNow(node(2));
        const auto votedFor2 = [&] {
            return simulation.node(node(1)).disk().hardState.votedFor == node(2);
        };
        if (!simulation.runUntil(votedFor2, 10))
            return QStringLiteral("setup: node 1 did not vote for node 2");
        simulation.crash(node(1)); // before node 2's first append: node 1's log stays as short as node 3's
        // Node 3 comes back and asks for votes in the same term 1; node 2, cut off now, is not heard.
        simulation.network().heal();
        simulation.network().isolate(node(2));
        simulation.restart(node(1));
        simulation.campaignNow(node(3));
        simulation.runTicks(10);
        if (simulation.node(node(3)).core().term() != Term(1))
            return QStringLiteral("setup: node 3 did not campaign in term 1");
        return simulation.failure();
    };
    const QString sound = run(AdversarialFault::None);
    QVERIFY2(sound.isEmpty(), qPrintable(sound));
    const QString broken = run(AdversarialFault::ForgetVoteOnRestart);
    QVERIFY2(broken.contains(QLatin1String("vote")) || broken.contains(QLatin1String("Election Safety")),
             qPrintable(QStringLiteral("got: ") + broken));
}

void TestChecker::staleCandidateCatchesIgnoringLogUpToDate()
{
    // Reference: §5.4.1 — a voter "denies its vote if its own log is more up-to-date than that of the
    // candidate".
    const auto run = [](AdversarialFault adversary) {
        Simulation simulation(scriptedConfig(3, adversary), 4);
        if (!elect(simulation, 1))
            return QStringLiteral("setup: node 1 was not elected");
        simulation.network().isolate(node(3));
        simulation.propose(node(1), "x");
        simulation.propose(node(1), "y");
        if (!simulation.runUntil([&] { return simulation.countApplied(LogIndex(3)) == 2; }, 50))
            return QStringLiteral("setup: x and y did not commit on nodes 1 and 2");
        simulation.crash(node(1));
        simulation.network().recover();
        elect(simulation, 3); // only a voter that ignores §5.4.1 lets it win
        simulation.runTicks(20);
        return simulation.failure();
    };
    const QString sound = run(AdversarialFault::None);
    QVERIFY2(sound.isEmpty(), qPrintable(sound));
    const QString broken = run(AdversarialFault::InflateCandidateLog);
    QVERIFY2(broken.contains(QLatin1String("Leader Completeness")),
             qPrintable(QStringLiteral("got: ") + broken));
}

void TestChecker::figure8ChurnCatchesCommittingOldTermEntries()
{
    // The same bug, found without a script: 6.824's Figure 8 churn, leaders crashing every round.
    const SeedPlan plan = seedPlan(200'000, 200, SeedScaling::Proportional);
    int seedsRun = 0;
    QString found;
    for (std::uint64_t seed : plan.seeds) {
        ++seedsRun;
        found = runFigure8Churn(seed,
                                Figure8Options{.rounds = 1000,
                                               .adversary = AdversarialFault::CommitOldTermEntries,
                                               .checkLiveness = false});
        if (!found.isEmpty())
            break;
    }
    QVERIFY2(!found.isEmpty(), qPrintable(QStringLiteral("no violation in %1 seeds").arg(seedsRun)));
    qInfo("found after %d seeds: %s", seedsRun, qPrintable(found));
    for (int i = 0; i < seedsRun; ++i) {
        const QString clean =
            runFigure8Churn(plan.seeds[static_cast<std::size_t>(i)], Figure8Options{.rounds = 1000});
        QVERIFY2(clean.isEmpty(), qPrintable(clean));
    }
}

void TestChecker::twoLeadersOfOneTermInDifferentConfigurationsAreCaught()
{
    // A node started with a cluster file of its own ({4} instead of joining {1,2,3}) leads a configuration
    // nobody else is in. Election Safety is over every node that ever ran, whatever configuration each
    // believed: its term-1 leadership beside node 1's is a violation.
    Simulation simulation(scriptedConfig(3, AdversarialFault::None), 13);
    QVERIFY(elect(simulation, 1));
    QCOMPARE(simulation.node(node(1)).core().term(), Term(1));
    simulation.runTicks(10);
    QVERIFY2(!simulation.failed(), qPrintable(simulation.failure()));
    const NodeId stray = simulation.addNode({node(4)});
    QCOMPARE(stray, node(4));
    simulation.campaignNow(stray);
    simulation.runTicks(2);
    QVERIFY(simulation.failed());
    QVERIFY2(simulation.failure().contains(
                 QStringLiteral("Election Safety: nodes 1 and 4 both leaders in term 1")),
             qPrintable(simulation.failure()));
    QVERIFY2(simulation.failure().contains(QStringLiteral("{1,2,3}")) &&
                 simulation.failure().contains(QStringLiteral("{4}")),
             qPrintable(simulation.failure()));
}

void TestChecker::membershipChangesInAScriptedClusterPass()
{
    // The same cluster growing the right way (node 4 joins as a learner, is promoted) and shrinking (the
    // leader removes itself and steps down): the checker stays quiet and the new configuration elects.
    Simulation simulation(scriptedConfig(3, AdversarialFault::None), 14);
    QVERIFY(elect(simulation, 1));
    simulation.runTicks(10);
    const NodeId joining = simulation.addNode();
    QCOMPARE(
        simulation
            .changeMembership(node(1), MembershipChange{.kind = MembershipChange::Kind::Add, .id = joining})
            .status,
        MembershipChangeResult::Status::Accepted);
    QVERIFY(simulation.runUntil([&] { return simulation.node(node(1)).core().membership().isVoter(joining); },
                                100));
    simulation.runTicks(10);
    QCOMPARE(simulation
                 .changeMembership(node(1),
                                   MembershipChange{.kind = MembershipChange::Kind::Remove, .id = node(1)})
                 .status,
             MembershipChangeResult::Status::Accepted);
    QVERIFY(simulation.runUntil([&] { return simulation.node(node(1)).core().role() != Role::Leader; }, 100));
    QVERIFY(elect(simulation, 4));
    QCOMPARE(simulation.members(), (std::vector<NodeId>{node(2), node(3), node(4)}));
    const std::optional<LogIndex> index = simulation.proposeToLeader("a");
    QVERIFY(index);
    QVERIFY(simulation.runUntil([&] { return simulation.isAppliedEverywhere(*index); }, 100));
    QVERIFY2(!simulation.failed(), qPrintable(simulation.failure()));
}

void TestChecker::randomSchedulesCatchEveryFault_data()
{
    QTest::addColumn<AdversarialFault>("adversary");
    QTest::addColumn<int>("maxSeeds");
    QTest::addColumn<double>("leaderCrashProbability");
    QTest::addColumn<double>("membershipChangeProbability");
    // CommitOldTermEntries needs three leaders in a row that each stop half-way (Figure 8): general
    // chaos almost never builds that (none in 3,000 seeds), so it has the churn test above instead.
    // A vote forgotten matters only when the node restarts between voting and a second candidate of the
    // same term asking: found after 654 seeds (140 before a follower's acknowledgements in one Ready
    // were merged into one message, which changed the schedules).
    QTest::newRow("ForgetVoteOnRestart") << AdversarialFault::ForgetVoteOnRestart << 2000 << 0.0 << 0.0;
    QTest::newRow("InflateCandidateLog") << AdversarialFault::InflateCandidateLog << 500 << 0.0 << 0.0;
    QTest::newRow("InflateCandidateLog, leaders crashing")
        << AdversarialFault::InflateCandidateLog << 500 << 0.05 << 0.0;
    // The same faults among nodes joining and leaving: the checker still finds them.
    QTest::newRow("ForgetVoteOnRestart, membership changes")
        << AdversarialFault::ForgetVoteOnRestart << 500 << 0.0 << 0.03;
    QTest::newRow("InflateCandidateLog, membership changes")
        << AdversarialFault::InflateCandidateLog << 500 << 0.0 << 0.03;
}

void TestChecker::randomSchedulesCatchEveryFault()
{
    QFETCH(AdversarialFault, adversary);
    QFETCH(int, maxSeeds);
    QFETCH(double, leaderCrashProbability);
    QFETCH(double, membershipChangeProbability);
    const ChaosOptions options{.adversary = adversary,
                               .checkLiveness = false,
                               .leaderCrashProbability = leaderCrashProbability,
                               .membershipChangeProbability = membershipChangeProbability};
    ChaosOptions sound = options;
    sound.adversary = AdversarialFault::None;
    // The seeds are drawn as tst_sim_random draws them: the checker must find the bug without help.
    const SeedPlan plan = seedPlan(100'000, maxSeeds, SeedScaling::Proportional);
    int seedsRun = 0;
    QString found;
    for (std::uint64_t seed : plan.seeds) {
        ++seedsRun;
        found = ChaosRun(seed, options).run().failure;
        if (!found.isEmpty())
            break;
    }
    QVERIFY2(!found.isEmpty(), qPrintable(QStringLiteral("no violation in %1 seeds").arg(seedsRun)));
    qInfo("found after %d seeds: %s", seedsRun, qPrintable(found));
    // The very same schedules are clean without the fault.
    for (int i = 0; i < seedsRun; ++i) {
        const QString clean = ChaosRun(plan.seeds[static_cast<std::size_t>(i)], sound).run().failure;
        QVERIFY2(clean.isEmpty(), qPrintable(clean));
    }
}

QTEST_GUILESS_MAIN(TestChecker)
#include "tst_checker.moc"
