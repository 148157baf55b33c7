#pragma once

#include "core/entry.h"
#include "storagestatus.h"

namespace raftlab {

// Where a node's log entries are made durable. FileLog on disk; MemoryLog for tests and the simulator.
// Every call is durable when it returns Ok (unless the store was opened without syncing). Indices are
// contiguous: an append starts at nextIndex().
class LogStore
{
public:
    virtual ~LogStore() = default;

    virtual LogIndex nextIndex() const = 0;
    LogIndex lastIndex() const { return nextIndex().previous(); }

    // Appends `entries` (contiguous, starting at nextIndex()) with one write and one sync (group commit).
    virtual StorageStatus append(const Entries &entries) = 0;
    // Removes every entry with index >= `from` (conflict repair, §5.3). Durable before it returns.
    virtual StorageStatus truncateSuffix(LogIndex from) = 0;
    // A snapshot now covers every entry up to `upTo`: drops what it can of them. When nothing is left
    // after `upTo`, the next append starts at upTo + 1.
    virtual StorageStatus compactPrefix(LogIndex upTo) = 0;
};

} // namespace raftlab
