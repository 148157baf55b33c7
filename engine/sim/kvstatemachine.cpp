#include "kvstatemachine.h"

#include "node/kvstore.h"

#include <QList>

namespace raftlab::sim {

QByteArray KvStateMachine::setCommand(const QByteArray &key, const QByteArray &value)
{
    return QByteArrayLiteral("set ") + key + ' ' + value;
}

std::optional<QByteArray> KvStateMachine::keyOf(const QByteArray &command)
{
    const QList<QByteArray> parts = command.split(' ');
    if (parts.size() == 3 && parts[0] == "set")
        return parts[1];
    KvCommand decoded;
    if (KvStore::decodeCommand(command, decoded).isEmpty())
        return decoded.key;
    return std::nullopt;
}

std::uint64_t KvStateMachine::chain(std::uint64_t digest, const Entry &entry)
{
    constexpr std::uint64_t prime = 0x100000001B3ULL;
    std::uint64_t hash = digest ^ 0xCBF29CE484222325ULL;
    const auto mix = [&hash](unsigned char byte) {
        hash = (hash ^ byte) * prime;
    };
    mix(static_cast<unsigned char>(entry.type));
    for (char byte : entry.payload)
        mix(static_cast<unsigned char>(byte));
    return hash;
}

void KvStateMachine::apply(const Entry &entry)
{
    m_applied = entry.index;
    m_digest = chain(m_digest, entry);
    if (entry.type != EntryType::Command)
        return;
    const QList<QByteArray> parts = entry.payload.split(' ');
    if (parts.size() == 3 && parts[0] == "set") {
        m_values[parts[1]] = Value{parts[2], entry.index};
        return;
    }
    // The node's own encoding (KvStore), as the simulated cluster's clients write: unconditional
    // puts and deletes.
    KvCommand decoded;
    if (!KvStore::decodeCommand(entry.payload, decoded).isEmpty() || decoded.condition != KvCondition::None)
        return;
    if (decoded.operation == KvOperation::Put)
        m_values[decoded.key] = Value{decoded.value, entry.index};
    else if (decoded.operation == KvOperation::Delete)
        m_values.erase(decoded.key);
}

KvStateMachine::Value KvStateMachine::read(const QByteArray &key) const
{
    const auto found = m_values.find(key);
    return found == m_values.end() ? Value{} : found->second;
}

// Format: "<applied> <digest>\n" then one "<key> <value> <writtenAt>\n" per key.
QByteArray KvStateMachine::serialize() const
{
    QByteArray data = QByteArray::number(static_cast<qulonglong>(m_applied.value)) + ' ' +
        QByteArray::number(static_cast<qulonglong>(m_digest)) + '\n';
    for (const auto &[key, value] : m_values)
        data += key + ' ' + value.value + ' ' +
            QByteArray::number(static_cast<qulonglong>(value.writtenAt.value)) + '\n';
    return data;
}

std::optional<std::pair<LogIndex, std::uint64_t>> KvStateMachine::peek(const QByteArray &data)
{
    const qsizetype end = data.indexOf('\n');
    const QList<QByteArray> header = data.left(end).split(' ');
    if (end < 0 || header.size() != 2)
        return std::nullopt;
    bool indexOk = false;
    bool digestOk = false;
    const LogIndex index(header[0].toULongLong(&indexOk));
    const std::uint64_t digest = header[1].toULongLong(&digestOk);
    if (!indexOk || !digestOk)
        return std::nullopt;
    return std::pair{index, digest};
}

bool KvStateMachine::restore(const QByteArray &data)
{
    const auto header = peek(data);
    if (!header)
        return false;
    std::map<QByteArray, Value> values;
    const QList<QByteArray> lines = data.split('\n');
    for (qsizetype line = 1; line < lines.size(); ++line) {
        if (lines[line].isEmpty())
            continue;
        const QList<QByteArray> fields = lines[line].split(' ');
        if (fields.size() != 3)
            return false;
        values[fields[0]] = Value{fields[1], LogIndex(fields[2].toULongLong())};
    }
    m_applied = header->first;
    m_digest = header->second;
    m_values = std::move(values);
    return true;
}

} // namespace raftlab::sim
