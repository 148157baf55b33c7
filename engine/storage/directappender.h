#pragma once

#include "fileio.h"

#include <QString>

#include <cstdint>
#include <memory>

namespace raftlab {

// Appends to the end of a file with direct, synchronous writes (O_DIRECT | O_DSYNC): each append is one
// pwrite that is durable when it returns, with no page cache in between and no fdatasync after it.
//
// Why: the log's appends are small (a batch is usually one or two KiB) and each must be durable before it
// is acknowledged. Through the page cache that is a pwrite, then fdatasync, which finds the dirty page,
// writes it back and flushes the device's cache. A direct write hands the device the block at once and
// flushes it in the same call. Measured on a 2-core VM's virtio disk (1,200-byte appends): 110 -> 72 us per
// durable append with one writer, 157 -> 135 us with three writers at once (docs/benchmarks.md).
//
// Direct writes move whole blocks of `blockBytes` from a buffer aligned to it. The bytes already in the
// last, partly filled block are kept in the buffer and written again, ahead of the new ones, with zeros after
// them up to the block's end: the same block the page cache would write back for an fdatasync, so what a
// crash can tear is no more than before (a torn block holds the old bytes or the new, and the old bytes are
// the same in both). The file past the end stays zeros, as FileLog requires.
class DirectAppender
{
public:
    static constexpr std::size_t blockBytes = 4096; // a page: the largest logical block of common disks
    static constexpr std::size_t maxKeptCapacity = 1 << 20; // a larger buffer is freed after its write

    // Opens `path` for direct writes at `end` (where its data ends; the bytes of that block before it are
    // read from the file). Null where the file system refuses direct I/O (a tmpfs, some FUSE ones), with
    // `status` still a success: the caller writes through the page cache instead. Null with a failed
    // `status` when the file cannot be opened or read at all.
    static std::unique_ptr<DirectAppender> open(const QString &path, std::uint64_t end,
                                                StorageStatus &status);
    ~DirectAppender();
    DirectAppender(const DirectAppender &) = delete;
    DirectAppender &operator=(const DirectAppender &) = delete;

    // Writes `size` bytes at end(), durably; end() moves past them. After a failure the bytes on disk from
    // the last block on are unknown: the caller drops this appender and cuts the file back, unless
    // refusedDirectIo() says the write was turned down before anything was written.
    StorageStatus append(const char *data, std::size_t size);
    // The last append failed with EINVAL: the file system or device takes no direct write of this shape
    // (a logical block larger than blockBytes, a file system that opens with O_DIRECT but cannot do it).
    // Nothing was written; the same bytes may go through the page cache instead.
    bool refusedDirectIo() const { return m_refused; }
    std::uint64_t end() const { return m_end; }
    const QString &path() const { return m_path; }

private:
    DirectAppender(QString path, FileDescriptor fd, std::uint64_t end);
    bool reserve(std::size_t bytes);
    // A new aligned buffer of `capacity` bytes, starting with the first `keep` bytes of the old one.
    bool reallocate(std::size_t capacity, std::size_t keep);

    QString m_path;
    FileDescriptor m_fd;
    std::uint64_t m_end = 0;
    char *m_buffer = nullptr; // aligned to blockBytes; starts with the bytes of the last block before m_end
    std::size_t m_capacity = 0;
    bool m_refused = false;
};

} // namespace raftlab
