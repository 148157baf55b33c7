#pragma once

// What a scenario plays on: a cluster of real processes (the app's ClusterController) or, later, a
// simulated one (engine/sim). The runner only asks through this interface, so a lesson plays the same on
// both. Every time is in the cluster's own time: real milliseconds for processes, virtual ones in a
// simulation.

#include "core/types.h"

#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace raftlab::scenario {

// One node as the target last saw it.
struct NodeView
{
    NodeId id{};
    bool running = false; // the process is up (killed: false)
    bool frozen = false; // stopped (SIGSTOP) — running, but not answering
    bool known = false; // its state came from the running process (false right after a restart)
    QString role; // follower, precandidate, candidate, leader
    std::uint64_t term = 0;
    NodeId leader{}; // whom it believes leads
    std::uint64_t snapshotIndex = 0; // the last index its snapshot covers (0: none)
    std::vector<NodeId> voters; // the configuration in force on this node (empty: none, or not known)
    std::vector<NodeId> learners;
};

// The end of one client request, classified as a history records it.
struct ClientAnswer
{
    enum class Outcome {
        Ok, // completed: a write applied (a cas possibly not swapped), a read answered
        Fail, // certainly never applied (refused before it reached a log, or its entry was replaced)
        Unknown, // may apply at any time, or never (timed out after reaching a leader, connection lost)
    };
    Outcome outcome = Outcome::Unknown;
    bool notCommitted = false; // Fail because another leader's entry took its index
    bool swapped = true; // cas: whether the comparison held
    bool found = false; // read: the key exists
    QString value; // read: its value
    QString seen; // what came back, in a few words ("200 at index 7, term 2", "503 not_committed")
};

using AnswerCallback = std::function<void(const ClientAnswer &)>;

class ScenarioTarget
{
public:
    virtual ~ScenarioTarget() = default;

    virtual std::vector<NodeView> nodes() const = 0;
    // The cluster's clock, in milliseconds from any fixed origin.
    virtual qint64 nowMs() const = 0;
    // Calls `then` once `ms` of the cluster's time have passed (0: on the next turn of the loop).
    virtual void after(int ms, std::function<void()> then) = 0;

    virtual void kill(NodeId id) = 0;
    virtual void restart(NodeId id) = 0;
    virtual void freeze(NodeId id) = 0;
    virtual void thaw(NodeId id) = 0;
    virtual void setLinkCut(NodeId a, NodeId b, bool cut) = 0;
    // Cuts what `from` sends to `to`, while `from` still hears `to` (healAll() heals it).
    virtual void setOneWayCut(NodeId from, NodeId to) = 0;
    virtual void healAll() = 0;
    // Empty once every running, unfrozen node applies the link cuts last asked of it; else which do not
    // yet. Real nodes learn their cuts by admin requests that may still be on their way when the calls
    // above return, and a client request sent next could overtake them.
    virtual QString unsettledLinks() const { return {}; }
    // nullopt: every node.
    virtual void setNetworkFaults(std::optional<NodeId> node, int delayMs, int jitterMs, double loss) = 0;
    virtual void setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs) = 0;
    virtual void transferLeadership(NodeId to) = 0;
    virtual void triggerElection(NodeId id) = 0;

    // Client requests sent to `via` (which forwards to the leader when it must).
    enum class WriteOp { Put, Delete, Cas };
    struct WriteRequest
    {
        WriteOp op = WriteOp::Put;
        QString key;
        QString value;
        std::optional<QString> ifValue; // cas
        bool ifAbsent = false; // cas
        int timeoutMs = 3000;
    };
    virtual void write(NodeId via, const WriteRequest &request, AnswerCallback done) = 0;
    virtual void read(NodeId via, const QString &key, bool local, int timeoutMs, AnswerCallback done) = 0;
    // Wipes every node's data and starts the cluster again with these protocol options.
    virtual void resetCluster(bool preVote, bool checkQuorum) = 0;
    // A steady stream of writes in the background (0: stop).
    virtual void setLoad(int ratePerSecond, NodeId via) = 0;

    // Membership changes, one server at a time (POST /admin/members). `done` is called once, when the
    // cluster answers: ok with the node added or removed, or not with why (another change in progress, a
    // cluster that cannot grow). The runner gives up on its own after the step's timeout.
    struct MembershipAnswer
    {
        bool ok = false;
        NodeId node{}; // the node added or removed
        QString text; // what the cluster answered, in a few words
    };
    using MembershipCallback = std::function<void(const MembershipAnswer &)>;
    // Starts a new node that belongs to no configuration yet and asks the cluster to add it.
    virtual void addNode(MembershipCallback done) = 0;
    virtual void removeNode(NodeId id, MembershipCallback done) = 0;

    // Empty when every running node's committed entries agree where they overlap; else why not.
    virtual QString committedLogsDisagreement() const = 0;

    // --- simulation-only steps: a cluster of processes cannot do them and says so -----------------
    struct SimulationAnswer
    {
        bool ok = false;
        QString text; // what was done, or why it cannot be
    };
    static SimulationAnswer notSimulated()
    {
        return SimulationAnswer{
            false,
            QStringLiteral("a simulation-only step: real processes cannot hold "
                           "messages or time; play it with raftlab --headless --simulate")};
    }
    // Delivers the first pending message from `from` to `to` (of `messageType` unless empty).
    virtual SimulationAnswer deliverNext(NodeId from, NodeId to, const QString &messageType)
    {
        static_cast<void>(from);
        static_cast<void>(to);
        static_cast<void>(messageType);
        return notSimulated();
    }
    // Loses every pending message of `messageType` (from / to the nodes given).
    virtual SimulationAnswer dropMessages(const QString &messageType, std::optional<NodeId> from,
                                          std::optional<NodeId> to)
    {
        static_cast<void>(messageType);
        static_cast<void>(from);
        static_cast<void>(to);
        return notSimulated();
    }
    // The node's next timer fires now (a leader's heartbeat, a follower's election timeout).
    virtual SimulationAnswer fireTimer(NodeId id)
    {
        static_cast<void>(id);
        return notSimulated();
    }
    // Whether virtual time can be let pass with after() (only a simulation has it).
    virtual SimulationAnswer canAdvanceTime() { return notSimulated(); }
};

} // namespace raftlab::scenario
