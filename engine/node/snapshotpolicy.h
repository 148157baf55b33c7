#pragma once

#include <QtGlobal>

#include <cstdint>

namespace raftlab {

// When a node snapshots its store. Every `every` applied entries at most (cluster.json `snapshot_every`);
// and since a snapshot encodes the whole store while the log holds only what changed, once a snapshot is
// large (fromBytes) the next one also waits until the commands applied since add up to its size. Encoding
// snapshots then never costs more than the log's own writes, however large the store grows: at a million
// keys a snapshot every 100,000 new keys would encode ten times the data the log wrote meanwhile.
struct SnapshotPolicy
{
    static constexpr qint64 sizeRuleFromBytes = 4 * 1024 * 1024;

    int every = 0; // 0: never
    std::uint64_t entriesSince = 0;
    qint64 commandBytesSince = 0;
    qint64 lastSnapshotBytes = 0;

    bool due() const
    {
        if (every <= 0 || entriesSince < std::uint64_t(every))
            return false;
        return lastSnapshotBytes < sizeRuleFromBytes || commandBytesSince >= lastSnapshotBytes;
    }
};

} // namespace raftlab
