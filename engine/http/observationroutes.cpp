// HttpApi: /status, /metrics, /events, and the wiring of node and transport signals into them.
#include "eventjson.h"
#include "httpapi.h"
#include "httplistener.h"
#include "httpresponses.h"
#include "net/tcptransport.h"
#include "node/raftnode.h"
#include "writerelay.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace raftlab {

using Status = QHttpServerResponder::StatusCode;

namespace {

// As /status names it for `followers`.
const char *progressStateName(ProgressState state)
{
    return state == ProgressState::Probe    ? "probe"
        : state == ProgressState::Replicate ? "replicate"
                                            : "snapshot";
}

} // namespace

QJsonObject HttpApi::statusJson() const
{
    const CoreStatus core = m_node->coreStatus();
    // The configuration in force on this node (the last one in its log), not the cluster file's.
    const Membership &membership = m_node->membership();
    QJsonArray members;
    for (NodeId id : membership.voters)
        members.append(qint64(id.value));
    QJsonArray learners;
    for (NodeId id : membership.learners)
        learners.append(qint64(id.value));
    QJsonArray blocked;
    for (NodeId peer : m_node->transport()->blockedPeers())
        blocked.append(qint64(peer.value));
    QJsonArray outgoingBlocked;
    for (NodeId peer : m_node->transport()->outgoingBlockedPeers())
        outgoingBlocked.append(qint64(peer.value));
    QJsonArray followers;
    for (const FollowerStatus &follower : core.followers) {
        const char *state = progressStateName(follower.state);
        followers.append(QJsonObject{{QStringLiteral("id"), qint64(follower.id.value)},
                                     {QStringLiteral("match_index"), qint64(follower.matchIndex.value)},
                                     {QStringLiteral("next_index"), qint64(follower.nextIndex.value)},
                                     {QStringLiteral("state"), QLatin1String(state)},
                                     {QStringLiteral("recently_active"), follower.recentlyActive}});
    }
    const NetworkFaults &faults = m_node->transport()->faults();
    const auto [electionMin, electionMax] = m_node->electionTimeoutMs();
    const ClusterMember *self = m_options.cluster.member(m_node->id());
    return QJsonObject{
        {QStringLiteral("id"), qint64(core.id.value)},
        {QStringLiteral("cluster"), m_options.cluster.name},
        {QStringLiteral("role"), textOf(toString(core.role))},
        {QStringLiteral("term"), qint64(core.term.value)},
        {QStringLiteral("voted_for"), idOrNull(core.votedFor)},
        {QStringLiteral("leader_id"), idOrNull(core.leader)},
        {QStringLiteral("commit_index"), qint64(core.commitIndex.value)},
        {QStringLiteral("last_applied"), qint64(m_node->store().appliedIndex().value)},
        {QStringLiteral("last_log_index"), qint64(core.lastIndex.value)},
        {QStringLiteral("last_log_term"), qint64(core.lastTerm.value)},
        {QStringLiteral("first_log_index"), qint64(core.firstIndex.value)},
        {QStringLiteral("snapshot_index"), qint64(core.snapshot.index.value)},
        {QStringLiteral("members"), members},
        {QStringLiteral("learners"), learners},
        {QStringLiteral("config_index"), qint64(membership.index.value)},
        {QStringLiteral("blocked_peers"), blocked},
        {QStringLiteral("outgoing_blocked_peers"), outgoingBlocked},
        {QStringLiteral("followers"), followers},
        {QStringLiteral("keys"), qint64(m_node->store().size())},
        {QStringLiteral("fsync"),
         m_options.fsyncEnabled ? QStringLiteral("always") : QStringLiteral("never")},
        {QStringLiteral("storage_error"),
         m_node->storageFailure().isEmpty() ? QJsonValue() : QJsonValue(m_node->storageFailure())},
        {QStringLiteral("heartbeat_ms"), m_node->heartbeatMs()},
        {QStringLiteral("election_timeout_ms"), QJsonArray{electionMin, electionMax}},
        {QStringLiteral("election_elapsed_ms"), core.electionElapsedTicks * m_node->settings().tickMs},
        {QStringLiteral("election_deadline_ms"), core.electionTimeoutTicks * m_node->settings().tickMs},
        {QStringLiteral("prevote"), m_node->settings().core.preVote},
        {QStringLiteral("check_quorum"), m_node->settings().core.checkQuorum},
        {QStringLiteral("net"),
         QJsonObject{{QStringLiteral("delay_ms"), faults.delayMs},
                     {QStringLiteral("jitter_ms"), faults.jitterMs},
                     {QStringLiteral("loss"), faults.loss}}},
        {QStringLiteral("raft"), self ? self->raft.toString() : QString()},
        {QStringLiteral("http"), self ? self->http.toString() : QString()},
        {QStringLiteral("pid"), qint64(QCoreApplication::applicationPid())},
    };
}

