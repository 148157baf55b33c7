#pragma once

#include "storagestatus.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <initializer_list>

namespace raftlab {

enum class SyncMode { Always, Never };

// A POSIX file descriptor owned by one object: closed on destruction. The storage layer uses raw
// descriptors rather than QFile because it needs fdatasync, ftruncate and flock, and must know errno.
class FileDescriptor
{
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    { }
    FileDescriptor(FileDescriptor &&other) noexcept
        : m_fd(other.release())
    { }
    FileDescriptor &operator=(FileDescriptor &&other) noexcept;
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    ~FileDescriptor();

    int get() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }
    int release();

private:
    int m_fd = -1;
};

// Each returns an IoError naming the path and the system's reason.
StorageStatus openFile(const QString &path, int flags, FileDescriptor &out);
StorageStatus writeAll(const FileDescriptor &fd, const QString &path, const char *data, std::size_t size);
// As writeAll, but at byte `offset` of the file (pwrite): for overwriting a preallocated region.
StorageStatus writeAllAt(const FileDescriptor &fd, const QString &path, const char *data, std::size_t size,
                         std::uint64_t offset);
// As writeAllAt, for a file opened with O_DIRECT: `data`, `size` and `offset` are multiples of `alignment`,
// and so is every piece an injected failure lets through.
// `error`, if given, receives the system's error number of a failed write.
StorageStatus writeAllAtAligned(const FileDescriptor &fd, const QString &path, const char *data,
                                std::size_t size, std::uint64_t offset, std::size_t alignment,
                                int *error = nullptr);
StorageStatus syncData(const FileDescriptor &fd, const QString &path, SyncMode mode);
// fsync: data and all metadata. For size changes that must be durable even where fdatasync might skip them.
StorageStatus syncFile(const FileDescriptor &fd, const QString &path, SyncMode mode);
StorageStatus syncDirectory(const QString &dir, SyncMode mode);
StorageStatus truncateFile(const FileDescriptor &fd, const QString &path, std::uint64_t size);
// Allocates the file's blocks up to `size` bytes, extending the file with zeros (fallocate mode 0). Best
// effort, so false rather than an error: on failure (no support, no space) whatever was partly allocated
// beyond `keepSize` is released again, so a nearly full disk is not filled by a speed optimisation.
bool preallocateFile(const FileDescriptor &fd, std::uint64_t size, std::uint64_t keepSize);
// True if `dir` lies on a tmpfs, where syncs cost nothing and preallocated blocks would be RAM.
bool isOnTmpfs(const QString &dir);
StorageStatus readWholeFile(const QString &path, QByteArray &out);
// Unlinks `path`; a file already gone counts as removed. The directory is not synced.
StorageStatus removeFile(const QString &path);
// Replaces `path` atomically: write a temporary file, sync it, rename it over `path`, sync the directory.
// A crash leaves either the old or the new content, never a mixture.
StorageStatus writeFileAtomically(const QString &path, const QByteArray &content, SyncMode mode);
// The same with the content in parts, written one after the other: a large file is never joined in
// memory first (a snapshot of a million keys is 190 MB).
StorageStatus writeFileAtomically(const QString &path, std::initializer_list<QByteArrayView> parts,
                                  SyncMode mode);

QString systemError(int error);

// Test seam: makes the next writes fail with `error` (e.g. ENOSPC) once `bytesBeforeFailure` more bytes
// were written (only the first such write with `once`); a negative value switches it off. Used by the
// disk-full tests when no small file system can be mounted. Not thread-safe; never set in production.
void injectWriteFailureForTesting(long long bytesBeforeFailure, int error, bool once = false);

} // namespace raftlab
