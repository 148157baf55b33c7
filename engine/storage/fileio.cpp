#include "fileio.h"

#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace raftlab {

namespace {

long long g_bytesBeforeInjectedFailure = -1;
int g_injectedError = 0;
bool g_injectedOnce = false;

QString describe(const char *what, const QString &path, int error)
{
    return QStringLiteral("cannot %1 %2: %3").arg(QLatin1String(what), path, systemError(error));
}

} // namespace

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

void injectWriteFailureForTesting(long long bytesBeforeFailure, int error, bool once)
{
    g_bytesBeforeInjectedFailure = bytesBeforeFailure;
    g_injectedError = error;
    g_injectedOnce = once;
}

FileDescriptor &FileDescriptor::operator=(FileDescriptor &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.release();
    }
    return *this;
}

FileDescriptor::~FileDescriptor()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

int FileDescriptor::release()
{
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

StorageStatus openFile(const QString &path, int flags, FileDescriptor &out)
{
    const int fd = ::open(QFile::encodeName(path).constData(), flags | O_CLOEXEC, 0644);
    if (fd < 0)
        return StorageStatus::ioError(describe("open", path, errno));
    out = FileDescriptor(fd);
    return StorageStatus::success();
}

namespace {

// Writes all of `data`, at the file position (offset < 0) or at `offset`; honours the injected failure,
// in whole multiples of `alignment` (a direct write of any other length fails).
StorageStatus writeLoop(const FileDescriptor &fd, const QString &path, const char *data, std::size_t size,
                        off_t offset, std::size_t alignment = 1, int *error = nullptr)
{
    while (size > 0) {
        std::size_t chunk = size;
        if (g_bytesBeforeInjectedFailure >= 0) {
            chunk = std::min<std::size_t>(chunk, static_cast<std::size_t>(g_bytesBeforeInjectedFailure));
            chunk -= chunk % alignment;
            if (chunk == 0) {
                const int injected = g_injectedError;
                if (g_injectedOnce)
                    g_bytesBeforeInjectedFailure = -1;
                if (error)
                    *error = injected;
                return StorageStatus::ioError(describe("write", path, injected));
            }
        }
        const ssize_t written =
            offset < 0 ? ::write(fd.get(), data, chunk) : ::pwrite(fd.get(), data, chunk, offset);
        if (written < 0) {
            const int failure = errno;
            if (failure == EINTR)
                continue;
            if (error)
                *error = failure;
            return StorageStatus::ioError(describe("write", path, failure));
        }
        if (g_bytesBeforeInjectedFailure > 0)
            g_bytesBeforeInjectedFailure -= written;
        data += written;
        size -= static_cast<std::size_t>(written);
        if (offset >= 0)
            offset += written;
    }
    return StorageStatus::success();
}

} // namespace

StorageStatus writeAll(const FileDescriptor &fd, const QString &path, const char *data, std::size_t size)
{
    return writeLoop(fd, path, data, size, -1);
}

StorageStatus writeAllAt(const FileDescriptor &fd, const QString &path, const char *data, std::size_t size,
                         std::uint64_t offset)
{
    return writeLoop(fd, path, data, size, static_cast<off_t>(offset));
}

StorageStatus writeAllAtAligned(const FileDescriptor &fd, const QString &path, const char *data,
                                std::size_t size, std::uint64_t offset, std::size_t alignment, int *error)
{
    return writeLoop(fd, path, data, size, static_cast<off_t>(offset), alignment, error);
}

StorageStatus syncData(const FileDescriptor &fd, const QString &path, SyncMode mode)
{
    if (mode == SyncMode::Never)
        return StorageStatus::success();
    if (::fdatasync(fd.get()) != 0)
        return StorageStatus::ioError(describe("sync", path, errno));
    return StorageStatus::success();
}

StorageStatus syncFile(const FileDescriptor &fd, const QString &path, SyncMode mode)
{
    if (mode == SyncMode::Never)
        return StorageStatus::success();
    if (::fsync(fd.get()) != 0)
        return StorageStatus::ioError(describe("sync", path, errno));
    return StorageStatus::success();
}

StorageStatus syncDirectory(const QString &dir, SyncMode mode)
{
    if (mode == SyncMode::Never)
        return StorageStatus::success();
    FileDescriptor fd;
    if (StorageStatus status = openFile(dir, O_RDONLY | O_DIRECTORY, fd); !status.ok())
        return status;
    if (::fsync(fd.get()) != 0)
        return StorageStatus::ioError(describe("sync directory", dir, errno));
    return StorageStatus::success();
}

StorageStatus truncateFile(const FileDescriptor &fd, const QString &path, std::uint64_t size)
{
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0)
        return StorageStatus::ioError(describe("truncate", path, errno));
    return StorageStatus::success();
}