void HttpApi::addObservationRoutes()
{
    m_server.route(QStringLiteral("/status"), QHttpServerRequest::Method::Get,
                   [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                       respondNow(std::move(responder), Status::Ok, statusJson());
                   });
    m_server.route(
        QStringLiteral("/metrics"), QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
            const CoreStatus core = m_node->coreStatus();
            Metrics metrics = m_metrics;
            metrics.relayedWrites = m_relay->relayedTotal();
            metrics.droppedSubscribers = m_events.droppedSubscribers();
            for (const auto &[error, count] : m_listener->refusals())
                metrics.refusedRequests[QString::fromLatin1(error)] += count;
            const std::map<QString, double> gauges{
                {QStringLiteral("role"), double(static_cast<int>(core.role))},
                {QStringLiteral("is_leader"), core.role == Role::Leader ? 1.0 : 0.0},
                {QStringLiteral("term"), double(core.term.value)},
                {QStringLiteral("commit_index"), double(core.commitIndex.value)},
                {QStringLiteral("applied_index"), double(m_node->store().appliedIndex().value)},
                {QStringLiteral("last_log_index"), double(core.lastIndex.value)},
                {QStringLiteral("keys"), double(m_node->store().size())},
                {QStringLiteral("event_subscribers"), double(m_events.subscriberCount())},
                {QStringLiteral("http_connections"), double(m_listener->connectionCount())},
                {QStringLiteral("pending_http_requests"), double(m_pending.size())},
                {QStringLiteral("storage_failed"), m_node->storageFailure().isEmpty() ? 0.0 : 1.0}};
            responder.write(metrics.render(gauges), "text/plain; version=0.0.4; charset=utf-8");
        });
    m_server.route(QStringLiteral("/events"), QHttpServerRequest::Method::Get,
                   [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                       if (m_events.isFull()) {
                           ++m_metrics.refusedRequests[QStringLiteral("too_many_subscribers")];
                           respondNow(std::move(responder), Status::ServiceUnavailable,
                                      errorJson(QStringLiteral("too_many_subscribers"),
                                                QStringLiteral("this node streams its events to at most %1 "
                                                               "subscribers at a time")
                                                    .arg(m_events.maxSubscribers())));
                           return;
                       }
                       QJsonObject state = statusJson();
                       state.insert(QStringLiteral("type"), QStringLiteral("state"));
                       state.insert(QStringLiteral("node"), qint64(m_node->id().value));
                       state.insert(QStringLiteral("t_us"), RaftNode::monotonicMicroseconds());
                       m_events.subscribe(std::move(responder), state);
                   });
}

void HttpApi::publish(const QJsonObject &event)
{
    m_events.publish(event);
}

void HttpApi::publishFaults(const QString &text)
{
    if (m_events.subscriberCount() == 0)
        return;
    const QJsonObject status = statusJson();
    QJsonObject event{{QStringLiteral("type"), QStringLiteral("faults")},
                      {QStringLiteral("node"), qint64(m_node->id().value)},
                      {QStringLiteral("term"), qint64(m_node->term().value)},
                      {QStringLiteral("t_us"), RaftNode::monotonicMicroseconds()},
                      {QStringLiteral("text"), text}};
    for (const char *key :
         {"blocked_peers", "outgoing_blocked_peers", "net", "heartbeat_ms", "election_timeout_ms"})
        event.insert(QLatin1String(key), status.value(QLatin1String(key)));
    publish(event);
}

void HttpApi::trackRole()
{
    const NodeId leader = m_node->leader();
    if (leader != m_lastLeader && !leader.isNone())
        ++m_metrics.leaderChanges;
    m_lastLeader = leader;
    retryWaitingForLeader();
}

