#include "raftlog.h"

#include "invariants.h"

#include <algorithm>

namespace raftlab {

RaftLog::RaftLog(Snapshot snapshot, Entries entries, NodeId owner)
    : m_snapshot(std::move(snapshot))
    , m_base(m_snapshot.meta)
    , m_entries(std::move(entries))
    , m_owner(owner)
{
    // What was restored from disk is durable, and everything the snapshot covers is applied.
    m_commit = m_applied = m_snapshot.meta.index;
    m_stable = m_durable = lastIndex();
    RAFTLAB_EXPECT(m_owner, !check(), "the restored log breaks RaftLog's invariants");
}

Term RaftLog::lastTerm() const
{
    return m_entries.empty() ? m_base.term : m_entries.back().term;
}

std::optional<Term> RaftLog::termAt(LogIndex index) const
{
    if (index == m_base.index)
        return m_base.term;
    if (index < m_base.index || index > lastIndex())
        return std::nullopt;
    return m_entries[offsetOf(index)].term;
}

const Entry &RaftLog::at(LogIndex index) const
{
    RAFTLAB_EXPECT(m_owner, index >= firstIndex() && index <= lastIndex(), "RaftLog::at() outside the log");
    return m_entries[offsetOf(index)];
}

bool RaftLog::isUpToDate(LogIndex candidateLastIndex, Term candidateLastTerm) const
{
    return candidateLastTerm > lastTerm() ||
        (candidateLastTerm == lastTerm() && candidateLastIndex >= lastIndex());
}

Entries RaftLog::slice(LogIndex from, LogIndex to, std::size_t maxCount, std::size_t maxBytes) const
{
    RAFTLAB_EXPECT(m_owner, from >= firstIndex(), "RaftLog::slice() below the first entry");
    to = std::min(to, lastIndex().next());
    Entries result;
    std::size_t bytes = 0;
    for (LogIndex index = from; index < to && result.size() < maxCount; index = index.next()) {
        const Entry &entry = at(index);
        bytes += static_cast<std::size_t>(entry.payload.size());
        if (!result.empty() && bytes > maxBytes)
            break;
        result.push_back(entry);
    }
    return result;
}

std::optional<LogIndex> RaftLog::findConflict(const Entries &entries) const
{
    for (const Entry &entry : entries) {
        if (entry.index < firstIndex())
            continue; // covered by the snapshot: committed, so it matches
        if (!matches(entry.index, entry.term))
            return entry.index;
    }
    return std::nullopt;
}

LogIndex RaftLog::firstIndexOfTermAt(LogIndex index) const
{
    const std::optional<Term> term = termAt(index);
    RAFTLAB_EXPECT(m_owner, term.has_value(), "RaftLog::firstIndexOfTermAt() outside the log");
    LogIndex first = index;
    while (first > firstIndex() && termAt(first.previous()) == term)
        first = first.previous();
    return first;
}

std::optional<LogIndex> RaftLog::lastIndexOfTerm(Term term) const
{
    // Terms never decrease along the log: binary search for the first entry with a term above `term`.
    std::size_t low = 0;
    std::size_t high = m_entries.size();
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (term < m_entries[middle].term)
            high = middle;
        else
            low = middle + 1;
    }
    if (low == 0)
        return m_base.term == term && m_base.index != LogIndex{} ? std::optional(m_base.index) : std::nullopt;
    const Entry &candidate = m_entries[low - 1];
    if (candidate.term != term)
        return std::nullopt;
    return candidate.index;
}

void RaftLog::append(Entry entry)
{
    RAFTLAB_EXPECT(m_owner, entry.index == lastIndex().next(), "an appended entry must follow the last one");
    RAFTLAB_EXPECT(m_owner, entry.term >= lastTerm(), "entry terms never decrease along the log");
    m_entries.push_back(std::move(entry));
}

void RaftLog::truncateFrom(LogIndex index)
{
    RAFTLAB_EXPECT(m_owner, index > m_commit, "a committed entry is never removed");
    RAFTLAB_EXPECT(m_owner, index >= firstIndex() && index <= lastIndex(), "truncation outside the log");
    m_entries.truncate(offsetOf(index));
    if (index <= m_stable) {
        m_pendingTruncation = std::min(m_pendingTruncation.value_or(index), index);
        m_stable = index.previous();
        m_durable = std::min(m_durable, m_stable);
    }
}

