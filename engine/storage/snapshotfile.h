#pragma once

#include "core/entry.h"
#include "fileio.h"

namespace raftlab {

// The latest snapshot of the state machine: `snapshot` in the data dir, replaced atomically.
// Layout (little-endian): "RAFTSN01" | u64 last included index | u64 its term | u64 data length |
// u32 CRC-32C of the data | u32 CRC-32C of the preceding 36 bytes | data (the state machine's own
// encoding, CBOR for the KV store). A missing file means no snapshot yet; a damaged one is an error.
class SnapshotFile
{
public:
    static QString fileName() { return QStringLiteral("snapshot"); }
    static StorageStatus load(const QString &dir, Snapshot &out);
    static StorageStatus save(const QString &dir, const Snapshot &snapshot, SyncMode mode);
    static constexpr qsizetype headerBytes = 40;
};

} // namespace raftlab
