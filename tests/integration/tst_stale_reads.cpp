// The teaching point of linearizable reads: an old leader cut off from the others still holds the old value.
// Asked for a linearizable read it must not answer with it (it cannot confirm it still leads, so it fails or
// times out); asked with consistency=local it does show the stale value.
#include "clusterharness.h"

#include <QTest>

using namespace raftlab::integration;

class TestStaleReads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isolatedOldLeaderNeverServesAStaleLinearizableRead();
};

void TestStaleReads::isolatedOldLeaderNeverServesAStaleLinearizableRead()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    const int oldLeader = cluster.waitForLeader(10'000);
    QVERIFY2(oldLeader != 0, "no leader");
    const QString key = ClusterHarness::kvPath("balance");
    const QString local = key + QStringLiteral("?consistency=local");
    const QString linearizable = key + QStringLiteral("?timeout_ms=1000");

    const HttpReply first = cluster.put(oldLeader, key, "100");
    QVERIFY2(first.ok(), qPrintable(first.describe()));
    const auto before = cluster.status(oldLeader);
    QVERIFY(before);
    QList<int> others = cluster.ids();
    others.removeOne(oldLeader);

    // Isolate the leader (both ends of both links). Right away, it may still believe it leads: a
    // linearizable read needs a round of heartbeats acknowledged by a majority, which cannot happen.
    const QString cut = cluster.partition({{oldLeader}, others});
    QVERIFY2(cut.isEmpty(), qPrintable(cut));
    std::optional<HttpReply> earlyRead;
    cluster.requestAsync(oldLeader, "GET", linearizable, {}, 5000,
                         [&earlyRead](const HttpReply &reply) { earlyRead = reply; });

    // The others elect a new leader and change the value.
    const int newLeader = cluster.waitForLeader(10'000, others, before->term + 1);
    QVERIFY2(newLeader != 0, "the majority elected no leader");
    const HttpReply second = cluster.put(others.last(), key, "0");
    QVERIFY2(second.ok(), qPrintable(second.describe()));
    const HttpReply check = cluster.get(others.first(), key);
    QVERIFY2(check.ok() && check.body == "0", qPrintable(check.describe()));

    QVERIFY2(waitUntil([&] { return earlyRead.has_value(); }, 10'000), "the early read got no answer");
    qInfo("linearizable read on the isolated leader, asked right after the cut: %s (%lld ms)",
          qPrintable(earlyRead->describe()), earlyRead->elapsedMs);
    QVERIFY2(earlyRead->status == 503, qPrintable(earlyRead->describe()));

    // After the write: a linearizable read on the old leader still fails rather than answer "100"...
    for (int attempt = 0; attempt < 3; ++attempt) {
        const HttpReply read = cluster.get(oldLeader, linearizable, 5000);
        QVERIFY2(read.status == 503,
                 qPrintable(QStringLiteral("attempt %1: %2").arg(attempt).arg(read.describe())));
        const QString error = read.json().value(QStringLiteral("error")).toString();
        QVERIFY2(error == QLatin1String("timeout") || error == QLatin1String("unavailable"),
                 qPrintable(read.describe()));
    }
    // ...while its local state shows the stale value: that is what consistency=local means.
    const HttpReply stale = cluster.get(oldLeader, local);
    QVERIFY2(stale.ok(), qPrintable(stale.describe()));
    QCOMPARE(stale.body, QByteArray("100"));
    qInfo("local read on the isolated old leader: \"%s\" while the cluster holds \"0\"",
          stale.body.constData());

    // Once it knows it leads no more (check quorum), a write to it waits for a leader that never
    // comes: it never reaches a log, and the answer says so, so a client may record it as failed.
    QVERIFY2(waitUntil(
                 [&] {
                     const auto status = cluster.status(oldLeader);
                     return status && status->leaderId == 0;
                 },
                 10'000),
             "the isolated old leader still names a leader");
    const QString never = ClusterHarness::kvPath("never");
    const HttpReply leaderless = cluster.put(oldLeader, never + QStringLiteral("?timeout_ms=700"), "x");
    QVERIFY2(leaderless.status == 503, qPrintable(leaderless.describe()));
    QCOMPARE(leaderless.json().value(QStringLiteral("error")).toString(), QStringLiteral("unavailable"));
    QCOMPARE(leaderless.json().value(QStringLiteral("outcome")).toString(), QStringLiteral("failed"));

    // Healed, the old leader learns the new value, and a linearizable read through it is right again.
    const QString healed = cluster.heal();
    QVERIFY2(healed.isEmpty(), qPrintable(healed));
    HttpReply caughtUp;
    QVERIFY2(waitUntil(
                 [&] {
                     caughtUp = cluster.get(oldLeader, local);
                     return caughtUp.ok() && caughtUp.body == "0";
                 },
                 10'000),
             qPrintable(caughtUp.describe()));
    const HttpReply fresh = cluster.get(oldLeader, key);
    QVERIFY2(fresh.ok(), qPrintable(fresh.describe()));
    QCOMPARE(fresh.body, QByteArray("0"));
    const HttpReply failedWrite = cluster.get(oldLeader, never);
    QVERIFY2(failedWrite.status == 404, qPrintable(failedWrite.describe())); // it certainly did not happen
}

QTEST_GUILESS_MAIN(TestStaleReads)
#include "tst_stale_reads.moc"
