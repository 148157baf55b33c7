// HttpApi: fault injection and control (docs/http-api.md). Loopback clients only, unless
// the node was started with --admin-token: then any client presenting "Authorization: Bearer <token>".
#include "eventjson.h"
#include "httpapi.h"
#include "httpresponses.h"
#include "net/tcptransport.h"
#include "node/raftnode.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <set>

namespace raftlab {

using Status = QHttpServerResponder::StatusCode;

namespace {

// The body as a JSON object, or an error sentence.
QString parseObject(const QByteArray &body, QJsonObject &out)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return QStringLiteral("the body is not JSON: %1 at byte %2")
            .arg(error.errorString())
            .arg(error.offset);
    if (!document.isObject())
        return QStringLiteral("the body must be a JSON object");
    out = document.object();
    return QString();
}

std::optional<int> intIn(const QJsonValue &value, int min, int max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    // The range first: converting a double beyond qint64 (1e300) to an integer is undefined behaviour.
    if (d < min || d > max || d != std::floor(d))
        return std::nullopt;
    return static_cast<int>(d);
}

QJsonArray idArray(const std::set<NodeId> &ids)
{
    QJsonArray array;
    for (NodeId id : ids)
        array.append(qint64(id.value));
    return array;
}

QString idList(const std::set<NodeId> &ids)
{
    QStringList names;
    for (NodeId id : ids)
        names << QString::number(id.value);
    return QStringLiteral("node%1 %2")
        .arg(ids.size() == 1 ? QString() : QStringLiteral("s"))
        .arg(names.join(QStringLiteral(", ")));
}

// "Node 2 now drops all Raft traffic to and from nodes 1, 3; it sends nothing to node 4 but still
// hears it." / "... exchanges Raft messages with every peer."
QString peersSentence(NodeId self, const std::set<NodeId> &blocked, const std::set<NodeId> &outgoing)
{
    if (blocked.empty() && outgoing.empty())
        return QStringLiteral("Node %1 now exchanges Raft messages with every peer.").arg(self.value);
    QStringList parts;
    if (!blocked.empty())
        parts << QStringLiteral("drops all Raft traffic to and from %1").arg(idList(blocked));
    if (!outgoing.empty())
        parts << QStringLiteral("sends nothing to %1 but still hears %2")
                     .arg(idList(outgoing),
                          outgoing.size() == 1 ? QStringLiteral("it") : QStringLiteral("them"));
    return QStringLiteral("Node %1 now %2.").arg(self.value).arg(parts.join(QStringLiteral("; it ")));
}

void respondBadRequest(QHttpServerResponder &&responder, const QString &message)
{
    respondNow(std::move(responder), Status::BadRequest, errorJson(QStringLiteral("bad_request"), message));
}

} // namespace

bool HttpApi::adminAllowed(const QHttpServerRequest &request) const
{
    if (request.remoteAddress().isLoopback())
        return true;
    return !m_options.adminToken.isEmpty() &&
        request.value("Authorization") == QByteArray("Bearer ") + m_options.adminToken.toUtf8();
}

bool HttpApi::admitAdmin(const QHttpServerRequest &request, QHttpServerResponder &responder) const
{
    if (adminAllowed(request))
        return true;
    respondNow(std::move(responder), Status::Forbidden,
               errorJson(QStringLiteral("forbidden"),
                         QStringLiteral("admin routes answer loopback clients, or "
                                        "clients with the node's admin token")));
    return false;
}

void HttpApi::addAdminRoute(const QString &path, AdminHandler handler)
{
    m_adminPaths.append(path);
    m_server.route(path, QHttpServerRequest::Method::Post,
                   [this, handler](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                       if (!admitAdmin(request, responder))
                           return;
                       QJsonObject body;
                       const QByteArray raw = request.body().trimmed();
                       if (!raw.isEmpty()) {
                           if (const QString error = parseObject(raw, body); !error.isEmpty())
                               return respondBadRequest(std::move(responder), error);
                       }
                       (this->*handler)(body, std::move(responder));
                   });
}

void HttpApi::addAdminRoutes()
{
    addAdminRoute(QStringLiteral("/admin/partition"), &HttpApi::blockPeers);
    addAdminRoute(QStringLiteral("/admin/net"), &HttpApi::setNetworkFaults);
    addAdminRoute(QStringLiteral("/admin/timing"), &HttpApi::setTimers);
    addAdminRoute(QStringLiteral("/admin/transfer"), &HttpApi::transferLeadership);
    addAdminRoute(QStringLiteral("/admin/timeout"), &HttpApi::startElection);
}

// {"peers": [ids]} cuts both ways; {"outgoing": [ids]} (optional) only what this node sends to them.
void HttpApi::blockPeers(const QJsonObject &body, QHttpServerResponder &&responder)
{
    const QJsonValue outgoingValue = body.value(QStringLiteral("outgoing"));
    if (!body.value(QStringLiteral("peers")).isArray() ||
        (body.contains(QStringLiteral("outgoing")) && !outgoingValue.isArray()))
        return respondBadRequest(std::move(responder),
                                 QStringLiteral("expected {\"peers\": [ids], \"outgoing\": [ids]}"));
    const auto peerSet = [this](const QJsonArray &array) -> std::optional<std::set<NodeId>> {
        std::set<NodeId> peers;
        for (const QJsonValue &value : array) {
            const std::optional<int> id = intIn(value, 1, 1'000'000);
            if (!id || !m_options.cluster.member(NodeId(std::uint32_t(*id))) ||
                NodeId(std::uint32_t(*id)) == m_node->id())
                return std::nullopt;
            peers.insert(NodeId(std::uint32_t(*id)));
        }
        return peers;
    };
    const auto peers = peerSet(body.value(QStringLiteral("peers")).toArray());
    const auto outgoing = peerSet(outgoingValue.toArray());
    if (!peers || !outgoing)
        return respondBadRequest(std::move(responder),
                                 QStringLiteral("peers must be ids of other members of the cluster"));
    m_node->transport()->setBlockedPeers(*peers);
    m_node->transport()->setOutgoingBlockedPeers(*outgoing);
    publishFaults(peersSentence(m_node->id(), *peers, *outgoing));
    respondNow(std::move(responder), Status::Ok,
               QJsonObject{{QStringLiteral("blocked_peers"), idArray(*peers)},
                           {QStringLiteral("outgoing_blocked_peers"), idArray(*outgoing)}});
}

