// Scenarios after the MIT 6.824/6.5840 Raft tester (3A elections, 3B agreement, 3C persistence), each run
// over many seeds in the simulator (tester.h scales its 1 s election allowance to 100 ticks), plus the
// extensions this core has: snapshots, leadership transfer, PreVote, CheckQuorum, ReadIndex and
// membership changes (a removed node must not disrupt).
// The safety checker runs after every step of every scenario; each scenario also asserts its own claim.
// A failure names its seed: RAFTLAB_SEED=<n> runs only that seed in every scenario.
#include <QTest>

#ifndef Q_MOC_RUN
#include "chaosrun.h"
#include "seeds.h"
#include "tester.h"
#endif

using namespace raftlab;
using namespace raftlab::sim;

namespace {

constexpr int second = RaftTester::ticksPerSecond;

// Stops a scenario at the first broken expectation, keeping the tester's context (seed, nodes).
#define EXPECT(condition, message)                                                                           \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            t.fail(message);                                                                                 \
            return t.failure();                                                                              \
        }                                                                                                    \
    } while (false)
#define EXPECT_OK()                                                                                          \
    do {                                                                                                     \
        if (t.failed())                                                                                      \
            return t.failure();                                                                              \
    } while (false)

} // namespace

class TestSimScenarios : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 3A: elections
    void initialElection();
    void reElection();
    void noLeaderWithoutQuorum();
    void manyElections();
    // 3B: agreement
    void basicAgree();
    void concurrentStarts();
    void followerFailure();
    void leaderFailure();
    void failAgree();
    void failNoAgree();
    void rejoin();
    void backup();
    void messageCount();
    // 3C: persistence and churn
    void persistence();
    void figure8();
    void unreliableAgree();
    void figure8Unreliable();
    void churn_data();
    void churn();
    // Extensions
    void snapshotInstallToLaggingFollower();
    void snapshotCatchUpOverSlowLink_data();
    void snapshotCatchUpOverSlowLink();
    void transferToUpToDateTarget();
    void transferToLaggingTarget();
    void transferToSelfOrUnknownTarget();
    void preVoteKeepsTermOfRejoiningNode_data();
    void preVoteKeepsTermOfRejoiningNode();
    void checkQuorumStepsDownIsolatedLeader_data();
    void checkQuorumStepsDownIsolatedLeader();
    void readIndexNeverStaleFromDeposedLeader();
    void leaderWhoseDiskFailsStepsDown();
    void removedNodeCutOffDoesNotDisrupt_data();
    void removedNodeCutOffDoesNotDisrupt();
};

// ---------------------------------------------------------------------------------------------
// 3A

