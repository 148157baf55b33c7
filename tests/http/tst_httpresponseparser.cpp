// HttpResponseParser: the answers a follower reads back from the leader, whole or in pieces, framed by
// Content-Length, chunks or the end of the connection, and refused when malformed.
#include "http/httpresponseparser.h"

#include <QTest>

using namespace raftlab;
using State = HttpResponseParser::State;

class TestHttpResponseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contentLengthInOnePiece();
    void byteByByte();
    void twoResponsesInOneArrival();
    void chunkedBody();
    void bodyUntilTheEnd();
    void connectionCloseAndHttp10();
    void interimAnswerSkipped();
    void noContentHasNoBody();
    void malformed_data();
    void malformed();
    void closedMidBody();
    void headTooLarge();
};

void TestHttpResponseParser::contentLengthInOnePiece()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n"
                         "{\"index\":7,\"term\":2}\n"),
             State::Complete);
    const HttpResponseParser::Response response = parser.take();
    QCOMPARE(response.status, 200);
    QCOMPARE(response.contentType, QByteArray("application/json"));
    QCOMPARE(response.body, QByteArray("{\"index\":7,\"term\":2}\n"));
    QVERIFY(response.keepAlive);
    QVERIFY(parser.isIdle());
}

void TestHttpResponseParser::byteByByte()
{
    const QByteArray bytes = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 5\r\n\r\nhello";
    HttpResponseParser parser;
    for (qsizetype i = 0; i + 1 < bytes.size(); ++i)
        QCOMPARE(parser.feed(bytes.sliced(i, 1)), State::Incomplete);
    QCOMPARE(parser.feed(bytes.sliced(bytes.size() - 1)), State::Complete);
    const HttpResponseParser::Response response = parser.take();
    QCOMPARE(response.status, 503);
    QCOMPARE(response.body, QByteArray("hello"));
}

void TestHttpResponseParser::twoResponsesInOneArrival()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
                         "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nbc"
                         "HTTP/1.1 200"),
             State::Complete);
    QCOMPARE(parser.take().body, QByteArray("a"));
    QCOMPARE(parser.state(), State::Complete);
    const HttpResponseParser::Response second = parser.take();
    QCOMPARE(second.status, 404);
    QCOMPARE(second.body, QByteArray("bc"));
    QCOMPARE(parser.state(), State::Incomplete);
    QVERIFY(!parser.isIdle()); // the third has begun
}

void TestHttpResponseParser::chunkedBody()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n"),
             State::Incomplete);
    QCOMPARE(parser.feed("1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n"), State::Incomplete);
    QCOMPARE(parser.feed("\r\n"), State::Complete);
    const HttpResponseParser::Response response = parser.take();
    QCOMPARE(response.body, QByteArray("hello 0123456789"));
    QVERIFY(response.keepAlive);
    QVERIFY(parser.isIdle());
}

void TestHttpResponseParser::bodyUntilTheEnd()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 200 OK\r\n\r\nsome"), State::Incomplete);
    QCOMPARE(parser.feed(" body"), State::Incomplete);
    QCOMPARE(parser.finish(), State::Complete);
    const HttpResponseParser::Response response = parser.take();
    QCOMPARE(response.body, QByteArray("some body"));
    QVERIFY(!response.keepAlive);
}

void TestHttpResponseParser::connectionCloseAndHttp10()
{
    HttpResponseParser closing;
    QCOMPARE(closing.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
             State::Complete);
    QVERIFY(!closing.take().keepAlive);

    HttpResponseParser old;
    QCOMPARE(old.feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), State::Complete);
    QVERIFY(!old.take().keepAlive);

    HttpResponseParser oldKeepAlive;
    QCOMPARE(oldKeepAlive.feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"),
             State::Complete);
    QVERIFY(oldKeepAlive.take().keepAlive);
}

void TestHttpResponseParser::interimAnswerSkipped()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"),
             State::Complete);
    const HttpResponseParser::Response response = parser.take();
    QCOMPARE(response.status, 201);
    QCOMPARE(response.body, QByteArray("ok"));
}

void TestHttpResponseParser::noContentHasNoBody()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 204 No Content\r\n\r\n"), State::Complete);
    QCOMPARE(parser.take().body, QByteArray());
    QVERIFY(parser.isIdle());
}

void TestHttpResponseParser::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n");
    QTest::newRow("short status line") << QByteArray("HTTP/1.1 20\r\n\r\n");
    QTest::newRow("status not digits") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n");
    QTest::newRow("header without colon") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length 3\r\n\r\n");
    QTest::newRow("negative length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n");
    QTest::newRow("two lengths") << QByteArray(
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n");
    QTest::newRow("huge length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n");
    QTest::newRow("bad chunk size") << QByteArray(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    QTest::newRow("chunk without CRLF")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd");
}

void TestHttpResponseParser::malformed()
{
    QFETCH(QByteArray, bytes);
    HttpResponseParser parser;
    QCOMPARE(parser.feed(bytes), State::Malformed);
    QVERIFY(!parser.error().isEmpty());
    QCOMPARE(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), State::Malformed); // for good
}

void TestHttpResponseParser::closedMidBody()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), State::Incomplete);
    QCOMPARE(parser.finish(), State::Malformed);

    HttpResponseParser idle;
    QCOMPARE(idle.finish(), State::Incomplete); // nothing had begun: a clean end
}

void TestHttpResponseParser::headTooLarge()
{
    HttpResponseParser parser;
    QCOMPARE(parser.feed("HTTP/1.1 200 OK\r\n"), State::Incomplete);
    const QByteArray line = "X-Filler: " + QByteArray(1000, 'x') + "\r\n";
    State state = State::Incomplete;
    for (int i = 0; i < 100 && state == State::Incomplete; ++i)
        state = parser.feed(line);
    QCOMPARE(state, State::Malformed);
}

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
