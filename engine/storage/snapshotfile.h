#pragma once

#include "core/entry.h"
#include "fileio.h"

namespace raftlab {

// The latest snapshot of the state machine: `snapshot` in the data dir, replaced atomically (temp file,
// fsync, rename, fsync dir), so a crash leaves the old or the new one.
// Layout (little-endian):
//   0  "RAFTSN02" (with a configuration) or "RAFTSN01" (without: files written before configurations
//      were logged, still read)
//   8  u64 last included index (at least 1)
//  16  u64 its term (at least 1)
//  24  u64 data length n: the file is exactly 40 + n bytes
//  32  u32 CRC-32C of the data
//  36  u32 CRC-32C of bytes 0-35
//  40  data. RAFTSN01: the state machine's own encoding (CBOR for the KV store). RAFTSN02: u32 length m,
//      m bytes of the configuration at the snapshot's index (Membership::encode(), CBOR), then the state
//      machine's encoding.
// Every byte is covered by a checksum: the header's covers the data's checksum and length, so a flip
// anywhere, a file cut short or one with bytes appended fails. A missing file means no snapshot yet; a
// damaged one is an error naming the file and offset, never ignored (the log before it is gone).
class SnapshotFile
{
public:
    static QString fileName() { return QStringLiteral("snapshot"); }
    static StorageStatus load(const QString &dir, Snapshot &out);
    static StorageStatus save(const QString &dir, const Snapshot &snapshot, SyncMode mode);
    static constexpr qsizetype headerBytes = 40;

    // The whole file's bytes for `snapshot`, and the check of such bytes (`path` names them in the error):
    // for anything that holds a snapshot file's bytes before trusting them.
    static QByteArray encode(const Snapshot &snapshot);
    // What the file holds before the state machine's data: the header and, with a configuration, its
    // length and bytes. encode() is this followed by the data.
    static QByteArray encodeHead(const Snapshot &snapshot);
    static StorageStatus decode(const QByteArray &bytes, const QString &path, Snapshot &out);
};

} // namespace raftlab
