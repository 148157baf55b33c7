#pragma once

// FileLog: the Raft log as append-only segment files, written in batches, with a checksum on every record.
//
// Files (in the node's data dir):
//   segment-<first index, 20 digits>.log   one per segment, in index order; the last one is appended to.
//   A new segment is started when the last one has reached `segmentBytes` (default 64 MiB) before an
//   append; one batch is never split, so a segment may exceed that size by one batch.
//
// Segment layout (all integers little-endian):
//   header   8 bytes "RAFTLOG2", u64 first index (must match the file name)
//   batches  one after another; each append() call writes one batch and makes it durable:
//     batch header  20 bytes: "BTCH" | u32 entry count | u64 index of its first entry |
//                   u32 CRC-32C of the previous 16 bytes
//     records       one per entry, one after another, each:
//                     u32 body length | u32 CRC-32C of the body | u32 CRC-32C of the previous 8 bytes
//                     body: u64 index | u64 term | u8 type | payload (body length - 17 bytes)
//   tail     zeros to the end of the file (the preallocated, never written part), or nothing.
//   The count is the batch's as written: truncateSuffix may cut a batch short later (it never rewrites a
//   header in place: a torn rewrite could take the records before the cut with it), and the next batch
//   header then follows the last record kept. A record header's checksum makes its length trustworthy
//   before the body is read, so a damaged length is never mistaken for the end of the file.
//   A valid record or batch header never starts with zeros (a record's length is at least 17), so the
//   first position holding only zeros up to the end of the file is the end of the log.
//
// Preallocation: the segment being appended to is extended with fallocate() to `segmentBytes` when it is
// created, reopened or cut. Appends then overwrite zeros inside the file (pwrite) instead of growing it,
// so their fdatasync need not commit a new file size (a journal commit on ext4/xfs). Measured on this
// project's disk (100-300 byte writes): 1.3-1.4x the syncs/s of appending to a growing file with one
// writer, 1.1-2.3x (median 1.5x) with three writers at once, as three nodes on one disk. etcd's WAL does
// the same. (On ext4 the first write into each preallocated 4 KiB block still marks its extent
// written: a metadata commit for about one batch-1 sync in 30.) It is an optimisation only: where
// fallocate fails (no space, no support) or on a tmpfs the file simply grows, and opening reads both.
//
// Spare segments: a preallocated extent still costs a journal commit the first time each of its blocks
// is written, which a segment whose zeros were written for real does not (sparesegment.h). Once the last
// segment holds `segmentBytes` / 16 of records, spareToPrepare() hands out a SpareSegment for the node
// to write on a background thread; the next segment starts in it, and a log appending to a preallocated
// segment (a new log, one reopened or cut) moves on to the spare as soon as it is ready, leaving zeros
// after the last record of the segment before, like any segment's end.
//
// Invariant: every byte past the last record of a segment is zero (or past the end of the file). New
// extents read as zeros; truncateSuffix and torn-tail recovery re-establish it (below).
//
// Writing: append() encodes a whole batch (header and records) into one buffer and writes it at the end
// of the last record, durably, in one call (group commit): a direct, synchronous write of the blocks from
// the last one partly filled on (DirectAppender), or, where the file system refuses direct I/O or with
// SyncMode::Never, one pwrite() and one fdatasync(). Only then are the entries durable and may the node
// acknowledge them. So every batch but the last one of the last segment was acknowledged, and
// the last one may not have been. truncateSuffix() unlinks later segments, syncs the directory, then
// ftruncates the segment holding the first removed entry to its new end (the entry's record, or its
// batch header when it is the batch's first entry) and preallocates it again, so the removed records are
// gone rather than hidden behind a marker (a stale record after a marker could later line up with new
// records and be read back), and fsyncs it (fsync, not fdatasync: the size changes). compactPrefix()
// unlinks segments that lie wholly at or below a snapshot.
//
// What a crash leaves behind, and how opening recovers:
//   - during append: the last batch of the last segment is partly on disk. Its pages may reach the disk in
//     any order, so any part of it may be missing (zeros) or torn while later parts are whole: a short or
//     damaged batch header, a record whose header or body (or checksum) did not all arrive, zeros, and
//     valid records after any of them. None of it was acknowledged. Opening reads batch by batch; at the
//     first bad bytes in the last segment (a bad batch header, a bad record, zeros followed by data, a
//     record beyond its batch's count), if no valid batch header of a later entry follows them anywhere
//     in the file, they lie in the last batch: a torn tail. It is cut off from there (from its batch
//     header when none of the batch's records is valid; ftruncate, preallocated again, fsync) and a warning
//     names the file and offset. The valid records before the cut are kept: each is a whole entry as the
//     leader sent it. Zeros up to the end of the file after a record are no torn tail but the normal end:
//     no warning, nothing to repair.
//   - during segment creation: an empty last segment, or one whose header is partial or still zeros with
//     nothing but zeros after it: removed (a segment's header is synced before any batch goes in it).
//   - during truncateSuffix: later segments partly unlinked (a half-done truncation is repeated by Raft),
//     or the cut segment old, cut, or cut and preallocated again — each reads as a valid log.
//   - during compactPrefix: some of the files to remove are still there; entries below the snapshot are
//     skipped and stale segments deleted.
//   - anything else — bad bytes followed by a valid batch header (they lie in an acknowledged batch), any
//     bad record or non-zero byte after the end in a segment but the last, a batch or entry of the wrong
//     index, decreasing terms, an unknown header — is damage: opening fails with an error naming the
//     file and byte offset, and nothing is served (the node exits 3). (A payload may hold the bytes of a
//     valid batch header: after a crash that tore the batch holding it, opening may then call the tear
//     damage and refuse to start — it never loses an acknowledged entry.)
//
// Segments of the first format ("RAFTLOG1": the same records, no batch headers) are still read, with that
// format's rule: bad bytes in its last segment are a torn tail only if no valid record follows them. They
// are never appended to: the first append after opening one as the last segment starts a new segment.

