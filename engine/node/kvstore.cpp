#include "kvstore.h"

#include "net/cborwriter.h"

#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>
#include <QStringDecoder>
#include <QtEndian>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace raftlab {

namespace {

constexpr qint64 snapshotFormat = 1;

enum CommandTag : quint8 {
    PutTag = 0x01,
    DeleteTag = 0x02,
    PutIfValueTag = 0x03,
    PutIfAbsentTag = 0x04,
    DeleteIfValueTag = 0x05,
};
constexpr qsizetype commandHeaderBytes = 5; // tag and key length
constexpr qsizetype lengthBytes = 4;

QByteArray encodeCommand(CommandTag tag, const QByteArray &key, const QByteArray &value)
{
    QByteArray out(commandHeaderBytes + key.size() + value.size(), Qt::Uninitialized);
    char *at = out.data();
    *at = static_cast<char>(tag);
    qToLittleEndian<quint32>(static_cast<quint32>(key.size()), at + 1);
    std::memcpy(at + commandHeaderBytes, key.constData(), static_cast<std::size_t>(key.size()));
    if (!value.isEmpty())
        std::memcpy(at + commandHeaderBytes + key.size(), value.constData(),
                    static_cast<std::size_t>(value.size()));
    return out;
}

// A conditional command: tag, key length, key, then (put-if-value only) the expected value's length, and
// the expected value and the new value in that order, each only where the command has one.
QByteArray encodeConditional(CommandTag tag, const QByteArray &key, const QByteArray &expected,
                             const QByteArray &value)
{
    const bool expectedLength = tag == PutIfValueTag;
    QByteArray out;
    out.reserve(commandHeaderBytes + key.size() + (expectedLength ? lengthBytes : 0) + expected.size() +
                value.size());
    char header[commandHeaderBytes];
    header[0] = static_cast<char>(tag);
    qToLittleEndian<quint32>(static_cast<quint32>(key.size()), header + 1);
    out.append(header, commandHeaderBytes);
    out.append(key);
    if (expectedLength) {
        char length[lengthBytes];
        qToLittleEndian<quint32>(static_cast<quint32>(expected.size()), length);
        out.append(length, lengthBytes);
    }
    out.append(expected);
    out.append(value);
    return out;
}

[[noreturn]] void brokenInvariant(const char *what, LogIndex expected, LogIndex got)
{
    // A programmer error, not an operating error: stop with context.
    std::fprintf(stderr, "raftlab.node: KvStore: broken invariant: %s (expected index %llu, got %llu)\n",
                 what, static_cast<unsigned long long>(expected.value),
                 static_cast<unsigned long long>(got.value));
    std::abort();
}

[[noreturn]] void brokenInvariant(const char *what)
{
    std::fprintf(stderr, "raftlab.node: KvStore: broken invariant: %s\n", what);
    std::abort();
}

// What one pair adds to a snapshot: its key and its value as CBOR byte strings.
qsizetype encodedPairBytes(const QByteArray &key, const QByteArray &value)
{
    return CborWriter::bytesFor(key.size()) + CborWriter::bytesFor(value.size());
}

// The snapshot's map head, up to the pairs' own head; returns the end of what it wrote.
constexpr qsizetype snapshotHeaderMaxBytes = 64;
char *writeSnapshotHeader(char *at, LogIndex index, qsizetype pairs)
{
    CborWriter writer(at);
    writer.startMap(3);
    writer.appendAscii(QLatin1StringView("format"));
    writer.append(static_cast<quint64>(snapshotFormat));
    writer.appendAscii(QLatin1StringView("applied_index"));
    writer.append(static_cast<quint64>(index.value));
    writer.appendAscii(QLatin1StringView("pairs"));
    writer.startMap(static_cast<quint64>(pairs));
    return writer.end();
}

// The snapshot format of the top of kvstore.h; `forEachPair(f)` calls f(key, value) in key order, for pairs
// whose encodedPairBytes() add up to `pairBytes`.
template<typename ForEachPair>
QByteArray encodeSnapshot(LogIndex index, qsizetype pairs, qsizetype pairBytes, ForEachPair &&forEachPair)
{
    // Sized once, from what the store counts as it applies: growing the buffer by doubling made every
    // snapshot touch and copy three to four times its size (at a million keys, 490 MB of fresh pages for
    // 132 MB, two thirds of the encoding's time in page faults and copies).
    QByteArray bytes(snapshotHeaderMaxBytes + pairBytes, Qt::Uninitialized);
    char *at = writeSnapshotHeader(bytes.data(), index, pairs);
    const char *const end = bytes.constData() + bytes.size();
    forEachPair([&](const QByteArray &key, const QByteArray &value) {
        if (end - at < encodedPairBytes(key, value))
            brokenInvariant("a snapshot's pairs encode to more bytes than the store counted");
        CborWriter writer(at);
        writer.append(key);
        writer.append(value);
        at = writer.end();
    });
    bytes.truncate(at - bytes.constData()); // at most snapshotHeaderMaxBytes short: no copy to squeeze it
    return bytes;
}

// Exactly one CBOR data item and nothing after it; `why` says what is wrong otherwise.
std::optional<QCborValue> decodeWhole(const QByteArray &bytes, QString &why)
{
    QCborStreamReader reader(bytes);
    const QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError) {
        why = QStringLiteral("not valid CBOR (%1)").arg(reader.lastError().toString());
        return std::nullopt;
    }
    if (reader.currentOffset() != bytes.size()) {
        why = QStringLiteral("%1 bytes after the CBOR value").arg(bytes.size() - reader.currentOffset());
        return std::nullopt;
    }
    return value;
}

} // namespace

