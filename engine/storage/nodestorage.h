#pragma once

#include "core/ready.h"
#include "filelog.h"
#include "identityfile.h"

#include <QMutex>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace raftlab {

// Everything one node keeps on disk, in its data dir:
//   LOCK        held with flock() while a process uses the dir (a second process is refused)
//   identity    whose dir it is: cluster name, node id, cluster id (IdentityFile)
//   hardstate   term and vote (HardStateFile)
//   snapshot    the latest state-machine snapshot (SnapshotFile)
//   segment-*   the log (FileLog)
// It persists a Ready in a crash-safe order and restores the PersistentState a RaftCore starts from.
class NodeStorage
{
public:
    struct Options
    {
        SyncMode syncMode = SyncMode::Always;
        std::uint64_t segmentBytes = 64ull * 1024 * 1024;
        // Who opens the dir: checked against its identity record before anything in the dir is read or
        // repaired, and recorded there when it has none (a new dir, or one from before identity records).
        // Unset: no identity is checked or written (tests of the files alone).
        struct Owner
        {
            QString clusterName;
            NodeId nodeId;
        };
        std::optional<Owner> owner = std::nullopt;
        // The state machine's own check of a snapshot's data (that it decodes): a snapshot that passes its
        // checksums but fails this is damage too, named like any other. Returns why not, or empty.
        std::function<QString(const Snapshot &)> checkSnapshot = nullptr;
        // For tests of the order of a node's disk writes and its messages: called on the thread that
        // persisted, each time persist() has made a Ready durable (written and, per syncMode, synced).
        std::function<void(const Ready &)> afterPersist = nullptr;
    };

    struct Opened
    {
        std::unique_ptr<NodeStorage> storage;
        PersistentState state;
        QStringList warnings;
        std::optional<DataDirIdentity> identity; // set when Options::owner is
    };

    // Creates `dir` if missing, locks it, verifies and loads everything in it.
    // Locked: another process has the dir. NotOurs: its identity record names another node or cluster
    // (nothing in the dir was changed). Damaged: a file failed its checks (named, with offset).
    static StorageStatus open(const QString &dir, const Options &options, Opened &out);
    ~NodeStorage();

    // Makes durable what `ready` asks, in this order: term/vote, truncation, snapshot (then the log
    // prefix it covers is dropped), new entries. Truncation comes before the snapshot so that a crash in
    // between never leaves conflicting entries after a snapshot.
    StorageStatus persist(const Ready &ready);
    // The node's own state machine snapshot (after RaftCore::compact): saved, then the log prefix dropped.
    StorageStatus saveSnapshot(const Snapshot &snapshot);

    // The two halves of saveSnapshot(), for a node that writes its snapshot on a thread of its own while
    // the log goes on being written. writeSnapshotFile() may run on any thread; it never replaces a newer
    // snapshot (one installed from the leader meanwhile). compactLog() belongs with the log writes, and
    // only after the snapshot that covers `upTo` is durable.
    StorageStatus writeSnapshotFile(const Snapshot &snapshot);
    StorageStatus compactLog(LogIndex upTo);
    // compactLog() in two halves (FileLog::detachPrefix()), so that removing files never delays a log
    // write: detachLogPrefix() with the log writes returns the segments to remove; removeLogFiles()
    // removes them, on any thread. Nothing is detached once the storage has failed.
    QStringList detachLogPrefix(LogIndex upTo);
    StorageStatus removeLogFiles(const QStringList &paths) const;
    // The log's next segment to write full of zeros now, on any thread (FileLog::spareToPrepare()); null
    // when none is due. Between log writes only, like detachLogPrefix().
    std::shared_ptr<SpareSegment> spareSegmentToPrepare();

    const QString &dir() const { return m_dir; }
    SyncMode syncMode() const { return m_options.syncMode; }
    // After a write failed (disk full, read-only, ...) every later write is refused; empty while healthy.
    const QString &failure() const { return m_failure; }
    LogIndex lastIndex() const { return m_log->lastIndex(); }

private:
    NodeStorage(QString dir, Options options, FileDescriptor lock, std::unique_ptr<FileLog> log);
    StorageStatus fail(StorageStatus status);

    QString m_dir;
    Options m_options;
    FileDescriptor m_lock;
    std::unique_ptr<FileLog> m_log;
    QString m_failure;
    QMutex m_snapshotMutex; // guards the snapshot file and the field below
    LogIndex m_snapshotOnDisk{}; // index of the snapshot file now on disk
};

} // namespace raftlab
