#pragma once

// SimulatedCluster: the step-by-step simulator a person drives (the app, `raftlab --headless --simulate`,
// the simulation-only lessons). N real RaftCores with in-memory disks and key-value state machines,
// a network of pending messages and timers in virtual time, the faults of the real cluster, and the
// safety checker after every step. Every action is a Choice; the seed, the configuration and the
// list of choices reproduce a run exactly, so a run can be saved as a few lines of JSON, rewound to
// any step (periodic checkpoints of the whole state plus replay) and branched.
//
// It reports what happens as the same JSON objects a node streams on /events (`t_us` in virtual
// time), so whatever folds a node's stream folds a simulated cluster's too.

#include "adversary.h"
#include "kvstatemachine.h"
#include "safetychecker.h"
#include "simnode.h"

#include <QJsonObject>
#include <QString>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace raftlab::sim {

// What a simulated cluster is: its size, protocol options and timing. Times in virtual milliseconds.
struct SimulatedClusterConfig
{
    int nodes = 5;
    bool preVote = true;
    bool checkQuorum = true;
    int tickMs = 10; // one tick of every core
    int heartbeatMs = 50;
    int electionTimeoutMinMs = 150;
    int electionTimeoutMaxMs = 300;
    int delayMinMs = 2; // a message takes uniformly [delayMinMs, delayMaxMs]; each link keeps its order
    int delayMaxMs = 10;
    int snapshotEvery = 0; // applied entries between snapshots (0: never)
    int maxEntriesPerAppend = 256; // 1: each AppendEntries carries one entry, to watch them one by one
    AdversarialFault adversary = AdversarialFault::None; // a sabotage the checker must catch
    // A crash closes the node's connections, and its running peers learn it at once (raftlab-node over
    // TCP). Not saved: runs saved as version 1, from before this rule, load with it off and replay as saved.
    bool crashTellsPeers = true;

    // Empty when the configuration can run; otherwise one sentence naming the field.
    QString problem() const;
    QJsonObject toJson() const;
    // Fields absent from `json` keep their defaults. Returns an error naming the field, or empty.
    static QString fromJson(const QJsonObject &json, SimulatedClusterConfig &out);
};

using SimEventId = std::uint64_t;

// One thing that can happen next: a message in flight or a node's timer.
struct PendingEvent
{
    enum class Kind { Message, Timer };
    SimEventId id = 0; // stable while the event is pending; a re-armed timer gets a new one
    Kind kind = Kind::Message;
    NodeId from{}; // a timer: the node itself
    NodeId to{};
    MessageType messageType = MessageType::AppendEntries; // messages only
    Term term{};
    qint64 dueUs = 0; // when it happens if nothing else intervenes (virtual microseconds)
    bool held = false; // its target is frozen: it waits until it is thawed
    bool blocked = false; // its link is cut: delivering it drops it
    bool heartbeat = false; // a leader's timer: it fires by being delivered, at its time
    QString summary; // "AppendEntries 1→3 term 2: prev 4/2, 1 entry, commit 4", "node 2: election timeout"
};

// One action of whoever drives the simulation. Everything that changes a run is a Choice.
struct Choice
{
    enum class Kind {
        Step, // deliver the next pending event, `count` times
        Deliver, // deliver `event` now, whatever its place in the queue
        Drop, // lose `event`
        Duplicate, // a second copy of message `event`, due with it
        FireTimer, // `node`'s timer fires now: a follower's election timeout, a leader's heartbeat
        AdvanceTo, // let time pass up to `timeUs`, delivering everything due meanwhile
        Crash,
        Restart,
        Freeze,
        Thaw,
        Cut, // the link `node`–`peer` (only `node`→`peer` when `oneWay`)
        Heal, // every cut and partition is gone (net faults stay)
        Partition, // nodes in different `groups` cannot talk; nodes in none form one more group
        Net, // `node`'s outgoing messages: `delayMs` more, lost with `loss`, duplicated with `duplicate`
        Put, // a client asks `node` to write `key` = `value` (refused unless `node` leads)
        Get, // a linearizable read of `key` at `node`
        Transfer, // the leader hands leadership to `node`
        DropType, // lose every pending message of `messageType` (and `node` → `peer`, when given)
    };
    Kind kind = Kind::Step;
    std::uint64_t count = 1;
    SimEventId event = 0;
    NodeId node{};
    NodeId peer{};
    bool oneWay = false;
    qint64 timeUs = 0;
    std::vector<std::vector<NodeId>> groups{};
    QString key{};
    QString value{};
    int delayMs = 0;
    double loss = 0;
    double duplicate = 0;
    MessageType messageType = MessageType::AppendEntries;

