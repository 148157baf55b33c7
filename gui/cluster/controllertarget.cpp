#include "controllertarget.h"

#include "cluster/clientsession.h"
#include "cluster/clustercontroller.h"
#include "model/clienthistory.h"

#include <QTimer>

#include <set>

namespace raftlab {

using scenario::ClientAnswer;

namespace {

QString describe(const NodeClient::KvResult &result)
{
    if (result.httpStatus == 0)
        return result.networkError.isEmpty() ? result.message : result.networkError;
    if (result.ok() && result.index)
        return ControllerTarget::tr("%1 at index %2, term %3")
            .arg(result.httpStatus)
            .arg(*result.index)
            .arg(*result.term);
    if (!result.error.isEmpty())
        return ControllerTarget::tr("%1 %2").arg(result.httpStatus).arg(result.error);
    return QString::number(result.httpStatus);
}

ClientAnswer answer(ClientAnswer::Outcome outcome, const NodeClient::KvResult &result)
{
    ClientAnswer answer;
    answer.outcome = outcome;
    answer.seen = describe(result);
    return answer;
}

// A request for a node the cluster does not have never left: it certainly did nothing.
ClientAnswer noSuchNode(NodeId id)
{
    ClientAnswer refused;
    refused.outcome = ClientAnswer::Outcome::Fail;
    refused.seen = ControllerTarget::tr("no node %1").arg(id.value);
    return refused;
}

} // namespace

ClientAnswer classifyWrite(const NodeClient::KvResult &result)
{
    // The history's classification decides; a cas is the only write a 412 can answer.
    const HistoryOutcome outcome = classifyAnswer(KvRequest{.operation = KvOperation::Cas}, result);
    switch (outcome.result) {
    case check::OpResult::Ok: {
        ClientAnswer done = answer(ClientAnswer::Outcome::Ok, result);
        done.swapped = outcome.swapped.value_or(true);
        return done;
    }
    case check::OpResult::Fail: {
        ClientAnswer failed = answer(ClientAnswer::Outcome::Fail, result);
        failed.notCommitted = result.error == QLatin1String("not_committed");
        return failed;
    }
    case check::OpResult::Unknown:
        break;
    }
    return answer(ClientAnswer::Outcome::Unknown, result);
}

ClientAnswer classifyRead(const NodeClient::KvResult &result)
{
    if (result.ok()) {
        ClientAnswer found = answer(ClientAnswer::Outcome::Ok, result);
        found.found = true;
        found.value = QString::fromUtf8(result.body);
        found.seen = ControllerTarget::tr("%1 \"%2\"").arg(result.httpStatus).arg(found.value);
        return found;
    }
    if (result.httpStatus == 404 && result.error == QLatin1String("not_found"))
        return answer(ClientAnswer::Outcome::Ok, result);
    // A read that did not complete changed nothing: it simply failed.
    return answer(ClientAnswer::Outcome::Fail, result);
}

ControllerTarget::ControllerTarget(ClusterController *controller, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_loadTimer(new QTimer(this))
{
    m_clock.start();
    connect(m_loadTimer, &QTimer::timeout, this, &ControllerTarget::sendLoadWrite);
}

std::vector<scenario::NodeView> ControllerTarget::nodes() const
{
    std::vector<scenario::NodeView> views;
    const ClusterModel *model = m_controller->model();
    for (NodeId id : model->nodeIds()) {
        scenario::NodeView view;
        view.id = id;
        const ClusterSupervisor::NodeState process = m_controller->supervisor()->nodeState(id);
        view.running = process == ClusterSupervisor::NodeState::Running ||
            process == ClusterSupervisor::NodeState::Frozen ||
            process == ClusterSupervisor::NodeState::External;
        view.frozen = process == ClusterSupervisor::NodeState::Frozen;
        if (const NodeState *state = model->node(id); state && view.running) {
            view.known = state->connected && state->hasStatus;
            view.role = QString::fromLatin1(toString(state->role).data());
            view.term = state->term.value;
            view.leader = state->leader;
            view.snapshotIndex = state->snapshotIndex.value;
            view.voters = state->members;
            view.learners = state->learners;
        }
        views.push_back(view);
    }
    return views;
}

void ControllerTarget::after(int ms, std::function<void()> then)
{
    QTimer::singleShot(ms, this, std::move(then));
}

void ControllerTarget::kill(NodeId id)
{
    m_controller->kill(id);
}

void ControllerTarget::restart(NodeId id)
{
    m_controller->restart(id);
}

void ControllerTarget::freeze(NodeId id)
{
    m_controller->freeze(id);
}

void ControllerTarget::thaw(NodeId id)
{
    m_controller->thaw(id);
}

void ControllerTarget::setLinkCut(NodeId a, NodeId b, bool cut)
{
    m_controller->setLinkCut(a, b, cut);
}

void ControllerTarget::setOneWayCut(NodeId from, NodeId to)
{
    m_controller->setOneWayCut(from, to, true);
}

void ControllerTarget::healAll()
{
    m_controller->healAll();
}

void ControllerTarget::setNetworkFaults(std::optional<NodeId> node, int delayMs, int jitterMs, double loss)
{
    m_controller->setNetworkFaults(node, delayMs, jitterMs, loss);
}

void ControllerTarget::setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs)
{
    m_controller->setTiming(heartbeatMs, electionTimeoutMinMs, electionTimeoutMaxMs);
}

void ControllerTarget::transferLeadership(NodeId to)
{
    m_controller->makeLeader(to);
}

void ControllerTarget::triggerElection(NodeId id)
{
    m_controller->triggerElection(id);
}

void ControllerTarget::write(NodeId via, const WriteRequest &request, scenario::AnswerCallback done)
{
    if (via.isNone() || !m_controller->client(via)) {
        done(noSuchNode(via));
        return;
    }
    KvRequest kv{
        .key = request.key.toUtf8(), .value = request.value.toUtf8(), .timeoutMs = request.timeoutMs};
    kv.source = KvSource::Scenario;
    switch (request.op) {
    case WriteOp::Put:
        kv.operation = KvOperation::Put;
        break;
    case WriteOp::Delete:
        kv.operation = KvOperation::Delete;
        break;
    case WriteOp::Cas:
        kv.operation = KvOperation::Cas;
        kv.expected = request.ifValue ? std::optional<QByteArray>(request.ifValue->toUtf8()) : std::nullopt;
        break;
    }
    if (m_controller->clientSession()
            ->send(kv, via, [done](const KvResult &result) { done(classifyWrite(result)); })
            .isNone())
        done(noSuchNode(via));
}

void ControllerTarget::read(NodeId via, const QString &key, bool local, int timeoutMs,
                            scenario::AnswerCallback done)
{
    if (via.isNone() || !m_controller->client(via)) {
        done(noSuchNode(via));
        return;
    }
    KvRequest kv{
        .operation = KvOperation::Get, .key = key.toUtf8(), .localRead = local, .timeoutMs = timeoutMs};
    kv.source = KvSource::Scenario;
    if (m_controller->clientSession()
            ->send(kv, via, [done](const KvResult &result) { done(classifyRead(result)); })
            .isNone())
        done(noSuchNode(via));
}

void ControllerTarget::resetCluster(bool preVote, bool checkQuorum)
{
    m_controller->resetCluster(ProtocolOptions{preVote, checkQuorum});
}

namespace {

// The cluster's answer to POST /admin/members, in the runner's terms. `done` is the sentence for a
// change that was made, with %1 for the node and %2 for the index of its configuration entry.
scenario::ScenarioTarget::MembershipAnswer membershipAnswer(NodeId id, const NodeClient::AdminResult &result,
                                                            const QString &done)
{
    scenario::ScenarioTarget::MembershipAnswer answer;
    answer.ok = result.ok;
    answer.node = id;
    answer.text = result.ok ? done.arg(id.value).arg(result.json.value(u"index").toInteger())
                            : QStringLiteral("%1 %2").arg(result.httpStatus).arg(result.message);
    return answer;
}

} // namespace

void ControllerTarget::addNode(MembershipCallback done)
{
    // A refusal before anything is asked comes as actionFailed(): catch its sentence for the step.
    QString refusal;
    const QMetaObject::Connection caught = connect(m_controller, &ClusterController::actionFailed, this,
                                                   [&refusal](const QString &message) { refusal = message; });
    const bool asked = m_controller->addNode([done](NodeId id, const NodeClient::AdminResult &result) {
        done(membershipAnswer(id, result, tr("node %1 added at index %2")));
    });
    disconnect(caught);
    if (!asked)
        done(MembershipAnswer{false, {}, refusal});
}

void ControllerTarget::removeNode(NodeId id, MembershipCallback done)
{
    QString refusal;
    const QMetaObject::Connection caught = connect(m_controller, &ClusterController::actionFailed, this,
                                                   [&refusal](const QString &message) { refusal = message; });
    const bool asked =
        m_controller->removeNode(id, [done](NodeId removed, const NodeClient::AdminResult &result) {
            done(membershipAnswer(removed, result, tr("node %1 removed at index %2")));
        });
    disconnect(caught);
    if (!asked)
        done(MembershipAnswer{false, id, refusal});
}

void ControllerTarget::setLoad(int ratePerSecond, NodeId via)
{
    m_loadVia = via;
    if (ratePerSecond <= 0) {
        m_loadTimer->stop();
        return;
    }
    m_loadTimer->start(std::max(1, 1000 / ratePerSecond));
}

void ControllerTarget::sendLoadWrite()
{
    if (m_loadVia.isNone() || !m_controller->client(m_loadVia))
        return;
    ++m_loadSent;
    KvRequest kv{.operation = KvOperation::Put,
                 .key = QByteArrayLiteral("load-") + QByteArray::number(m_loadSent % 100),
                 .value = QByteArray::number(m_loadSent)};
    kv.source = KvSource::Scenario;
    m_controller->clientSession()->send(kv, m_loadVia);
}

QString ControllerTarget::committedLogsDisagreement() const
{
    // Compare every pair of running nodes over the committed entries both mirror.
    const ClusterModel *model = m_controller->model();
    const std::vector<scenario::NodeView> views = nodes();
    for (std::size_t i = 0; i < views.size(); ++i) {
        const LogMirror *a = views[i].running ? model->log(views[i].id) : nullptr;
        for (std::size_t j = i + 1; a && j < views.size(); ++j) {
            const LogMirror *b = views[j].running ? model->log(views[j].id) : nullptr;
            if (!b)
                continue;
            const LogIndex from = std::max(a->firstMirroredIndex(), b->firstMirroredIndex());
            const LogIndex to = std::min(a->commitIndex(), b->commitIndex());
            for (LogIndex index = from; index <= to && index.value > 0; index = LogIndex(index.value + 1)) {
                const LogCell *x = a->entry(index);
                const LogCell *y = b->entry(index);
                if (x && y && (x->term != y->term || x->command != y->command))
                    return ControllerTarget::tr("nodes %1 and %2 committed different entries at index %3")
                        .arg(views[i].id.value)
                        .arg(views[j].id.value)
                        .arg(index.value);
            }
        }
    }
    return {};
}

QString ControllerTarget::unsettledLinks() const
{
    // What each node last reported of its links (its faults events) against what it was asked.
    const auto asSet = [](const std::vector<NodeId> &ids) {
        return std::set<NodeId>(ids.begin(), ids.end());
    };
    QStringList waiting;
    for (const scenario::NodeView &view : nodes()) {
        if (!view.running || view.frozen)
            continue; // a frozen node applies its links when it is thawed
        const NodeState *state = m_controller->model()->node(view.id);
        if (!state || !state->connected ||
            asSet(state->blockedPeers) != m_controller->wantedBlocks(view.id) ||
            asSet(state->outgoingBlockedPeers) != m_controller->wantedOutgoingBlocks(view.id))
            waiting << QString::number(view.id.value);
    }
    return waiting.isEmpty() ? QString()
                             : ControllerTarget::tr("nodes %1 have not applied their link cuts yet")
                                   .arg(waiting.join(QStringLiteral(", ")));
}

} // namespace raftlab
