#include "simulation.h"

#include <QtGlobal>

#include <algorithm>

#include <utility>

namespace raftlab::sim {

Simulation::Simulation(const SimConfig &config, std::uint64_t seed)
    : m_config(config)
    , m_seed(seed)
    , m_random(seed)
    , m_network(m_random.next())
    , m_checker(config.nodeCount)
    , m_adversary(makeAdversary(config.adversary))
{
    m_network.setFaults(config.faults);
    m_trace = qEnvironmentVariableIntValue("RAFTLAB_SIM_TRACE") != 0;
    std::vector<NodeId> members;
    for (int i = 1; i <= config.nodeCount; ++i)
        members.emplace_back(static_cast<std::uint32_t>(i));
    for (NodeId id : members) {
        CoreConfig core = config.core;
        core.id = id;
        core.members = members;
        startNode(core);
    }
    for (NodeId id : members)
        restart(id);
}

void Simulation::startNode(CoreConfig core)
{
    m_nodes.push_back(std::make_unique<SimNode>(core, static_cast<SimObserver &>(*this)));
    m_nodes.back()->setSnapshotInterval(m_config.snapshotIntervalEntries);
    m_readyDueAt.emplace_back();
    m_persistDoneAt.emplace_back();
    m_restartAt.emplace_back();
    m_frozen.push_back(false);
    m_backlog.emplace_back();
}

NodeId Simulation::addNode(const std::vector<NodeId> &bootstrapMembers)
{
    CoreConfig core = m_config.core;
    core.id = NodeId(static_cast<std::uint32_t>(m_nodes.size() + 1));
    core.members = bootstrapMembers;
    startNode(core);
    restart(core.id);
    return core.id;
}

MembershipChangeResult Simulation::changeMembership(NodeId at, const MembershipChange &change)
{
    SimNode &target = node(at);
    if (!target.isUp() || isFrozen(at))
        return MembershipChangeResult{};
    const MembershipChangeResult result = target.core().proposeMembershipChange(change);
    afterInput(target);
    endStep();
    return result;
}

std::vector<NodeId> Simulation::members() const
{
    const std::optional<NodeId> current = leader();
    if (!current)
        return nodeIds();
    const Membership &membership = m_nodes[current->value - 1]->core().membership();
    std::vector<NodeId> ids = membership.voters;
    ids.insert(ids.end(), membership.learners.begin(), membership.learners.end());
    std::sort(ids.begin(), ids.end());
    return ids;
}

Simulation::~Simulation() = default;

std::vector<NodeId> Simulation::nodeIds() const
{
    std::vector<NodeId> ids;
    for (const auto &node : m_nodes)
        ids.push_back(node->id());
    return ids;
}

QString Simulation::failure() const
{
    if (!failed())
        return {};
    return QStringLiteral("seed %1, step %2 (tick %3): %4")
        .arg(m_seed)
        .arg(m_steps)
        .arg(m_now)
        .arg(*m_checker.violation());
}

QString Simulation::describeNodes() const
{
    QString text;
    for (const auto &node : m_nodes) {
        if (!node->isUp()) {
            text += QStringLiteral("  node %1: down\n").arg(node->id().value);
            continue;
        }
        const CoreStatus status = node->core().status();
        text += QStringLiteral("  node %1: %2 term %3 vote %4 leader %5 log [%6..%7] last term %8 commit %9 "
                               "applied %10 disk last %11\n")
                    .arg(status.id.value)
                    .arg(QLatin1String(toString(status.role).data()))
                    .arg(status.term.value)
                    .arg(status.votedFor.value)
                    .arg(status.leader.value)
                    .arg(status.firstIndex.value)
                    .arg(status.lastIndex.value)
                    .arg(status.lastTerm.value)
                    .arg(status.commitIndex.value)
                    .arg(node->stateMachine().appliedIndex().value)
                    .arg(node->disk().lastIndex().value);
        const Membership &membership = node->core().membership();
        if (membership.index != LogIndex{}) // changed since the cluster file: say to what
            text += QStringLiteral("    configuration %1\n").arg(describeConfiguration(membership));
        for (const FollowerStatus &follower : status.followers)
            text += QStringLiteral("    -> %1 match %2 next %3 state %4 active %5\n")
                        .arg(follower.id.value)
                        .arg(follower.matchIndex.value)
                        .arg(follower.nextIndex.value)
                        .arg(static_cast<int>(follower.state))
                        .arg(follower.recentlyActive ? 1 : 0);
    }
    return text;
}

// ---------------------------------------------------------------------------------------------
// Time.

void Simulation::advance()
{
    if (failed())
        return;
    ++m_now;
    for (const Message &message : m_network.deliverDue(m_now)) {
        if (failed())
            return;
        deliver(message);
    }
    for (std::size_t i = 0; i < m_nodes.size() && !failed(); ++i) {
        if (m_restartAt[i] && *m_restartAt[i] <= m_now)
            restart(m_nodes[i]->id());
        if (m_persistDoneAt[i] && *m_persistDoneAt[i] <= m_now && !m_frozen[i]) {
            m_persistDoneAt[i].reset();
            finishPersist(*m_nodes[i]);
            endStep();
        }
        if (!m_readyDueAt[i] || *m_readyDueAt[i] > m_now || m_frozen[i])
            continue;
        m_readyDueAt[i].reset();
        handleReadies(*m_nodes[i]);
        endStep();
    }
    if (failed())
        return;
    // The whole cluster ticks as one step: the nodes' clocks run at the same rate.
    for (const auto &node : m_nodes) {
        if (node->isUp() && !isFrozen(node->id()))
            node->core().tick();
    }
    for (const auto &node : m_nodes) {
        if (!isFrozen(node->id()))
            afterInput(*node);
    }
    endStep();
}

void Simulation::runTicks(int ticks)
{
    for (int i = 0; i < ticks && !failed(); ++i)
        advance();
}

bool Simulation::runUntil(const std::function<bool()> &done, int maxTicks)
{
    for (int i = 0; i < maxTicks && !failed(); ++i) {
        if (done())
            return true;
        advance();
    }
    return !failed() && done();
}

void Simulation::deliver(const Message &message)
{
    SimNode &target = node(message.to);
    if (!target.isUp())
        return; // a dead process loses what arrives
    if (isFrozen(target.id())) {
        std::vector<Message> &backlog = m_backlog[target.id().value - 1];
        if (backlog.size() < maxBacklog)
            backlog.push_back(message);
        return;
    }
    if (m_trace)
        qInfo("%6lld  %u -> %u %s term %llu prev %llu/%llu n=%zu commit %llu ok=%d match %llu",
              static_cast<long long>(m_now), message.from.value, message.to.value,
              toString(message.type).data(), static_cast<unsigned long long>(message.term.value),
              static_cast<unsigned long long>(message.prevLogIndex.value),
              static_cast<unsigned long long>(message.prevLogTerm.value), message.entries.size(),
              static_cast<unsigned long long>(message.commitIndex.value), message.success || message.granted,
              static_cast<unsigned long long>(message.matchIndex.value));
    target.core().step(message);
    afterInput(target);
    endStep();
}

void Simulation::afterInput(SimNode &node)
{
    if (node.hasReadyInFlight()) {
        node.sendEarlyMessages();
        return; // the next Ready waits for this one to be durable
    }
    if (!node.hasReady())
        return;
    auto &dueAt = m_readyDueAt[node.id().value - 1];
    if (m_random.chance(m_config.inlineReadyProbability)) {
        dueAt.reset();
        handleReadies(node);
    } else if (!dueAt) {
        dueAt = m_now + m_random.between(1, m_config.maxReadyDelayTicks + 1);
    }
}

void Simulation::handleReadies(SimNode &node)
{
    // Bounded: advance() may produce another Ready (new commits, reads), rarely more than two.
    for (int round = 0; round < 8 && node.hasReady(); ++round) {
        if (m_random.chance(m_config.asyncPersistProbability)) {
            node.beginReady();
            m_persistDoneAt[node.id().value - 1] = m_now + m_random.between(1, m_config.maxPersistTicks + 1);
            return;
        }
        CrashPoint crashAt = CrashPoint::None;
        if (m_random.chance(m_config.crashInReadyProbability))
            crashAt = static_cast<CrashPoint>(m_random.between(1, 6));
        if (!node.handleReady(crashAt)) {
            ++m_crashes; // handleReady() already dropped the process
            crash(node.id());
            m_restartAt[node.id().value - 1] =
                m_now + m_random.between(1, 3 * m_config.core.electionTimeoutTicksMax);
            return;
        }
    }
    if (node.hasReady())
        m_readyDueAt[node.id().value - 1] = m_now + 1;
}

void Simulation::finishPersist(SimNode &node)
{
    CrashPoint crashAt = CrashPoint::None;
    if (m_random.chance(m_config.crashInReadyProbability))
        crashAt = static_cast<CrashPoint>(m_random.between(1, 6));
    if (!node.completeReady(crashAt)) {
        ++m_crashes;
        crash(node.id());
        m_restartAt[node.id().value - 1] =
            m_now + m_random.between(1, 3 * m_config.core.electionTimeoutTicksMax);
        return;
    }
    afterInput(node);
}

void Simulation::endStep()
{
    ++m_steps;
    for (const auto &node : m_nodes)
        m_checker.checkNode(*node);
    if (m_stepHook)
        m_stepHook();
}

// ---------------------------------------------------------------------------------------------
// Faults.

void Simulation::freeze(NodeId id)
{
    m_frozen[id.value - 1] = true;
}

void Simulation::thaw(NodeId id)
{
    if (!isFrozen(id))
        return;
    m_frozen[id.value - 1] = false;
    const std::vector<Message> backlog = std::exchange(m_backlog[id.value - 1], {});
    for (const Message &message : backlog) {
        if (failed())
            return;
        deliver(message);
    }
}

void Simulation::failDisk(NodeId id)
{
    SimNode &target = node(id);
    target.failDisk();
    m_readyDueAt[id.value - 1].reset();
    m_persistDoneAt[id.value - 1].reset();
    endStep();
}

void Simulation::crash(NodeId id)
{
    SimNode &target = node(id);
    m_crashes += target.isUp() ? 1 : 0;
    m_frozen[id.value - 1] = false;
    m_backlog[id.value - 1].clear();
    target.crash();
    m_readyDueAt[id.value - 1].reset();
    m_persistDoneAt[id.value - 1].reset();
    m_restartAt[id.value - 1].reset();
    // Its connections close, and its running peers learn it at once, as raftlab-node's do over TCP: the
    // safety checker sees the cut-short timeouts that follow (RaftCore::peerConnectionLost).
    for (const std::unique_ptr<SimNode> &peer : m_nodes) {
        if (peer.get() == &target || !peer->isUp() || m_frozen[peer->id().value - 1])
            continue;
        peer->core().peerConnectionLost(id);
        afterInput(*peer);
    }
    endStep();
}

void Simulation::restart(NodeId id)
{
    SimNode &target = node(id);
    m_restartAt[id.value - 1].reset();
    if (target.isUp())
        return;
    if (m_adversary)
        m_adversary->onRestart(id, target.disk());
    target.start(m_random.next());
    m_checker.onRestart(target);
    afterInput(target);
    endStep();
}

void Simulation::restartAll()
{
    for (const auto &node : m_nodes) {
        if (node->isUp())
            crash(node->id());
    }
    m_network.clearInFlight();
    for (const auto &node : m_nodes)
        restart(node->id());
}

// ---------------------------------------------------------------------------------------------
// Leaders.

std::optional<NodeId> Simulation::leader() const
{
    std::optional<NodeId> best;
    Term bestTerm;
    for (const auto &node : m_nodes) {
        if (node->isUp() && !isFrozen(node->id()) && node->core().role() == Role::Leader &&
            (!best || node->core().term() > bestTerm)) {
            best = node->id();
            bestTerm = node->core().term();
        }
    }
    return best;
}

bool Simulation::hasStableLeader() const
{
    const std::optional<NodeId> candidate = leader();
    if (!candidate)
        return false;
    const RaftCore &leaderCore = m_nodes[candidate->value - 1]->core();
    for (NodeId id : members()) {
        const SimNode &member = *m_nodes[id.value - 1];
        if (!member.isUp() || id == *candidate)
            continue;
        if (member.core().term() != leaderCore.term() || member.core().leader() != *candidate)
            return false;
    }
    return true;
}

Term Simulation::highestTerm() const
{
    Term highest;
    for (const auto &node : m_nodes) {
        if (node->isUp())
            highest = std::max(highest, node->core().term());
    }
    return highest;
}

// ---------------------------------------------------------------------------------------------
// Clients.

ProposeResult Simulation::propose(NodeId at, const QByteArray &key)
{
    SimNode &target = node(at);
    if (!target.isUp() || isFrozen(at))
        return ProposeResult{};
    const QByteArray payload = KvStateMachine::setCommand(key, "v" + QByteArray::number(++m_nextValue));
    const ProposeResult result = target.core().propose(payload);
    if (result.status == ProposeResult::Status::Accepted) {
        m_proposals[payload] = Proposal{at, false};
        m_lastProposal = payload;
        ++m_clientStats.proposalsAccepted;
    }
    afterInput(target);
    endStep();
    return result;
}

std::optional<LogIndex> Simulation::proposeToLeader(const QByteArray &key)
{
    const std::optional<NodeId> current = leader();
    if (!current)
        return std::nullopt;
    const ProposeResult result = propose(*current, key);
    if (result.status != ProposeResult::Status::Accepted)
        return std::nullopt;
    return result.index;
}

bool Simulation::read(NodeId at, const QByteArray &key)
{
    SimNode &target = node(at);
    if (!target.isUp() || isFrozen(at))
        return false;
    const std::uint64_t requestId = ++m_nextRequestId;
    m_reads[requestId] = ReadRequest{key, m_acknowledgedIndex, m_acknowledgedByKey[key]};
    const bool accepted = target.requestRead(requestId, key).status == ReadIndexResult::Status::Accepted;
    if (!accepted)
        m_reads.erase(requestId);
    afterInput(target);
    endStep();
    return accepted;
}

TransferResult Simulation::transferLeadership(NodeId at, NodeId target)
{
    SimNode &from = node(at);
    if (!from.isUp() || isFrozen(at))
        return TransferResult{};
    const TransferResult result = from.core().transferLeadership(target);
    afterInput(from);
    endStep();
    return result;
}

void Simulation::campaignNow(NodeId at)
{
    SimNode &target = node(at);
    if (!target.isUp() || isFrozen(at))
        return;
    target.core().campaignNow();
    afterInput(target);
    endStep();
}

bool Simulation::isAcknowledged(const QByteArray &payload) const
{
    const auto found = m_proposals.find(payload);
    return found != m_proposals.end() && found->second.acknowledged;
}

bool Simulation::isAppliedEverywhere(LogIndex index) const
{
    const std::vector<NodeId> ids = members();
    return std::all_of(ids.begin(), ids.end(), [&](NodeId id) {
        const SimNode &member = *m_nodes[id.value - 1];
        return member.isUp() && member.stateMachine().appliedIndex() >= index;
    });
}

int Simulation::countApplied(LogIndex index) const
{
    int count = 0;
    for (const auto &node : m_nodes)
        count += node->isUp() && node->stateMachine().appliedIndex() >= index ? 1 : 0;
    return count;
}

KvStateMachine::Value Simulation::valueAt(NodeId at, const QByteArray &key) const
{
    return m_nodes[at.value - 1]->stateMachine().read(key);
}

// ---------------------------------------------------------------------------------------------
// What the nodes report.

void Simulation::hardStatePersisted(NodeId node, const HardState &previous, const HardState &now)
{
    m_checker.onHardStatePersisted(node, previous, now);
}

void Simulation::messageSent(const Message &message)
{
    if (m_adversary) {
        Message rewritten = message;
        m_adversary->onSend(rewritten, node(message.from).core());
        m_checker.onMessageSent(rewritten, node(message.from).disk());
        m_network.send(rewritten, m_now);
        return;
    }
    m_checker.onMessageSent(message, node(message.from).disk());
    m_network.send(message, m_now);
}

void Simulation::entryApplied(NodeId node, const Entry &entry, std::uint64_t digestAfter)
{
    m_checker.onEntryApplied(node, entry, digestAfter);
    const auto proposal = m_proposals.find(entry.payload);
    if (entry.type != EntryType::Command || proposal == m_proposals.end() || proposal->second.acknowledged ||
        proposal->second.proposer != node)
        return;
    // The client hears "done" from the node it asked: from now on every read must see this write.
    proposal->second.acknowledged = true;
    ++m_clientStats.writesAcknowledged;
    m_acknowledgedIndex = std::max(m_acknowledgedIndex, entry.index);
    if (const auto key = KvStateMachine::keyOf(entry.payload)) {
        LogIndex &written = m_acknowledgedByKey[*key];
        written = std::max(written, entry.index);
    }
}

void Simulation::snapshotRestored(NodeId node, const Snapshot &snapshot)
{
    m_checker.onSnapshotRestored(node, snapshot);
}

void Simulation::readServed(NodeId node, std::uint64_t requestId, LogIndex readIndex,
                            const KvStateMachine::Value &value)
{
    const auto request = m_reads.find(requestId);
    if (request == m_reads.end())
        return;
    m_checker.onReadServed(node, readIndex, request->second.acknowledgedIndex, request->second.keyWrittenAt,
                           value);
    ++m_clientStats.readsServed;
    m_reads.erase(request);
}

void Simulation::eventsEmitted(const Events &events)
{
    if (!m_trace)
        return;
    for (const Event &event : events)
        qInfo("%6lld  %s", static_cast<long long>(m_now), qPrintable(describe(event)));
}

void Simulation::contractBroken(NodeId node, const QString &what)
{
    m_checker.fail(QStringLiteral("node %1: %2").arg(node.value).arg(what));
}

} // namespace raftlab::sim
