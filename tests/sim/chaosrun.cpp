#include "chaosrun.h"

#include <algorithm>
#include <utility>

namespace raftlab::sim {

namespace {

// A chaos run's draws come from a generator of their own, so the schedule does not shift when the
// simulation consumes randomness differently (it still depends only on the seed).
constexpr std::uint64_t scheduleSalt = 0x5DEECE66DULL;

const QByteArray keys[] = {"a", "b", "c"};

} // namespace

SimConfig ChaosRun::drawConfig(Random &random, const ChaosOptions &options)
{
    SimConfig config;
    const int sizes[] = {3, 5, 7};
    config.nodeCount = options.nodeCount > 0 ? options.nodeCount : sizes[random.between(0, 3)];
    config.faults.delayTicks = static_cast<int>(random.between(1, 3));
    config.faults.jitterTicks = static_cast<int>(random.between(0, 4));
    // Raft's timing requirement (§5.6): broadcast time well below the election timeout, or elections
    // can legitimately go on forever. Here the timeout is at least five one-way trips.
    const int slowestTripTicks = config.faults.delayTicks + config.faults.jitterTicks;
    config.core.heartbeatTicks = static_cast<int>(random.between(2, 5));
    config.core.electionTimeoutTicksMin =
        std::max(config.core.heartbeatTicks * static_cast<int>(random.between(3, 6)), 5 * slowestTripTicks);
    config.core.electionTimeoutTicksMax = config.core.electionTimeoutTicksMin * 2;
    config.core.preVote = random.chance(0.7);
    config.core.checkQuorum = random.chance(0.7);
    if (options.membershipChangeProbability > 0 && !config.core.preVote && !config.core.checkQuorum)
        config.core.checkQuorum = true;
    config.core.maxInflightAppends = static_cast<int>(random.between(1, 9));
    config.core.maxEntriesPerAppend = static_cast<std::size_t>(random.between(1, 9));
    config.core.snapshotChunkBytes = static_cast<std::size_t>(random.between(8, 200));
    config.adversary = options.adversary;
    config.faults.lossProbability =
        random.chance(0.5) ? 0.0 : 0.15 * static_cast<double>(random.between(0, 100)) / 100;
    config.faults.duplicateProbability = random.chance(0.5) ? 0.0 : 0.05;
    if (random.chance(0.4)) {
        config.faults.longDelayProbability = 0.01;
        config.faults.longDelayTicks = static_cast<int>(random.between(20, 200));
    }
    config.snapshotIntervalEntries = random.chance(0.3) ? 0 : static_cast<int>(random.between(3, 20));
    config.inlineReadyProbability = random.chance(0.5) ? 1.0 : 0.6;
    config.asyncPersistProbability = random.chance(0.5) ? 0.5 : 0.0;
    config.crashInReadyProbability = random.chance(0.5) ? 0.0 : 0.002;
    if (options.crashInReadyProbability)
        config.crashInReadyProbability = *options.crashInReadyProbability;
    // Half the runs keep a tail of entries below each snapshot: the log then starts before the snapshot.
    config.core.catchUpEntries = random.chance(0.5) ? 0 : static_cast<std::uint64_t>(random.between(1, 30));
    return config;
}

ChaosRun::ChaosRun(std::uint64_t seed, const ChaosOptions &options)
    : m_seed(seed)
    , m_options(options)
    , m_random(seed ^ scheduleSalt)
    , m_simulation(drawConfig(m_random, options), seed)
    , m_restartAt(static_cast<std::size_t>(m_simulation.nodeCount()))
    , m_thawAt(static_cast<std::size_t>(m_simulation.nodeCount()))
{ }

ChaosResult ChaosRun::run()
{
    for (int tick = 0; tick < m_options.chaosTicks && !m_simulation.failed(); ++tick) {
        injectFaults();
        m_simulation.advance();
    }
    QString failure = m_simulation.failure();
    if (failure.isEmpty() && m_options.checkLiveness) {
        const QString stuck = healAndCheckLiveness(m_simulation);
        failure = m_simulation.failed() ? m_simulation.failure() : stuck;
        if (!stuck.isEmpty() && !m_simulation.failed())
            failure = QStringLiteral("seed %1, tick %2: liveness: %3\n%4")
                          .arg(m_seed)
                          .arg(m_simulation.now())
                          .arg(stuck, m_simulation.describeNodes());
    }
    return ChaosResult{failure,
                       m_simulation.nodeCount(),
                       m_simulation.stepCount(),
                       m_simulation.clientStats(),
                       m_simulation.highestTerm(),
                       m_simulation.network().sentCount(MessageType::InstallSnapshot),
                       m_simulation.crashCount(),
                       m_membershipChanges,
                       static_cast<int>(m_simulation.members().size())};
}

void ChaosRun::injectFaults()
{
    if (m_random.chance(0.02))
        changeNetwork();
    crashOrRestart();
    actAsClient();
    if (m_random.chance(m_options.membershipChangeProbability))
        changeMembership();
}

void ChaosRun::changeMembership()
{
    const std::optional<NodeId> leader = m_simulation.leader();
    if (!leader)
        return;
    const RaftCore &core = m_simulation.node(*leader).core();
    if (core.membershipChangePending())
        return; // the leader would refuse: one change at a time
    const Membership &membership = core.membership();
    const std::size_t size = membership.voters.size() + membership.learners.size();
    constexpr std::size_t fewest = 3;
    constexpr std::size_t most = 7;
    // Voters stay at 3 or more: a learner may be removed before it is promoted, a voter only above that.
    std::vector<NodeId> removable = membership.learners;
    if (membership.voters.size() > fewest)
        removable.insert(removable.end(), membership.voters.begin(), membership.voters.end());
    const bool add = size < most && (removable.empty() || m_random.chance(0.5));
    if (!add && removable.empty())
        return;
    MembershipChange change;
    if (add) {
        // A fresh node (a removed id never comes back, as etcd refuses to re-add one), or the one a
        // leader refused last time.
        const NodeId fresh = m_spare ? *std::exchange(m_spare, std::nullopt) : m_simulation.addNode();
        m_restartAt.resize(static_cast<std::size_t>(m_simulation.nodeCount()));
        m_thawAt.resize(static_cast<std::size_t>(m_simulation.nodeCount()));
        change = MembershipChange{.kind = MembershipChange::Kind::Add, .id = fresh};
    } else {
        change = MembershipChange{.kind = MembershipChange::Kind::Remove,
                                  .id = removable[static_cast<std::size_t>(
                                      m_random.between(0, static_cast<std::int64_t>(removable.size())))]};
    }
    const MembershipChangeResult result = m_simulation.changeMembership(*leader, change);
    if (result.status == MembershipChangeResult::Status::Accepted)
        ++m_membershipChanges;
    else if (add)
        m_spare = change.id;
}

void ChaosRun::changeNetwork()
{
    SimNetwork &network = m_simulation.network();
    const std::vector<NodeId> ids = m_simulation.nodeIds();
    const auto anyNode = [&] {
        return ids[static_cast<std::size_t>(m_random.between(0, m_simulation.nodeCount()))];
    };
    switch (m_random.between(0, 7)) {
    case 0:
        network.isolate(anyNode());
        break;
    case 1: {
        // Two sides of random sizes: sometimes a majority exists, sometimes not.
        std::vector<std::vector<NodeId>> sides(2);
        for (NodeId id : ids)
            sides[static_cast<std::size_t>(m_random.between(0, 2))].push_back(id);
        network.partition(sides);
        break;
    }
    case 2:
        network.cut(anyNode(), anyNode());
        break;
    case 3:
        network.drop(anyNode(), anyNode(), 0.5);
        break;
    case 4:
        network.heal();
        break;
    case 5: {
        // A process stops (SIGSTOP) and is continued later, everything it was sent arriving at once.
        const NodeId frozen = anyNode();
        m_simulation.freeze(frozen);
        m_thawAt[frozen.value - 1] =
            m_simulation.now() + m_random.between(1, 5 * m_simulation.config().core.electionTimeoutTicksMax);
        break;
    }
    default:
        network.recover();
        break;
    }
}

void ChaosRun::crashOrRestart()
{
    const SimConfig &config = m_simulation.config();
    for (NodeId id : m_simulation.nodeIds()) {
        auto &thawAt = m_thawAt[id.value - 1];
        if (thawAt && *thawAt <= m_simulation.now()) {
            thawAt.reset();
            m_simulation.thaw(id);
        }
        auto &restartAt = m_restartAt[id.value - 1];
        if (restartAt && *restartAt <= m_simulation.now()) {
            restartAt.reset();
            m_simulation.restart(id);
        }
    }
    NodeId victim;
    const std::optional<NodeId> leader = m_simulation.leader();
    if (leader && m_random.chance(m_options.leaderCrashProbability))
        victim = *leader;
    else if (m_random.chance(m_options.crashProbability))
        victim = NodeId(static_cast<std::uint32_t>(m_random.between(1, m_simulation.nodeCount() + 1)));
    if (victim.isNone() || !m_simulation.node(victim).isUp())
        return;
    m_simulation.crash(victim);
    m_restartAt[victim.value - 1] =
        m_simulation.now() + m_random.between(1, 4 * config.core.electionTimeoutTicksMax);
}

void ChaosRun::actAsClient()
{
    const auto key = [&] {
        return keys[m_random.between(0, 3)];
    };
    const NodeId anyNode(static_cast<std::uint32_t>(m_random.between(1, m_simulation.nodeCount() + 1)));
    if (m_random.chance(0.15)) {
        // Usually the leader; sometimes whoever is asked, which then refuses.
        if (m_random.chance(0.9))
            m_simulation.proposeToLeader(key());
        else
            m_simulation.propose(anyNode, key());
    }
    if (m_random.chance(0.05)) {
        const std::optional<NodeId> leader = m_simulation.leader();
        m_simulation.read(leader && m_random.chance(0.8) ? *leader : anyNode, key());
    }
    if (m_random.chance(0.003)) {
        if (const std::optional<NodeId> leader = m_simulation.leader())
            m_simulation.transferLeadership(*leader, anyNode);
    }
    if (m_random.chance(0.002))
        m_simulation.campaignNow(anyNode);
}

QString healAndCheckLiveness(Simulation &simulation)
{
    // Heal everything: links, loss, duplication, crashed nodes.
    simulation.network().recover();
    NetworkFaults calm = simulation.network().faults();
    calm.lossProbability = 0;
    calm.duplicateProbability = 0;
    calm.longDelayProbability = 0;
    simulation.network().setFaults(calm);
    simulation.setCrashInReadyProbability(0);
    for (NodeId id : simulation.nodeIds()) {
        simulation.thaw(id);
        simulation.restart(id);
    }
    const int electionTicks = simulation.config().core.electionTimeoutTicksMax;
    // Several attempts: a proposal made just before a leader change may be overwritten, legitimately,
    // and a leader refuses proposals while it hands over leadership.
    const SimTime deadline = simulation.now() + 60 * electionTicks;
    while (simulation.now() < deadline && !simulation.failed()) {
        if (!simulation.runUntil([&] { return simulation.hasStableLeader(); }, 30 * electionTicks))
            return QStringLiteral("no stable leader within %1 ticks after healing").arg(30 * electionTicks);
        std::vector<QByteArray> proposals;
        LogIndex highest;
        for (const QByteArray &key : keys) {
            if (const auto index = simulation.proposeToLeader(key)) {
                proposals.push_back(simulation.lastProposal());
                highest = std::max(highest, *index);
            }
        }
        if (proposals.empty()) {
            simulation.advance();
            continue;
        }
        const auto done = [&] {
            const auto acknowledged = [&](const QByteArray &payload) {
                return simulation.isAcknowledged(payload);
            };
            return std::all_of(proposals.begin(), proposals.end(), acknowledged) &&
                simulation.isAppliedEverywhere(highest);
        };
        if (simulation.runUntil(done, 20 * electionTicks))
            return {};
    }
    return QStringLiteral("proposals made after healing did not commit on every node");
}

QString runFigure8Churn(std::uint64_t seed, const Figure8Options &options)
{
    SimConfig config;
    config.nodeCount = 5;
    config.core.heartbeatTicks = 3;
    config.core.electionTimeoutTicksMin = 15;
    config.core.electionTimeoutTicksMax = 30;
    config.core.maxEntriesPerAppend = 1 + seed % 3; // small batches: followers catch up entry by entry
    config.adversary = options.adversary;
    config.faults = options.unreliable ? NetworkFaults{1, 4, 0.1, 0.05, 0.02, 100}
                                       : NetworkFaults{1, 1, 0.0, 0.0, 0.0, 0};
    Simulation simulation(config, seed);
    Random random(seed ^ 0xF16F16ULL);
    const std::vector<NodeId> ids = simulation.nodeIds();
    int up = 5;
    for (int round = 0; round < options.rounds && !simulation.failed(); ++round) {
        for (NodeId id : ids) {
            if (simulation.node(id).isUp())
                simulation.propose(id, keys[random.between(0, 3)]);
        }
        // 6.824: "sometimes up to half an election timeout, usually about one heartbeat".
        const bool longPause = random.chance(0.1);
        simulation.runTicks(static_cast<int>(longPause
                                                 ? random.between(0, config.core.electionTimeoutTicksMax / 2)
                                                 : random.between(0, config.core.heartbeatTicks + 1)));
        if (const std::optional<NodeId> leader = simulation.leader()) {
            simulation.crash(*leader);
            --up;
        }
        if (up < 3) {
            const NodeId revived = ids[static_cast<std::size_t>(random.between(0, 5))];
            if (!simulation.node(revived).isUp()) {
                simulation.restart(revived);
                ++up;
            }
        }
    }
    if (simulation.failed() || !options.checkLiveness)
        return simulation.failure();
    const QString stuck = healAndCheckLiveness(simulation);
    if (simulation.failed())
        return simulation.failure();
    return stuck.isEmpty()
        ? QString()
        : QStringLiteral("seed %1: liveness: %2\n%3").arg(seed).arg(stuck, simulation.describeNodes());
}

} // namespace raftlab::sim
