// Membership changes on real raftlab-node processes (docs/http-api.md, POST /admin/members): a cluster of
// three grows to five under a write load and loses nothing acknowledged, then removes its leader, which
// steps down and exits 0 while the rest elect a new one and go on; the configuration survives restarts; a
// removed follower learns its removal and exits 0, one cut off meanwhile cannot disrupt the cluster; bad
// requests get 400 and a second change while one is uncommitted gets 409.
#include "clusterharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <map>
#include <memory>

using namespace raftlab::integration;

class TestMembership : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void growsUnderLoadThenRemovesTheLeader();
    void removedFollowerCannotDisrupt();
    void removedFollowerLearnsItsRemovalAndExits();
    void answersBadAndConcurrentChanges();
};

namespace {

constexpr int deadlineMs = 60'000; // generous: a loaded two-core machine

// One client writing distinct keys one after another through the given nodes, remembering what was
// acknowledged.
class Writer
{
public:
    Writer(ClusterHarness &cluster, QList<int> via)
        : m_cluster(cluster)
        , m_via(std::move(via))
    { }

    void start() { sendNext(); }
    void stop() { m_stopped = true; }
    void setVia(QList<int> via) { m_via = std::move(via); }
    const std::map<QByteArray, QByteArray> &acknowledged() const { return m_acknowledged; }

private:
    void sendNext()
    {
        if (m_stopped)
            return;
        const QByteArray key = "m" + QByteArray::number(m_sent);
        const QByteArray value = "value of " + key;
        const int via = m_via[m_sent % m_via.size()];
        ++m_sent;
        m_cluster.requestAsync(via, "PUT", ClusterHarness::kvPath(key) + QStringLiteral("?timeout_ms=3000"),
                               value, 6000, [this, key, value](const HttpReply &reply) {
                                   if (reply.ok())
                                       m_acknowledged.emplace(key, value);
                                   sendNext();
                               });
    }

    ClusterHarness &m_cluster;
    QList<int> m_via;
    bool m_stopped = false;
    int m_sent = 0;
    std::map<QByteArray, QByteArray> m_acknowledged;
};

QList<int> idsIn(const QJsonValue &value)
{
    QList<int> ids;
    for (const QJsonValue &id : value.toArray())
        ids.append(id.toInt());
    return ids;
}

QList<int> membersOf(ClusterHarness &cluster, int id, const char *field = "members")
{
    const auto status = cluster.status(id, 2000);
    return status ? idsIn(status->json.value(QLatin1String(field))) : QList<int>{};
}

QByteArray addBody(int id)
{
    return QByteArray("{\"add\": ") + QByteArray::number(id) + "}";
}

QByteArray removeBody(int id)
{
    return QByteArray("{\"remove\": ") + QByteArray::number(id) + "}";
}

// Posts a change through `via`, retrying while the answer is 409 (a promotion or a new leader's first
// entry not yet committed) or 503 (no leader right now).
HttpReply change(ClusterHarness &cluster, int via, const QByteArray &body)
{
    HttpReply reply;
    waitUntil(
        [&] {
            reply = cluster.post(via, QStringLiteral("/admin/members?timeout_ms=5000"), body, 10'000);
            return reply.status != 409 && reply.status != 503 && reply.status != 0;
        },
        deadlineMs, 200);
    return reply;
}

} // namespace

void TestMembership::growsUnderLoadThenRemovesTheLeader()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 5, .members = {1, 2, 3}});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    QVERIFY2(cluster.startAll().isEmpty(), "the nodes did not start");
    const int first = cluster.waitForLeader(deadlineMs, {1, 2, 3});
    QVERIFY2(first != 0, "no leader among 1, 2, 3");
    QCOMPARE(membersOf(cluster, 4), QList<int>{}); // waits to be added: no configuration
    QCOMPARE(cluster.status(4)->role, QStringLiteral("follower"));

    Writer writer(cluster, {1, 2, 3});
    writer.start();
    QVERIFY(waitUntil([&] { return writer.acknowledged().size() >= 30; }, deadlineMs));

    // Through a follower: forwarded to the leader; answered once the change is committed.
    const int follower = first == 1 ? 2 : 1;
    for (int id : {4, 5}) {
        const HttpReply reply = change(cluster, follower, addBody(id));
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        const QJsonObject answer = reply.json();
        QVERIFY(answer.value(QStringLiteral("index")).toInteger() > 0);
        QVERIFY(answer.value(QStringLiteral("term")).toInteger() > 0);
        QVERIFY(idsIn(answer.value(QStringLiteral("members"))).contains(id) ||
                idsIn(answer.value(QStringLiteral("learners"))).contains(id));
        // Promoted once caught up, on every node.
        QVERIFY2(waitUntil(
                     [&] {
                         for (int node : cluster.ids()) {
                             if (node <= id && !membersOf(cluster, node).contains(id))
                                 return false;
                         }
                         return true;
                     },
                     deadlineMs, 100),
                 qPrintable(QStringLiteral("node %1 was not promoted everywhere").arg(id)));
    }
    QCOMPARE(membersOf(cluster, 1), (QList<int>{1, 2, 3, 4, 5}));
    QCOMPARE(membersOf(cluster, 5, "learners"), QList<int>{});
    writer.setVia({1, 2, 3, 4, 5});
    const std::size_t beforeRemoval = writer.acknowledged().size();
    QVERIFY(waitUntil([&] { return writer.acknowledged().size() >= beforeRemoval + 20; }, deadlineMs));

    // Remove the leader: it steps down once that is committed; the rest elect a leader and go on.
    const int leader = cluster.waitForLeader(deadlineMs);
    QVERIFY(leader != 0);
    const qint64 term = cluster.status(leader)->term;
    QList<int> rest = cluster.ids();
    rest.removeAll(leader);
    const HttpReply removed = change(cluster, rest.first(), removeBody(leader));
    QVERIFY2(removed.ok(), qPrintable(removed.describe()));
    QVERIFY(!idsIn(removed.json().value(QStringLiteral("members"))).contains(leader));
    writer.setVia(rest);
    // It learns its removal by committing it: it exits 0, saying so in one line.
    QVERIFY2(waitUntil([&] { return !cluster.isRunning(leader); }, deadlineMs),
             "the removed leader did not exit");
    QCOMPARE(cluster.exitCodeOf(leader), 0);
    QVERIFY2(cluster.stderrOf(leader).contains(
                 QStringLiteral("raftlab-node %1: removed from cluster").arg(leader)),
             qPrintable(cluster.stderrOf(leader)));
    const int next = cluster.waitForLeader(deadlineMs, rest, term + 1);
    QVERIFY2(next != 0 && next != leader, "the others did not elect a new leader");
    const std::size_t afterRemoval = writer.acknowledged().size();
    QVERIFY2(waitUntil([&] { return writer.acknowledged().size() >= afterRemoval + 20; }, deadlineMs),
             "writes did not go on");
    writer.stop();
    QVERIFY(waitUntil([&] { return cluster.asyncInFlight() == 0; }, deadlineMs));

    // Nothing acknowledged was lost.
    for (const auto &[key, value] : writer.acknowledged()) {
        const HttpReply read = cluster.get(next, ClusterHarness::kvPath(key));
        QVERIFY2(read.ok() && read.body == value,
                 qPrintable(QString::fromUtf8(key) + QStringLiteral(": ") + read.describe()));
    }

    // Restarted, every node keeps the configuration its data dir holds, not the cluster file's.
    cluster.killAll();
    QVERIFY2(cluster.startAll().isEmpty(), "the nodes did not restart");
    for (int id : rest)
        QVERIFY2(waitUntil([&] { return membersOf(cluster, id) == rest; }, deadlineMs),
                 qPrintable(QStringLiteral("node %1 after restart: members %2")
                                .arg(id)
                                .arg(QString::fromUtf8(QJsonDocument(cluster.status(id)->json).toJson()))));
    QVERIFY(cluster.waitForLeader(deadlineMs, rest) != 0);
}

