#pragma once

#include "core/entry.h"
#include "fileio.h"

namespace raftlab {

// The term/vote record: `hardstate` in the data dir, replaced atomically (temp file, fsync, rename,
// fsync dir) on every change, so a crash leaves the old or the new record.
// Layout (little-endian): "RAFTHS01" | u64 term | u32 votedFor | u32 CRC-32C of the preceding 20 bytes.
// A missing file means a new node (term 0, no vote); a damaged one is an error, never a reset to term 0:
// forgetting a vote would let this node vote twice in one term.
class HardStateFile
{
public:
    static QString fileName() { return QStringLiteral("hardstate"); }
    static StorageStatus load(const QString &dir, HardState &out);
    static StorageStatus save(const QString &dir, const HardState &state, SyncMode mode);
    static QByteArray encode(const HardState &state);
};

} // namespace raftlab
