// Fuzz entries for what a node reads back from its data dir: the log's segment files and the snapshot.
#include "fuzzentries.h"

#include "node/kvstore.h"
#include "storage/crc32c.h"
#include "storage/filelog.h"
#include "storage/snapshotfile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

#include <cstring>
#include <memory>

namespace raftlab::fuzz {

namespace {

constexpr char segmentMagic[] = "RAFTLOG1";
constexpr char snapshotMagic[] = "RAFTSN01";

// One empty directory per call, inside a temporary directory the process keeps until it exits.
QString emptyScratchDir()
{
    static const auto scratch = std::make_unique<QTemporaryDir>();
    QDir dir(scratch->path() + QStringLiteral("/dir"));
    dir.removeRecursively();
    dir.mkpath(QStringLiteral("."));
    return dir.path();
}

bool writeFile(const QString &path, QByteArrayView bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes.data(), bytes.size()) == bytes.size();
}

// The records of one segment with their checksums made right, as far as their lengths chain up.
void repairChecksums(QByteArray &segment)
{
    const auto size = static_cast<std::uint64_t>(segment.size());
    std::uint64_t offset = FileLog::segmentHeaderBytes;
    while (offset + FileLog::recordHeaderBytes <= size) {
        char *header = segment.data() + offset;
        const auto bodyLength = qFromLittleEndian<quint32>(header);
        const std::uint64_t bodyStart = offset + FileLog::recordHeaderBytes;
        if (bodyLength < FileLog::recordBodyFixedBytes || size - bodyStart < bodyLength)
            return;
        qToLittleEndian<quint32>(crc32c(header + FileLog::recordHeaderBytes, bodyLength), header + 4);
        qToLittleEndian<quint32>(crc32c(header, 8), header + 8);
        offset = bodyStart + bodyLength;
    }
}

// Writes the segments of `log` (each "RAFTLOG1" starts one) into `dir`, each named after the first
// index in its header, or after the previous one's when it has no header.
void writeSegments(const QString &dir, QByteArrayView log, bool repair)
{
    std::uint64_t previousFirst = 0;
    qsizetype start = 0;
    while (start < log.size()) {
        qsizetype end = log.indexOf(QByteArrayView(segmentMagic), start + 1);
        if (end < 0)
            end = log.size();
        QByteArray segment = log.sliced(start, end - start).toByteArray();
        start = end;
        std::uint64_t first = previousFirst + 1;
        if (segment.size() >= qsizetype(FileLog::segmentHeaderBytes) && segment.startsWith(segmentMagic))
            first = qFromLittleEndian<quint64>(segment.constData() + 8);
        previousFirst = first;
        const QString path =
            QDir(dir).filePath(QStringLiteral("segment-%1.log").arg(first, 20, 10, QLatin1Char('0')));
        if (QFile::exists(path))
            continue;
        if (repair)
            repairChecksums(segment);
        writeFile(path, segment);
    }
}

QString entriesProblem(const FileLog &log, const Entries &entries, LogIndex snapshotIndex)
{
    LogIndex expected = snapshotIndex.next();
    Term previous;
    for (const Entry &entry : entries) {
        if (entry.index != expected)
            return QStringLiteral("the log gave entry %1 where %2 was next")
                .arg(entry.index.value)
                .arg(expected.value);
        if (entry.term < previous)
            return QStringLiteral("the log gave entry %1 of term %2 after one of term %3")
                .arg(entry.index.value)
                .arg(entry.term.value)
                .arg(previous.value);
        previous = entry.term;
        expected = expected.next();
    }
    if (log.nextIndex() != expected)
        return QStringLiteral("the log's next index is %1, its entries end before %2")
            .arg(log.nextIndex().value)
            .arg(expected.value);
    return QString();
}

QString reopenProblem(const QString &dir, const FileLog::Options &options, LogIndex snapshotIndex,
                      const Entries &expected, const char *after, FileLog::Opened &out)
{
    const StorageStatus status = FileLog::open(dir, options, snapshotIndex, out);
    if (!status.ok())
        return QStringLiteral("the log does not open again after %1: %2")
            .arg(QLatin1String(after), status.message);
    if (!out.warnings.isEmpty())
        return QStringLiteral("after %1 the log still needs repair: %2")
            .arg(QLatin1String(after), out.warnings.join(QStringLiteral("; ")));
    if (out.entries != expected)
        return QStringLiteral("after %1 the log reads %2 entries instead of %3")
            .arg(QLatin1String(after))
            .arg(out.entries.size())
            .arg(expected.size());
    return entriesProblem(*out.log, out.entries, snapshotIndex);
}

// The KV store restores what the file holds; a restored store's own snapshot restores to an equal one.
QString restoreProblem(const Snapshot &snapshot)
{
    KvStore store;
    const QByteArray before = KvStore::encodePut("key", "value");
    store.apply(Entry{LogIndex(1), Term(1), EntryType::Command, before});
    if (const QString why = store.restore(snapshot.data, snapshot.meta.index); !why.isEmpty()) {
        if (store.appliedIndex() != LogIndex(1) || store.size() != 1 || store.get("key") != "value")
            return QStringLiteral("a snapshot that did not restore changed the store (%1)").arg(why);
        return QString();
    }
    if (store.appliedIndex() != snapshot.meta.index)
        return QStringLiteral("a restored store is at index %1, not at the snapshot's %2")
            .arg(store.appliedIndex().value)
            .arg(snapshot.meta.index.value);
    const QByteArray own = store.snapshot();
    KvStore copy;
    if (const QString why = copy.restore(own, snapshot.meta.index); !why.isEmpty())
        return QStringLiteral("a restored store's own snapshot does not restore: %1").arg(why);
    if (!(copy == store))
        return QStringLiteral("a restored store's own snapshot restores to another store");
    if (copy.snapshot() != own)
        return QStringLiteral("two equal stores give different snapshots");
    const KvSnapshotView view = store.freeze();
    const QByteArray frozen = view.encode();
    store.thaw(view);
    if (frozen != own)
        return QStringLiteral("a frozen view encodes otherwise than the store");
    return QString();
}

QString loadedProblem(const QString &dir, const char *what)
{
    Snapshot loaded;
    const StorageStatus status = SnapshotFile::load(dir, loaded);
    if (status.code == StorageStatus::Code::Damaged)
        return QString();
    if (!status.ok())
        return QStringLiteral("loading %1 snapshot failed otherwise than as damage: %2")
            .arg(QLatin1String(what), status.message);
    return restoreProblem(loaded);
}

} // namespace

