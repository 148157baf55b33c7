#include "sparesegment.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <thread>
#include <vector>

namespace raftlab {

SpareSegment::SpareSegment(QString dir, std::uint64_t bytes, SyncMode mode)
    : m_dir(std::move(dir))
    , m_bytes(bytes)
    , m_mode(mode)
{ }

void SpareSegment::removeLeftovers(const QString &dir)
{
    // Best effort: a leftover that cannot be removed is overwritten (O_TRUNC) or replaced (rename) later.
    (void)removeFile(QDir(dir).filePath(fileName()));
    (void)removeFile(QDir(dir).filePath(partialFileName()));
}

bool SpareSegment::claimPreparation()
{
    State expected = State::Absent;
    return m_state.compare_exchange_strong(expected, State::Preparing, std::memory_order_acq_rel);
}

StorageStatus SpareSegment::prepare()
{
    const QString partial = QDir(m_dir).filePath(partialFileName());
    const auto failed = [&](StorageStatus status) {
        (void)removeFile(partial);
        m_state.store(State::Failed, std::memory_order_release);
        return status;
    };
    FileDescriptor fd;
    if (StorageStatus status = openFile(partial, O_WRONLY | O_CREAT | O_TRUNC, fd); !status.ok())
        return failed(status);
    // A small slice at a time, each pushed to the disk before the next, and then a pause three times as
    // long as the slice took: the log syncs of this node and of its neighbours on the same disk never
    // queue behind more than one slice, and get the disk three quarters of the time. Written back to back
    // in 2 MiB slices, the spares of three nodes (which all ask at once, at the same log position) cut a
    // cluster's writes/s at 16 connections by 7% and raised p99 from 2.3 to 11 ms; paced, a spare takes
    // about a second here, where a 64 MiB segment lasts 10-25 s of writes.
    constexpr std::size_t slice = 256 * 1024;
    static const std::vector<char> zeros(slice, 0);
    for (std::uint64_t offset = 0; offset < m_bytes;) {
        if (m_abandoned.load(std::memory_order_relaxed))
            return failed(StorageStatus::ioError(QStringLiteral("writing %1 was abandoned").arg(partial)));
        QElapsedTimer clock;
        clock.start();
        const std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(slice, m_bytes - offset));
        if (StorageStatus status = writeAllAt(fd, partial, zeros.data(), length, offset); !status.ok())
            return failed(status);
        if (m_mode == SyncMode::Always) {
            if (::sync_file_range(fd.get(), static_cast<off_t>(offset), static_cast<off_t>(length),
                                  SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                      SYNC_FILE_RANGE_WAIT_AFTER) != 0)
                return failed(StorageStatus::ioError(
                    QStringLiteral("cannot sync %1: %2").arg(partial, systemError(errno))));
            std::this_thread::sleep_for(std::chrono::nanoseconds(3 * clock.nsecsElapsed()));
        }
        offset += length;
    }
    // The blocks' allocation too (fdatasync commits what reading the data back needs), so that the name
    // below never points at a file whose zeros a crash could take back.
    if (StorageStatus status = syncData(fd, partial, m_mode); !status.ok())
        return failed(status);
    fd = FileDescriptor();
    // No directory sync: a spare lost in a crash is written again, and open() removes leftovers anyway.
    if (std::rename(QFile::encodeName(partial).constData(),
                    QFile::encodeName(QDir(m_dir).filePath(fileName())).constData()) != 0)
        return failed(
            StorageStatus::ioError(QStringLiteral("cannot rename %1: %2").arg(partial, systemError(errno))));
    m_state.store(State::Ready, std::memory_order_release);
    return StorageStatus::success();
}

bool SpareSegment::takeAs(const QString &path)
{
    State state = m_state.load(std::memory_order_acquire);
    if (state == State::Failed) {
        // One failure (a full disk) is not retried at every append, but once per new segment.
        m_state.compare_exchange_strong(state, State::Absent, std::memory_order_acq_rel);
        return false;
    }
    if (state != State::Ready)
        return false;
    // RENAME_NOREPLACE: the segment's name must be new, as O_EXCL demands of a segment created in place.
    if (::renameat2(AT_FDCWD, QFile::encodeName(QDir(m_dir).filePath(fileName())).constData(), AT_FDCWD,
                    QFile::encodeName(path).constData(), RENAME_NOREPLACE) != 0) {
        if (errno != EEXIST)
            m_state.store(State::Absent, std::memory_order_release); // gone (removed by hand?): make another
        return false;
    }
    m_state.store(State::Absent, std::memory_order_release);
    return true;
}

} // namespace raftlab
