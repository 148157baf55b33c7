#include "logmirror.h"

#include <QJsonObject>

#include <algorithm>

namespace raftlab {

using namespace Qt::StringLiterals;

LogMirror::LogMirror(std::size_t capacity)
    : m_capacity(std::max<std::size_t>(capacity, 1))
{ }

void LogMirror::append(LogIndex first, const QJsonArray &entries)
{
    if (first.value == 0 || entries.isEmpty())
        return;
    // The tail known here ends where these entries start (a gap, or nothing mirrored: what lies between
    // is not known here), or at the first of them that conflicts.
    bool tailReplaced = m_cells.empty() || first > lastMirroredIndex().next() || first < m_first;
    if (tailReplaced) {
        m_cells.clear();
        m_first = first;
    }
    LogIndex index = first;
    for (const QJsonValue &item : entries) {
        const QJsonObject entry = item.toObject();
        LogCell cell{.term = eventfield::term(entry), .command = entry.value("command"_L1).toString()};
        if (const LogCell *held = this->entry(index); held && held->term == cell.term) {
            index = index.next();
            continue;
        }
        if (index <= lastMirroredIndex()) {
            dropAfter(index.previous());
            tailReplaced = true;
        }
        m_cells.push_back(std::move(cell));
        index = index.next();
    }
    const LogIndex last = index.previous();
    if (tailReplaced || last >= m_lastIndex) {
        m_lastIndex = last;
        m_lastTerm = eventfield::term(entries.last().toObject());
    }
    m_reportedIndex = tailReplaced ? last : std::max(m_reportedIndex, last);
    while (m_cells.size() > m_capacity) {
        m_cells.pop_front();
        m_first = m_first.next();
    }
    ++m_revision;
}

void LogMirror::truncateFrom(LogIndex index)
{
    if (index.value == 0)
        return;
    dropAfter(index.previous());
    m_lastIndex = std::min(m_lastIndex, index.previous());
    m_reportedIndex = std::min(m_reportedIndex, m_lastIndex);
    const LogCell *tail = entry(m_lastIndex);
    m_lastTerm = tail ? tail->term : Term{};
    m_commitIndex = std::min(m_commitIndex, m_lastIndex); // never happens to committed entries
    ++m_revision;
}

void LogMirror::compactThrough(LogIndex index)
{
    dropThrough(index);
    m_snapshotIndex = std::max(m_snapshotIndex, index);
    m_nodeFirst = std::max(m_nodeFirst, index.next());
    ++m_revision;
}

void LogMirror::installSnapshot(LogIndex index)
{
    m_cells.clear();
    m_first = index.next();
    m_snapshotIndex = index;
    m_lastIndex = m_reportedIndex = index;
    m_lastTerm = Term{};
    m_nodeFirst = index.next();
    m_commitIndex = std::max(m_commitIndex, index);
    ++m_revision;
}

void LogMirror::setCommitIndex(LogIndex index)
{
    if (index == m_commitIndex)
        return;
    m_commitIndex = index;
    ++m_revision;
}

void LogMirror::setAppliedIndex(LogIndex index)
{
    if (index == m_appliedIndex)
        return;
    m_appliedIndex = index;
    ++m_revision;
}

void LogMirror::resync(LogIndex first, LogIndex last, Term lastTerm, LogIndex snapshot)
{
    dropAfter(last);
    if (first.value > 0)
        dropThrough(first.previous());
    if (const LogCell *tail = entry(last); tail && tail->term != lastTerm) {
        m_cells.clear(); // the node's log is not the one mirrored here (new data dir)
        m_first = last.next();
    } else if (!tail) {
        // The node's last entry is not mirrored, so nothing anchors the uncommitted cells: while the stream
        // was down (a restart, a reconnection) a new leader may have replaced them, and the truncation
        // was never seen here. Only entries known committed cannot have changed.
        dropAfter(m_commitIndex);
    }
    m_lastIndex = m_reportedIndex = last;
    m_lastTerm = lastTerm;
    m_snapshotIndex = snapshot;
    m_nodeFirst = first.value > 0 ? first : snapshot.next();
    ++m_revision;
}

bool LogMirror::hasGaps() const
{
    if (m_lastIndex < m_nodeFirst)
        return false; // the node holds no entries
    if (m_cells.empty() || lastMirroredIndex() < m_lastIndex)
        return true;
    // A head cut off by the capacity is not a gap: this mirror keeps only its newest entries.
    return m_first > m_nodeFirst && m_cells.size() < m_capacity;
}

bool LogMirror::fillFrom(const LogMirror &other)
{
    bool filled = false;
    // The tail, up to the node's last entry: anchored at that entry's index and term.
    if (m_lastTerm.value > 0 && m_lastIndex >= m_nodeFirst &&
        (m_cells.empty() || lastMirroredIndex() < m_lastIndex)) {
        const LogCell *anchor = other.entry(m_lastIndex);
        const LogIndex start =
            m_cells.empty() ? std::max(m_nodeFirst, other.firstMirroredIndex()) : lastMirroredIndex().next();
        if (anchor && anchor->term == m_lastTerm && other.entry(start)) {
            if (m_cells.empty())
                m_first = start;
            for (LogIndex index = start; index <= m_lastIndex; index = index.next())
                m_cells.push_back(*other.entry(index));
            filled = true;
        }
    }
    // The head, down to the node's first entry: anchored at the first mirrored entry.
    if (!m_cells.empty() && m_first > m_nodeFirst && m_cells.size() < m_capacity) {
        const LogCell *anchor = other.entry(m_first);
        const LogIndex start = std::max({LogIndex(1), m_nodeFirst, other.firstMirroredIndex()});
        if (anchor && anchor->term == m_cells.front().term && start < m_first) {
            for (LogIndex index = m_first.previous(); index >= start && m_cells.size() < m_capacity;
                 index = index.previous()) {
                m_cells.push_front(*other.entry(index));
                m_first = index;
            }
            filled = true;
        }
    }
    while (m_cells.size() > m_capacity) {
        m_cells.pop_front();
        m_first = m_first.next();
    }
    if (filled)
        ++m_revision;
    return filled;
}

bool LogMirror::takeEntriesOfTerm(const LogMirror &other, Term term)
{
    if (term.value == 0 || other.m_cells.empty() || other.m_cells.back().term != term)
        return false;
    const LogIndex through = other.lastMirroredIndex();
    // Only onto a tail that is all mirrored (fillFrom() fills the rest first), and one that agrees with
    // the other log where both hold an entry.
    if (through <= m_lastIndex || lastMirroredIndex() != m_lastIndex)
        return false;
    const LogCell *ownTail = entry(m_lastIndex);
    const LogCell *otherAtTail = other.entry(m_lastIndex);
    if (ownTail && otherAtTail && ownTail->term != otherAtTail->term)
        return false;
    const LogIndex start = m_lastIndex.next();
    if (!other.entry(start))
        return false; // the other log's window starts later
    for (LogIndex index = start; index <= through; index = index.next())
        m_cells.push_back(*other.entry(index));
    m_lastIndex = through;
    m_lastTerm = term;
    while (m_cells.size() > m_capacity) {
        m_cells.pop_front();
        m_first = m_first.next();
    }
    ++m_revision;
    return true;
}

void LogMirror::clear()
{
    m_cells.clear();
    m_first = LogIndex{1};
    m_lastIndex = m_reportedIndex = m_snapshotIndex = m_commitIndex = m_appliedIndex = LogIndex{};
    m_lastTerm = Term{};
    m_nodeFirst = LogIndex{1};
    ++m_revision;
}

const LogCell *LogMirror::entry(LogIndex index) const
{
    if (index < m_first || index > lastMirroredIndex() || m_cells.empty())
        return nullptr;
    return &m_cells[std::size_t(index.value - m_first.value)];
}

void LogMirror::dropAfter(LogIndex last)
{
    if (m_cells.empty() || last >= lastMirroredIndex())
        return;
    if (last < m_first) {
        m_cells.clear();
        m_first = last.next();
        return;
    }
    m_cells.resize(std::size_t(last.value - m_first.value + 1));
}

void LogMirror::dropThrough(LogIndex last)
{
    if (last < m_first)
        return;
    if (m_cells.empty() || last >= lastMirroredIndex()) {
        m_cells.clear();
        m_first = last.next();
        return;
    }
    m_cells.erase(m_cells.begin(), m_cells.begin() + std::ptrdiff_t(last.value - m_first.value + 1));
    m_first = last.next();
}

} // namespace raftlab
