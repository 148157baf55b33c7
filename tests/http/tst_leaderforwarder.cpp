// LeaderForwarder against a scripted server on loopback: many requests in flight at once, pipelined on
// a few reused keep-alive connections, a cap on connections with the rest waiting in order, any other
// request on a connection of its own, the request as sent, and a refused connection, a silent server, a
// closing server and a connection lost with several requests on it each answered with a reason.
#include "http/leaderforwarder.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace raftlab;

namespace {

// Reads HTTP requests (head, then Content-Length bytes) and holds them until the test answers.
class ScriptedServer : public QObject
{
public:
    struct Held
    {
        QTcpSocket *socket;
        QByteArray head;
        QByteArray body;
    };

    ScriptedServer()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++m_accepted;
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                    *buffer += socket->readAll();
                    for (;;) {
                        const qsizetype end = buffer->indexOf("\r\n\r\n");
                        if (end < 0)
                            return;
                        const QByteArray head = buffer->first(end);
                        const qsizetype at = head.toLower().indexOf("content-length: ");
                        const qsizetype length =
                            at < 0 ? 0 : head.mid(at + 16, head.indexOf('\r', at) - at - 16).toLongLong();
                        if (buffer->size() < end + 4 + length)
                            return;
                        m_held.push_back(Held{socket, head, buffer->mid(end + 4, length)});
                        buffer->remove(0, end + 4 + length);
                    }
                });
            }
        });
    }

    quint16 port() const { return m_server.serverPort(); }
    int accepted() const { return m_accepted; }
    std::vector<Held> &held() { return m_held; }
    // Answers every held request with its own body, in the order they arrived (a connection's answers
    // must come in the order of its requests).
    void answerAll(const QByteArray &extraHeaders = {})
    {
        for (const Held &held : std::exchange(m_held, {})) {
            held.socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + extraHeaders +
                               "Content-Length: " + QByteArray::number(held.body.size()) + "\r\n\r\n" +
                               held.body);
        }
    }
    // Closes every connection that holds a request, unanswered.
    void dropAll()
    {
        for (const Held &held : std::exchange(m_held, {}))
            held.socket->abort();
    }

private:
    QTcpServer m_server;
    int m_accepted = 0;
    std::vector<Held> m_held;
};

struct Outcome
{
    int calls = 0;
    LeaderForwarder::Reply reply;
};

LeaderForwarder::Request request(const QByteArray &body, int timeoutMs = 10'000)
{
    return LeaderForwarder::Request{
        "PUT", "/kv/key?timeout_ms=5000", {{"Content-Type", "text/plain"}}, body, timeoutMs};
}

// Forwards one request with `body`; its outcome lands in `outcome`.
void forwardInto(LeaderForwarder &forwarder, quint16 port, const QByteArray &body, Outcome &outcome)
{
    forwarder.forward(QStringLiteral("127.0.0.1"), port, request(body),
                      [&outcome](const LeaderForwarder::Reply &reply) {
                          ++outcome.calls;
                          outcome.reply = reply;
                      });
}

// Forwards `count` requests whose bodies are their numbers; each outcome lands in `outcomes`.
void forwardNumbered(LeaderForwarder &forwarder, quint16 port, std::vector<Outcome> &outcomes, int count)
{
    outcomes.assign(std::size_t(count), Outcome{});
    for (int i = 0; i < count; ++i) {
        forwarder.forward(QStringLiteral("127.0.0.1"), port, request(QByteArray::number(i)),
                          [&outcomes, i](const LeaderForwarder::Reply &reply) {
                              ++outcomes[std::size_t(i)].calls;
                              outcomes[std::size_t(i)].reply = reply;
                          });
    }
}

} // namespace

class TestLeaderForwarder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void manyInFlightOnReusedConnections();
    void pipelinedAnswersReachTheirRequests();
    void otherRequestsTakeAConnectionOfTheirOwn();
    void lostConnectionFailsEveryRequestOnItOnce();
    void overTheCapRequestsWait();
    void requestAsSent();
    void refusedConnectionSaysWhy();
    void idleConnectionTheServerClosedIsNotReused();
    void silentServerTimesOut();
    void closingServerGetsNewConnections();
};

