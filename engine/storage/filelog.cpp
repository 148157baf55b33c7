#include "filelog.h"

#include "crc32c.h"

#include <QDir>
#include <QtEndian>

#include <cassert>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <unistd.h>

namespace raftlab {

namespace {

constexpr char segmentMagic[8] = {'R', 'A', 'F', 'T', 'L', 'O', 'G', '2'};
constexpr char unbatchedSegmentMagic[8] = {'R', 'A', 'F', 'T', 'L', 'O', 'G', '1'};
constexpr char batchMagic[4] = {'B', 'T', 'C', 'H'};

template<typename T>
T readLittleEndian(const char *p)
{
    return qFromLittleEndian<T>(p);
}

template<typename T>
void appendLittleEndian(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToLittleEndian(value, bytes);
    out.append(bytes, sizeof(T));
}

// One record as found at `offset`: its entry and where the next record starts, or why it is not valid.
struct DecodedRecord
{
    enum class Result { Valid, Incomplete, BadHeader, BadBody };
    Result result = Result::Incomplete;
    Entry entry{};
    std::uint64_t end = 0;
};

DecodedRecord decodeRecord(const QByteArray &bytes, std::uint64_t offset)
{
    DecodedRecord record;
    const auto size = static_cast<std::uint64_t>(bytes.size());
    if (size - offset < FileLog::recordHeaderBytes)
        return record;
    const char *header = bytes.constData() + offset;
    if (crc32c(header, 8) != readLittleEndian<quint32>(header + 8)) {
        record.result = DecodedRecord::Result::BadHeader;
        return record;
    }
    const auto bodyLength = readLittleEndian<quint32>(header);
    if (bodyLength < FileLog::recordBodyFixedBytes) {
        record.result = DecodedRecord::Result::BadHeader;
        return record;
    }
    const std::uint64_t bodyStart = offset + FileLog::recordHeaderBytes;
    if (size - bodyStart < bodyLength)
        return record; // Incomplete: the header is sound but the body never fully reached the disk
    const char *body = bytes.constData() + bodyStart;
    if (crc32c(body, bodyLength) != readLittleEndian<quint32>(header + 4)) {
        record.result = DecodedRecord::Result::BadBody;
        return record;
    }
    record.entry.index = LogIndex(readLittleEndian<quint64>(body));
    record.entry.term = Term(readLittleEndian<quint64>(body + 8));
    record.entry.type = static_cast<EntryType>(static_cast<unsigned char>(body[16]));
    record.entry.payload = QByteArray(body + FileLog::recordBodyFixedBytes,
                                      static_cast<qsizetype>(bodyLength - FileLog::recordBodyFixedBytes));
    record.end = bodyStart + bodyLength;
    record.result = DecodedRecord::Result::Valid;
    return record;
}

// The offset of the first non-zero byte at or after `from`, or the size if there is none. Word by word:
// opening scans up to a whole preallocated segment of zeros.
std::uint64_t firstNonZero(const QByteArray &bytes, std::uint64_t from)
{
    const auto size = static_cast<std::uint64_t>(bytes.size());
    const char *data = bytes.constData();
    std::uint64_t at = from;
    for (; at < size && at % 8 != 0; ++at) {
        if (data[at] != 0)
            return at;
    }
    for (; at + 8 <= size; at += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + at, 8);
        if (word != 0)
            break;
    }
    for (; at < size; ++at) {
        if (data[at] != 0)
            return at;
    }
    return size;
}

// True if a valid record starts anywhere after `offset`: then a bad record at `offset` is damage in the
// middle of the log, not a torn tail.
bool validRecordFollows(const QByteArray &bytes, std::uint64_t offset)
{
    const auto size = static_cast<std::uint64_t>(bytes.size());
    for (std::uint64_t at = offset + 1; at + FileLog::recordHeaderBytes <= size; ++at) {
        // A valid record's length (its first 4 bytes) is at least 17, so it starts at most 3 bytes before
        // a non-zero byte: skip runs of zeros (a preallocated tail) instead of checksumming each position.
        const std::uint64_t nonZero = firstNonZero(bytes, at);
        if (nonZero == size)
            return false;
        if (nonZero > at + 3) {
            at = nonZero - 4; // the loop's ++at makes it nonZero - 3
            continue;
        }
        if (decodeRecord(bytes, at).result == DecodedRecord::Result::Valid)
            return true;
    }
    return false;
}

struct BatchHeader
{
    std::uint32_t count = 0; // entries as written; truncateSuffix may have cut the batch shorter since
    LogIndex firstIndex;
};

void encodeBatchHeader(std::uint32_t count, LogIndex firstIndex, QByteArray &out)
{
    const qsizetype headerAt = out.size();
    out.append(batchMagic, sizeof batchMagic);
    appendLittleEndian<quint32>(out, count);
    appendLittleEndian<quint64>(out, firstIndex.value);
    appendLittleEndian<quint32>(out, crc32c(out.constData() + headerAt, 16));
}

std::optional<BatchHeader> decodeBatchHeader(const QByteArray &bytes, std::uint64_t offset)
{
    if (static_cast<std::uint64_t>(bytes.size()) - offset < FileLog::batchHeaderBytes)
        return std::nullopt;
    const char *header = bytes.constData() + offset;
    if (QByteArrayView(header, sizeof batchMagic) != QByteArrayView(batchMagic, sizeof batchMagic) ||
        crc32c(header, 16) != readLittleEndian<quint32>(header + 16))
        return std::nullopt;
    BatchHeader batch{readLittleEndian<quint32>(header + 4), LogIndex(readLittleEndian<quint64>(header + 8))};
    if (batch.count == 0)
        return std::nullopt; // never written: every batch holds at least one entry
    return batch;
}

// True if a valid batch header of entry `atLeast` or later starts anywhere after `offset`: then the bad
// bytes at `offset` lie in a batch before the last one, which was acknowledged, and are damage rather than
// a torn tail. (Only the marker's positions are checksummed, so scanning a zeroed tail costs little.)
bool batchHeaderFollows(const QByteArray &bytes, std::uint64_t offset, LogIndex atLeast)
{
    const QByteArrayView marker(batchMagic, sizeof batchMagic);
    for (qsizetype at = bytes.indexOf(marker, static_cast<qsizetype>(offset) + 1); at >= 0;
         at = bytes.indexOf(marker, at + 1)) {
        const auto header = decodeBatchHeader(bytes, static_cast<std::uint64_t>(at));
        if (header && header->firstIndex >= atLeast)
            return true;
    }
    return false;
}

QString at(const QString &path, std::uint64_t offset)
{
    return QStringLiteral("%1 at byte offset %2").arg(path).arg(offset);
}

struct ScannedSegment
{
    FileLog::SegmentFormat format = FileLog::SegmentFormat::Batched;
    Entries entries;
    std::vector<std::uint64_t> cutOffsets; // see FileLog::Segment
    std::optional<std::uint64_t> tornAt; // last segment only: where a torn tail starts
    std::uint64_t end = 0; // where the last valid record ends (the segment header if none)
};

// The segment's format, from its header; nullopt when the header is not a valid one for `firstIndex`.
std::optional<FileLog::SegmentFormat> segmentFormat(const QByteArray &bytes, LogIndex firstIndex)
{
    if (static_cast<std::uint64_t>(bytes.size()) < FileLog::segmentHeaderBytes ||
        readLittleEndian<quint64>(bytes.constData() + 8) != firstIndex.value)
        return std::nullopt;
    if (bytes.startsWith(QByteArrayView(segmentMagic, 8)))
        return FileLog::SegmentFormat::Batched;
    if (bytes.startsWith(QByteArrayView(unbatchedSegmentMagic, 8)))
        return FileLog::SegmentFormat::Unbatched;
    return std::nullopt;
}

// Reads one segment record by record (and batch by batch), verifying each. In the last segment, bad bytes
// that lie in the last batch (no later batch header follows) are a torn tail; anywhere else, damage.
// `termBefore`: the term of the entry before `firstIndex` in the previous segment (terms never decrease,
// across segments too), or 0.
StorageStatus scanSegment(const QString &path, LogIndex firstIndex, Term termBefore, bool isLast,
                          ScannedSegment &out)
{
    QByteArray bytes;
    if (StorageStatus status = readWholeFile(path, bytes); !status.ok())
        return status;
    const auto size = static_cast<std::uint64_t>(bytes.size());
    const auto format = segmentFormat(bytes, firstIndex);
    if (!format) {
        // Created just before a crash (a partial header, or a preallocated file whose header never reached
        // the disk) and nothing after it: no record was ever acknowledged from it, as the header is synced
        // before the first append.
        if (isLast &&
            firstNonZero(bytes, std::min<std::uint64_t>(size, FileLog::segmentHeaderBytes)) == size) {
            out.tornAt = 0;
            return StorageStatus::success();
        }
        return StorageStatus::damaged(QStringLiteral("log segment %1 has no valid header").arg(at(path, 0)));
    }
    out.format = *format;
    const bool batched = *format == FileLog::SegmentFormat::Batched;
    std::uint64_t offset = FileLog::segmentHeaderBytes;
    LogIndex expected = firstIndex;
    Term previousTerm = termBefore;
    std::uint32_t announced = 0; // records the open batch may still hold
    std::uint64_t batchStart = 0;
    bool batchHasRecords = true; // false between a batch header and its first record
    out.end = offset;
    const auto damaged = [&path](std::uint64_t where, const QString &what) {
        return StorageStatus::damaged(QStringLiteral("log segment %1: %2").arg(at(path, where), what));
    };
    const auto cutAt = [&](std::uint64_t where) {
        // A batch header none of whose records is valid goes with them.
        out.tornAt = batchHasRecords ? where : batchStart;
        out.end = *out.tornAt;
        return StorageStatus::success();
    };
    while (offset < size) {
        // Only zeros from here on: the preallocated part that no append has reached yet.
        const std::uint64_t nonZero = firstNonZero(bytes, offset);
        if (nonZero == size)
            break;
        if (batched && bytes[static_cast<qsizetype>(offset)] == batchMagic[0]) {
            if (const auto batch = decodeBatchHeader(bytes, offset)) {
                if (batch->firstIndex != expected)
                    return damaged(offset,
                                   QStringLiteral("a batch of entry %1 where %2 was expected")
                                       .arg(batch->firstIndex.value)
                                       .arg(expected.value));
                if (!batchHasRecords)
                    return damaged(batchStart, QStringLiteral("a batch header with no entry after it"));
                announced = batch->count;
                batchStart = offset;
                batchHasRecords = false;
                offset += FileLog::batchHeaderBytes;
                continue;
            }
        }
        DecodedRecord record = decodeRecord(bytes, offset);
        const bool outsideBatch = batched && record.result == DecodedRecord::Result::Valid && announced == 0;
        if (record.result != DecodedRecord::Result::Valid || outsideBatch) {
            const bool laterWriteFollows =
                batched ? batchHeaderFollows(bytes, offset, expected) : validRecordFollows(bytes, offset);
            if (isLast && !laterWriteFollows)
                return cutAt(offset);
            const char *what = nonZero >= offset + FileLog::recordHeaderBytes
                ? "zeros where a record should be, with data after them"
                : outsideBatch                                      ? "an entry beyond what its batch holds"
                : record.result == DecodedRecord::Result::BadBody   ? "checksum mismatch"
                : record.result == DecodedRecord::Result::BadHeader ? "damaged record header"
                                                                    : "truncated record";
            return damaged(offset, QLatin1String(what));
        }
        if (record.entry.index != expected)
            return damaged(offset,
                           QStringLiteral("entry %1 where %2 was expected")
                               .arg(record.entry.index.value)
                               .arg(expected.value));
        if (record.entry.term < previousTerm)
            return damaged(offset, QStringLiteral("entry terms decrease"));
        previousTerm = record.entry.term;
        out.cutOffsets.push_back(batchHasRecords ? offset : batchStart);
        out.entries.push_back(std::move(record.entry));
        if (batched)
            --announced;
        batchHasRecords = true;
        offset = record.end;
        out.end = offset;
        expected = expected.next();
    }
    if (!batchHasRecords) {
        if (isLast)
            return cutAt(offset); // a batch header whose records never reached the disk
        return damaged(batchStart, QStringLiteral("a batch header with no entry after it"));
    }
    return StorageStatus::success();
}

// Cuts a segment at `end` and, if `preallocateTo` is beyond it, extends it with zeros again; then fsyncs it
// (fsync rather than fdatasync: the size changed, maybe twice). Afterwards nothing that lay past `end` can
// be read back, whichever of the steps a crash interrupts: each intermediate file ends at `end` in zeros
// or in its end of file.
StorageStatus cutSegmentFile(const FileDescriptor &fd, const QString &path, std::uint64_t end,
                             std::uint64_t preallocateTo, SyncMode mode)
{
    if (StorageStatus status = truncateFile(fd, path, end); !status.ok())
        return status;
    if (preallocateTo > end)
        preallocateFile(fd, preallocateTo, end);
    return syncFile(fd, path, mode);
}

std::optional<LogIndex> parseSegmentName(const QString &name)
{
    static const QString prefix = QStringLiteral("segment-");
    static const QString suffix = QStringLiteral(".log");
    if (!name.startsWith(prefix) || !name.endsWith(suffix) ||
        name.size() != prefix.size() + 20 + suffix.size())
        return std::nullopt;
    bool ok = false;
    const quint64 first = name.mid(prefix.size(), 20).toULongLong(&ok);
    if (!ok || first == 0)
        return std::nullopt;
    return LogIndex(first);
}

} // namespace

