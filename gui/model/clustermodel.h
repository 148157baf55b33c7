#pragma once

#include "clusterhistory.h"
#include "logmirror.h"
#include "messagetracker.h"
#include "narration.h"
#include "nodestate.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace raftlab {

// The cluster at a glance (the status bar).
struct ClusterSummary
{
    NodeId leader{}; // the running leader of the highest term; NodeId{} when none
    Term highestTerm{};
    LogIndex leaderCommitIndex{}; // 0 without a leader
    int nodesUp = 0; // connected
    int nodesKnown = 0;
    QString fsyncMode{}; // of the nodes that reported one; "mixed" when they differ
};

// How the last frames went: for the benchmark and a debug overlay.
struct FoldStatistics
{
    quint64 eventsFolded = 0;
    quint64 eventsShed = 0; // message events dropped because the queue was full (the UI fell behind)
    quint64 frames = 0;
    qint64 lastFoldUs = 0; // wall time the last fold took
    std::size_t lastFrameEvents = 0;
};

// All nodes' event streams folded into one timeline (docs/architecture.md). NodeClients feed it events
// with ingest() (a queue push: cheap at any rate); once per frame the queue is folded into the state
// the views read, and changed() is emitted once. Views read it and never talk to nodes.
//
// Bounded: the queue, each log mirror, the messages in flight, the narration and the chart windows
// all have limits (Limits); an hour at full load costs what a minute does.
class ClusterModel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterModel)

public:
    // Microseconds on the clock of the events' t_us (CLOCK_MONOTONIC: steady_clock).
    using Clock = std::function<qint64()>;

    struct Limits
    {
        std::size_t maxPendingEvents = 200'000; // beyond it, message events are shed
        std::size_t logEntriesPerNode = 100'000;
        std::size_t narrationItems = 2000;
        qint64 historyWindowUs = 600'000'000; // 10 minutes of charts
        int frameIntervalMs = 33;
        MessageTracker::Limits messages{};
    };

    explicit ClusterModel(QObject *parent = nullptr);
    explicit ClusterModel(Limits limits, QObject *parent = nullptr);
    ~ClusterModel() override;

    // --- input (NodeClient, ClusterSupervisor, ClientPanel) ---
    void ingest(const QJsonObject &event); // queued; folded at the next frame
    // Takes effect at the next frame, in order. `quietly`: the stream's end needs no sentence (the user
    // killed the node, and the feed already says so).
    void setNodeConnected(NodeId node, bool connected, bool quietly = false);
    // The node's new process runs (its stream is not connected yet): what is sent to it from now on may
    // arrive, so it is drawn travelling, not lost. Takes effect at the next frame, in order.
    void setNodeStarting(NodeId node);
    void recordClientWrite(qint64 latencyUs, WriteOutcome outcome); // at nowUs()
    // A fault or control the user asked for: a marker on the charts (`label`, short) and one line in the
    // feed (`sentence`, or the label). The nodes' confirmations (their `faults` events) that follow
    // within actionEchoUs join that line ("… (confirmed by nodes 1, 2 and 3)") instead of adding lines:
    // one click, one sentence.
    void addFaultMarker(const QString &label, qint64 tUs, const QString &sentence = QString());
    static constexpr qint64 actionEchoUs = 2'000'000;
    void foldPending(); // folds the queue now (the frame timer calls this; tests call it directly)
    void reset(); // forgets everything: the cluster was wiped
    // Forgets node `id` and ignores whatever it (or anyone, about it) still sends: it left the cluster
    // (a committed removal) and the app no longer tracks it.
    void forgetNode(NodeId id);

    // --- time ---
    qint64 nowUs() const; // the clock of t_us; views animate dots between sentUs and now
    void setClock(Clock clock); // tests and replays: a clock that follows the recording
    qint64 latestEventUs() const { return m_latestEventUs; }

    // --- what the views read ---
    std::vector<NodeId> nodeIds() const; // ascending
    const NodeState *node(NodeId id) const; // nullptr for an unknown node
    const LogMirror *log(NodeId id) const;
    LogIndex highestLogIndex() const; // across nodes: the right edge of the aligned logs view
    const MessageTracker &messages() const { return m_messages; }
    Narration *narration() const { return m_narration; }
    const ClusterHistory &history() const { return m_history; }
    ClusterSummary summary() const { return m_summary; }
    FoldStatistics statistics() const { return m_statistics; }
    const Limits &limits() const { return m_limits; }
    std::size_t pendingCount() const { return m_pending.size(); }

Q_SIGNALS:
    void changed(); // once per frame in which anything changed
    void nodesChanged(); // a node appeared or the set was reset (before changed())

private:
    struct NodeEntry
    {
        explicit NodeEntry(NodeId id, std::size_t logCapacity);
        NodeState state;
        LogMirror log;
    };

    // A connection change travels through the queue so that it lands between the right events.
    struct Pending
    {
        QJsonObject event{};
        qint64 tUs = 0;
        enum class Kind : std::uint8_t { Event, Disconnected, Connected, Starting };
        Kind kind = Kind::Event;
        NodeId node{}; // Disconnected, Connected, Starting
        bool quietly = false; // Disconnected
    };

    // The feed line of the latest user action, while the nodes' confirmations may still join it.
    struct ActionLine
    {
        quint64 serial = 0;
        qint64 tUs = 0;
        QString sentence{};
        std::vector<NodeId> confirmedBy{};
    };

    void scheduleFrame();
    void foldEvent(const QJsonObject &event);
    void foldConnection(NodeId id, bool connected, bool quietly, qint64 tUs);
    bool joinActionLine(NodeId node, qint64 tUs); // a `faults` event confirming the latest action
    void foldLog(NodeEntry &entry, StreamEventKind kind, const QJsonObject &event);
    // Entries a node holds that the app never saw, taken from another node's mirror (Log Matching); a
    // leader's entries of its term that a follower reported first.
    void fillLogGaps();
    void narrate(StreamEventKind kind, const QJsonObject &event, const NodeState &state);
    // Whether this heartbeat is news: the first of its leader's term, or at a new rate (the speed changed).
    bool isNewHeartbeatRate(const NodeState &state);
    void stageSentence(qint64 tUs, NodeId node, const QString &type, Term term, const QString &text);
    NodeEntry &entryFor(NodeId id);
    void refreshSummary(qint64 tUs);
    static void commitAndApplyTogether(NodeState &state);

    Limits m_limits;
    Clock m_clock;
    std::vector<Pending> m_pending;
    QTimer m_frameTimer;
    std::map<NodeId, std::unique_ptr<NodeEntry>> m_nodes;
    MessageTracker m_messages;
    Narration *m_narration = nullptr; // child
    ClusterHistory m_history;
    ClusterSummary m_summary;
    FoldStatistics m_statistics;
    qint64 m_latestEventUs = 0;
    bool m_dirty = false; // something changed outside a fold (client write, marker)
    bool m_nodesAdded = false;
    std::set<NodeId> m_forgotten; // removed from the cluster: see forgetNode()
    ActionLine m_actionLine;
    // The heartbeat sentence last said for each leader: one per term and rate, however long it leads.
    struct HeartbeatRate
    {
        Term term{};
        int heartbeatMs = 0;
    };
    std::map<NodeId, HeartbeatRate> m_heartbeatsSaid;
};

} // namespace raftlab
