#pragma once

#include <QtGlobal>

#include <cstdint>

namespace raftlab {

// When a node snapshots its store. Every `every` applied entries at most (cluster.json `snapshot_every`);
// and since a snapshot encodes the whole store while the log holds only what changed, once a snapshot is
// large (fromBytes) the next one also waits until the commands applied since add up to its size. Encoding
// snapshots then never costs more than the log's own writes, however large the store grows: at a million
// keys a snapshot every 100,000 new keys would encode ten times the data the log wrote meanwhile.
//
// Nodes apply the same entries, so with one rule they would all snapshot at the same moment: three
// encoders and three files of a hundred megabytes at once, every node's log syncs queued behind them,
// and no majority left to commit at full speed. A node's `staggerSlot` (0, 1 or 2: its id modulo 3) makes
// it wait for a third more commands per slot, so that at most one node of three is busy with a large
// snapshot at a time and the other two carry the commits.
struct SnapshotPolicy
{
    static constexpr qint64 sizeRuleFromBytes = 4 * 1024 * 1024;
    static constexpr int staggerSlots = 3;

    int every = 0; // 0: never
    std::uint64_t entriesSince = 0;
    qint64 commandBytesSince = 0;
    qint64 lastSnapshotBytes = 0;
    int staggerSlot = 0; // 0 .. staggerSlots - 1

    static int staggerSlotFor(std::uint32_t nodeId) { return static_cast<int>(nodeId % staggerSlots); }

    bool due() const
    {
        if (every <= 0 || entriesSince < std::uint64_t(every))
            return false;
        return lastSnapshotBytes < sizeRuleFromBytes ||
            commandBytesSince >= lastSnapshotBytes + lastSnapshotBytes / staggerSlots * staggerSlot;
    }
};

} // namespace raftlab