void HttpApi::wireEvents()
{
    connect(m_node, &RaftNode::membershipChanged, this, [this](const Membership &membership) {
        // Addresses of members added with theirs: to forward to them and name them in /status.
        for (const MemberAddress &address : membership.addresses) {
            const auto raft = parseNodeAddress(address.raft);
            const auto http = parseNodeAddress(address.http);
            if (raft && http && !m_options.cluster.member(address.id))
                m_options.cluster.members.push_back(ClusterMember{address.id, *raft, *http});
        }
    });
    connect(m_node, &RaftNode::coreEvent, this, [this](const Event &event, qint64 timeUs) {
        if (event.type == EventType::RoleChanged) {
            if (event.role == Role::Candidate)
                ++m_metrics.elections;
            trackRole();
        }
        if (event.type == EventType::TimerReset)
            return; // published with its deadline by electionTimerReset
        if (m_events.hasSubscribers())
            publish(coreEventJson(event, timeUs));
    });
    connect(m_node, &RaftNode::electionTimerReset, this, [this](qint64 deadlineUs, qint64 timeUs) {
        if (!m_events.hasSubscribers())
            return;
        publish(QJsonObject{{QStringLiteral("type"), QStringLiteral("timer")},
                            {QStringLiteral("node"), qint64(m_node->id().value)},
                            {QStringLiteral("term"), qint64(m_node->term().value)},
                            {QStringLiteral("t_us"), timeUs},
                            {QStringLiteral("deadline_us"), deadlineUs}});
    });
    connect(m_node, &RaftNode::entriesAppended, this, [this](const Entries &entries, qint64 timeUs) {
        if (!m_events.hasSubscribers())
            return;
        QJsonObject json = entriesJson(entries);
        json.insert(QStringLiteral("type"), QStringLiteral("append"));
        json.insert(QStringLiteral("node"), qint64(m_node->id().value));
        json.insert(QStringLiteral("term"), qint64(m_node->term().value));
        json.insert(QStringLiteral("t_us"), timeUs);
        publish(json);
    });
    connect(m_node, &RaftNode::entriesApplied, this, [this](const Entries &entries, qint64 timeUs) {
        m_metrics.entriesCommitted += entries.size();
        if (!m_events.hasSubscribers())
            return;
        publish(QJsonObject{{QStringLiteral("type"), QStringLiteral("apply")},
                            {QStringLiteral("node"), qint64(m_node->id().value)},
                            {QStringLiteral("term"), qint64(m_node->term().value)},
                            {QStringLiteral("t_us"), timeUs},
                            {QStringLiteral("first"), qint64(entries.front().index.value)},
                            {QStringLiteral("last"), qint64(entries.back().index.value)}});
    });
    connect(m_node, &RaftNode::readyPersisted, this,
            [this](qint64 durationUs, std::size_t) { m_metrics.fsync.observeMicroseconds(durationUs); });

    TcpTransport *transport = m_node->transport();
    const NodeId self = m_node->id();
    connect(
        transport, &TcpTransport::messageSent, this, [this, self](const Message &message, quint64 traceId) {
            ++m_metrics.messagesSent[message.type];
            if (!m_events.hasSubscribers())
                return;
            QJsonObject json =
                messageEventJson("send", self, message, traceId, RaftNode::monotonicMicroseconds());
            // The leader's own view of this follower once the message left (as in /status `followers`):
            // a viewer shows nextIndex, matchIndex and the replication state the leader really holds.
            if (message.type == MessageType::AppendEntries || message.type == MessageType::Heartbeat ||
                message.type == MessageType::InstallSnapshot) {
                for (const FollowerStatus &follower : m_node->coreStatus().followers) {
                    if (follower.id != message.to)
                        continue;
                    json.insert(QStringLiteral("next_index"), qint64(follower.nextIndex.value));
                    json.insert(QStringLiteral("match_index"), qint64(follower.matchIndex.value));
                    json.insert(QStringLiteral("progress"), QLatin1String(progressStateName(follower.state)));
                }
            }
            publish(json);
        });
    connect(transport, &TcpTransport::messageReceived, this,
            [this, self](const Message &message, quint64 traceId) {
                ++m_metrics.messagesReceived[message.type];
                if (m_events.hasSubscribers())
                    publish(
                        messageEventJson("recv", self, message, traceId, RaftNode::monotonicMicroseconds()));
            });
    connect(transport, &TcpTransport::messageDropped, this,
            [this, self](const Message &message, quint64 traceId, DropReason reason, Direction direction) {
                ++m_metrics.messagesDropped[QString::fromLatin1(toString(reason))];
                if (!m_events.hasSubscribers())
                    return;
                QJsonObject json =
                    messageEventJson("drop", self, message, traceId, RaftNode::monotonicMicroseconds());
                json.insert(QStringLiteral("reason"), QString::fromLatin1(toString(reason)));
                json.insert(QStringLiteral("direction"),
                            direction == Direction::Outgoing ? QStringLiteral("outgoing")
                                                             : QStringLiteral("incoming"));
                publish(json);
            });
}

} // namespace raftlab