KvStore::KvStore(const KvStore &other)
    : m_size(other.m_size)
    , m_pairBytes(other.m_pairBytes)
    , m_appliedIndex(other.m_appliedIndex)
{
    other.forEachPair([this](const QByteArray &key, const QByteArray &value) {
        m_pairs->emplace_hint(m_pairs->end(), key, value);
    });
}

KvStore &KvStore::operator=(const KvStore &other)
{
    if (this != &other) {
        KvStore copy(other);
        swap(copy);
    }
    return *this;
}

KvStore::KvStore(KvStore &&other)
{
    swap(other);
}

KvStore &KvStore::operator=(KvStore &&other)
{
    KvStore taken(std::move(other));
    swap(taken);
    return *this;
}

void KvStore::swap(KvStore &other) noexcept
{
    std::swap(m_pairs, other.m_pairs);
    std::swap(m_overlay, other.m_overlay);
    std::swap(m_frozen, other.m_frozen);
    std::swap(m_freezeId, other.m_freezeId);
    std::swap(m_size, other.m_size);
    std::swap(m_pairBytes, other.m_pairBytes);
    std::swap(m_appliedIndex, other.m_appliedIndex);
}

QByteArray KvStore::encodePut(const QByteArray &key, const QByteArray &value)
{
    return encodeCommand(PutTag, key, value);
}

QByteArray KvStore::encodeDelete(const QByteArray &key)
{
    return encodeCommand(DeleteTag, key, QByteArray());
}

QByteArray KvStore::encodePutIfValue(const QByteArray &key, const QByteArray &expected,
                                     const QByteArray &value)
{
    return encodeConditional(PutIfValueTag, key, expected, value);
}

QByteArray KvStore::encodePutIfAbsent(const QByteArray &key, const QByteArray &value)
{
    return encodeConditional(PutIfAbsentTag, key, QByteArray(), value);
}

QByteArray KvStore::encodeDeleteIfValue(const QByteArray &key, const QByteArray &expected)
{
    return encodeConditional(DeleteIfValueTag, key, expected, QByteArray());
}