void TestMembership::removedFollowerCannotDisrupt()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    QVERIFY2(cluster.startAll().isEmpty(), "the nodes did not start");
    const int leader = cluster.waitForLeader(deadlineMs);
    QVERIFY(leader != 0);
    const int victim = leader == 3 ? 2 : 3;
    // Cut off while it is removed, it never hears of it (a removed node that does learns it and exits).
    QList<int> others = cluster.ids();
    others.removeAll(victim);
    QVERIFY(cluster.setBlockedPeers(victim, others).isEmpty());
    for (int id : others)
        QVERIFY(cluster.setBlockedPeers(id, {victim}).isEmpty());
    const HttpReply removed = change(cluster, leader, removeBody(victim));
    QVERIFY2(removed.ok(), qPrintable(removed.describe()));
    QList<int> rest = cluster.ids();
    rest.removeAll(victim);
    QVERIFY(waitUntil([&] { return membersOf(cluster, rest.first()) == rest; }, deadlineMs));
    const qint64 term = cluster.status(leader)->term;
    // Healed only once the leader has given up on it (a heartbeat round after the commit): else the
    // leader's last messages would tell it of its removal.
    QVERIFY2(waitUntil(
                 [&] {
                     const auto status = cluster.status(leader);
                     if (!status)
                         return false;
                     for (const QJsonValue &follower :
                          status->json.value(QStringLiteral("followers")).toArray()) {
                         if (follower.toObject().value(QStringLiteral("id")).toInt() == victim)
                             return false;
                     }
                     return true;
                 },
                 deadlineMs, 50),
             "the leader still follows the removed node");
    QVERIFY(cluster.setBlockedPeers(victim, {}).isEmpty());
    for (int id : others)
        QVERIFY(cluster.setBlockedPeers(id, {}).isEmpty());
    // The removed node keeps running, and hears nothing from the leader any more: for many of its election
    // timeouts it may ask for votes, which nobody grants; the leader keeps leading the same term.
    const HttpReply write = cluster.put(leader, ClusterHarness::kvPath("before"), "1");
    QVERIFY2(write.ok(), qPrintable(write.describe()));
    // It hears nothing from the leader any more: it times out and asks for (pre-)votes, again and again.
    EventSubscriber events(cluster.httpPort(victim));
    QVERIFY(events.waitConnected(deadlineMs));
    qsizetype from = 0;
    for (int round = 0; round < 3; ++round) {
        const auto asked = events.waitFor(
            [](const QJsonObject &e) {
                return e.value(QStringLiteral("type")).toString() == QStringLiteral("vote_request");
            },
            deadlineMs, from);
        QVERIFY2(asked.has_value(), "the removed node never asked for votes");
        from = events.events().indexOf(*asked) + 1;
    }
    const auto status = cluster.status(leader);
    QVERIFY(status.has_value());
    QCOMPARE(status->role, QStringLiteral("leader"));
    QCOMPARE(status->term, term);
    const HttpReply after = cluster.put(leader, ClusterHarness::kvPath("after"), "2");
    QVERIFY2(after.ok(), qPrintable(after.describe()));
    QVERIFY(cluster.isRunning(victim));
}

