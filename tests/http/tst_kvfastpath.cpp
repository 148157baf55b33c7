// The key-value fast path: which request heads it takes (KvFastPath), and, through HttpListener and
// ConnectionGate in front of a real QHttpServer, that its requests never reach QHttpServer, that a
// connection's answers leave in the order its requests came whatever order they are ready in, that the
// first request of another shape goes to QHttpServer only after the answers before it, with the
// connection, and that refusals, stalls and dropped answers keep that order too.
#include "http/httplistener.h"
#include "http/kvfastpath.h"
#include "loopbacklistener.h"
#include "rawhttpclient.h"

#include <QHttpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace raftlab;

namespace {

constexpr int sweepIntervalMs = 200;

QByteArray answer(const QByteArray &body)
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestKvFastPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void takes_data();
    void takes();
    void leaves_data();
    void leaves();
    void keepsOnlyTheHeadersHandlersRead();
    void keepsTheTargetAsSent();

    void init();
    void cleanup();
    void fastRequestsNeverReachQHttpServer();
    void answersLeaveInArrivalOrder();
    void otherRequestWaitsThenConnectionGoesToQHttpServer();
    void refusalComesAfterEarlierAnswers();
    void stalledFastRequestGets408();
    void droppedAnswerIs500AndTheConnectionGoesOn();

private:
    struct Held
    {
        HttpRequest request;
        HttpResponder responder;
    };
    std::unique_ptr<QHttpServer> m_server;
    HttpListener *m_listener = nullptr;
    quint16 m_port = 0;
    std::vector<std::unique_ptr<Held>> m_held; // fast requests, in arrival order, until the test answers
    int m_qtHandled = 0;
    bool m_dropFast = false;
};

void TestKvFastPath::takes_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::newRow("put") << QByteArray("PUT /kv/a HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Length: 3\r\n\r\n")
                         << int(HttpRequest::Method::Put) << QStringLiteral("/kv/a") << QString();
    QTest::newRow("get with a query")
        << QByteArray("GET /kv/k?consistency=local&timeout_ms=5 HTTP/1.1\r\n\r\n")
        << int(HttpRequest::Method::Get) << QStringLiteral("/kv/k")
        << QStringLiteral("consistency=local&timeout_ms=5");
    QTest::newRow("delete, percent-encoded")
        << QByteArray("DELETE /kv/a%20b HTTP/1.1\r\nConnection: keep-alive\r\n\r\n")
        << int(HttpRequest::Method::Delete) << QStringLiteral("/kv/a b") << QString();
    QTest::newRow("compare-and-swap")
        << QByteArray("PUT /kv/x?if_value=old HTTP/1.1\r\nContent-Length: 1\r\n")
        << int(HttpRequest::Method::Put) << QStringLiteral("/kv/x") << QStringLiteral("if_value=old");
}

void TestKvFastPath::takes()
{
    QFETCH(QByteArray, head);
    QFETCH(int, method);
    QFETCH(QString, path);
    QFETCH(QString, query);
    const std::optional<HttpRequest> request = KvFastPath::parseHead(head);
    QVERIFY(request);
    QCOMPARE(int(request->method()), method);
    QCOMPARE(request->url().path(), path);
    QCOMPARE(request->url().query(), query);
    QVERIFY(request->body().isEmpty());
}

