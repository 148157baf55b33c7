#pragma once

#include "streamevent.h"

#include <QJsonArray>
#include <QString>

#include <deque>

namespace raftlab {

// One entry as a node holds it: its term and the command in words ("put k=v", "no-op").
struct LogCell
{
    Term term{};
    QString command{};
};

// One node's log as seen through its `append`, `truncate`, `snapshot` and `commit` events: entries by
// index, so the views can align the logs of all nodes. Bounded: the newest `capacity` entries are kept;
// older ones count as "not mirrored" (like the prefix a snapshot replaced, or what happened before the
// GUI subscribed). `revision()` changes with every change, so a view caches its drawing until then.
class LogMirror
{
public:
    explicit LogMirror(std::size_t capacity = 100'000);

    // `append` event: entries made durable on the node, starting at `first`. Raft's rule for a log
    // (§5.3): an entry that agrees with the one mirrored at its index (same term) changes nothing, and
    // neither does it drop what follows; the first that conflicts replaces the tail from there. A gap
    // starts a new window.
    void append(LogIndex first, const QJsonArray &entries);
    void truncateFrom(LogIndex index); // `truncate`: entries at `index` and after are gone
    void compactThrough(LogIndex index); // `snapshot` (compact): entries up to `index` live in a snapshot
    void installSnapshot(LogIndex index); // `snapshot` (installed from the leader): the whole log replaced
    void setCommitIndex(LogIndex index);
    void setAppliedIndex(LogIndex index);
    // A `state` event: the node's log now spans [first, last] with `lastTerm` at `last`, `snapshot` below
    // `first`. Keeps what still agrees with that and forgets the rest.
    void resync(LogIndex first, LogIndex last, Term lastTerm, LogIndex snapshot);
    void clear();

    // Entries the node holds that this mirror never saw (appended before the app listened, or while its
    // stream was down): the node's log from firstLogIndex() to lastIndex() is not all mirrored.
    bool hasGaps() const;
    // Copies the missing entries from another node's mirror where Raft's Log Matching Property says they
    // are the same: two logs holding an entry with the same index and term are identical up to it. The
    // tail is anchored at the node's last entry (index and term from its status), the head at the first
    // mirrored entry. Returns true when something was filled.
    bool fillFrom(const LogMirror &other);
    // For the leader of `term`: takes the entries of `term` that `other` holds past this log's end.
    // Entries of a term are made by that term's leader alone, and by Log Matching a log holding one
    // agrees with the leader's up to it: the leader holds them, with all that precede them. Its own
    // stream says so later (a leader sends entries while its own disk write of them runs, and reports
    // them once the write returns). Returns true when something was taken.
    bool takeEntriesOfTerm(const LogMirror &other, Term term);

    // Mirrored entries span [firstMirroredIndex(), lastMirroredIndex()] (empty when first > last).
    LogIndex firstMirroredIndex() const { return m_first; }
    LogIndex lastMirroredIndex() const { return m_first + m_cells.size() - 1; }
    std::size_t size() const { return m_cells.size(); }
    std::size_t capacity() const { return m_capacity; }
    LogIndex lastIndex() const { return m_lastIndex; } // the node's last index, mirrored or not
    // The last index the node's own stream reported (`append`, `state`); entries past it were known from
    // another log (takeEntriesOfTerm()).
    LogIndex reportedIndex() const { return m_reportedIndex; }
    Term lastTerm() const { return m_lastTerm; } // its term; Term{} when unknown (after a truncation)
    LogIndex firstLogIndex() const { return m_nodeFirst; } // the node's first entry after its snapshot
    LogIndex snapshotIndex() const { return m_snapshotIndex; } // entries up to here were compacted
    LogIndex commitIndex() const { return m_commitIndex; }
    LogIndex appliedIndex() const { return m_appliedIndex; }
    quint64 revision() const { return m_revision; }

    const LogCell *entry(LogIndex index) const; // nullptr when not mirrored
    bool isCommitted(LogIndex index) const { return index.value > 0 && index <= m_commitIndex; }

private:
    void dropAfter(LogIndex last); // keeps entries up to `last`
    void dropThrough(LogIndex last); // removes entries up to `last`

    std::deque<LogCell> m_cells;
    std::size_t m_capacity = 100'000;
    LogIndex m_first{1}; // index of m_cells.front()
    LogIndex m_lastIndex{};
    LogIndex m_reportedIndex{};
    Term m_lastTerm{};
    LogIndex m_nodeFirst{1};
    LogIndex m_snapshotIndex{};
    LogIndex m_commitIndex{};
    LogIndex m_appliedIndex{};
    quint64 m_revision = 0;
};

} // namespace raftlab
