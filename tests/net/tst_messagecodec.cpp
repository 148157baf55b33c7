#include "core/random.h"
#include "net/framecodec.h"
#include "net/messagecodec.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

using namespace raftlab;

// The largest single allocation through operator new since the last reset: a decoder must not size an
// allocation from a count it read before checking that the input can hold that many items.
namespace {
std::atomic<std::size_t> g_largestAllocation{0};

void *allocate(std::size_t size)
{
    std::size_t seen = g_largestAllocation.load(std::memory_order_relaxed);
    while (size > seen && !g_largestAllocation.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
    }
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
} // namespace

void *operator new(std::size_t size)
{
    return allocate(size);
}
void *operator new[](std::size_t size)
{
    return allocate(size);
}
void operator delete(void *p) noexcept
{
    std::free(p);
}
void operator delete[](void *p) noexcept
{
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void *p, std::size_t) noexcept
{
    std::free(p);
}

class TestMessageCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void encodingIsQtsCborStreamWriters_data();
    void encodingIsQtsCborStreamWriters();
    void malformedIsAnErrorNotACrash_data();
    void malformedIsAnErrorNotACrash();
    void randomBytesNeverCrash();
    void helloRoundTripAndRejects();
    void claimedCountsAllocateNothing_data();
    void claimedCountsAllocateNothing();
    void nonContiguousAppendsAreRefused_data();
    void nonContiguousAppendsAreRefused();
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
    for (int kind = 0; kind < 8; ++kind)
        QTest::newRow(qPrintable(QString::number(kind))) << kind;
}

// One message of each shape the codec writes, by `kind` (0-7).
static Message sampleMessage(int kind)
{
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
    case 6: {
        Membership membership{
            .index = {}, .voters = {NodeId(1), NodeId(2)}, .learners = {NodeId(7)}, .addresses = {}};
        m.prevLogIndex = LogIndex(9);
        m.prevLogTerm = Term(42);
        m.entries = {Entry{LogIndex(10), Term(42), EntryType::Config, membership.encode()}};
        break;
    }
    case 7:
        m.type = MessageType::InstallSnapshot;
        m.snapshot = SnapshotMeta{LogIndex(500), Term(30)};
        m.snapshotTotalBytes = 4;
        m.snapshotChunk = QByteArray(4, 'x');
        m.snapshotDone = true;
        m.snapshotMembership =
            Membership{.index = LogIndex(480), .voters = {NodeId(3)}, .learners = {}, .addresses = {}};
        break;
    }
    return m;
}

void TestMessageCodec::roundTrip()
{
    QFETCH(int, kind);
    const Message m = sampleMessage(kind);
    const QByteArray bytes = encodeMessage(m, 0x0003'0000'0017ull);
    Message decoded;
    std::uint64_t traceId = 0;
    const QString error = decodeMessage(bytes, decoded, traceId);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(sameMessage(m, decoded));
    QVERIFY(m.snapshotMembership == decoded.snapshotMembership);
    QCOMPARE(traceId, 0x0003'0000'0017ull);
    // The transport's frame, built in one buffer, is the length prefix and the same bytes.
    QByteArray frame;
    appendFrame(frame, bytes);
    QCOMPARE(encodeMessageFrame(m, 0x0003'0000'0017ull), frame);
}

