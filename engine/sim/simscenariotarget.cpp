#include "simscenariotarget.h"

#include "http/eventjson.h"
#include "node/kvstore.h"

#include <QCoreApplication>

namespace raftlab::sim {

namespace {

// What a user reads (errors, step descriptions), for translators under the context "SimScenarioTarget".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("SimScenarioTarget", sourceText);
}

} // namespace

using scenario::ClientAnswer;
using scenario::NodeView;

SimScenarioTarget::SimScenarioTarget(SimulatedCluster &cluster)
    : m_cluster(cluster)
{ }

void SimScenarioTarget::run(const std::function<bool()> &finished)
{
    while (!m_queue.empty() && !finished() && !m_cluster.violation()) {
        const auto first = m_queue.begin();
        const qint64 at = first->first.first;
        std::function<void()> then = std::move(first->second);
        m_queue.erase(first);
        if (at > m_cluster.nowUs())
            m_cluster.advance(at - m_cluster.nowUs());
        if (m_cluster.violation())
            return;
        then();
    }
}

std::vector<NodeView> SimScenarioTarget::nodes() const
{
    std::vector<NodeView> views;
    for (NodeId id : m_cluster.nodeIds()) {
        NodeView view;
        view.id = id;
        view.running = m_cluster.isUp(id);
        view.frozen = m_cluster.isFrozen(id);
        view.known = view.running;
        if (const RaftCore *core = m_cluster.core(id)) {
            view.role = textOf(toString(core->role()));
            view.term = core->term().value;
            view.leader = core->leader();
            view.snapshotIndex = core->log().snapshot().meta.index.value;
            view.voters = core->membership().voters;
            view.learners = core->membership().learners;
        }
        views.push_back(view);
    }
    return views;
}

qint64 SimScenarioTarget::nowMs() const
{
    return m_cluster.nowUs() / 1000;
}

void SimScenarioTarget::after(int ms, std::function<void()> then)
{
    m_queue.emplace(std::pair{m_cluster.nowUs() + qint64(std::max(ms, 0)) * 1000, m_order++},
                    std::move(then));
}

void SimScenarioTarget::kill(NodeId id)
{
    m_cluster.crash(id);
}

void SimScenarioTarget::restart(NodeId id)
{
    m_cluster.restart(id);
}

void SimScenarioTarget::freeze(NodeId id)
{
    m_cluster.freeze(id);
}

void SimScenarioTarget::thaw(NodeId id)
{
    m_cluster.thaw(id);
}

void SimScenarioTarget::setLinkCut(NodeId a, NodeId b, bool cut)
{
    // A simulated cluster heals links all at once; a scenario only ever cuts single ones.
    if (cut)
        m_cluster.cut(a, b);
    else
        m_cluster.heal();
}

void SimScenarioTarget::setOneWayCut(NodeId from, NodeId to)
{
    m_cluster.cutOneWay(from, to);
}

void SimScenarioTarget::healAll()
{
    m_cluster.heal();
}

void SimScenarioTarget::setNetworkFaults(std::optional<NodeId> node, int delayMs, int jitterMs, double loss)
{
    // Jitter is the simulation's own: each message's delay is drawn anyway; half of it is added on average.
    for (NodeId id : m_cluster.nodeIds()) {
        if (!node || *node == id)
            m_cluster.setNetFaults(id, delayMs + jitterMs / 2, loss, 0.0);
    }
}

void SimScenarioTarget::setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs)
{
    // A simulated cluster's timing is part of its configuration; slow motion is the viewer's speed.
    static_cast<void>(heartbeatMs);
    static_cast<void>(electionTimeoutMinMs);
    static_cast<void>(electionTimeoutMaxMs);
}

void SimScenarioTarget::transferLeadership(NodeId to)
{
    m_cluster.transferLeadership(to);
}

void SimScenarioTarget::triggerElection(NodeId id)
{
    m_cluster.fireTimerNow(id);
}

void SimScenarioTarget::write(NodeId via, const WriteRequest &request, scenario::AnswerCallback done)
{
    if (request.op != WriteOp::Put) {
        after(0, [done] {
            done(ClientAnswer{
                ClientAnswer::Outcome::Fail, false, true, false, {}, tr("the simulator's clients only put")});
        });
        return;
    }
    if (!m_cluster.put(via, request.key, request.value)) {
        after(0, [done] {
            done(ClientAnswer{ClientAnswer::Outcome::Fail, false, true, false, {}, tr("503 unavailable")});
        });
        return;
    }
    pollWrite(m_cluster.lastProposalIndex(), m_cluster.lastProposalTerm(),
              KvStore::encodePut(request.key.toUtf8(), request.value.toUtf8()),
              m_cluster.nowUs() + qint64(request.timeoutMs) * 1000, std::move(done));
}

void SimScenarioTarget::pollWrite(LogIndex index, Term term, QByteArray payload, qint64 deadlineUs,
                                  scenario::AnswerCallback done)
{
    if (const std::optional<QByteArray> applied = m_cluster.appliedPayload(index)) {
        const bool ours = *applied == payload;
        done(ClientAnswer{ours ? ClientAnswer::Outcome::Ok : ClientAnswer::Outcome::Fail,
                          !ours,
                          true,
                          false,
                          {},
                          ours ? tr("200 at index %1, term %2").arg(index.value).arg(term.value)
                               : tr("503 not_committed: another entry took index %1").arg(index.value)});
        return;
    }
    if (m_cluster.nowUs() >= deadlineUs) {
        done(ClientAnswer{ClientAnswer::Outcome::Unknown, false, true, false, {}, tr("503 timeout")});
        return;
    }
    after(clientPollMs, [this, index, term, payload, deadlineUs, done] {
        pollWrite(index, term, payload, deadlineUs, done);
    });
}

