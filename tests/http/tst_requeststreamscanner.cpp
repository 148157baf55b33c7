// RequestStreamScanner: request boundaries on a connection's byte stream, found the same whether the
// bytes come at once, in pieces, or one by one; limits refused from the head; framing that QHttpServer
// could read differently refused.
#include "http/requeststreamscanner.h"

#include <QTest>

using namespace raftlab;

namespace {

using Kind = RequestStreamScanner::Step::Kind;

constexpr qint64 maxBody = 1000;

RequestStreamScanner::Limits limits()
{
    return RequestStreamScanner::Limits{
        .maxHeadBytes = 512, .maxHeaderFields = 8, .maxBodyBytes = maxBody, .maxChunkFramingBytes = 200};
}

// What the scanner reported, with the stream offset each report ended at: "head@37", "413@90".
QStringList scan(const QByteArray &stream, qsizetype pieceBytes, RequestStreamScanner *scanner = nullptr)
{
    RequestStreamScanner own(limits());
    RequestStreamScanner &s = scanner ? *scanner : own;
    QStringList events;
    for (qsizetype piece = 0; piece < stream.size(); piece += pieceBytes) {
        QByteArrayView rest =
            QByteArrayView(stream).sliced(piece, std::min(pieceBytes, stream.size() - piece));
        qsizetype offset = piece;
        while (!rest.isEmpty()) {
            const RequestStreamScanner::Step step = s.feed(rest);
            offset += step.consumed;
            rest = rest.sliced(step.consumed);
            if (step.kind == Kind::HeadComplete)
                events << QStringLiteral("head@%1").arg(offset);
            if (step.kind == Kind::Refused) {
                events << QStringLiteral("%1@%2").arg(step.refusal.status).arg(offset);
                return events;
            }
        }
    }
    return events;
}

QByteArray put(const QByteArray &body)
{
    return "PUT /kv/k HTTP/1.1\r\nHost: h\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n\r\n" + body;
}

} // namespace

class TestRequestStreamScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundaries_data();
    void boundaries();
    void refusals_data();
    void refusals();
    void headFields();
    void opaqueBytesCanBeSkipped();
    void midRequestAndProgress();
};

void TestRequestStreamScanner::boundaries_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QStringList>("events");
    const QByteArray get = "GET /status HTTP/1.1\r\nHost: h\r\n\r\n"; // 33 bytes
    QTest::newRow("one GET") << get << QStringList{"head@33"};
    QTest::newRow("no headers") << QByteArray("GET / HTTP/1.1\r\n\r\n") << QStringList{"head@18"};
    QTest::newRow("LF line ends") << QByteArray("GET / HTTP/1.1\nHost: h\n\n") << QStringList{"head@24"};
    QTest::newRow("LF, then CRLF end")
        << QByteArray("GET / HTTP/1.1\nHost: h\n\r\n") << QStringList{"head@25"};
    QTest::newRow("two GETs, blank lines between")
        << get + "\r\n\r\n" + get << QStringList{"head@33", "head@70"};
    QTest::newRow("PUT then GET") << put("hello") + get << QStringList{"head@50", "head@88"};
    QTest::newRow("the largest body") << put(QByteArray(maxBody, 'x')) +
            get << QStringList{"head@53", QStringLiteral("head@%1").arg(53 + maxBody + 33)};
    QTest::newRow("a body that looks like a request") << put(get) + get << QStringList{"head@51", "head@117"};
    QTest::newRow("chunked")
        << QByteArray(
               "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;x=y\r\n!\r\n0\r\n\r\n") +
            get
        << QStringList{"head@46", "head@104"};
    QTest::newRow("chunked, upper-case hex, whitespace before ;")
        << QByteArray(
               "PUT / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\nA \t;e\r\n0123456789\r\n0\r\n\r\n") +
            get
        << QStringList{"head@46", "head@103"};
    QTest::newRow("chunks up to the limit")
        << QByteArray("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1f4\r\n") + QByteArray(500, 'a') +
            "\r\n1f4\r\n" + QByteArray(500, 'b') + "\r\n0\r\n\r\n" + get
        << QStringList{"head@46", "head@1098"};
    QTest::newRow("Content-Length: 0 and an Expect")
        << QByteArray("POST /admin/timeout HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n") +
            get
        << QStringList{"head@73", "head@106"};
}

