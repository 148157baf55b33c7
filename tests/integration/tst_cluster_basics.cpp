// A fresh cluster of real processes (3 and 5 nodes), used like a user would: it elects a leader, a write
// sent to a follower is forwarded and then visible on every node, concurrent requests through a follower
// (pipelined to the leader) each get their own answer, DELETE removes, and the seed article's POST /
// key=value route works. One cluster per size serves every claim, each with keys of its own; how
// fast the election is, is a speed claim run by `ctest -L perf`.
#include "clusterharness.h"
#include "perfonly.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTest>

#include <map>
#include <memory>

using namespace raftlab::integration;

namespace {

// The contract promises a leader "within 2 s"; a loaded 2-core CI box may need more, so the perf run
// fails only above the hard bound and warns above the target.
constexpr int electionTargetMs = 2000;
constexpr int electionBoundMs = 6000;
constexpr int leaderDeadlineMs = 30'000; // the claims that are not about speed wait this long

const QByteArray utf8Key = "city-\xc3\xa9t\xc3\xa9 key"; // UTF-8 and a space: percent-encoded in the URL
const QByteArray binaryValue = "Z\xc3\xbcrich\n\x01\xff binary-safe";

} // namespace

class TestClusterBasics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void cleanup();
    void cleanupTestCase();

    void aMajorityAgreesOnALeader();
    void aWriteSentToAFollowerIsCommitted();
    void anAcknowledgedWriteIsReadOnEveryNodeAtOnce();
    void localReadsOnEveryNodeSeeTheWrite();
    void aDeleteIsCommittedAfterTheWriteAndReadsAnswer404Everywhere();
    void postKeyValueOnAFollowerWritesTheKey();
    void concurrentRequestsThroughAFollowerGetTheirOwnAnswers();
    void everyNodeEndsOnTheSameStateWithoutRestarting(); // last: it looks back on all of the above

    void aLeaderIsElectedWithinTheBound(); // a speed claim: `ctest -L perf`

private:
    // The cluster of the current row (3 or 5 nodes), started with its leader elected on first use.
    ClusterHarness *startedCluster();
    int leader() const { return m_leaders.at(m_nodes); }
    QList<int> followers();
    // PUT `value` at `key` through a follower; empty when it was acknowledged with an index and term.
    QString putThroughAFollower(const QByteArray &key, const QByteArray &value, qint64 *index = nullptr);

    int m_nodes = 0;
    std::map<int, std::unique_ptr<ClusterHarness>> m_clusters;
    std::map<int, int> m_leaders;
};

void TestClusterBasics::initTestCase_data()
{
    QTest::addColumn<int>("nodes");
    QTest::newRow("3 nodes") << 3;
    QTest::newRow("5 nodes") << 5;
}

void TestClusterBasics::cleanup()
{
    if (QTest::currentTestFailed() && m_clusters.count(m_nodes))
        m_clusters.at(m_nodes)->printStderr();
}

void TestClusterBasics::cleanupTestCase()
{
    m_clusters.clear();
}

ClusterHarness *TestClusterBasics::startedCluster()
{
    QFETCH_GLOBAL(int, nodes);
    m_nodes = nodes;
    if (auto found = m_clusters.find(nodes); found != m_clusters.end())
        return m_leaders.at(nodes) != 0 ? found->second.get() : nullptr;
    auto &harness = m_clusters[nodes];
    harness = std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = nodes});
    m_leaders[nodes] = 0;
    if (!harness->setupError().isEmpty()) {
        qWarning("%s", qPrintable(harness->setupError()));
        return nullptr;
    }
    if (const QString error = harness->startAll(); !error.isEmpty()) {
        qWarning("%s", qPrintable(error));
        return nullptr;
    }
    m_leaders[nodes] = harness->waitForLeader(leaderDeadlineMs);
    return m_leaders[nodes] != 0 ? harness.get() : nullptr;
}

QList<int> TestClusterBasics::followers()
{
    QList<int> ids = m_clusters.at(m_nodes)->ids();
    ids.removeOne(leader());
    return ids;
}

