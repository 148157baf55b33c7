#pragma once

#include "chunkedentries.h"
#include "entry.h"

#include <algorithm>
#include <optional>

namespace raftlab {

// The core's in-memory view of the log: the entries after a base position, the latest snapshot of the
// state machine, and the four positions that move along the log. The base is the snapshot's end, or,
// after compact() kept a tail of entries the snapshot covers, a little before it. Invariants (checked
// by check()):
//   base <= snapshot.index <= applied <= commit <= last
//   durable <= stable <= last            (what the owner has made durable / has been handed to persist)
//   entries are contiguous from base + 1, and their terms never decrease.
class RaftLog
{
public:
    // `owner`: the node whose log this is, named when a broken invariant is reported.
    RaftLog(Snapshot snapshot, Entries entries, NodeId owner = NodeId{});

    LogIndex firstIndex() const { return m_base.index.next(); }
    LogIndex lastIndex() const { return m_base.index + m_entries.size(); }
    Term lastTerm() const;
    // The term of the entry at `index`: the base's term at the base, Term{} at index 0, nullopt when
    // the entry was compacted away or does not exist yet.
    std::optional<Term> termAt(LogIndex index) const;
    bool matches(LogIndex index, Term term) const { return termAt(index) == term; }
    const Entry &at(LogIndex index) const;
    // A candidate whose last entry is (lastIndex, lastTerm) is at least as up-to-date as this log (§5.4.1).
    bool isUpToDate(LogIndex lastIndex, Term lastTerm) const;

    // Entries [from, to), at most `maxCount` of them and about `maxBytes` of payload (at least one entry).
    Entries slice(LogIndex from, LogIndex to, std::size_t maxCount, std::size_t maxBytes) const;
    // The first index whose entry is missing here or has another term; nullopt if all of `entries` match.
    std::optional<LogIndex> findConflict(const Entries &entries) const;
    // The first index of the term of the entry at `index` (for the rejection hint); `index` must exist.
    LogIndex firstIndexOfTermAt(LogIndex index) const;
    // The last index holding an entry of `term`, if any is in the log.
    std::optional<LogIndex> lastIndexOfTerm(Term term) const;

    void append(Entry entry);
    // Removes entries from `index` on; they must be uncommitted. Recorded for the next Ready.
    void truncateFrom(LogIndex index);

    LogIndex commitIndex() const { return m_commit; }
    void commitTo(LogIndex index);
    LogIndex appliedIndex() const { return m_applied; }
    // Committed entries not yet handed to the owner, up to `upTo`; marks them as handed out.
    Entries takeCommitted(std::size_t maxBytes, LogIndex upTo = LogIndex{~std::uint64_t{0}});
    bool hasCommittedToHandOut() const { return m_applied < m_commit; }

    const Snapshot &snapshot() const { return m_snapshot; }
    // The owner's state machine covers every entry up to `index`: drop them from memory, except the
    // last `keptEntries` of them.
    // `membership`: the configuration in force at `index`, which the snapshot carries.
    // Returns the dropped entries, for the caller to free where it likes: freeing hundreds of thousands
    // of payloads takes tens of milliseconds.
    DroppedEntries compact(LogIndex index, const QByteArray &data, std::uint64_t keptEntries,
                           std::optional<Membership> membership = std::nullopt);
    // A snapshot from the leader replaces the state: keeps the entries after it if the log holds the
    // snapshot's last entry (Figure 13, rule 6), else drops them all.
    void restore(const Snapshot &snapshot);

    // Persistence bookkeeping, for the owner's Ready.
    LogIndex stableIndex() const { return m_stable; }
    LogIndex durableIndex() const { return m_durable; }
    std::optional<LogIndex> pendingTruncation() const { return m_pendingTruncation; }
    bool hasUnstable() const { return m_pendingTruncation.has_value() || m_stable < lastIndex(); }
    Entries takeUnstable(); // entries after `stable`; marks them handed out
    void clearPendingTruncation() { m_pendingTruncation.reset(); }
    // Entries up to `upTo` (what the last Ready handed out) are durable, unless truncated meanwhile.
    void markDurable(LogIndex upTo) { m_durable = std::max(m_durable, std::min(upTo, m_stable)); }

    // Empty when the invariants hold, otherwise what is broken.
    const char *check() const;

private:
    std::size_t offsetOf(LogIndex index) const
    {
        return static_cast<std::size_t>(index.value - firstIndex().value);
    }
    // Drops the entries up to `index` (which must be in the log) and returns them, moving none of those
    // kept; `index` becomes the base.
    DroppedEntries dropThrough(LogIndex index);

    Snapshot m_snapshot;
    SnapshotMeta m_base; // the entry just before the first one held: its index and term
    ChunkedEntries m_entries;
    LogIndex m_commit;
    LogIndex m_applied;
    LogIndex m_stable;
    LogIndex m_durable;
    std::optional<LogIndex> m_pendingTruncation;
    NodeId m_owner;
};

} // namespace raftlab
