// Relay frames (net/relaycodec.h): the client writes a follower relays to its leader, and their outcomes,
// round-trip exactly; they are told from messages by their first byte; and anything malformed is refused
// with a reason, as for messages.
#include "net/framecodec.h"
#include "net/messagecodec.h"
#include "net/relaycodec.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QTest>

using namespace raftlab;

namespace {

// The payload of a whole frame: what the receiving connection decodes.
QByteArray payloadOf(const QByteArray &frame)
{
    FrameDecoder decoder(64u << 20);
    decoder.feed(frame);
    QByteArray payload;
    if (decoder.take(payload) != FrameDecoder::Status::Frame || decoder.bufferedBytes() != 0)
        return {};
    return payload;
}

} // namespace

class TestRelayCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesRoundTrip();
    void outcomesRoundTrip();
    void relayFramesAreToldFromMessages();
    void malformedFramesAreRefused_data();
    void malformedFramesAreRefused();
};

void TestRelayCodec::writesRoundTrip()
{
    std::vector<RelayedWrite> writes{{1, "a"},
                                     {23, QByteArray()},
                                     {24, QByteArray(300, '\0')},
                                     {0xFFFFFFFFFFFFull, QByteArray(70'000, 'v')}};
    for (std::size_t count : {std::size_t(0), std::size_t(1), writes.size()}) {
        const std::vector<RelayedWrite> some(writes.begin(), writes.begin() + std::ptrdiff_t(count));
        const QByteArray payload = payloadOf(encodeRelayedWritesFrame(some));
        QVERIFY(!payload.isEmpty());
        RelayFrame frame;
        QCOMPARE(decodeRelayFrame(payload, frame), QString());
        QCOMPARE(frame.kind, RelayFrame::Kind::Writes);
        QCOMPARE(frame.writes.size(), count);
        for (std::size_t i = 0; i < count; ++i) {
            QCOMPARE(frame.writes[i].id, some[i].id);
            QCOMPARE(frame.writes[i].command, some[i].command);
        }
        // Standard CBOR: what Qt reads is the documented shape.
        const QCborArray array = QCborValue::fromCbor(payload).toArray();
        QCOMPARE(array.size(), qsizetype(1 + 2 * count));
        QCOMPARE(array.at(0).toInteger(), 0);
    }
}

void TestRelayCodec::outcomesRoundTrip()
{
    const std::vector<RelayedOutcome> outcomes{
        {5, 0, 120, 3, 2, {}},
        {6, 7, 0xFFFFFFFFFFull, 1ull << 40, 0xFFFFFFFFu, QStringLiteral("disk full: écrire a échoué")},
        {7, maxRelayStatus, 0, 0, 0, {}}};
    RelayFrame frame;
    QCOMPARE(decodeRelayFrame(payloadOf(encodeRelayedOutcomesFrame(outcomes)), frame), QString());
    QCOMPARE(frame.kind, RelayFrame::Kind::Outcomes);
    QCOMPARE(frame.outcomes.size(), outcomes.size());
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        QCOMPARE(frame.outcomes[i].id, outcomes[i].id);
        QCOMPARE(frame.outcomes[i].status, outcomes[i].status);
        QCOMPARE(frame.outcomes[i].index, outcomes[i].index);
        QCOMPARE(frame.outcomes[i].term, outcomes[i].term);
        QCOMPARE(frame.outcomes[i].leader, outcomes[i].leader);
        QCOMPARE(frame.outcomes[i].reason, outcomes[i].reason);
    }
}

void TestRelayCodec::relayFramesAreToldFromMessages()
{
    const Message append{
        .type = MessageType::AppendEntries, .from = NodeId(1), .to = NodeId(2), .term = Term(3)};
    QVERIFY(!isRelayFrame(encodeMessage(append, 9)));
    QVERIFY(!isRelayFrame(encodeHello(Hello{QStringLiteral("demo"), NodeId(1), NodeId(2), {}})));
    QVERIFY(!isRelayFrame(QByteArray()));
    QVERIFY(isRelayFrame(payloadOf(encodeRelayedWritesFrame({}))));
    QVERIFY(isRelayFrame(payloadOf(encodeRelayedOutcomesFrame({RelayedOutcome{}}))));
    // A relay frame is no message: decoding it as one fails.
    Message message;
    std::uint64_t traceId = 0;
    QVERIFY(!decodeMessage(payloadOf(encodeRelayedWritesFrame(std::vector<RelayedWrite>{{1, "x"}})), message,
                           traceId)
                 .isEmpty());
}

void TestRelayCodec::malformedFramesAreRefused_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("reason");
    const auto cbor = [](const QCborArray &array) {
        return QCborValue(array).toCbor();
    };
    QTest::newRow("empty array") << cbor({}) << QStringLiteral("empty");
    QTest::newRow("unknown kind") << cbor({2}) << QStringLiteral("unknown relay frame kind 2");
    QTest::newRow("kind not a number") << cbor({QStringLiteral("writes")}) << QStringLiteral("kind");
    QTest::newRow("odd writes") << cbor({0, 1}) << QStringLiteral("pairs");
    QTest::newRow("id not a number") << cbor({0, QStringLiteral("1"), QByteArray("x")})
                                     << QStringLiteral("id");
    QTest::newRow("command as text") << cbor({0, 1, QStringLiteral("x")}) << QStringLiteral("command");
    QTest::newRow("short outcome") << cbor({1, QCborArray{1, 0, 2, 3, 1}}) << QStringLiteral("[id, status");
    QTest::newRow("unknown status") << cbor({1, QCborArray{1, 16, 2, 3, 1, QString()}})
                                    << QStringLiteral("unknown outcome status 16");
    QTest::newRow("leader too large") << cbor({1, QCborArray{1, 0, 2, 3, qint64(1) << 32, QString()}})
                                      << QStringLiteral("leader is out of range");
    QTest::newRow("reason as bytes") << cbor({1, QCborArray{1, 0, 2, 3, 1, QByteArray()}})
                                     << QStringLiteral("reason");
    QTest::newRow("trailing bytes") << cbor({0}) + QByteArray(1, '\0') << QStringLiteral("follow");
    QTest::newRow("truncated") << cbor({0, 1, QByteArray(40, 'x')}).chopped(5) << QString();
    QTest::newRow("length past the end") << QByteArray("\x9a\x00\x0f\x42\x40\x00", 6) << QString();
    QTest::newRow("a map") << QCborValue(QCborMap{{0, 1}}).toCbor() << QString();
}

void TestRelayCodec::malformedFramesAreRefused()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, reason);
    RelayFrame frame;
    const QString error = decodeRelayFrame(payload, frame);
    QVERIFY2(!error.isEmpty(), "accepted");
    QVERIFY2(error.contains(reason), qPrintable(error));
}

QTEST_APPLESS_MAIN(TestRelayCodec)
#include "tst_relaycodec.moc"
