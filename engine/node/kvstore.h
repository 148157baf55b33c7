#pragma once

// The replicated state machine: a map from key to value, changed only by committed log entries.
// Pure: no I/O, no Qt objects; the node applies entries in log order and asks for snapshots.
//
// Commands (the payload of an EntryType::Command entry) are compact binary, written on every write and
// read on every apply of every node, so they cost next to nothing (CBOR maps cost ~14,000 instructions
// to encode and as many to decode, a fifth of the leader's work per write):
//   put      u8 0x01 | u32 key length (little-endian) | key bytes | value bytes (the rest)
//   delete   u8 0x02 | u32 key length (little-endian) | key bytes
// Anything else (an unknown first byte — CBOR commands of earlier builds start with 0xa2 or 0xa3 —, a
// key running past the end, bytes after a delete's key) does not decode: the entry is skipped with a
// reason, alike on every node. The log's CRCs catch damage on disk before any of this is read.
// A snapshot is a CBOR map: {"format": 1, "applied_index": uint, "pairs": {key bytes: value bytes, ...}}
// with the pairs in key order, so equal stores give byte-identical snapshots on every node.

#include "core/entry.h"

#include <QByteArray>
#include <QString>

#include <map>
#include <optional>

namespace raftlab {

enum class KvOperation { None, Put, Delete };

// What applying one entry did, for the waiting client and the "apply" event.
struct ApplyResult
{
    enum class Status {
        Applied, // a put or delete changed (or confirmed) the map
        NoOp, // a leader's no-op entry: nothing to do
        Skipped, // a command that does not decode: the map is unchanged on every node alike
    };
    Status status = Status::NoOp;
    LogIndex index{};
    KvOperation operation = KvOperation::None;
    QByteArray key{};
    bool keyExisted = false; // before this entry; lets a delete say whether it removed anything
    QString reason{}; // why a command was skipped; empty otherwise
};

// One decoded command.
struct KvCommand
{
    KvOperation operation = KvOperation::None;
    QByteArray key{};
    QByteArray value{}; // puts only
};

class KvStore
{
public:
    static constexpr qsizetype maxKeyBytes = 1024;
    static constexpr qsizetype maxValueBytes = 1024 * 1024;

    static QByteArray encodePut(const QByteArray &key, const QByteArray &value);
    static QByteArray encodeDelete(const QByteArray &key);
    // Why `payload` is not a command, or empty with `out` filled.
    static QString decodeCommand(const QByteArray &payload, KvCommand &out);

    // For the HTTP layer (INTERFACE.md, "Keys" and "Values"): a human reason, or empty when acceptable.
    static QString validateKey(const QByteArray &key);
    static QString validateValueSize(qsizetype bytes);

    // Applies the next committed entry. Entries come in log order without gaps: `entry.index` must be
    // appliedIndex() + 1, anything else is a programmer error and stops the process.
    ApplyResult apply(const Entry &entry);

    LogIndex appliedIndex() const { return m_appliedIndex; }
    std::optional<QByteArray> get(const QByteArray &key) const;
    qsizetype size() const { return static_cast<qsizetype>(m_pairs.size()); }

    // The whole state, including appliedIndex(); see the format above.
    QByteArray snapshot() const;
    // Replaces the whole state with a snapshot taken at `index`. Returns why the data is unusable, or
    // empty on success; on error the store is unchanged.
    QString restore(const QByteArray &snapshot, LogIndex index);

    friend bool operator==(const KvStore &, const KvStore &) = default;

private:
    std::map<QByteArray, QByteArray> m_pairs;
    LogIndex m_appliedIndex{};
};

} // namespace raftlab