void TestSimScenarios::initialElection()
{
    const QString failure = forSeeds(1000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        t.checkOneLeader();
        t.sleepTicks(5);
        const std::optional<Term> term1 = t.checkTerms();
        EXPECT_OK();
        EXPECT(*term1 >= Term(1), QStringLiteral("term is %1, but should be at least 1").arg(term1->value));
        // Without failures, nobody starts another election.
        t.sleepTicks(2 * RaftTester::electionAllowanceTicks);
        const std::optional<Term> term2 = t.checkTerms();
        EXPECT_OK();
        EXPECT(term1 == term2,
               QStringLiteral("term changed from %1 to %2 with no failures")
                   .arg(term1->value)
                   .arg(term2->value));
        t.checkOneLeader();
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::reElection()
{
    const QString failure = forSeeds(2000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        const std::optional<int> leader1 = t.checkOneLeader();
        EXPECT_OK();
        // The leader goes away: a new one is elected.
        t.disconnect(*leader1);
        const std::optional<int> leader2 = t.checkOneLeader();
        EXPECT_OK();
        EXPECT(leader2 != leader1, QStringLiteral("the disconnected leader is still the only leader"));
        // The old leader rejoins: it must not disturb the new one, and only one leader remains.
        t.connect(*leader1);
        const std::optional<int> leader3 = t.checkOneLeader();
        EXPECT_OK();
        EXPECT(t.connectedLeaderCount() == 1,
               QStringLiteral("%1 leaders after the old leader rejoined").arg(t.connectedLeaderCount()));
        // No quorum: no leader.
        t.disconnect(*leader3);
        t.disconnect((*leader3 + 1) % 3);
        t.sleepTicks(2 * RaftTester::electionAllowanceTicks);
        t.checkNoLeader();
        // A quorum again: a leader.
        t.connect((*leader3 + 1) % 3);
        t.checkOneLeader();
        t.connect(*leader3);
        t.checkOneLeader();
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::noLeaderWithoutQuorum()
{
    const QString failure = forSeeds(3000, 60, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(5, true), seed);
        t.checkOneLeader();
        EXPECT_OK();
        // Three of five gone: the two left can never elect anyone, however long they try.
        for (int server : {0, 1, 2})
            t.disconnect(server);
        for (int round = 0; round < 5; ++round) {
            t.sleepTicks(RaftTester::electionAllowanceTicks);
            t.checkNoLeader();
            EXPECT_OK();
        }
        for (int server : {0, 1, 2})
            t.connect(server);
        t.checkOneLeader();
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::manyElections()
{
    const QString failure = forSeeds(4000, 50, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(7, true), seed);
        t.checkOneLeader();
        Random &random = t.simulation().random();
        for (int round = 0; round < 10 && !t.failed(); ++round) {
            // Three of seven cut each round: four remain, still a majority.
            std::vector<int> servers{0, 1, 2, 3, 4, 5, 6};
            std::vector<int> cut;
            for (int i = 0; i < 3; ++i) {
                const auto pick =
                    static_cast<std::size_t>(random.between(0, static_cast<std::int64_t>(servers.size())));
                cut.push_back(servers[pick]);
                servers.erase(servers.begin() + static_cast<std::ptrdiff_t>(pick));
            }
            for (int server : cut)
                t.disconnect(server);
            t.checkOneLeader();
            for (int server : cut)
                t.connect(server);
        }
        t.checkOneLeader();
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

// ---------------------------------------------------------------------------------------------
// 3B

void TestSimScenarios::basicAgree()
{
    const QString failure = forSeeds(5000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        for (int iteration = 0; iteration < 3; ++iteration) {
            const LogIndex expected = t.node(*leader).core().log().lastIndex().next();
            EXPECT(t.nCommitted(expected) == 0, QStringLiteral("some have committed before Start()"));
            const std::optional<LogIndex> index = t.one(3, false);
            EXPECT_OK();
            EXPECT(index == expected,
                   QStringLiteral("got index %1 but expected %2").arg(index->value).arg(expected.value));
        }
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::concurrentStarts()
{
    const QString failure = forSeeds(6000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        for (int attempt = 0; attempt < 5; ++attempt) {
            const std::optional<int> leader = t.checkOneLeader();
            EXPECT_OK();
            // Five proposals in the same instant: distinct, consecutive indexes in one term.
            std::vector<RaftTester::Started> started;
            for (int i = 0; i < 5; ++i)
                started.push_back(t.startCommand(*leader));
            const bool sameTerm = std::all_of(started.begin(), started.end(), [&](const auto &s) {
                return s.isLeader && s.term == started.front().term;
            });
            if (!sameTerm)
                continue; // leadership moved meanwhile: try again, as 6.824 does
            for (std::size_t i = 1; i < started.size(); ++i)
                EXPECT(started[i].index == started[i - 1].index.next(),
                       QStringLiteral("indexes not consecutive"));
            if (!t.waitCommitted(started.back().index, 3, 2 * second))
                continue;
            const bool termChanged = t.node(*leader).core().term() != started.front().term;
            for (const RaftTester::Started &s : started)
                EXPECT(termChanged || t.wasApplied(s), QStringLiteral("a concurrent command was lost"));
            if (!termChanged)
                return t.failure();
        }
        // Spelled out rather than EXPECT(false, ...): without optimisation g++ cannot see that it returns.
        t.fail(QStringLiteral("term changed too often"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::followerFailure()
{
    const QString failure = forSeeds(7000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        t.one(3, false);
        const std::optional<int> leader1 = t.checkOneLeader();
        EXPECT_OK();
        // One follower gone: the other two still agree.
        t.disconnect((*leader1 + 1) % 3);
        t.one(2, false);
        t.sleepTicks(RaftTester::electionAllowanceTicks);
        t.one(2, false);
        // Both followers gone: nothing commits.
        const std::optional<int> leader2 = t.checkOneLeader();
        EXPECT_OK();
        t.disconnect((*leader2 + 1) % 3);
        t.disconnect((*leader2 + 2) % 3);
        const RaftTester::Started started = t.startCommand(*leader2);
        EXPECT(started.isLeader, QStringLiteral("leader rejected Start()"));
        t.sleepTicks(2 * RaftTester::electionAllowanceTicks);
        EXPECT(t.nCommitted(started.index) == 0,
               QStringLiteral("%1 committed without a majority").arg(t.nCommitted(started.index)));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::leaderFailure()
{
    const QString failure = forSeeds(8000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        t.one(3, false);
        const std::optional<int> leader1 = t.checkOneLeader();
        EXPECT_OK();
        t.disconnect(*leader1);
        // The other two elect a leader and agree.
        t.one(2, true);
        t.sleepTicks(RaftTester::electionAllowanceTicks);
        t.one(2, true);
        const std::optional<int> leader2 = t.checkOneLeader();
        EXPECT_OK();
        t.disconnect(*leader2);
        // Everyone is asked; nobody has a majority.
        std::vector<RaftTester::Started> started;
        for (int server = 0; server < 3; ++server)
            started.push_back(t.startCommand(server));
        t.sleepTicks(2 * RaftTester::electionAllowanceTicks);
        for (const RaftTester::Started &s : started)
            EXPECT(!s.isLeader || !t.wasApplied(s), QStringLiteral("a command committed without a majority"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::failAgree()
{
    const QString failure = forSeeds(9000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        t.one(3, false);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        const int follower = (*leader + 1) % 3;
        t.disconnect(follower);
        for (int i = 0; i < 4; ++i)
            t.one(2, false);
        t.sleepTicks(RaftTester::electionAllowanceTicks);
        // The follower returns and catches up on everything it missed.
        t.connect(follower);
        const std::optional<LogIndex> last = t.one(3, true);
        EXPECT_OK();
        t.one(3, true);
        EXPECT(t.node(follower).stateMachine().appliedIndex() >= *last,
               QStringLiteral("the reconnected follower did not catch up"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::failNoAgree()
{
    const QString failure = forSeeds(10000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(5, true), seed);
        t.one(5, false);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        // Three of five followers gone.
        for (int offset = 1; offset <= 3; ++offset)
            t.disconnect((*leader + offset) % 5);
        const RaftTester::Started started = t.startCommand(*leader);
        EXPECT(started.isLeader, QStringLiteral("leader rejected Start()"));
        t.sleepTicks(2 * RaftTester::electionAllowanceTicks);
        EXPECT(t.nCommitted(started.index) == 0, QStringLiteral("committed without a majority"));
        for (int offset = 1; offset <= 3; ++offset)
            t.connect((*leader + offset) % 5);
        // The cluster recovers, whoever leads now.
        t.one(5, true);
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::rejoin()
{
    const QString failure = forSeeds(11000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        t.one(3, true);
        const std::optional<int> leader1 = t.checkOneLeader();
        EXPECT_OK();
        // The leader, cut off, takes three commands that can never commit.
        t.disconnect(*leader1);
        std::vector<RaftTester::Started> stale;
        for (int i = 0; i < 3; ++i)
            stale.push_back(t.startCommand(*leader1));
        // The others move on; then their leader goes and the stale one returns.
        t.one(2, true);
        const std::optional<int> leader2 = t.checkOneLeader();
        EXPECT_OK();
        t.disconnect(*leader2);
        t.connect(*leader1);
        t.one(2, true);
        t.connect(*leader2);
        t.one(3, true);
        EXPECT_OK();
        for (const RaftTester::Started &s : stale)
            EXPECT(!s.isLeader || !t.wasApplied(s),
                   QStringLiteral("a command of the stale leader was applied"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::backup()
{
    const QString failure = forSeeds(12000, 30, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(5, true), seed);
        t.one(5, true);
        const std::optional<int> leader1 = t.checkOneLeader();
        EXPECT_OK();
        // Leader and one follower in a minority take 50 commands that cannot commit.
        for (int offset : {2, 3, 4})
            t.disconnect((*leader1 + offset) % 5);
        std::vector<RaftTester::Started> lost;
        for (int i = 0; i < 50; ++i)
            lost.push_back(t.startCommand(*leader1));
        t.sleepTicks(RaftTester::electionAllowanceTicks / 2);
        t.disconnect(*leader1);
        t.disconnect((*leader1 + 1) % 5);
        // The other three commit 50 of their own.
        for (int offset : {2, 3, 4})
            t.connect((*leader1 + offset) % 5);
        for (int i = 0; i < 50 && !t.failed(); ++i)
            t.one(3, true);
        // Their leader and one more fall into a minority and take 50 doomed commands.
        const std::optional<int> leader2 = t.checkOneLeader();
        EXPECT_OK();
        int other = (*leader1 + 2) % 5;
        if (*leader2 == other)
            other = (*leader2 + 1) % 5;
        t.disconnect(other);
        for (int i = 0; i < 50; ++i)
            lost.push_back(t.startCommand(*leader2));
        t.sleepTicks(RaftTester::electionAllowanceTicks / 2);
        // The first minority returns with `other`: they must back up over 50 entries and commit 50 new.
        for (int server = 0; server < 5; ++server)
            t.disconnect(server);
        t.connect(*leader1);
        t.connect((*leader1 + 1) % 5);
        t.connect(other);
        for (int i = 0; i < 50 && !t.failed(); ++i)
            t.one(3, true);
        for (int server = 0; server < 5; ++server)
            t.connect(server);
        t.one(5, true);
        EXPECT_OK();
        for (const RaftTester::Started &s : lost)
            EXPECT(!s.isLeader || !t.wasApplied(s), QStringLiteral("a minority's command was applied"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::messageCount()
{
    std::uint64_t mostForElection = 0;
    std::uint64_t mostForAgreement = 0;
    std::uint64_t mostWhenIdle = 0;
    const QString failure = forSeeds(13000, 100, [&](std::uint64_t seed) {
        // As RaftNode does, each node handles its Ready once per turn of its event loop (here: per
        // tick), so the ten Start() calls of one instant travel together (group commit).
        SimConfig config = RaftTester::labConfig(3, true);
        config.inlineReadyProbability = 0;
        config.maxReadyDelayTicks = 1;
        RaftTester t(config, seed);
        // Counted until every node follows the winner, split votes included, heartbeats excluded.
        Simulation &simulation = t.simulation();
        EXPECT(simulation.runUntil([&] { return simulation.hasStableLeader(); }, 10 * second),
               QStringLiteral("no leader"));
        const std::uint64_t electionRequests = t.requestsSent();
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        mostForElection = std::max(mostForElection, electionRequests);
        EXPECT(electionRequests >= 1 && electionRequests <= 30,
               QStringLiteral("%1 RPCs to elect the initial leader (6.824 allows 30)").arg(electionRequests));
        // Ten commands: about one append per follower each (6.824: at most (10 + 1 + 3) * 3 RPCs).
        const Term term = t.node(*leader).core().term();
        const std::uint64_t before = t.requestsSent();
        RaftTester::Started last;
        for (int i = 0; i < 10; ++i)
            last = t.startCommand(*leader);
        EXPECT(last.isLeader && t.waitCommitted(last.index, 3, 2 * second),
               QStringLiteral("10 commands did not commit"));
        if (t.node(*leader).core().term() != term)
            return t.failure(); // an election meanwhile would make the count meaningless
        const std::uint64_t agreementRequests = t.requestsSent() - before;
        mostForAgreement = std::max(mostForAgreement, agreementRequests);
        EXPECT(agreementRequests <= (10 + 1 + 3) * 3,
               QStringLiteral("%1 RPCs for 10 entries").arg(agreementRequests));
        // An idle second: heartbeats only (6.824 allows 3 * 20).
        const std::uint64_t idleBefore = t.requestsSent();
        t.sleepTicks(second);
        const std::uint64_t idleRequests = t.requestsSent() - idleBefore;
        mostWhenIdle = std::max(mostWhenIdle, idleRequests);
        EXPECT(idleRequests <= 3 * 20, QStringLiteral("%1 RPCs in one idle second").arg(idleRequests));
        EXPECT(idleRequests >= 2 * (second / 10) - 2,
               QStringLiteral("%1 RPCs: heartbeats missing").arg(idleRequests));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    qInfo("most RPCs seen: %llu to elect, %llu for 10 entries, %llu in an idle second",
          static_cast<unsigned long long>(mostForElection), static_cast<unsigned long long>(mostForAgreement),
          static_cast<unsigned long long>(mostWhenIdle));
}

// ---------------------------------------------------------------------------------------------
// 3C

void TestSimScenarios::persistence()
{
    const QString failure = forSeeds(14000, 60, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        const std::optional<LogIndex> first = t.one(3, true);
        EXPECT_OK();
        // Everyone crashes at once; what was committed survives, and the cluster goes on.
        t.simulation().restartAll();
        t.one(3, true);
        EXPECT_OK();
        EXPECT(t.nCommitted(*first) == 3, QStringLiteral("a committed entry was lost in a full restart"));
        // The leader restarts.
        const std::optional<int> leader1 = t.checkOneLeader();
        EXPECT_OK();
        t.crash(*leader1);
        t.start(*leader1);
        t.one(3, true);
        // The leader is away while the others agree, then comes back.
        const std::optional<int> leader2 = t.checkOneLeader();
        EXPECT_OK();
        t.crash(*leader2);
        t.one(2, true);
        t.start(*leader2);
        const std::optional<LogIndex> rejoined = t.one(3, true);
        EXPECT_OK();
        // A follower is away, then comes back.
        const int follower = (*t.checkOneLeader() + 1) % 3;
        t.crash(follower);
        t.one(2, true);
        t.start(follower);
        t.one(3, true);
        EXPECT_OK();
        EXPECT(t.nCommitted(*rejoined) == 3, QStringLiteral("a restarted server did not recover its log"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::figure8()
{
    // Reference: §5.4.2, Figure 8: leaders crash every round, before they finish replicating.
    const QString failure = forSeeds(
        15000, 15, [](std::uint64_t seed) { return runFigure8Churn(seed, Figure8Options{.rounds = 1000}); });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::unreliableAgree()
{
    const QString failure = forSeeds(16000, 40, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(5, false), seed);
        for (int iteration = 1; iteration < 50 && !t.failed(); ++iteration) {
            for (int server = 0; server < 5; ++server)
                t.startCommand(server);
            t.sleepTicks(static_cast<int>(t.simulation().random().between(5, 16)));
        }
        t.setReliable(true);
        t.one(5, true);
        EXPECT_OK();
        EXPECT(t.simulation().clientStats().writesAcknowledged >= 10,
               QStringLiteral("only %1 writes acknowledged")
                   .arg(t.simulation().clientStats().writesAcknowledged));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::figure8Unreliable()
{
    const QString failure = forSeeds(17000, 15, [](std::uint64_t seed) {
        return runFigure8Churn(seed, Figure8Options{.rounds = 1000, .unreliable = true});
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::churn_data()
{
    QTest::addColumn<bool>("reliable");
    QTest::newRow("reliable") << true;
    QTest::newRow("unreliable") << false;
}

void TestSimScenarios::churn()
{
    // 6.824's internalChurn: servers disconnect, crash and restart at random while clients write.
    QFETCH(bool, reliable);
    const QString failure = forSeeds(reliable ? 18000 : 19000, 40, [reliable](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(5, reliable), seed);
        Random &random = t.simulation().random();
        const auto anyServer = [&] {
            return static_cast<int>(random.between(0, 5));
        };
        for (int round = 0; round < 20 && !t.failed(); ++round) {
            if (random.chance(0.2))
                t.disconnect(anyServer());
            if (random.chance(0.5))
                t.crash(anyServer());
            if (random.chance(0.2))
                t.start(anyServer());
            if (random.chance(0.5))
                t.connect(anyServer());
            for (int tick = 0; tick < 70; tick += 5) {
                t.simulation().proposeToLeader("k");
                t.sleepTicks(5);
            }
        }
        for (int server = 0; server < 5; ++server) {
            t.start(server);
            t.connect(server);
        }
        t.setReliable(true);
        t.sleepTicks(RaftTester::electionAllowanceTicks);
        const std::optional<LogIndex> last = t.one(5, true);
        EXPECT_OK();
        EXPECT(t.nCommitted(*last) == 5, QStringLiteral("not every server applied the final command"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

// ---------------------------------------------------------------------------------------------
// Extensions: snapshots, leadership transfer, PreVote, CheckQuorum, ReadIndex

void TestSimScenarios::snapshotInstallToLaggingFollower()
{
    // Reference: §7 — "the leader must occasionally send snapshots to followers that lag behind".
    const QString failure = forSeeds(20000, 100, [](std::uint64_t seed) {
        SimConfig config = RaftTester::labConfig(3, true);
        config.snapshotIntervalEntries = 10;
        config.core.snapshotChunkBytes = 16; // several chunks per snapshot
        RaftTester t(config, seed);
        t.one(3, true);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        const int follower = (*leader + 1) % 3;
        t.disconnect(follower);
        for (int i = 0; i < 30 && !t.failed(); ++i)
            t.one(2, true);
        // The follower's next entry is gone from every log: only a snapshot can bring it back.
        const LogIndex followerNext = t.node(follower).core().log().lastIndex().next();
        const int current = *t.checkOneLeader();
        EXPECT(t.node(current).core().log().firstIndex() > followerNext,
               QStringLiteral("the leader did not compact"));
        // Half of the time it also restarts while catching up, from whatever reached its disk.
        t.connect(follower);
        if (seed % 2 == 0) {
            t.sleepTicks(3);
            t.crash(follower);
            t.start(follower);
        }
        const std::optional<LogIndex> last = t.one(3, true);
        EXPECT_OK();
        EXPECT(t.simulation().network().sentCount(MessageType::InstallSnapshot) > 0,
               QStringLiteral("no InstallSnapshot sent"));
        EXPECT(!t.node(follower).disk().snapshot.isEmpty(),
               QStringLiteral("the follower stored no snapshot"));
        EXPECT(t.node(follower).stateMachine().appliedIndex() >= *last,
               QStringLiteral("the follower did not catch up"));
        EXPECT(t.simulation().valueAt(RaftTester::idOf(follower), "k").value ==
                   t.simulation().valueAt(RaftTester::idOf(current), "k").value,
               QStringLiteral("the follower's state differs from the leader's"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::snapshotCatchUpOverSlowLink_data()
{
    QTest::addColumn<int>("catchUpEntries");
    QTest::newRow("no tail of entries") << 0;
    QTest::newRow("a tail of entries") << 300;
}

void TestSimScenarios::snapshotCatchUpOverSlowLink()
{
    // A follower far behind, on a slow link, while the leader keeps taking writes and snapshots every few
    // entries: a snapshot takes many round trips to send, several snapshot intervals. The transfer must
    // finish all the same (the leader keeps sending the snapshot it started with); and with a tail of
    // entries kept below each snapshot, the follower then catches up by appends and keeps up.
    QFETCH(int, catchUpEntries);
    const QString failure = forSeeds(20500, 20, [catchUpEntries](std::uint64_t seed) {
        SimConfig config = RaftTester::labConfig(3, true);
        config.snapshotIntervalEntries = 10;
        config.core.snapshotChunkBytes = 32; // about ten chunks, each a round trip on the slow link
        config.core.catchUpEntries = static_cast<std::uint64_t>(catchUpEntries);
        RaftTester t(config, seed);
        Simulation &sim = t.simulation();
        t.one(3, true);
        const std::optional<int> leaderServer = t.checkOneLeader();
        EXPECT_OK();
        const NodeId leader = RaftTester::idOf(*leaderServer);
        const int followerServer = (*leaderServer + 1) % 3;
        const NodeId follower = RaftTester::idOf(followerServer);
        int written = 0;
        const auto writeEvery = [&](int ticks, int everyTicks) {
            for (int i = 0; i < ticks && !t.failed(); ++i) {
                if (i % everyTicks == 0)
                    sim.proposeToLeader("k" + QByteArray::number(written++ % 20));
                sim.advance();
            }
        };
        t.disconnect(followerServer);
        writeEvery(600, 2); // the follower's next entry is long compacted away
        EXPECT(sim.leader() == leader, QStringLiteral("setup: the leader changed"));
        t.connect(followerServer);
        sim.network().slow(follower, leader, 15); // its answers take about ten times as long
        const LogIndex commitAtReconnect = sim.node(leader).core().log().commitIndex();
        const auto followerApplied = [&] {
            return sim.node(follower).stateMachine().appliedIndex();
        };

        // Under steady writes the follower installs a snapshot at least as recent as the reconnection.
        int ticks = 0;
        for (; ticks < 2000 && !t.failed() && followerApplied() < commitAtReconnect; ticks += 2)
            writeEvery(2, 2);
        EXPECT_OK();
        EXPECT(followerApplied() >= commitAtReconnect,
               QStringLiteral("the follower applied %1 of %2 after %3 ticks of writes: the transfer never "
                              "finished")
                   .arg(followerApplied().value)
                   .arg(commitAtReconnect.value)
                   .arg(ticks));
        EXPECT(sim.network().sentCount(MessageType::InstallSnapshot) > 0,
               QStringLiteral("setup: no snapshot was needed"));
        if (catchUpEntries == 0)
            return t.failure();

        // Then, with a tail to catch up from, it keeps up by appends: writes go on for a while, and once
        // they stop it is level with the leader within a few round trips.
        writeEvery(600, 2);
        EXPECT(sim.leader() == leader, QStringLiteral("the leader changed"));
        const auto level = [&] {
            const CoreStatus status = sim.node(leader).core().status();
            const auto progress = std::find_if(status.followers.begin(), status.followers.end(),
                                               [&](const FollowerStatus &f) { return f.id == follower; });
            return progress->matchIndex == status.commitIndex && followerApplied() == status.commitIndex;
        };
        EXPECT(sim.runUntil(level, 100),
               QStringLiteral("the follower is still behind 100 ticks after the writes stopped"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::transferToUpToDateTarget()
{
    // Reference: thesis §3.10 — the leader sends TimeoutNow to a caught-up target, which campaigns at once.
    const QString failure = forSeeds(21000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        const std::optional<LogIndex> index = t.one(3, true);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        EXPECT(t.waitCommitted(*index, 3, second), QStringLiteral("setup: not everyone caught up"));
        const int target = (*leader + 1) % 3;
        const Term term = t.node(*leader).core().term();
        const TransferResult result =
            t.simulation().transferLeadership(RaftTester::idOf(*leader), RaftTester::idOf(target));
        EXPECT(result.status == TransferResult::Status::Started, QStringLiteral("transfer not started"));
        // Well within one election timeout: no timer had to fire.
        const bool moved =
            t.simulation().runUntil([&] { return t.node(target).core().role() == Role::Leader; },
                                    RaftTester::labConfig(3, true).core.electionTimeoutTicksMin);
        EXPECT(moved, QStringLiteral("the target did not take over"));
        EXPECT(t.node(target).core().term() == term.next(),
               QStringLiteral("the transfer took more than one term"));
        t.one(3, true);
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::transferToLaggingTarget()
{
    const QString failure = forSeeds(22000, 100, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        t.one(3, true);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        const int target = (*leader + 1) % 3;
        t.disconnect(target);
        std::optional<LogIndex> last;
        for (int i = 0; i < 5; ++i)
            last = t.one(2, true);
        EXPECT_OK();
        t.connect(target);
        const int current = *t.checkOneLeader();
        const TransferResult result =
            t.simulation().transferLeadership(RaftTester::idOf(current), RaftTester::idOf(target));
        EXPECT(result.status == TransferResult::Status::Started, QStringLiteral("transfer not started"));
        // While it hands over, the leader takes no new commands.
        const ProposeResult refused = t.simulation().propose(RaftTester::idOf(current), "k");
        EXPECT(refused.status != ProposeResult::Status::Accepted ||
                   t.node(target).core().role() == Role::Leader,
               QStringLiteral("a proposal was accepted during the transfer"));
        // The target is first brought up to date, then takes over with every entry.
        const bool moved =
            t.simulation().runUntil([&] { return t.node(target).core().role() == Role::Leader; }, second);
        EXPECT(moved, QStringLiteral("the lagging target did not take over"));
        EXPECT(t.node(target).core().log().lastIndex() > *last,
               QStringLiteral("the new leader lacks entries"));
        t.one(3, true);
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::transferToSelfOrUnknownTarget()
{
    const QString failure = forSeeds(23000, 50, [](std::uint64_t seed) {
        RaftTester t(RaftTester::labConfig(3, true), seed);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        const Term term = t.node(*leader).core().term();
        const NodeId self = RaftTester::idOf(*leader);
        EXPECT(t.simulation().transferLeadership(self, self).status == TransferResult::Status::AlreadyLeader,
               QStringLiteral("transfer to self not refused as AlreadyLeader"));
        EXPECT(t.simulation().transferLeadership(self, NodeId(99)).status ==
                   TransferResult::Status::UnknownTarget,
               QStringLiteral("transfer to a stranger not refused as UnknownTarget"));
        EXPECT(t.simulation().transferLeadership(RaftTester::idOf((*leader + 1) % 3), self).status ==
                   TransferResult::Status::NotLeader,
               QStringLiteral("a follower accepted a transfer request"));
        // Nothing changed: same leader, same term, and it still takes commands.
        t.sleepTicks(2 * RaftTester::electionAllowanceTicks);
        EXPECT(t.checkOneLeader() == leader && t.node(*leader).core().term() == term,
               QStringLiteral("leadership changed after refused transfers"));
        t.one(3, true);
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::preVoteKeepsTermOfRejoiningNode_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::newRow("prevote on") << true;
    QTest::newRow("prevote off") << false;
}

void TestSimScenarios::preVoteKeepsTermOfRejoiningNode()
{
    // Reference: thesis §9.6 — a node that cannot win an election must not raise everyone's term.
    QFETCH(bool, preVote);
    const QString failure = forSeeds(24000, 60, [preVote](std::uint64_t seed) {
        SimConfig config = RaftTester::labConfig(3, true);
        config.core.preVote = preVote;
        RaftTester t(config, seed);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        const Term term = t.node(*leader).core().term();
        const int partitioned = (*leader + 1) % 3;
        t.disconnect(partitioned);
        t.sleepTicks(10 * config.core.electionTimeoutTicksMax);
        const Term isolatedTerm = t.node(partitioned).core().term();
        if (preVote)
            EXPECT(
                isolatedTerm <= term, // at most the leader's: it may have missed the election itself
                QStringLiteral("with PreVote the isolated node's term rose to %1").arg(isolatedTerm.value));
        else
            EXPECT(isolatedTerm > term, QStringLiteral("without PreVote the isolated node never campaigned"));
        t.connect(partitioned);
        t.checkOneLeader();
        t.one(3, true);
        EXPECT_OK();
        const Term after = *t.checkTerms();
        if (preVote)
            EXPECT(after == term && t.node(*leader).core().role() == Role::Leader,
                   QStringLiteral("the rejoining node disturbed the leader (term %1 -> %2)")
                       .arg(term.value)
                       .arg(after.value));
        else
            EXPECT(after >= isolatedTerm, QStringLiteral("the rejoining node's higher term did not spread"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::removedNodeCutOffDoesNotDisrupt_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::addColumn<bool>("checkQuorum");
    QTest::newRow("prevote") << true << false;
    QTest::newRow("checkquorum") << false << true;
    QTest::newRow("neither: it disrupts") << false << false;
}

void TestSimScenarios::removedNodeCutOffDoesNotDisrupt()
{
    // Reference: thesis §4.2.3 — a server removed while cut off never hears of its removal and times out;
    // PreVote or CheckQuorum keeps its campaigns from deposing the leader of the new configuration.
    QFETCH(bool, preVote);
    QFETCH(bool, checkQuorum);
    const QString failure = forSeeds(26000, 40, [preVote, checkQuorum](std::uint64_t seed) {
        SimConfig config = RaftTester::labConfig(4, true);
        config.core.preVote = preVote;
        config.core.checkQuorum = checkQuorum;
        RaftTester t(config, seed);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        t.one(4, true); // an entry of the leader's term: it may change the configuration from now on
        EXPECT_OK();
        const int removed = (*leader + 1) % 4;
        t.disconnect(removed);
        const MembershipChangeResult result = t.simulation().changeMembership(
            RaftTester::idOf(*leader),
            MembershipChange{.kind = MembershipChange::Kind::Remove, .id = RaftTester::idOf(removed)});
        EXPECT(result.status == MembershipChangeResult::Status::Accepted,
               QStringLiteral("the leader refused the removal (%1)").arg(static_cast<int>(result.status)));
        EXPECT(t.waitCommitted(result.index, 3, 10 * second), QStringLiteral("the removal did not commit"));
        const Term term = t.node(*leader).core().term();
        t.sleepTicks(10 * config.core.electionTimeoutTicksMax);
        t.connect(removed);
        t.sleepTicks(10 * config.core.electionTimeoutTicksMax);
        bool disturbed = false;
        for (int server = 0; server < 4; ++server) {
            const RaftCore &core = t.node(server).core();
            disturbed |= server != removed && (core.term() != term || core.leader() != t.idOf(*leader));
        }
        const bool guarded = preVote || checkQuorum;
        EXPECT(disturbed != guarded,
               guarded ? QStringLiteral("the removed node disturbed the cluster (term %1)").arg(term.value)
                       : QStringLiteral("without PreVote or CheckQuorum the removed node never disturbed"));
        t.one(3, true);
        EXPECT_OK();
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::checkQuorumStepsDownIsolatedLeader_data()
{
    QTest::addColumn<bool>("checkQuorum");
    QTest::newRow("checkquorum on") << true;
    QTest::newRow("checkquorum off") << false;
}

void TestSimScenarios::checkQuorumStepsDownIsolatedLeader()
{
    // Reference: thesis §6.2 — a leader that has not heard from a majority for an election timeout steps
    // down.
    QFETCH(bool, checkQuorum);
    const QString failure = forSeeds(25000, 60, [checkQuorum](std::uint64_t seed) {
        SimConfig config = RaftTester::labConfig(5, true);
        config.core.checkQuorum = checkQuorum;
        RaftTester t(config, seed);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        t.disconnect(*leader);
        t.sleepTicks(3 * config.core.electionTimeoutTicksMin);
        const bool stillLeads = t.node(*leader).core().role() == Role::Leader;
        if (checkQuorum)
            EXPECT(!stillLeads, QStringLiteral("the isolated leader did not step down"));
        else
            EXPECT(stillLeads, QStringLiteral("without CheckQuorum the isolated leader stepped down anyway"));
        t.connect(*leader);
        t.one(5, true);
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::readIndexNeverStaleFromDeposedLeader()
{
    // Reference: thesis §6.4 — a leader confirms it still leads (a heartbeat round) before serving a read.
    const QString failure = forSeeds(26000, 100, [](std::uint64_t seed) {
        SimConfig config = RaftTester::labConfig(5, true);
        config.core.checkQuorum = false; // the deposed leader keeps believing it leads
        RaftTester t(config, seed);
        Simulation &simulation = t.simulation();
        t.one(5, true);
        const std::optional<int> old = t.checkOneLeader();
        EXPECT_OK();
        const NodeId oldId = RaftTester::idOf(*old);
        // The old leader and one follower on one side, the majority on the other.
        const int partner = (*old + 1) % 5;
        std::vector<NodeId> minority{oldId, RaftTester::idOf(partner)};
        std::vector<NodeId> majority;
        for (int server = 0; server < 5; ++server) {
            if (server != *old && server != partner)
                majority.push_back(RaftTester::idOf(server));
        }
        simulation.network().partition({minority, majority});
        // The majority elects a leader (three voters of five: split votes may take a few rounds; 6.824
        // allows five seconds) and acknowledges a write.
        EXPECT(simulation.runUntil([&] { return simulation.leader() && *simulation.leader() != oldId; },
                                   5 * second),
               QStringLiteral("the majority elected no leader"));
        const std::optional<LogIndex> written = simulation.proposeToLeader("k");
        EXPECT(written &&
                   simulation.runUntil([&] { return simulation.isAcknowledged(simulation.lastProposal()); },
                                       second),
               QStringLiteral("the majority did not acknowledge the write"));
        // The deposed leader takes a read: it must never answer it (the checker fails a stale answer).
        const int servedBefore = simulation.clientStats().readsServed;
        EXPECT(simulation.read(oldId, "k"), QStringLiteral("the deposed leader refused the read outright"));
        t.sleepTicks(2 * second);
        EXPECT(simulation.clientStats().readsServed == servedBefore,
               QStringLiteral("the deposed leader served a read"));
        // The real leader serves reads, and they see the write.
        EXPECT(simulation.read(*simulation.leader(), "k"), QStringLiteral("the new leader refused a read"));
        EXPECT(
            simulation.runUntil([&] { return simulation.clientStats().readsServed > servedBefore; }, second),
            QStringLiteral("the new leader did not serve the read"));
        simulation.network().heal();
        t.one(5, true);
        EXPECT(t.node(*old).core().role() != Role::Leader,
               QStringLiteral("the deposed leader still leads after healing"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestSimScenarios::leaderWhoseDiskFailsStepsDown()
{
    // A leader's disk fails while it writes a new entry. It sent the entry before its own write (thesis
    // §10.2.1), so the next leader may commit it: the client's answer must be "unknown", never "failed".
    // The failed node stops leading and never campaigns; the others go on without it.
    const QString failure = forSeeds(27000, 100, [](std::uint64_t seed) {
        SimConfig config = RaftTester::labConfig(3, true);
        config.asyncPersistProbability = 1.0; // every Ready is written while the core goes on, as in the node
        RaftTester t(config, seed);
        t.one(3, false);
        const std::optional<int> leader = t.checkOneLeader();
        EXPECT_OK();
        const Term term = t.node(*leader).core().term();
        const RaftTester::Started started = t.startCommand(*leader);
        EXPECT(started.isLeader, QStringLiteral("the leader refused the command"));
        t.simulation().failDisk(RaftTester::idOf(*leader));
        EXPECT(t.node(*leader).core().role() == Role::Follower,
               QStringLiteral("the failed node still leads"));

        // (Not disconnected: that would also lose the appends on the wire.)
        const std::optional<int> next = t.checkOneLeader();
        EXPECT_OK();
        EXPECT(*next != *leader, QStringLiteral("the failed node leads again"));
        EXPECT(t.waitCommitted(started.index, 2, 5 * second),
               QStringLiteral("the entry sent before the disk failed was not committed by the next leader"));
        EXPECT(t.wasApplied(started), QStringLiteral("another command took the entry's index"));
        t.sleepTicks(5 * second);
        EXPECT(t.node(*leader).core().term() == term && t.node(*leader).core().role() == Role::Follower,
               QStringLiteral("the failed node campaigned"));
        return t.failure();
    });
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

QTEST_GUILESS_MAIN(TestSimScenarios)
#include "tst_sim_scenarios.moc"