void RaftLog::commitTo(LogIndex index)
{
    RAFTLAB_EXPECT(m_owner, index <= lastIndex(), "the commit index never passes the last entry");
    if (index > m_commit)
        m_commit = index;
}

Entries RaftLog::takeCommitted(std::size_t maxBytes, LogIndex upTo)
{
    const LogIndex last = std::min(m_commit, upTo);
    if (m_applied >= last)
        return {};
    Entries committed = slice(m_applied.next(), last.next(), static_cast<std::size_t>(-1), maxBytes);
    m_applied = committed.back().index;
    return committed;
}

DroppedEntries RaftLog::compact(LogIndex index, const QByteArray &data, std::uint64_t keptEntries,
                                std::optional<Membership> membership)
{
    RAFTLAB_EXPECT(m_owner, index <= m_applied && index <= m_durable,
                   "only applied, durable entries can be compacted");
    if (index <= m_snapshot.meta.index)
        return {};
    m_snapshot = Snapshot{SnapshotMeta{index, *termAt(index)}, data, std::move(membership)};
    const LogIndex keptFrom = index.value > keptEntries ? index - keptEntries : LogIndex{};
    if (keptFrom > m_base.index)
        return dropThrough(keptFrom);
    return {};
}

DroppedEntries RaftLog::dropThrough(LogIndex index)
{
    const SnapshotMeta base{index, *termAt(index)};
    // The dropped head goes back to the caller to free, instead of being destroyed here.
    DroppedEntries dropped = m_entries.dropFront(offsetOf(index.next()));
    m_base = base;
    return dropped;
}

void RaftLog::restore(const Snapshot &snapshot)
{
    const LogIndex index = snapshot.meta.index;
    RAFTLAB_EXPECT(m_owner, index > m_commit, "a snapshot from the leader must be ahead of the commit index");
    if (matches(index, snapshot.meta.term)) {
        dropThrough(index);
    } else {
        // Nothing after the snapshot can be trusted: the owner drops its persisted entries after it.
        if (m_stable > index || lastIndex() > index)
            m_pendingTruncation = std::min(m_pendingTruncation.value_or(index.next()), index.next());
        m_entries.clear();
        m_base = snapshot.meta;
    }
    m_snapshot = snapshot;
    m_commit = m_applied = index;
    m_stable = std::max(m_stable, index);
    m_stable = std::min(m_stable, lastIndex());
    m_durable = std::min(m_durable, m_stable);
}

Entries RaftLog::takeUnstable()
{
    Entries unstable;
    if (m_stable < lastIndex()) {
        const std::size_t from = offsetOf(std::max(m_stable, m_base.index).next());
        unstable.reserve(m_entries.size() - from);
        for (std::size_t offset = from; offset < m_entries.size(); ++offset)
            unstable.push_back(m_entries[offset]);
    }
    m_stable = lastIndex();
    return unstable;
}

const char *RaftLog::check() const
{
    if (!(m_base.index <= m_snapshot.meta.index && m_snapshot.meta.index <= m_applied &&
          m_applied <= m_commit && m_commit <= lastIndex()))
        return "base <= snapshot <= applied <= commit <= last does not hold";
    if (!(m_durable <= m_stable && m_stable <= lastIndex()))
        return "durable <= stable <= last does not hold";
    if (termAt(m_snapshot.meta.index) != m_snapshot.meta.term)
        return "the log disagrees with the snapshot about the term at its end";
    Term previous = m_base.term;
    LogIndex expected = firstIndex();
    const char *problem = nullptr;
    m_entries.allOf([&](const Entry &entry) {
        if (entry.index != expected)
            problem = "entries are not contiguous";
        else if (entry.term < previous)
            problem = "entry terms decrease along the log";
        previous = entry.term;
        expected = expected.next();
        return problem == nullptr;
    });
    return problem;
}

} // namespace raftlab
