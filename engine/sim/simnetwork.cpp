#include "simnetwork.h"

namespace raftlab::sim {

void SimNetwork::send(const Message &message, SimTime now)
{
    ++m_sentCount;
    ++m_sentByType[message.type];
    double loss = m_faults.lossProbability;
    if (const auto link = m_linkLoss.find({message.from, message.to}); link != m_linkLoss.end())
        loss = link->second;
    if (m_random.chance(loss))
        return;
    enqueue(message, now);
    if (m_random.chance(m_faults.duplicateProbability))
        enqueue(message, now); // the copy gets its own delay, so it may arrive first
}

void SimNetwork::enqueue(const Message &message, SimTime now)
{
    if (m_inFlight.size() >= maxInFlight)
        return;
    SimTime at = now + m_faults.delayTicks + m_random.between(0, m_faults.jitterTicks + 1);
    if (const auto link = m_linkDelay.find({message.from, message.to}); link != m_linkDelay.end())
        at += link->second;
    if (m_random.chance(m_faults.longDelayProbability))
        at += m_random.between(0, m_faults.longDelayTicks + 1);
    m_inFlight.push(InFlight{at, m_random.next(), message});
}

std::vector<Message> SimNetwork::deliverDue(SimTime now)
{
    std::vector<Message> due;
    while (!m_inFlight.empty() && m_inFlight.top().at <= now) {
        const InFlight &next = m_inFlight.top();
        if (canReach(next.message.from, next.message.to))
            due.push_back(next.message);
        m_inFlight.pop();
    }
    return due;
}

void SimNetwork::isolate(NodeId node)
{
    // A group of its own: ids above any cluster's, so it never meets another group.
    m_group[node] = 1'000'000 + static_cast<int>(node.value);
}

void SimNetwork::partition(const std::vector<std::vector<NodeId>> &groups)
{
    m_group.clear();
    int group = 1;
    for (const std::vector<NodeId> &members : groups) {
        for (NodeId node : members)
            m_group[node] = group;
        ++group;
    }
}

void SimNetwork::heal()
{
    m_group.clear();
}

void SimNetwork::recover()
{
    heal();
    m_cutLinks.clear();
    m_linkLoss.clear();
    m_linkDelay.clear();
}

bool SimNetwork::canReach(NodeId from, NodeId to) const
{
    if (m_cutLinks.contains({from, to}))
        return false;
    const auto groupOf = [this](NodeId node) {
        const auto found = m_group.find(node);
        return found == m_group.end() ? 0 : found->second;
    };
    return groupOf(from) == groupOf(to);
}

std::uint64_t SimNetwork::sentCount(MessageType type) const
{
    const auto found = m_sentByType.find(type);
    return found == m_sentByType.end() ? 0 : found->second;
}

void SimNetwork::resetStatistics()
{
    m_sentCount = 0;
    m_sentByType.clear();
}

} // namespace raftlab::sim