QString logRecovery(QByteArrayView input)
{
    if (input.isEmpty())
        return QString();
    const auto flags = static_cast<unsigned char>(input[0]);
    const bool repair = flags & 1;
    const LogIndex snapshotIndex((flags >> 1) & 3);
    const QString dir = emptyScratchDir();
    writeSegments(dir, input.sliced(1), repair);

    // Small segments, so that an append may start a new one; no syncs: nothing here must survive a crash.
    FileLog::Options options;
    options.syncMode = SyncMode::Never;
    options.segmentBytes = 64 * 1024;
    FileLog::Opened first;
    const StorageStatus status = FileLog::open(dir, options, snapshotIndex, first);
    if (status.code == StorageStatus::Code::Damaged)
        return QString();
    if (!status.ok())
        return QStringLiteral("opening failed otherwise than as damage: %1").arg(status.message);
    if (const QString problem = entriesProblem(*first.log, first.entries, snapshotIndex); !problem.isEmpty())
        return problem;
    first.log.reset();

    FileLog::Opened second;
    if (const QString problem = reopenProblem(dir, options, snapshotIndex, first.entries, "recovery", second);
        !problem.isEmpty())
        return problem;
    Entries expected = first.entries;
    const Term term = expected.empty() ? Term(1) : std::max(Term(1), expected.back().term);
    const Entry appended{second.log->nextIndex(), term, EntryType::Command, KvStore::encodePut("k", "v")};
    if (const StorageStatus appendStatus = second.log->append({appended}); !appendStatus.ok())
        return QStringLiteral("a recovered log refuses an append: %1").arg(appendStatus.message);
    second.log.reset();
    expected.push_back(appended);

    FileLog::Opened third;
    return reopenProblem(dir, options, snapshotIndex, expected, "an append", third);
}

QString snapshotDecoder(QByteArrayView input)
{
    const QString dir = emptyScratchDir();
    const QString path = QDir(dir).filePath(SnapshotFile::fileName());
    writeFile(path, input);
    if (const QString problem = loadedProblem(dir, "a fuzzed"); !problem.isEmpty())
        return problem;
    if (input.size() < SnapshotFile::headerBytes)
        return QString();

    // The same bytes with a right magic, length and checksums: past the file's checks, into the store.
    QByteArray file = input.toByteArray();
    char *p = file.data();
    std::memcpy(p, snapshotMagic, 8);
    const auto dataBytes = static_cast<std::size_t>(file.size() - SnapshotFile::headerBytes);
    qToLittleEndian<quint64>(dataBytes, p + 24);
    qToLittleEndian<quint32>(crc32c(p + SnapshotFile::headerBytes, dataBytes), p + 32);
    qToLittleEndian<quint32>(crc32c(p, 36), p + 36);
    writeFile(path, file);
    Snapshot loaded;
    if (const StorageStatus status = SnapshotFile::load(dir, loaded); !status.ok())
        return QStringLiteral("a snapshot file with right checksums does not load: %1").arg(status.message);
    if (loaded.meta.index.value != qFromLittleEndian<quint64>(p + 8) ||
        loaded.meta.term.value != qFromLittleEndian<quint64>(p + 16) ||
        loaded.data != file.mid(SnapshotFile::headerBytes))
        return QStringLiteral("a snapshot file loads otherwise than it is written");
    if (const QString problem = restoreProblem(loaded); !problem.isEmpty())
        return problem;

    if (const StorageStatus status = SnapshotFile::save(dir, loaded, SyncMode::Never); !status.ok())
        return QStringLiteral("saving a snapshot failed: %1").arg(status.message);
    QFile saved(path);
    if (!saved.open(QIODevice::ReadOnly) || saved.readAll() != file)
        return QStringLiteral("a loaded snapshot saves to other bytes");
    return QString();
}

} // namespace raftlab::fuzz