QString KvStore::decodeCommand(const QByteArray &payload, KvCommand &out)
{
    if (payload.isEmpty())
        return QStringLiteral("the command is empty");
    const auto tag = static_cast<quint8>(payload.front());
    if (tag < PutTag || tag > DeleteIfValueTag)
        return QStringLiteral("the command starts with 0x%1, not a command tag (0x01 to 0x05)")
            .arg(tag, 2, 16, QLatin1Char('0'));
    if (payload.size() < commandHeaderBytes)
        return QStringLiteral("the command is %1 bytes, too short for a key length").arg(payload.size());
    const quint32 keyBytes = qFromLittleEndian<quint32>(payload.constData() + 1);
    const qsizetype rest = payload.size() - commandHeaderBytes;
    if (keyBytes > static_cast<quint64>(rest))
        return QStringLiteral("the command's key of %1 bytes runs past its end (%2 bytes left)")
            .arg(keyBytes)
            .arg(rest);
    const qsizetype afterKey = commandHeaderBytes + keyBytes;
    switch (tag) {
    case PutTag:
        out.operation = KvOperation::Put;
        out.condition = KvCondition::None;
        out.value = payload.mid(afterKey);
        out.expected.clear();
        break;
    case DeleteTag:
        if (static_cast<qsizetype>(keyBytes) != rest)
            return QStringLiteral("the delete has %1 bytes after its key").arg(rest - keyBytes);
        out.operation = KvOperation::Delete;
        out.condition = KvCondition::None;
        out.value.clear();
        out.expected.clear();
        break;
    case PutIfValueTag: {
        const qsizetype left = payload.size() - afterKey;
        if (left < lengthBytes)
            return QStringLiteral("the put-if-value has %1 bytes after its key, too short for the expected "
                                  "value's length")
                .arg(left);
        const quint32 expectedBytes = qFromLittleEndian<quint32>(payload.constData() + afterKey);
        if (expectedBytes > static_cast<quint64>(left - lengthBytes))
            return QStringLiteral("the put-if-value's expected value of %1 bytes runs past its end (%2 bytes "
                                  "left)")
                .arg(expectedBytes)
                .arg(left - lengthBytes);
        out.operation = KvOperation::Put;
        out.condition = KvCondition::IfValue;
        out.expected = payload.mid(afterKey + lengthBytes, expectedBytes);
        out.value = payload.mid(afterKey + lengthBytes + expectedBytes);
        break;
    }
    case PutIfAbsentTag:
        out.operation = KvOperation::Put;
        out.condition = KvCondition::IfAbsent;
        out.value = payload.mid(afterKey);
        out.expected.clear();
        break;
    default: // DeleteIfValueTag
        out.operation = KvOperation::Delete;
        out.condition = KvCondition::IfValue;
        out.expected = payload.mid(afterKey);
        out.value.clear();
        break;
    }
    out.key = payload.mid(commandHeaderBytes, keyBytes);
    return QString();
}

