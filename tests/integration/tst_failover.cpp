// kill -9 the leader of 3 nodes: the others elect a new one, writes go on, and the old leader, restarted
// on its data dir, catches up: from the log, or (second row) from a snapshot, the others having compacted
// their logs while it was down. Each step of that story is a claim of its own, checked in order on one
// cluster per row; a step whose earlier step failed skips. How fast the failover is, is a speed claim run
// by `ctest -L perf`.
#include "clusterharness.h"
#include "perfonly.h"

#include <QTest>

#include <map>
#include <memory>

using namespace raftlab::integration;

namespace {

constexpr int failoverTargetMs = 2000; // what a user should see with 150-300 ms election timeouts
constexpr int failoverBoundMs = 5000; // the perf run fails above this, even on a loaded machine
constexpr int leaderDeadlineMs = 30'000; // the claims that are not about speed wait this long
constexpr int writesBefore = 5;

// How far a row's story got.
enum class Step { None, FailedOver, WritesWentOn, Restarted };

struct Story
{
    std::unique_ptr<ClusterHarness> cluster{};
    Step reached = Step::None;
    int oldLeader = 0;
    int newLeader = 0;
    QList<int> survivors{};
    std::optional<ClusterHarness::NodeStatus> before{}; // the first leader, before the writes
    std::optional<ClusterHarness::NodeStatus> atKill{}; // the first leader, just before it was killed
    std::optional<ClusterHarness::NodeStatus> afterWrites{}; // the new leader, after the writes
    qint64 firstLogIndex = 0; // the new leader's, after the writes
};

QByteArray beforeKey(int i)
{
    return "before-" + QByteArray::number(i);
}

QByteArray afterKey(int i)
{
    return "after-" + QByteArray::number(i);
}

QByteArray afterValue(int i)
{
    return "new-" + QByteArray::number(i);
}

// `node`'s own (local) answer for `key`, waited for: a restarted node serves it once its log (or
// snapshot) is applied again.
HttpReply localReadOnceServed(ClusterHarness &cluster, int node, const QByteArray &key)
{
    const QString path = ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local");
    HttpReply local;
    waitUntil(
        [&] {
            local = cluster.get(node, path);
            return local.ok();
        },
        10'000);
    return local;
}

} // namespace

class TestFailover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void cleanup();
    void cleanupTestCase();

    void survivorsOfAKilledLeaderElectANewOne();
    void writesGoOnThroughEitherSurvivor();
    void theSurvivorsCompactedPastTheOldLeadersLog(); // the snapshot row only
    void theOldLeaderRestartsOnItsDataDir();
    void theRestartedLeaderHoldsEveryWriteMadeWhileItWasDown();
    void theRestartedLeaderKeepsItsOwnEarlierWrites();
    void theRestartedLeaderFollowsAtTheCurrentTermAndCommitIndex();
    void theRestartedLeaderHoldsTheNewLeadersSnapshot(); // the snapshot row only
    void everyNodeConverges();

    void aKilledLeaderIsReplacedWithinTheBound(); // a speed claim: `ctest -L perf`

private:
    Story &story();

    std::map<int, Story> m_stories; // by snapshotEvery
};

void TestFailover::initTestCase_data()
{
    QTest::addColumn<int>("snapshotEvery");
    QTest::addColumn<int>("writesAfter");
    QTest::newRow("log only") << 0 << 10;
    // The others compact their logs while the old leader is down: it catches up from a snapshot.
    QTest::newRow("with snapshots") << 8 << 30;
}

void TestFailover::cleanup()
{
    QFETCH_GLOBAL(int, snapshotEvery);
    if (QTest::currentTestFailed() && m_stories.count(snapshotEvery) && m_stories.at(snapshotEvery).cluster)
        m_stories.at(snapshotEvery).cluster->printStderr();
}

void TestFailover::cleanupTestCase()
{
    m_stories.clear();
}

Story &TestFailover::story()
{
    QFETCH_GLOBAL(int, snapshotEvery);
    return m_stories[snapshotEvery];
}

