#include "kvstore.h"

#include <QCborMap>
#include <QCborStreamReader>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QStringDecoder>

#include <cstdio>
#include <cstdlib>

namespace raftlab {

namespace {

constexpr qint64 snapshotFormat = 1;

QString opKey()
{
    return QStringLiteral("op");
}
QString keyKey()
{
    return QStringLiteral("key");
}
QString valueKey()
{
    return QStringLiteral("value");
}
QString putOp()
{
    return QStringLiteral("put");
}
QString deleteOp()
{
    return QStringLiteral("delete");
}

[[noreturn]] void brokenInvariant(const char *what, LogIndex expected, LogIndex got)
{
    // A programmer error, not an operating error: stop with context (STYLE.md, "Errors").
    std::fprintf(stderr, "raftlab.node: KvStore: broken invariant: %s (expected index %llu, got %llu)\n",
                 what, static_cast<unsigned long long>(expected.value),
                 static_cast<unsigned long long>(got.value));
    std::abort();
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

struct Command
{
    KvOperation operation = KvOperation::None;
    QByteArray key{};
    QByteArray value{};
};

// Why `payload` is not a put or delete command, or empty with `out` filled.
QString decodeCommand(const QByteArray &payload, Command &out)
{
    QString why;
    const auto value = decodeWhole(payload, why);
    if (!value)
        return why;
    if (!value->isMap())
        return QStringLiteral("the command is not a CBOR map");
    const QCborMap map = value->toMap();
    const QCborValue op = map.value(opKey());
    const QCborValue key = map.value(keyKey());
    if (!key.isByteArray())
        return QStringLiteral("the command has no byte-string \"key\"");
    if (op == QCborValue(putOp())) {
        const QCborValue data = map.value(valueKey());
        if (!data.isByteArray())
            return QStringLiteral("the put has no byte-string \"value\"");
        if (map.size() != 3)
            return QStringLiteral("the put has fields other than op, key and value");
        out = Command{KvOperation::Put, key.toByteArray(), data.toByteArray()};
        return QString();
    }
    if (op == QCborValue(deleteOp())) {
        if (map.size() != 2)
            return QStringLiteral("the delete has fields other than op and key");
        out = Command{KvOperation::Delete, key.toByteArray(), QByteArray()};
        return QString();
    }
    return QStringLiteral("the command's \"op\" is neither \"put\" nor \"delete\"");
}

} // namespace

QByteArray KvStore::encodePut(const QByteArray &key, const QByteArray &value)
{
    QCborMap map;
    map[opKey()] = putOp();
    map[keyKey()] = key;
    map[valueKey()] = value;
    return map.toCborValue().toCbor();
}

QByteArray KvStore::encodeDelete(const QByteArray &key)
{
    QCborMap map;
    map[opKey()] = deleteOp();
    map[keyKey()] = key;
    return map.toCborValue().toCbor();
}

QString KvStore::validateKey(const QByteArray &key)
{
    if (key.isEmpty())
        return QStringLiteral("the key is empty");
    if (key.size() > maxKeyBytes)
        return QStringLiteral("the key is %1 bytes, longer than %2").arg(key.size()).arg(maxKeyBytes);
    if (key.contains('/'))
        return QStringLiteral("the key contains '/'");
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
        result.status = ApplyResult::Status::NoOp;
        return result;
    case EntryType::Command:
        break;
    default:
        result.status = ApplyResult::Status::Skipped;
        result.reason = QStringLiteral("unknown entry type %1").arg(static_cast<int>(entry.type));
        return result;
    }

    Command command;
    if (QString why = decodeCommand(entry.payload, command); !why.isEmpty()) {
        result.status = ApplyResult::Status::Skipped;
        result.reason = why;
        return result;
    }
    result.status = ApplyResult::Status::Applied;
    result.operation = command.operation;
    result.key = command.key;
    const auto found = m_pairs.find(command.key);
    result.keyExisted = found != m_pairs.end();
    if (command.operation == KvOperation::Put) {
        if (found != m_pairs.end())
            found->second = command.value;
        else
            m_pairs.emplace(command.key, command.value);
    } else if (found != m_pairs.end()) {
        m_pairs.erase(found);
    }
    return result;
}

std::optional<QByteArray> KvStore::get(const QByteArray &key) const
{
    const auto found = m_pairs.find(key);
    if (found == m_pairs.end())
        return std::nullopt;
    return found->second;
}

QByteArray KvStore::snapshot() const
{
    QByteArray bytes;
    QCborStreamWriter writer(&bytes);
    writer.startMap(3);
    writer.append(QLatin1String("format"));
    writer.append(snapshotFormat);
    writer.append(QLatin1String("applied_index"));
    writer.append(static_cast<quint64>(m_appliedIndex.value));
    writer.append(QLatin1String("pairs"));
    writer.startMap(static_cast<quint64>(m_pairs.size()));
    for (const auto &[key, value] : m_pairs) {
        writer.append(key);
        writer.append(value);
    }
    writer.endMap();
    writer.endMap();
    return bytes;
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
    const QCborMap pairMap = pairs.toMap();
    for (auto it = pairMap.constBegin(); it != pairMap.constEnd(); ++it) {
        if (!it.key().isByteArray() || !it.value().isByteArray())
            return QStringLiteral("the snapshot holds a pair that is not two byte strings");
        if (!restored.emplace(it.key().toByteArray(), it.value().toByteArray()).second)
            return QStringLiteral("the snapshot holds a key twice");
    }
    m_pairs = std::move(restored);
    m_appliedIndex = index;
    return QString();
}

} // namespace raftlab
