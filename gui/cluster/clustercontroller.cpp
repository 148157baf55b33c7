#include "clustercontroller.h"

#include "cluster/clientsession.h"
#include "cluster/loadgenerator.h"
#include "model/clienthistory.h"
#include "model/sentences.h"

#include <QJsonValue>
#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcController, "raftlab.gui.controller")

namespace raftlab {

SpeedSetting SpeedSetting::forFactor(int factor, const ClusterConfig &config)
{
    factor = std::clamp(factor, 1, 1000);
    SpeedSetting speed;
    speed.factor = factor;
    speed.heartbeatMs = config.heartbeatMs * factor;
    speed.electionTimeoutMinMs = config.electionTimeoutMs.minMs * factor;
    speed.electionTimeoutMaxMs = config.electionTimeoutMs.maxMs * factor;
    speed.linkDelayMs = factor == 1 ? 0 : speed.heartbeatMs / 3;
    return speed;
}

ClusterController::ClusterController(QObject *parent)
    : QObject(parent)
    , m_supervisor(new ClusterSupervisor(this))
    , m_model(new ClusterModel(this))
    , m_history(new ClientHistory(this))
    , m_session(new ClientSession(m_model, m_history, this))
    , m_load(new LoadGenerator(m_model, m_session, this))
    , m_check(new BackgroundCheck(this))
{
    connect(m_check, &BackgroundCheck::finished, this,
            [this](const check::CheckReport &report, qsizetype operations) {
                if (m_checkedGeneration != m_history->generation())
                    return; // the history was cleared while it was checked
                m_history->setReport(report, operations);
                Q_EMIT historyChecked();
            });
    connect(m_supervisor, &ClusterSupervisor::configChanged, this, &ClusterController::rebuildClients);
    connect(m_supervisor, &ClusterSupervisor::nodeStateChanged, this,
            [this](NodeId id, ClusterSupervisor::NodeState state) {
                // The process is gone now; its stream's end may be noticed a little later. Killed is
                // always the user's doing (kill, restart, reset): the action's own line says it.
                if (state == ClusterSupervisor::NodeState::Killed ||
                    state == ClusterSupervisor::NodeState::Exited)
                    m_model->setNodeConnected(id, false, state == ClusterSupervisor::NodeState::Killed);
                else if (state == ClusterSupervisor::NodeState::Starting)
                    m_model->setNodeStarting(id);
                Q_EMIT processStateChanged(id, state);
                if (m_leaving.contains(id) &&
                    (state == ClusterSupervisor::NodeState::Killed ||
                     state == ClusterSupervisor::NodeState::Exited))
                    QTimer::singleShot(0, this,
                                       [this, id] { forgetNode(id); }); // after the supervisor's turn
            });
}

void ClusterController::forgetNode(NodeId id)
{
    if (!m_supervisor->nodeIds().contains(id))
        return; // already forgotten, or a new cluster meanwhile
    m_leaving.erase(id);
    m_clients.erase(id);
    m_session->setClients(clients());
    m_model->forgetNode(id);
    if (const QString error = m_supervisor->forgetNode(id); !error.isEmpty())
        Q_EMIT actionFailed(error);
    Q_EMIT clientsChanged();
    Q_EMIT actionDone(tr("Node %1 left the cluster: no longer shown.").arg(id.value));
}

ClusterController::~ClusterController()
{
    shutDown();
}

void ClusterController::shutDown()
{
    // Clients first: their streams would report every node's death as it is killed.
    for (const auto &[id, client] : m_clients)
        client->stop();
    m_supervisor->stopAll();
}

NodeClient *ClusterController::client(NodeId id) const
{
    const auto found = m_clients.find(id);
    return found == m_clients.end() ? nullptr : found->second.get();
}

QList<NodeClient *> ClusterController::clients() const
{
    QList<NodeClient *> all;
    for (const auto &[id, client] : m_clients)
        all.append(client.get());
    return all;
}

QString ClusterController::startLocal(int nodeCount, const QString &workspaceDir, ProtocolOptions options)
{
    ClusterConfig settings;
    settings.preVote = options.preVote;
    settings.checkQuorum = options.checkQuorum;
    return startLocal(nodeCount, workspaceDir, settings);
}

QString ClusterController::startLocal(int nodeCount, const QString &workspaceDir,
                                      const ClusterConfig &settings)
{
    m_protocol = ProtocolOptions{settings.preVote, settings.checkQuorum};
    m_blocks.clear();
    const QString error = m_supervisor->startLocalCluster(nodeCount, workspaceDir, settings);
    if (error.isEmpty())
        resetSpeed();
    return error;
}

QString ClusterController::attach(const QString &clusterFile)
{
    m_blocks.clear();
    const QString error = m_supervisor->attach(clusterFile);
    if (error.isEmpty()) {
        m_protocol = {m_supervisor->config().preVote, m_supervisor->config().checkQuorum};
        resetSpeed();
    }
    return error;
}

void ClusterController::resetSpeed()
{
    m_speed = SpeedSetting::forFactor(1, m_supervisor->config());
    for (const auto &[id, client] : m_clients)
        client->setTimeScale(1);
}

void ClusterController::rebuildClients()
{
    m_clients.clear();
    m_model->reset();
    m_history->clear();
    m_safety = SafetyMonitor();
    for (const ClusterMember &member : m_supervisor->config().members)
        addClient(member);
    Q_EMIT clientsChanged();
}

void ClusterController::addClient(const ClusterMember &member)
{
    auto client = std::make_unique<NodeClient>(member.id, member.http);
    client->setTimeScale(m_speed.factor);
    const NodeId id = member.id;
    connect(client.get(), &NodeClient::eventReceived, m_model, &ClusterModel::ingest);
    connect(client.get(), &NodeClient::eventReceived, this, &ClusterController::foldSafety);
    connect(client.get(), &NodeClient::connectionChanged, this,
            [this, id](bool connected) { onConnectionChanged(id, connected); });
    client->start();
    m_clients[id] = std::move(client);
    m_session->setClients(clients());
}

NodeClient *ClusterController::anyConnectedClient(NodeId except) const
{
    for (const auto &[id, client] : m_clients) {
        if (id != except && client->isConnected())
            return client.get();
    }
    return nullptr;
}

bool ClusterController::addNode(MembershipAnswered answered)
{
    NodeClient *via = anyConnectedClient();
    if (!via) {
        Q_EMIT actionFailed(tr("No node answers: nobody could add a node."));
        return false;
    }
    NodeId id;
    if (const QString error = m_supervisor->addNode(id); !error.isEmpty()) {
        Q_EMIT actionFailed(error);
        return false;
    }
    const ClusterMember *member = m_supervisor->config().member(id);
    addClient(*member);
    Q_EMIT clientsChanged();
    mark(tr("add node %1").arg(id.value),
         tr("You started node %1 and asked the cluster to add it: it joins as a learner, and becomes a voter "
            "once it has caught up with the log.")
             .arg(id.value));
    const QJsonObject body{{QStringLiteral("add"),
                            QJsonObject{{QStringLiteral("id"), qint64(id.value)},
                                        {QStringLiteral("raft"), member->raft.toString()},
                                        {QStringLiteral("http"), member->http.toString()}}}};
    via->changeMembership(body, [this, id, answered](const NodeClient::AdminResult &result) {
        if (result.ok)
            Q_EMIT actionDone(tr("Node %1 is in the configuration (committed).").arg(id.value));
        else
            Q_EMIT actionFailed(tr("Adding node %1 failed: %2").arg(id.value).arg(result.message));
        if (answered)
            answered(id, result);
    });
    return true;
}

bool ClusterController::removeNode(NodeId id, MembershipAnswered answered)
{
    NodeClient *via = anyConnectedClient(id);
    if (!via)
        via = client(id);
    if (!via) {
        Q_EMIT actionFailed(tr("No node answers: nobody could remove node %1.").arg(id.value));
        return false;
    }
    mark(tr("remove node %1").arg(id.value),
         tr("You asked the cluster to remove node %1 from its configuration.").arg(id.value));
    via->changeMembership(
        QJsonObject{{QStringLiteral("remove"), qint64(id.value)}},
        [this, id, answered](const NodeClient::AdminResult &result) {
            if (result.ok) {
                Q_EMIT actionDone(tr("Node %1 left the configuration (committed).").arg(id.value));
                // It stops once it knows (docs/cli.md); the app stops tracking it then. One that is not
                // running any more is forgotten at once.
                const ClusterSupervisor::NodeState process = m_supervisor->nodeState(id);
                if (process == ClusterSupervisor::NodeState::Killed ||
                    process == ClusterSupervisor::NodeState::Exited)
                    QTimer::singleShot(0, this,
                                       [this, id] { forgetNode(id); }); // not inside a client's answer
                else
                    m_leaving.insert(id);
            } else {
                Q_EMIT actionFailed(tr("Removing node %1 failed: %2").arg(id.value).arg(result.message));
            }
            if (answered)
                answered(id, result);
        });
    return true;
}

void ClusterController::onConnectionChanged(NodeId id, bool connected)
{
    m_model->setNodeConnected(id, connected);
    if (!connected)
        return;
    // A node that (re)connects may have restarted with the file's settings: give it the lab's again.
    if (!wantedBlocks(id).empty())
        sendBlocks(id);
    if (m_speed.factor != 1)
        sendSpeed(id);
}

// ---------------------------------------------------------------------------------------------
// Processes.

bool ClusterController::kill(NodeId id)
{
    if (!m_supervisor->kill(id))
        return false;
    mark(ClusterController::tr("killed node %1").arg(id.value));
    return true;
}

bool ClusterController::restart(NodeId id)
{
    if (!m_supervisor->restart(id))
        return false;
    mark(ClusterController::tr("restarted node %1").arg(id.value));
    return true;
}

bool ClusterController::freeze(NodeId id)
{
    if (!m_supervisor->freeze(id))
        return false;
    mark(ClusterController::tr("froze node %1").arg(id.value));
    return true;
}

bool ClusterController::thaw(NodeId id)
{
    if (!m_supervisor->thaw(id))
        return false;
    mark(ClusterController::tr("thawed node %1").arg(id.value));
    return true;
}

void ClusterController::pauseAll()
{
    if (!canControlProcesses())
        return;
    m_supervisor->pauseAll();
    mark(ClusterController::tr("paused all nodes"));
}

void ClusterController::resumeAll()
{
    if (!canControlProcesses())
        return;
    m_supervisor->resumeAll();
    mark(ClusterController::tr("resumed all nodes"));
}

QString ClusterController::resetCluster(ProtocolOptions options)
{
    if (!canControlProcesses())
        return ClusterController::tr("an attached cluster cannot be reset from here");
    if (const QString error = m_supervisor->setProtocolOptions(options.preVote, options.checkQuorum);
        !error.isEmpty())
        return error;
    m_protocol = options;
    m_blocks.clear();
    const QString error = m_supervisor->resetCluster();
    if (error.isEmpty()) {
        m_model->reset();
        m_history->clear(); // the keys start absent again
        m_safety = SafetyMonitor(); // new logs, new terms
        mark(ClusterController::tr("reset the cluster (PreVote %1, CheckQuorum %2)")
                 .arg(options.preVote ? u"on" : u"off", options.checkQuorum ? u"on" : u"off"));
    }
    return error;
}

// ---------------------------------------------------------------------------------------------
// Links.

std::set<NodeId> ClusterController::wantedBlocks(NodeId id) const
{
    const auto found = m_blocks.find(id);
    return found == m_blocks.end() ? std::set<NodeId>{} : found->second.both;
}

std::set<NodeId> ClusterController::wantedOutgoingBlocks(NodeId id) const
{
    const auto found = m_blocks.find(id);
    return found == m_blocks.end() ? std::set<NodeId>{} : found->second.outgoing;
}

bool ClusterController::isLinkCut(NodeId a, NodeId b) const
{
    return wantedBlocks(a).contains(b) && wantedBlocks(b).contains(a);
}

void ClusterController::setLinkCut(NodeId a, NodeId b, bool cut)
{
    if (a == b || !client(a) || !client(b))
        return;
    for (const auto &[from, to] : {std::pair{a, b}, std::pair{b, a}}) {
        if (cut) {
            m_blocks[from].both.insert(to);
        } else {
            m_blocks[from].both.erase(to);
            m_blocks[from].outgoing.erase(to); // healing a link heals its one-way cuts too
        }
        sendBlocks(from);
    }
    mark((cut ? tr("cut the link %1–%2") : tr("healed the link %1–%2")).arg(a.value).arg(b.value));
}

bool ClusterController::isOneWayCut(NodeId from, NodeId to) const
{
    const auto found = m_blocks.find(from);
    return found != m_blocks.end() && found->second.outgoing.contains(to);
}

void ClusterController::setOneWayCut(NodeId from, NodeId to, bool cut)
{
    if (from == to || !client(from) || !client(to))
        return;
    if (cut)
        m_blocks[from].outgoing.insert(to);
    else
        m_blocks[from].outgoing.erase(to);
    sendBlocks(from);
    mark((cut ? tr("cut the link %1→%2 one way") : tr("healed the link %1→%2 one way"))
             .arg(from.value)
             .arg(to.value));
}

void ClusterController::isolate(NodeId id)
{
    if (!client(id))
        return;
    for (const auto &[peer, peerClient] : m_clients) {
        if (peer == id)
            continue;
        m_blocks[id].both.insert(peer);
        m_blocks[peer].both.insert(id);
        sendBlocks(peer);
    }
    sendBlocks(id);
    mark(ClusterController::tr("isolated node %1").arg(id.value));
}

void ClusterController::healAll()
{
    m_blocks.clear();
    for (const auto &[id, client] : m_clients)
        sendBlocks(id);
    mark(ClusterController::tr("healed all links"));
}

void ClusterController::sendBlocks(NodeId id)
{
    NodeClient *node = client(id);
    if (!node)
        return;
    LinkRequests &requests = m_linkRequests[id];
    if (requests.client == node && requests.inFlight) {
        requests.again = true;
        return;
    }
    requests = LinkRequests{.client = node, .inFlight = true, .again = false};
    const auto found = m_blocks.find(id);
    const WantedBlocks wanted = found == m_blocks.end() ? WantedBlocks{} : found->second;
    node->partition(QList<NodeId>(wanted.both.begin(), wanted.both.end()),
                    QList<NodeId>(wanted.outgoing.begin(), wanted.outgoing.end()),
                    [this, id, node](const NodeClient::AdminResult &result) {
                        reportAdmin(id, ClusterController::tr("change its links"), result);
                        LinkRequests &requests = m_linkRequests[id];
                        if (requests.client != node)
                            return; // a newer client took over
                        requests.inFlight = false;
                        if (std::exchange(requests.again, false))
                            sendBlocks(id);
                    });
}

// ---------------------------------------------------------------------------------------------
// Leadership and time.

void ClusterController::makeLeader(NodeId id)
{
    const NodeId leader = m_model->summary().leader;
    if (leader == id) {
        Q_EMIT actionDone(ClusterController::tr("Node %1 leads already.").arg(id.value));
        return;
    }
    NodeClient *leaderClient = client(leader);
    if (!leaderClient) {
        // Nobody leads (or we do not know who): the closest thing to "make it leader" is to make it run.
        triggerElection(id);
        return;
    }
    mark(
        ClusterController::tr("asked node %1 to hand leadership to node %2").arg(leader.value).arg(id.value));
    leaderClient->transferLeadership(id, [this, leader](const NodeClient::AdminResult &result) {
        reportAdmin(leader, ClusterController::tr("hand over leadership"), result);
    });
}

void ClusterController::triggerElection(NodeId id)
{
    NodeClient *node = client(id);
    if (!node)
        return;
    mark(ClusterController::tr("fired node %1's election timer").arg(id.value));
    node->triggerTimeout([this, id](const NodeClient::AdminResult &result) {
        reportAdmin(id, ClusterController::tr("start an election"), result);
    });
}

void ClusterController::setSpeed(int factor)
{
    const SpeedSetting speed = SpeedSetting::forFactor(factor, m_supervisor->config());
    if (speed == m_speed)
        return;
    m_speed = speed;
    for (const auto &[id, client] : m_clients) {
        client->setTimeScale(speed.factor); // a client's waits are as slow as the cluster's timers
        // A node that is down takes the speed when it is back (onConnectionChanged()): telling it now
        // would only report that it does not answer.
        if (client->isConnected())
            sendSpeed(id);
    }
    const QString timers =
        tr("heartbeats every %1, election timeouts %2–%3")
            .arg(Sentences::duration(speed.heartbeatMs), Sentences::duration(speed.electionTimeoutMinMs),
                 Sentences::duration(speed.electionTimeoutMaxMs));
    if (speed.factor == 1)
        mark(tr("normal speed"),
             tr("You set the cluster back to real time: %1, no added delay.").arg(timers));
    else
        mark(tr("slow motion ×%1").arg(speed.factor),
             tr("You slowed the cluster down ×%1: %2, every message held %3.")
                 .arg(speed.factor)
                 .arg(timers, Sentences::duration(speed.linkDelayMs)));
    Q_EMIT speedChanged(speed.factor);
}

void ClusterController::sendSpeed(NodeId id)
{
    NodeClient *node = client(id);
    if (!node)
        return;
    node->setTiming(m_speed.heartbeatMs, m_speed.electionTimeoutMinMs, m_speed.electionTimeoutMaxMs,
                    [this, id](const NodeClient::AdminResult &result) {
                        reportAdmin(id, ClusterController::tr("change its timers"), result);
                    });
    node->setNetworkFaults(m_speed.linkDelayMs, 0, 0.0, [this, id](const NodeClient::AdminResult &result) {
        reportAdmin(id, ClusterController::tr("delay its messages"), result);
    });
}

// ---------------------------------------------------------------------------------------------

void ClusterController::setNetworkFaults(std::optional<NodeId> node, int delayMs, int jitterMs, double loss)
{
    for (const auto &[id, client] : m_clients) {
        if (node && id != *node)
            continue;
        const NodeId target = id;
        client->setNetworkFaults(
            delayMs, jitterMs, loss, [this, target](const NodeClient::AdminResult &result) {
                reportAdmin(target, tr("change the network of node %1").arg(target.value), result);
            });
    }
    const QString who = node ? tr("node %1").arg(node->value) : tr("every node");
    if (delayMs == 0 && jitterMs == 0 && loss == 0)
        mark(tr("cleared the network faults of %1").arg(who));
    else if (loss >= 1.0 && delayMs == 0)
        mark(tr("cut %1 one way").arg(who),
             tr("You cut every link leaving %1 one way: it still hears its peers, but none hears it.")
                 .arg(who));
    else
        mark(tr("slowed %1").arg(who),
             tr("You made %1 delay its messages by %2 ms (jitter %3 ms) and lose %4% of them.")
                 .arg(who)
                 .arg(delayMs)
                 .arg(jitterMs)
                 .arg(loss * 100.0, 0, 'g', 3));
}

void ClusterController::setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs)
{
    for (const auto &[id, client] : m_clients) {
        const NodeId target = id;
        client->setTiming(heartbeatMs, electionTimeoutMinMs, electionTimeoutMaxMs,
                          [this, target](const NodeClient::AdminResult &result) {
                              reportAdmin(target, tr("change the timers of node %1").arg(target.value),
                                          result);
                          });
    }
    mark(tr("set the timers to heartbeat %1 ms, election timeout %2–%3 ms")
             .arg(heartbeatMs)
             .arg(electionTimeoutMinMs)
             .arg(electionTimeoutMaxMs));
}

