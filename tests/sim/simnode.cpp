#include "simnode.h"

#include <algorithm>

namespace raftlab::sim {

SimNode::SimNode(CoreConfig config, SimObserver &observer)
    : m_config(std::move(config))
    , m_observer(observer)
{ }

void SimNode::start(std::uint64_t coreSeed)
{
    m_stateMachine = KvStateMachine{};
    if (!m_disk.snapshot.isEmpty()) {
        if (!m_stateMachine.restore(m_disk.snapshot.data))
            m_observer.contractBroken(id(), QStringLiteral("the snapshot on disk does not parse"));
        m_observer.snapshotRestored(id(), m_disk.snapshot);
    }
    m_core = std::make_unique<RaftCore>(
        m_config, PersistentState{m_disk.hardState, m_disk.snapshot, m_disk.entries}, coreSeed);
    ++m_incarnation;
}

void SimNode::crash()
{
    m_core.reset();
    m_inFlight.reset(); // never reached the disk
    m_stateMachine = KvStateMachine{};
    m_pendingReads.clear();
}

void SimNode::failDisk()
{
    if (!isUp() || m_core->isHalted())
        return;
    m_inFlight.reset();
    const Ready last = m_core->halt();
    m_observer.eventsEmitted(last.events);
    for (std::uint64_t failed : last.failedReads)
        m_pendingReads.erase(failed);
}

ReadIndexResult SimNode::requestRead(std::uint64_t requestId, const QByteArray &key)
{
    const ReadIndexResult result = m_core->readIndex(requestId);
    if (result.status == ReadIndexResult::Status::Accepted)
        m_pendingReads[requestId] = PendingRead{key, std::nullopt};
    return result;
}

bool SimNode::handleReady(CrashPoint crashAt)
{
    beginReady();
    return completeReady(crashAt);
}

void SimNode::beginReady()
{
    m_inFlight = m_core->takeReady();
    m_observer.eventsEmitted(m_inFlight->events);
    // 1. What may leave before persistence leaves now: a crash at any later point must be safe.
    for (const Message &message : m_inFlight->messages)
        m_observer.messageSent(message);
}

void SimNode::sendEarlyMessages()
{
    if (!m_inFlight)
        return;
    for (const Message &message : m_core->takeMessagesToSendNow())
        m_observer.messageSent(message);
}

bool SimNode::completeReady(CrashPoint crashAt)
{
    Ready ready = std::move(*m_inFlight);
    m_inFlight.reset();
    if (crashAt == CrashPoint::BeforePersist) {
        crash();
        return false;
    }
    // 2. Durable before `messagesAfterPersist` leave (Raft §5, thesis §3.8; the contract of ready.h).
    persist(ready, crashAt == CrashPoint::MidPersist);
    if (crashAt == CrashPoint::MidPersist || crashAt == CrashPoint::BeforeSend) {
        crash();
        return false;
    }
    // 3. Tell the core its last Ready is durable.
    m_core->advance();
    // 4. Send the rest. A crash half-way lets a prefix out.
    const Messages &after = ready.messagesAfterPersist;
    const std::size_t sendCount = crashAt == CrashPoint::MidSend ? after.size() / 2 : after.size();
    for (std::size_t i = 0; i < sendCount; ++i)
        m_observer.messageSent(after[i]);
    if (crashAt == CrashPoint::MidSend || crashAt == CrashPoint::BeforeApply) {
        crash();
        return false;
    }
    // 5. Apply, then answer the reads that are now safe.
    apply(ready);
    maybeCompact();
    // 5. A snapshot from the leader: installed only if the state machine can restore it.
    if (ready.receivedSnapshot)
        checkReceivedSnapshot(*ready.receivedSnapshot);
    return true;
}

void SimNode::checkReceivedSnapshot(const ReceivedSnapshot &received)
{
    KvStateMachine decoded;
    if (decoded.restore(received.snapshot.data))
        m_core->installSnapshot(received.snapshot.meta);
    else
        m_core->refuseSnapshot(received.snapshot.meta);
}

void SimNode::persist(const Ready &ready, bool halfOfEntries)
{
    if (ready.hardState) {
        const HardState previous = m_disk.hardState;
        m_disk.hardState = *ready.hardState;
        m_observer.hardStatePersisted(id(), previous, m_disk.hardState);
    }
    // The truncation goes first and the snapshot before the entries, so that a crash between any two
    // writes leaves a disk that is a valid log: never conflicting entries after a newer snapshot, and
    // never a gap between the old entries and new ones that follow the snapshot.
    if (ready.truncateFrom) {
        std::erase_if(m_disk.entries, [&](const Entry &entry) { return entry.index >= *ready.truncateFrom; });
    }
    if (ready.snapshot) {
        m_disk.snapshot = *ready.snapshot;
        std::erase_if(m_disk.entries,
                      [&](const Entry &entry) { return entry.index <= ready.snapshot->meta.index; });
        if (!m_disk.entries.empty() && m_disk.entries.front().index != ready.snapshot->meta.index.next())
            m_observer.contractBroken(id(), QStringLiteral("entries kept after a snapshot do not follow it"));
    }
    persistEntries(ready.entries, halfOfEntries ? ready.entries.size() / 2 : ready.entries.size());
}

void SimNode::persistEntries(const Entries &entries, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        const Entry &entry = entries[i];
        if (entry.index != m_disk.lastIndex().next()) {
            m_observer.contractBroken(
                id(),
                QStringLiteral("Ready entry %1 does not continue the persisted log ending at %2")
                    .arg(entry.index.value)
                    .arg(m_disk.lastIndex().value));
            return;
        }
        m_disk.entries.push_back(entry);
    }
}