// The wire format as QCborStreamWriter writes it (an indefinite-length map of the fields that are not at
// their defaults, in key order): what nodes of earlier builds send and expect.
static QByteArray qtCborEncoding(const Message &m, std::uint64_t traceId)
{
    QByteArray out;
    QCborStreamWriter w(&out);
    const auto number = [&w](quint64 key, quint64 value) {
        if (value != 0) {
            w.append(key);
            w.append(value);
        }
    };
    const auto flag = [&w](quint64 key, bool value) {
        if (value) {
            w.append(key);
            w.append(true);
        }
    };
    w.startMap();
    w.append(quint64(0));
    w.append(static_cast<quint64>(m.type));
    number(1, m.from.value);
    number(2, m.to.value);
    number(3, m.term.value);
    number(4, m.lastLogIndex.value);
    number(5, m.lastLogTerm.value);
    flag(6, m.leadershipTransfer);
    flag(7, m.granted);
    number(8, m.prevLogIndex.value);
    number(9, m.prevLogTerm.value);
    if (!m.entries.empty()) {
        w.append(quint64(10));
        w.startArray(m.entries.size());
        for (const Entry &entry : m.entries) {
            w.startArray(4);
            w.append(static_cast<quint64>(entry.index.value));
            w.append(static_cast<quint64>(entry.term.value));
            w.append(static_cast<quint64>(entry.type));
            w.append(entry.payload);
            w.endArray();
        }
        w.endArray();
    }
    number(11, m.commitIndex.value);
    flag(12, m.success);
    number(13, m.matchIndex.value);
    number(14, m.rejectedIndex.value);
    number(15, m.conflictIndex.value);
    number(16, m.conflictTerm.value);
    number(17, m.readRound);
    if (m.snapshot != SnapshotMeta{}) {
        w.append(quint64(18));
        w.startArray(2);
        w.append(static_cast<quint64>(m.snapshot.index.value));
        w.append(static_cast<quint64>(m.snapshot.term.value));
        w.endArray();
    }
    number(19, m.snapshotOffset);
    number(20, m.snapshotTotalBytes);
    if (m.type == MessageType::InstallSnapshot) {
        w.append(quint64(21));
        w.append(m.snapshotChunk);
    }
    flag(22, m.snapshotDone);
    number(23, traceId);
    number(24, m.snapshotChunkOffset);
    number(25, m.snapshotChecksum);
    if (m.snapshotMembership) {
        w.append(quint64(26));
        w.append(m.snapshotMembership->encode());
    }
    w.endMap();
    return out;
}

void TestMessageCodec::encodingIsQtsCborStreamWriters_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<quint64>("number");
    // Every length of CBOR's integer heads: in the initial byte, then 1, 2, 4 and 8 bytes after it.
    const quint64 numbers[] = {
        0, 1, 23, 24, 255, 256, 65'535, 65'536, 0xFFFF'FFFFull, 0x1'0000'0000ull, ~quint64(0)};
    for (int kind = 0; kind < 8; ++kind)
        for (quint64 number : numbers)
            QTest::addRow("kind %d, %llu", kind, static_cast<unsigned long long>(number)) << kind << number;
}

