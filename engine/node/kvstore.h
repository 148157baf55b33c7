#pragma once

// The replicated state machine: a map from key to value, changed only by committed log entries.
// Pure: no I/O, no Qt objects; the node applies entries in log order and asks for snapshots.
//
// Commands (the payload of an EntryType::Command entry) are compact binary, written on every write and
// read on every apply of every node, so they cost next to nothing (CBOR maps cost ~14,000 instructions
// to encode and as many to decode, a fifth of the leader's work per write):
//   put              u8 0x01 | u32 key length (little-endian) | key bytes | value bytes (the rest)
//   delete           u8 0x02 | u32 key length (little-endian) | key bytes
//   put-if-value     u8 0x03 | u32 key length | key bytes | u32 expected length | expected bytes | value
//   bytes put-if-absent    u8 0x04 | u32 key length | key bytes | value bytes (the rest) delete-if-value  u8
//   0x05 | u32 key length | key bytes | expected bytes (the rest)
// Anything else (an unknown first byte — CBOR commands of earlier builds start with 0xa2 or 0xa3 —, a
// length running past the end, bytes after a delete's key) does not decode: the entry is skipped with a
// reason, alike on every node. The log's CRCs catch damage on disk before any of this is read.
//
// Compare-and-swap: the three conditional commands carry what the client expects, and apply() compares
// it with the key's value at that point of the log. Every node applies the same entries in the same
// order, so every node reaches the same verdict, and the verdict is linearizable: it is decided at the
// entry's place in the log, not when the client asked. A failed comparison changes nothing.
// A snapshot is a CBOR map: {"format": 1, "applied_index": uint, "pairs": {key bytes: value bytes, ...}}
// with the pairs in key order, so equal stores give byte-identical snapshots on every node.
//
// Snapshots off the event loop: encoding 300,000 pairs takes 60-600 ms of CPU (more when three nodes and
// wrk share two cores), longer than the followers' smallest election timeout, so the node must not do it
// between two entries. freeze() hands out an immutable view of the pairs in O(1); until thaw(), entries
// applied meanwhile go to a small overlay (new values and deletions) that get() and apply() consult
// first. thaw(), on the owner's thread once the view's reader is done, folds the overlay back in:
// O(entries applied meanwhile), about 1 µs each. At a million pairs encoding takes seconds, the overlay
// grows to ~100,000 entries and folding it at once would stall the loop for 100 ms; thawSome() folds it
// a slice at a time, the store staying frozen (writing to the overlay) until the overlay is empty.
// Outside a freeze, apply() and get() pay one branch for all this (callgrind: 6,837 instead of 6,761
// instructions per put, decoding and the map included).

#include "core/entry.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>

namespace raftlab {

enum class KvOperation { None, Put, Delete };
// What a conditional (compare-and-swap) command requires of the key's value when it applies.
enum class KvCondition { None, IfValue, IfAbsent };

// What applying one entry did, for the waiting client and the "apply" event.
struct ApplyResult
{
    enum class Status {
        Applied, // a put or delete changed (or confirmed) the map
        NoOp, // a leader's no-op entry: nothing to do
        Skipped, // a command that does not decode: the map is unchanged on every node alike
        CompareFailed, // a conditional command whose condition did not hold: the map is unchanged
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
    KvCondition condition = KvCondition::None;
    QByteArray expected{}; // KvCondition::IfValue only
};

// The pairs of a store at one applied index, frozen: nothing changes them while a view holds them, so
// encode() may run on any thread while the store applies further entries.
class KvSnapshotView
{
public:
    LogIndex index() const { return m_index; }
    qsizetype size() const { return m_pairs ? static_cast<qsizetype>(m_pairs->size()) : 0; }
    // The snapshot at index(), byte-identical to what KvStore::snapshot() gave at that index.
    QByteArray encode() const;
    // The reader is done: drops this view's hold on the pairs, on the reader's thread (so that, should
    // it be the last one, after a restore() replaced the store's pairs, they are freed there, not on the
    // owner's loop). thaw() still recognises the view; encode() gives an empty map afterwards.
    void releasePairs() { m_pairs.reset(); }

private:
    friend class KvStore;
    std::shared_ptr<const std::map<QByteArray, QByteArray>> m_pairs;
    LogIndex m_index{};
    qsizetype m_pairBytes = 0; // the pairs' encoding, so that encode() sizes its buffer once
    std::uint64_t m_freezeId = 0; // unique over all stores of the process
};

class KvStore
{
public:
    static constexpr qsizetype maxKeyBytes = 1024;
    static constexpr qsizetype maxValueBytes = 1024 * 1024;

