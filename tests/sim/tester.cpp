#include "tester.h"

#include "seeds.h"

#include <map>

namespace raftlab::sim {

QString forSeeds(std::uint64_t base, int seeds, const std::function<QString(std::uint64_t)> &scenario)
{
    for (std::uint64_t seed : seedPlan(base, seeds, SeedScaling::Proportional).seeds) {
        const QString failure = scenario(seed);
        if (!failure.isEmpty())
            return failure + QStringLiteral("\n  replay: RAFTLAB_SEED=%1").arg(seed);
    }
    return {};
}

SimConfig RaftTester::labConfig(int servers, bool reliable)
{
    SimConfig config;
    config.nodeCount = servers;
    config.core.heartbeatTicks = 10;
    config.core.electionTimeoutTicksMin = 30;
    config.core.electionTimeoutTicksMax = 60;
    // Unreliable as 6.824's labrpc with long reordering: 10% lost, some delayed by up to a second.
    config.faults =
        reliable ? NetworkFaults{1, 2, 0.0, 0.0, 0.0, 0} : NetworkFaults{1, 10, 0.1, 0.05, 0.02, 100};
    return config;
}

RaftTester::RaftTester(const SimConfig &config, std::uint64_t seed)
    : m_simulation(config, seed)
{ }

QString RaftTester::failure() const
{
    if (m_simulation.failed())
        return m_simulation.failure();
    if (!m_failure)
        return {};
    return QStringLiteral("seed %1, tick %2: %3\n%4")
        .arg(m_simulation.seed())
        .arg(m_simulation.now())
        .arg(*m_failure, m_simulation.describeNodes());
}

void RaftTester::fail(const QString &what)
{
    if (!m_failure)
        m_failure = what;
}

void RaftTester::setReliable(bool reliable)
{
    m_simulation.network().setFaults(labConfig(servers(), reliable).faults);
}

// ---------------------------------------------------------------------------------------------
// The world.

void RaftTester::disconnect(int server)
{
    m_disconnected.insert(server);
    applyConnectivity();
}

void RaftTester::connect(int server)
{
    m_disconnected.erase(server);
    applyConnectivity();
}

void RaftTester::applyConnectivity()
{
    // A disconnected server can neither send to nor hear from anyone (6.824's net.Enable(i, false)).
    SimNetwork &network = m_simulation.network();
    network.recover();
    for (int server : m_disconnected) {
        for (int other = 0; other < servers(); ++other) {
            network.cut(idOf(server), idOf(other));
            network.cut(idOf(other), idOf(server));
        }
    }
}

void RaftTester::crash(int server)
{
    if (node(server).isUp())
        m_simulation.crash(idOf(server));
}

void RaftTester::start(int server)
{
    m_simulation.restart(idOf(server));
}

// ---------------------------------------------------------------------------------------------
// Checks.

std::optional<int> RaftTester::checkOneLeader()
{
    for (int round = 0; round < 10 && !failed(); ++round) {
        sleepTicks(static_cast<int>(m_simulation.random().between(45, 56)));
        std::map<Term, std::vector<int>> leaders;
        for (int server = 0; server < servers(); ++server) {
            if (isConnected(server) && node(server).isUp() && node(server).core().role() == Role::Leader)
                leaders[node(server).core().term()].push_back(server);
        }
        for (const auto &[term, inTerm] : leaders) {
            if (inTerm.size() > 1)
                fail(QStringLiteral("term %1 has %2 (>1) leaders").arg(term.value).arg(inTerm.size()));
        }
        if (!leaders.empty())
            return leaders.rbegin()->second.front();
    }
    fail(QStringLiteral("expected one leader, got none"));
    return std::nullopt;
}

std::optional<Term> RaftTester::checkTerms()
{
    std::optional<Term> agreed;
    for (int server = 0; server < servers(); ++server) {
        if (!isConnected(server) || !node(server).isUp())
            continue;
        const Term term = node(server).core().term();
        if (agreed && *agreed != term) {
            fail(QStringLiteral("servers disagree on term"));
            return std::nullopt;
        }
        agreed = term;
    }
    return agreed;
}

void RaftTester::checkNoLeader()
{
    for (int server = 0; server < servers(); ++server) {
        if (isConnected(server) && node(server).isUp() && node(server).core().role() == Role::Leader)
            fail(QStringLiteral("expected no leader among connected servers, but %1 claims to be leader")
                     .arg(server));
    }
}

int RaftTester::nCommitted(LogIndex index) const
{
    return m_simulation.countApplied(index);
}

int RaftTester::connectedLeaderCount()
{
    int leaders = 0;
    for (int server = 0; server < servers(); ++server) {
        if (isConnected(server) && node(server).isUp() && node(server).core().role() == Role::Leader)
            ++leaders;
    }
    return leaders;
}

std::uint64_t RaftTester::requestsSent() const
{
    std::uint64_t requests = 0;
    for (MessageType type : {MessageType::PreVote, MessageType::RequestVote, MessageType::AppendEntries,
                             MessageType::Heartbeat, MessageType::InstallSnapshot, MessageType::TimeoutNow})
        requests += m_simulation.network().sentCount(type);
    return requests;
}

bool RaftTester::wasApplied(const Started &started) const
{
    return m_simulation.checker().appliedPayload(started.index) == started.command;
}

RaftTester::Started RaftTester::startCommand(int server)
{
    if (!node(server).isUp())
        return Started{};
    const ProposeResult result = m_simulation.propose(idOf(server), "k");
    if (result.status != ProposeResult::Status::Accepted)
        return Started{};
    return Started{true, result.index, result.term, m_simulation.lastProposal()};
}

bool RaftTester::waitCommitted(LogIndex index, int servers, int maxTicks)
{
    return m_simulation.runUntil([&] { return nCommitted(index) >= servers; }, maxTicks);
}

std::optional<LogIndex> RaftTester::one(int expectedServers, bool retry)
{
    const SimTime deadline = m_simulation.now() + 10 * ticksPerSecond;
    int next = 0;
    while (m_simulation.now() < deadline && !failed()) {
        // Try every server in turn until one accepts as leader.
        Started started;
        for (int tried = 0; tried < servers() && !started.isLeader; ++tried) {
            const int server = (next + tried) % servers();
            if (isConnected(server))
                started = startCommand(server);
        }
        ++next;
        if (!started.isLeader) {
            sleepTicks(5);
            continue;
        }
        // 6.824 waits two seconds for agreement.
        const SimTime agreeBy = m_simulation.now() + 2 * ticksPerSecond;
        while (m_simulation.now() < agreeBy && !failed()) {
            if (nCommitted(started.index) >= expectedServers) {
                if (m_simulation.checker().appliedPayload(started.index) == started.command)
                    return started.index;
                break; // another command took the index: the proposal was lost
            }
            sleepTicks(2);
        }
        if (!retry) {
            fail(QStringLiteral("one(%1) failed to reach agreement").arg(QString::fromUtf8(started.command)));
            return std::nullopt;
        }
        sleepTicks(5);
    }
    fail(QStringLiteral("one() failed to reach agreement within 10 s"));
    return std::nullopt;
}

} // namespace raftlab::sim