void TestMembership::removedFollowerLearnsItsRemovalAndExits()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    QVERIFY2(cluster.startAll().isEmpty(), "the nodes did not start");
    const int leader = cluster.waitForLeader(deadlineMs);
    QVERIFY(leader != 0);
    const int victim = leader == 3 ? 2 : 3;
    const HttpReply removed = change(cluster, leader, removeBody(victim));
    QVERIFY2(removed.ok(), qPrintable(removed.describe()));
    // The leader sends it the commit index of its removal once; it stops, and says why in one line.
    QVERIFY2(waitUntil([&] { return !cluster.isRunning(victim); }, deadlineMs),
             "the removed follower runs on");
    QCOMPARE(cluster.exitCodeOf(victim), 0);
    QStringList said;
    for (const QString &line : cluster.stderrOf(victim).split(QLatin1Char('\n'))) {
        if (line.contains(QLatin1String("removed from cluster")))
            said << line;
    }
    QCOMPARE(said.size(), 1);
    QVERIFY2(said.first().startsWith(QStringLiteral("raftlab-node %1: removed from cluster").arg(victim)),
             qPrintable(said.first()));
    QVERIFY(cluster.isRunning(leader));
    const HttpReply after = cluster.put(leader, ClusterHarness::kvPath("after"), "2");
    QVERIFY2(after.ok(), qPrintable(after.describe()));
}

void TestMembership::answersBadAndConcurrentChanges()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 5, .members = {1, 2, 3}});
    QVERIFY2(cluster.startAll().isEmpty(), "the nodes did not start");
    const int leader = cluster.waitForLeader(deadlineMs, {1, 2, 3});
    QVERIFY(leader != 0);
    // A committed write: the leader has committed an entry of its term, so it may change the configuration.
    QVERIFY(cluster.put(leader, ClusterHarness::kvPath("ready"), "1").ok());
    const auto expect = [&](const QByteArray &body, int status, const QString &error) {
        const HttpReply reply = cluster.post(leader, QStringLiteral("/admin/members"), body);
        QVERIFY2(reply.status == status,
                 qPrintable(QString::fromUtf8(body) + QStringLiteral(": ") + reply.describe()));
        QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), error);
    };
    expect("{\"add\": 2}", 400, QStringLiteral("duplicate_member"));
    expect("{\"remove\": 9}", 400, QStringLiteral("unknown_member"));
    expect("{\"add\": 9}", 400, QStringLiteral("unknown_member"));
    expect("{\"add\": \"four\"}", 400, QStringLiteral("bad_request"));
    expect("{\"add\": {\"id\": 9, \"raft\": \"nowhere\"}}", 400, QStringLiteral("bad_request"));
    expect("not json", 400, QStringLiteral("bad_request"));
    expect("{}", 400, QStringLiteral("bad_request"));

    // A second change while the first is not committed: the leader's messages are slowed down so the
    // first takes a round trip of at least 100 ms to commit.
    QVERIFY(cluster.post(leader, QStringLiteral("/admin/net"), "{\"delay_ms\": 100}").ok());
    const qint64 lastBefore = cluster.status(leader)->lastLogIndex;
    HttpReply first;
    bool firstDone = false;
    cluster.requestAsync(leader, "POST", QStringLiteral("/admin/members?timeout_ms=10000"), addBody(4),
                         20'000, [&](const HttpReply &reply) {
                             first = reply;
                             firstDone = true;
                         });
    QVERIFY(waitUntil([&] { return cluster.status(leader)->lastLogIndex > lastBefore; }, deadlineMs, 5));
    const HttpReply second = cluster.post(leader, QStringLiteral("/admin/members"), addBody(5));
    QCOMPARE(second.status, 409);
    QCOMPARE(second.json().value(QStringLiteral("error")).toString(), QStringLiteral("change_in_progress"));
    QVERIFY(waitUntil([&] { return firstDone; }, deadlineMs));
    QVERIFY2(first.ok(), qPrintable(first.describe()));
    QVERIFY(cluster.post(leader, QStringLiteral("/admin/net"), "{\"delay_ms\": 0}").ok());
}

QTEST_GUILESS_MAIN(TestMembership)
#include "tst_member_changes.moc"