void encodeRecord(const Entry &entry, QByteArray &out)
{
    const auto bodyLength = static_cast<quint32>(FileLog::recordBodyFixedBytes + entry.payload.size());
    const qsizetype headerAt = out.size();
    out.resize(headerAt + static_cast<qsizetype>(FileLog::recordHeaderBytes));
    appendLittleEndian<quint64>(out, entry.index.value);
    appendLittleEndian<quint64>(out, entry.term.value);
    out.append(static_cast<char>(entry.type));
    out.append(entry.payload);
    char *header = out.data() + headerAt;
    qToLittleEndian<quint32>(bodyLength, header);
    qToLittleEndian<quint32>(crc32c(header + FileLog::recordHeaderBytes, bodyLength), header + 4);
    qToLittleEndian<quint32>(crc32c(header, 8), header + 8);
}

QString FileLog::segmentFileName(LogIndex firstIndex)
{
    return QStringLiteral("segment-%1.log").arg(firstIndex.value, 20, 10, QLatin1Char('0'));
}

FileLog::FileLog(QString dir, Options options)
    : m_dir(std::move(dir))
    , m_options(options)
{ }

QStringList FileLog::segmentPaths() const
{
    QStringList paths;
    for (const Segment &segment : m_segments)
        paths << segment.path;
    return paths;
}

