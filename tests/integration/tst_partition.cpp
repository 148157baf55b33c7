// Five nodes; the leader and one follower are cut away from the other three (both ends of every cut link,
// as the GUI does it). The minority cannot commit; the majority elects a leader and commits; after healing
// everyone converges on the majority's log, and the minority's uncommitted entry is gone.
#include "clusterharness.h"

#include <QJsonArray>
#include <QTest>

using namespace raftlab::integration;

class TestPartition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void minorityCannotCommitMajorityGoesOnThenConverge();
};

void TestPartition::minorityCannotCommitMajorityGoesOnThenConverge()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 5});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    const int oldLeader = cluster.waitForLeader(10'000);
    QVERIFY2(oldLeader != 0, "no leader");

    const HttpReply baseline = cluster.put(oldLeader, ClusterHarness::kvPath("color"), "blue");
    QVERIFY2(baseline.ok(), qPrintable(baseline.describe()));
    const QString settled = cluster.waitConverged(10'000);
    QVERIFY2(settled.isEmpty(), qPrintable(settled));
    const auto before = cluster.status(oldLeader);
    QVERIFY(before);

    QList<int> majority = cluster.ids();
    majority.removeOne(oldLeader);
    const int minorityFollower = majority.takeFirst();
    const QList<int> minority{oldLeader, minorityFollower};
    QElapsedTimer sinceCut;
    sinceCut.start();
    const QString cut = cluster.partition({minority, majority});
    QVERIFY2(cut.isEmpty(), qPrintable(cut));
    for (const int id : cluster.ids()) {
        const auto s = cluster.status(id);
        QVERIFY(s);
        QCOMPARE(s->json.value(QStringLiteral("blocked_peers")).toArray().size(),
                 minority.contains(id) ? majority.size() : minority.size());
    }

    // The old leader still believes it leads for a moment and appends the write, but with one follower
    // it cannot reach a majority of five: the client gets 503 timeout, "outcome": "unknown".
    const HttpReply minorityWrite =
        cluster.put(oldLeader, ClusterHarness::kvPath("minority") + QStringLiteral("?timeout_ms=700"), "red");
    QVERIFY2(minorityWrite.status == 503, qPrintable(minorityWrite.describe()));
    QCOMPARE(minorityWrite.json().value(QStringLiteral("error")).toString(), QStringLiteral("timeout"));
    const bool appended =
        minorityWrite.json().value(QStringLiteral("outcome")).toString() == QLatin1String("unknown");
    const auto oldLeaderAfterWrite = cluster.status(oldLeader);
    QVERIFY(oldLeaderAfterWrite);
    qInfo("minority write: %s; old leader now %s, commit %lld, last log %lld",
          qPrintable(minorityWrite.describe()), qPrintable(oldLeaderAfterWrite->role),
          oldLeaderAfterWrite->commitIndex, oldLeaderAfterWrite->lastLogIndex);
    QCOMPARE(oldLeaderAfterWrite->commitIndex, before->commitIndex); // nothing new committed
    if (appended)
        QVERIFY2(oldLeaderAfterWrite->lastLogIndex > oldLeaderAfterWrite->commitIndex,
                 "an accepted write should sit uncommitted in the old leader's log");
    // A write sent to the minority follower fails too (forwarded to the old leader, or no leader known).
    const HttpReply viaFollower =
        cluster.put(minorityFollower, ClusterHarness::kvPath("minority") + QStringLiteral("?timeout_ms=700"),
                    "green", 5000);
    QVERIFY2(viaFollower.status == 503, qPrintable(viaFollower.describe()));
    qInfo("minority follower write: %s", qPrintable(viaFollower.describe()));

    // The majority elects a leader of a newer term and commits.
    const int newLeader = cluster.waitForLeader(10'000, majority, before->term + 1);
    QVERIFY2(newLeader != 0, "the majority elected no leader");
    qInfo("majority leader: node %d, seen %lld ms after the cut", newLeader, sinceCut.elapsed());
    QVERIFY(majority.contains(newLeader));
    for (int i = 0; i < majority.size(); ++i) {
        const HttpReply reply = cluster.put(majority[i], ClusterHarness::kvPath("color"),
                                            i + 1 == majority.size() ? "yellow" : "purple");
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
    }
    const HttpReply extra = cluster.put(majority.first(), ClusterHarness::kvPath("majority-only"), "yes");
    QVERIFY2(extra.ok(), qPrintable(extra.describe()));

    // Meanwhile the minority committed nothing: its local state still has the baseline.
    for (const int id : minority) {
        const HttpReply local =
            cluster.get(id, ClusterHarness::kvPath("color") + QStringLiteral("?consistency=local"));
        QVERIFY2(local.ok(), qPrintable(local.describe()));
        QCOMPARE(local.body, QByteArray("blue"));
    }

    // Heal; everyone converges on the majority's log.
    const QString healed = cluster.heal();
    QVERIFY2(healed.isEmpty(), qPrintable(healed));
    const QString converged = cluster.waitConverged(15'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    const auto finalLeader = cluster.status(cluster.leader());
    QVERIFY(finalLeader);
    QVERIFY2(finalLeader->commitIndex > before->commitIndex, "the majority's writes are committed");
    for (const int id : cluster.ids()) {
        const HttpReply color =
            cluster.get(id, ClusterHarness::kvPath("color") + QStringLiteral("?consistency=local"));
        QVERIFY2(color.ok(), qPrintable(color.describe()));
        QCOMPARE(color.body, QByteArray("yellow"));
        const HttpReply only =
            cluster.get(id, ClusterHarness::kvPath("majority-only") + QStringLiteral("?consistency=local"));
        QVERIFY2(only.ok(), qPrintable(only.describe()));
        QCOMPARE(only.body, QByteArray("yes"));
        const HttpReply linearizable = cluster.get(id, ClusterHarness::kvPath("color"));
        QVERIFY2(linearizable.ok(), qPrintable(linearizable.describe()));
        QCOMPARE(linearizable.body, QByteArray("yellow"));
        // The minority's writes were never committed: gone everywhere, the old leader included.
        const HttpReply gone =
            cluster.get(id, ClusterHarness::kvPath("minority") + QStringLiteral("?consistency=local"));
        QVERIFY2(gone.status == 404, qPrintable(QStringLiteral("node %1: %2").arg(id).arg(gone.describe())));
        const HttpReply goneLinearizable = cluster.get(id, ClusterHarness::kvPath("minority"));
        QVERIFY2(goneLinearizable.status == 404, qPrintable(goneLinearizable.describe()));
    }
    // The old leader's uncommitted entry was replaced: its log now ends where everyone's does, with the
    // majority's term.
    const auto rejoined = cluster.status(oldLeader);
    QVERIFY(rejoined);
    QCOMPARE(rejoined->lastLogIndex, finalLeader->lastLogIndex);
    QCOMPARE(rejoined->lastLogTerm, finalLeader->lastLogTerm);
    QVERIFY(rejoined->lastLogTerm > before->term);
}

QTEST_GUILESS_MAIN(TestPartition)
#include "tst_partition.moc"
