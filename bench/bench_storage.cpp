// Google Benchmark for the file-backed Raft log (engine/storage/filelog.h): how close a synced append comes
// to the disk's own fdatasync rate, what group commit buys, what encoding costs, and how long opening
// (recovering) a large log takes.
//
//  - BM_RawFdatasync/100: the physical limit of a growing file. write() 100 bytes to an O_APPEND file, then
//    fdatasync(), repeated; items_per_second = syncs per second. Each sync also commits the new file size.
//    FileLog preallocates its segments (filelog.h), so its batch-1 appends may beat this figure. /33024 does
//    the same with the bytes of a 256-entry batch: the limit for BM_AppendSync/256 (multiply its syncs/s by
//    256).
//  - BM_AppendSync/N: FileLog::append of batches of N entries with 100-byte payloads, SyncMode::Always
//    (one write and one fdatasync per batch); items_per_second = entries per second. Targets from the
//    issue: batch 1 within 20% of BM_RawFdatasync/100; batch 256 above 200,000 entries/s.
//  - BM_AppendSync1VsRaw: batch 1 and raw syncs interleaved, one of each per iteration, timed apart; the
//    counter `ratio` (raw time / append time) is the batch-1 / raw ratio with the disk's drift cancelled.
//    On a shared virtual disk, sync latency changes by 2x within seconds, so the ratio of two separate
//    benchmarks' rates is mostly noise; this one is what to check against the 0.8 target.
//  - BM_AppendSyncDirectVsPageCache/N: batches of N entries appended, interleaved, to two logs in one
//    directory with SyncMode::Always, one with direct writes (the default: one O_DIRECT | O_DSYNC write per
//    batch, DirectAppender) and one through the page cache (pwrite + fdatasync), timed apart; `ratio` =
//    page-cache time / direct time (above 1: direct writes are faster).
//  - BM_AppendNoSync/256: the same with SyncMode::Never, i.e. encoding + write() into the page cache.
//  - BM_Recovery: FileLog::open of a log of 1,000,000 entries of 100 bytes (about 129 MB in two 64 MiB
//    segments), written once with SyncMode::Never. Only open() is timed (manual time); destroying the
//    returned entries is not. The files are in the page cache (just written, or read by the previous open),
//    so this measures decoding and verification, not the disk. Target: under 1 second.
//
// Files go to $RAFTLAB_BENCH_DIR if set, otherwise to storage-bench-data/ next to this binary (in the build
// tree, on the same disk as the source). Never point it at a tmpfs (/dev/shm): fdatasync is then a no-op.
// Every benchmark removes what it creates. Run the release preset (bench/run_storage_bench.sh).
#include "storage/filelog.h"

#include <benchmark/benchmark.h>

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QString>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/magic.h>
#include <memory>
#include <string>
#include <sys/statfs.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace raftlab;

constexpr std::size_t payloadBytes = 100;
constexpr std::uint64_t recoveryEntries = 1'000'000;
constexpr std::size_t recoveryBatch = 10'000;

QString g_baseDir; // where every benchmark makes its own directory
bool g_createdBaseDir = false;

QByteArray makePayload(std::uint64_t serial)
{
    QByteArray payload(static_cast<qsizetype>(payloadBytes), 'x');
    std::memcpy(payload.data(), &serial, sizeof serial);
    return payload;
}