StorageStatus FileLog::open(const QString &dir, const Options &options, LogIndex snapshotIndex, Opened &out)
{
    std::unique_ptr<FileLog> log(new FileLog(dir, options));
    log->m_preallocate = options.preallocate && !isOnTmpfs(dir);
    SpareSegment::removeLeftovers(dir);
    if (log->m_preallocate)
        log->m_spare = std::make_shared<SpareSegment>(dir, options.segmentBytes, options.syncMode);
    std::vector<std::pair<LogIndex, QString>> files;
    const QStringList names = QDir(dir).entryList({QStringLiteral("segment-*.log")}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        const auto first = parseSegmentName(name);
        if (!first)
            return StorageStatus::damaged(
                QStringLiteral("unexpected file %1 among the log segments").arg(QDir(dir).filePath(name)));
        files.emplace_back(*first, QDir(dir).filePath(name));
    }
    // Zero-padded names sort in index order.
    bool removedFiles = false;
    Term lastTerm;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto &[first, path] = files[i];
        const bool isLast = i + 1 == files.size();
        ScannedSegment scanned;
        if (StorageStatus status = scanSegment(path, first, lastTerm, isLast, scanned); !status.ok())
            return status;
        if (!scanned.entries.empty())
            lastTerm = scanned.entries.back().term;
        if (scanned.tornAt) {
            out.warnings << QStringLiteral("cut off a torn write at the tail of %1 (a crash interrupted an "
                                           "unacknowledged append)")
                                .arg(at(path, *scanned.tornAt));
        }
        Segment segment{path, first, scanned.format, std::move(scanned.cutOffsets), 0, false};
        if (!log->m_segments.empty() && first != log->m_segments.back().lastIndex().next())
            return StorageStatus::damaged(QStringLiteral("log segment %1 starts at entry %2 but the previous "
                                                         "segment ends at %3")
                                              .arg(path)
                                              .arg(first.value)
                                              .arg(log->m_segments.back().lastIndex().value));
        const bool wholeSegmentTorn = scanned.tornAt && segment.isEmpty();
        // An empty segment that starts inside the snapshot is covered too: kept, it would take the next
        // append (after the snapshot) under a first index that its records do not have.
        const bool coveredBySnapshot =
            segment.isEmpty() ? first <= snapshotIndex : segment.lastIndex() <= snapshotIndex;
        // An empty segment of the earlier format holds nothing, and new entries never go into that format:
        // kept, its name would be the one the next append's new segment needs.
        const bool emptyOldFormat = segment.isEmpty() && segment.format == SegmentFormat::Unbatched;
        if (wholeSegmentTorn || coveredBySnapshot || emptyOldFormat || (segment.isEmpty() && !isLast)) {
            // Nothing in it is needed: finish the interrupted compaction or segment creation.
            if (StorageStatus status = removeFile(path); !status.ok())
                return status;
            removedFiles = true;
            if (coveredBySnapshot)
                continue;
            if (segment.isEmpty())
                continue;
        }
        if (scanned.tornAt) {
            FileDescriptor fd;
            if (StorageStatus status = openFile(path, O_WRONLY, fd); !status.ok())
                return status;
            if (StorageStatus status =
                    cutSegmentFile(fd, path, *scanned.tornAt, log->preallocationBytes(), options.syncMode);
                !status.ok())
                return status;
        }
        segment.size = scanned.end;
        for (Entry &entry : scanned.entries) {
            if (entry.index > snapshotIndex)
                out.entries.push_back(std::move(entry));
        }
        log->m_segments.push_back(std::move(segment));
    }
    if (removedFiles) {
        if (StorageStatus status = syncDirectory(dir, options.syncMode); !status.ok())
            return status;
    }
    if (!log->m_segments.empty() && log->m_segments.front().firstIndex > snapshotIndex.next())
        return StorageStatus::damaged(
            QStringLiteral("the log starts at entry %1 but the snapshot ends at %2: "
                           "entries are missing (%3)")
                .arg(log->m_segments.front().firstIndex.value)
                .arg(snapshotIndex.value)
                .arg(log->m_segments.front().path));
    log->m_nextIndex =
        log->m_segments.empty() ? snapshotIndex.next() : log->m_segments.back().lastIndex().next();
    if (log->m_nextIndex <= snapshotIndex)
        log->m_nextIndex = snapshotIndex.next();
    if (StorageStatus status = log->openLastSegmentForAppend(); !status.ok())
        return status;
    out.log = std::move(log);
    return StorageStatus::success();
}