void TestRequestStreamScanner::boundaries()
{
    QFETCH(QByteArray, stream);
    QFETCH(QStringList, events);
    for (const qsizetype piece : {stream.size(), qsizetype(1), qsizetype(2), qsizetype(7), qsizetype(64)})
        QVERIFY2(
            scan(stream, piece) == events,
            qPrintable(QStringLiteral("in pieces of %1: %2").arg(piece).arg(scan(stream, piece).join(' '))));
}

void TestRequestStreamScanner::refusals_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QString>("event"); // the last one
    QTest::addColumn<QByteArray>("error");
    QTest::newRow("Content-Length over the limit")
        << put(QByteArray(maxBody + 1, 'x')).left(60) << "413@53" << QByteArray("body_too_large");
    QTest::newRow("a 20-digit Content-Length")
        << QByteArray("PUT / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") << "413@56"
        << QByteArray("body_too_large");
    QTest::newRow("chunks over the limit")
        << QByteArray("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n") + QByteArray(1000, 'a') +
            "\r\n1\r\nb\r\n0\r\n\r\n"
        << "413@1056" << QByteArray("body_too_large");
    QTest::newRow("a huge chunk size") << QByteArray("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                     "fffffffffffffffffffff\r\n")
                                       << "413@69" << QByteArray("body_too_large");
    QTest::newRow("chunked framing over its limit")
        << QByteArray("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") +
            QByteArray("1\r\nz\r\n").repeated(50)
        << "413@289" << QByteArray("body_too_large");
    QTest::newRow("head over the limit") << QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(600, 'h')
                                         << "431@512" << QByteArray("headers_too_large");
    QByteArray fields;
    for (int i = 0; i < 9; ++i)
        fields += "X-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too many fields") << "GET / HTTP/1.1\r\n" + fields + "\r\n"
                                     << "431@" + QString::number(16 + fields.size() + 2)
                                     << QByteArray("headers_too_large");
    QTest::newRow("Content-Length and chunked")
        << QByteArray("PUT / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") << "400@65"
        << QByteArray("bad_request");
    QTest::newRow("two Content-Lengths")
        << QByteArray("PUT / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n") << "400@56"
        << QByteArray("bad_request");
    QTest::newRow("the same Content-Length twice is fine")
        << QByteArray(
               "PUT / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n")
        << "head@77" << QByteArray();
    QTest::newRow("a signed Content-Length") << QByteArray("PUT / HTTP/1.1\r\nContent-Length: +3\r\n\r\n")
                                             << "400@38" << QByteArray("bad_request");
    QTest::newRow("a negative Content-Length") << QByteArray("PUT / HTTP/1.1\r\nContent-Length: -3\r\n\r\n")
                                               << "400@38" << QByteArray("bad_request");
    QTest::newRow("a folded line") << QByteArray("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n") << "400@28"
                                   << QByteArray("bad_request");
    QTest::newRow("a line without a colon")
        << QByteArray("GET / HTTP/1.1\r\nX a\r\n\r\n") << "400@23" << QByteArray("bad_request");
    QTest::newRow("a space in a name") << QByteArray("GET / HTTP/1.1\r\nContent-Length : 3\r\n\r\nabc")
                                       << "400@38" << QByteArray("bad_request");
    QTest::newRow("two Transfer-Encodings")
        << QByteArray("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")
        << "400@74" << QByteArray("bad_request");
    QTest::newRow("gzip") << QByteArray("PUT / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                          << "501@52" << QByteArray("unsupported_transfer_encoding");
    QTest::newRow("an unknown expectation") << QByteArray("PUT / HTTP/1.1\r\nExpect: coffee\r\n\r\n")
                                            << "417@34" << QByteArray("expectation_failed");
    QTest::newRow("an empty Expect is no expectation")
        << QByteArray("PUT / HTTP/1.1\r\nExpect:\r\n\r\n") << "head@27" << QByteArray();
    QTest::newRow("two Origins") << QByteArray(
                                        "GET / HTTP/1.1\r\nOrigin: http://a\r\nOrigin: http://b\r\n\r\n")
                                 << "400@54" << QByteArray("bad_request");
    QTest::newRow("two Hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << "400@36"
                               << QByteArray("bad_request");
    QTest::newRow("not a request line")
        << QByteArray("GARBAGE\r\n\r\n") << "400@11" << QByteArray("bad_request");
    QTest::newRow("no version") << QByteArray("GET /status\r\n\r\n") << "400@15" << QByteArray("bad_request");
    QTest::newRow("two spaces") << QByteArray("GET  /status HTTP/1.1\r\n\r\n") << "400@25"
                                << QByteArray("bad_request");
    QTest::newRow("a space in the target")
        << QByteArray("GET /a b HTTP/1.1\r\n\r\n") << "400@21" << QByteArray("bad_request");
    QTest::newRow("a method that is no token")
        << QByteArray("G(T / HTTP/1.1\r\n\r\n") << "400@18" << QByteArray("bad_request");
    QTest::newRow("not HTTP") << QByteArray("GET / FTP/1.1\r\n\r\n") << "400@17" << QByteArray("bad_request");
    QTest::newRow("HTTP/9.9") << QByteArray("GET /status HTTP/9.9\r\n\r\n") << "505@24"
                              << QByteArray("http_version_not_supported");
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n\r\n") << "505@18"
                              << QByteArray("http_version_not_supported");
    QTest::newRow("HTTP/1.0 is served") << QByteArray("GET / HTTP/1.0\r\n\r\n") << "head@18" << QByteArray();
    QTest::newRow("lower-case http") << QByteArray("GET / http/1.1\r\n\r\n") << "400@18"
                                     << QByteArray("bad_request");
    const QByteArray chunked = "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"; // 46 bytes
    QTest::newRow("a chunk size in 0x") << chunked + "0x5\r\nhello\r\n0\r\n\r\n"
                                        << "400@51" << QByteArray("bad_request");
    QTest::newRow("a chunk size with a space first") << chunked + " 5\r\nhello\r\n0\r\n\r\n"
                                                     << "400@50" << QByteArray("bad_request");
    QTest::newRow("a chunk size line ending in LF") << chunked + "5\nhello\r\n0\r\n\r\n"
                                                    << "400@48" << QByteArray("bad_request");
    QTest::newRow("chunk data not followed by CRLF") << chunked + "5\r\nhelloXY0\r\n\r\n"
                                                     << "400@54" << QByteArray("bad_request");
    QTest::newRow("trailers") << chunked + "0\r\nX-Trailer: 1\r\n\r\n"
                              << "400@49" << QByteArray("bad_request");
    QTest::newRow("a chunk size line over 1 KiB")
        << chunked + "5;" + QByteArray(1100, 'e') << "400@1071" << QByteArray("bad_request");
}

void TestRequestStreamScanner::refusals()
{
    QFETCH(QByteArray, stream);
    QFETCH(QString, event);
    QFETCH(QByteArray, error);
    for (const qsizetype piece : {stream.size(), qsizetype(1), qsizetype(5)}) {
        const QStringList events = scan(stream, piece);
        QVERIFY2(!events.isEmpty() && events.constLast() == event,
                 qPrintable(QStringLiteral("in pieces of %1: %2").arg(piece).arg(events.join(' '))));
    }
    if (error.isEmpty())
        return;
    RequestStreamScanner scanner(limits());
    RequestStreamScanner::Step step;
    for (QByteArrayView rest(stream); !rest.isEmpty() && step.kind != Kind::Refused;
         rest = rest.sliced(step.consumed))
        step = scanner.feed(rest);
    QCOMPARE(step.kind, Kind::Refused);
    QCOMPARE(step.refusal.error, error);
    QVERIFY(!step.refusal.message.isEmpty());
    QVERIFY(!scanner.isMidRequest());
}

void TestRequestStreamScanner::headFields()
{
    RequestStreamScanner scanner(limits());
    const RequestStreamScanner::Step step =
        scanner.feed("PUT /kv/a HTTP/1.1\r\nhost:  Example.COM:80 \r\norigin: http://A\r\n"
                     "EXPECT: 100-Continue\r\ncontent-length: 007\r\n\r\n");
    QCOMPARE(step.kind, Kind::HeadComplete);
    QCOMPARE(step.head.host.value_or("(none)").toByteArray(), QByteArray("Example.COM:80"));
    QCOMPARE(step.head.origin.value_or("(none)").toByteArray(), QByteArray("http://A"));
    QVERIFY(step.head.expectContinue);
    QCOMPARE(step.head.contentLength, 7);
    QVERIFY(!step.head.chunked);
    QVERIFY(step.head.hasBody());

    RequestStreamScanner plain(limits());
    const RequestStreamScanner::Step get = plain.feed("GET / HTTP/1.1\r\n\r\n");
    QCOMPARE(get.kind, Kind::HeadComplete);
    QVERIFY(!get.head.host && !get.head.origin && !get.head.hasBody() && !get.head.expectContinue);
}

void TestRequestStreamScanner::opaqueBytesCanBeSkipped()
{
    // What the gate does: body bytes of a known length are counted, not looked at.
    const QByteArray chunked = "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    const QByteArray stream = put(QByteArray(300, 'x')) + chunked + "GET / HTTP/1.1\r\n\r\n";
    RequestStreamScanner scanner(limits());
    QStringList events;
    qsizetype offset = 0;
    while (offset < stream.size()) {
        if (const qint64 opaque = scanner.opaqueBytesAhead(); opaque > 0) {
            const qint64 count = std::min<qint64>(opaque, 7); // in odd pieces
            scanner.skipOpaque(count);
            offset += count;
            continue;
        }
        const RequestStreamScanner::Step step = scanner.feed(QByteArrayView(stream).sliced(offset, 1));
        offset += step.consumed;
        if (step.kind == Kind::HeadComplete)
            events << QStringLiteral("head@%1").arg(offset);
        QVERIFY(step.kind != Kind::Refused);
    }
    QCOMPARE(events, scan(stream, stream.size()));
    QCOMPARE(scanner.bytesScanned(), quint64(stream.size()));
}

void TestRequestStreamScanner::midRequestAndProgress()
{
    RequestStreamScanner scanner(limits());
    QVERIFY(!scanner.isMidRequest());
    scanner.feed("\r\n"); // blank lines between requests start none
    QVERIFY(!scanner.isMidRequest());
    QCOMPARE(scanner.bytesScanned(), 2u);
    scanner.feed("PUT / HTTP/1.1\r\nContent-Length: 4\r\n");
    QVERIFY(scanner.isMidRequest());
    const RequestStreamScanner::Step head = scanner.feed("\r\nab"); // stops after the head
    QCOMPARE(head.kind, Kind::HeadComplete);
    QCOMPARE(head.consumed, 2);
    QCOMPARE(scanner.opaqueBytesAhead(), 4);
    QCOMPARE(scanner.feed("ab").consumed, 2);
    QVERIFY(scanner.isMidRequest());
    QCOMPARE(scanner.opaqueBytesAhead(), 2);
    scanner.skipOpaque(2);
    QVERIFY(!scanner.isMidRequest());
    QCOMPARE(scanner.bytesScanned(), quint64(2 + 35 + 2 + 2 + 2));
}

QTEST_GUILESS_MAIN(TestRequestStreamScanner)
#include "tst_requeststreamscanner.moc"
