#include "kvstore.h"

#include <QCborMap>
#include <QCborStreamReader>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QStringDecoder>
#include <QtEndian>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace raftlab {

namespace {

constexpr qint64 snapshotFormat = 1;

enum CommandTag : quint8 { PutTag = 0x01, DeleteTag = 0x02 };
constexpr qsizetype commandHeaderBytes = 5; // tag and key length

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

} // namespace

QByteArray KvStore::encodePut(const QByteArray &key, const QByteArray &value)
{
    return encodeCommand(PutTag, key, value);
}

QByteArray KvStore::encodeDelete(const QByteArray &key)
{
    return encodeCommand(DeleteTag, key, QByteArray());
}

QString KvStore::decodeCommand(const QByteArray &payload, KvCommand &out)
{
    if (payload.isEmpty())
        return QStringLiteral("the command is empty");
    const auto tag = static_cast<quint8>(payload.front());
    if (tag != PutTag && tag != DeleteTag)
        return QStringLiteral("the command starts with 0x%1, neither put (0x01) nor delete (0x02)")
            .arg(tag, 2, 16, QLatin1Char('0'));
    if (payload.size() < commandHeaderBytes)
        return QStringLiteral("the command is %1 bytes, too short for a key length").arg(payload.size());
    const quint32 keyBytes = qFromLittleEndian<quint32>(payload.constData() + 1);
    const qsizetype rest = payload.size() - commandHeaderBytes;
    if (keyBytes > static_cast<quint64>(rest))
        return QStringLiteral("the command's key of %1 bytes runs past its end (%2 bytes left)")
            .arg(keyBytes)
            .arg(rest);
    if (tag == DeleteTag && static_cast<qsizetype>(keyBytes) != rest)
        return QStringLiteral("the delete has %1 bytes after its key").arg(rest - keyBytes);
    out.operation = tag == PutTag ? KvOperation::Put : KvOperation::Delete;
    out.key = payload.mid(commandHeaderBytes, keyBytes);
    out.value = tag == PutTag ? payload.mid(commandHeaderBytes + keyBytes) : QByteArray();
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

    KvCommand command;
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
