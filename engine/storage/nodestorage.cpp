#include "nodestorage.h"

#include "hardstatefile.h"
#include "snapshotfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace raftlab {

namespace {

StorageStatus lockDataDir(const QString &dir, FileDescriptor &lock)
{
    const QString path = QDir(dir).filePath(QStringLiteral("LOCK"));
    if (StorageStatus status = openFile(path, O_RDWR | O_CREAT, lock); !status.ok())
        return status;
    if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        QByteArray holder;
        readWholeFile(path, holder);
        if (error == EWOULDBLOCK)
            return StorageStatus{
                StorageStatus::Code::Locked,
                QStringLiteral("data dir %1 is in use by another process%2")
                    .arg(dir,
                         holder.trimmed().isEmpty()
                             ? QString()
                             : QStringLiteral(" (pid %1)").arg(QString::fromLatin1(holder.trimmed())))};
        return StorageStatus::ioError(QStringLiteral("cannot lock %1: %2").arg(path, systemError(error)));
    }
    // Who holds it, for the next process's error message. Not needed for correctness.
    const QByteArray pid = QByteArray::number(static_cast<qint64>(::getpid())) + '\n';
    truncateFile(lock, path, 0);
    ::pwrite(lock.get(), pid.constData(), static_cast<std::size_t>(pid.size()), 0);
    return StorageStatus::success();
}

// Refuses a data dir whose identity record names another node or cluster. Nothing else in the dir is read
// or changed before this: a wrong dir is left exactly as it was.
StorageStatus checkOwner(const QString &dir, const NodeStorage::Options::Owner &owner,
                         std::optional<DataDirIdentity> &recorded)
{
    if (StorageStatus status = IdentityFile::load(dir, recorded); !status.ok())
        return status;
    if (!recorded || (recorded->nodeId == owner.nodeId && recorded->clusterName == owner.clusterName))
        return StorageStatus::success();
    return StorageStatus{StorageStatus::Code::NotOurs,
                         QStringLiteral("data dir %1 belongs to node %2 of cluster '%3', not to node %4 of "
                                        "cluster '%5': give each node its own data dir")
                             .arg(dir)
                             .arg(recorded->nodeId.value)
                             .arg(recorded->clusterName)
                             .arg(owner.nodeId.value)
                             .arg(owner.clusterName)};
}

} // namespace

NodeStorage::NodeStorage(QString dir, Options options, FileDescriptor lock, std::unique_ptr<FileLog> log)
    : m_dir(std::move(dir))
    , m_options(options)
    , m_lock(std::move(lock))
    , m_log(std::move(log))
{ }

NodeStorage::~NodeStorage() = default;