QString TestClusterBasics::putThroughAFollower(const QByteArray &key, const QByteArray &value, qint64 *index)
{
    ClusterHarness &cluster = *m_clusters.at(m_nodes);
    const HttpReply written = cluster.put(followers().first(), ClusterHarness::kvPath(key), value);
    const QJsonObject json = written.json();
    if (!written.ok() || json.value(QStringLiteral("index")).toInteger() <= 0 ||
        json.value(QStringLiteral("term")).toInteger() <= 0)
        return written.describe();
    if (index)
        *index = json.value(QStringLiteral("index")).toInteger();
    return {};
}

void TestClusterBasics::aMajorityAgreesOnALeader()
{
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "the cluster did not start, or no leader agreed by a majority");
    QVERIFY(cluster->ids().contains(leader()));
}

void TestClusterBasics::aWriteSentToAFollowerIsCommitted()
{
    // Forwarded to the leader, answered once committed and applied, with its index and term.
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "no cluster with a leader");
    const QString error = putThroughAFollower(utf8Key, binaryValue);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestClusterBasics::anAcknowledgedWriteIsReadOnEveryNodeAtOnce()
{
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "no cluster with a leader");
    const QByteArray key = "read-" + utf8Key;
    const QString error = putThroughAFollower(key, binaryValue);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // Linearizable GET on every node: no waiting.
    for (const int id : cluster->ids()) {
        const HttpReply read = cluster->get(id, ClusterHarness::kvPath(key));
        QVERIFY2(read.ok(), qPrintable(QStringLiteral("node %1: %2").arg(id).arg(read.describe())));
        QCOMPARE(read.body, binaryValue);
    }
}

void TestClusterBasics::localReadsOnEveryNodeSeeTheWrite()
{
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "no cluster with a leader");
    const QByteArray key = "local-" + utf8Key;
    const QString error = putThroughAFollower(key, binaryValue);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // consistency=local: each node's own copy, eventually.
    for (const int id : cluster->ids()) {
        HttpReply local;
        QVERIFY2(waitUntil(
                     [&] {
                         local = cluster->get(
                             id, ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local"));
                         return local.ok() && local.body == binaryValue;
                     },
                     10'000),
                 qPrintable(QStringLiteral("node %1 local read: %2").arg(id).arg(local.describe())));
    }
}

void TestClusterBasics::aDeleteIsCommittedAfterTheWriteAndReadsAnswer404Everywhere()
{
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "no cluster with a leader");
    const QByteArray key = "deleted-" + utf8Key;
    qint64 writtenAt = 0;
    const QString error = putThroughAFollower(key, binaryValue, &writtenAt);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // DELETE on another follower than the one that took the write.
    const HttpReply deleted = cluster->del(followers().last(), ClusterHarness::kvPath(key));
    QVERIFY2(deleted.ok(), qPrintable(deleted.describe()));
    QVERIFY2(deleted.json().value(QStringLiteral("index")).toInteger() > writtenAt,
             qPrintable(deleted.describe()));
    for (const int id : cluster->ids()) {
        const HttpReply read = cluster->get(id, ClusterHarness::kvPath(key));
        QVERIFY2(read.status == 404, qPrintable(QStringLiteral("node %1: %2").arg(id).arg(read.describe())));
        QCOMPARE(read.json().value(QStringLiteral("error")).toString(), QStringLiteral("not_found"));
    }
}

void TestClusterBasics::postKeyValueOnAFollowerWritesTheKey()
{
    // POST / key=value, the seed article's route.
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "no cluster with a leader");
    const HttpReply posted = cluster->post(followers().first(), QStringLiteral("/"), "article=hello raft");
    QVERIFY2(posted.ok(), qPrintable(posted.describe()));
    QVERIFY2(posted.contentType.startsWith("text/plain"), posted.contentType.constData());
    for (const int id : cluster->ids()) {
        const HttpReply read = cluster->get(id, ClusterHarness::kvPath("article"));
        QVERIFY2(read.ok(), qPrintable(QStringLiteral("node %1: %2").arg(id).arg(read.describe())));
        QCOMPARE(read.body, QByteArray("hello raft"));
    }
}

