#pragma once

#include "fileio.h"
#include "logstore.h"

namespace raftlab {

// The log in memory, with FileLog's behaviour: the reference model for FileLog's tests, and storage
// for simulations. With SyncMode::Never an append is only written, not durable, until sync(); crash()
// then loses exactly what was not synced, as a power cut would.
class MemoryLog final : public LogStore
{
public:
    explicit MemoryLog(SyncMode mode = SyncMode::Always)
        : m_mode(mode)
    { }

    LogIndex nextIndex() const override { return m_firstIndex + m_entries.size(); }
    StorageStatus append(const Entries &entries) override;
    StorageStatus truncateSuffix(LogIndex from) override;
    StorageStatus compactPrefix(LogIndex upTo) override;

    void sync() { m_durableCount = m_entries.size(); }
    void crash() { m_entries.resize(m_durableCount); }

    LogIndex firstIndex() const { return m_firstIndex; }
    const Entries &entries() const { return m_entries; }
    // Entries after `index`, as FileLog::open returns them for a snapshot at `index`.
    Entries entriesAfter(LogIndex index) const;

private:
    SyncMode m_mode;
    LogIndex m_firstIndex{1};
    Entries m_entries;
    std::size_t m_durableCount = 0;
};

} // namespace raftlab
