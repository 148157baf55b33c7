// Model-based test: random appends, truncations, compactions and reopens of a FileLog, each checked
// against MemoryLog, the reference model; and crashes: the last batch torn (any bit flipped or any range
// zeroed in it: opening keeps exactly the records before the first changed byte) or damage in an earlier
// batch of the last segment (opening refuses, naming file and offset). A failure prints its seed;
// RAFTLAB_SEED=<n> replays one.
#include "core/random.h"
#include "storage/filelog.h"
#include "storage/memorylog.h"
#include "storagetestutil.h"

#include <QFile>
#include <QTemporaryDir>

using namespace raftlab;
using namespace raftlab::testing;

class TestFileLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomOperationsMatchTheModel();
};

namespace {

// Where the last append's batch lies, and what it held.
struct LastBatch
{
    QString path;
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    Entries entries;
};

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// How many of the batch's records lie wholly before byte `changed` of the file.
std::uint64_t recordsBefore(const LastBatch &batch, std::uint64_t changed)
{
    std::uint64_t end = batch.start + FileLog::batchHeaderBytes;
    std::uint64_t whole = 0;
    for (const Entry &entry : batch.entries) {
        end += FileLog::recordHeaderBytes + FileLog::recordBodyFixedBytes +
            static_cast<std::uint64_t>(entry.payload.size());
        if (end > changed)
            break;
        ++whole;
    }
    return whole;
}

// How often the crash operations ran, so that the test can tell it exercised them.
struct Coverage
{
    int tornBatches = 0;
    int tornBatchesWithValidRecordsAfterTheDamage = 0;
    int damagedEarlierBatches = 0;
};

bool runSeed(std::uint64_t seed, QString &failure, Coverage &coverage)
{
    QTemporaryDir dir;
    Random random(seed);
    // Half the seeds write durably, through DirectAppender where the file system allows it (the bytes on
    // disk must be the same either way), half through the page cache without syncing.
    const SyncMode syncMode = seed % 2 == 0 ? SyncMode::Always : SyncMode::Never;
    const FileLog::Options options{syncMode, static_cast<std::uint64_t>(random.between(300, 3000))};
    MemoryLog model;
    LogIndex snapshot;
    std::uint64_t term = 1;
    FileLog::Opened opened;
    if (!FileLog::open(dir.path(), options, snapshot, opened).ok())
        return failure = QStringLiteral("initial open failed"), false;

    const auto check = [&](const char *after, int step) {
        const Entries expected = model.entriesAfter(snapshot);
        FileLog::Opened reopened;
        opened.log.reset();
        const StorageStatus status = FileLog::open(dir.path(), options, snapshot, reopened);
        if (!status.ok())
            return failure =
                       QStringLiteral("step %1 (%2): reopen failed: %3").arg(step).arg(after, status.message),
                   false;
        if (reopened.entries != expected || reopened.log->nextIndex() != model.nextIndex() ||
            !reopened.warnings.isEmpty())
            return failure =
                       QStringLiteral("step %1 (%2): %3 entries (next %4) where the model has %5 (next %6)")
                           .arg(step)
                           .arg(after)
                           .arg(reopened.entries.size())
                           .arg(reopened.log->nextIndex().value)
                           .arg(expected.size())
                           .arg(model.nextIndex().value),
                   false;
        opened = std::move(reopened);
        return true;
    };

    // A power loss during the last append: some of its bytes changed (a bit flipped, or a range never
    // written and still zero), the rest as written.
    const auto tearLastBatch = [&](const LastBatch &batch, int step) {
        opened.log.reset();
        QByteArray bytes = readAll(batch.path);
        const QByteArray before = bytes;
        const auto length = static_cast<std::int64_t>(batch.end - batch.start);
        const auto from = static_cast<qsizetype>(batch.start) + random.between(0, length);
        const bool flipOneBit = random.between(0, 2) == 0;
        if (flipOneBit) {
            bytes[from] = char(bytes[from] ^ (1 << random.between(0, 8)));
        } else {
            const auto to = from + random.between(1, static_cast<std::int64_t>(batch.end) - from + 1);
            bytes.replace(from, to - from, QByteArray(to - from, '\0'));
        }
        qsizetype changed = 0;
        while (changed < bytes.size() && bytes[changed] == before[changed])
            ++changed;
        if (changed == bytes.size())
            return check("a tear that changed nothing", step);
        if (!writeAll(batch.path, bytes))
            return failure = QStringLiteral("step %1: cannot write %2").arg(step).arg(batch.path), false;
        const std::uint64_t kept = recordsBefore(batch, static_cast<std::uint64_t>(changed));
        ++coverage.tornBatches;
        if (flipOneBit && kept + 1 < batch.entries.size()) // whole records follow the flipped bit
            ++coverage.tornBatchesWithValidRecordsAfterTheDamage;
        model.truncateSuffix(batch.entries.front().index + kept);
        FileLog::Opened reopened;
        const StorageStatus status = FileLog::open(dir.path(), options, snapshot, reopened);
        if (!status.ok())
            return failure = QStringLiteral("step %1: a torn last batch (byte %2 changed) is refused: %3")
                                 .arg(step)
                                 .arg(changed)
                                 .arg(status.message),
                   false;
        if (reopened.entries != model.entriesAfter(snapshot) || reopened.warnings.size() > 1)
            return failure = QStringLiteral("step %1: a torn last batch (byte %2 changed, %3 records before "
                                            "it): %4 entries, %5 warnings; the model has %6")
                                 .arg(step)
                                 .arg(changed)
                                 .arg(kept)
                                 .arg(reopened.entries.size())
                                 .arg(reopened.warnings.size())
                                 .arg(model.entriesAfter(snapshot).size()),
                   false;
        opened = std::move(reopened);
        ++term;
        return check("reopen after a torn batch", step);
    };

    // Media damage before the last batch of the last segment: named, and nothing changed by opening.
    const auto damageEarlierBatch = [&](const LastBatch &batch, int step) {
        if (batch.start <= FileLog::segmentHeaderBytes)
            return true; // the last batch is the segment's first
        opened.log.reset();
        const QByteArray bytes = readAll(batch.path);
        const auto at = static_cast<qsizetype>(
            random.between(FileLog::segmentHeaderBytes, static_cast<std::int64_t>(batch.start)));
        QByteArray damaged = bytes;
        damaged[at] = char(damaged[at] ^ (1 << random.between(0, 8)));
        if (!writeAll(batch.path, damaged))
            return failure = QStringLiteral("step %1: cannot write %2").arg(step).arg(batch.path), false;
        ++coverage.damagedEarlierBatches;
        FileLog::Opened reopened;
        const StorageStatus status = FileLog::open(dir.path(), options, snapshot, reopened);
        if (status.code != StorageStatus::Code::Damaged || !status.message.contains(batch.path) ||
            !status.message.contains(QStringLiteral("byte offset")))
            return failure = QStringLiteral("step %1: byte %2 flipped before the last batch (at %3): %4")
                                 .arg(step)
                                 .arg(at)
                                 .arg(batch.start)
                                 .arg(status.ok() ? QStringLiteral("opened") : status.message),
                   false;
        if (readAll(batch.path) != damaged || !writeAll(batch.path, bytes))
            return failure = QStringLiteral("step %1: opening changed a damaged log").arg(step), false;
        return check("reopen after repairing the damage", step);
    };
    std::optional<LastBatch> lastBatch; // set while the last operation was an append

    for (int step = 0; step < 60; ++step) {
        const auto choice = random.between(0, 12);
        std::optional<LastBatch> appended;
        if (choice < 6) {
            const auto count = static_cast<std::uint64_t>(random.between(1, 20));
            const std::uint64_t first = model.nextIndex().value;
            const Entries batch =
                makeEntries(first, first + count - 1, term, static_cast<int>(random.between(0, 200)));
            const std::size_t segmentsBefore = opened.log->segmentCount();
            const std::uint64_t endBefore = opened.log->lastSegmentEnd();
            if (!opened.log->append(batch).ok())
                return failure = QStringLiteral("step %1: append failed").arg(step), false;
            model.append(batch);
            const bool newSegment = opened.log->segmentCount() != segmentsBefore;
            appended = LastBatch{opened.log->segmentPaths().constLast(),
                                 newSegment ? FileLog::segmentHeaderBytes : endBefore,
                                 opened.log->lastSegmentEnd(), batch};
        } else if (choice == 10 && lastBatch) {
            if (!tearLastBatch(*lastBatch, step))
                return false;
        } else if (choice == 11 && lastBatch) {
            if (!damageEarlierBatch(*lastBatch, step))
                return false;
            appended = lastBatch; // still the last batch
        } else if (choice < 8 && model.lastIndex() > snapshot) {
            const LogIndex from(static_cast<std::uint64_t>(
                random.between(static_cast<std::int64_t>(snapshot.value) + 1,
                               static_cast<std::int64_t>(model.nextIndex().value) + 1)));
            if (!opened.log->truncateSuffix(from).ok())
                return failure = QStringLiteral("step %1: truncate failed").arg(step), false;
            model.truncateSuffix(from);
            ++term; // what follows a truncation comes from a newer leader
        } else if (choice < 9 && model.lastIndex() >= snapshot) {
            const LogIndex upTo(static_cast<std::uint64_t>(
                random.between(static_cast<std::int64_t>(snapshot.value),
                               static_cast<std::int64_t>(model.lastIndex().value) + 1)));
            if (!opened.log->compactPrefix(upTo).ok())
                return failure = QStringLiteral("step %1: compact failed").arg(step), false;
            model.compactPrefix(upTo);
            snapshot = std::max(snapshot, upTo);
        } else if (!check("reopen", step)) {
            return false;
        } else {
            appended = lastBatch; // a plain reopen leaves the last batch where it was
        }
        lastBatch = appended;
    }
    return check("final reopen", 60);
}

} // namespace

void TestFileLogModel::randomOperationsMatchTheModel()
{
    const QByteArray replay = qgetenv("RAFTLAB_SEED");
    const std::uint64_t first = replay.isEmpty() ? 1 : replay.toULongLong();
    const std::uint64_t count = replay.isEmpty() ? 300 : 1;
    Coverage coverage;
    for (std::uint64_t seed = first; seed < first + count; ++seed) {
        QString failure;
        QVERIFY2(
            runSeed(seed, failure, coverage),
            qPrintable(QStringLiteral("seed %1: %2 (replay with RAFTLAB_SEED=%1)").arg(seed).arg(failure)));
    }
    qInfo("%d torn last batches (%d with whole records after a flipped bit), %d damaged earlier batches",
          coverage.tornBatches, coverage.tornBatchesWithValidRecordsAfterTheDamage,
          coverage.damagedEarlierBatches);
    if (replay.isEmpty()) {
        QVERIFY(coverage.tornBatches > 300);
        QVERIFY(coverage.tornBatchesWithValidRecordsAfterTheDamage > 100);
        QVERIFY(coverage.damagedEarlierBatches > 300);
    }
}

QTEST_GUILESS_MAIN(TestFileLogModel)
#include "tst_filelog_model.moc"
