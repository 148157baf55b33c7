// /events as the GUI uses it, on real processes: a first "state" event with the whole status, send/recv
// pairs whose ids match across nodes, and role/term/commit events after a write and an election. One
// cluster of 3 with a subscription to every node serves every claim, in order; the claims about a
// leadership transfer skip when the transfer itself failed.
#include "clusterharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <algorithm>
#include <map>
#include <memory>

using namespace raftlab::integration;

class TestEventStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void theFirstEventOfEverySubscriptionIsTheNodesWholeState();
    void everyNodeReportsTheCommitOfAWrite();
    void theLeaderReportsTheAppendOfAWrite();
    void aSendAndItsRecvCarryTheSameIdTypeAndTerm();
    // A leadership transfer to a follower: an election.
    void aLeadershipTransferIsAccepted();
    void theTargetReportsBecomingLeaderOfTheNextTerm();
    void theOldLeaderReportsSteppingDown();
    void everyNodeReportsTheNewTerm();
    void theTargetReportsVoteTraffic();
    void everyNodeReportsACommitOfTheNewTerm();
    void everyNodeTellsItsLogInOrder();
    void everyEventIsAJsonObjectWithTheFieldsTheGuiReadsFromItsOwnNode(); // last: all the events above

private:
    // PUTs a fresh key on the leader.
    HttpReply write(const QByteArray &key)
    {
        return m_cluster->put(m_leader, ClusterHarness::kvPath(key), "yes");
    }

    std::unique_ptr<ClusterHarness> m_cluster;
    int m_leader = 0; // the leader when the subscriptions were made
    std::map<int, std::unique_ptr<EventSubscriber>> m_streams;
    // The transfer: its target, the term it starts, and where each stream stood just before it.
    int m_target = 0;
    qint64 m_newTerm = 0;
    std::map<int, qsizetype> m_marks;
};

void TestEventStream::initTestCase()
{
    m_cluster = std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = 3});
    const QString startError = m_cluster->startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    m_leader = m_cluster->waitForLeader(30'000);
    QVERIFY2(m_leader != 0, "no leader");
    for (const int id : m_cluster->ids()) {
        m_streams[id] = std::make_unique<EventSubscriber>(m_cluster->httpPort(id));
        QVERIFY2(m_streams[id]->waitConnected(5000),
                 qPrintable(QStringLiteral("node %1: %2")
                                .arg(id)
                                .arg(QString::fromUtf8(m_streams[id]->responseHeaders()))));
    }
}

void TestEventStream::cleanup()
{
    if (QTest::currentTestFailed() && m_cluster)
        m_cluster->printStderr();
}

void TestEventStream::cleanupTestCase()
{
    m_streams.clear();
    m_cluster.reset();
}

void TestEventStream::theFirstEventOfEverySubscriptionIsTheNodesWholeState()
{
    for (const int id : m_cluster->ids()) {
        EventSubscriber &stream = *m_streams[id];
        QVERIFY2(waitUntil([&] { return !stream.events().isEmpty(); }, 5000), "no first event");
        const QJsonObject state = stream.events().constFirst();
        QVERIFY2(isType(state, "state"), qPrintable(QJsonDocument(state).toJson()));
        QCOMPARE(integer(state, "node"), id);
        QCOMPARE(integer(state, "id"), id);
        QCOMPARE(state.value(QStringLiteral("role")).toString(),
                 id == m_leader ? QStringLiteral("leader") : QStringLiteral("follower"));
        QCOMPARE(integer(state, "leader_id"), m_leader);
        for (const char *field : {"term", "t_us", "commit_index", "last_log_index", "members"})
            QVERIFY2(state.contains(QLatin1String(field)), field);
    }
}

void TestEventStream::everyNodeReportsTheCommitOfAWrite()
{
    const HttpReply written = write("evented");
    QVERIFY2(written.ok(), qPrintable(written.describe()));
    const qint64 index = integer(written.json(), "index");
    for (const int id : m_cluster->ids()) {
        const auto commit = m_streams[id]->waitFor(
            [&](const QJsonObject &e) { return isType(e, "commit") && integer(e, "index") >= index; }, 5000);
        QVERIFY2(commit,
                 qPrintable(QStringLiteral("node %1 reported no commit of index %2").arg(id).arg(index)));
    }
}

void TestEventStream::theLeaderReportsTheAppendOfAWrite()
{
    const qsizetype mark = m_streams[m_leader]->events().size();
    const HttpReply written = write("appended");
    QVERIFY2(written.ok(), qPrintable(written.describe()));
    const qint64 index = integer(written.json(), "index");
    QVERIFY2(m_streams[m_leader]->waitFor(
                 [&](const QJsonObject &e) { return isType(e, "append") && integer(e, "last") >= index; },
                 5000, mark),
             "the leader reported no append of the write");
}