void TestMessageCodec::encodingIsQtsCborStreamWriters()
{
    QFETCH(int, kind);
    QFETCH(quint64, number);
    Message m = sampleMessage(kind);
    m.term = Term(number);
    m.commitIndex = LogIndex(number);
    m.readRound = number;
    m.snapshotOffset = number;
    if (!m.entries.empty()) {
        m.entries.back().payload.resize(qsizetype(std::min<quint64>(number, 70'000)));
        m.entries.back().term = Term(number);
    }
    QCOMPARE(encodeMessage(m, number).toHex(), qtCborEncoding(m, number).toHex());
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
    QTest::newRow("entry not array") << cbor(QCborMap{{0, 5}, {10, QCborArray{QByteArray(8, 'x')}}})
                                     << "entry is not an array";
    QTest::newRow("entry short") << cbor(QCborMap{{0, 5},
                                                  {10, QCborArray{QCborArray{1, 2, QByteArray(3, 'x')}}}})
                                 << "an entry is not [index, term, type, payload]";
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

void TestMessageCodec::claimedCountsAllocateNothing_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    // {0: AppendEntries, 10: <header>}: the header claims far more than the few bytes after it.
    const auto appendWithEntriesHeader = [](const QByteArray &header, const QByteArray &after = {}) {
        return QByteArray("\xa2\x00\x05\x0a", 4) + header + after;
    };
    QTest::newRow("a million entries") << appendWithEntriesHeader(QByteArray("\x9a\x00\x0f\x42\x40", 5))
                                       << "entries claims 1000000 elements";
    QTest::newRow("a thousand entries in 100 bytes")
        << appendWithEntriesHeader(QByteArray("\x99\x03\xe8", 3), QByteArray(100, '\0'))
        << "entries claims 1000 elements";
    QTest::newRow("too many entries")
        << appendWithEntriesHeader(QByteArray("\x9b\x00\x00\x00\x01\x00\x00\x00\x00", 9))
        << "entries is not an array of at most";
    // {0: InstallSnapshot, 21: bytes claiming 1 TiB}
    QTest::newRow("a terabyte chunk")
        << QByteArray("\xa2\x00\x09\x15\x5b\x00\x00\x01\x00\x00\x00\x00\x00zz", 15)
        << "snapshotChunk claims 1099511627776 bytes";
    // One entry whose payload claims 64 MiB.
    QTest::newRow("a 64 MiB payload")
        << appendWithEntriesHeader(QByteArray("\x81\x84\x01\x01\x01\x5a\x04\x00\x00\x00", 10))
        << "entry payload claims 67108864 bytes";
}

void TestMessageCodec::claimedCountsAllocateNothing()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    Message m;
    std::uint64_t traceId = 0;
    g_largestAllocation = 0;
    const QString error = decodeMessage(bytes, m, traceId);
    const std::size_t largest = g_largestAllocation;
    // The decoder's own bookkeeping (the CBOR reader, an error string) stays well under this.
    QVERIFY2(
        largest < 16 * 1024,
        qPrintable(
            QStringLiteral("a %1-byte message made a %2-byte allocation").arg(bytes.size()).arg(largest)));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestMessageCodec::nonContiguousAppendsAreRefused_data()
{
    QTest::addColumn<quint64>("prevIndex");
    QTest::addColumn<quint64>("prevTerm");
    QTest::addColumn<QList<quint64>>("indexes");
    QTest::addColumn<QList<quint64>>("terms");
    QTest::addColumn<QString>("expected"); // empty: accepted
    using L = QList<quint64>;
    QTest::newRow("contiguous") << 9ull << 2ull << L{10, 11, 12} << L{2, 3, 5} << QString();
    QTest::newRow("from the start") << 0ull << 0ull << L{1, 2} << L{1, 1} << QString();
    QTest::newRow("a gap") << 9ull << 2ull << L{10, 12} << L{2, 2} << "index 12 follows index 10";
    QTest::newRow("not after prev") << 9ull << 2ull << L{11, 12} << L{2, 2} << "index 11 follows index 9";
    QTest::newRow("repeated index") << 9ull << 2ull << L{10, 10} << L{2, 2} << "index 10 follows index 10";
    QTest::newRow("going back") << 9ull << 2ull << L{10, 11, 5} << L{2, 2, 2} << "index 5 follows index 11";
    QTest::newRow("terms go down") << 9ull << 2ull << L{10, 11} << L{3, 2} << "terms go down";
    QTest::newRow("below prevLogTerm") << 9ull << 4ull << L{10} << L{3} << "terms go down";
    QTest::newRow("above the message term") << 9ull << 2ull << L{10} << L{8} << "above the message's term";
    QTest::newRow("past the last index") << 0xFFFFFFFFFFFFFFFFull << 2ull << L{0} << L{2} << "not contiguous";
}

void TestMessageCodec::nonContiguousAppendsAreRefused()
{
    QFETCH(quint64, prevIndex);
    QFETCH(quint64, prevTerm);
    QFETCH(QList<quint64>, indexes);
    QFETCH(QList<quint64>, terms);
    QFETCH(QString, expected);
    Message m{.type = MessageType::AppendEntries, .from = NodeId(1), .to = NodeId(2), .term = Term(5)};
    m.prevLogIndex = LogIndex(prevIndex);
    m.prevLogTerm = Term(prevTerm);
    for (qsizetype i = 0; i < indexes.size(); ++i)
        m.entries.push_back(Entry{LogIndex(indexes[i]), Term(terms[i]), EntryType::Command, QByteArray("x")});
    Message decoded;
    std::uint64_t traceId = 0;
    const QString error = decodeMessage(encodeMessage(m, 1), decoded, traceId);
    if (expected.isEmpty()) {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(sameMessage(m, decoded));
    } else {
        QVERIFY2(error.contains(expected), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestMessageCodec)
#include "tst_messagecodec.moc"
