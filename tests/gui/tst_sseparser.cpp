#include "cluster/sseparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace raftlab;

namespace {

using Events = QList<QJsonObject>;

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

// Feeds `stream` in pieces cut at `cuts` (positions in ascending order).
Events feedInPieces(SseParser &parser, const QByteArray &stream, const QList<qsizetype> &cuts)
{
    Events events;
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        events += parser.feed(QByteArrayView(stream).sliced(from, cut - from));
        from = cut;
    }
    events += parser.feed(QByteArrayView(stream).sliced(from));
    return events;
}

QByteArray show(const Events &events)
{
    QJsonArray array;
    for (const QJsonObject &event : events)
        array.append(event);
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesStreams_data();
    void parsesStreams();
    void anyChunkingGivesTheSameEvents_data() { parsesStreams_data(); }
    void anyChunkingGivesTheSameEvents();
    void countsDataThatIsNotAnObject();
    void dropsOversizedLinesAndKeepsGoing();
    void resetForgetsAHalfEvent();
    void readsANodesFirstEvent();
};

void TestSseParser::parsesStreams_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<Events>("expected");

    const QJsonObject a = object(R"({"type":"role","node":1})");
    const QJsonObject b = object(R"({"type":"term","node":2,"term":7})");

    QTest::newRow("one event") << QByteArray("data: {\"type\":\"role\",\"node\":1}\n\n") << Events{a};
    QTest::newRow("two events") << QByteArray("data: {\"type\":\"role\",\"node\":1}\n\n"
                                              "data: {\"type\":\"term\",\"node\":2,\"term\":7}\n\n")
                                << Events{a, b};
    QTest::newRow("no space after colon")
        << QByteArray("data:{\"type\":\"role\",\"node\":1}\n\n") << Events{a};
    QTest::newRow("CRLF") << QByteArray("data: {\"type\":\"role\",\"node\":1}\r\n\r\n"
                                        "data: {\"type\":\"term\",\"node\":2,\"term\":7}\r\n\r\n")
                          << Events{a, b};
    QTest::newRow("CR only") << QByteArray("data: {\"type\":\"role\",\"node\":1}\r\r"
                                           "data: {\"type\":\"term\",\"node\":2,\"term\":7}\r\r")
                             << Events{a, b};
    QTest::newRow("mixed line ends") << QByteArray("data: {\"type\":\"role\",\"node\":1}\r\n\r"
                                                   "data: {\"type\":\"term\",\"node\":2,\"term\":7}\n\r\n")
                                     << Events{a, b};
    QTest::newRow("comments") << QByteArray(": keep-alive\n\n:\n"
                                            "data: {\"type\":\"role\",\"node\":1}\n"
                                            ": a comment inside an event\n\n"
                                            ": keep-alive\n\n")
                              << Events{a};
    QTest::newRow("multi-line data") << QByteArray("data: {\"type\":\ndata: \"role\",\ndata:\"node\":1}\n\n")
                                     << Events{a};
    QTest::newRow("other fields and garbage lines ignored")
        << QByteArray("event: raft\nid: 17\nretry: 100\ngarbage\n  data: no\n"
                      "data: {\"type\":\"role\",\"node\":1}\n"
                      "datum: x\nDATA: y\n\n")
        << Events{a};
    QTest::newRow("an event without data is none") << QByteArray("event: raft\nid: 3\n\n\n\n") << Events{};
    QTest::newRow("an unfinished event waits")
        << QByteArray("data: {\"type\":\"role\",\"node\":1}\n") << Events{};
    QTest::newRow("data that is not JSON is skipped")
        << QByteArray("data: hello\n\ndata: [1,2]\n\ndata: {\"type\":\"role\",\"node\":1}\n\n") << Events{a};
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF"
                                                   "data: {\"type\":\"role\",\"node\":1}\n\n")
                                     << Events{a};
    QTest::newRow("a field name alone is an empty field")
        << QByteArray("data\ndata: {}\n\n") << Events{QJsonObject()};
    QTest::newRow("unicode") << QByteArray("data: {\"text\":\"n\xC5\x93ud \xE2\x86\x92 3\"}\n\n")
                             << Events{object("{\"text\":\"n\xC5\x93ud \xE2\x86\x92 3\"}")};
}

void TestSseParser::parsesStreams()
{
    QFETCH(QByteArray, stream);
    QFETCH(Events, expected);
    SseParser parser;
    const Events events = parser.feed(stream);
    QVERIFY2(events == expected, show(events) + " != " + show(expected));
}

