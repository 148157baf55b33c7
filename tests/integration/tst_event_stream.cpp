// /events as the GUI uses it, on real processes: a first "state" event with the whole status, send/recv
// pairs whose ids match across nodes, and role/term/commit events after a write and an election.
#include "clusterharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <memory>

using namespace raftlab::integration;

class TestEventStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventsTellWhatHappens();
};

namespace {

bool isType(const QJsonObject &event, const char *type)
{
    return event.value(QStringLiteral("type")).toString() == QLatin1String(type);
}

qint64 integer(const QJsonObject &event, const char *field)
{
    return event.value(QLatin1String(field)).toInteger();
}

} // namespace

void TestEventStream::eventsTellWhatHappens()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    const int leader = cluster.waitForLeader(10'000);
    QVERIFY2(leader != 0, "no leader");

    std::map<int, std::unique_ptr<EventSubscriber>> streams;
    for (const int id : cluster.ids()) {
        streams[id] = std::make_unique<EventSubscriber>(cluster.httpPort(id));
        QVERIFY2(streams[id]->waitConnected(5000),
                 qPrintable(QStringLiteral("node %1: %2")
                                .arg(id)
                                .arg(QString::fromUtf8(streams[id]->responseHeaders()))));
    }

    // The first event on every subscription is the node's whole state.
    for (const int id : cluster.ids()) {
        EventSubscriber &stream = *streams[id];
        QVERIFY2(waitUntil([&] { return !stream.events().isEmpty(); }, 5000), "no first event");
        const QJsonObject state = stream.events().constFirst();
        QVERIFY2(isType(state, "state"), qPrintable(QJsonDocument(state).toJson()));
        QCOMPARE(integer(state, "node"), id);
        QCOMPARE(integer(state, "id"), id);
        QCOMPARE(state.value(QStringLiteral("role")).toString(),
                 id == leader ? QStringLiteral("leader") : QStringLiteral("follower"));
        QCOMPARE(integer(state, "leader_id"), leader);
        for (const char *field : {"term", "t_us", "commit_index", "last_log_index", "members"})
            QVERIFY2(state.contains(QLatin1String(field)), field);
    }

    // A write: every node reports the commit of its index.
    const qsizetype mark = streams[leader]->events().size();
    const HttpReply written = cluster.put(leader, ClusterHarness::kvPath("evented"), "yes");
    QVERIFY2(written.ok(), qPrintable(written.describe()));
    const qint64 index = integer(written.json(), "index");
    for (const int id : cluster.ids()) {
        const auto commit = streams[id]->waitFor(
            [&](const QJsonObject &e) { return isType(e, "commit") && integer(e, "index") >= index; }, 5000);
        QVERIFY2(commit,
                 qPrintable(QStringLiteral("node %1 reported no commit of index %2").arg(id).arg(index)));
    }
    QVERIFY2(streams[leader]->waitFor(
                 [&](const QJsonObject &e) { return isType(e, "append") && integer(e, "last") >= index; },
                 5000, mark),
             "the leader reported no append of the write");

    // Messages: a send on one node and the recv on the other carry the same id, type and direction.
    const auto findPair = [&](int from, int to, const char *message) -> bool {
        const QString type = QLatin1String(message);
        return waitUntil(
            [&] {
                for (const QJsonObject &sent : streams[from]->events()) {
                    if (!isType(sent, "send") || integer(sent, "to") != to ||
                        sent.value(QStringLiteral("msg")).toString() != type)
                        continue;
                    for (const QJsonObject &received : streams[to]->events()) {
                        if (isType(received, "recv") && integer(received, "id") == integer(sent, "id") &&
                            integer(received, "from") == from &&
                            received.value(QStringLiteral("msg")).toString() == type &&
                            integer(received, "term") == integer(sent, "term"))
                            return true;
                    }
                }
                return false;
            },
            5000);
    };
    for (const int id : cluster.ids()) {
        if (id == leader)
            continue;
        QVERIFY2(findPair(leader, id, "Heartbeat"),
                 qPrintable(QStringLiteral("leader→%1 Heartbeat").arg(id)));
        QVERIFY2(findPair(leader, id, "AppendEntries"),
                 qPrintable(QStringLiteral("leader→%1 AppendEntries").arg(id)));
        QVERIFY2(findPair(id, leader, "AppendEntriesResponse"),
                 qPrintable(QStringLiteral("%1→leader AppendEntriesResponse").arg(id)));
    }

    // An election (leadership handed to a follower): role and term events on every node.
    QList<int> followers = cluster.ids();
    followers.removeOne(leader);
    const int target = followers.first();
    const auto before = cluster.status(leader);
    QVERIFY(before);
    std::map<int, qsizetype> marks;
    for (const int id : cluster.ids())
        marks[id] = streams[id]->events().size();
    const HttpReply transfer = cluster.post(leader, QStringLiteral("/admin/transfer"),
                                            QByteArray("{\"to\": ") + QByteArray::number(target) + "}");
    QVERIFY2(transfer.ok(), qPrintable(transfer.describe()));
    const qint64 newTerm = before->term + 1;
    QVERIFY2(streams[target]->waitFor(
                 [&](const QJsonObject &e) {
                     return isType(e, "role") &&
                         e.value(QStringLiteral("role")).toString() == QLatin1String("leader") &&
                         integer(e, "term") == newTerm;
                 },
                 5000, marks[target]),
             "the target reported no role change to leader");
    QVERIFY2(streams[leader]->waitFor(
                 [&](const QJsonObject &e) {
                     return isType(e, "role") &&
                         e.value(QStringLiteral("role")).toString() == QLatin1String("follower");
                 },
                 5000, marks[leader]),
             "the old leader reported no step-down");
    for (const int id : cluster.ids()) {
        QVERIFY2(streams[id]->waitFor(
                     [&](const QJsonObject &e) { return isType(e, "term") && integer(e, "term") == newTerm; },
                     5000, marks[id]),
                 qPrintable(QStringLiteral("node %1 reported no term %2").arg(id).arg(newTerm)));
    }
    QVERIFY2(
        streams[target]->waitFor(
            [&](const QJsonObject &e) { return isType(e, "vote_received") || isType(e, "vote_request"); },
            5000, marks[target]),
        "the target reported no vote traffic");
    // The new leader commits an entry of its term (its no-op): commit events follow on every node.
    const auto newStatus = cluster.status(target);
    QVERIFY(newStatus);
    for (const int id : cluster.ids()) {
        QVERIFY2(
            streams[id]->waitFor(
                [&](const QJsonObject &e) { return isType(e, "commit") && integer(e, "term") == newTerm; },
                5000, marks[id]),
            qPrintable(QStringLiteral("node %1: no commit in term %2").arg(id).arg(newTerm)));
    }

    // Every event carries the fields the GUI relies on, and every line was one JSON object.
    for (const int id : cluster.ids()) {
        QCOMPARE(streams[id]->malformedEvents(), 0);
        for (const QJsonObject &event : streams[id]->events()) {
            for (const char *field : {"type", "node", "term", "t_us"})
                QVERIFY2(event.contains(QLatin1String(field)),
                         qPrintable(QStringLiteral("node %1, missing %2: %3")
                                        .arg(id)
                                        .arg(QLatin1String(field))
                                        .arg(QString::fromUtf8(
                                            QJsonDocument(event).toJson(QJsonDocument::Compact)))));
            QCOMPARE(integer(event, "node"), id);
        }
        qInfo("node %d: %lld events", id, qint64(streams[id]->events().size()));
    }
}

QTEST_GUILESS_MAIN(TestEventStream)
#include "tst_event_stream.moc"