void TestLeaderForwarder::manyInFlightOnReusedConnections()
{
    // All 40 must be at the server at once before any is answered: six at a time would never finish.
    // Eight to a connection: five connections, reused by the second round.
    ScriptedServer server;
    LeaderForwarder forwarder;
    constexpr int count = 40;
    std::vector<Outcome> outcomes;
    for (int round = 0; round < 2; ++round) {
        forwardNumbered(forwarder, server.port(), outcomes, count);
        QTRY_COMPARE_WITH_TIMEOUT(int(server.held().size()), count, 10'000);
        server.answerAll();
        for (int i = 0; i < count; ++i) {
            QTRY_COMPARE_WITH_TIMEOUT(outcomes[i].calls, 1, 10'000);
            QCOMPARE(outcomes[i].reply.status, 200);
            QCOMPARE(outcomes[i].reply.body, QByteArray::number(i));
            QCOMPARE(outcomes[i].reply.contentType, QByteArray("text/plain"));
        }
        QCOMPARE(server.accepted(), count / 8);
    }
    QCOMPARE(forwarder.openConnections(), count / 8);
}

void TestLeaderForwarder::pipelinedAnswersReachTheirRequests()
{
    // Answers of one connection arrive in one piece and in order; each reaches the request it answers,
    // and the connection takes the requests that waited for room on it.
    ScriptedServer server;
    LeaderForwarder forwarder(
        LeaderForwarder::Options{.maxConnectionsPerServer = 1, .maxInFlightPerConnection = 3});
    constexpr int count = 7;
    std::vector<Outcome> outcomes;
    forwardNumbered(forwarder, server.port(), outcomes, count);
    int answered = 0;
    while (answered < count) {
        QTRY_VERIFY_WITH_TIMEOUT(!server.held().empty(), 10'000);
        QVERIFY2(server.held().size() <= 3, "more requests in flight than a connection may pipeline");
        answered += int(server.held().size());
        server.answerAll();
        QTRY_COMPARE_WITH_TIMEOUT(outcomes[std::size_t(answered - 1)].calls, 1, 10'000);
    }
    for (int i = 0; i < count; ++i) {
        QCOMPARE(outcomes[i].calls, 1);
        QCOMPARE(outcomes[i].reply.body, QByteArray::number(i));
    }
    QCOMPARE(server.accepted(), 1);
}

void TestLeaderForwarder::otherRequestsTakeAConnectionOfTheirOwn()
{
    // The leader hands a connection with any other request to QHttpServer for good: nothing is
    // pipelined with such a request, before or after it.
    ScriptedServer server;
    LeaderForwarder forwarder;
    std::vector<Outcome> outcomes(3);
    const auto record = [&outcomes](int i) {
        return [&outcomes, i](const LeaderForwarder::Reply &reply) {
            ++outcomes[std::size_t(i)].calls;
            outcomes[std::size_t(i)].reply = reply;
        };
    };
    forwarder.forward(QStringLiteral("127.0.0.1"), server.port(), request("0"), record(0));
    forwarder.forward(QStringLiteral("127.0.0.1"), server.port(),
                      LeaderForwarder::Request{"POST", "/admin/transfer", {}, "1", 10'000}, record(1));
    forwarder.forward(QStringLiteral("127.0.0.1"), server.port(), request("2"), record(2));
    QTRY_COMPARE_WITH_TIMEOUT(int(server.held().size()), 3, 10'000);
    QCOMPARE(server.accepted(), 2);
    const auto socketOf = [&server](const QByteArray &body) {
        const auto held = std::find_if(server.held().begin(), server.held().end(),
                                       [&body](const ScriptedServer::Held &h) { return h.body == body; });
        return held == server.held().end() ? nullptr : held->socket;
    };
    QCOMPARE(socketOf("0"), socketOf("2"));
    QVERIFY(socketOf("1") != socketOf("0"));
    server.answerAll();
    for (int i = 0; i < 3; ++i) {
        QTRY_COMPARE_WITH_TIMEOUT(outcomes[std::size_t(i)].calls, 1, 10'000);
        QCOMPARE(outcomes[std::size_t(i)].reply.body, QByteArray::number(i));
    }
}

void TestLeaderForwarder::lostConnectionFailsEveryRequestOnItOnce()
{
    // Every request on a connection that is lost learns it has no answer, once; none is sent again
    // (a resent write could apply twice).
    ScriptedServer server;
    LeaderForwarder forwarder;
    constexpr int count = 5;
    std::vector<Outcome> outcomes;
    forwardNumbered(forwarder, server.port(), outcomes, count);
    QTRY_COMPARE_WITH_TIMEOUT(int(server.held().size()), count, 10'000);
    QCOMPARE(server.accepted(), 1);
    server.dropAll();
    for (int i = 0; i < count; ++i) {
        QTRY_COMPARE_WITH_TIMEOUT(outcomes[std::size_t(i)].calls, 1, 10'000);
        QCOMPARE(outcomes[std::size_t(i)].reply.status, 0);
        QVERIFY2(!outcomes[std::size_t(i)].reply.error.isEmpty(), "a failure must say why");
        QVERIFY2(outcomes[std::size_t(i)].reply.sent, "the requests had left: never to be sent again");
    }
    QTest::qWait(100);
    QVERIFY2(server.held().empty(), "a request was sent again");
    QCOMPARE(server.accepted(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(forwarder.openConnections(), 0, 10'000);
}

void TestLeaderForwarder::overTheCapRequestsWait()
{
    ScriptedServer server;
    LeaderForwarder forwarder(
        LeaderForwarder::Options{.maxConnectionsPerServer = 3, .maxInFlightPerConnection = 1});
    constexpr int count = 10;
    int answers = 0;
    for (int i = 0; i < count; ++i) {
        forwarder.forward(
            QStringLiteral("127.0.0.1"), server.port(), request(QByteArray::number(i)),
            [&answers](const LeaderForwarder::Reply &reply) { answers += reply.status == 200; });
    }
    // Waiting requests leave in the order they came, as connections free up.
    std::vector<int> arrived;
    while (int(arrived.size()) < count) {
        QTRY_VERIFY_WITH_TIMEOUT(!server.held().empty(), 10'000);
        // Whatever is held was sent before any of it was answered: never more than the cap.
        QVERIFY2(server.held().size() <= 3, "more requests in flight than connections allowed");
        std::vector<int> batch;
        for (const ScriptedServer::Held &held : server.held())
            batch.push_back(held.body.toInt());
        std::sort(batch.begin(), batch.end());
        arrived.insert(arrived.end(), batch.begin(), batch.end());
        const int expected = int(arrived.size());
        server.answerAll();
        QTRY_COMPARE_WITH_TIMEOUT(answers, expected, 10'000);
    }
    QCOMPARE(arrived, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    QCOMPARE(server.accepted(), 3);
}

void TestLeaderForwarder::requestAsSent()
{
    ScriptedServer server;
    LeaderForwarder forwarder;
    int calls = 0;
    LeaderForwarder::Request get{
        "GET", "/kv/a%20b?consistency=linearizable", {{"X-Raftlab-Forwarded", "2"}}, {}, 5000};
    forwarder.forward(QStringLiteral("127.0.0.1"), server.port(), get,
                      [&calls](const LeaderForwarder::Reply &) { ++calls; });
    QCOMPARE(calls, 0); // never before forward() returns
    QTRY_COMPARE_WITH_TIMEOUT(int(server.held().size()), 1, 10'000);
    const QByteArray head = server.held().front().head;
    QCOMPARE(head,
             "GET /kv/a%20b?consistency=linearizable HTTP/1.1\r\nHost: 127.0.0.1:" +
                 QByteArray::number(server.port()) + "\r\nContent-Length: 0\r\nX-Raftlab-Forwarded: 2");
    server.answerAll();
    QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 10'000);
}

void TestLeaderForwarder::refusedConnectionSaysWhy()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        closedPort = probe.serverPort();
    }
    LeaderForwarder forwarder;
    Outcome outcome;
    forwardInto(forwarder, closedPort, "x", outcome);
    QCOMPARE(outcome.calls, 0);
    QTRY_COMPARE_WITH_TIMEOUT(outcome.calls, 1, 10'000);
    QCOMPARE(outcome.reply.status, 0);
    QVERIFY2(!outcome.reply.error.isEmpty(), "a failure must say why");
    QVERIFY2(!outcome.reply.sent, "a refused connection carried nothing: the request may be sent again");
    QTRY_COMPARE_WITH_TIMEOUT(forwarder.openConnections(), 0, 10'000);
}

void TestLeaderForwarder::idleConnectionTheServerClosedIsNotReused()
{
    // The server's process stops while the connection is idle; the next request comes before the loop
    // has read the close. It must go on a new connection, not be written into the dead one.
    ScriptedServer server;
    LeaderForwarder forwarder;
    Outcome first;
    forwardInto(forwarder, server.port(), "1", first);
    QTRY_COMPARE_WITH_TIMEOUT(server.held().size(), std::size_t(1), 10'000);
    QTcpSocket *serverSide = server.held().front().socket;
    server.answerAll();
    QTRY_COMPARE_WITH_TIMEOUT(first.calls, 1, 10'000);
    QCOMPARE(first.reply.status, 200);
    serverSide->abort(); // at once, in the kernel: the forwarder's loop has not run since
    Outcome second;
    forwardInto(forwarder, server.port(), "2", second);
    QTRY_COMPARE_WITH_TIMEOUT(server.held().size(), std::size_t(1), 10'000);
    QCOMPARE(server.accepted(), 2);
    server.answerAll();
    QTRY_COMPARE_WITH_TIMEOUT(second.calls, 1, 10'000);
    QCOMPARE(second.reply.status, 200);
    QCOMPARE(second.reply.body, QByteArray("2"));
}

void TestLeaderForwarder::silentServerTimesOut()
{
    ScriptedServer server;
    LeaderForwarder forwarder(LeaderForwarder::Options{.sweepIntervalMs = 20});
    Outcome outcome;
    forwarder.forward(QStringLiteral("127.0.0.1"), server.port(), request("x", 200),
                      [&outcome](const LeaderForwarder::Reply &reply) {
                          ++outcome.calls;
                          outcome.reply = reply;
                      });
    QTRY_COMPARE_WITH_TIMEOUT(outcome.calls, 1, 10'000);
    QCOMPARE(outcome.reply.status, 0);
    QCOMPARE(outcome.reply.error, QStringLiteral("no answer in time"));
    QCOMPARE(forwarder.openConnections(), 0);
}

void TestLeaderForwarder::closingServerGetsNewConnections()
{
    ScriptedServer server;
    LeaderForwarder forwarder;
    for (int i = 0; i < 3; ++i) {
        Outcome outcome;
        forwarder.forward(QStringLiteral("127.0.0.1"), server.port(), request(QByteArray::number(i)),
                          [&outcome](const LeaderForwarder::Reply &reply) {
                              ++outcome.calls;
                              outcome.reply = reply;
                          });
        QTRY_COMPARE_WITH_TIMEOUT(int(server.held().size()), 1, 10'000);
        server.answerAll("Connection: close\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(outcome.calls, 1, 10'000);
        QCOMPARE(outcome.reply.body, QByteArray::number(i));
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.openConnections(), 0, 10'000);
    }
    QCOMPARE(server.accepted(), 3);
}

QTEST_GUILESS_MAIN(TestLeaderForwarder)
#include "tst_leaderforwarder.moc"
