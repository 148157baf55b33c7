#include "directappender.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace raftlab {

namespace {

std::size_t roundUp(std::size_t bytes)
{
    return (bytes + DirectAppender::blockBytes - 1) / DirectAppender::blockBytes * DirectAppender::blockBytes;
}

std::uint64_t blockStart(std::uint64_t offset)
{
    return offset - offset % DirectAppender::blockBytes;
}

} // namespace

std::unique_ptr<DirectAppender> DirectAppender::open(const QString &path, std::uint64_t end,
                                                     StorageStatus &status)
{
    status = StorageStatus::success();
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_DIRECT | O_DSYNC | O_CLOEXEC);
    if (fd < 0) {
        if (errno == EINVAL)
            return nullptr; // no direct I/O on this file system
        status = StorageStatus::ioError(
            QStringLiteral("cannot open %1 for direct writes: %2").arg(path, systemError(errno)));
        return nullptr;
    }
    std::unique_ptr<DirectAppender> appender(new DirectAppender(path, FileDescriptor(fd), end));
    const std::size_t kept = static_cast<std::size_t>(end - blockStart(end));
    if (!appender->reserve(blockBytes)) {
        status = StorageStatus::ioError(
            QStringLiteral("cannot allocate a buffer for direct writes to %1").arg(path));
        return nullptr;
    }
    std::memset(appender->m_buffer, 0, blockBytes);
    if (kept > 0) {
        FileDescriptor reader;
        if (status = openFile(path, O_RDONLY, reader); !status.ok())
            return nullptr;
        std::size_t done = 0;
        while (done < kept) {
            const ssize_t got = ::pread(reader.get(), appender->m_buffer + done, kept - done,
                                        static_cast<off_t>(blockStart(end) + done));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                status = StorageStatus::ioError(
                    QStringLiteral("cannot read the end of %1: %2")
                        .arg(path, got < 0 ? systemError(errno) : QStringLiteral("short file")));
                return nullptr;
            }
            done += static_cast<std::size_t>(got);
        }
    }
    return appender;
}

DirectAppender::DirectAppender(QString path, FileDescriptor fd, std::uint64_t end)
    : m_path(std::move(path))
    , m_fd(std::move(fd))
    , m_end(end)
{ }

DirectAppender::~DirectAppender()
{
    std::free(m_buffer);
}

bool DirectAppender::reserve(std::size_t bytes)
{
    if (bytes <= m_capacity)
        return true;
    return reallocate(std::max(roundUp(bytes), 2 * m_capacity), m_capacity);
}

bool DirectAppender::reallocate(std::size_t capacity, std::size_t keep)
{
    void *replacement = nullptr;
    if (::posix_memalign(&replacement, blockBytes, capacity) != 0)
        return false;
    if (m_buffer)
        std::memcpy(replacement, m_buffer, keep);
    std::free(m_buffer);
    m_buffer = static_cast<char *>(replacement);
    m_capacity = capacity;
    return true;
}

StorageStatus DirectAppender::append(const char *data, std::size_t size)
{
    const std::size_t kept = static_cast<std::size_t>(m_end - blockStart(m_end));
    const std::size_t length = roundUp(kept + size);
    if (!reserve(length))
        return StorageStatus::ioError(
            QStringLiteral("cannot allocate a buffer for direct writes to %1").arg(m_path));
    std::memcpy(m_buffer + kept, data, size);
    std::memset(m_buffer + kept + size, 0, length - kept - size);
    int error = 0;
    if (StorageStatus status =
            writeAllAtAligned(m_fd, m_path, m_buffer, length, blockStart(m_end), blockBytes, &error);
        !status.ok()) {
        m_refused = error == EINVAL;
        return status;
    }
    // The new last block's bytes move to the front, for the next append to write again.
    const std::uint64_t end = m_end + size;
    const std::size_t lastBlockOffset = static_cast<std::size_t>(blockStart(end) - blockStart(m_end));
    const std::size_t lastBlockBytes = static_cast<std::size_t>(end - blockStart(end));
    if (lastBlockOffset > 0)
        std::memmove(m_buffer, m_buffer + lastBlockOffset, lastBlockBytes);
    m_end = end;
    // A follower catching up may append megabytes at once; the buffer does not keep that size (if the
    // smaller one cannot be had, the large one stays).
    if (m_capacity > maxKeptCapacity)
        reallocate(blockBytes, lastBlockBytes);
    return StorageStatus::success();
}

} // namespace raftlab
