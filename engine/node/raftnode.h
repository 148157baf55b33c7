#pragma once

#include "core/raftcore.h"
#include "kvstore.h"
#include "net/networkfaults.h"
#include "storage/nodestorage.h"
#include "tickschedule.h"

#include <QObject>

#include <functional>
#include <map>
#include <memory>

class QTimer;

namespace raftlab {

class LoopPass;
class StorageWorker;
class TcpTransport;

struct NodeSettings
{
    // id, members, timing in ticks, and the entries compaction keeps. A node's followers learn a new commit
    // index from the next append, or at the next tick at the latest, unless its owner asks otherwise: a
    // commit-only append per commit costs more than the one tick it saves them (CoreConfig::commitNotice).
    CoreConfig core = withCommitNoticeAtNextTick();
    int tickMs = 10; // one core tick
    int snapshotEvery = 10000; // applied entries between snapshots of the KV store

    // The entries each compaction keeps below the snapshot (CoreConfig::catchUpEntries) for a node that
    // snapshots every `snapshotEvery` entries: one interval's worth, at most 10,000. A follower less
    // behind than that catches up by appends, one further behind by a snapshot.
    static std::uint64_t catchUpEntriesFor(int snapshotEvery);

private:
    static CoreConfig withCommitNoticeAtNextTick()
    {
        CoreConfig config;
        config.commitNotice = CoreConfig::CommitNotice::NextTick;
        return config;
    }
};

struct WriteOutcome
{
    enum class Status {
        Applied, // committed and applied here at `index` in `term`
        CompareFailed, // committed and applied, but a compare-and-swap's condition did not hold: no change
        NotLeader, // this node cannot propose: `leader` names who can, if known
        Busy, // this leader is handing leadership over: nothing was written, retry shortly
        NotCommitted, // the entry was overwritten by a newer leader's: it will never apply
        Unknown, // a snapshot replaced the log meanwhile: it may or may not have applied
        StorageFailed, // this node cannot write to its disk: the write was refused, nothing was proposed
        // The disk failed while the write was pending: its entry (`index`, `term`) may already be on other
        // nodes and may still commit under another leader, or never.
        StorageFailedInFlight,
    };
    Status status = Status::NotLeader;
    LogIndex index{};
    Term term{};
    NodeId leader{};
};

struct ReadOutcome
{
    enum class Status {
        Ready, // the store reflects every write acknowledged before the read began
        NotLeader, // only the leader serves linearizable reads: `leader` names it, if known
        LeadershipLost, // the leader stepped down before it could confirm the read
        StorageFailed,
    };
    Status status = Status::NotLeader;
    NodeId leader{};
};

// One Raft node in a Qt event loop (docs/architecture.md): a QTimer ticks the core (waking only when a tick
// has something due), the transport feeds it
// messages, and after every input the ready loop persists, sends and applies. It emits a signal for
// everything that happens, which the HTTP event stream (and anything else) may subscribe to.
class RaftNode final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RaftNode)