Entry makeEntry(std::uint64_t index)
{
    return Entry{LogIndex(index), Term(1), EntryType::Command, makePayload(index)};
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A fresh, empty directory under the base dir, removed (with everything in it) on destruction.
class ScratchDir
{
public:
    explicit ScratchDir(const char *name)
    {
        QByteArray pattern =
            QFile::encodeName(QDir(g_baseDir).filePath(QString::fromLatin1(name))) + "-XXXXXX";
        if (::mkdtemp(pattern.data()) != nullptr)
            m_path = QFile::decodeName(pattern);
    }
    ~ScratchDir()
    {
        if (!m_path.isEmpty())
            QDir(m_path).removeRecursively();
    }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;

    bool ok() const { return !m_path.isEmpty(); }
    const QString &path() const { return m_path; }

private:
    QString m_path;
};

// Opens an empty FileLog in `dir`, or reports why not through `state`.
std::unique_ptr<FileLog> openEmptyLog(benchmark::State &state, const QString &dir, SyncMode mode)
{
    FileLog::Options options;
    options.syncMode = mode;
    FileLog::Opened opened;
    if (StorageStatus status = FileLog::open(dir, options, LogIndex{}, opened); !status.ok()) {
        state.SkipWithError(status.message.toStdString().c_str());
        return nullptr;
    }
    return std::move(opened.log);
}

// state.range(0) bytes per write: 100 (one small record: the batch-1 limit) or 33,024 (what a batch of 256
// records of 100-byte payloads occupies: the batch-256 limit).
void BM_RawFdatasync(benchmark::State &state)
{
    const auto bytes = static_cast<std::size_t>(state.range(0));
    ScratchDir dir("raw");
    if (!dir.ok()) {
        state.SkipWithError("cannot create a scratch directory");
        return;
    }
    const QByteArray path = QFile::encodeName(QDir(dir.path()).filePath(QStringLiteral("raw.dat")));
    FileDescriptor fd(::open(path.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!fd.isOpen()) {
        state.SkipWithError("cannot open the file");
        return;
    }
    const QByteArray data(static_cast<qsizetype>(bytes), 'x');
    const auto writeAndSync = [&] {
        return ::write(fd.get(), data.constData(), bytes) == static_cast<ssize_t>(bytes) &&
            ::fdatasync(fd.get()) == 0;
    };
    if (!writeAndSync()) { // untimed: the file's creation reaches the disk here, as FileLog's header does
        state.SkipWithError(std::strerror(errno));
        return;
    }
    for (auto _ : state) {
        if (!writeAndSync()) {
            state.SkipWithError(std::strerror(errno));
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RawFdatasync)
    ->Arg(static_cast<std::int64_t>(payloadBytes))
    ->Arg(256 *
          static_cast<std::int64_t>(FileLog::recordHeaderBytes + FileLog::recordBodyFixedBytes +
                                    payloadBytes))
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Appends batches of state.range(0) entries to a fresh log; one write (and with Always one fdatasync) each.
void appendBatches(benchmark::State &state, SyncMode mode, const char *name)
{
    const auto batchSize = static_cast<std::size_t>(state.range(0));
    ScratchDir dir(name);
    if (!dir.ok()) {
        state.SkipWithError("cannot create a scratch directory");
        return;
    }
    std::unique_ptr<FileLog> log = openEmptyLog(state, dir.path(), mode);
    if (!log)
        return;
    Entries batch;
    for (std::size_t i = 0; i < batchSize; ++i)
        batch.push_back(makeEntry(i + 1));
    std::uint64_t next = 1;
    const auto appendNext = [&] {
        for (Entry &entry : batch)
            entry.index = LogIndex(next++); // contiguous indices; payloads are shared, not copied
        return log->append(batch);
    };
    // Untimed: the first append creates the segment (header, fdatasync, directory fsync).
    if (StorageStatus status = appendNext(); !status.ok()) {
        state.SkipWithError(status.message.toStdString().c_str());
        return;
    }
    for (auto _ : state) {
        if (StorageStatus status = appendNext(); !status.ok()) {
            state.SkipWithError(status.message.toStdString().c_str());
            break;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(batchSize));
    log.reset(); // close before the directory goes
}

void BM_AppendSync(benchmark::State &state)
{
    appendBatches(state, SyncMode::Always, "append-sync");
}
BENCHMARK(BM_AppendSync)->Arg(1)->Arg(16)->Arg(256)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The batch-1 / raw ratio measured robustly on a noisy disk: each iteration does one raw 100-byte
// write + fdatasync (as BM_RawFdatasync/100) and one FileLog::append of a single entry with
// SyncMode::Always (as BM_AppendSync/1), on two files in the same directory, timing each separately.
// Both see the same moment's disk; `ratio` = raw time / append time (1.0 = no overhead; target >= 0.8;
// above 1 when preallocation saves the size commit that the raw growing file pays).
void BM_AppendSync1VsRaw(benchmark::State &state)
{
    ScratchDir dir("interleaved");
    if (!dir.ok()) {
        state.SkipWithError("cannot create a scratch directory");
        return;
    }
    const QByteArray rawPath = QFile::encodeName(QDir(dir.path()).filePath(QStringLiteral("raw.dat")));
    FileDescriptor fd(::open(rawPath.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    std::unique_ptr<FileLog> log = openEmptyLog(state, dir.path(), SyncMode::Always);
    if (!fd.isOpen() || !log) {
        state.SkipWithError("cannot open the files");
        return;
    }
    const QByteArray data = makePayload(0);
    Entries batch{makeEntry(1)};
    std::uint64_t next = 1;
    double rawSeconds = 0;
    double appendSeconds = 0;
    // One round: a raw sync then a one-entry append, adding their times. False (and reported) on an error.
    const auto round = [&] {
        auto start = std::chrono::steady_clock::now();
        if (::write(fd.get(), data.constData(), payloadBytes) != static_cast<ssize_t>(payloadBytes) ||
            ::fdatasync(fd.get()) != 0) {
            state.SkipWithError(std::strerror(errno));
            return false;
        }
        rawSeconds += secondsSince(start);
        batch.front().index = LogIndex(next++);
        start = std::chrono::steady_clock::now();
        if (StorageStatus status = log->append(batch); !status.ok()) {
            state.SkipWithError(status.message.toStdString().c_str());
            return false;
        }
        appendSeconds += secondsSince(start);
        return true;
    };
    if (!round()) // untimed warm-up: creates the raw file's first block and the log's segment
        return;
    rawSeconds = appendSeconds = 0;
    for (auto _ : state) {
        if (!round())
            break;
    }
    const auto n = static_cast<double>(state.iterations());
    if (rawSeconds > 0 && appendSeconds > 0) {
        state.counters["raw_per_s"] = n / rawSeconds;
        state.counters["append1_per_s"] = n / appendSeconds;
        state.counters["ratio"] = rawSeconds / appendSeconds;
    }
    log.reset();
}
BENCHMARK(BM_AppendSync1VsRaw)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Direct writes against the page cache, on the same disk at the same moments: one batch of state.range(0)
// entries to each log per iteration.
void BM_AppendSyncDirectVsPageCache(benchmark::State &state)
{
    ScratchDir root("direct-vs-pagecache");
    if (!root.ok()) {
        state.SkipWithError("cannot create a scratch directory");
        return;
    }
    std::unique_ptr<FileLog> logs[2];
    for (int i = 0; i < 2; ++i) {
        const QString dir =
            QDir(root.path()).filePath(i == 0 ? QStringLiteral("direct") : QStringLiteral("cached"));
        QDir().mkpath(dir);
        FileLog::Options options;
        options.syncMode = SyncMode::Always;
        options.directWrites = i == 0;
        FileLog::Opened opened;
        if (StorageStatus status = FileLog::open(dir, options, LogIndex{}, opened); !status.ok()) {
            state.SkipWithError(status.message.toStdString().c_str());
            return;
        }
        logs[i] = std::move(opened.log);
    }
    const auto batchSize = static_cast<std::uint64_t>(state.range(0));
    std::uint64_t next = 1;
    double seconds[2] = {0, 0};
    const auto round = [&] {
        Entries batch;
        for (std::uint64_t i = 0; i < batchSize; ++i)
            batch.push_back(makeEntry(next + i));
        for (int i = 0; i < 2; ++i) {
            const auto start = std::chrono::steady_clock::now();
            if (StorageStatus status = logs[i]->append(batch); !status.ok()) {
                state.SkipWithError(status.message.toStdString().c_str());
                return false;
            }
            seconds[i] += secondsSince(start);
        }
        next += batchSize;
        return true;
    };
    if (!round()) // untimed warm-up: the first block of each segment
        return;
    if (!logs[0]->writesDirectly()) {
        state.SkipWithError("this file system refuses direct I/O");
        return;
    }
    seconds[0] = seconds[1] = 0;
    for (auto _ : state) {
        if (!round())
            break;
    }
    const auto n = static_cast<double>(state.iterations());
    if (seconds[0] > 0 && seconds[1] > 0) {
        state.counters["direct_per_s"] = n / seconds[0];
        state.counters["pagecache_per_s"] = n / seconds[1];
        state.counters["ratio"] = seconds[1] / seconds[0];
    }
}
BENCHMARK(BM_AppendSyncDirectVsPageCache)->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_AppendNoSync(benchmark::State &state)
{
    appendBatches(state, SyncMode::Never, "append-nosync");
}
// A fixed count keeps the dirty data small (about 33 MB per run, unlinked before writeback), so it does not
// disturb the synced benchmarks or the machine's other users; it runs after the synced ones.
BENCHMARK(BM_AppendNoSync)->Arg(256)->Iterations(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The 1M-entry log for BM_Recovery, written on first use and shared by all its runs; removed by main().
struct RecoveryLog
{
    std::unique_ptr<ScratchDir> dir;
    QString error;
};

std::unique_ptr<RecoveryLog> g_recoveryLog;

RecoveryLog &recoveryLog()
{
    if (g_recoveryLog)
        return *g_recoveryLog;
    g_recoveryLog = std::make_unique<RecoveryLog>();
    RecoveryLog &made = *g_recoveryLog;
    made.dir = std::make_unique<ScratchDir>("recovery");
    if (!made.dir->ok()) {
        made.error = QStringLiteral("cannot create a scratch directory");
        return made;
    }
    FileLog::Options options; // default 64 MiB segments
    options.syncMode = SyncMode::Never;
    FileLog::Opened opened;
    if (StorageStatus status = FileLog::open(made.dir->path(), options, LogIndex{}, opened); !status.ok()) {
        made.error = status.message;
        return made;
    }
    Entries batch;
    for (std::uint64_t index = 1; index <= recoveryEntries && made.error.isEmpty();) {
        batch.clear();
        for (std::size_t i = 0; i < recoveryBatch && index <= recoveryEntries; ++i)
            batch.push_back(makeEntry(index++));
        if (StorageStatus status = opened.log->append(batch); !status.ok())
            made.error = status.message;
    }
    return made;
}

void BM_Recovery(benchmark::State &state)
{
    RecoveryLog &fixture = recoveryLog();
    if (!fixture.error.isEmpty()) {
        state.SkipWithError(fixture.error.toStdString().c_str());
        return;
    }
    FileLog::Options options;
    options.syncMode = SyncMode::Never; // nothing to repair in a clean log, so no sync would happen anyway
    double total = 0;
    for (auto _ : state) {
        FileLog::Opened opened;
        const auto start = std::chrono::steady_clock::now();
        const StorageStatus status = FileLog::open(fixture.dir->path(), options, LogIndex{}, opened);
        const double elapsed = secondsSince(start);
        state.SetIterationTime(elapsed);
        total += elapsed;
        if (!status.ok()) {
            state.SkipWithError(status.message.toStdString().c_str());
            break;
        }
        if (opened.entries.size() != recoveryEntries) {
            state.SkipWithError("open returned the wrong number of entries");
            break;
        }
    } // destroying `opened` (1M payloads) is outside the timed region
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * recoveryEntries));
    state.counters["open_s"] = benchmark::Counter(total, benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_Recovery)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);

// The base directory: $RAFTLAB_BENCH_DIR, or storage-bench-data/ next to the binary. Warns on a tmpfs.
bool setUpBaseDir()
{
    if (const char *env = std::getenv("RAFTLAB_BENCH_DIR"); env != nullptr && *env != '\0') {
        g_baseDir = QFile::decodeName(env);
    } else {
        char exe[4096];
        const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) {
            std::fprintf(stderr,
                         "bench_storage: cannot find the binary's directory; set RAFTLAB_BENCH_DIR\n");
            return false;
        }
        exe[n] = '\0';
        g_baseDir = QDir(QFileInfo(QFile::decodeName(exe)).absolutePath())
                        .filePath(QStringLiteral("storage-bench-data"));
    }
    g_baseDir = QDir(g_baseDir).absolutePath();
    if (!QDir(g_baseDir).exists()) {
        if (!QDir().mkpath(g_baseDir)) {
            std::fprintf(stderr, "bench_storage: cannot create %s\n", qPrintable(g_baseDir));
            return false;
        }
        g_createdBaseDir = true;
    }
    struct statfs fs
    { };
    std::string fsType = "unknown";
    if (::statfs(QFile::encodeName(g_baseDir).constData(), &fs) == 0) {
        switch (fs.f_type) {
        case EXT4_SUPER_MAGIC:
            fsType = "ext2/3/4";
            break;
        case TMPFS_MAGIC:
            fsType = "tmpfs";
            break;
        case XFS_SUPER_MAGIC:
            fsType = "xfs";
            break;
        case BTRFS_SUPER_MAGIC:
            fsType = "btrfs";
            break;
        case OVERLAYFS_SUPER_MAGIC:
            fsType = "overlayfs";
            break;
        default: {
            char hex[32];
            std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(fs.f_type));
            fsType = hex;
        }
        }
    }
    if (fsType == "tmpfs")
        std::fprintf(stderr, "bench_storage: WARNING: %s is on a tmpfs, fdatasync is a no-op there\n",
                     qPrintable(g_baseDir));
    benchmark::AddCustomContext("bench_dir", g_baseDir.toStdString());
    benchmark::AddCustomContext("bench_dir_fs", fsType);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    if (!setUpBaseDir())
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    g_recoveryLog.reset(); // removes the 1M-entry log, if BM_Recovery made one
    benchmark::Shutdown();
    if (g_createdBaseDir)
        QDir().rmdir(g_baseDir); // only if empty
    return 0;
}
