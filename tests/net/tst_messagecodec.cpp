#include "core/random.h"
#include "net/messagecodec.h"

#include <QCborMap>
#include <QCborValue>
#include <QTest>

using namespace raftlab;

class TestMessageCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void malformedIsAnErrorNotACrash_data();
    void malformedIsAnErrorNotACrash();
    void randomBytesNeverCrash();
    void helloRoundTripAndRejects();
};

static bool sameMessage(const Message &a, const Message &b)
{
    return a.type == b.type && a.from == b.from && a.to == b.to && a.term == b.term &&
        a.lastLogIndex == b.lastLogIndex && a.lastLogTerm == b.lastLogTerm &&
        a.leadershipTransfer == b.leadershipTransfer && a.granted == b.granted &&
        a.prevLogIndex == b.prevLogIndex && a.prevLogTerm == b.prevLogTerm && a.entries == b.entries &&
        a.commitIndex == b.commitIndex && a.success == b.success && a.matchIndex == b.matchIndex &&
        a.rejectedIndex == b.rejectedIndex && a.conflictIndex == b.conflictIndex &&
        a.conflictTerm == b.conflictTerm && a.readRound == b.readRound && a.snapshot == b.snapshot &&
        a.snapshotOffset == b.snapshotOffset && a.snapshotTotalBytes == b.snapshotTotalBytes &&
        a.snapshotChunk == b.snapshotChunk && a.snapshotDone == b.snapshotDone &&
        a.snapshotChunkOffset == b.snapshotChunkOffset && a.snapshotChecksum == b.snapshotChecksum;
}

void TestMessageCodec::roundTrip_data()
{
    QTest::addColumn<int>("kind");
    for (int kind = 0; kind < 6; ++kind)
        QTest::newRow(qPrintable(QString::number(kind))) << kind;
}

void TestMessageCodec::roundTrip()
{
    QFETCH(int, kind);
    Message m{.type = MessageType::AppendEntries, .from = NodeId(3), .to = NodeId(5), .term = Term(42)};
    switch (kind) {
    case 0:
        m.type = MessageType::PreVote;
        m.lastLogIndex = LogIndex(1'000'000'000'000ull);
        m.lastLogTerm = Term(41);
        break;
    case 1:
        m.type = MessageType::RequestVoteResponse;
        m.granted = true;
        m.leadershipTransfer = true;
        break;
    case 2:
        m.prevLogIndex = LogIndex(99);
        m.prevLogTerm = Term(40);
        m.commitIndex = LogIndex(98);
        m.entries = {Entry{LogIndex(100), Term(42), EntryType::NoOp, {}},
                     Entry{LogIndex(101), Term(42), EntryType::Command, QByteArray(5000, '\x01')}};
        break;
    case 3:
        m.type = MessageType::AppendEntriesResponse;
        m.rejectedIndex = LogIndex(99);
        m.conflictIndex = LogIndex(90);
        m.conflictTerm = Term(39);
        break;
    case 4:
        m.type = MessageType::InstallSnapshot;
        m.snapshot = SnapshotMeta{LogIndex(500), Term(30)};
        m.snapshotOffset = 1024;
        m.snapshotTotalBytes = 4096;
        m.snapshotChecksum = 0xE306'9283u; // the top bit set: a full 32-bit value survives the trip
        m.snapshotChunk = QByteArray(1024, '\0');
        m.snapshotDone = false;
        break;
    case 5:
        m.snapshotChunkOffset = 4096;
        m.type = MessageType::HeartbeatResponse;
        m.readRound = 77;
        m.success = true;
        m.matchIndex = LogIndex(12);
        break;
    }
    const QByteArray bytes = encodeMessage(m, 0x0003'0000'0017ull);
    Message decoded;
    std::uint64_t traceId = 0;
    const QString error = decodeMessage(bytes, decoded, traceId);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(sameMessage(m, decoded));
    QCOMPARE(traceId, 0x0003'0000'0017ull);
}

