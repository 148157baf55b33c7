#pragma once

// ClusterController: everything the app does to its cluster, in one place (docs/architecture.md). It owns
// the ClusterSupervisor (processes), one NodeClient per node (HTTP), and the ClusterModel the views read;
// the views and menus only ask it for things ("cut the link 1–3", "kill node 2", "slow motion ×20") and
// it turns each request into the signals, admin calls and fault markers that carry it out.
//
// It is also the memory of what the user asked for. A node forgets its partition and timing when it
// restarts (they live in its memory, as a real fault would), so the controller keeps the wanted cuts and
// speed and gives them to every node again as soon as its event stream is up. That way a restarted node
// comes back into the same lab conditions the user set, and "heal all" or ×1 really means all nodes.

#include "check/linearizability.h"
#include "check/safetymonitor.h"
#include "cluster/backgroundcheck.h"
#include "cluster/clustersupervisor.h"
#include "cluster/nodeclient.h"
#include "model/clustermodel.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace raftlab {

class ClientHistory;
class ClientSession;
class LoadGenerator;

// How a cluster is started: the protocol options the user can switch off to show why they exist.
struct ProtocolOptions
{
    bool preVote = true;
    bool checkQuorum = true;
};

// Slow motion for a class: timers multiplied by `factor`, and every Raft message held back so that its
// trip along a link can be watched. At ×1 the cluster runs at its configured speed with no added delay.
struct SpeedSetting
{
    int factor = 1; // 1, 5, 20, 100
    int heartbeatMs = 0;
    int electionTimeoutMinMs = 0;
    int electionTimeoutMaxMs = 0;
    int linkDelayMs = 0;

    // Scales `config`'s timers. The delay is a third of a heartbeat interval: a message is visibly on its
    // way for most of the time between two heartbeats, and a round trip (two delays) stays well inside
    // the election timeout, so slowing down never causes elections by itself.
    static SpeedSetting forFactor(int factor, const ClusterConfig &config);
    friend bool operator==(const SpeedSetting &, const SpeedSetting &) = default;
};

class ClusterController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterController)

public:
    static constexpr int speedFactors[] = {1, 5, 20, 100};

    explicit ClusterController(QObject *parent = nullptr);
    ~ClusterController() override; // shutDown()

    // The app is closing: stops listening to the nodes first (their streams ending then is no news), then
    // stops the nodes it started.
    void shutDown();

    ClusterSupervisor *supervisor() { return m_supervisor; }
    ClusterModel *model() { return m_model; }
    const ClusterModel *model() const { return m_model; }
    NodeClient *client(NodeId id) const; // nullptr for an unknown node
    QList<NodeClient *> clients() const; // by ascending id
    // Every client request of the app goes through the session and is recorded in the history.
    ClientSession *clientSession() const { return m_session; }
    ClientHistory *clientHistory() const { return m_history; }
    LoadGenerator *loadGenerator() const { return m_load; }

    // Starting: an empty string, or one sentence saying why nothing started.
    QString startLocal(int nodeCount, const QString &workspaceDir, ProtocolOptions options);
    // The same with every cluster.json setting (a lesson's timing, snapshot interval, protocol options).
    QString startLocal(int nodeCount, const QString &workspaceDir, const ClusterConfig &settings);
    QString attach(const QString &clusterFile);
    bool canControlProcesses() const { return m_supervisor->canControlProcesses(); }
    ProtocolOptions protocolOptions() const { return m_protocol; }

    // --- faults and control; each leaves a fault marker on the charts and a sentence in the feed ---
    bool kill(NodeId id);
    bool restart(NodeId id);
    bool freeze(NodeId id);
    bool thaw(NodeId id);
    void pauseAll();
    void resumeAll();
    // Cuts (or heals) the link a–b: a drops b's traffic and b drops a's (a link is cut when both ends block
    // each other).
    void setLinkCut(NodeId a, NodeId b, bool cut);
    bool isLinkCut(NodeId a, NodeId b) const; // as asked by the user (the nodes confirm via their events)
    // Cuts (or heals) only what `from` sends to `to`: `to` stops hearing `from`, `from` still hears `to`.
    void setOneWayCut(NodeId from, NodeId to, bool cut);
    bool isOneWayCut(NodeId from, NodeId to) const;
    void isolate(NodeId id); // cuts every link of `id`
    void healAll();
    // Asks the leader to hand over to `id`; without a leader, `id` starts an election instead.
    void makeLeader(NodeId id);
    void triggerElection(NodeId id); // POST /admin/timeout
    // POST /admin/net on `node` (nullopt: every node).
    void setNetworkFaults(std::optional<NodeId> node, int delayMs, int jitterMs, double loss);
    void setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs); // every node

    // --- the client history and safety ---
    // Checks the history recorded so far (engine/check) and keeps the verdict in clientHistory(), now, on
    // this thread (the headless run and tests).
    check::CheckReport checkHistory(std::chrono::milliseconds budget = std::chrono::seconds(5));
    // The same in a thread of its own, for the window: historyChecked() says when the verdict is in (a
    // verdict on a history cleared meanwhile is dropped).
    void checkHistoryInBackground(std::chrono::milliseconds budget = std::chrono::seconds(5));
    bool isCheckingHistory() const;
    // Folds one event of a node's stream into the live safety monitor (every stream is fed to it; tests
    // feed recorded ones). A violation leaves a marker on the charts and emits safetyViolated().
    void foldSafety(const QJsonObject &event);
    const std::vector<SafetyViolation> &safetyViolations() const { return m_safety.violations(); }
    // Membership changes (docs/http-api.md, POST /admin/members). addNode() starts a new node process
    // (supervisor) and asks the cluster to add it: it joins as a learner and is promoted once caught up.
    // removeNode() asks the cluster to remove `id`; once that is committed the node stops by itself, and the
    // app then forgets it (model, ring, the workspace's cluster.json).
    bool addNode() { return addNode(MembershipAnswered{}); }
    bool removeNode(NodeId id) { return removeNode(id, MembershipAnswered{}); }
    // The same, with `answered` called once the cluster answers (the node added, or 0 when none was
    // started); not called when nothing was asked (false returned, actionFailed() says why).
    using MembershipAnswered = std::function<void(NodeId id, const NodeClient::AdminResult &result)>;
    bool addNode(MembershipAnswered answered);
    bool removeNode(NodeId id, MembershipAnswered answered);
    void setSpeed(int factor);
    int speed() const { return m_speed.factor; }
    SpeedSetting speedSetting() const { return m_speed; }
    // Wipes every data dir and starts the nodes again (with `options`, which may differ from before),
    // healed and at the current speed.
    QString resetCluster(ProtocolOptions options);

    // The peers `id` should block: what the controller sends it.
    std::set<NodeId> wantedBlocks(NodeId id) const;
    std::set<NodeId> wantedOutgoingBlocks(NodeId id) const; // one-way cuts: peers `id` stops sending to