std::uint64_t FileLog::preallocationBytes() const
{
    return m_preallocate ? m_options.segmentBytes : 0;
}

StorageStatus FileLog::openLastSegmentForAppend()
{
    m_appendFd = FileDescriptor();
    m_direct.reset();
    if (m_segments.empty())
        return StorageStatus::success();
    const Segment &segment = m_segments.back();
    if (StorageStatus status = openFile(segment.path, O_WRONLY, m_appendFd); !status.ok())
        return status;
    // A segment written before preallocation existed, or whose preallocation failed: try again. No sync:
    // until the next append's fdatasync commits it, a crash leaves the file as it was, which reads the same.
    if (preallocationBytes() > segment.size)
        preallocateFile(m_appendFd, preallocationBytes(), segment.size);
    return StorageStatus::success();
}

std::shared_ptr<SpareSegment> FileLog::spareToPrepare()
{
    if (!m_spare || m_segments.empty() || m_segments.back().size < m_options.segmentBytes / 16)
        return nullptr;
    return m_spare->claimPreparation() ? m_spare : nullptr;
}

StorageStatus FileLog::startSegment(LogIndex firstIndex, bool onlyIntoSpare)
{
    const QString path = QDir(m_dir).filePath(segmentFileName(firstIndex));
    FileDescriptor fd;
    const bool inSpare = m_spare && m_spare->takeAs(path);
    if (!inSpare && onlyIntoSpare)
        return StorageStatus::success();
    if (StorageStatus status = openFile(path, inSpare ? O_WRONLY : O_WRONLY | O_CREAT | O_EXCL, fd);
        !status.ok()) {
        if (inSpare)
            ::unlink(QFile::encodeName(path).constData());
        return status;
    }
    QByteArray header(segmentMagic, 8);
    appendLittleEndian<quint64>(header, firstIndex.value);
    if (StorageStatus status =
            writeAllAt(fd, path, header.constData(), static_cast<std::size_t>(header.size()), 0);
        !status.ok()) {
        ::unlink(QFile::encodeName(path).constData());
        return status;
    }
    // fallocate of a whole segment takes 0.02-0.15 ms here (extents only, no data written), once per
    // `segmentBytes` of log, so it is done here rather than ahead of time.
    if (!inSpare && preallocationBytes() > segmentHeaderBytes)
        preallocateFile(fd, preallocationBytes(), segmentHeaderBytes);
    // The new file's name and header must be durable before entries in it are acknowledged: the header
    // before any record, so that a segment with no valid header is known to hold nothing acknowledged.
    if (StorageStatus status = syncFile(fd, path, m_options.syncMode); !status.ok())
        return status;
    if (StorageStatus status = syncDirectory(m_dir, m_options.syncMode); !status.ok())
        return status;
    m_segments.push_back(Segment{path, firstIndex, SegmentFormat::Batched, {}, segmentHeaderBytes, inSpare});
    m_appendFd = std::move(fd);
    m_direct.reset();
    return StorageStatus::success();
}