    QJsonObject toJson() const;
    // Returns an error naming the field, or empty.
    static QString fromJson(const QJsonObject &json, Choice &out);
    friend bool operator==(const Choice &, const Choice &) = default;
};

// The first broken safety property.
struct Violation
{
    QString
        invariant; // "Election Safety", "Log Matching", "Leader Completeness", "State Machine Safety", ...
    QString text; // the checker's sentence
    std::vector<NodeId> nodes{}; // the nodes it names
    LogIndex index{}; // the log index it names, if any
    std::uint64_t step = 0; // the step that broke it (stepCount() right after it)
    qint64 timeUs = 0;
};

// What a client's linearizable read got, once it is served.
struct SimRead
{
    bool served = false;
    bool found = false;
    QString value;
};

class SimulatedCluster final : private SimObserver
{
public:
    SimulatedCluster(const SimulatedClusterConfig &config, std::uint64_t seed);
    ~SimulatedCluster() override;
    SimulatedCluster(const SimulatedCluster &) = delete;
    SimulatedCluster &operator=(const SimulatedCluster &) = delete;

    const SimulatedClusterConfig &config() const { return m_config; }
    std::uint64_t seed() const { return m_seed; }
    qint64 nowUs() const;
    std::uint64_t stepCount() const; // atomic steps taken: the timeline's positions are 0..stepCount()

    // --- the event stream -----------------------------------------------------------------------
    // Receives every event as it happens (never during the replay of a rewind): the objects of /events.
    using EventSink = std::function<void(const QJsonObject &event)>;
    void setEventSink(EventSink sink) { m_sink = std::move(sink); }
    // A `state` event per node: where a viewer starts, and starts again after a rewind.
    std::vector<QJsonObject> stateEvents() const;

    // --- what is pending ------------------------------------------------------------------------
    // Every message in flight and every timer, in delivery order (what step() would do first, first).
    std::vector<PendingEvent> pendingEvents() const;
    std::optional<PendingEvent> nextEvent() const;
    std::optional<PendingEvent> pendingEvent(SimEventId id) const;

    // --- the nodes ------------------------------------------------------------------------------
    std::vector<NodeId> nodeIds() const;
    bool isUp(NodeId id) const;
    bool isFrozen(NodeId id) const;
    const RaftCore *core(NodeId id) const; // nullptr while down
    const KvStateMachine &stateMachine(NodeId id) const;
    const SimDisk &disk(NodeId id) const;
    std::optional<NodeId> leader() const; // the live leader of the highest term
    Term highestTerm() const;
    bool canReach(NodeId from, NodeId to) const;
    // The command applied at `index` by any node, if one was (the checker's record).
    std::optional<QByteArray> appliedPayload(LogIndex index) const;

    // --- safety ---------------------------------------------------------------------------------
    const std::optional<Violation> &violation() const;

    // --- actions: each records a Choice; false (and nothing recorded) when it cannot be done --------
    bool apply(const Choice &choice);
    bool step();
    std::uint64_t runSteps(std::uint64_t count); // how many were taken
    bool deliver(SimEventId id);
    bool drop(SimEventId id);
    bool duplicate(SimEventId id);
    bool fireTimerNow(NodeId id); // a follower's election timeout now; a leader's next timer (heartbeat) now
    bool advance(qint64 virtualUs);
    bool crash(NodeId id);
    bool restart(NodeId id);
    bool freeze(NodeId id);
    bool thaw(NodeId id);
    bool cut(NodeId a, NodeId b);
    bool cutOneWay(NodeId from, NodeId to);
    bool heal();
    bool partition(const std::vector<std::vector<NodeId>> &groups);
    bool setNetFaults(NodeId id, int delayMs, double loss, double duplicate);
    bool put(NodeId at, const QString &key, const QString &value);
    bool get(NodeId at, const QString &key);
    bool transferLeadership(NodeId to);
    bool dropMessagesOfType(MessageType type, NodeId from = {}, NodeId to = {});

    // The last put() proposal: where it will commit if it does (index 0: none yet).
    LogIndex lastProposalIndex() const;
    Term lastProposalTerm() const;
    // The last get(): its id for readResult().
    std::uint64_t lastReadId() const;
    SimRead readResult(std::uint64_t readId) const;