#include "directappender.h"
#include "fileio.h"
#include "logstore.h"
#include "sparesegment.h"

#include <QStringList>

#include <memory>
#include <vector>

namespace raftlab {

class FileLog final : public LogStore
{
public:
    struct Options
    {
        SyncMode syncMode = SyncMode::Always;
        std::uint64_t segmentBytes = 64ull * 1024 * 1024;
        // Preallocate the segment being appended to (see the top of this file). Ignored on a tmpfs.
        bool preallocate = true;
        // With SyncMode::Always, write each batch with one direct, synchronous write (DirectAppender)
        // instead of a write and an fdatasync, where the file system allows it.
        bool directWrites = true;
    };

    struct Opened
    {
        std::unique_ptr<FileLog> log;
        Entries entries; // every entry after `snapshotIndex`, in order
        QStringList warnings; // torn tails cut off, stale files removed
    };

    // Opens the log in `dir` (which must exist), verifying every record. Entries at or below
    // `snapshotIndex` are covered by the snapshot and are not returned.
    static StorageStatus open(const QString &dir, const Options &options, LogIndex snapshotIndex,
                              Opened &out);

    LogIndex nextIndex() const override { return m_nextIndex; }
    StorageStatus append(const Entries &entries) override;
    StorageStatus truncateSuffix(LogIndex from) override;
    StorageStatus compactPrefix(LogIndex upTo) override;
    // compactPrefix() in two halves, so that a node's log writes never wait for files to be removed.
    // detachPrefix() forgets the segments that lie wholly at or below `upTo` and returns their paths:
    // bookkeeping only, on the thread that appends. removeSegmentFiles() unlinks them and syncs the
    // directory, on any thread (a file already gone is not an error): on ext4 that waits for the journal
    // commit freeing a 64 MiB segment's extents (and, mounted with `discard`, trimming them), which took a
    // follower's write 18.6 ms when the log's thread did it. Files still there after a crash are found
    // stale and removed by open().
    QStringList detachPrefix(LogIndex upTo);
    static StorageStatus removeSegmentFiles(const QString &dir, const QStringList &paths, SyncMode mode);