StorageStatus FileLog::fail(StorageStatus status)
{
    m_failure = status.message;
    return status;
}

StorageStatus FileLog::append(const Entries &entries)
{
    if (!m_failure.isEmpty())
        return StorageStatus::ioError(m_failure);
    if (entries.empty())
        return StorageStatus::success();
    assert(entries.front().index == m_nextIndex && "appends are contiguous");
    // A segment of the first format is never appended to: its records have no batch headers.
    if (m_segments.empty() || m_segments.back().size >= m_options.segmentBytes ||
        m_segments.back().format != SegmentFormat::Batched) {
        if (StorageStatus status = startSegment(m_nextIndex); !status.ok())
            return fail(status);
    } else if (m_spare && m_spare->isReady() && !m_segments.back().zerosWritten &&
               !m_segments.back().isEmpty()) {
        // Appends to written zeros sync faster than to preallocated ones (sparesegment.h): a busy log
        // moves on as soon as it can, whatever room is left here.
        if (StorageStatus status = startSegment(m_nextIndex, true); !status.ok())
            return fail(status);
    }
    Segment &segment = m_segments.back();
    // Sized up front: one allocation per batch, however many entries it holds.
    std::size_t batchBytes = batchHeaderBytes;
    for (const Entry &entry : entries)
        batchBytes +=
            recordHeaderBytes + recordBodyFixedBytes + static_cast<std::size_t>(entry.payload.size());
    QByteArray batch;
    batch.reserve(static_cast<qsizetype>(batchBytes));
    encodeBatchHeader(static_cast<std::uint32_t>(entries.size()), entries.front().index, batch);
    std::vector<std::uint64_t> offsets;
    offsets.reserve(entries.size());
    for (const Entry &entry : entries) {
        // The first entry is cut off together with its batch header.
        offsets.push_back(offsets.empty() ? segment.size
                                          : segment.size + static_cast<std::uint64_t>(batch.size()));
        encodeRecord(entry, batch);
    }
    if (StorageStatus status = writeBatch(segment, batch); !status.ok()) {
        m_direct.reset();
        // Drop the partial batch if we can (reopening preallocates again); either way, refuse further
        // writes until reopened.
        truncateFile(m_appendFd, segment.path, segment.size);
        return fail(status);
    }
    segment.size += static_cast<std::uint64_t>(batch.size());
    segment.cutOffsets.insert(segment.cutOffsets.end(), offsets.begin(), offsets.end());
    m_nextIndex = entries.back().index.next();
    return StorageStatus::success();
}