check::CheckReport ClusterController::checkHistory(std::chrono::milliseconds budget)
{
    check::CheckOptions options;
    options.budget = budget;
    options.shrinkBudget = budget;
    const check::History &history = m_history->history();
    const check::CheckReport report = check::checkLinearizability(history, options);
    m_history->setReport(report, history.size());
    Q_EMIT historyChecked();
    return report;
}

void ClusterController::checkHistoryInBackground(std::chrono::milliseconds budget)
{
    check::CheckOptions options;
    options.budget = budget;
    options.shrinkBudget = budget;
    m_checkedGeneration = m_history->generation();
    m_check->start(m_history->history(), options);
}

bool ClusterController::isCheckingHistory() const
{
    return m_check->isRunning();
}

void ClusterController::foldSafety(const QJsonObject &event)
{
    if (const std::optional<SafetyViolation> violation = m_safety.fold(event)) {
        m_model->addFaultMarker(tr("safety violated"), m_model->nowUs(),
                                tr("Safety violated: %1").arg(violation->text));
        Q_EMIT safetyViolated(*violation);
    }
}

void ClusterController::mark(const QString &label, const QString &sentence)
{
    // One line in the feed per action; the nodes' confirmations join it there.
    const QString said = sentence.isEmpty() ? tr("You %1.").arg(label) : sentence;
    m_model->addFaultMarker(label, m_model->nowUs(), said);
    Q_EMIT actionDone(said);
}

void ClusterController::reportAdmin(NodeId id, const QString &what, const NodeClient::AdminResult &result)
{
    if (result.ok)
        return;
    // A node that is down cannot take the change now; it gets it when it reconnects.
    const QString message =
        ClusterController::tr("Node %1 could not %2: %3").arg(id.value).arg(what, result.message);
    qCInfo(lcController).noquote() << message;
    Q_EMIT actionFailed(message);
}

} // namespace raftlab
