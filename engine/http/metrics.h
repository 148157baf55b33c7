#pragma once

#include "core/message.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <map>

namespace raftlab {

// A Prometheus histogram with fixed buckets, in seconds.
class LatencyHistogram
{
public:
    void observeMicroseconds(qint64 us);
    void write(QByteArray &out, const char *name, const char *help) const;

private:
    static constexpr std::array<double, 14> bucketsSeconds{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
    std::array<quint64, bucketsSeconds.size()> m_counts{};
    quint64 m_count = 0;
    double m_sumSeconds = 0;
};

// Everything /metrics counts, written in the Prometheus text format (version 0.0.4).
struct Metrics
{
    quint64 proposals = 0;
    quint64 relayedWrites = 0; // client writes relayed to the leader over the Raft connection
    quint64 entriesCommitted = 0;
    quint64 elections = 0; // times this node became a candidate
    quint64 leaderChanges = 0;
    quint64 droppedSubscribers = 0;
    // By message type: counted for every message, so keyed by the type itself (a name as key would cost
    // a QString per message); named when rendered.
    std::map<MessageType, quint64> messagesSent;
    std::map<MessageType, quint64> messagesReceived;
    std::map<QString, quint64> messagesDropped; // by reason
    std::map<QString, quint64> refusedRequests; // HTTP requests and connections refused, by error code
    LatencyHistogram fsync;
    LatencyHistogram requests;

    // `gauges`: name -> value, written as gauges with the raftlab_ prefix.
    QByteArray render(const std::map<QString, double> &gauges) const;
};

} // namespace raftlab
