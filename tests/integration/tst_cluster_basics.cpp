// A fresh cluster of real processes, used like a user would: it elects a leader quickly, a write sent to a
// follower is forwarded and then visible on every node, DELETE removes, and the seed article's POST /
// key=value route works.
#include "clusterharness.h"

#include <QTest>

using namespace raftlab::integration;

namespace {

// The contract promises a leader "within 2 s"; a loaded 2-core CI box may need more, so the test fails
// only above the hard bound and warns above the target.
constexpr int electionTargetMs = 2000;
constexpr int electionBoundMs = 6000;

} // namespace

class TestClusterBasics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void basics_data();
    void basics();
};

void TestClusterBasics::basics_data()
{
    QTest::addColumn<int>("nodes");
    QTest::newRow("3 nodes") << 3;
    QTest::newRow("5 nodes") << 5;
}

void TestClusterBasics::basics()
{
    QFETCH(int, nodes);
    ClusterHarness cluster(ClusterHarness::Options{.nodes = nodes});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));

    // A leader, timed from the moment the processes are launched.
    QElapsedTimer clock;
    clock.start();
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    const qint64 servingMs = clock.elapsed();
    const int leader = cluster.waitForLeader(electionBoundMs + 2000);
    const qint64 electedMs = clock.elapsed();
    QVERIFY2(leader != 0, "no leader agreed by a majority");
    qInfo("%d nodes: all serving HTTP after %lld ms; node %d leads after %lld ms (target %d ms)", nodes,
          servingMs, leader, electedMs, electionTargetMs);
    if (electedMs > electionTargetMs)
        qWarning("the election took %lld ms, more than the %d ms target (a loaded machine?)", electedMs,
                 electionTargetMs);
    QVERIFY2(
        electedMs <= electionBoundMs,
        qPrintable(QStringLiteral("leader after %1 ms, bound %2 ms").arg(electedMs).arg(electionBoundMs)));

    QList<int> followers = cluster.ids();
    followers.removeOne(leader);

    // PUT on a follower: forwarded to the leader, answered once committed and applied.
    const QByteArray key = "city-\xc3\xa9t\xc3\xa9 key"; // UTF-8 and a space: percent-encoded in the URL
    const QByteArray value = "Z\xc3\xbcrich\n\x01\xff binary-safe";
    const HttpReply written = cluster.put(followers.first(), ClusterHarness::kvPath(key), value);
    QVERIFY2(written.ok(), qPrintable(written.describe()));
    const QJsonObject writtenJson = written.json();
    QVERIFY2(writtenJson.value(QStringLiteral("index")).toInteger() > 0, qPrintable(written.describe()));
    QVERIFY2(writtenJson.value(QStringLiteral("term")).toInteger() > 0, qPrintable(written.describe()));

    // Linearizable GET on every node: the acknowledged write is there, at once.
    for (const int id : cluster.ids()) {
        const HttpReply read = cluster.get(id, ClusterHarness::kvPath(key));
        QVERIFY2(read.ok(), qPrintable(QStringLiteral("node %1: %2").arg(id).arg(read.describe())));
        QCOMPARE(read.body, value);
    }
    // consistency=local: each node's own copy, eventually.
    for (const int id : cluster.ids()) {
        HttpReply local;
        QVERIFY2(waitUntil(
                     [&] {
                         local = cluster.get(
                             id, ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local"));
                         return local.ok() && local.body == value;
                     },
                     10'000),
                 qPrintable(QStringLiteral("node %1 local read: %2").arg(id).arg(local.describe())));
    }

    // DELETE (on another follower), then 404 everywhere.
    const HttpReply deleted = cluster.del(followers.last(), ClusterHarness::kvPath(key));
    QVERIFY2(deleted.ok(), qPrintable(deleted.describe()));
    QVERIFY2(deleted.json().value(QStringLiteral("index")).toInteger() >
                 writtenJson.value(QStringLiteral("index")).toInteger(),
             qPrintable(deleted.describe()));
    for (const int id : cluster.ids()) {
        const HttpReply read = cluster.get(id, ClusterHarness::kvPath(key));
        QVERIFY2(read.status == 404, qPrintable(QStringLiteral("node %1: %2").arg(id).arg(read.describe())));
        QCOMPARE(read.json().value(QStringLiteral("error")).toString(), QStringLiteral("not_found"));
    }

    // POST / key=value, the seed article's route, on a follower.
    const HttpReply posted = cluster.post(followers.first(), QStringLiteral("/"), "article=hello raft");
    QVERIFY2(posted.ok(), qPrintable(posted.describe()));
    QVERIFY2(posted.contentType.startsWith("text/plain"), posted.contentType.constData());
    for (const int id : cluster.ids()) {
        const HttpReply read = cluster.get(id, ClusterHarness::kvPath("article"));
        QVERIFY2(read.ok(), qPrintable(QStringLiteral("node %1: %2").arg(id).arg(read.describe())));
        QCOMPARE(read.body, QByteArray("hello raft"));
    }

    // Everyone ends on the same state, and nobody restarted on the way.
    const QString converged = cluster.waitConverged(10'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    QCOMPARE(cluster.runningIds(), cluster.ids());
}

QTEST_GUILESS_MAIN(TestClusterBasics)
#include "tst_cluster_basics.moc"