bool preallocateFile(const FileDescriptor &fd, std::uint64_t size, std::uint64_t keepSize)
{
    int result = 0;
    do {
        result = ::fallocate(fd.get(), 0, 0, static_cast<off_t>(size));
    } while (result != 0 && errno == EINTR);
    if (result == 0)
        return true;
    // ext4 keeps what it allocated before running out of space; give it back.
    struct stat info
    { };
    if (::fstat(fd.get(), &info) == 0 && static_cast<std::uint64_t>(info.st_size) > keepSize &&
        ::ftruncate(fd.get(), static_cast<off_t>(keepSize)) != 0) {
        // Harmless if this fails too: past `keepSize` the file holds only zeros, which end the log.
    }
    return false;
}

bool isOnTmpfs(const QString &dir)
{
    struct statfs fs
    { };
    return ::statfs(QFile::encodeName(dir).constData(), &fs) == 0 && fs.f_type == TMPFS_MAGIC;
}

StorageStatus readWholeFile(const QString &path, QByteArray &out)
{
    FileDescriptor fd;
    if (StorageStatus status = openFile(path, O_RDONLY, fd); !status.ok())
        return status;
    const off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size < 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0)
        return StorageStatus::ioError(describe("seek in", path, errno));
    out.resize(static_cast<qsizetype>(size));
    std::size_t done = 0;
    while (done < static_cast<std::size_t>(size)) {
        const ssize_t n = ::read(fd.get(), out.data() + done, static_cast<std::size_t>(size) - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return StorageStatus::ioError(describe("read", path, errno));
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    out.resize(static_cast<qsizetype>(done));
    return StorageStatus::success();
}

StorageStatus removeFile(const QString &path)
{
    if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
        return StorageStatus::ioError(QStringLiteral("cannot remove %1: %2").arg(path, systemError(errno)));
    return StorageStatus::success();
}

StorageStatus writeFileAtomically(const QString &path, const QByteArray &content, SyncMode mode)
{
    return writeFileAtomically(path, {QByteArrayView(content)}, mode);
}

StorageStatus writeFileAtomically(const QString &path, std::initializer_list<QByteArrayView> parts,
                                  SyncMode mode)
{
    const QString temporary = path + QStringLiteral(".tmp");
    FileDescriptor fd;
    if (StorageStatus status = openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC, fd); !status.ok())
        return status;
    // A large file (the snapshot of a million keys: 190 MB) written in one go and synced at the end
    // leaves all of it dirty in the page cache, and on ext4 (data=ordered) the log's next fdatasync
    // waits while the journal commit writes it out: every write stalls for up to a second. Written a
    // slice at a time, each slice pushed to the disk before the next (data only, no journal commit),
    // it never leaves more than one slice for anyone else's sync to wait for.
    constexpr std::size_t slice = 2 * 1024 * 1024;
    std::size_t size = 0;
    for (QByteArrayView part : parts)
        size += static_cast<std::size_t>(part.size());
    std::size_t offset = 0; // in the file
    for (QByteArrayView part : parts) {
        const auto partSize = static_cast<std::size_t>(part.size());
        for (std::size_t done = 0; done < partSize;) {
            const std::size_t length = std::min(slice, partSize - done);
            if (StorageStatus status = writeAll(fd, temporary, part.data() + done, length); !status.ok())
                return status;
            if (mode == SyncMode::Always && size > slice &&
                ::sync_file_range(fd.get(), static_cast<off_t>(offset), static_cast<off_t>(length),
                                  SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                      SYNC_FILE_RANGE_WAIT_AFTER) != 0)
                return StorageStatus::ioError(describe("sync", temporary, errno));
            done += length;
            offset += length;
        }
    }
    if (StorageStatus status = syncData(fd, temporary, mode); !status.ok())
        return status;
    fd = FileDescriptor();
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0)
        return StorageStatus::ioError(describe("rename", temporary, errno));
    return syncDirectory(QFileInfo(path).absolutePath(), mode);
}

} // namespace raftlab
