#include "messagecodec.h"

#include "cborreader.h"
#include "cborwriter.h"

#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>

#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <limits>

namespace raftlab {

namespace {

enum Key : quint64 {
    KeyType = 0,
    KeyFrom,
    KeyTo,
    KeyTerm,
    KeyLastLogIndex,
    KeyLastLogTerm,
    KeyLeadershipTransfer,
    KeyGranted,
    KeyPrevLogIndex,
    KeyPrevLogTerm,
    KeyEntries,
    KeyCommitIndex,
    KeySuccess,
    KeyMatchIndex,
    KeyRejectedIndex,
    KeyConflictIndex,
    KeyConflictTerm,
    KeyReadRound,
    KeySnapshot,
    KeySnapshotOffset,
    KeySnapshotTotalBytes,
    KeySnapshotChunk,
    KeySnapshotDone,
    KeyTraceId,
    KeySnapshotChunkOffset,
    KeySnapshotChecksum,
    KeySnapshotMembership, // the configuration a snapshot carries (Membership::encode()), when it has one
};

constexpr quint64 maxEntriesPerMessage = 1'000'000;
// The smallest entry on the wire: a 4-element array header, three one-byte integers, an empty byte string.
constexpr quint64 minEntryBytes = 5;
constexpr std::uint32_t maxNodeIdValue = 0xFFFFFFFFu;

// A message is an indefinite-length map (as QCborStreamWriter writes one) whose keys are small integers.
class Writer : public CborWriter
{
public:
    using CborWriter::CborWriter;
    void number(Key key, quint64 value)
    {
        if (value != 0) {
            append(static_cast<quint64>(key));
            append(value);
        }
    }
    void flag(Key key, bool value)
    {
        if (value) {
            append(static_cast<quint64>(key));
            append(true);
        }
    }
    void key(Key key) { append(static_cast<quint64>(key)); }
};

NodeId nodeId(CborReader &reader, const char *what)
{
    const quint64 value = reader.unsignedInteger(what);
    if (value > maxNodeIdValue)
        reader.fail(QStringLiteral("%1 is out of range").arg(QLatin1String(what)));
    return NodeId(static_cast<std::uint32_t>(value));
}

void readEntries(CborReader &reader, Entries &entries)
{
    const quint64 count = reader.enterArray("entries", maxEntriesPerMessage, minEntryBytes);
    entries.reserve(static_cast<std::size_t>(count));
    for (quint64 i = 0; i < count && reader.ok(); ++i) {
        if (reader.enterArray("entry", 4) != 4 || !reader.ok()) {
            reader.fail(QStringLiteral("an entry is not [index, term, type, payload]"));
            return;
        }
        Entry entry;
        entry.index = LogIndex(reader.unsignedInteger("entry index"));
        entry.term = Term(reader.unsignedInteger("entry term"));
        const quint64 type = reader.unsignedInteger("entry type");
        if (type != static_cast<quint64>(EntryType::Command) &&
            type != static_cast<quint64>(EntryType::NoOp) && type != static_cast<quint64>(EntryType::Config))
            reader.fail(QStringLiteral("unknown entry type %1").arg(type));
        entry.type = static_cast<EntryType>(type);
        entry.payload = reader.bytes("entry payload");
        if (reader.ok() && entry.type == EntryType::Config && !Membership::decode(entry.payload))
            reader.fail(
                QStringLiteral("entry %1 is a configuration that does not decode").arg(entry.index.value));
        reader.leave();
        entries.push_back(std::move(entry));
    }
    if (reader.ok())
        reader.leave();
}

// The entries of a message continue the sender's log right after prevLogIndex, one index at a time, with
// terms that never go down (from prevLogTerm on) and never exceed the sender's term: a leader's log has
// that shape, and the follower's log relies on it. Empty when they do, else what is wrong.
QString entriesProblem(const Message &m)
{
    std::uint64_t previousIndex = m.prevLogIndex.value;
    Term previousTerm = m.prevLogTerm;
    for (const Entry &entry : m.entries) {
        if (previousIndex == std::numeric_limits<std::uint64_t>::max() ||
            entry.index.value != previousIndex + 1)
            return QStringLiteral("entries are not contiguous: index %1 follows index %2")
                .arg(entry.index.value)
                .arg(previousIndex);
        if (entry.term < previousTerm)
            return QStringLiteral("entry terms go down: index %1 has term %2 after term %3")
                .arg(entry.index.value)
                .arg(entry.term.value)
                .arg(previousTerm.value);
        if (entry.term > m.term)
            return QStringLiteral("entry %1 has term %2, above the message's term %3")
                .arg(entry.index.value)
                .arg(entry.term.value)
                .arg(m.term.value);
        previousIndex = entry.index.value;
        previousTerm = entry.term;
    }
    return QString();
}

} // namespace

namespace {

// Enough room for `m` encoded: every fixed field at its largest CBOR size (a key and a 64-bit value:
// 10 bytes) and, per entry, its array header, three integers and the byte string's header; a snapshot's
// chunk and its membership (`membership`, encoded) with their headers.
qsizetype encodedSizeBound(const Message &m, const QByteArray &membership)
{
    constexpr qsizetype fixedFields = 32 * 10 + 16;
    constexpr qsizetype perEntry = 1 + 3 * 9 + 9;
    qsizetype bytes = fixedFields + m.snapshotChunk.size() + membership.size();
    for (const Entry &entry : m.entries)
        bytes += perEntry + entry.payload.size();
    return bytes;
}

// Appends `m` in CBOR to `out`.
void writeMessage(QByteArray &out, const Message &m, std::uint64_t traceId)
{
    const QByteArray membership = m.snapshotMembership ? m.snapshotMembership->encode() : QByteArray();
    const qsizetype start = out.size();
    out.resize(start + encodedSizeBound(m, membership)); // uninitialised room, one allocation at most
    Writer w(out.data() + start);
    w.startMap();
    w.key(KeyType);
    w.append(static_cast<quint64>(m.type));
    w.number(KeyFrom, m.from.value);
    w.number(KeyTo, m.to.value);
    w.number(KeyTerm, m.term.value);
    w.number(KeyLastLogIndex, m.lastLogIndex.value);
    w.number(KeyLastLogTerm, m.lastLogTerm.value);
    w.flag(KeyLeadershipTransfer, m.leadershipTransfer);
    w.flag(KeyGranted, m.granted);
    w.number(KeyPrevLogIndex, m.prevLogIndex.value);
    w.number(KeyPrevLogTerm, m.prevLogTerm.value);
    if (!m.entries.empty()) {
        w.key(KeyEntries);
        w.startArray(m.entries.size());
        for (const Entry &entry : m.entries) {
            w.startArray(4);
            w.append(static_cast<quint64>(entry.index.value));
            w.append(static_cast<quint64>(entry.term.value));
            w.append(static_cast<quint64>(entry.type));
            w.append(entry.payload);
        }
    }
    w.number(KeyCommitIndex, m.commitIndex.value);
    w.flag(KeySuccess, m.success);
    w.number(KeyMatchIndex, m.matchIndex.value);
    w.number(KeyRejectedIndex, m.rejectedIndex.value);
    w.number(KeyConflictIndex, m.conflictIndex.value);
    w.number(KeyConflictTerm, m.conflictTerm.value);
    w.number(KeyReadRound, m.readRound);
    if (m.snapshot != SnapshotMeta{}) {
        w.key(KeySnapshot);
        w.startArray(2);
        w.append(static_cast<quint64>(m.snapshot.index.value));
        w.append(static_cast<quint64>(m.snapshot.term.value));
    }
    w.number(KeySnapshotOffset, m.snapshotOffset);
    w.number(KeySnapshotTotalBytes, m.snapshotTotalBytes);
    if (m.type == MessageType::InstallSnapshot) {
        w.key(KeySnapshotChunk);
        w.append(m.snapshotChunk);
    }
    w.flag(KeySnapshotDone, m.snapshotDone);
    w.number(KeyTraceId, traceId);
    w.number(KeySnapshotChunkOffset, m.snapshotChunkOffset);
    w.number(KeySnapshotChecksum, m.snapshotChecksum);
    if (m.snapshotMembership) {
        w.key(KeySnapshotMembership);
        w.append(membership);
    }
    w.endMap();
    out.resize(w.end() - out.constData());
}

} // namespace

QByteArray encodeMessage(const Message &m, std::uint64_t traceId)
{
    QByteArray out;
    writeMessage(out, m, traceId);
    return out;
}

QByteArray encodeMessageFrame(const Message &m, std::uint64_t traceId)
{
    // The length prefix (framecodec.h) is written last, in place: one buffer, no copy of the payload.
    constexpr qsizetype prefixBytes = 4;
    QByteArray frame(prefixBytes, Qt::Uninitialized);
    writeMessage(frame, m, traceId);
    qToBigEndian<quint32>(static_cast<quint32>(frame.size() - prefixBytes), frame.data());
    return frame;
}

QString decodeMessage(const QByteArray &bytes, Message &m, std::uint64_t &traceId)
{
    m = Message{};
    traceId = 0;
    CborReader r(bytes);
    if (!r.stream().isMap())
        return QStringLiteral("a message is not a CBOR map");
    r.stream().enterContainer();
    bool sawType = false;
    while (r.ok() && r.stream().hasNext()) {
        const quint64 key = r.unsignedInteger("a message key");
        switch (key) {
        case KeyType: {
            const quint64 type = r.unsignedInteger("type");
            if (type < static_cast<quint64>(MessageType::PreVote) ||
                type > static_cast<quint64>(MessageType::TimeoutNow))
                r.fail(QStringLiteral("unknown message type %1").arg(type));
            m.type = static_cast<MessageType>(type);
            sawType = true;
            break;
        }
        case KeyFrom:
            m.from = nodeId(r, "from");
            break;
        case KeyTo:
            m.to = nodeId(r, "to");
            break;
        case KeyTerm:
            m.term = Term(r.unsignedInteger("term"));
            break;
        case KeyLastLogIndex:
            m.lastLogIndex = LogIndex(r.unsignedInteger("lastLogIndex"));
            break;
        case KeyLastLogTerm:
            m.lastLogTerm = Term(r.unsignedInteger("lastLogTerm"));
            break;
        case KeyLeadershipTransfer:
            m.leadershipTransfer = r.boolean("leadershipTransfer");
            break;
        case KeyGranted:
            m.granted = r.boolean("granted");
            break;
        case KeyPrevLogIndex:
            m.prevLogIndex = LogIndex(r.unsignedInteger("prevLogIndex"));
            break;
        case KeyPrevLogTerm:
            m.prevLogTerm = Term(r.unsignedInteger("prevLogTerm"));
            break;
        case KeyEntries:
            readEntries(r, m.entries);
            break;
        case KeyCommitIndex:
            m.commitIndex = LogIndex(r.unsignedInteger("commitIndex"));
            break;
        case KeySuccess:
            m.success = r.boolean("success");
            break;
        case KeyMatchIndex:
            m.matchIndex = LogIndex(r.unsignedInteger("matchIndex"));
            break;
        case KeyRejectedIndex:
            m.rejectedIndex = LogIndex(r.unsignedInteger("rejectedIndex"));
            break;
        case KeyConflictIndex:
            m.conflictIndex = LogIndex(r.unsignedInteger("conflictIndex"));
            break;
        case KeyConflictTerm:
            m.conflictTerm = Term(r.unsignedInteger("conflictTerm"));
            break;
        case KeyReadRound:
            m.readRound = r.unsignedInteger("readRound");
            break;
        case KeySnapshot:
            if (r.enterArray("snapshot", 2) != 2) {
                r.fail(QStringLiteral("snapshot is not [index, term]"));
                break;
            }
            m.snapshot.index = LogIndex(r.unsignedInteger("snapshot index"));
            m.snapshot.term = Term(r.unsignedInteger("snapshot term"));
            if (r.ok())
                r.leave();
            break;
        case KeySnapshotOffset:
            m.snapshotOffset = r.unsignedInteger("snapshotOffset");
            break;
        case KeySnapshotTotalBytes:
            m.snapshotTotalBytes = r.unsignedInteger("snapshotTotalBytes");
            break;
        case KeySnapshotChunk:
            m.snapshotChunk = r.bytes("snapshotChunk");
            break;
        case KeySnapshotDone:
            m.snapshotDone = r.boolean("snapshotDone");
            break;
        case KeySnapshotChunkOffset:
            m.snapshotChunkOffset = r.unsignedInteger("snapshotChunkOffset");
            break;
        case KeySnapshotChecksum: {
            const quint64 checksum = r.unsignedInteger("snapshotChecksum");
            if (checksum > 0xFFFFFFFFu)
                r.fail(QStringLiteral("snapshotChecksum %1 is not a CRC-32C").arg(checksum));
            m.snapshotChecksum = static_cast<std::uint32_t>(checksum);
            break;
        }
        case KeySnapshotMembership: {
            const QByteArray bytes = r.bytes("snapshotMembership");
            if (!r.ok())
                break;
            m.snapshotMembership = Membership::decode(bytes);
            if (!m.snapshotMembership)
                r.fail(QStringLiteral("snapshotMembership is not a configuration"));
            break;
        }
        case KeyTraceId:
            traceId = r.unsignedInteger("trace id");
            break;
        default:
            r.fail(QStringLiteral("unknown message key %1").arg(key));
            break;
        }
    }
    if (r.ok())
        r.stream().leaveContainer();
    if (!r.ok())
        return r.error();
    if (!sawType)
        return QStringLiteral("a message without a type");
    if (r.stream().currentOffset() != bytes.size())
        return QStringLiteral("bytes after the message");
    return entriesProblem(m);
}

QByteArray encodeHello(const Hello &hello)
{
    QCborMap map;
    map[QStringLiteral("hello")] = QStringLiteral("raftlab");
    map[QStringLiteral("version")] = 1;
    map[QStringLiteral("cluster")] = hello.cluster;
    map[QStringLiteral("from")] = static_cast<qint64>(hello.from.value);
    map[QStringLiteral("to")] = static_cast<qint64>(hello.to.value);
    if (!hello.proof.isEmpty())
        map[QStringLiteral("proof")] = hello.proof;
    return map.toCborValue().toCbor();
}

QString decodeHello(const QByteArray &bytes, Hello &hello)
{
    QCborParserError error;
    const QCborValue value = QCborValue::fromCbor(bytes, &error);
    if (error.error != QCborError::NoError || !value.isMap())
        return QStringLiteral("the first frame is not a RaftLab hello");
    const QCborMap map = value.toMap();
    if (map.value(QStringLiteral("hello")).toString() != QLatin1String("raftlab"))
        return QStringLiteral("the first frame is not a RaftLab hello");
    // Integers only, 0 for anything else: QCborValue::toInteger() of a double beyond qint64 (a CBOR
    // integer above 2^63 decodes as one) is undefined behaviour in Qt 6.4.
    const auto integer = [&map](const QString &key) {
        const QCborValue value = map.value(key);
        return value.isInteger() ? value.toInteger() : 0;
    };
    if (integer(QStringLiteral("version")) != 1)
        return QStringLiteral("unsupported protocol version %1").arg(integer(QStringLiteral("version")));
    const qint64 from = integer(QStringLiteral("from"));
    const qint64 to = integer(QStringLiteral("to"));
    if (from <= 0 || from > maxNodeIdValue || to <= 0 || to > maxNodeIdValue)
        return QStringLiteral("the hello names no valid node ids");
    const QCborValue proof = map.value(QStringLiteral("proof"));
    if (!proof.isUndefined() && (!proof.isByteArray() || proof.toByteArray().isEmpty()))
        return QStringLiteral("the hello's proof is not a byte string");
    hello.cluster = map.value(QStringLiteral("cluster")).toString();
    hello.proof = proof.toByteArray();
    hello.from = NodeId(static_cast<std::uint32_t>(from));
    hello.to = NodeId(static_cast<std::uint32_t>(to));
    return QString();
}

} // namespace raftlab