public:
    using WriteDone = std::function<void(const WriteOutcome &)>;
    using ReadDone = std::function<void(const ReadOutcome &)>;

    // A node that starts from what NodeStorage::open() loaded. Null, with `error` saying why, when the
    // snapshot there passed its checksum but the store cannot decode it: damaged data, named with its
    // file (raftlab-node exits 3).
    static std::unique_ptr<RaftNode> create(NodeSettings settings, NodeStorage::Opened opened,
                                            TcpTransport *transport, QString &error);
    ~RaftNode() override;

    void start();
    void stop();

    // A command for the KV store; `done` is called exactly once, maybe before write() returns.
    void write(const QByteArray &command, WriteDone done);
    // A linearizable read (ReadIndex): `done` runs once the store may be read.
    void linearizableRead(ReadDone done);
    TransferResult transferLeadership(NodeId target);
    void campaignNow();
    // A single-server membership change (thesis §4.1). `done` runs once: with the core's refusal and no
    // outcome, or, once accepted, with the fate of its entry here (applied, or replaced by a newer
    // leader's) like a write.
    using MembershipDone = std::function<void(const MembershipChangeResult &, const WriteOutcome *)>;
    void changeMembership(const MembershipChange &change, MembershipDone done);
    const Membership &membership() const { return m_core.membership(); }
    Membership membershipAt(LogIndex index) const { return m_core.membershipAt(index); }
    // Whether this node's event loop relays client requests now (HttpApi: requests forwarded to the
    // leader, in flight). A follower then persists on its log thread, as a leader does, so that relaying
    // goes on while its disk syncs; otherwise it persists on its own thread (processReady()).
    void setClientWorkCheck(std::function<bool()> hasClientWork)
    {
        m_hasClientWork = std::move(hasClientWork);
    }
    // Live timing change; false (and nothing changes) when the values cannot work.
    bool setTiming(int heartbeatMs, int electionTimeoutMsMin, int electionTimeoutMsMax);

    NodeId id() const { return m_core.id(); }
    Role role() const { return m_core.role(); }
    NodeId leader() const { return m_core.leader(); }
    Term term() const { return m_core.term(); }
    CoreStatus coreStatus() const { return m_core.status(); }
    const KvStore &store() const { return m_store; }
    const NodeSettings &settings() const { return m_settings; }
    int heartbeatMs() const { return m_core.config().heartbeatTicks * m_settings.tickMs; }
    std::pair<int, int> electionTimeoutMs() const;
    SyncMode syncMode() const { return m_storage->syncMode(); }
    const QString &storageFailure() const { return m_storageFailure; }
    TcpTransport *transport() const { return m_transport; }

    // Microseconds on the machine's monotonic clock: the `t_us` of every event, comparable across
    // processes on one machine.
    static qint64 monotonicMicroseconds();

Q_SIGNALS:
    void coreEvent(const raftlab::Event &event, qint64 timeUs);
    // The configuration in force changed (an entry appended or truncated, a snapshot installed): the
    // transport dials members it did not know, the HTTP API learns their addresses.
    void membershipChanged(const raftlab::Membership &membership);
    // This node knows that the configuration committed at `index` no longer includes it (emitted once).
    void removedFromCluster(raftlab::LogIndex index);
    // The election timer restarted: it fires at `deadlineUs` unless reset again.
    void electionTimerReset(qint64 deadlineUs, qint64 timeUs);
    void entriesAppended(const raftlab::Entries &entries, qint64 timeUs);
    void logTruncated(raftlab::LogIndex from, qint64 timeUs);
    void entriesApplied(const raftlab::Entries &entries, qint64 timeUs);
    void snapshotTaken(raftlab::SnapshotMeta meta, qint64 timeUs);
    void storageFailed(const QString &reason);
    // One Ready was made durable: how long the write and fdatasync took, and how many entries it held.
    void readyPersisted(qint64 durationUs, std::size_t entries);

