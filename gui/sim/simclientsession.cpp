#include "simclientsession.h"

#include "simulationcontroller.h"

#include "core/raftcore.h"
#include "sim/kvstatemachine.h"

#include <QJsonDocument>

namespace raftlab {

namespace {

// A refusal that is certain: the write is in no log (or lost its index), as a node says with
// "outcome": "failed".
KvResult failed(const QString &error, const QString &message, std::optional<NodeId> leader = {})
{
    KvResult result;
    result.httpStatus = 503;
    result.error = error;
    result.message = message;
    result.leader = leader;
    result.json = QJsonObject{{QStringLiteral("error"), error},
                              {QStringLiteral("message"), message},
                              {QStringLiteral("outcome"), QStringLiteral("failed")}};
    if (leader)
        result.json.insert(QStringLiteral("leader"), qint64(leader->value));
    result.body = QJsonDocument(result.json).toJson(QJsonDocument::Compact);
    return result;
}

} // namespace

SimClientSession::SimClientSession(SimulationController *controller, QObject *parent)
    : ClientRequests(new ClientHistory, parent)
    , m_controller(controller)
{
    history()->setParent(this);
    history()->setClock([controller] { return controller->virtualNowUs(); });
    connect(controller, &SimulationController::changed, this, &SimClientSession::look);
    // A new run: its keys start absent, and nothing asked of the old one is answered.
    connect(controller, &SimulationController::runChanged, this, [this] {
        m_pending.clear();
        history()->clear();
    });
}

SimClientSession::~SimClientSession() = default;

NodeId SimClientSession::send(KvRequest request, NodeId target)
{
    const sim::SimulatedCluster *cluster = m_controller->cluster();
    request.anyNode = target.isNone();
    const std::optional<NodeId> leader = cluster ? cluster->leader() : std::nullopt;
    const NodeId node = target.isNone() ? leader.value_or(NodeId{}) : target;
    if (!cluster || node.isNone() || !cluster->isUp(node)) {
        Q_EMIT requestRefused(request, target);
        return {};
    }
    if (request.operation == KvOperation::Delete || request.operation == KvOperation::Cas) {
        answerAtOnce(request, node,
                     failed(QStringLiteral("not_simulated"),
                            tr("The simulated clients only put and get: try a put.")));
        return node;
    }
    const quint64 id = takeRequestId();
    Pending pending{.request = request,
                    .node = node,
                    .ticket = history()->begin(request),
                    .sentUs = m_controller->virtualNowUs()};
    Q_EMIT requestSent(id, request, node);
    const QString key = QString::fromUtf8(request.key);
    if (request.operation == KvOperation::Get && request.localRead) {
        m_pending.emplace(id, std::move(pending));
        const sim::KvStateMachine::Value value = cluster->stateMachine(node).read(request.key);
        KvResult result;
        result.httpStatus = value.writtenAt.value != 0 ? 200 : 404;
        result.body = value.value;
        if (result.httpStatus == 404)
            result.error = QStringLiteral("not_found");
        answer(id, result);
        return node;
    }
    // Only a leader takes a write or a linearizable read (a real follower would forward it).
    const RaftCore *core = cluster->core(node);
    const bool leads = core && core->role() == Role::Leader && !cluster->isFrozen(node);
    const bool sent = leads &&
        (request.operation == KvOperation::Put
             ? m_controller->putAt(node, key, QString::fromUtf8(request.value))
             : m_controller->getAt(node, key));
    if (!sent) {
        m_pending.emplace(id, std::move(pending));
        const std::optional<NodeId> known = cluster->leader();
        answer(id,
               failed(QStringLiteral("not_leader"),
                      tr("Node %1 does not lead: a client asks the leader.").arg(node.value), known));
        return node;
    }
    if (request.operation == KvOperation::Put) {
        pending.index = qint64(cluster->lastProposalIndex().value);
        pending.term = qint64(cluster->lastProposalTerm().value);
        // The command as the leader logged it: what is applied at that index is either it or another.
        pending.payload = core->log().at(LogIndex(quint64(pending.index))).payload;
    } else {
        pending.readId = cluster->lastReadId();
    }
    pending.choices = cluster->choices().size();
    m_pending.emplace(id, std::move(pending));
    look();
    return node;
}

void SimClientSession::answerAtOnce(const KvRequest &request, NodeId node, KvResult result)
{
    const quint64 id = takeRequestId();
    m_pending.emplace(id,
                      Pending{.request = request,
                              .node = node,
                              .ticket = history()->begin(request),
                              .sentUs = m_controller->virtualNowUs()});
    Q_EMIT requestSent(id, request, node);
    answer(id, std::move(result));
}

void SimClientSession::answer(quint64 id, KvResult result)
{
    const auto found = m_pending.find(id);
    if (found == m_pending.end())
        return;
    Pending pending = std::move(found->second);
    m_pending.erase(found);
    result.latencyUs = std::max<qint64>(0, m_controller->virtualNowUs() - pending.sentUs);
    history()->finish(pending.ticket, pending.request, result);
    Q_EMIT requestAnswered(id, pending.request, result, pending.node);
}

void SimClientSession::look()
{
    const sim::SimulatedCluster *cluster = m_controller->cluster();
    if (!cluster || m_pending.empty())
        return;
    std::vector<std::pair<quint64, KvResult>> answers;
    for (const auto &[id, pending] : m_pending) {
        if (cluster->choices().size() < pending.choices) {
            KvResult lost;
            lost.message =
                tr("The timeline moved back before this request: it has no answer on this branch.");
            lost.networkError = lost.message;
            answers.emplace_back(id, lost);
            continue;
        }
        if (m_controller->position() < m_controller->length())
            continue; // an earlier moment is shown: the answer comes on the way forward
        if (pending.request.operation == KvOperation::Put) {
            const std::optional<QByteArray> applied =
                cluster->appliedPayload(LogIndex(quint64(pending.index)));
            if (!applied)
                continue;
            if (*applied == pending.payload) {
                KvResult ok;
                ok.httpStatus = 200;
                ok.index = pending.index;
                ok.term = pending.term;
                answers.emplace_back(id, ok);
            } else {
                answers.emplace_back(id,
                                     failed(QStringLiteral("not_committed"),
                                            tr("Another entry took index %1.").arg(pending.index)));
            }
        } else {
            const sim::SimRead read = cluster->readResult(pending.readId);
            if (!read.served)
                continue;
            KvResult result;
            result.httpStatus = read.found ? 200 : 404;
            result.body = read.value.toUtf8();
            if (!read.found)
                result.error = QStringLiteral("not_found");
            answers.emplace_back(id, result);
        }
    }
    for (auto &[id, result] : answers)
        answer(id, std::move(result));
}

} // namespace raftlab
