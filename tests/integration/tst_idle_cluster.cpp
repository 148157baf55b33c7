// An idle cluster of real processes keeps its leader: with the tick timer sleeping until the next tick
// at which something is due, heartbeats still leave on time and no follower's election timeout fires, so
// over several seconds without a request nobody campaigns and the term does not change.
#include "clusterharness.h"

#include <QElapsedTimer>
#include <QTest>

using namespace raftlab::integration;

namespace {

constexpr int leaderDeadlineMs = 30'000;
constexpr int idleMs = 6'000;

} // namespace

class TestIdleCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void anIdleClusterKeepsItsLeaderAndTerm();
};

void TestIdleCluster::anIdleClusterKeepsItsLeaderAndTerm()
{
    ClusterHarness cluster(ClusterHarness::Options{});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    const QString started = cluster.startAll();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const int leader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY(leader != 0);
    // One write, so that every node has something committed and the cluster settled.
    const HttpReply written = cluster.put(leader, ClusterHarness::kvPath("idle"), "1");
    QVERIFY2(written.ok(), qPrintable(written.describe()));
    const QString converged = cluster.waitConverged(10'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    const std::optional<ClusterHarness::NodeStatus> first = cluster.status(leader);
    QVERIFY(first);

    QElapsedTimer idle;
    idle.start();
    int sweeps = 0;
    while (idle.elapsed() < idleMs) {
        for (int id : cluster.ids()) {
            const std::optional<ClusterHarness::NodeStatus> now = cluster.status(id);
            QVERIFY2(now, qPrintable(QStringLiteral("node %1 did not answer /status").arg(id)));
            QVERIFY2(now->term == first->term,
                     qPrintable(QStringLiteral("node %1 moved to term %2 (was %3) after %4 ms idle")
                                    .arg(id)
                                    .arg(now->term)
                                    .arg(first->term)
                                    .arg(idle.elapsed())));
            QCOMPARE(now->leaderId, leader);
        }
        ++sweeps;
        const qint64 nextSweepMs = idle.elapsed() + 200; // paced: the nodes stay (nearly) idle
        waitUntil([&] { return idle.elapsed() >= nextSweepMs; }, 1000);
    }
    QVERIFY(sweeps > 1);
}

QTEST_GUILESS_MAIN(TestIdleCluster)
#include "tst_idle_cluster.moc"