void TestFailover::survivorsOfAKilledLeaderElectANewOne()
{
    QFETCH_GLOBAL(int, snapshotEvery);
    Story &s = story();
    s.cluster =
        std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = 3, .snapshotEvery = snapshotEvery});
    ClusterHarness &cluster = *s.cluster;
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    s.oldLeader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY2(s.oldLeader != 0, "no first leader");
    s.before = cluster.status(s.oldLeader);
    QVERIFY(s.before);
    for (int i = 0; i < writesBefore; ++i) {
        const HttpReply reply = cluster.put(s.oldLeader, ClusterHarness::kvPath(beforeKey(i)), "old");
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
    }

    // SIGKILL: no goodbye, no flush beyond what was already durable.
    s.survivors = cluster.ids();
    s.survivors.removeOne(s.oldLeader);
    s.atKill = cluster.status(s.oldLeader);
    QVERIFY(s.atKill);
    cluster.kill(s.oldLeader);
    s.newLeader = cluster.waitForLeader(leaderDeadlineMs, s.survivors, s.before->term + 1);
    QVERIFY2(s.newLeader != 0, "the survivors elected no leader");
    QVERIFY(s.newLeader != s.oldLeader);
    s.reached = Step::FailedOver;
}

void TestFailover::writesGoOnThroughEitherSurvivor()
{
    QFETCH_GLOBAL(int, writesAfter);
    Story &s = story();
    if (s.reached < Step::FailedOver)
        QSKIP("the failover failed");
    for (int i = 0; i < writesAfter; ++i) {
        const int via = s.survivors[i % s.survivors.size()];
        const HttpReply reply = s.cluster->put(via, ClusterHarness::kvPath(afterKey(i)), afterValue(i));
        QVERIFY2(reply.ok(), qPrintable(QStringLiteral("via node %1: %2").arg(via).arg(reply.describe())));
    }
    s.afterWrites = s.cluster->status(s.newLeader);
    QVERIFY(s.afterWrites);
    s.firstLogIndex = s.afterWrites->json.value(QStringLiteral("first_log_index")).toInteger();
    s.reached = Step::WritesWentOn;
}