void TestSseParser::anyChunkingGivesTheSameEvents()
{
    QFETCH(QByteArray, stream);
    QFETCH(Events, expected);
    // One cut at every position, and then every byte on its own.
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        SseParser parser;
        const Events events = feedInPieces(parser, stream, {cut});
        QVERIFY2(events == expected, "cut at " + QByteArray::number(cut) + ": " + show(events));
    }
    QList<qsizetype> everyByte;
    for (qsizetype i = 1; i < stream.size(); ++i)
        everyByte.append(i);
    SseParser parser;
    const Events events = feedInPieces(parser, stream, everyByte);
    QVERIFY2(events == expected, "byte by byte: " + show(events));
    // Two cuts, everywhere, for the short streams: line ends split in every way.
    if (stream.size() <= 80) {
        for (qsizetype first = 0; first <= stream.size(); ++first) {
            for (qsizetype second = first; second <= stream.size(); ++second) {
                SseParser twice;
                QVERIFY(feedInPieces(twice, stream, {first, second}) == expected);
            }
        }
    }
}

void TestSseParser::countsDataThatIsNotAnObject()
{
    SseParser parser;
    QVERIFY(parser.feed("data: hello\n\ndata: [1]\n\ndata: {\"broken\"\n\n").isEmpty());
    QCOMPARE(parser.ignoredEvents(), 3u);
    QCOMPARE(parser.feed("data: {\"ok\":true}\n\n").size(), 1);
    QCOMPARE(parser.ignoredEvents(), 3u);
    QCOMPARE(parser.bufferedBytes(), 0);
}

void TestSseParser::dropsOversizedLinesAndKeepsGoing()
{
    SseParser parser(64);
    const QByteArray huge = "data: {\"x\":\"" + QByteArray(200, 'y') + "\"}\n";
    // The long line arrives in small pieces: the buffer never holds much more than the limit.
    Events events;
    for (qsizetype i = 0; i < huge.size(); i += 10) {
        events += parser.feed(QByteArrayView(huge).sliced(i, std::min<qsizetype>(10, huge.size() - i)));
        QVERIFY(parser.bufferedBytes() <= 64);
    }
    events += parser.feed("data: {\"lost\":1}\n\ndata: {\"next\":2}\n\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.front().value("next").toInt(), 2);
    QCOMPARE(parser.oversizedLines(), 1u);

    // Many data lines that are short each but too much together: dropped as well.
    SseParser lines(64);
    QByteArray many;
    for (int i = 0; i < 20; ++i)
        many += "data: 0123456789\n";
    QVERIFY(lines.feed(many + "\ndata: {}\n\n") == Events{QJsonObject()});
    QCOMPARE(lines.oversizedLines(), 1u);
}

void TestSseParser::resetForgetsAHalfEvent()
{
    SseParser parser;
    QVERIFY(parser.feed("data: {\"half\":").isEmpty());
    QVERIFY(parser.bufferedBytes() > 0);
    parser.reset();
    QCOMPARE(parser.bufferedBytes(), 0);
    const Events events = parser.feed("data: {\"whole\":1}\n\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.front().value("whole").toInt(), 1);

    // A CR at the end of the old stream does not eat the new stream's first LF-ended line.
    SseParser cr;
    QVERIFY(cr.feed("data: {}\r").isEmpty());
    cr.reset();
    QCOMPARE(cr.feed("\ndata: {\"a\":1}\n\n").size(), 1);
}

// What a node actually writes first (observationroutes.cpp), keep-alive comment included.
void TestSseParser::readsANodesFirstEvent()
{
    const QByteArray stream =
        "data: {\"blocked_peers\":[],\"check_quorum\":true,\"cluster\":\"demo\",\"commit_index\":0,"
        "\"id\":2,\"leader_id\":null,\"members\":[1,2,3],\"node\":2,\"role\":\"follower\",\"t_us\":123456,"
        "\"term\":0,\"type\":\"state\",\"voted_for\":null}\n\n"
        ": keep-alive\n\n"
        "data: {\"type\":\"timer\",\"node\":2,\"term\":0,\"t_us\":123460,\"deadline_us\":323460}\n\n";
    SseParser parser;
    const Events events = parser.feed(stream);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[0].value("type").toString(), QStringLiteral("state"));
    QVERIFY(events[0].value("leader_id").isNull());
    QCOMPARE(events[0].value("members").toArray().size(), 3);
    QCOMPARE(events[1].value("deadline_us").toInteger(), 323460);
}

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