void TestKvFastPath::leaves_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::newRow("another route") << QByteArray("GET /status HTTP/1.1\r\n\r\n");
    QTest::newRow("another method") << QByteArray("POST /kv/a HTTP/1.1\r\n\r\n");
    QTest::newRow("HEAD") << QByteArray("HEAD /kv/a HTTP/1.1\r\n\r\n");
    QTest::newRow("no key") << QByteArray("GET /kv/ HTTP/1.1\r\n\r\n");
    QTest::newRow("no key, a query") << QByteArray("GET /kv/?a=b HTTP/1.1\r\n\r\n");
    QTest::newRow("a slash in the key") << QByteArray("GET /kv/a/b HTTP/1.1\r\n\r\n");
    QTest::newRow("absolute form") << QByteArray("GET http://127.0.0.1/kv/a HTTP/1.1\r\n\r\n");
    QTest::newRow("a fragment") << QByteArray("GET /kv/a#b HTTP/1.1\r\n\r\n");
    QTest::newRow("HTTP/1.0") << QByteArray("GET /kv/a HTTP/1.0\r\n\r\n");
    QTest::newRow("chunked") << QByteArray("PUT /kv/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    QTest::newRow("expect") << QByteArray(
        "PUT /kv/a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
    QTest::newRow("connection close") << QByteArray("GET /kv/a HTTP/1.1\r\nConnection: close\r\n\r\n");
    QTest::newRow("upgrade") << QByteArray("GET /kv/a HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
    QTest::newRow("folded header") << QByteArray("GET /kv/a HTTP/1.1\r\nX-A: 1\r\n 2\r\n\r\n");
    QTest::newRow("header without colon") << QByteArray("GET /kv/a HTTP/1.1\r\nX-A 1\r\n\r\n");
    QTest::newRow("lower-case method") << QByteArray("get /kv/a HTTP/1.1\r\n\r\n");
    QTest::newRow("no version") << QByteArray("GET /kv/a\r\n\r\n");
}

void TestKvFastPath::leaves()
{
    QFETCH(QByteArray, head);
    QVERIFY(!KvFastPath::parseHead(head));
}

void TestKvFastPath::keepsOnlyTheHeadersHandlersRead()
{
    // HttpApi reads the forwarding mark, and a follower passes Content-Type and Authorization on to its
    // leader; Host, User-Agent, Content-Length and the like are not worth copying for every request.
    const std::optional<HttpRequest> request = KvFastPath::parseHead(
        "PUT /kv/a HTTP/1.1\r\nHost: 127.0.0.1:1\r\nUser-Agent: wrk\r\ncontent-type: text/plain\r\n"
        "Content-Length: 3\r\nAuthorization: Bearer t\r\nX-Raftlab-Forwarded: 2\r\n\r\n");
    QVERIFY(request);
    QStringList names;
    for (const auto &[name, value] : request->headers())
        names << QString::fromLatin1(name);
    QCOMPARE(names, QStringList({"content-type", "Authorization", "X-Raftlab-Forwarded"}));
    QCOMPARE(request->value("Content-Type"), QByteArray("text/plain"));
    QCOMPARE(request->value("x-raftlab-forwarded"), QByteArray("2"));
}

void TestKvFastPath::keepsTheTargetAsSent()
{
    // A follower forwards the target byte for byte, and the key is decoded from the path as sent.
    const std::optional<HttpRequest> request =
        KvFastPath::parseHead("PUT /kv/a%20b%FF?if_value=x%26y&timeout_ms=5 HTTP/1.1\r\n\r\n");
    QVERIFY(request);
    QCOMPARE(request->encodedPath(), QByteArray("/kv/a%20b%FF"));
    QCOMPARE(request->encodedQuery(), QByteArray("if_value=x%26y&timeout_ms=5"));
    QVERIFY(request->hasQuery());
    QCOMPARE(request->encodedTarget(), QByteArray("/kv/a%20b%FF?if_value=x%26y&timeout_ms=5"));
    QCOMPARE(request->query().queryItemValue(QStringLiteral("timeout_ms")), QStringLiteral("5"));
    const std::optional<HttpRequest> plain = KvFastPath::parseHead("GET /kv/k HTTP/1.1\r\n\r\n");
    QVERIFY(plain);
    QVERIFY(!plain->hasQuery());
    QCOMPARE(plain->encodedQuery(), QByteArray());
}

void TestKvFastPath::init()
{
    m_held.clear();
    m_qtHandled = 0;
    m_dropFast = false;
    m_server = std::make_unique<QHttpServer>();
    m_server->route(QStringLiteral("/echo"),
                    [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        ++m_qtHandled;
                        responder.write("echo:" + request.body(), "text/plain");
                    });
    m_server->route(QStringLiteral("/kv/<arg>"),
                    [this](const QString &, const QHttpServerRequest &, QHttpServerResponder &&responder) {
                        ++m_qtHandled;
                        responder.write("from QHttpServer", "text/plain");
                    });
    HttpListener::Options options;
    options.sweepIntervalMs = sweepIntervalMs;
    auto listener = testing::listenOnLoopback(options);
    QVERIFY(listener);
    m_port = listener->serverPort();
    listener->setFastHandler([this](HttpRequest request, HttpResponder responder) {
        if (m_dropFast)
            return; // the responder goes away unanswered
        m_held.push_back(std::make_unique<Held>(Held{std::move(request), std::move(responder)}));
    });
    m_listener = listener.release();
    m_server->bind(m_listener);
}

void TestKvFastPath::cleanup()
{
    m_held.clear();
    m_server.reset();
}

void TestKvFastPath::fastRequestsNeverReachQHttpServer()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    client.send("PUT /kv/a?timeout_ms=50 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                "Content-Length: 5\r\n\r\nhel");
    QTest::qWait(20); // the body in two pieces
    client.send("lo");
    QTRY_COMPARE(m_held.size(), std::size_t(1));
    QCOMPARE(m_held[0]->request.body(), QByteArray("hello"));
    QCOMPARE(m_held[0]->request.query().queryItemValue(QStringLiteral("timeout_ms")), QStringLiteral("50"));
    QCOMPARE(m_held[0]->request.value("content-type"), QByteArray("text/plain"));
    m_held[0]->responder.write(answer("stored"));
    QTRY_COMPARE(client.received(), answer("stored"));
    QCOMPARE(m_qtHandled, 0);
}

void TestKvFastPath::answersLeaveInArrivalOrder()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    client.send("GET /kv/1 HTTP/1.1\r\n\r\nGET /kv/2 HTTP/1.1\r\n\r\nPUT /kv/3 HTTP/1.1\r\nContent-Length: "
                "1\r\n\r\nx");
    QTRY_COMPARE(m_held.size(), std::size_t(3));
    m_held[2]->responder.write(answer("three"));
    m_held[1]->responder.write(answer("two"));
    QTest::qWait(20); // nothing may leave before the first answer
    QVERIFY2(client.received().isEmpty(), client.received().constData());
    m_held[0]->responder.write(answer("one"));
    QTRY_COMPARE(client.received(), answer("one") + answer("two") + answer("three"));
    QCOMPARE(m_qtHandled, 0);
}