void TestClusterBasics::concurrentRequestsThroughAFollowerGetTheirOwnAnswers()
{
    // A follower relays the writes of a pass of its loop to the leader in one frame on their Raft
    // connection, and pipelines the reads it forwards over HTTP: each client must still get the answer to
    // its own request, writes and reads alike.
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "no cluster with a leader");
    const int follower = followers().constFirst();
    constexpr int count = 48;
    const std::optional<double> relayedBefore = cluster->metric(follower, "raftlab_relayed_writes_total");
    QVERIFY2(relayedBefore, "no raftlab_relayed_writes_total in the follower's /metrics");
    QNetworkAccessManager manager;
    const auto urlOf = [cluster, follower](int i) {
        return QUrl(
            QStringLiteral("http://127.0.0.1:%1/kv/pipelined-%2").arg(cluster->httpPort(follower)).arg(i));
    };
    const auto valueOf = [](int i) {
        return QByteArray("value of ") + QByteArray::number(i);
    };
    const auto awaitAll = [](const QList<QNetworkReply *> &replies) {
        return QTest::qWaitFor(
            [&replies] {
                return std::all_of(replies.begin(), replies.end(),
                                   [](const QNetworkReply *reply) { return reply->isFinished(); });
            },
            60'000);
    };

    QList<QNetworkReply *> puts;
    for (int i = 0; i < count; ++i) {
        QNetworkRequest request(urlOf(i));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/octet-stream"));
        puts << manager.put(request, valueOf(i));
    }
    QVERIFY2(awaitAll(puts), "not every write was answered");
    QSet<qint64> indexes;
    for (QNetworkReply *reply : std::as_const(puts)) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        indexes
            << QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("index")).toInteger();
        reply->deleteLater();
    }
    QCOMPARE(int(indexes.size()), count); // one answer each, none answered twice
    // Every write went over the Raft connection (none fell back to HTTP): the connection was up.
    QCOMPARE(cluster->metric(follower, "raftlab_relayed_writes_total").value_or(-1), *relayedBefore + count);

    QList<QNetworkReply *> gets;
    for (int i = 0; i < count; ++i)
        gets << manager.get(QNetworkRequest(urlOf(i)));
    QVERIFY2(awaitAll(gets), "not every read was answered");
    for (int i = 0; i < count; ++i) {
        QCOMPARE(gets[i]->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(gets[i]->readAll(), valueOf(i));
        gets[i]->deleteLater();
    }
}

void TestClusterBasics::everyNodeEndsOnTheSameStateWithoutRestarting()
{
    ClusterHarness *cluster = startedCluster();
    QVERIFY2(cluster, "no cluster with a leader");
    const QString converged = cluster->waitConverged(10'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    QCOMPARE(cluster->runningIds(), cluster->ids());
}

void TestClusterBasics::aLeaderIsElectedWithinTheBound()
{
    RAFTLAB_PERF_ONLY();
    QFETCH_GLOBAL(int, nodes);
    ClusterHarness fresh(ClusterHarness::Options{.nodes = nodes});
    QVERIFY2(fresh.setupError().isEmpty(), qPrintable(fresh.setupError()));

    // Timed from the moment the processes are launched.
    QElapsedTimer clock;
    clock.start();
    const QString startError = fresh.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    const qint64 servingMs = clock.elapsed();
    const int elected = fresh.waitForLeader(electionBoundMs + 2000);
    const qint64 electedMs = clock.elapsed();
    QVERIFY2(elected != 0, "no leader agreed by a majority");
    qInfo("%d nodes: all serving HTTP after %lld ms; node %d leads after %lld ms (target %d ms)", nodes,
          servingMs, elected, electedMs, electionTargetMs);
    if (electedMs > electionTargetMs)
        qWarning("the election took %lld ms, more than the %d ms target (a loaded machine?)", electedMs,
                 electionTargetMs);
    QVERIFY2(
        electedMs <= electionBoundMs,
        qPrintable(QStringLiteral("leader after %1 ms, bound %2 ms").arg(electedMs).arg(electionBoundMs)));
}

QTEST_GUILESS_MAIN(TestClusterBasics)
#include "tst_cluster_basics.moc"