    KvStore() = default;
    // A copy owns its pairs (it never shares them with the original or a view) and is not frozen; a
    // moved-from store is empty. Swapping is O(1): the node swaps in a store decoded on another thread.
    KvStore(const KvStore &other);
    KvStore &operator=(const KvStore &other);
    KvStore(KvStore &&other);
    KvStore &operator=(KvStore &&other);
    ~KvStore() = default;
    void swap(KvStore &other) noexcept;

    static QByteArray encodePut(const QByteArray &key, const QByteArray &value);
    static QByteArray encodeDelete(const QByteArray &key);
    // Compare-and-swap: applies only when the key holds `expected` (IfValue) or is absent (IfAbsent).
    static QByteArray encodePutIfValue(const QByteArray &key, const QByteArray &expected,
                                       const QByteArray &value);
    static QByteArray encodePutIfAbsent(const QByteArray &key, const QByteArray &value);
    static QByteArray encodeDeleteIfValue(const QByteArray &key, const QByteArray &expected);
    // Why `payload` is not a command, or empty with `out` filled.
    static QString decodeCommand(const QByteArray &payload, KvCommand &out);

    // For the HTTP layer (docs/http-api.md): a human reason, or empty when acceptable.
    static QString validateKey(const QByteArray &key);
    static QString validateValueSize(qsizetype bytes);

    // Applies the next committed entry. Entries come in log order without gaps: `entry.index` must be
    // appliedIndex() + 1, anything else is a programmer error and stops the process.
    ApplyResult apply(const Entry &entry);

    LogIndex appliedIndex() const { return m_appliedIndex; }
    std::optional<QByteArray> get(const QByteArray &key) const;
    qsizetype size() const { return m_size; }

    // The whole state, including appliedIndex(), encoded now; see the format above.
    QByteArray snapshot() const;
    // snapshot().size(), known without encoding: the store counts its pairs' encoded bytes as it applies.
    qsizetype snapshotBytes() const;
    // The state at appliedIndex() in O(1), for encoding elsewhere (see the top of this file). One view at
    // a time: freezing a frozen store is a programmer error.
    KvSnapshotView freeze();
    bool isFrozen() const { return m_frozen; }
    // The reader of `view` is done with it: the overlay goes back into the pairs. Does nothing when the
    // store is no longer frozen for that view (a restore() or a swap() replaced its pairs meanwhile).
    void thaw(const KvSnapshotView &view);
    // The same, `most` overlay entries at a time: true once the store is thawed (or no longer frozen
    // for that view); call again, with the same view, until it is. The overlay keeps taking the entries
    // applied between two calls, so the store answers as one map throughout.
    bool thawSome(const KvSnapshotView &view, std::size_t most);
    // Replaces the whole state with a snapshot taken at `index`. Returns why the data is unusable, or
    // empty on success; on error the store is unchanged. Allowed while frozen: the view keeps its pairs.
    QString restore(const QByteArray &snapshot, LogIndex index);

    // Equal applied index and pairs, whether frozen or not.
    friend bool operator==(const KvStore &a, const KvStore &b);

private:
    using Pairs = std::map<QByteArray, QByteArray>;
    // Whether a conditional command may apply to the store as it is now (the overlay included).
    bool conditionHolds(const KvCommand &command) const;
    // Calls f(key, value) for every pair in key order, the overlay merged in.
    template<typename F>
    void forEachPair(F &&f) const;

    // Never null. A view shares it; the store changes it only while not frozen (its view's reader is done).
    std::shared_ptr<Pairs> m_pairs = std::make_shared<Pairs>();
    // While frozen: the changes since freeze(), by key; nullopt is a deletion. Empty otherwise.
    std::map<QByteArray, std::optional<QByteArray>> m_overlay;
    bool m_frozen = false;
    std::uint64_t m_freezeId = 0; // of the view out while frozen
    qsizetype m_size = 0; // pairs, overlay merged in
    qsizetype m_pairBytes = 0; // their encoding in a snapshot (encodedPairBytes()), overlay merged in
    LogIndex m_appliedIndex{};
};

} // namespace raftlab
