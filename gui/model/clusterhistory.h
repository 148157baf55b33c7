#pragma once

#include "clientwritestats.h"
#include "leaderpresence.h"
#include "ringbuffer.h"
#include "timeseries.h"

#include <QString>

#include <map>

namespace raftlab {

// A fault the user injected (kill, restart, cut, heal, freeze, thaw), drawn on the charts' time axis.
struct FaultMarker
{
    qint64 tUs = 0;
    QString label{};
};

// Everything the charts draw, over a sliding window: term and commit index per node, who led,
// client write throughput and latency, and the fault markers.
class ClusterHistory
{
public:
    explicit ClusterHistory(qint64 windowUs = 600'000'000, std::size_t maxFaultMarkers = 512);

    void recordTerm(NodeId node, qint64 tUs, Term term);
    void recordCommit(NodeId node, qint64 tUs, LogIndex commit);
    void recordLeader(qint64 tUs, NodeId leader);
    void recordClientWrite(qint64 tUs, qint64 latencyUs, WriteOutcome outcome);
    void addFaultMarker(qint64 tUs, const QString &label);
    void prune(qint64 nowUs); // drops what left the window; closes client-write seconds
    void clear();

    qint64 windowUs() const { return m_windowUs; }
    const TimeSeries *termSeries(NodeId node) const; // nullptr for a node never seen
    const TimeSeries *commitSeries(NodeId node) const;
    const TimeSeries &leaderSeries() const { return m_leaderSeries; } // the leader's id, 0 for none
    const LeaderPresence &leaderPresence() const { return m_leaderPresence; }
    const ClientWriteStats &clientWrites() const { return m_clientWrites; }
    const RingBuffer<FaultMarker> &faultMarkers() const { return m_faultMarkers; }

private:
    qint64 m_windowUs = 0;
    std::map<NodeId, TimeSeries> m_terms;
    std::map<NodeId, TimeSeries> m_commits;
    TimeSeries m_leaderSeries;
    LeaderPresence m_leaderPresence;
    ClientWriteStats m_clientWrites;
    RingBuffer<FaultMarker> m_faultMarkers;
};

} // namespace raftlab
