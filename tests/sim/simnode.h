#pragma once

#include "kvstatemachine.h"

#include "core/raftcore.h"

#include <QString>

#include <map>
#include <memory>

namespace raftlab::sim {

// What a node's stable storage holds: what survives a crash. Entries are contiguous after the snapshot.
struct SimDisk
{
    HardState hardState{};
    Snapshot snapshot{};
    Entries entries{};

    LogIndex lastIndex() const { return snapshot.meta.index + entries.size(); }
};

// Where a crash may interrupt the handling of one Ready, to model a process dying mid-way. The Ready's
// `messages` (those that may leave before persistence) have left at every point.
enum class CrashPoint {
    None,
    BeforePersist, // nothing of the Ready is durable
    MidPersist, // the term/vote record, the truncation, the snapshot and half the entries are durable
    BeforeSend, // all durable, advance() never called, none of `messagesAfterPersist` sent
    MidSend, // some of `messagesAfterPersist` left, the rest did not
    BeforeApply, // everything sent, nothing applied
};

// What a node reports to whoever runs the simulation, as it happens.
class SimObserver
{
public:
    virtual ~SimObserver() = default;
    virtual void hardStatePersisted(NodeId node, const HardState &previous, const HardState &now) = 0;
    virtual void messageSent(const Message &message) = 0;
    virtual void entryApplied(NodeId node, const Entry &entry, std::uint64_t digestAfter) = 0;
    virtual void snapshotRestored(NodeId node, const Snapshot &snapshot) = 0;
    virtual void readServed(NodeId node, std::uint64_t requestId, LogIndex readIndex,
                            const KvStateMachine::Value &value) = 0;
    // The owner side found the core breaking its own contract (a Ready that cannot be carried out).
    virtual void contractBroken(NodeId node, const QString &what) = 0;
    // Every decision of the core, in order (for tracing a failing seed).
    virtual void eventsEmitted(const Events &events) = 0;
};

// One simulated server: a RaftCore, the disk it persists to, and the state machine it applies to.
// It follows the Ready contract of ready.h literally and in raftlab-node's order (send `messages`,
// persist, advance(), send `messagesAfterPersist`, apply), so the simulation checks the core as a real
// owner drives it. A crash drops everything but the disk; a restart rebuilds the core from it.
class SimNode
{
public:
    SimNode(CoreConfig config, SimObserver &observer);

    NodeId id() const { return m_config.id; }
    bool isUp() const { return m_core != nullptr; }
    RaftCore &core() { return *m_core; }
    const RaftCore &core() const { return *m_core; }
    const SimDisk &disk() const { return m_disk; }
    // For faults that damage what a node stored while it was down (adversarial test doubles).
    SimDisk &disk() { return m_disk; }
    const KvStateMachine &stateMachine() const { return m_stateMachine; }
    CoreConfig &config() { return m_config; }
    int incarnation() const { return m_incarnation; }

    // Every `entries` applied entries the node snapshots its state machine and compacts (0: never).
    void setSnapshotInterval(int entries) { m_snapshotInterval = entries; }

    // Builds a fresh core from what the disk holds (first boot or recovery).
    void start(std::uint64_t coreSeed);
    // Loses the core, the state machine and pending reads; the disk stays.
    void crash();
    // The disk refuses every write from now on, as raftlab-node's storage failure: the Ready in flight
    // never becomes durable (its `messages` may have left), and the core leaves the protocol
    // (RaftCore::halt()). The node stays up, inert, until it crashes; a restart finds the disk as it was.
    void failDisk();
    bool hasDiskFailed() const { return isUp() && m_core->isHalted(); }

    bool hasReady() const { return isUp() && !m_inFlight && m_core->hasReady(); }
    // One takeReady() / persist / advance() / send / apply round. Returns false if it crashed.
    bool handleReady(CrashPoint crashAt);
    // The same round split in two, as raftlab-node runs it: takeReady() and `messages` sent now, the disk
    // write done later while the core keeps taking input (and what takeMessagesToSendNow() releases
    // leaves meanwhile).
    void beginReady();
    bool completeReady(CrashPoint crashAt);
    bool hasReadyInFlight() const { return m_inFlight.has_value(); }
    void sendEarlyMessages();

    // A ReadIndex request for `key`; the value is reported through readServed() once it is safe.
    ReadIndexResult requestRead(std::uint64_t requestId, const QByteArray &key);

private:
    void persist(const Ready &ready, bool halfOfEntries);
    void persistEntries(const Entries &entries, std::size_t count);
    void apply(const Ready &ready);
    void checkReceivedSnapshot(const ReceivedSnapshot &received);
    void serveReads();
    void maybeCompact();

    CoreConfig m_config;
    SimObserver &m_observer;
    SimDisk m_disk;
    std::unique_ptr<RaftCore> m_core;
    std::optional<Ready> m_inFlight; // taken, not yet persisted
    KvStateMachine m_stateMachine;
    int m_snapshotInterval = 0;
    int m_incarnation = 0;

    struct PendingRead
    {
        QByteArray key{};
        std::optional<LogIndex> index{}; // known once the leader confirmed it
    };
    std::map<std::uint64_t, PendingRead> m_pendingReads;
};

} // namespace raftlab::sim
