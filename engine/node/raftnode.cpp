#include "raftnode.h"

#include "looppass.h"

#include "net/tcptransport.h"
#include "snapshotpolicy.h"
#include "storage/snapshotfile.h"
#include "storageworker.h"
#include "writetrace.h"

#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <chrono>

namespace raftlab {

Q_LOGGING_CATEGORY(lcNode, "raftlab.node")

namespace {

LogIndex lastIndexOf(const Entries &entries)
{
    return entries.empty() ? LogIndex{} : entries.back().index;
}

// The write trace's view of a message (WriteTrace): an append with entries or a successful
// acknowledgement, by the last index it concerns.
void traceMessage(const Message &message, WriteTrace::Stage appendStage, WriteTrace::Stage replyStage)
{
    if (message.type == MessageType::AppendEntries && !message.entries.empty())
        WriteTrace::stamp(appendStage, lastIndexOf(message.entries).value);
    else if (message.type == MessageType::AppendEntriesResponse && message.success)
        WriteTrace::stamp(replyStage, message.matchIndex.value);
}

} // namespace

qint64 RaftNode::monotonicMicroseconds()
{
    // steady_clock is CLOCK_MONOTONIC on Linux: shared by every process of the machine.
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::uint64_t NodeSettings::catchUpEntriesFor(int snapshotEvery)
{
    constexpr int most = 10'000;
    return static_cast<std::uint64_t>(std::clamp(snapshotEvery, 0, most));
}

std::unique_ptr<RaftNode> RaftNode::create(NodeSettings settings, NodeStorage::Opened opened,
                                           TcpTransport *transport, QString &error)
{
    // The store starts from the snapshot; the core hands the committed entries after it once it learns
    // the commit index from a leader.
    KvStore store;
    if (!opened.state.snapshot.isEmpty()) {
        const QString why = store.restore(opened.state.snapshot.data, opened.state.snapshot.meta.index);
        if (!why.isEmpty()) {
            error = QStringLiteral("the snapshot %1 passed its checksum but does not decode: %2")
                        .arg(QDir(opened.storage->dir()).filePath(SnapshotFile::fileName()), why);
            return nullptr;
        }
    }
    return std::unique_ptr<RaftNode>(
        new RaftNode(std::move(settings), std::move(opened), std::move(store), transport));
}

RaftNode::RaftNode(NodeSettings settings, NodeStorage::Opened opened, KvStore store, TcpTransport *transport)
    : m_settings(std::move(settings))
    , m_storage(std::move(opened.storage))
    , m_core(m_settings.core, opened.state, QRandomGenerator::system()->generate64())
    , m_transport(transport)
    , m_store(std::move(store))
    , m_tickTimer(new QTimer(this))
    , m_ticks(qint64(m_settings.tickMs) * 1000)
    , m_logWriter(std::make_unique<StorageWorker>(QStringLiteral("raftlab-log")))
    , m_snapshotWriter(std::make_unique<StorageWorker>(QStringLiteral("raftlab-snapshot"),
                                                       StorageWorker::Priority::Background))
    , m_lastSnapshotIndex(opened.state.snapshot.meta.index)
    , m_lastSnapshotBytes(opened.state.snapshot.data.size())
{
    m_announcedThrough = m_core.log().lastIndex(); // what was on disk: the first state event tells it
    m_readyPass = new LoopPass(this, [this] { processReady(); });
    m_earlySendPass = new LoopPass(this, [this] { sendEarly(); });
    m_tickTimer->setTimerType(Qt::PreciseTimer);
    m_tickTimer->setSingleShot(true);
    connect(m_tickTimer, &QTimer::timeout, this, &RaftNode::onTickTimer);
    connect(m_transport, &TcpTransport::messageReceived, this, [this](const Message &message) {
        if (WriteTrace::enabled())
            traceMessage(message, WriteTrace::Stage::FrameReceived, WriteTrace::Stage::ReplyReceived);
        input([this, message] { m_core.step(message); });
    });
    // A peer's process that stops (kill -9, a crash) closes its connections at once; a frozen one or a cut
    // link does not. The core decides whether that peer was this follower's leader.
    connect(m_transport, &TcpTransport::peerConnectionChanged, this, [this](NodeId peer, bool connected) {
        input([this, peer, connected] {
            if (connected)
                m_core.peerConnectionRestored(peer);
            else
                m_core.peerConnectionLost(peer);
        });
    });
}

RaftNode::~RaftNode()
{
    // Wait for writes in flight before the storage goes away; a spare segment's zeros are not worth it.
    if (m_spareSegment)
        m_spareSegment->abandon();
    m_snapshotWriter.reset();
    m_logWriter.reset();
}

void RaftNode::start()
{
    m_ticking = true;
    m_ticks.start(monotonicMicroseconds());
    armTickTimer();
    followMembership(); // addresses the log or snapshot knows and the cluster file may not
    scheduleReady(); // the start-up events
}

void RaftNode::stop()
{
    m_ticking = false;
    m_ticks.disarm();
    m_tickTimer->stop();
}

std::pair<int, int> RaftNode::electionTimeoutMs() const
{
    return {m_core.config().electionTimeoutTicksMin * m_settings.tickMs,
            m_core.config().electionTimeoutTicksMax * m_settings.tickMs};
}

void RaftNode::input(std::function<void()> apply)
{
    if (!m_storageFailure.isEmpty())
        return; // the protocol has stopped here; see failStorage()
    catchUpTicks();
    apply();
    armTickTimer();
    if (m_persisting) {
        // The core takes input while the log thread persists the last Ready; what may leave before any
        // disk write (Ready's rule, e.g. a leader's heartbeats and appends) leaves now, and what an
        // acknowledgement committed applies now, its writes answered, instead of after the write in
        // progress (committed means on a majority's disks, whether or not this node's write returned). Once
        // per pass of the event loop, so the proposals of that pass travel together.
        m_earlySendPass->request();
        return;
    }
    scheduleReady();
}

void RaftNode::sendEarly()
{
    if (!m_persisting || !m_storageFailure.isEmpty())
        return;
    sendAll(m_core.takeMessagesToSendNow());
    const Entries committed = m_core.takeNewlyCommitted();
    if (!committed.empty()) {
        applyCommitted(committed, monotonicMicroseconds());
        serveReads();
    }
}

void RaftNode::onTickTimer()
{
    input([this] {
        const std::optional<int> due = m_core.ticksUntilTimer();
        if (!due || !m_ticking)
            return;
        // A follower or candidate that wakes late holds its election timeout back for one heartbeat
        // interval: the stall that made it late may have stopped the leader too, whose heartbeats then
        // leave as soon as it runs again. A leader holds nothing back: its timers send those heartbeats.
        const int holdTicks = m_core.role() == Role::Leader ? 0 : m_core.config().heartbeatTicks;
        for (int ticks = m_ticks.ticksAtWake(monotonicMicroseconds(), *due, holdTicks); ticks > 0; --ticks)
            m_core.tick();
    });
}

void RaftNode::catchUpTicks()
{
    // The core sees the ticks that went by while the timer slept (its leases and "heard a leader
    // lately" depend on them), short of one that fires a timer: that one waits for onTickTimer().
    if (!m_ticking)
        return;
    const std::optional<int> due = m_core.ticksUntilTimer();
    if (!due)
        return;
    for (int ticks = m_ticks.ticksBeforeInput(monotonicMicroseconds(), *due); ticks > 0; --ticks)
        m_core.tick();
}

void RaftNode::armTickTimer()
{
    if (!m_ticking)
        return;
    const std::optional<int> due = m_core.ticksUntilTimer();
    if (!due) {
        m_ticks.disarm();
        m_tickTimer->stop();
        return;
    }
    if (!m_tickTimer->isActive())
        m_ticks.disarm(); // it fired, or never ran: plan afresh
    const std::optional<qint64> wakeUs = m_ticks.armFor(*due);
    if (!wakeUs)
        return;
    // Whole milliseconds, rounded up: waking early would only cost a second wake-up.
    const qint64 waitUs = std::max<qint64>(0, *wakeUs - monotonicMicroseconds());
    m_tickTimer->start(static_cast<int>((waitUs + 999) / 1000));
}

void RaftNode::write(const QByteArray &command, WriteDone done)
{
    if (!m_storageFailure.isEmpty()) {
        done(WriteOutcome{.status = WriteOutcome::Status::StorageFailed, .leader = m_core.leader()});
        return;
    }
    input([this, command, done = std::move(done)]() mutable {
        const ProposeResult result = m_core.propose(command);
        if (result.status != ProposeResult::Status::Accepted) {
            const bool busy = result.status == ProposeResult::Status::TransferInProgress;
            done(WriteOutcome{.status = busy ? WriteOutcome::Status::Busy : WriteOutcome::Status::NotLeader,
                              .leader = result.leader});
            return;
        }
        WriteTrace::stamp(WriteTrace::Stage::Proposed, result.index.value);
        m_pendingWrites.emplace(result.index, PendingWrite{result.term, std::move(done)});
    });
}

void RaftNode::linearizableRead(ReadDone done)
{
    if (!m_storageFailure.isEmpty()) {
        done(ReadOutcome{ReadOutcome::Status::StorageFailed, m_core.leader()});
        return;
    }
    input([this, done = std::move(done)]() mutable {
        const std::uint64_t id = m_nextReadId++;
        const ReadIndexResult result = m_core.readIndex(id);
        if (result.status != ReadIndexResult::Status::Accepted) {
            done(ReadOutcome{ReadOutcome::Status::NotLeader, result.leader});
            return;
        }
        m_awaitingConfirmation.emplace(id, std::move(done));
    });
}

TransferResult RaftNode::transferLeadership(NodeId target)
{
    // Answered from the state now; the core acts on it as soon as it takes input again.
    TransferResult answer{TransferResult::Status::Started, m_core.leader()};
    if (m_core.role() != Role::Leader)
        answer.status = TransferResult::Status::NotLeader;
    else if (target == m_core.id())
        answer.status = TransferResult::Status::AlreadyLeader;
    else if (!m_core.membership().isVoter(target))
        answer.status = TransferResult::Status::UnknownTarget;
    if (answer.status == TransferResult::Status::Started)
        input([this, target] { m_core.transferLeadership(target); });
    return answer;
}

void RaftNode::changeMembership(const MembershipChange &change, MembershipDone done)
{
    if (!m_storageFailure.isEmpty()) {
        done(MembershipChangeResult{.status = MembershipChangeResult::Status::NotLeader,
                                    .leader = m_core.leader()},
             nullptr);
        return;
    }
    input([this, change, done = std::move(done)]() mutable {
        const MembershipChangeResult result = m_core.proposeMembershipChange(change);
        if (result.status != MembershipChangeResult::Status::Accepted) {
            done(result, nullptr);
            return;
        }
        m_pendingWrites.emplace(result.index,
                                PendingWrite{result.term, [result, done](const WriteOutcome &outcome) {
                                                 done(result, &outcome);
                                             }});
    });
}

void RaftNode::followMembership()
{
    if (m_core.membership() == m_followedMembership)
        return;
    m_followedMembership = m_core.membership();
    Q_EMIT membershipChanged(m_followedMembership);
}

void RaftNode::campaignNow()
{
    input([this] { m_core.campaignNow(); });
}

bool RaftNode::setTiming(int heartbeatMs, int electionTimeoutMsMin, int electionTimeoutMsMax)
{
    // Round to whole ticks, never below one.
    const auto ticks = [this](int ms) {
        return std::max(1, (ms + m_settings.tickMs / 2) / m_settings.tickMs);
    };
    CoreConfig changed = m_core.config();
    changed.heartbeatTicks = ticks(heartbeatMs);
    changed.electionTimeoutTicksMin = ticks(electionTimeoutMsMin);
    changed.electionTimeoutTicksMax = ticks(electionTimeoutMsMax);
    if (changed.problem())
        return false;
    input([this, changed] {
        m_core.setTiming(changed.heartbeatTicks, changed.electionTimeoutTicksMin,
                         changed.electionTimeoutTicksMax);
    });
    return true;
}

void RaftNode::scheduleReady()
{
    // Coalesce: every input of one pass of the loop shares one Ready, run as that pass ends (LoopPass),
    // so one fsync covers all of them (group commit). An input that left the core with nothing to do
    // (most ticks) asks for no pass at all.
    if (m_readyPass->requested() || m_persisting || !m_core.hasReady())
        return;
    m_readyPass->request();
}

void RaftNode::processReady()
{
    if (m_persisting || !m_storageFailure.isEmpty() || !m_core.hasReady())
        return;
    auto ready = std::make_shared<Ready>(m_core.takeReady());
    const qint64 now = monotonicMicroseconds();
    for (const Event &event : ready->events) {
        if (event.type == EventType::TimerReset)
            Q_EMIT electionTimerReset(now + qint64(event.ticks) * m_settings.tickMs * 1000, now);
        Q_EMIT coreEvent(event, now);
    }

    // The entries are in the log from now on, durable or not yet: announced here (unless they applied
    // already, announced as they did: see m_announcedThrough), so that whoever mirrors the log from the
    // events hears of them before they apply. A leader may apply them before its own write returns
    // (applyCommittedBeforePersisting: its followers' copies made them committed).
    if (ready->truncateFrom) {
        Q_EMIT logTruncated(*ready->truncateFrom, now);
        m_announcedThrough = std::min(m_announcedThrough, ready->truncateFrom->previous());
    }
    announceAppended(ready->entries, now);
    // The core has sorted its messages by the persist-before-send rule (ready.h): these may leave now,
    // the rest leave in finishReady(), once this Ready is durable.
    sendAll(ready->messages);
    // A snapshot from the leader is decoded on the log's thread, before anything of it is persisted or
    // acknowledged: decoding 300,000 pairs takes about half a second, which the loop would otherwise
    // spend deaf to the leader and to its clients. finishReady() reports the verdict to the core, which
    // hands a good one back to persist; once durable, the decoded store is swapped in, in O(1).
    auto checked = ready->receivedSnapshot ? std::make_shared<CheckedSnapshot>() : nullptr;
    if (!ready->needsPersistence() && !checked) {
        finishReady(*ready);
        return;
    }
    if (!ready->snapshot)
        applyCommittedBeforePersisting(*ready, now);
    m_persisting = true;
    // The log below our own latest durable snapshot goes with this write, on the log's thread.
    const LogIndex compactUpTo = std::exchange(m_pendingLogCompaction, LogIndex{});
    NodeStorage *storage = m_storage.get();
    WriteTrace::stamp(WriteTrace::Stage::LogHanded, lastIndexOf(ready->entries).value);
    if (m_core.role() != Role::Leader && !ready->snapshot && !checked &&
        !(m_hasClientWork && m_hasClientWork())) {
        // A follower (or candidate) persists on its own thread: until this Ready is durable it has
        // nothing to send that matters (its acknowledgements and votes wait for the disk), and handing
        // the write to the log's thread and back cost two thread wake-ups on every append's path (about
        // 55 us of a 1-connection write's ~430 us, docs/benchmarks.md). Appends that arrive meanwhile
        // wait in the socket and go into the next Ready together. A leader keeps its log thread: its
        // loop sends, commits and answers while its own disk syncs (thesis §10.2.1). So does a follower
        // that relays client requests to the leader: blocked in fdatasync, it relayed 20% fewer writes
        // at 16 connections. Snapshots (decoded for seconds) stay on the thread too.
        QElapsedTimer clock;
        clock.start();
        WriteTrace::stamp(WriteTrace::Stage::LogStarted, lastIndexOf(ready->entries).value);
        const StorageStatus status = storage->persist(*ready);
        WriteTrace::stamp(WriteTrace::Stage::LogSynced, lastIndexOf(ready->entries).value);
        if (status.ok() && compactUpTo != LogIndex{})
            removeLogFilesInBackground(storage->detachLogPrefix(compactUpTo));
        onPersisted(*ready, nullptr, status, clock.nsecsElapsed() / 1000);
        return;
    }
    // The segments our snapshot covers leave the log's bookkeeping with this write; their files are
    // removed on the snapshot thread afterwards (FileLog::detachPrefix()).
    auto detached = compactUpTo != LogIndex{} ? std::make_shared<QStringList>() : nullptr;
    m_logWriter->run(
        [storage, ready, compactUpTo, checked, detached] {
            WriteTrace::stamp(WriteTrace::Stage::LogStarted, lastIndexOf(ready->entries).value);
            StorageStatus status = storage->persist(*ready);
            WriteTrace::stamp(WriteTrace::Stage::LogSynced, lastIndexOf(ready->entries).value);
            if (status.ok() && detached)
                *detached = storage->detachLogPrefix(compactUpTo);
            if (status.ok() && checked) {
                const Snapshot &snapshot = ready->receivedSnapshot->snapshot;
                checked->meta = snapshot.meta;
                checked->encodedBytes = snapshot.data.size();
                checked->error = checked->store.restore(snapshot.data, snapshot.meta.index);
            }
            return status;
        },
        [this, ready, checked, detached](const StorageStatus &status, qint64 us) {
            if (detached)
                removeLogFilesInBackground(std::move(*detached));
            onPersisted(*ready, checked, status, us);
        });
}

void RaftNode::removeLogFilesInBackground(QStringList paths)
{
    if (paths.isEmpty())
        return;
    NodeStorage *storage = m_storage.get();
    m_snapshotWriter->run([storage, paths] { return storage->removeLogFiles(paths); },
                          [this](const StorageStatus &status, qint64) {
                              // Nothing depends on these files any more, and opening the dir removes
                              // stale ones: a refusal here is worth a warning, not stopping the node.
                              if (!status.ok())
                                  qCWarning(lcNode, "node %u: %s", m_core.id().value,
                                            qPrintable(status.message));
                          });
}

void RaftNode::onPersisted(const Ready &ready, std::shared_ptr<CheckedSnapshot> checked,
                           const StorageStatus &status, qint64 durationUs)
{
    WriteTrace::stamp(WriteTrace::Stage::LogDone, lastIndexOf(ready.entries).value);
    m_persisting = false;
    if (!m_storageFailure.isEmpty())
        return; // the snapshot thread's write failed meanwhile: the protocol has stopped here
    if (!status.ok()) {
        failStorage(status.message);
        return;
    }
    Q_EMIT readyPersisted(durationUs, ready.entries.size());
    prepareSpareSegmentInBackground(); // no log write is in flight now
    finishReady(ready, std::move(checked));
}

void RaftNode::prepareSpareSegmentInBackground()
{
    std::shared_ptr<SpareSegment> spare = m_storage->spareSegmentToPrepare();
    if (!spare)
        return;
    m_spareSegment = spare;
    // The snapshot thread's low priority suits it: nothing waits for a spare (without one, the next
    // segment is preallocated as before). Its zeros go to the disk 2 MiB at a time.
    m_snapshotWriter->run([spare] { return spare->prepare(); },
                          [this](const StorageStatus &status, qint64) {
                              if (!status.ok())
                                  qCWarning(lcNode, "node %u: no spare log segment: %s", m_core.id().value,
                                            qPrintable(status.message));
                          });
}

void RaftNode::finishReady(const Ready &ready, std::shared_ptr<CheckedSnapshot> checked)
{
    // What happens from here happens now, after the write: events stamped with the time the Ready was
    // taken would run backwards behind those of the loop passes that ran while the disk synced.
    const qint64 done = monotonicMicroseconds();
    m_core.advance();
    armTickTimer(); // what became durable may commit: followers are told at the next tick, not the next
                    // heartbeat
    sendAll(ready.messagesAfterPersist);

    if (ready.snapshot)
        installCheckedSnapshot(ready.snapshot->meta, done);
    applyCommitted(ready.committed, done);
    for (const ReadState &read : ready.reads) {
        if (auto waiting = m_awaitingConfirmation.extract(read.requestId))
            m_confirmedReads.emplace(read.index, std::move(waiting.mapped()));
    }
    for (std::uint64_t id : ready.failedReads) {
        if (auto waiting = m_awaitingConfirmation.extract(id))
            waiting.mapped()(ReadOutcome{ReadOutcome::Status::LeadershipLost, m_core.leader()});
    }
    serveReads();
    maybeTakeSnapshot();
    if (ready.receivedSnapshot)
        judgeReceivedSnapshot(*ready.receivedSnapshot, std::move(checked));
    if (!m_removalAnnounced && m_core.removedFromCluster()) {
        m_removalAnnounced = true;
        Q_EMIT removedFromCluster(m_core.membership().index);
    }

    // Whatever arrived while the disk was busy goes into the next Ready together.
    scheduleReady();
}

void RaftNode::applyCommittedBeforePersisting(Ready &ready, qint64 now)
{
    // Committed entries are on a majority's disks, whether this Ready's own write holds some of them or
    // not (both followers may acknowledge before the leader's fdatasync returns): they apply, and their
    // writes are answered, now rather than after this Ready's write. Under load that write is always
    // running, so waiting for it would add one fdatasync to every answer. Snapshots and log compaction
    // still wait for durability here (maybeTakeSnapshot()).
    applyCommitted(ready.committed, now);
    ready.committed.clear();
    serveReads();
}

void RaftNode::judgeReceivedSnapshot(const ReceivedSnapshot &received,
                                     std::shared_ptr<CheckedSnapshot> checked)
{
    if (!checked->error.isEmpty()) {
        // Nothing of it was persisted or acknowledged: the node goes on from where it was, and the leader
        // sends a snapshot again.
        qCWarning(lcNode, "node %u refuses the snapshot up to index %llu from leader %u: %s",
                  m_core.id().value, static_cast<unsigned long long>(received.snapshot.meta.index.value),
                  received.leader.value, qPrintable(checked->error));
        m_core.refuseSnapshot(received.snapshot.meta);
        return;
    }
    if (m_core.installSnapshot(received.snapshot.meta))
        m_checkedSnapshot = std::move(checked);
}

void RaftNode::installCheckedSnapshot(const SnapshotMeta &meta, qint64 now)
{
    // Installed from the leader, and now durable: the store jumps to it. Writes waiting below it may or
    // may not be in it.
    if (!m_checkedSnapshot || m_checkedSnapshot->meta != meta)
        qFatal("raftlab.node: node %u was handed a snapshot up to %llu to install that it never checked",
               m_core.id().value, static_cast<unsigned long long>(meta.index.value));
    const std::shared_ptr<CheckedSnapshot> checked = std::exchange(m_checkedSnapshot, nullptr);
    m_store.swap(checked->store);
    // Freeing the replaced pairs takes as long as building them: on the snapshot thread, which then
    // holds the last reference (a view of them being encoded there may hold one too).
    freeOnSnapshotThread(std::move(checked->store));
    m_lastSnapshotIndex = meta.index;
    m_lastSnapshotBytes = checked->encodedBytes;
    m_commandBytesSinceSnapshot = 0;
    while (!m_pendingWrites.empty() && m_pendingWrites.begin()->first <= meta.index) {
        auto pending = m_pendingWrites.extract(m_pendingWrites.begin());
        pending.mapped().done(
            WriteOutcome{.status = WriteOutcome::Status::Unknown, .leader = m_core.leader()});
    }
    Q_EMIT snapshotTaken(meta, now);
}

void RaftNode::sendAll(const Messages &messages)
{
    followMembership(); // a member just added is dialled before the first message to it
    for (const Message &message : messages) {
        if (WriteTrace::enabled())
            traceMessage(message, WriteTrace::Stage::AppendSent, WriteTrace::Stage::ReplySent);
        m_transport->send(message);
    }
}

void RaftNode::announceAppended(const Entries &entries, qint64 now)
{
    if (entries.empty() || entries.back().index <= m_announcedThrough)
        return;
    if (entries.front().index > m_announcedThrough) {
        Q_EMIT entriesAppended(entries, now);
    } else {
        const auto untold = entries.begin() +
            static_cast<std::ptrdiff_t>(m_announcedThrough.value - entries.front().index.value + 1);
        Q_EMIT entriesAppended(Entries(untold, entries.end()), now);
    }
    m_announcedThrough = entries.back().index;
}

void RaftNode::applyCommitted(const Entries &entries, qint64 now)
{
    if (entries.empty())
        return;
    announceAppended(entries, now); // no entry applies before the events have told it is in the log
    WriteTrace::stamp(WriteTrace::Stage::Committed, lastIndexOf(entries).value);
    for (const Entry &entry : entries) {
        if (entry.index <= m_store.appliedIndex())
            continue; // covered by a snapshot installed meanwhile
        const ApplyResult applied = m_store.apply(entry);
        WriteTrace::stamp(WriteTrace::Stage::Applied, entry.index.value);
        m_commandBytesSinceSnapshot += entry.payload.size();
        // Every write that waited on this index learns its fate: applied if the entry here is the one
        // it proposed (same term), else replaced by another leader's and never to apply. A
        // compare-and-swap learns the verdict of the comparison, which every node reaches alike.
        const auto appliedStatus = applied.status == ApplyResult::Status::CompareFailed
            ? WriteOutcome::Status::CompareFailed
            : WriteOutcome::Status::Applied;
        while (auto pending = m_pendingWrites.extract(entry.index)) {
            const bool ours = pending.mapped().term == entry.term;
            pending.mapped().done(
                WriteOutcome{.status = ours ? appliedStatus : WriteOutcome::Status::NotCommitted,
                             .index = entry.index,
                             .term = entry.term,
                             .leader = m_core.leader()});
            WriteTrace::stamp(WriteTrace::Stage::AnswerWritten, entry.index.value);
        }
    }
    Q_EMIT entriesApplied(entries, now);
}

void RaftNode::serveReads()
{
    while (!m_confirmedReads.empty() && m_confirmedReads.begin()->first <= m_store.appliedIndex()) {
        auto read = m_confirmedReads.extract(m_confirmedReads.begin());
        read.mapped()(ReadOutcome{ReadOutcome::Status::Ready, m_core.id()});
    }
}

void RaftNode::maybeTakeSnapshot()
{
    const LogIndex applied = m_store.appliedIndex();
    const SnapshotPolicy policy{.every = m_settings.snapshotEvery,
                                .entriesSince = distance(m_lastSnapshotIndex, applied),
                                .commandBytesSince = m_commandBytesSinceSnapshot,
                                .lastSnapshotBytes = m_lastSnapshotBytes,
                                .staggerSlot = SnapshotPolicy::staggerSlotFor(m_core.id().value)};
    if (m_snapshotInFlight || !policy.due())
        return;
    if (applied > m_core.log().durableIndex())
        return; // compaction needs durable entries; the next round will do it
    const std::optional<Term> term = m_core.log().termAt(applied);
    if (!term)
        return;
    // The state is captured here, between two entries, in O(1) (KvStore::freeze()); encoding it takes
    // 60-600 ms at 300,000 keys, longer than the followers' election timeout, so it happens on the
    // snapshot thread with the file write, and the loop keeps ticking, sending heartbeats and applying.
    // Memory and the log on disk are compacted once the snapshot is durable (a crash before that just
    // restarts from the older snapshot and the log).
    auto job = std::make_shared<SnapshotJob>(SnapshotJob{
        m_store.freeze(), Snapshot{SnapshotMeta{applied, *term}, {}, m_core.snapshotMembershipAt(applied)}});
    m_lastSnapshotIndex = applied;
    m_commandBytesSinceSnapshot = 0;
    m_snapshotInFlight = true;
    NodeStorage *storage = m_storage.get();
    m_snapshotWriter->run(
        [storage, job] {
            job->snapshot.data = job->view.encode();
            job->view.releasePairs();
            return storage->writeSnapshotFile(job->snapshot);
        },
        [this, job](const StorageStatus &status, qint64) { thawThenFinish(job, status); });
}

void RaftNode::thawThenFinish(const std::shared_ptr<SnapshotJob> &job, const StorageStatus &status)
{
    // The store may change its pairs again. What it applied while the snapshot was encoded (at a million
    // keys, seconds: 100,000 entries at 30,000 writes/s) goes back into them a slice at a time, about a
    // millisecond each, with the loop's other work between two slices instead of one 100 ms stall.
    constexpr std::size_t foldSlice = 1024;
    if (!m_store.thawSome(job->view, foldSlice)) {
        QMetaObject::invokeMethod(
            this, [this, job, status] { thawThenFinish(job, status); }, Qt::QueuedConnection);
        return;
    }
    if (!status.ok()) {
        m_snapshotInFlight = false;
        failStorage(status.message);
        return;
    }
    // Compaction comes in a later pass of the loop, with ticks between.
    QMetaObject::invokeMethod(
        this, [this, job] { finishSnapshot(*job); }, Qt::QueuedConnection);
}

void RaftNode::finishSnapshot(SnapshotJob &job)
{
    m_snapshotInFlight = false;
    m_lastSnapshotBytes = job.snapshot.data.size();
    if (!m_storageFailure.isEmpty())
        return;
    const SnapshotMeta meta = job.snapshot.meta;
    // A snapshot installed from a leader meanwhile may have replaced the log past this point.
    if (meta.index > m_core.log().snapshot().meta.index && meta.index <= m_core.log().durableIndex() &&
        m_core.log().termAt(meta.index) == meta.term) {
        // Freeing the dropped entries (at a million keys, 800,000 payloads: 50-100 ms) is the snapshot
        // thread's work, not the loop's.
        if (DroppedEntries dropped = m_core.compact(meta.index, std::exchange(job.snapshot.data, {}));
            !dropped.empty())
            freeOnSnapshotThread(std::move(dropped));
        scheduleReady(); // the compaction event
    }
    m_pendingLogCompaction = std::max(m_pendingLogCompaction, meta.index);
    // Detaching the covered segments is bookkeeping: with no write in progress it is done here, so that
    // a node that goes quiet after a burst does not keep them until its next write; during one it goes
    // with the next write (processReady()), on the thread that writes the log.
    if (!m_persisting)
        removeLogFilesInBackground(m_storage->detachLogPrefix(std::exchange(m_pendingLogCompaction, {})));
    Q_EMIT snapshotTaken(meta, monotonicMicroseconds());
}

template<typename T>
void RaftNode::freeOnSnapshotThread(T &&garbage)
{
    // The job holds the only reference and drops it there; the loop only moves a pointer.
    m_snapshotWriter->run(
        [held = std::make_shared<std::decay_t<T>>(std::forward<T>(garbage))]() mutable {
            held.reset();
            return StorageStatus::success();
        },
        [](const StorageStatus &, qint64) {});
}

void RaftNode::failStorage(const QString &reason)
{
    // Nothing more may be promised: the core leaves the protocol (a leader steps down, so no one is told
    // it still leads), everyone waiting is answered, and status is still served so the user sees why
    // (the data on disk up to the failure stays intact). The rest of the cluster elects another leader.
    if (!m_storageFailure.isEmpty())
        return;
    m_storageFailure = reason;
    m_ticking = false;
    m_tickTimer->stop();
    const bool wasLeader = m_core.role() == Role::Leader;
    qCCritical(lcNode, "node %u stops%s: the disk refused a write: %s", m_core.id().value,
               wasLeader ? " leading" : "", qPrintable(reason));
    const Ready last = m_core.halt();
    const qint64 now = monotonicMicroseconds();
    for (const Event &event : last.events)
        Q_EMIT coreEvent(event, now);
    // A pending write's entry was proposed here as leader and may already be on other nodes: a leader
    // sends its appends before its own write is durable (thesis §10.2.1), so a later leader may commit
    // it. Its fate is unknown, never "failed".
    auto writes = std::move(m_pendingWrites);
    for (auto &[index, pending] : writes)
        pending.done(WriteOutcome{.status = WriteOutcome::Status::StorageFailedInFlight,
                                  .index = index,
                                  .term = pending.term,
                                  .leader = m_core.leader()});
    auto awaiting = std::move(m_awaitingConfirmation);
    for (auto &[id, done] : awaiting)
        done(ReadOutcome{ReadOutcome::Status::StorageFailed, m_core.leader()});
    auto confirmed = std::move(m_confirmedReads);
    for (auto &[index, done] : confirmed)
        done(ReadOutcome{ReadOutcome::Status::StorageFailed, m_core.leader()});
    Q_EMIT storageFailed(reason);
}

} // namespace raftlab