void TestEventStream::aSendAndItsRecvCarryTheSameIdTypeAndTerm()
{
    // A send on one node and the recv on the other: the same id, type and direction.
    const auto findPair = [&](int from, int to, const char *message) -> bool {
        const QString type = QLatin1String(message);
        return waitUntil(
            [&] {
                for (const QJsonObject &sent : m_streams[from]->events()) {
                    if (!isType(sent, "send") || integer(sent, "to") != to ||
                        sent.value(QStringLiteral("msg")).toString() != type)
                        continue;
                    for (const QJsonObject &received : m_streams[to]->events()) {
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
    for (const int id : m_cluster->ids()) {
        if (id == m_leader)
            continue;
        QVERIFY2(findPair(m_leader, id, "Heartbeat"),
                 qPrintable(QStringLiteral("leader→%1 Heartbeat").arg(id)));
        QVERIFY2(findPair(m_leader, id, "AppendEntries"),
                 qPrintable(QStringLiteral("leader→%1 AppendEntries").arg(id)));
        QVERIFY2(findPair(id, m_leader, "AppendEntriesResponse"),
                 qPrintable(QStringLiteral("%1→leader AppendEntriesResponse").arg(id)));
    }
}

void TestEventStream::aLeadershipTransferIsAccepted()
{
    QList<int> followers = m_cluster->ids();
    followers.removeOne(m_leader);
    const int target = followers.first();
    const auto before = m_cluster->status(m_leader);
    QVERIFY(before);
    for (const int id : m_cluster->ids())
        m_marks[id] = m_streams[id]->events().size();
    const HttpReply transfer = m_cluster->post(m_leader, QStringLiteral("/admin/transfer"),
                                               QByteArray("{\"to\": ") + QByteArray::number(target) + "}");
    QVERIFY2(transfer.ok(), qPrintable(transfer.describe()));
    m_target = target;
    m_newTerm = before->term + 1;
}

void TestEventStream::theTargetReportsBecomingLeaderOfTheNextTerm()
{
    if (!m_target)
        QSKIP("the transfer failed");
    QVERIFY2(m_streams[m_target]->waitFor(
                 [&](const QJsonObject &e) {
                     return isType(e, "role") &&
                         e.value(QStringLiteral("role")).toString() == QLatin1String("leader") &&
                         integer(e, "term") == m_newTerm;
                 },
                 5000, m_marks[m_target]),
             "the target reported no role change to leader");
}

void TestEventStream::theOldLeaderReportsSteppingDown()
{
    if (!m_target)
        QSKIP("the transfer failed");
    QVERIFY2(m_streams[m_leader]->waitFor(
                 [&](const QJsonObject &e) {
                     return isType(e, "role") &&
                         e.value(QStringLiteral("role")).toString() == QLatin1String("follower");
                 },
                 5000, m_marks[m_leader]),
             "the old leader reported no step-down");
}

void TestEventStream::everyNodeReportsTheNewTerm()
{
    if (!m_target)
        QSKIP("the transfer failed");
    for (const int id : m_cluster->ids()) {
        QVERIFY2(
            m_streams[id]->waitFor(
                [&](const QJsonObject &e) { return isType(e, "term") && integer(e, "term") == m_newTerm; },
                5000, m_marks[id]),
            qPrintable(QStringLiteral("node %1 reported no term %2").arg(id).arg(m_newTerm)));
    }
}

void TestEventStream::theTargetReportsVoteTraffic()
{
    if (!m_target)
        QSKIP("the transfer failed");
    QVERIFY2(
        m_streams[m_target]->waitFor(
            [&](const QJsonObject &e) { return isType(e, "vote_received") || isType(e, "vote_request"); },
            5000, m_marks[m_target]),
        "the target reported no vote traffic");
}

void TestEventStream::everyNodeReportsACommitOfTheNewTerm()
{
    if (!m_target)
        QSKIP("the transfer failed");
    // The new leader commits an entry of its term (its no-op): commit events follow on every node.
    const auto newStatus = m_cluster->status(m_target);
    QVERIFY(newStatus);
    for (const int id : m_cluster->ids()) {
        QVERIFY2(
            m_streams[id]->waitFor(
                [&](const QJsonObject &e) { return isType(e, "commit") && integer(e, "term") == m_newTerm; },
                5000, m_marks[id]),
            qPrintable(QStringLiteral("node %1: no commit in term %2").arg(id).arg(m_newTerm)));
    }
}

// A view that mirrors a node's log from its stream must never be told that an entry applied before it
// was told the entry is in the log, nor see time run backwards. On a leader both could happen: its
// followers may acknowledge an entry, so that it commits and applies, before the leader's own write of
// it is durable; and a write that arrives while the leader's previous write syncs goes to the followers
// at once (sent early), so that it may commit and apply before the Ready that holds it is processed.
// One write after another, then a burst of writes at once, which makes the second case common.
void TestEventStream::everyNodeTellsItsLogInOrder()
{
    std::map<int, qsizetype> marks;
    for (const int id : m_cluster->ids())
        marks[id] = m_streams[id]->events().size();
    qint64 last = 0;
    for (int i = 0; i < 40; ++i) {
        const HttpReply written = write("ordered" + QByteArray::number(i));
        QVERIFY2(written.ok(), qPrintable(written.describe()));
        last = integer(written.json(), "index");
    }
    QNetworkAccessManager manager;
    std::vector<QNetworkReply *> burst;
    for (int i = 0; i < 120; ++i) {
        const QUrl url(QStringLiteral("http://127.0.0.1:%1%2")
                           .arg(m_cluster->httpPort(m_leader))
                           .arg(ClusterHarness::kvPath("burst" + QByteArray::number(i))));
        burst.push_back(manager.put(QNetworkRequest(url), QByteArray("yes")));
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(burst.begin(), burst.end(),
                                         [](const QNetworkReply *reply) { return reply->isFinished(); }),
                             30'000);
    for (QNetworkReply *reply : burst) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        last = std::max(last, answer.value(QStringLiteral("index")).toInteger());
        reply->deleteLater();
    }
    for (const int id : m_cluster->ids()) {
        QVERIFY2(m_streams[id]->waitFor(
                     [&](const QJsonObject &e) { return isType(e, "apply") && integer(e, "last") >= last; },
                     5000, marks[id]),
                 qPrintable(QStringLiteral("node %1 applied no write up to %2").arg(id).arg(last)));
        // Where the log stood when these writes began: the last append, truncate or snapshot before.
        qint64 inLog = 0;
        qint64 previousTime = 0;
        const QList<QJsonObject> &events = m_streams[id]->events();
        for (qsizetype i = 0; i < events.size(); ++i) {
            const QJsonObject &e = events[i];
            if (i >= marks[id]) {
                QVERIFY2(integer(e, "t_us") >= previousTime,
                         qPrintable(QStringLiteral("node %1: %2 at t_us %3 after %4 at %5")
                                        .arg(id)
                                        .arg(e.value(QStringLiteral("type")).toString())
                                        .arg(integer(e, "t_us"))
                                        .arg(events[i - 1].value(QStringLiteral("type")).toString())
                                        .arg(previousTime)));
                if (isType(e, "apply"))
                    QVERIFY2(integer(e, "last") <= inLog,
                             qPrintable(QStringLiteral("node %1 applied up to %2 with only %3 in its log")
                                            .arg(id)
                                            .arg(integer(e, "last"))
                                            .arg(inLog)));
            }
            previousTime = std::max(previousTime, integer(e, "t_us"));
            if (isType(e, "state"))
                inLog = integer(e, "last_log_index");
            else if (isType(e, "append"))
                inLog = std::max(inLog, integer(e, "last"));
            else if (isType(e, "truncate"))
                inLog = integer(e, "from") - 1;
            else if (isType(e, "snapshot"))
                inLog = std::max(inLog, integer(e, "index"));
        }
    }
}

void TestEventStream::everyEventIsAJsonObjectWithTheFieldsTheGuiReadsFromItsOwnNode()
{
    // Every line was one JSON object, carrying the fields the GUI relies on.
    for (const int id : m_cluster->ids()) {
        QCOMPARE(m_streams[id]->malformedEvents(), 0);
        for (const QJsonObject &event : m_streams[id]->events()) {
            for (const char *field : {"type", "node", "term", "t_us"})
                QVERIFY2(event.contains(QLatin1String(field)),
                         qPrintable(QStringLiteral("node %1, missing %2: %3")
                                        .arg(id)
                                        .arg(QLatin1String(field))
                                        .arg(QString::fromUtf8(
                                            QJsonDocument(event).toJson(QJsonDocument::Compact)))));
            QCOMPARE(integer(event, "node"), id);
        }
        qInfo("node %d: %lld events", id, qint64(m_streams[id]->events().size()));
    }
}

QTEST_GUILESS_MAIN(TestEventStream)
#include "tst_event_stream.moc"