void TestFailover::theSurvivorsCompactedPastTheOldLeadersLog()
{
    QFETCH_GLOBAL(int, snapshotEvery);
    Story &s = story();
    if (snapshotEvery == 0)
        QSKIP("no snapshots in this row");
    if (s.reached < Step::WritesWentOn)
        QSKIP("the writes after the failover failed");
    // The entries the old leader lacks are gone from the new leader's log: only a snapshot can help. The
    // snapshot is encoded and written on its own thread, and the log compacted after that, so on a busy
    // machine the compaction may follow the last write's answer by a while.
    const auto firstLogIndex = [&s] {
        const auto status = s.cluster->status(s.newLeader);
        if (status)
            s.firstLogIndex = status->json.value(QStringLiteral("first_log_index")).toInteger();
        return s.firstLogIndex;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(
        firstLogIndex() > s.atKill->lastLogIndex + 1,
        qPrintable(QStringLiteral("new leader's log starts at %1; the old leader had up to %2")
                       .arg(s.firstLogIndex)
                       .arg(s.atKill->lastLogIndex)),
        10'000);
}

void TestFailover::theOldLeaderRestartsOnItsDataDir()
{
    Story &s = story();
    if (s.reached < Step::WritesWentOn)
        QSKIP("the writes after the failover failed");
    const QString restartError = s.cluster->start(s.oldLeader);
    QVERIFY2(restartError.isEmpty(), qPrintable(restartError));
    s.reached = Step::Restarted;
}

void TestFailover::theRestartedLeaderHoldsEveryWriteMadeWhileItWasDown()
{
    QFETCH_GLOBAL(int, writesAfter);
    Story &s = story();
    if (s.reached < Step::Restarted)
        QSKIP("the old leader did not restart");
    // Its own (local) state shows the new writes.
    for (int i = 0; i < writesAfter; ++i) {
        const HttpReply local = localReadOnceServed(*s.cluster, s.oldLeader, afterKey(i));
        QVERIFY2(local.ok(),
                 qPrintable(QStringLiteral("restarted node %1, key after-%2: %3")
                                .arg(s.oldLeader)
                                .arg(i)
                                .arg(local.describe())));
        QCOMPARE(local.body, afterValue(i));
    }
}

void TestFailover::theRestartedLeaderKeepsItsOwnEarlierWrites()
{
    Story &s = story();
    if (s.reached < Step::Restarted)
        QSKIP("the old leader did not restart");
    for (int i = 0; i < writesBefore; ++i) {
        const HttpReply local = localReadOnceServed(*s.cluster, s.oldLeader, beforeKey(i));
        QVERIFY2(local.ok(), qPrintable(local.describe()));
        QCOMPARE(local.body, QByteArray("old"));
    }
}

void TestFailover::theRestartedLeaderFollowsAtTheCurrentTermAndCommitIndex()
{
    Story &s = story();
    if (s.reached < Step::Restarted)
        QSKIP("the old leader did not restart");
    std::optional<ClusterHarness::NodeStatus> rejoined;
    QVERIFY2(waitUntil(
                 [&] {
                     rejoined = s.cluster->status(s.oldLeader);
                     return rejoined && rejoined->commitIndex >= s.afterWrites->commitIndex;
                 },
                 10'000),
             qPrintable(QString::number(rejoined ? rejoined->commitIndex : -1)));
    QCOMPARE(rejoined->role, QStringLiteral("follower"));
    QVERIFY2(rejoined->term >= s.afterWrites->term, qPrintable(QString::number(rejoined->term)));
}

void TestFailover::theRestartedLeaderHoldsTheNewLeadersSnapshot()
{
    QFETCH_GLOBAL(int, snapshotEvery);
    Story &s = story();
    if (snapshotEvery == 0)
        QSKIP("no snapshots in this row");
    if (s.reached < Step::Restarted)
        QSKIP("the old leader did not restart");
    std::optional<ClusterHarness::NodeStatus> rejoined;
    QVERIFY2(waitUntil(
                 [&] {
                     rejoined = s.cluster->status(s.oldLeader);
                     return rejoined &&
                         rejoined->json.value(QStringLiteral("snapshot_index")).toInteger() >=
                         s.firstLogIndex - 1;
                 },
                 10'000),
             "the restarted node should hold the leader's snapshot");
}

void TestFailover::everyNodeConverges()
{
    Story &s = story();
    if (s.reached < Step::Restarted)
        QSKIP("the old leader did not restart");
    const QString converged = s.cluster->waitConverged(10'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
}

void TestFailover::aKilledLeaderIsReplacedWithinTheBound()
{
    RAFTLAB_PERF_ONLY();
    QFETCH_GLOBAL(int, snapshotEvery);
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3, .snapshotEvery = snapshotEvery});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    const int oldLeader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY2(oldLeader != 0, "no first leader");
    const auto before = cluster.status(oldLeader);
    QVERIFY(before);
    QList<int> survivors = cluster.ids();
    survivors.removeOne(oldLeader);

    QElapsedTimer clock;
    clock.start();
    cluster.kill(oldLeader);
    const int newLeader = cluster.waitForLeader(failoverBoundMs + 5000, survivors, before->term + 1);
    const qint64 failoverMs = clock.elapsed();
    QVERIFY2(newLeader != 0, "the survivors elected no leader");
    qInfo("leader %d killed; node %d leads after %lld ms (target %d ms, bound %d ms)", oldLeader, newLeader,
          failoverMs, failoverTargetMs, failoverBoundMs);
    if (failoverMs > failoverTargetMs)
        qWarning("failover took %lld ms, more than the %d ms target (a loaded machine?)", failoverMs,
                 failoverTargetMs);
    QVERIFY2(
        failoverMs <= failoverBoundMs,
        qPrintable(QStringLiteral("failover took %1 ms, bound %2 ms").arg(failoverMs).arg(failoverBoundMs)));
}

QTEST_GUILESS_MAIN(TestFailover)
#include "tst_failover.moc"