QString KvStore::validateKey(const QByteArray &key)
{
    if (key.isEmpty())
        return QStringLiteral("the key is empty");
    if (key.size() > maxKeyBytes)
        return QStringLiteral("the key is %1 bytes, longer than %2").arg(key.size()).arg(maxKeyBytes);
    if (key.contains('/'))
        return QStringLiteral("the key contains '/'");
    // ASCII is UTF-8 as it is (nearly every key): only other bytes go through a decoder, which builds a
    // QString to find out.
    if (std::all_of(key.begin(), key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return QString();
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(key); // the decoding happens here, in the conversion
    if (decoder.hasError())
        return QStringLiteral("the key is not valid UTF-8");
    return QString();
}

QString KvStore::validateValueSize(qsizetype bytes)
{
    if (bytes < 0)
        return QStringLiteral("the value size %1 is negative").arg(bytes);
    if (bytes > maxValueBytes)
        return QStringLiteral("the value is %1 bytes, larger than 1 MiB (%2 bytes)")
            .arg(bytes)
            .arg(maxValueBytes);
    return QString();
}

ApplyResult KvStore::apply(const Entry &entry)
{
    if (entry.index != m_appliedIndex.next())
        brokenInvariant("entries must be applied in log order without gaps", m_appliedIndex.next(),
                        entry.index);
    m_appliedIndex = entry.index;

    ApplyResult result;
    result.index = entry.index;
    switch (entry.type) {
    case EntryType::NoOp:
    case EntryType::Config: // the core's business: nothing for the store
        result.status = ApplyResult::Status::NoOp;
        return result;
    case EntryType::Command:
        break;
    default:
        result.status = ApplyResult::Status::Skipped;
        result.reason = QStringLiteral("unknown entry type %1").arg(static_cast<int>(entry.type));
        return result;
    }

    KvCommand command;
    if (QString why = decodeCommand(entry.payload, command); !why.isEmpty()) {
        result.status = ApplyResult::Status::Skipped;
        result.reason = why;
        return result;
    }
    result.status = ApplyResult::Status::Applied;
    result.operation = command.operation;
    result.key = command.key;
    if (command.condition != KvCondition::None && !conditionHolds(command)) {
        result.status = ApplyResult::Status::CompareFailed;
        result.keyExisted = get(command.key).has_value();
        return result;
    }
    const bool put = command.operation == KvOperation::Put;
    const qsizetype putBytes = put ? encodedPairBytes(command.key, command.value) : 0;
    qsizetype replacedBytes = 0; // of the pair this entry replaces or deletes
    if (!m_frozen) {
        const auto found = m_pairs->find(command.key);
        result.keyExisted = found != m_pairs->end();
        if (result.keyExisted)
            replacedBytes = encodedPairBytes(found->first, found->second);
        if (put) {
            if (found != m_pairs->end())
                found->second = command.value;
            else
                m_pairs->emplace(command.key, command.value);
        } else if (found != m_pairs->end()) {
            m_pairs->erase(found);
        }
    } else {
        // The pairs belong to a view now: record the change beside them (see the top of kvstore.h).
        const auto changed = m_overlay.find(command.key);
        if (changed != m_overlay.end()) {
            result.keyExisted = changed->second.has_value();
            if (result.keyExisted)
                replacedBytes = encodedPairBytes(command.key, *changed->second);
            changed->second = put ? std::optional<QByteArray>(command.value) : std::nullopt;
        } else {
            const auto found = m_pairs->find(command.key);
            result.keyExisted = found != m_pairs->end();
            if (result.keyExisted)
                replacedBytes = encodedPairBytes(found->first, found->second);
            if (put || result.keyExisted)
                m_overlay.emplace(command.key, put ? std::optional<QByteArray>(command.value) : std::nullopt);
        }
    }
    m_pairBytes += putBytes - replacedBytes;
    if (put && !result.keyExisted)
        ++m_size;
    else if (!put && result.keyExisted)
        --m_size;
    return result;
}

std::optional<QByteArray> KvStore::get(const QByteArray &key) const
{
    if (m_frozen) {
        if (const auto changed = m_overlay.find(key); changed != m_overlay.end())
            return changed->second;
    }
    const auto found = m_pairs->find(key);
    if (found == m_pairs->end())
        return std::nullopt;
    return found->second;
}

bool KvStore::conditionHolds(const KvCommand &command) const
{
    const std::optional<QByteArray> current = get(command.key);
    if (command.condition == KvCondition::IfAbsent)
        return !current;
    return current && *current == command.expected;
}

template<typename F>
void KvStore::forEachPair(F &&f) const
{
    // A merge of two key-ordered sequences; an overlay entry replaces (or deletes) the pair of its key.
    auto pair = m_pairs->cbegin();
    const auto pairsEnd = m_pairs->cend();
    for (const auto &[key, change] : m_overlay) {
        for (; pair != pairsEnd && pair->first < key; ++pair)
            f(pair->first, pair->second);
        if (pair != pairsEnd && pair->first == key)
            ++pair;
        if (change)
            f(key, *change);
    }
    for (; pair != pairsEnd; ++pair)
        f(pair->first, pair->second);
}

qsizetype KvStore::snapshotBytes() const
{
    char header[snapshotHeaderMaxBytes];
    return writeSnapshotHeader(header, m_appliedIndex, m_size) - header + m_pairBytes;
}

QByteArray KvStore::snapshot() const
{
    return encodeSnapshot(m_appliedIndex, m_size, m_pairBytes, [this](auto &&f) { forEachPair(f); });
}

QByteArray KvSnapshotView::encode() const
{
    return encodeSnapshot(m_index, size(), m_pairs ? m_pairBytes : 0, [this](auto &&f) {
        if (!m_pairs)
            return;
        // Each pair is three blocks apart in memory (the map's node, the key's bytes, the value's): a
        // second cursor some pairs ahead asks for the next pairs' bytes while this one copies, so that
        // their cache misses overlap instead of following one another.
        constexpr int lookahead = 8;
        const auto end = m_pairs->cend();
        auto ahead = m_pairs->cbegin();
        const auto fetch = [](const auto &pair) {
            __builtin_prefetch(pair.first.constData());
            __builtin_prefetch(pair.second.constData());
            __builtin_prefetch(pair.second.constData() + 64);
        };
        for (int i = 0; i < lookahead && ahead != end; ++i, ++ahead)
            fetch(*ahead);
        for (auto pair = m_pairs->cbegin(); pair != end; ++pair) {
            if (ahead != end)
                fetch(*ahead++);
            f(pair->first, pair->second);
        }
    });
}

KvSnapshotView KvStore::freeze()
{
    if (m_frozen)
        brokenInvariant("freeze() on a frozen store: one view at a time");
    // Unique over every store of the process, so that no thaw() of an old view can ever match a later
    // freeze, even of a store swapped in meanwhile.
    static std::atomic<std::uint64_t> lastFreezeId{0};
    m_frozen = true;
    m_freezeId = ++lastFreezeId;
    KvSnapshotView view;
    view.m_pairs = m_pairs;
    view.m_index = m_appliedIndex;
    view.m_pairBytes = m_pairBytes;
    view.m_freezeId = m_freezeId;
    return view;
}

void KvStore::thaw(const KvSnapshotView &view)
{
    thawSome(view, m_overlay.size());
}

bool KvStore::thawSome(const KvSnapshotView &view, std::size_t most)
{
    if (!m_frozen || view.m_freezeId != m_freezeId)
        return true; // a restore() or swap() took the store away from that view; nothing to fold
    // The view's reader is done: the pairs are the store's alone. Each folded change leaves the overlay,
    // so what the overlay still holds stays in front of the pairs, as while frozen.
    for (std::size_t folded = 0; folded < most && !m_overlay.empty(); ++folded) {
        auto change = m_overlay.extract(m_overlay.begin());
        if (change.mapped())
            m_pairs->insert_or_assign(std::move(change.key()), std::move(*change.mapped()));
        else
            m_pairs->erase(change.key());
    }
    if (!m_overlay.empty())
        return false;
    m_frozen = false;
    return true;
}

bool operator==(const KvStore &a, const KvStore &b)
{
    if (a.m_appliedIndex != b.m_appliedIndex || a.m_size != b.m_size)
        return false;
    if (!a.m_frozen && !b.m_frozen)
        return *a.m_pairs == *b.m_pairs;
    const auto merged = [](const KvStore &store) {
        KvStore::Pairs pairs;
        store.forEachPair([&pairs](const QByteArray &key, const QByteArray &value) {
            pairs.emplace_hint(pairs.end(), key, value);
        });
        return pairs;
    };
    return merged(a) == merged(b);
}

QString KvStore::restore(const QByteArray &snapshot, LogIndex index)
{
    QString why;
    const auto value = decodeWhole(snapshot, why);
    if (!value)
        return QStringLiteral("the snapshot is %1").arg(why);
    if (!value->isMap() || value->toMap().size() != 3)
        return QStringLiteral("the snapshot is not a map of format, applied_index and pairs");
    const QCborMap map = value->toMap();
    if (map.value(QLatin1String("format")) != QCborValue(snapshotFormat))
        return QStringLiteral("the snapshot has an unknown format (expected %1)").arg(snapshotFormat);
    const QCborValue applied = map.value(QLatin1String("applied_index"));
    if (!applied.isInteger() || applied.toInteger() < 0)
        return QStringLiteral("the snapshot has no valid applied_index");
    if (static_cast<std::uint64_t>(applied.toInteger()) != index.value)
        return QStringLiteral("the snapshot was taken at index %1, not at %2")
            .arg(applied.toInteger())
            .arg(index.value);
    const QCborValue pairs = map.value(QLatin1String("pairs"));
    if (!pairs.isMap())
        return QStringLiteral("the snapshot's pairs are not a map");

    std::map<QByteArray, QByteArray> restored;
    qsizetype restoredBytes = 0;
    const QCborMap pairMap = pairs.toMap();
    for (auto it = pairMap.constBegin(); it != pairMap.constEnd(); ++it) {
        if (!it.key().isByteArray() || !it.value().isByteArray())
            return QStringLiteral("the snapshot holds a pair that is not two byte strings");
        const auto [pair, added] = restored.emplace(it.key().toByteArray(), it.value().toByteArray());
        if (!added)
            return QStringLiteral("the snapshot holds a key twice");
        restoredBytes += encodedPairBytes(pair->first, pair->second);
    }
    // A view of the old pairs keeps them alive until its reader is done.
    m_size = static_cast<qsizetype>(restored.size());
    m_pairBytes = restoredBytes;
    m_pairs = std::make_shared<Pairs>(std::move(restored));
    m_overlay.clear();
    m_frozen = false;
    m_appliedIndex = index;
    return QString();
}

} // namespace raftlab
