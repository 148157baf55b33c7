#pragma once

#include "fileio.h"

#include <QString>

#include <atomic>
#include <cstdint>

namespace raftlab {

// SpareSegment: the log's next segment file, written full of zeros ahead of time, off the log's path.
//
// Why: fallocate() gives a segment its blocks as *unwritten* extents (ext4, xfs). The first write into each
// block marks it written, a metadata change, so the append's fdatasync commits the journal as well as the
// data: one more write and flush per sync that enters a new 4 KiB block — every sync, once batches near
// 4 KiB. A segment whose zeros were written for real takes appends as plain overwrites, which fdatasync
// flushes alone. Measured on this project's disk, three writers syncing 1,200-byte appends at once: p50
// 186-212 against 225-237 us, p90 237-279 against 362-421 us, 15-45% more syncs/s; and three nodes at 16
// connections 1.09x the writes/s (docs/benchmarks.md).
//
// Writing a segment's 64 MiB of zeros when it is needed would stall the appends behind it, so it is
// written beforehand, on a background thread (prepare()), and named the spare; FileLog starts its next
// segment by renaming the spare (takeAs()), or falls back to fallocate() when none is ready. A quiet log
// never asks for one (FileLog::spareToPrepare()), so the disk pays the 64 MiB only for a busy log.
//
// Files in the log's dir (neither matches segment-*.log):
//   spare-segment.zeros       complete and synced: renamed to this name only after its data was synced
//   spare-segment.zeros.part  being written
// FileLog::open() removes both: a leftover is cheaper to write again than to trust.
//
// Thread-safety: claimPreparation(), isReady() and takeAs() belong to the thread that appends to the log;
// prepare() runs on another, once per successful claim. The state between them is one atomic.
class SpareSegment
{
public:
    SpareSegment(QString dir, std::uint64_t bytes, SyncMode mode);

    static QString fileName() { return QStringLiteral("spare-segment.zeros"); }
    static QString partialFileName() { return QStringLiteral("spare-segment.zeros.part"); }
    // Removes what an earlier process left behind.
    static void removeLeftovers(const QString &dir);

    // True when no spare exists nor is being written: the caller must then run prepare() (once).
    bool claimPreparation();
    // Writes the zeros, syncs them, names the file the spare. On failure (a full disk) the partial file
    // is removed, and no spare is made again until the next takeAs().
    StorageStatus prepare();
    // Any thread: a prepare() in progress stops at its next slice and fails, so that a stopping node does
    // not wait for the rest of its zeros.
    void abandon() { m_abandoned.store(true, std::memory_order_relaxed); }
    bool isReady() const { return m_state.load(std::memory_order_acquire) == State::Ready; }
    // Renames the spare to `path`, which must not exist. False when no spare is ready or the rename
    // failed: the caller creates the segment itself.
    bool takeAs(const QString &path);

private:
    enum class State { Absent, Preparing, Ready, Failed };

    QString m_dir;
    std::uint64_t m_bytes;
    SyncMode m_mode;
    std::atomic<State> m_state{State::Absent};
    std::atomic<bool> m_abandoned{false};
};

} // namespace raftlab