    // --- history --------------------------------------------------------------------------------
    const std::vector<Choice> &choices() const { return m_choices; }
    // Back to the state right after step `step` (0: the start). The choices after it are cut off (a
    // caller that wants to return keeps its copy); acting from here makes a new branch.
    //
    // Until then the cut-off future is remembered with its checkpoints, so moving forward along it again
    // is a rewind too (the nearest checkpoint plus replay) rather than a re-simulation from here.
    bool rewindTo(std::uint64_t step);
    // Forward to step `step` of the future a rewind cut off, when `choices` is that future (the whole
    // branch, as choices() was before the rewind): false, and nothing done, otherwise — the caller then
    // applies the choices itself.
    bool forwardTo(std::uint64_t step, const std::vector<Choice> &choices);
    // Goes to the end of `choices` (another branch of this run): back to where it and the current
    // branch part, then forward along it. False (and the common part kept) if a choice cannot be done.
    bool followChoices(const std::vector<Choice> &choices);
    // A full copy of the state is kept every `steps` steps (rewinds replay at most that many).
    void setCheckpointInterval(std::uint64_t steps)
    {
        m_checkpointInterval = std::max<std::uint64_t>(1, steps);
    }

    // --- saving ---------------------------------------------------------------------------------
    // {"format":"raftlab-simulation","version":1,"seed":S,"config":{...},"choices":[...]}
    QByteArray saveRun() const;
    // A run saved by saveRun(), replayed to its end. nullptr and `error` for a bad file.
    // `sink`, when given, sees the events of the replay (a trace of the whole run).
    static std::unique_ptr<SimulatedCluster> loadRun(const QByteArray &json, QString *error,
                                                     EventSink sink = {});
    // The seed and configuration of a saved run (its format and version checked: a version 1 run, saved
    // before crashes told their peers, loads with `crashTellsPeers` off). An error sentence, or empty.
    static QString readRunHeader(const QJsonObject &run, std::uint64_t &seed, SimulatedClusterConfig &config);

private:
    struct World;
    struct Checkpoint;

    // SimObserver
    void hardStatePersisted(NodeId node, const HardState &previous, const HardState &now) override;
    void messageSent(const Message &message) override;
    void entryApplied(NodeId node, const Entry &entry, std::uint64_t digestAfter) override;
    void snapshotRestored(NodeId node, const Snapshot &snapshot) override;
    void readServed(NodeId node, std::uint64_t requestId, LogIndex readIndex,
                    const KvStateMachine::Value &value) override;
    void contractBroken(NodeId node, const QString &what) override;
    void eventsEmitted(const Events &events) override;
    void entriesPersisted(NodeId node, const Entries &entries) override;

    // Runs `choice` from `alreadyDone` of its steps until it is complete or stepCount() reaches
    // `stopAt`. Returns whether it could be done at all.
    bool execute(const Choice &choice, std::uint64_t alreadyDone, std::uint64_t stopAt);
    bool executeOnce(const Choice &choice);
    bool stepNext(qint64 notAfterUs);
    bool deliverMessage(SimEventId id, bool early);
    void fireTimer(int index);
    void dropMessage(SimEventId id, const char *reason);
    void catchUpTicks(int index, qint64 untilUs, bool inclusive);
    void afterInput(int index);
    void endStep();
    void refreshTimers();
    void startNode(int index);
    void publish(QJsonObject event);
    void publishFaults();
    QJsonObject messageJson(const char *type, NodeId node, const Message &message, SimEventId id) const;
    QString summaryOf(const Message &message) const;
    int indexOf(NodeId id) const { return static_cast<int>(id.value) - 1; }
    bool validNode(NodeId id) const { return id.value >= 1 && id.value <= std::uint32_t(m_config.nodes); }
    void saveCheckpoint();
    void restoreWorld(const World &world);
    // Moves to step `step` of the branch `m_choices` (the remembered future's, if any): the nearest
    // checkpoint before it plus replay, then the choices are cut there.
    void moveTo(std::uint64_t step);
    void forgetFuture();
    qint64 tickUs() const { return qint64(m_config.tickMs) * 1000; }

    SimulatedClusterConfig m_config;
    std::uint64_t m_seed;
    std::unique_ptr<World> m_world;
    std::unique_ptr<Adversary> m_adversary;
    std::vector<Choice> m_choices;
    std::vector<std::uint64_t> m_choiceEnds; // stepCount() at the end of each choice
    // The first m_checkpointCount are this branch's; the rest are slots of a branch left by a rewind,
    // overwritten in place (their memory reused) rather than freed, so a rewind frees nothing.
    std::vector<Checkpoint> m_checkpoints;
    std::size_t m_checkpointCount = 0;
    // The branch a rewind cut off, while no new choice was made: its choices, where each ends, and how
    // many of m_checkpoints are its (the first m_checkpointCount are shared with the present).
    std::vector<Choice> m_future;
    std::vector<std::uint64_t> m_futureEnds;
    std::size_t m_futureCheckpoints = 0;
    std::uint64_t m_checkpointInterval = 2000;
    EventSink m_sink;
    bool m_replaying = false;
    std::optional<int> m_inputNode; // the node whose input is being handled (messages are sent by it)
};

} // namespace raftlab::sim
