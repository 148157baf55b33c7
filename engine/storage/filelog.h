#pragma once

// FileLog: the Raft log as append-only segment files with a checksum on every record.
//
// Files (in the node's data dir):
//   segment-<first index, 20 digits>.log   one per segment, in index order; the last one is appended to.
//   A new segment is started when the last one has reached `segmentBytes` (default 64 MiB) before an
//   append; one batch is never split, so a segment may exceed that size by one batch.
//
// Segment layout (all integers little-endian):
//   header   8 bytes "RAFTLOG1", u64 first index (must match the file name)
//   records  one after another, each:
//              u32 body length | u32 CRC-32C of the body | u32 CRC-32C of the previous 8 bytes
//              body: u64 index | u64 term | u8 type | payload (body length - 17 bytes)
//   The header checksum makes the length trustworthy before the body is read, so a damaged length is
//   never mistaken for the end of the file.
//
// Writing: append() encodes a whole batch into one buffer, issues one write() and one fdatasync()
// (group commit); only then are the entries durable and may the node acknowledge them. truncateSuffix()
// ftruncates the segment holding the first removed entry and unlinks later segments, then syncs the
// file and the directory. compactPrefix() unlinks segments that lie wholly at or below a snapshot.
//
// What a crash leaves behind, and how opening recovers:
//   - during append: the last segment ends in a partial batch — a short record, or records whose bytes
//     did not all reach the disk. None of them was acknowledged. Opening finds the first bad record in
//     the last segment; if no valid record follows it, the rest of the file is a torn tail: it is cut
//     off (ftruncate) and a warning names the file and offset.
//   - during segment creation: an empty last segment, or one with a partial header: removed.
//   - during truncateSuffix or compactPrefix: some of the files to remove are still there; entries below
//     the snapshot are skipped and stale segments deleted; a half-done truncation is repeated by Raft.
//   - anything else — a bad checksum followed by valid records, a bad checksum in any segment but the
//     last, a gap or repeat in indices, decreasing terms, an unknown header — is damage: opening fails
//     with an error naming the file and byte offset, and nothing is served (the node exits 3).

#include "fileio.h"
#include "logstore.h"

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

    std::size_t segmentCount() const { return m_segments.size(); }
    QStringList segmentPaths() const;
    // After a failed write the log refuses further writes: what is on disk may end in a partial record,
    // which only reopening (and its torn-tail recovery) can settle. Empty while healthy.
    const QString &failure() const { return m_failure; }

    static QString segmentFileName(LogIndex firstIndex);
    static constexpr std::size_t segmentHeaderBytes = 16;
    static constexpr std::size_t recordHeaderBytes = 12;
    static constexpr std::size_t recordBodyFixedBytes = 17;

private:
    struct Segment
    {
        QString path;
        LogIndex firstIndex;
        std::vector<std::uint64_t> recordOffsets; // byte offset of each record, entry firstIndex + i
        std::uint64_t size = 0; // bytes in the file, header included

        LogIndex lastIndex() const { return firstIndex + recordOffsets.size() - 1; }
        bool isEmpty() const { return recordOffsets.empty(); }
    };

    FileLog(QString dir, Options options);
    StorageStatus openLastSegmentForAppend();
    StorageStatus startSegment(LogIndex firstIndex);
    StorageStatus fail(StorageStatus status);

    QString m_dir;
    Options m_options;
    std::vector<Segment> m_segments;
    FileDescriptor m_appendFd; // the last segment, open for appending
    LogIndex m_nextIndex{1};
    QString m_failure;
};

// Encodes one entry as a record (header and body), appending to `out`.
void encodeRecord(const Entry &entry, QByteArray &out);

} // namespace raftlab