void SimNode::apply(const Ready &ready)
{
    if (ready.snapshot) {
        if (!m_stateMachine.restore(ready.snapshot->data))
            m_observer.contractBroken(id(), QStringLiteral("a received snapshot does not parse"));
        m_observer.snapshotRestored(id(), *ready.snapshot);
    }
    for (const Entry &entry : ready.committed) {
        if (entry.index != m_stateMachine.appliedIndex().next()) {
            m_observer.contractBroken(id(),
                                      QStringLiteral("committed entry %1 handed out after applied %2")
                                          .arg(entry.index.value)
                                          .arg(m_stateMachine.appliedIndex().value));
            return;
        }
        m_stateMachine.apply(entry);
        m_observer.entryApplied(id(), entry, m_stateMachine.digest());
    }
    for (const ReadState &read : ready.reads) {
        if (const auto pending = m_pendingReads.find(read.requestId); pending != m_pendingReads.end())
            pending->second.index = read.index;
    }
    for (std::uint64_t failed : ready.failedReads)
        m_pendingReads.erase(failed);
    serveReads();
}

void SimNode::serveReads()
{
    for (auto read = m_pendingReads.begin(); read != m_pendingReads.end();) {
        if (read->second.index && *read->second.index <= m_stateMachine.appliedIndex()) {
            m_observer.readServed(id(), read->first, *read->second.index,
                                  m_stateMachine.read(read->second.key));
            read = m_pendingReads.erase(read);
        } else {
            ++read;
        }
    }
}

void SimNode::maybeCompact()
{
    const LogIndex applied = m_stateMachine.appliedIndex();
    if (m_snapshotInterval <= 0 ||
        distance(m_disk.snapshot.meta.index, applied) < static_cast<std::uint64_t>(m_snapshotInterval))
        return;
    // Only between advance() and the next takeReady() may the owner compact: every applied entry is
    // durable by then.
    m_core->compact(applied, m_stateMachine.serialize());
    m_disk.snapshot = m_core->log().snapshot();
    std::erase_if(m_disk.entries, [&](const Entry &entry) { return entry.index <= applied; });
}

} // namespace raftlab::sim