    // The spare segment to write now (SpareSegment::prepare(), on any thread), or null: none is due (the
    // log is quiet, or not preallocated), or one exists or is being written. Called between appends.
    std::shared_ptr<SpareSegment> spareToPrepare();

    std::size_t segmentCount() const { return m_segments.size(); }
    QStringList segmentPaths() const;
    // Where the last segment's last record ends: the next batch goes there (or into a new segment).
    std::uint64_t lastSegmentEnd() const { return m_segments.empty() ? 0 : m_segments.back().size; }
    // After a failed write the log refuses further writes: what is on disk may end in a partial record,
    // which only reopening (and its torn-tail recovery) can settle. Empty while healthy.
    const QString &failure() const { return m_failure; }
    // Appends to the current last segment go out as direct writes (DirectAppender), not through the page
    // cache: false until the first append after the segment was opened, and for good once refused.
    bool writesDirectly() const { return m_direct != nullptr; }

    static QString segmentFileName(LogIndex firstIndex);
    static constexpr std::size_t segmentHeaderBytes = 16;
    static constexpr std::size_t batchHeaderBytes = 20;
    static constexpr std::size_t recordHeaderBytes = 12;
    static constexpr std::size_t recordBodyFixedBytes = 17;

    enum class SegmentFormat {
        Unbatched, // "RAFTLOG1": records only; read, never appended to
        Batched, // "RAFTLOG2": records framed in batches
    };

private:
    struct Segment
    {
        QString path;
        LogIndex firstIndex;
        SegmentFormat format = SegmentFormat::Batched;
        // Where the file is cut to remove entry firstIndex + i and all after it: its record's offset, or
        // its batch header's when it is the first entry of its batch.
        std::vector<std::uint64_t> cutOffsets;
        std::uint64_t size = 0; // where the last record ends (header included); the file may be longer
        bool zerosWritten = false; // started in a spare: its tail is written zeros, not fallocated ones

        LogIndex lastIndex() const { return firstIndex + cutOffsets.size() - 1; }
        bool isEmpty() const { return cutOffsets.empty(); }
    };

    FileLog(QString dir, Options options);
    StorageStatus openLastSegmentForAppend();
    // How far the segment being appended to is extended with zeros; 0 without preallocation.
    std::uint64_t preallocationBytes() const;
    // A new last segment for entries from `firstIndex`: the spare when one is ready, else a new file
    // (preallocated). With `onlyIntoSpare`, nothing happens unless a spare is ready.
    StorageStatus startSegment(LogIndex firstIndex, bool onlyIntoSpare = false);
    StorageStatus fail(StorageStatus status);
    // Writes one encoded batch at the end of `segment` and makes it durable (per syncMode).
    StorageStatus writeBatch(const Segment &segment, const QByteArray &batch);

    QString m_dir;
    Options m_options;
    std::vector<Segment> m_segments;
    FileDescriptor m_appendFd; // the last segment, open for writing at its `size`
    // The last segment open for direct writes, made at its first append; reset whenever m_appendFd changes.
    std::unique_ptr<DirectAppender> m_direct;
    bool m_directRefused = false; // the file system refused direct I/O: the page cache it is
    bool m_preallocate = true; // Options::preallocate, off on a tmpfs
    std::shared_ptr<SpareSegment> m_spare; // with preallocation only
    LogIndex m_nextIndex{1};
    QString m_failure;
};

// Encodes one entry as a record (header and body), appending to `out`.
void encodeRecord(const Entry &entry, QByteArray &out);

} // namespace raftlab
