#include "clusterhistory.h"

namespace raftlab {

ClusterHistory::ClusterHistory(qint64 windowUs, std::size_t maxFaultMarkers)
    : m_windowUs(windowUs)
    , m_leaderSeries(windowUs)
    , m_clientWrites(windowUs)
    , m_faultMarkers(maxFaultMarkers)
{ }

void ClusterHistory::recordTerm(NodeId node, qint64 tUs, Term term)
{
    m_terms.try_emplace(node, m_windowUs).first->second.append(tUs, double(term.value));
}

void ClusterHistory::recordCommit(NodeId node, qint64 tUs, LogIndex commit)
{
    m_commits.try_emplace(node, m_windowUs).first->second.append(tUs, double(commit.value));
}

void ClusterHistory::recordLeader(qint64 tUs, NodeId leader)
{
    m_leaderSeries.append(tUs, double(leader.value));
    m_leaderPresence.update(tUs, leader);
}

void ClusterHistory::recordClientWrite(qint64 tUs, qint64 latencyUs, WriteOutcome outcome)
{
    m_clientWrites.record(tUs, latencyUs, outcome);
}

void ClusterHistory::addFaultMarker(qint64 tUs, const QString &label)
{
    m_faultMarkers.push(FaultMarker{.tUs = tUs, .label = label});
}

void ClusterHistory::prune(qint64 nowUs)
{
    for (auto &[node, series] : m_terms)
        series.prune(nowUs);
    for (auto &[node, series] : m_commits)
        series.prune(nowUs);
    m_leaderSeries.prune(nowUs);
    m_clientWrites.roll(nowUs);
    while (!m_faultMarkers.isEmpty() && m_faultMarkers.front().tUs < nowUs - m_windowUs)
        m_faultMarkers.popFront();
}

void ClusterHistory::clear()
{
    m_terms.clear();
    m_commits.clear();
    m_leaderSeries.clear();
    m_leaderPresence.clear();
    m_clientWrites.clear();
    m_faultMarkers.clear();
}

const TimeSeries *ClusterHistory::termSeries(NodeId node) const
{
    const auto it = m_terms.find(node);
    return it == m_terms.end() ? nullptr : &it->second;
}

const TimeSeries *ClusterHistory::commitSeries(NodeId node) const
{
    const auto it = m_commits.find(node);
    return it == m_commits.end() ? nullptr : &it->second;
}

} // namespace raftlab
