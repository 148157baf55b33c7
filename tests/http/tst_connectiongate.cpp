// HttpListener and ConnectionGate in front of a real QHttpServer, in process and with small limits: a
// refused request never reaches a handler (nor does anything after it on its connection), a request
// that stops arriving halfway is answered 408 while one that keeps arriving is not, and connections
// beyond the cap are answered 503 and closed.
#include "http/httplistener.h"
#include "loopbacklistener.h"
#include "rawhttpclient.h"

#include <QHttpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace raftlab;

namespace {

constexpr int maxConnections = 4;
constexpr int sweepIntervalMs = 200;

} // namespace

class TestConnectionGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void servedRequestsPassThrough();
    void refusedRequestNeverReachesAHandler();
    void stalledRequestGets408();
    void slowButMovingRequestIsServed();
    void idleConnectionsStay();
    void connectionsOverTheCapGet503();

private:
    std::unique_ptr<QHttpServer> m_server;
    HttpListener *m_listener = nullptr;
    quint16 m_port = 0;
    int m_handled = 0;
};

void TestConnectionGate::init()
{
    m_handled = 0;
    m_server = std::make_unique<QHttpServer>();
    m_server->route(QStringLiteral("/echo"),
                    [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        ++m_handled;
                        responder.write(request.body(), "application/octet-stream");
                    });
    HttpListener::Options options;
    options.maxConnections = maxConnections;
    options.sweepIntervalMs = sweepIntervalMs;
    auto listener = testing::listenOnLoopback(options);
    QVERIFY(listener);
    m_port = listener->serverPort();
    m_listener = listener.release();
    m_server->bind(m_listener);
}

void TestConnectionGate::cleanup()
{
    m_server.reset();
}

void TestConnectionGate::servedRequestsPassThrough()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    client.send("POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    QTRY_VERIFY(client.received().endsWith("hello"));
    // A second request on the same connection, arriving in pieces.
    client.send("POST /echo HTTP/1.1\r\nTransfer-");
    QTest::qWait(20);
    client.send("Encoding: chunked\r\n\r\n3\r\nabc\r\n");
    QTest::qWait(20);
    client.send("0\r\n\r\n");
    QTRY_VERIFY(client.received().endsWith("abc"));
    QCOMPARE(m_handled, 2);
    QCOMPARE(m_listener->connectionCount(), 1);
}

void TestConnectionGate::refusedRequestNeverReachesAHandler()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    // Refused, with a valid request right behind it in the same packet: neither is handled.
    client.send("POST /echo HTTP/1.1\r\nOrigin: http://evil.example\r\nContent-Length: 3\r\n\r\nabc"
                "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz");
    QTRY_VERIFY(client.received().contains("\"forbidden_origin\""));
    QVERIFY(client.received().startsWith("HTTP/1.1 403 Forbidden\r\n"));
    QVERIFY(client.received().contains("\r\nConnection: close\r\n"));
    QTRY_VERIFY(!client.isOpen());
    QCOMPARE(m_handled, 0);
    QCOMPARE(m_listener->refusals().at("forbidden_origin"), 1u);
    QTRY_COMPARE(m_listener->connectionCount(), 0);
}

void TestConnectionGate::stalledRequestGets408()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    client.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    QTRY_VERIFY_WITH_TIMEOUT(client.received().startsWith("HTTP/1.1 408 "), 20 * sweepIntervalMs);
    QVERIFY(client.received().contains("\"request_timeout\""));
    QTRY_VERIFY(!client.isOpen());
    QCOMPARE(m_handled, 0);
}

void TestConnectionGate::slowButMovingRequestIsServed()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    const QByteArray request = "POST /echo HTTP/1.1\r\nContent-Length: 6\r\n\r\nslowly";
    for (const char byte : request) { // a byte every tenth of a sweep: about five sweeps in all
        client.send(QByteArray(1, byte));
        QTest::qWait(sweepIntervalMs / 10);
        QVERIFY2(!client.received().contains(" 408 "), client.received().constData());
    }
    QTRY_VERIFY(client.received().endsWith("slowly"));
    QVERIFY(client.received().startsWith("HTTP/1.1 200 "));
}

void TestConnectionGate::idleConnectionsStay()
{
    RawHttpClient idle(m_port);
    QVERIFY(idle.waitConnected());
    RawHttpClient served(m_port);
    QVERIFY(served.waitConnected());
    served.send("POST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
    QTRY_VERIFY(served.received().endsWith("ok"));
    QTest::qWait(5 * sweepIntervalMs); // the condition here is that nothing happens
    QVERIFY(idle.isOpen());
    QVERIFY(served.isOpen());
    QVERIFY(idle.received().isEmpty());
}

void TestConnectionGate::connectionsOverTheCapGet503()
{
    std::vector<std::unique_ptr<RawHttpClient>> clients;
    for (int i = 0; i < maxConnections; ++i) {
        clients.push_back(std::make_unique<RawHttpClient>(m_port));
        QVERIFY(clients.back()->waitConnected());
    }
    QTRY_COMPARE(m_listener->connectionCount(), maxConnections);
    RawHttpClient over(m_port);
    QVERIFY(over.waitConnected());
    over.send("POST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nno");
    QTRY_VERIFY(over.received().contains("\"too_many_connections\""));
    QVERIFY(over.received().startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
    QTRY_VERIFY(!over.isOpen());
    QCOMPARE(m_handled, 0);
    // One leaves: the next is served.
    clients.pop_back();
    QTRY_COMPARE(m_listener->connectionCount(), maxConnections - 1);
    RawHttpClient next(m_port);
    QVERIFY(next.waitConnected());
    next.send("POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nyes");
    QTRY_VERIFY(next.received().endsWith("yes"));
    QCOMPARE(m_listener->refusals().at("too_many_connections"), 1u);
}

QTEST_GUILESS_MAIN(TestConnectionGate)
#include "tst_connectiongate.moc"
