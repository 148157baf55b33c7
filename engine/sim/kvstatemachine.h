#pragma once

#include "core/entry.h"

#include <QByteArray>

#include <map>
#include <optional>

namespace raftlab::sim {

// The replicated state machine of the simulation: a tiny key-value map. A command is the payload
// "set <key> <value>"; values are unique per simulation, so a read's value names the write it saw.
// Besides the map it keeps a rolling digest of everything applied, so two replicas (or a replica and
// a snapshot) that applied different histories up to one index are told apart in O(1).
class KvStateMachine
{
public:
    struct Value
    {
        QByteArray value{};
        LogIndex writtenAt{}; // the index of the command that wrote it
    };

    static QByteArray setCommand(const QByteArray &key, const QByteArray &value);
    // The key a command writes, if the payload is a well-formed command.
    static std::optional<QByteArray> keyOf(const QByteArray &command);

    // Applies the committed entry at `appliedIndex() + 1` (checked by the caller).
    void apply(const Entry &entry);
    LogIndex appliedIndex() const { return m_applied; }
    std::uint64_t digest() const { return m_digest; }
    // The current value of `key`, or an empty Value when it was never written.
    Value read(const QByteArray &key) const;

    QByteArray serialize() const;
    // Replaces the whole state with a serialised one; false if `data` is malformed.
    bool restore(const QByteArray &data);
    // The index and digest a serialised state ends at, without restoring it.
    static std::optional<std::pair<LogIndex, std::uint64_t>> peek(const QByteArray &data);

    // The digest after applying `entry` on top of `digest` (FNV-1a based, the same everywhere).
    static std::uint64_t chain(std::uint64_t digest, const Entry &entry);

private:
    LogIndex m_applied{};
    std::uint64_t m_digest = 0;
    std::map<QByteArray, Value> m_values;
};

} // namespace raftlab::sim
