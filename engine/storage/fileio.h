#pragma once

#include "storagestatus.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

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
StorageStatus syncData(const FileDescriptor &fd, const QString &path, SyncMode mode);
StorageStatus syncDirectory(const QString &dir, SyncMode mode);
StorageStatus truncateFile(const FileDescriptor &fd, const QString &path, std::uint64_t size);
StorageStatus readWholeFile(const QString &path, QByteArray &out);
// Replaces `path` atomically: write a temporary file, sync it, rename it over `path`, sync the directory.
// A crash leaves either the old or the new content, never a mixture.
StorageStatus writeFileAtomically(const QString &path, const QByteArray &content, SyncMode mode);

QString systemError(int error);

// Test seam: makes the next writes fail with `error` (e.g. ENOSPC) once `bytesBeforeFailure` more bytes
// were written; a negative value switches it off. Used by the disk-full tests when no small file
// system can be mounted. Not thread-safe; never set in production.
void injectWriteFailureForTesting(long long bytesBeforeFailure, int error);

} // namespace raftlab
