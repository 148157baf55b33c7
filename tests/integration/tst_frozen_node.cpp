// A node whose process stops running for a while (SIGSTOP, then SIGCONT: a paused VM, a swapped-out or
// starved process) must not disturb a healthy cluster when it resumes. Its sockets kept what arrived
// meanwhile: a thawed follower reads the leader's heartbeats waiting there before its election timeout
// may fire, and a leader stopped for less than an election timeout resumes its heartbeats before anyone
// campaigns. PreVote is off, so a follower that did time out would bump every node's term: the term is
// what these tests watch.
#include "clusterharness.h"

#include <QElapsedTimer>
#include <QTest>

using namespace raftlab::integration;

namespace {

constexpr int leaderDeadlineMs = 30'000;
constexpr int watchAfterThawMs = 4'000;

// Waits until `ms` passed, processing events.
void pause(int ms)
{
    QElapsedTimer timer;
    timer.start();
    waitUntil([&] { return timer.elapsed() >= ms; }, ms + 1000, 10);
}

// Every node answers with the same term and leader as before, sweep after sweep, for `watchMs`.
// Empty when they did, else the first change seen.
QString watchTermAndLeader(ClusterHarness &cluster, const ClusterHarness::NodeStatus &before, int watchMs)
{
    QElapsedTimer watched;
    watched.start();
    while (watched.elapsed() < watchMs) {
        for (int id : cluster.ids()) {
            const std::optional<ClusterHarness::NodeStatus> now = cluster.status(id, 3000);
            if (!now)
                return QStringLiteral("node %1 did not answer /status").arg(id);
            if (now->term != before.term || now->leaderId != before.id)
                return QStringLiteral(
                           "%1 ms after the thaw node %2 is at term %3 with leader %4 (was term %5, "
                           "leader %6)")
                    .arg(watched.elapsed())
                    .arg(id)
                    .arg(now->term)
                    .arg(now->leaderId)
                    .arg(before.term)
                    .arg(before.id);
        }
        pause(50);
    }
    return QString();
}

ClusterHarness::Options withoutPreVote(int electionTimeoutMsMin, int electionTimeoutMsMax)
{
    ClusterHarness::Options options;
    options.preVote = false;
    options.electionTimeoutMsMin = electionTimeoutMsMin;
    options.electionTimeoutMsMax = electionTimeoutMsMax;
    return options;
}

} // namespace

class TestFrozenNode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aThawedFollowerReadsTheWaitingHeartbeatBeforeItsTimeout();
    void aLeaderFrozenShorterThanAnElectionTimeoutKeepsItsLead();
    void aClusterFrozenAtOnceKeepsItsLeaderWhenItResumes();
};

void TestFrozenNode::aThawedFollowerReadsTheWaitingHeartbeatBeforeItsTimeout()
{
    ClusterHarness cluster(withoutPreVote(150, 300));
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    const QString started = cluster.startAll();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const int leader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY(leader != 0);
    const QString converged = cluster.waitConverged(10'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    const std::optional<ClusterHarness::NodeStatus> before = cluster.status(leader);
    QVERIFY(before);
    const int follower = leader == 1 ? 2 : 1;

    // Ten times its longest election timeout: its timer is long overdue when it runs again.
    cluster.freeze(follower);
    QVERIFY2(!cluster.status(follower, 300), "the frozen follower still answers");
    pause(2700);
    cluster.thaw(follower);

    const QString changed = watchTermAndLeader(cluster, *before, watchAfterThawMs);
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

void TestFrozenNode::aLeaderFrozenShorterThanAnElectionTimeoutKeepsItsLead()
{
    // Heartbeats every 50 ms; a 150 ms freeze leaves every follower at least 100 ms short of its timeout.
    ClusterHarness cluster(withoutPreVote(300, 600));
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    const QString started = cluster.startAll();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const int leader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY(leader != 0);
    const QString converged = cluster.waitConverged(10'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    const std::optional<ClusterHarness::NodeStatus> before = cluster.status(leader);
    QVERIFY(before);

    for (int round = 0; round < 10; ++round) {
        cluster.freeze(leader);
        pause(150);
        cluster.thaw(leader);
        const QString changed = watchTermAndLeader(cluster, *before, 400);
        QVERIFY2(changed.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(changed)));
    }
}

void TestFrozenNode::aClusterFrozenAtOnceKeepsItsLeaderWhenItResumes()
{
    // A paused virtual machine, or a machine too busy to run any node for a while: every node stops, and
    // when they run again every timer is overdue, the leader's heartbeat as much as the followers'
    // election timeouts. Nobody heard from anybody in the meantime, so nobody may conclude that the leader
    // is gone. The leader is thawed last, 30 ms after the followers (less than a heartbeat interval, which
    // a follower waits for a heartbeat in any case): its heartbeats must reach them before one campaigns.
    ClusterHarness cluster(withoutPreVote(150, 300));
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    const QString started = cluster.startAll();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const int leader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY(leader != 0);
    const QString converged = cluster.waitConverged(10'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    const std::optional<ClusterHarness::NodeStatus> before = cluster.status(leader);
    QVERIFY(before);

    for (int round = 0; round < 10; ++round) {
        for (int id : cluster.ids())
            cluster.freeze(id);
        QVERIFY2(!cluster.status(leader, 300), "the frozen leader still answers");
        pause(700);
        for (int id : cluster.ids())
            if (id != leader)
                cluster.thaw(id);
        pause(30);
        cluster.thaw(leader);
        const QString changed = watchTermAndLeader(cluster, *before, 600);
        QVERIFY2(changed.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(changed)));
    }
}

QTEST_GUILESS_MAIN(TestFrozenNode)
#include "tst_frozen_node.moc"