StorageStatus FileLog::writeBatch(const Segment &segment, const QByteArray &batch)
{
    const auto size = static_cast<std::size_t>(batch.size());
    if (m_options.syncMode == SyncMode::Always && m_options.directWrites && !m_directRefused) {
        if (!m_direct || m_direct->path() != segment.path || m_direct->end() != segment.size) {
            StorageStatus status;
            m_direct = DirectAppender::open(segment.path, segment.size, status);
            if (!status.ok())
                return status;
            m_directRefused = !m_direct;
        }
        if (m_direct) {
            StorageStatus status = m_direct->append(batch.constData(), size);
            if (status.ok() || !m_direct->refusedDirectIo())
                return status;
            // Turned down before anything was written: this log goes through the page cache from now on.
            qWarning("%s: direct writes refused (%s); writing through the page cache",
                     qPrintable(segment.path), qPrintable(status.message));
            m_direct.reset();
            m_directRefused = true;
        }
    }
    StorageStatus status = writeAllAt(m_appendFd, segment.path, batch.constData(), size, segment.size);
    if (status.ok())
        status = syncData(m_appendFd, segment.path, m_options.syncMode);
    return status;
}

StorageStatus FileLog::truncateSuffix(LogIndex from)
{
    if (!m_failure.isEmpty())
        return StorageStatus::ioError(m_failure);
    if (from >= m_nextIndex)
        return StorageStatus::success();
    bool removedFiles = false;
    while (!m_segments.empty() && m_segments.back().firstIndex >= from) {
        m_appendFd = FileDescriptor();
        m_direct.reset();
        if (StorageStatus status = removeFile(m_segments.back().path); !status.ok())
            return fail(status);
        m_segments.pop_back();
        removedFiles = true;
    }
    // The removals must be durable before the cut below: after a power loss, a resurrected later segment
    // beside a shortened one would be a gap, and opening would call it damage.
    if (removedFiles) {
        if (StorageStatus status = syncDirectory(m_dir, m_options.syncMode); !status.ok())
            return fail(status);
    }
    if (!m_segments.empty() && m_segments.back().lastIndex() >= from) {
        Segment &segment = m_segments.back();
        const std::uint64_t cut =
            segment.cutOffsets[static_cast<std::size_t>(from.value - segment.firstIndex.value)];
        if (StorageStatus status = openLastSegmentForAppend(); !status.ok())
            return fail(status);
        if (StorageStatus status =
                cutSegmentFile(m_appendFd, segment.path, cut, preallocationBytes(), m_options.syncMode);
            !status.ok())
            return fail(status);
        segment.cutOffsets.resize(static_cast<std::size_t>(from.value - segment.firstIndex.value));
        segment.size = cut;
        segment.zerosWritten = false; // the cut freed its tail, preallocated again
    } else if (StorageStatus status = openLastSegmentForAppend(); !status.ok()) {
        return fail(status);
    }
    m_nextIndex = from;
    return StorageStatus::success();
}

