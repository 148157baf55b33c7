// writeAnswer() sends, byte for byte, what QHttpServerResponder::write(body, mime, status) sends, in one
// write: checked against a real QHttpServer for the statuses and bodies a node answers with.
#include "http/httpresponses.h"

#include <QHttpServer>
#include <QTcpSocket>
#include <QTest>

using namespace raftlab;
using Status = QHttpServerResponder::StatusCode;

namespace {

// True once `received` holds a whole answer: the head, then Content-Length bytes.
bool isWholeAnswer(const QByteArray &received)
{
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    const qsizetype at = received.indexOf("Content-Length: ");
    if (headEnd < 0 || at < 0)
        return false;
    const qsizetype length = received.mid(at + 16, received.indexOf('\r', at) - at - 16).toLongLong();
    return received.size() >= headEnd + 4 + length;
}

} // namespace

class TestHttpResponses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameBytesAsQHttpServer_data();
    void sameBytesAsQHttpServer();
    void unknownStatusHasEmptyPhrase();
};

void TestHttpResponses::sameBytesAsQHttpServer_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("mime");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("write applied") << 200 << QByteArray("application/json")
                                   << QByteArray("{\"index\":7,\"term\":2}\n");
    QTest::newRow("value") << 200 << QByteArray("application/octet-stream") << QByteArray(100, 'v');
    QTest::newRow("empty value") << 200 << QByteArray("application/octet-stream") << QByteArray();
    QTest::newRow("not found") << 404 << QByteArray("application/json")
                               << QByteArray("{\"error\":\"not_found\"}\n");
    QTest::newRow("unavailable") << 503 << QByteArray("application/json")
                                 << QByteArray("{\"error\":\"timeout\"}\n");
    QTest::newRow("bad request") << 400 << QByteArray("application/json") << QByteArray("{}\n");
    QTest::newRow("conflict") << 409 << QByteArray("application/json") << QByteArray("{}\n");
    QTest::newRow("precondition failed") << 412 << QByteArray("application/json") << QByteArray("{}\n");
    QTest::newRow("too large") << 413 << QByteArray("application/json") << QByteArray("{}\n");
    QTest::newRow("text") << 200 << QByteArray("text/plain; charset=utf-8") << QByteArray("stored a=b\n");
    // Every status a forwarded answer may carry gets Qt's own reason phrase.
    for (const int code : {100, 201, 202, 204, 301, 302, 304, 307, 308, 401, 403, 405, 406, 408,
                           410, 411, 414, 415, 417, 422, 428, 429, 431, 500, 501, 502, 504, 505})
        QTest::addRow("status %d", code) << code << QByteArray("application/json") << QByteArray("{}\n");
}

void TestHttpResponses::sameBytesAsQHttpServer()
{
    QFETCH(int, status);
    QFETCH(QByteArray, mime);
    QFETCH(QByteArray, body);
    QHttpServer server;
    server.route(QStringLiteral("/qt"), [&](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        responder.write(body, mime, static_cast<Status>(status));
    });
    server.route(QStringLiteral("/ours"), [&](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        HttpResponder wrapped(std::move(responder));
        writeAnswer(wrapped, PendingRequests::Answer{body, mime, static_cast<Status>(status)});
    });
    const quint16 port = server.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);
    QByteArray answers[2];
    const char *paths[2] = {"/qt", "/ours"};
    for (int i = 0; i < 2; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        socket.write(QByteArray("GET ") + paths[i] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(isWholeAnswer(answers[i] += socket.readAll()), 10'000);
    }
    QVERIFY2(answers[0].startsWith("HTTP/1.1 " + QByteArray::number(status)), answers[0].constData());
    QCOMPARE(answers[1], answers[0]);
}

void TestHttpResponses::unknownStatusHasEmptyPhrase()
{
    QCOMPARE(httpResponse(PendingRequests::Answer{"x", "text/plain", static_cast<Status>(299)}),
             QByteArray("HTTP/1.1 299 \r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx"));
}

QTEST_GUILESS_MAIN(TestHttpResponses)
#include "tst_httpresponses.moc"
