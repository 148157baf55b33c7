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
    if (m_cells.empty() || first > lastMirroredIndex().next()) {
        m_cells.clear(); // a gap: what lies between is not known here
        m_first = first;
    } else if (first <= lastMirroredIndex()) {
        dropAfter(first.previous());
    }
    for (const QJsonValue &item : entries) {
        const QJsonObject entry = item.toObject();
        m_cells.push_back(
            LogCell{.term = eventfield::term(entry), .command = entry.value("command"_L1).toString()});
    }
    m_lastIndex = lastMirroredIndex();
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
    m_commitIndex = std::min(m_commitIndex, m_lastIndex); // never happens to committed entries
    ++m_revision;
}

void LogMirror::compactThrough(LogIndex index)
{
    dropThrough(index);
    m_snapshotIndex = std::max(m_snapshotIndex, index);
    ++m_revision;
}

void LogMirror::installSnapshot(LogIndex index)
{
    m_cells.clear();
    m_first = index.next();
    m_snapshotIndex = index;
    m_lastIndex = index;
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
    }
    m_lastIndex = last;
    m_snapshotIndex = snapshot;
    ++m_revision;
}

void LogMirror::clear()
{
    m_cells.clear();
    m_first = LogIndex{1};
    m_lastIndex = m_snapshotIndex = m_commitIndex = m_appliedIndex = LogIndex{};
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