void HttpApi::setNetworkFaults(const QJsonObject &body, QHttpServerResponder &&responder)
{
    NetworkFaults faults;
    const auto delay = intIn(body.value(QStringLiteral("delay_ms")), 0, 60'000);
    const auto jitter = intIn(body.value(QStringLiteral("jitter_ms")), 0, 60'000);
    const QJsonValue loss = body.value(QStringLiteral("loss"));
    if ((body.contains(QStringLiteral("delay_ms")) && !delay) ||
        (body.contains(QStringLiteral("jitter_ms")) && !jitter) ||
        (body.contains(QStringLiteral("loss")) &&
         (!loss.isDouble() || loss.toDouble() < 0 || loss.toDouble() > 1)))
        return respondBadRequest(
            std::move(responder),
            QStringLiteral("expected {\"delay_ms\": 0..60000, \"jitter_ms\": 0..60000, \"loss\": 0..1}"));
    faults.delayMs = delay.value_or(0);
    faults.jitterMs = jitter.value_or(0);
    faults.loss = loss.toDouble(0);
    m_node->transport()->setFaults(faults);
    publishFaults(QStringLiteral("Node %1 now delays its outgoing messages by %2 ms (jitter %3 ms) and "
                                 "loses %4% of them.")
                      .arg(m_node->id().value)
                      .arg(faults.delayMs)
                      .arg(faults.jitterMs)
                      .arg(faults.loss * 100.0, 0, 'g', 3));
    respondNow(std::move(responder), Status::Ok,
               QJsonObject{{QStringLiteral("delay_ms"), faults.delayMs},
                           {QStringLiteral("jitter_ms"), faults.jitterMs},
                           {QStringLiteral("loss"), faults.loss}});
}

void HttpApi::setTimers(const QJsonObject &body, QHttpServerResponder &&responder)
{
    const auto heartbeat = intIn(body.value(QStringLiteral("heartbeat_ms")), 1, 3'600'000);
    const QJsonArray range = body.value(QStringLiteral("election_timeout_ms")).toArray();
    const int min = range.size() == 2 ? intIn(range[0], 1, 3'600'000).value_or(0) : 0;
    const int max = range.size() == 2 ? intIn(range[1], 1, 3'600'000).value_or(0) : 0;
    if (!heartbeat || min == 0 || max == 0 || min >= max || *heartbeat >= min ||
        !m_node->setTiming(*heartbeat, min, max))
        return respondBadRequest(
            std::move(responder),
            QStringLiteral("expected {\"heartbeat_ms\": H, \"election_timeout_ms\": [MIN, MAX]} with "
                           "H < MIN < MAX, at least one %1 ms tick apart")
                .arg(m_node->settings().tickMs));
    const auto [appliedMin, appliedMax] = m_node->electionTimeoutMs();
    publishFaults(QStringLiteral("Node %1 now sends heartbeats every %2 ms and times out elections after "
                                 "%3–%4 ms.")
                      .arg(m_node->id().value)
                      .arg(m_node->heartbeatMs())
                      .arg(appliedMin)
                      .arg(appliedMax));
    respondNow(std::move(responder), Status::Ok,
               QJsonObject{{QStringLiteral("heartbeat_ms"), m_node->heartbeatMs()},
                           {QStringLiteral("election_timeout_ms"), QJsonArray{appliedMin, appliedMax}}});
}

void HttpApi::transferLeadership(const QJsonObject &body, QHttpServerResponder &&responder)
{
    const auto to = intIn(body.value(QStringLiteral("to")), 1, 1'000'000);
    if (!to)
        return respondBadRequest(std::move(responder), QStringLiteral("expected {\"to\": id}"));
    const TransferResult result = m_node->transferLeadership(NodeId(std::uint32_t(*to)));
    const auto status = [to](const QString &status) {
        return QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("to"), *to}};
    };
    switch (result.status) {
    case TransferResult::Status::Started:
        return respondNow(std::move(responder), Status::Ok, status(QStringLiteral("started")));
    case TransferResult::Status::AlreadyLeader:
        return respondNow(std::move(responder), Status::Ok, status(QStringLiteral("already_leader")));
    case TransferResult::Status::UnknownTarget:
        return respondBadRequest(std::move(responder),
                                 QStringLiteral("node %1 is not a member of the cluster").arg(*to));
    case TransferResult::Status::NotLeader: {
        QJsonObject error = errorJson(QStringLiteral("not_leader"),
                                      QStringLiteral("only the leader can hand over leadership; ask it"));
        error.insert(QStringLiteral("leader"), idOrNull(result.leader));
        return respondNow(std::move(responder), Status::Conflict, error);
    }
    }
}

void HttpApi::startElection(const QJsonObject &, QHttpServerResponder &&responder)
{
    const bool wasLeader = m_node->role() == Role::Leader;
    if (!wasLeader)
        m_node->campaignNow();
    respondNow(
        std::move(responder), Status::Ok,
        QJsonObject{{QStringLiteral("status"),
                     wasLeader ? QStringLiteral("already_leader") : QStringLiteral("election_started")}});
}

} // namespace raftlab