void TestKvFastPath::otherRequestWaitsThenConnectionGoesToQHttpServer()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    client.send("PUT /kv/a HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"
                "POST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
                "GET /kv/b HTTP/1.1\r\n\r\n");
    QTRY_COMPARE(m_held.size(), std::size_t(1));
    QTest::qWait(20); // /echo waits for the answer before it
    QCOMPARE(m_qtHandled, 0);
    QVERIFY(client.received().isEmpty());
    m_held[0]->responder.write(answer("first"));
    // Then QHttpServer has the connection: /echo, and the key-value request after it too.
    QTRY_COMPARE(m_qtHandled, 2);
    QTRY_VERIFY(client.received().endsWith("from QHttpServer"));
    const QByteArray received = client.received();
    QVERIFY2(received.startsWith(answer("first")), received.constData());
    QVERIFY(received.indexOf("echo:hi") < received.indexOf("from QHttpServer"));
    QCOMPARE(m_held.size(), std::size_t(1));
    // And keeps it.
    client.send("GET /kv/c HTTP/1.1\r\n\r\n");
    QTRY_COMPARE(m_qtHandled, 3);
    QCOMPARE(m_held.size(), std::size_t(1));
}

void TestKvFastPath::refusalComesAfterEarlierAnswers()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    client.send("GET /kv/a HTTP/1.1\r\n\r\n"
                "PUT /kv/b HTTP/1.1\r\nOrigin: http://evil.example\r\nContent-Length: 1\r\n\r\nx");
    QTRY_COMPARE(m_held.size(), std::size_t(1));
    QTest::qWait(20); // the refusal waits for the answer before it
    QVERIFY(client.received().isEmpty());
    m_held[0]->responder.write(answer("first"));
    QTRY_VERIFY(client.received().contains("\"forbidden_origin\""));
    QVERIFY(client.received().startsWith(answer("first") + "HTTP/1.1 403 Forbidden\r\n"));
    QTRY_VERIFY(!client.isOpen());
    QCOMPARE(m_held.size(), std::size_t(1));
    QCOMPARE(m_qtHandled, 0);
}

void TestKvFastPath::stalledFastRequestGets408()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    client.send("PUT /kv/a HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    QTRY_VERIFY_WITH_TIMEOUT(client.received().startsWith("HTTP/1.1 408 "), 20 * sweepIntervalMs);
    QTRY_VERIFY(!client.isOpen());
    QVERIFY(m_held.empty());
}

void TestKvFastPath::droppedAnswerIs500AndTheConnectionGoesOn()
{
    RawHttpClient client(m_port);
    QVERIFY(client.waitConnected());
    m_dropFast = true;
    client.send("GET /kv/a HTTP/1.1\r\n\r\n");
    QTRY_VERIFY(client.received().startsWith("HTTP/1.1 500 Internal Server Error\r\n"));
    QVERIFY(client.received().contains("\"internal\""));
    m_dropFast = false;
    client.send("GET /kv/b HTTP/1.1\r\n\r\n");
    QTRY_COMPARE(m_held.size(), std::size_t(1));
    m_held[0]->responder.write(answer("next"));
    QTRY_VERIFY(client.received().endsWith(answer("next")));
    QVERIFY(client.isOpen());
}

QTEST_GUILESS_MAIN(TestKvFastPath)
#include "tst_kvfastpath.moc"