void TestMessageCodec::malformedIsAnErrorNotACrash_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const auto cbor = [](const QCborValue &v) {
        return v.toCbor();
    };
    QTest::newRow("not a map") << cbor(QCborValue(5)) << "not a CBOR map";
    QTest::newRow("no type") << cbor(QCborMap{{3, 1}}) << "without a type";
    QTest::newRow("unknown type") << cbor(QCborMap{{0, 99}}) << "unknown message type";
    QTest::newRow("term as text") << cbor(QCborMap{{0, 5}, {3, QStringLiteral("x")}}) << "term";
    QTest::newRow("negative term") << cbor(QCborMap{{0, 5}, {3, -1}}) << "term";
    QTest::newRow("unknown key") << cbor(QCborMap{{0, 5}, {99, 1}}) << "unknown message key";
    QTest::newRow("entry not array") << cbor(QCborMap{{0, 5}, {10, QCborArray{1}}}) << "entry";
    QTest::newRow("entry short") << cbor(QCborMap{{0, 5}, {10, QCborArray{QCborArray{1, 2}}}}) << "entry";
    QTest::newRow("entry bad type") << cbor(QCborMap{{0, 5},
                                                     {10, QCborArray{QCborArray{1, 2, 9, QByteArray("x")}}}})
                                    << "unknown entry type";
    QTest::newRow("checksum too big") << cbor(QCborMap{{0, 9}, {25, qint64(1) << 32}}) << "snapshotChecksum";
    QTest::newRow("node id too big") << cbor(QCborMap{{0, 5}, {1, qint64(1) << 40}}) << "from";
    QTest::newRow("truncated") << cbor(QCborMap{{0, 5}, {3, 7}}).left(3) << "";
    QTest::newRow("trailing bytes") << cbor(QCborMap{{0, 5}}) + QByteArray("zz") << "after the message";
}

void TestMessageCodec::malformedIsAnErrorNotACrash()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    Message m;
    std::uint64_t traceId = 0;
    const QString error = decodeMessage(bytes, m, traceId);
    QVERIFY2(!error.isEmpty(), "malformed input must be rejected");
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestMessageCodec::randomBytesNeverCrash()
{
    Random random(7);
    int rejected = 0;
    for (int i = 0; i < 20000; ++i) {
        QByteArray bytes(static_cast<qsizetype>(random.between(0, 64)), '\0');
        for (char &c : bytes)
            c = static_cast<char>(random.next());
        // Half the time start from a valid message and corrupt one byte.
        if (i % 2 == 0) {
            Message m{
                .type = MessageType::AppendEntries, .from = NodeId(1), .to = NodeId(2), .term = Term(3)};
            m.entries = {Entry{LogIndex(1), Term(3), EntryType::Command, QByteArray("abc")}};
            bytes = encodeMessage(m, 9);
            bytes[static_cast<qsizetype>(random.between(0, bytes.size()))] = static_cast<char>(random.next());
        }
        Message m;
        std::uint64_t traceId = 0;
        rejected += decodeMessage(bytes, m, traceId).isEmpty() ? 0 : 1;
    }
    QVERIFY2(rejected > 10000, "most random inputs are rejected (and none crashed)");
}

void TestMessageCodec::helloRoundTripAndRejects()
{
    Hello hello{QStringLiteral("demo"), NodeId(2), NodeId(3)};
    Hello decoded;
    QVERIFY(decodeHello(encodeHello(hello), decoded).isEmpty());
    QCOMPARE(decoded.cluster, QStringLiteral("demo"));
    QCOMPARE(decoded.from, NodeId(2));
    QCOMPARE(decoded.to, NodeId(3));
    QVERIFY(!decodeHello(QByteArray("GET / HTTP/1.1"), decoded).isEmpty());
    QVERIFY(!decodeHello(encodeMessage(Message{}, 1), decoded).isEmpty());
}

QTEST_GUILESS_MAIN(TestMessageCodec)
#include "tst_messagecodec.moc"