void SimScenarioTarget::read(NodeId via, const QString &key, bool local, int timeoutMs,
                             scenario::AnswerCallback done)
{
    if (local) {
        const bool up = m_cluster.isUp(via) && !m_cluster.isFrozen(via);
        const KvStateMachine::Value value =
            up ? m_cluster.stateMachine(via).read(key.toUtf8()) : KvStateMachine::Value{};
        const bool found = value.writtenAt.value != 0;
        const ClientAnswer answer{up ? ClientAnswer::Outcome::Ok : ClientAnswer::Outcome::Fail,
                                  false,
                                  true,
                                  found,
                                  QString::fromUtf8(value.value),
                                  !up ? tr("node %1 is down").arg(via.value)
                                      : found
                                      ? QStringLiteral("200 \"%1\"").arg(QString::fromUtf8(value.value))
                                      : tr("404 not_found")};
        after(0, [done, answer] { done(answer); });
        return;
    }
    if (!m_cluster.get(via, key)) {
        after(0, [done] {
            done(ClientAnswer{ClientAnswer::Outcome::Fail, false, true, false, {}, tr("503 unavailable")});
        });
        return;
    }
    pollRead(m_cluster.lastReadId(), m_cluster.nowUs() + qint64(timeoutMs) * 1000, std::move(done));
}

void SimScenarioTarget::pollRead(std::uint64_t readId, qint64 deadlineUs, scenario::AnswerCallback done)
{
    const SimRead result = m_cluster.readResult(readId);
    if (result.served) {
        done(ClientAnswer{ClientAnswer::Outcome::Ok, false, true, result.found, result.value,
                          result.found ? QStringLiteral("200 \"%1\"").arg(result.value)
                                       : tr("404 not_found")});
        return;
    }
    if (m_cluster.nowUs() >= deadlineUs) {
        done(ClientAnswer{ClientAnswer::Outcome::Unknown, false, true, false, {}, tr("503 timeout")});
        return;
    }
    after(clientPollMs, [this, readId, deadlineUs, done] { pollRead(readId, deadlineUs, done); });
}

void SimScenarioTarget::resetCluster(bool preVote, bool checkQuorum)
{
    // A simulated cluster is configured once; a new one is a new run.
    static_cast<void>(preVote);
    static_cast<void>(checkQuorum);
}

void SimScenarioTarget::setLoad(int ratePerSecond, NodeId via)
{
    static_cast<void>(ratePerSecond);
    static_cast<void>(via);
}

void SimScenarioTarget::addNode(MembershipCallback done)
{
    done(MembershipAnswer{false, {}, membershipRefusal(QStringLiteral("add_node"))});
}

void SimScenarioTarget::removeNode(NodeId id, MembershipCallback done)
{
    done(MembershipAnswer{false, id, membershipRefusal(QStringLiteral("remove_node"))});
}

QString SimScenarioTarget::membershipRefusal(const QString &step)
{
    return tr("%1: the step-by-step simulator's clusters keep their first members; "
              "play this scenario on real processes (raftlab --headless --scenario)")
        .arg(step);
}

QString SimScenarioTarget::committedLogsDisagreement() const
{
    // The safety checker compares every committed entry after every step; a disagreement stops the run.
    return m_cluster.violation() ? m_cluster.violation()->text : QString();
}

scenario::ScenarioTarget::SimulationAnswer SimScenarioTarget::deliverNext(NodeId from, NodeId to,
                                                                          const QString &messageType)
{
    for (const PendingEvent &event : m_cluster.pendingEvents()) {
        if (event.kind != PendingEvent::Kind::Message || event.from != from || event.to != to)
            continue;
        if (!messageType.isEmpty() && textOf(toString(event.messageType)) != messageType)
            continue;
        if (!m_cluster.deliver(event.id))
            return SimulationAnswer{false, tr("%1 cannot be delivered now").arg(event.summary)};
        return SimulationAnswer{true, event.summary};
    }
    return SimulationAnswer{false,
                            tr("no %1message from node %2 to node %3 is in flight")
                                .arg(messageType.isEmpty() ? QString() : messageType + QLatin1Char(' '))
                                .arg(from.value)
                                .arg(to.value)};
}

scenario::ScenarioTarget::SimulationAnswer SimScenarioTarget::fireTimer(NodeId id)
{
    const RaftCore *core = m_cluster.core(id);
    const bool leads = core && core->role() == Role::Leader;
    if (!m_cluster.fireTimerNow(id))
        return SimulationAnswer{false, tr("node %1 has no timer to fire (down or frozen)").arg(id.value)};
    return SimulationAnswer{true,
                            leads ? tr("node %1 sent its heartbeats").arg(id.value)
                                  : tr("node %1's election timer fired").arg(id.value)};
}

scenario::ScenarioTarget::SimulationAnswer SimScenarioTarget::dropMessages(const QString &messageType,
                                                                           std::optional<NodeId> from,
                                                                           std::optional<NodeId> to)
{
    int count = 0;
    std::optional<MessageType> type;
    for (const PendingEvent &event : m_cluster.pendingEvents()) {
        if (event.kind != PendingEvent::Kind::Message || textOf(toString(event.messageType)) != messageType)
            continue;
        type = event.messageType;
        if ((!from || event.from == *from) && (!to || event.to == *to))
            ++count;
    }
    if (type)
        m_cluster.dropMessagesOfType(*type, from.value_or(NodeId{}), to.value_or(NodeId{}));
    return SimulationAnswer{true, tr("%1 %2 dropped").arg(count).arg(messageType)};
}

} // namespace raftlab::sim