StorageStatus FileLog::compactPrefix(LogIndex upTo)
{
    if (!m_failure.isEmpty())
        return StorageStatus::ioError(m_failure);
    if (StorageStatus status = removeSegmentFiles(m_dir, detachPrefix(upTo), m_options.syncMode);
        !status.ok())
        return fail(status);
    return StorageStatus::success();
}

QStringList FileLog::detachPrefix(LogIndex upTo)
{
    // As open() judges: an empty segment (its header synced, a crash before its first batch) is covered
    // only if its first index is. One after `upTo` stays: the next append goes into it, and a detached
    // one would still be on disk, under the name that append would give a new segment.
    const auto covered = [upTo](const Segment &segment) {
        return segment.isEmpty() ? segment.firstIndex <= upTo : segment.lastIndex() <= upTo;
    };
    std::size_t removable = 0;
    while (removable < m_segments.size() && covered(m_segments[removable]))
        ++removable;
    if (removable == m_segments.size()) {
        m_appendFd = FileDescriptor();
        m_direct.reset();
    }
    QStringList paths;
    paths.reserve(static_cast<qsizetype>(removable));
    for (std::size_t i = 0; i < removable; ++i)
        paths.append(m_segments[i].path);
    m_segments.erase(m_segments.begin(), m_segments.begin() + static_cast<std::ptrdiff_t>(removable));
    if (m_segments.empty())
        m_nextIndex = std::max(m_nextIndex, upTo.next());
    return paths;
}

StorageStatus FileLog::removeSegmentFiles(const QString &dir, const QStringList &paths, SyncMode mode)
{
    if (paths.isEmpty())
        return StorageStatus::success();
    for (const QString &path : paths) {
        if (StorageStatus status = removeFile(path); !status.ok())
            return status;
    }
    return syncDirectory(dir, mode);
}

} // namespace raftlab