private:
    RaftNode(NodeSettings settings, NodeStorage::Opened opened, KvStore store, TcpTransport *transport);

    // Gives one input to the core; while a Ready is being made durable, sends what may leave early.
    void input(std::function<void()> apply);
    // The tick timer sleeps until the next tick at which the core has something due (TickSchedule).
    void onTickTimer();
    void catchUpTicks();
    void armTickTimer();
    void scheduleReady();
    void processReady();
    // While a Ready persists: what may leave now, and what committed meanwhile, applied and answered.
    void sendEarly();
    // A snapshot from the leader, decoded on the log's thread before anything of it is persisted or
    // acknowledged: the store to swap in once it is durable, or why it is unusable.
    struct CheckedSnapshot
    {
        SnapshotMeta meta;
        KvStore store;
        QString error;
        qint64 encodedBytes = 0;
    };
    // On the loop, once `ready` was persisted (inline, or by the log's thread): what follows durability.
    void onPersisted(const Ready &ready, std::shared_ptr<CheckedSnapshot> checked,
                     const StorageStatus &status, qint64 durationUs);
    void finishReady(const Ready &ready, std::shared_ptr<CheckedSnapshot> checked = nullptr);
    void judgeReceivedSnapshot(const ReceivedSnapshot &received, std::shared_ptr<CheckedSnapshot> checked);
    void installCheckedSnapshot(const SnapshotMeta &meta, qint64 now);
    void sendAll(const Messages &messages);
    void followMembership();
    void applyCommitted(const Entries &entries, qint64 now);
    // Tells entriesAppended() of those of `entries` not told yet (see m_announcedThrough).
    void announceAppended(const Entries &entries, qint64 now);
    // Applies the committed entries of `ready` before it is persisted, and takes them out of it.
    void applyCommittedBeforePersisting(Ready &ready, qint64 now);
    void serveReads();
    // One snapshot of our own: the store's frozen state at `snapshot.meta`, encoded on the snapshot
    // thread into `snapshot.data`.
    struct SnapshotJob
    {
        KvSnapshotView view;
        Snapshot snapshot;
    };
    void maybeTakeSnapshot();
    // The encoding is done: folds the store's overlay back a slice per loop pass, then finishes.
    void thawThenFinish(const std::shared_ptr<SnapshotJob> &job, const StorageStatus &status);
    void finishSnapshot(SnapshotJob &job);
    // Destroys `garbage` (a replaced store, compacted entries: at a million keys, tens of milliseconds of
    // freeing) on the snapshot thread instead of the event loop.
    template<typename T>
    void freeOnSnapshotThread(T &&garbage);
    void failStorage(const QString &reason);
    // Unlinks log segments a durable snapshot covers, on the snapshot thread: the unlink and the
    // directory's sync wait for an ext4 journal commit, which the next log write must not wait behind.
    void removeLogFilesInBackground(QStringList paths);
    // Writes the log's next segment full of zeros on the snapshot thread, when the log wants one.
    void prepareSpareSegmentInBackground();

    NodeSettings m_settings;
    std::unique_ptr<NodeStorage> m_storage;
    std::shared_ptr<SpareSegment> m_spareSegment; // the last one handed to the snapshot thread
    RaftCore m_core;
    TcpTransport *m_transport;
    KvStore m_store;
    QTimer *m_tickTimer; // single-shot, armed by armTickTimer()
    TickSchedule m_ticks;
    bool m_ticking = false; // between start() and stop()
    std::unique_ptr<StorageWorker> m_logWriter;
    std::unique_ptr<StorageWorker> m_snapshotWriter;
    bool m_snapshotInFlight = false; // from freeze() until the snapshot is durable and compacted
    // A leader's snapshot that decoded, from installSnapshot() until the Ready persisting it is durable.
    std::shared_ptr<CheckedSnapshot> m_checkedSnapshot;
    // The last entry entriesAppended() has told of. Entries are told once: in the Ready that hands them
    // to the disk, or earlier, as they apply, when a leader's followers acknowledged them (sent early)
    // while its previous write was still running, so that they committed before their own Ready.
    LogIndex m_announcedThrough{};
    LogIndex m_pendingLogCompaction{}; // our own snapshot is durable up to here: the log can go
    std::function<bool()> m_hasClientWork; // see setClientWorkCheck()
    // processReady(), once after the loop pass whose inputs left the core a Ready.
    LoopPass *m_readyPass = nullptr;
    // sendEarly(), once after each pass with inputs while a Ready persists.
    LoopPass *m_earlySendPass = nullptr;
    bool m_persisting = false;
    QString m_storageFailure;
    LogIndex m_lastSnapshotIndex{};
    qint64 m_lastSnapshotBytes = 0; // encoded, for SnapshotPolicy
    qint64 m_commandBytesSinceSnapshot = 0;

    struct PendingWrite
    {
        Term term{};
        WriteDone done;
    };
    // By index; several may wait on one index when an earlier leader's entries there were replaced.
    std::multimap<LogIndex, PendingWrite> m_pendingWrites;
    Membership m_followedMembership; // the last one announced by membershipChanged()
    bool m_removalAnnounced = false; // removedFromCluster() was emitted

    std::uint64_t m_nextReadId = 1;
    std::map<std::uint64_t, ReadDone> m_awaitingConfirmation; // by ReadIndex request id
    std::multimap<LogIndex, ReadDone> m_confirmedReads; // waiting for the store to apply the index
};

} // namespace raftlab