Q_SIGNALS:
    void clientsChanged(); // NodeClients were made anew (a new cluster, an attach)
    void processStateChanged(raftlab::NodeId id, raftlab::ClusterSupervisor::NodeState state);
    void speedChanged(int factor);
    // Something the user asked for could not be done: one sentence for the status bar.
    void actionFailed(const QString &message);
    // A sentence about what was just done ("Cut the link between node 1 and node 3").
    void actionDone(const QString &message);
    // A Raft safety property was broken, as the nodes' own events show.
    void safetyViolated(const raftlab::SafetyViolation &violation);
    void historyChecked(); // clientHistory() holds a new verdict

private:
    void rebuildClients();
    void addClient(const ClusterMember &member);
    // Node `id` left the cluster and its process is gone: no client, no place in the model, the ring or
    // the workspace's cluster.json.
    void forgetNode(NodeId id);
    // A running node other than `except` to send a request to (it forwards it to the leader).
    NodeClient *anyConnectedClient(NodeId except = NodeId{}) const;
    void resetSpeed(); // a new cluster runs at ×1
    void onConnectionChanged(NodeId id, bool connected);
    void sendBlocks(NodeId id);
    void sendSpeed(NodeId id);
    // A marker `label` on the charts, and `sentence` (default "You <label>.") in the feed and status bar.
    void mark(const QString &label, const QString &sentence = QString());
    void reportAdmin(NodeId id, const QString &what, const NodeClient::AdminResult &result);

    ClusterSupervisor *m_supervisor; // child
    ClusterModel *m_model; // child
    ClientHistory *m_history; // child
    ClientSession *m_session; // child
    LoadGenerator *m_load; // child
    BackgroundCheck *m_check; // child
    quint64 m_checkedGeneration = 0; // the history's generation the running background check copied
    SafetyMonitor m_safety;
    std::map<NodeId, std::unique_ptr<NodeClient>> m_clients;
    struct WantedBlocks
    {
        std::set<NodeId> both; // peers the node drops to and from
        std::set<NodeId> outgoing; // peers the node only stops sending to (one-way cuts)
    };
    std::map<NodeId, WantedBlocks> m_blocks; // wanted, per node
    // One link request in flight per node, the latest wish sent again when it returns: two requests on
    // separate connections could overtake each other and leave the node with the older set.
    struct LinkRequests
    {
        const NodeClient *client = nullptr; // the client the request went through (a new one starts afresh)
        bool inFlight = false;
        bool again = false;
    };
    std::map<NodeId, LinkRequests> m_linkRequests;
    SpeedSetting m_speed;
    ProtocolOptions m_protocol;
    std::set<NodeId> m_leaving; // removed (committed), tracked until their process ends
};

} // namespace raftlab
