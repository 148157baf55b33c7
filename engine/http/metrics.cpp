#include "metrics.h"

namespace raftlab {

void LatencyHistogram::observeMicroseconds(qint64 us)
{
    const double seconds = static_cast<double>(us) / 1e6;
    for (std::size_t i = 0; i < bucketsSeconds.size(); ++i) {
        if (seconds <= bucketsSeconds[i])
            ++m_counts[i];
    }
    ++m_count;
    m_sumSeconds += seconds;
}

void LatencyHistogram::write(QByteArray &out, const char *name, const char *help) const
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " histogram\n";
    for (std::size_t i = 0; i < bucketsSeconds.size(); ++i)
        out += QByteArray(name) + "_bucket{le=\"" + QByteArray::number(bucketsSeconds[i]) + "\"} " +
            QByteArray::number(m_counts[i]) + '\n';
    out += QByteArray(name) + "_bucket{le=\"+Inf\"} " + QByteArray::number(m_count) + '\n';
    out += QByteArray(name) + "_sum " + QByteArray::number(m_sumSeconds, 'g', 12) + '\n';
    out += QByteArray(name) + "_count " + QByteArray::number(m_count) + '\n';
}

namespace {

void counter(QByteArray &out, const char *name, const char *help, quint64 value)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n" + name + ' ' +
        QByteArray::number(value) + '\n';
}

void labelledCounter(QByteArray &out, const char *name, const char *help, const char *label,
                     const std::map<QString, quint64> &values)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n";
    for (const auto &[key, value] : values)
        out +=
            QByteArray(name) + '{' + label + "=\"" + key.toUtf8() + "\"} " + QByteArray::number(value) + '\n';
}

std::map<QString, quint64> byTypeName(const std::map<MessageType, quint64> &byType)
{
    std::map<QString, quint64> named;
    for (const auto &[type, value] : byType) {
        const std::string_view name = toString(type);
        named[QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()))] += value;
    }
    return named;
}

} // namespace

QByteArray Metrics::render(const std::map<QString, double> &gauges) const
{
    QByteArray out;
    for (const auto &[name, value] : gauges) {
        const QByteArray full = "raftlab_" + name.toUtf8();
        out += "# TYPE " + full + " gauge\n" + full + ' ' + QByteArray::number(value, 'g', 15) + '\n';
    }
    counter(out, "raftlab_proposals_total", "Commands proposed by clients of this node.", proposals);
    counter(out, "raftlab_relayed_writes_total",
            "Client writes this node relayed to the leader over its Raft connection.", relayedWrites);
    counter(out, "raftlab_entries_committed_total", "Log entries this node learned are committed.",
            entriesCommitted);
    counter(out, "raftlab_elections_total", "Elections this node started as a candidate.", elections);
    counter(out, "raftlab_leader_changes_total", "Times this node saw a new leader.", leaderChanges);
    counter(out, "raftlab_event_subscribers_dropped_total", "Slow /events subscribers disconnected.",
            droppedSubscribers);
    labelledCounter(out, "raftlab_messages_sent_total", "Raft messages sent, by type.", "type",
                    byTypeName(messagesSent));
    labelledCounter(out, "raftlab_messages_received_total", "Raft messages received, by type.", "type",
                    byTypeName(messagesReceived));
    labelledCounter(out, "raftlab_messages_dropped_total", "Raft messages dropped, by reason.", "reason",
                    messagesDropped);
    labelledCounter(out, "raftlab_http_refused_total",
                    "HTTP requests and connections refused before a route saw them (and /events "
                    "subscribers over the cap), by error code.",
                    "error", refusedRequests);
    fsync.write(out, "raftlab_fsync_seconds", "Time to make one Ready durable (write and fdatasync).");
    requests.write(out, "raftlab_http_request_seconds", "Time from an HTTP request to its answer.");
    return out;
}

} // namespace raftlab
