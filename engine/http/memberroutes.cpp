// HttpApi: POST /admin/members, single-server membership changes (docs/http-api.md). Any node takes the
// request and forwards it to the leader; the answer comes once the change is committed and applied there.
#include "eventjson.h"
#include "httpapi.h"
#include "httpresponses.h"
#include "node/raftnode.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace raftlab {

using Status = QHttpServerResponder::StatusCode;

namespace {

std::optional<NodeId> idIn(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (d < 1 || d > 1'000'000 || d != std::floor(d))
        return std::nullopt;
    return NodeId(static_cast<std::uint32_t>(d));
}

QJsonArray idArray(const std::vector<NodeId> &ids)
{
    QJsonArray array;
    for (NodeId id : ids)
        array.append(qint64(id.value));
    return array;
}

const QString usage = QStringLiteral(
    "expected {\"add\": id}, {\"add\": {\"id\": id, \"raft\": \"host:port\", \"http\": \"host:port\"}} or "
    "{\"remove\": id}");

// The change a body asks for, or an error sentence. Addresses are checked here; whether the id is
// known is the leader's to say.
QString parseChange(const QByteArray &raw, MembershipChange &out)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(raw, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return QStringLiteral("the body is not a JSON object; %1").arg(usage);
    const QJsonObject body = document.object();
    if (body.size() != 1 ||
        !(body.contains(QStringLiteral("add")) || body.contains(QStringLiteral("remove"))))
        return usage;
    if (body.contains(QStringLiteral("remove"))) {
        const std::optional<NodeId> id = idIn(body.value(QStringLiteral("remove")));
        if (!id)
            return usage;
        out = MembershipChange{.kind = MembershipChange::Kind::Remove, .id = *id};
        return QString();
    }
    const QJsonValue add = body.value(QStringLiteral("add"));
    if (const std::optional<NodeId> id = idIn(add)) {
        out = MembershipChange{.kind = MembershipChange::Kind::Add, .id = *id};
        return QString();
    }
    const QJsonObject node = add.toObject();
    const std::optional<NodeId> id = idIn(node.value(QStringLiteral("id")));
    const auto raft = parseNodeAddress(node.value(QStringLiteral("raft")).toString());
    const auto http = parseNodeAddress(node.value(QStringLiteral("http")).toString());
    if (!add.isObject() || !id || !raft || !http || node.size() != 3)
        return usage;
    out = MembershipChange{MembershipChange::Kind::Add, *id, raft->toString(), http->toString()};
    return QString();
}

PendingRequests::Answer refusal(const MembershipChangeResult &result, const MembershipChange &change)
{
    using Result = MembershipChangeResult::Status;
    const auto conflict = [](const QString &message) {
        return jsonAnswer(Status::Conflict, errorJson(QStringLiteral("change_in_progress"), message));
    };
    const auto bad = [](const QString &code, const QString &message) {
        return jsonAnswer(Status::BadRequest, errorJson(code, message));
    };
    switch (result.status) {
    case Result::ChangeInProgress:
        return conflict(QStringLiteral("another membership change is not committed yet; one at a time"));
    case Result::LeaderNotReady:
        return conflict(QStringLiteral("the new leader has not committed an entry of its term yet; retry"));
    case Result::TransferInProgress:
        return conflict(QStringLiteral("the leader is handing leadership over; retry"));
    case Result::AlreadyMember:
        return bad(QStringLiteral("duplicate_member"),
                   QStringLiteral("node %1 is already a member").arg(change.id.value));
    case Result::UnknownMember:
        return bad(QStringLiteral("unknown_member"),
                   QStringLiteral("node %1 is not a member").arg(change.id.value));
    case Result::LastVoter:
        return bad(QStringLiteral("last_member"),
                   QStringLiteral("node %1 is the only voter; removing it would stop the cluster for good")
                       .arg(change.id.value));
    case Result::InvalidId:
        return bad(QStringLiteral("bad_request"), usage);
    case Result::NotLeader:
    case Result::Accepted:
        break;
    }
    return unavailableAnswer(QStringLiteral("unavailable"), QStringLiteral("this node is not the leader"),
                             result.leader, QString());
}

} // namespace

void HttpApi::addMemberRoutes()
{
    m_adminPaths.append(QStringLiteral("/admin/members"));
    m_server.route(
        QStringLiteral("/admin/members"), QHttpServerRequest::Method::Post,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            if (!admitAdmin(request, responder))
                return;
            MembershipChange change;
            if (const QString error = parseChange(request.body(), change); !error.isEmpty()) {
                respondNow(std::move(responder), Status::BadRequest,
                           errorJson(QStringLiteral("bad_request"), error));
                return;
            }
            accept(request, std::move(responder), [this, change](const RequestPtr &self) mutable {
                if (change.kind == MembershipChange::Kind::Add && change.raftAddress.isEmpty() &&
                    !m_node->membership().contains(change.id)) {
                    // Only an id: its addresses come from what this leader knows (its cluster file, or
                    // configurations it has seen), and travel in the entry to every other node.
                    const ClusterMember *known = m_options.cluster.member(change.id);
                    if (!known) {
                        answer(self,
                               jsonAnswer(Status::BadRequest,
                                          errorJson(QStringLiteral("unknown_member"),
                                                    QStringLiteral("node %1 is not in the cluster file; "
                                                                   "give its addresses: {\"add\": {\"id\": "
                                                                   "%1, \"raft\": \"host:port\", \"http\": "
                                                                   "\"host:port\"}}")
                                                        .arg(change.id.value))));
                        return;
                    }
                    change.raftAddress = known->raft.toString();
                    change.httpAddress = known->http.toString();
                }
                m_node->changeMembership(
                    change,
                    [this, self, change](const MembershipChangeResult &result, const WriteOutcome *outcome) {
                        if (!outcome) {
                            answer(self, refusal(result, change));
                            return;
                        }
                        if (outcome->status != WriteOutcome::Status::Applied) {
                            answer(
                                self,
                                unavailableAnswer(QStringLiteral("not_committed"),
                                                  QStringLiteral("a newer leader replaced the change; retry"),
                                                  m_node->leader(), QString()));
                            return;
                        }
                        const Membership membership = m_node->membershipAt(outcome->index);
                        answer(self,
                               jsonAnswer(
                                   Status::Ok,
                                   QJsonObject{{QStringLiteral("index"), qint64(outcome->index.value)},
                                               {QStringLiteral("term"), qint64(outcome->term.value)},
                                               {QStringLiteral("members"), idArray(membership.voters)},
                                               {QStringLiteral("learners"), idArray(membership.learners)}}));
                    });
            });
        });
}

} // namespace raftlab