namespace {

// Why `dir` cannot be made (QDir::mkpath() says only that it could not): the system's reason for the
// first missing directory on its path, below the deepest one that exists.
QString whyNoDirectory(const QString &dir)
{
    QString missing = QDir::cleanPath(QDir(dir).absolutePath());
    for (QString parent = QFileInfo(missing).path(); !QFileInfo::exists(parent) && parent != missing;
         parent = QFileInfo(missing).path())
        missing = parent;
    if (QFileInfo::exists(missing))
        return QStringLiteral("%1 exists and is not a directory").arg(missing);
    if (::mkdir(QFile::encodeName(missing).constData(), 0755) == 0) {
        ::rmdir(QFile::encodeName(missing).constData());
        return QStringLiteral("it could not be made");
    }
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

StorageStatus NodeStorage::open(const QString &dir, const Options &options, Opened &out)
{
    if (!QDir().mkpath(dir))
        return StorageStatus::ioError(
            QStringLiteral("cannot create data dir %1: %2").arg(dir, whyNoDirectory(dir)));
    FileDescriptor lock;
    if (StorageStatus status = lockDataDir(dir, lock); !status.ok())
        return status;
    std::optional<DataDirIdentity> identity;
    if (options.owner) {
        if (StorageStatus status = checkOwner(dir, *options.owner, identity); !status.ok())
            return status;
    }
    // Left by a crash in the middle of an atomic replace: the real file is intact.
    for (const QString &name :
         {HardStateFile::fileName(), SnapshotFile::fileName(), IdentityFile::fileName()})
        QFile::remove(QDir(dir).filePath(name + QStringLiteral(".tmp")));
    const bool holdsData = !QDir(dir)
                                .entryList({HardStateFile::fileName(), SnapshotFile::fileName(),
                                            QStringLiteral("segment-*.log")},
                                           QDir::Files)
                                .isEmpty();

    PersistentState state;
    if (StorageStatus status = HardStateFile::load(dir, state.hardState); !status.ok())
        return status;
    if (StorageStatus status = SnapshotFile::load(dir, state.snapshot); !status.ok())
        return status;
    if (!state.snapshot.isEmpty() && options.checkSnapshot) {
        if (const QString why = options.checkSnapshot(state.snapshot); !why.isEmpty())
            return StorageStatus::damaged(
                QStringLiteral("snapshot %1 at byte offset %2: its checksums hold but its data does not "
                               "decode: %3")
                    .arg(QDir(dir).filePath(SnapshotFile::fileName()))
                    .arg(SnapshotFile::headerBytes)
                    .arg(why));
    }
    FileLog::Opened log;
    const FileLog::Options logOptions{options.syncMode, options.segmentBytes};
    if (StorageStatus status = FileLog::open(dir, logOptions, state.snapshot.meta.index, log); !status.ok())
        return status;
    state.entries = std::move(log.entries);
    if (!state.entries.empty() && state.entries.front().term < state.snapshot.meta.term)
        return StorageStatus::damaged(
            QStringLiteral("the log in %1 continues the snapshot with entry %2 of an "
                           "older term")
                .arg(dir)
                .arg(state.entries.front().index.value));
    out.warnings = std::move(log.warnings);
    if (options.owner && !identity) {
        // Recorded only now, once everything else passed its checks: a damaged dir is left as it was.
        identity = IdentityFile::make(options.owner->clusterName, options.owner->nodeId);
        if (StorageStatus status = IdentityFile::save(dir, *identity, options.syncMode); !status.ok())
            return status;
        if (holdsData)
            out.warnings << QStringLiteral("data dir %1 had no identity record (made before there were "
                                           "any): it now belongs to node %2 of cluster '%3'")
                                .arg(dir)
                                .arg(identity->nodeId.value)
                                .arg(identity->clusterName);
    }
    out.identity = std::move(identity);
    out.state = std::move(state);
    const LogIndex snapshotIndex = out.state.snapshot.meta.index;
    out.storage.reset(new NodeStorage(dir, options, std::move(lock), std::move(log.log)));
    out.storage->m_snapshotOnDisk = snapshotIndex;
    return StorageStatus::success();
}

StorageStatus NodeStorage::fail(StorageStatus status)
{
    if (m_failure.isEmpty())
        m_failure = status.message;
    return status;
}

StorageStatus NodeStorage::persist(const Ready &ready)
{
    if (!m_failure.isEmpty())
        return StorageStatus::ioError(m_failure);
    if (ready.hardState) {
        if (StorageStatus status = HardStateFile::save(m_dir, *ready.hardState, m_options.syncMode);
            !status.ok())
            return fail(status);
    }
    if (ready.truncateFrom) {
        if (StorageStatus status = m_log->truncateSuffix(*ready.truncateFrom); !status.ok())
            return fail(status);
    }
    if (ready.snapshot) {
        if (StorageStatus status = saveSnapshot(*ready.snapshot); !status.ok())
            return status;
    }
    if (!ready.entries.empty()) {
        if (StorageStatus status = m_log->append(ready.entries); !status.ok())
            return fail(status);
    }
    if (m_options.afterPersist)
        m_options.afterPersist(ready);
    return StorageStatus::success();
}

StorageStatus NodeStorage::saveSnapshot(const Snapshot &snapshot)
{
    if (StorageStatus status = writeSnapshotFile(snapshot); !status.ok())
        return fail(status);
    return compactLog(snapshot.meta.index);
}

StorageStatus NodeStorage::writeSnapshotFile(const Snapshot &snapshot)
{
    const QMutexLocker locker(&m_snapshotMutex);
    if (snapshot.meta.index <= m_snapshotOnDisk)
        return StorageStatus::success(); // a newer one is already there
    StorageStatus status = SnapshotFile::save(m_dir, snapshot, m_options.syncMode);
    if (status.ok())
        m_snapshotOnDisk = snapshot.meta.index;
    return status;
}

StorageStatus NodeStorage::compactLog(LogIndex upTo)
{
    if (!m_failure.isEmpty())
        return StorageStatus::ioError(m_failure);
    if (StorageStatus status = m_log->compactPrefix(upTo); !status.ok())
        return fail(status);
    return StorageStatus::success();
}

QStringList NodeStorage::detachLogPrefix(LogIndex upTo)
{
    if (!m_failure.isEmpty())
        return {};
    return m_log->detachPrefix(upTo);
}

std::shared_ptr<SpareSegment> NodeStorage::spareSegmentToPrepare()
{
    return m_failure.isEmpty() ? m_log->spareToPrepare() : nullptr;
}

StorageStatus NodeStorage::removeLogFiles(const QStringList &paths) const
{
    return FileLog::removeSegmentFiles(m_dir, paths, m_options.syncMode);
}

} // namespace raftlab
