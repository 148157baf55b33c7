#include "memorylog.h"

#include <cassert>

namespace raftlab {

StorageStatus MemoryLog::append(const Entries &entries)
{
    if (entries.empty())
        return StorageStatus::success();
    assert(entries.front().index == nextIndex() && "appends are contiguous");
    m_entries.insert(m_entries.end(), entries.begin(), entries.end());
    if (m_mode == SyncMode::Always)
        sync();
    return StorageStatus::success();
}

StorageStatus MemoryLog::truncateSuffix(LogIndex from)
{
    if (from >= nextIndex())
        return StorageStatus::success();
    const std::size_t keep =
        from > m_firstIndex ? static_cast<std::size_t>(from.value - m_firstIndex.value) : 0;
    m_entries.resize(keep);
    m_durableCount = std::min(m_durableCount, keep);
    return StorageStatus::success();
}

StorageStatus MemoryLog::compactPrefix(LogIndex upTo)
{
    if (upTo < m_firstIndex)
        return StorageStatus::success();
    const LogIndex oldNext = nextIndex();
    const std::size_t drop = std::min<std::size_t>(m_entries.size(), upTo.value - m_firstIndex.value + 1);
    m_entries.erase(m_entries.begin(), m_entries.begin() + static_cast<std::ptrdiff_t>(drop));
    m_durableCount -= std::min(m_durableCount, drop);
    // With nothing left, the next append starts after the snapshot.
    m_firstIndex = m_entries.empty() ? std::max(oldNext, upTo.next()) : m_firstIndex + drop;
    return StorageStatus::success();
}

Entries MemoryLog::entriesAfter(LogIndex index) const
{
    Entries result;
    for (const Entry &entry : m_entries) {
        if (entry.index > index)
            result.push_back(entry);
    }
    return result;
}

} // namespace raftlab
