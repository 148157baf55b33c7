// Three nodes; one follower stops sending to the leader while it still hears it (POST /admin/partition
// with "outgoing"): the follower's log keeps growing from the leader's appends, but the leader never
// learns it, so the follower's match index stays where the cut found it. Writes still commit (the leader
// and the other follower are a majority), and after healing every node converges.
#include "clusterharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace raftlab::integration;

namespace {

constexpr int leaderDeadlineMs = 30'000;

QByteArray cutBody(const QList<int> &both, const QList<int> &outgoing)
{
    QJsonArray peers;
    for (const int id : both)
        peers.append(id);
    QJsonArray out;
    for (const int id : outgoing)
        out.append(id);
    return QJsonDocument(QJsonObject{{QStringLiteral("peers"), peers}, {QStringLiteral("outgoing"), out}})
        .toJson(QJsonDocument::Compact);
}

// The leader's view of `follower`'s match index, or -1.
qint64 matchIndexOf(const ClusterHarness::NodeStatus &leader, int follower)
{
    for (const QJsonValue &value : leader.json.value(QStringLiteral("followers")).toArray()) {
        const QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("id")).toInt() == follower)
            return entry.value(QStringLiteral("match_index")).toInteger(-1);
    }
    return -1;
}

} // namespace

class TestOneWayCut : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFollowerThatCannotSendStillReceivesTheLeadersEntries();
    void anOutgoingListThatIsNotOfPeersIsRefused();
};

void TestOneWayCut::aFollowerThatCannotSendStillReceivesTheLeadersEntries()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    const int leader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY2(leader != 0, "no leader");
    const HttpReply baseline = cluster.put(leader, ClusterHarness::kvPath("a"), "1");
    QVERIFY2(baseline.ok(), qPrintable(baseline.describe()));
    QString settled = cluster.waitConverged(15'000);
    QVERIFY2(settled.isEmpty(), qPrintable(settled));

    QList<int> followers = cluster.ids();
    followers.removeOne(leader);
    const int muted = followers.first();
    const HttpReply cut = cluster.post(muted, QStringLiteral("/admin/partition"), cutBody({}, {leader}));
    QVERIFY2(cut.ok(), qPrintable(cut.describe()));
    QCOMPARE(cut.json().value(QStringLiteral("outgoing_blocked_peers")).toArray(), QJsonArray{leader});
    QCOMPARE(cut.json().value(QStringLiteral("blocked_peers")).toArray(), QJsonArray{});
    const auto mutedStatus = cluster.status(muted);
    QVERIFY(mutedStatus);
    QCOMPARE(mutedStatus->json.value(QStringLiteral("outgoing_blocked_peers")).toArray(), QJsonArray{leader});
    const auto before = cluster.status(leader);
    QVERIFY(before);
    const qint64 matchBefore = matchIndexOf(*before, muted);
    QVERIFY(matchBefore > 0);

    for (int i = 0; i < 3; ++i) {
        const HttpReply write = cluster.put(leader, ClusterHarness::kvPath("b"), QByteArray::number(i));
        QVERIFY2(write.ok(), qPrintable(write.describe())); // the leader and the other follower commit it
    }
    const auto after = cluster.status(leader);
    QVERIFY(after);
    // The muted follower hears the appends: its log reaches the leader's ...
    QTRY_VERIFY_WITH_TIMEOUT(
        cluster.status(muted) && cluster.status(muted)->lastLogIndex >= after->lastLogIndex, 15'000);
    // ... but its acknowledgements never arrive: the leader still thinks it is where the cut found it.
    const auto leaderNow = cluster.status(leader);
    QVERIFY(leaderNow);
    QCOMPARE(matchIndexOf(*leaderNow, muted), matchBefore);

    const HttpReply heal = cluster.post(muted, QStringLiteral("/admin/partition"), cutBody({}, {}));
    QVERIFY2(heal.ok(), qPrintable(heal.describe()));
    QCOMPARE(heal.json().value(QStringLiteral("outgoing_blocked_peers")).toArray(), QJsonArray{});
    settled = cluster.waitConverged(20'000);
    QVERIFY2(settled.isEmpty(), qPrintable(settled));
    const int leaderAfter = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY(leaderAfter != 0);
    QTRY_VERIFY_WITH_TIMEOUT(matchIndexOf(*cluster.status(leaderAfter), muted) >= after->lastLogIndex,
                             15'000);
    if (QTest::currentTestFailed())
        cluster.printStderr();
}

void TestOneWayCut::anOutgoingListThatIsNotOfPeersIsRefused()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    for (const QByteArray &body :
         {QByteArray(R"({"peers":[],"outgoing":"2"})"), QByteArray(R"({"peers":[],"outgoing":[1]})"),
          QByteArray(R"({"peers":[],"outgoing":[9]})")}) {
        const HttpReply reply = cluster.post(1, QStringLiteral("/admin/partition"), body);
        QVERIFY2(reply.status == 400, qPrintable(body + " -> " + reply.describe()));
    }
}

QTEST_GUILESS_MAIN(TestOneWayCut)
#include "tst_one_way_cut.moc"
