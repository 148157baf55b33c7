// Model-based test: random appends, truncations, compactions and reopens of a FileLog, each checked
// against MemoryLog, the reference model. A failure prints its seed; RAFTLAB_SEED=<n> replays one.
#include "core/random.h"
#include "storage/filelog.h"
#include "storage/memorylog.h"
#include "storagetestutil.h"

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

bool runSeed(std::uint64_t seed, QString &failure)
{
    QTemporaryDir dir;
    Random random(seed);
    const FileLog::Options options{SyncMode::Never, static_cast<std::uint64_t>(random.between(300, 3000))};
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

    for (int step = 0; step < 60; ++step) {
        const auto choice = random.between(0, 10);
        if (choice < 6) {
            const auto count = static_cast<std::uint64_t>(random.between(1, 20));
            const std::uint64_t first = model.nextIndex().value;
            const Entries batch =
                makeEntries(first, first + count - 1, term, static_cast<int>(random.between(0, 200)));
            if (!opened.log->append(batch).ok())
                return failure = QStringLiteral("step %1: append failed").arg(step), false;
            model.append(batch);
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
        }
    }
    return check("final reopen", 60);
}

} // namespace

void TestFileLogModel::randomOperationsMatchTheModel()
{
    const QByteArray replay = qgetenv("RAFTLAB_SEED");
    const std::uint64_t first = replay.isEmpty() ? 1 : replay.toULongLong();
    const std::uint64_t count = replay.isEmpty() ? 300 : 1;
    for (std::uint64_t seed = first; seed < first + count; ++seed) {
        QString failure;
        QVERIFY2(
            runSeed(seed, failure),
            qPrintable(QStringLiteral("seed %1: %2 (replay with RAFTLAB_SEED=%1)").arg(seed).arg(failure)));
    }
}

QTEST_GUILESS_MAIN(TestFileLogModel)
#include "tst_filelog_model.moc"
