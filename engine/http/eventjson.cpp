#include "eventjson.h"

#include "node/kvstore.h"
#include "storage/crc32c.h"

#include <QJsonArray>

namespace raftlab {

QString textOf(std::string_view name)
{
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

QJsonValue idOrNull(NodeId id)
{
    return id.isNone() ? QJsonValue() : QJsonValue(static_cast<qint64>(id.value));
}

namespace {

// Only the kinds of decisions the INTERFACE names get their names; the rest keep the core's.
QString streamType(const Event &event)
{
    switch (event.type) {
    case EventType::VoteGranted:
    case EventType::VoteRefused:
        return QStringLiteral("vote");
    case EventType::VoteReceived:
        return QStringLiteral("vote_received");
    case EventType::SnapshotInstalled:
    case EventType::LogCompacted:
        return QStringLiteral("snapshot");
    case EventType::TransferStarted:
    case EventType::TransferFinished:
    case EventType::TransferAborted:
        return QStringLiteral("transfer");
    default:
        return textOf(toString(event.type));
    }
}

} // namespace

QString describeCommand(const Entry &entry)
{
    if (entry.type == EntryType::NoOp)
        return QStringLiteral("no-op");
    if (entry.type == EntryType::Config) {
        const std::optional<Membership> membership = Membership::decode(entry.payload);
        if (!membership)
            return QStringLiteral("configuration (%1 bytes)").arg(entry.payload.size());
        const auto list = [](const std::vector<NodeId> &ids) {
            QStringList names;
            for (NodeId id : ids)
                names << QString::number(id.value);
            return names.join(QLatin1Char(','));
        };
        return membership->learners.empty() ? QStringLiteral("config voters %1").arg(list(membership->voters))
                                            : QStringLiteral("config voters %1 learners %2")
                                                  .arg(list(membership->voters), list(membership->learners));
    }
    KvCommand command;
    if (!KvStore::decodeCommand(entry.payload, command).isEmpty())
        return QStringLiteral("(%1 bytes)").arg(entry.payload.size());
    const auto shorten = [](const QByteArray &bytes) {
        const QString s = QString::fromUtf8(bytes.left(48));
        return bytes.size() > 48 ? s + QStringLiteral("…") : s;
    };
    QString condition;
    if (command.condition == KvCondition::IfValue)
        condition = QStringLiteral(" if %1=%2").arg(shorten(command.key), shorten(command.expected));
    else if (command.condition == KvCondition::IfAbsent)
        condition = QStringLiteral(" if %1 is absent").arg(shorten(command.key));
    if (command.operation == KvOperation::Put)
        return QStringLiteral("put %1=%2%3").arg(shorten(command.key), shorten(command.value), condition);
    if (command.operation == KvOperation::Delete)
        return QStringLiteral("delete %1%2").arg(shorten(command.key), condition);
    return QStringLiteral("(%1 bytes)").arg(entry.payload.size());
}

QJsonObject entriesJson(const Entries &entries)
{
    QJsonArray list;
    for (const Entry &entry : entries)
        list.append(
            QJsonObject{{QStringLiteral("index"), static_cast<qint64>(entry.index.value)},
                        {QStringLiteral("term"), static_cast<qint64>(entry.term.value)},
                        {QStringLiteral("command"), describeCommand(entry)},
                        // The whole command's checksum: what a safety monitor compares across
                        // nodes, where the shortened text could hide a difference.
                        {QStringLiteral("crc"),
                         static_cast<qint64>(crc32c(entry.payload.constData(),
                                                    static_cast<std::size_t>(entry.payload.size())))}});
    return QJsonObject{
        {QStringLiteral("first"), entries.empty() ? 0 : static_cast<qint64>(entries.front().index.value)},
        {QStringLiteral("last"), entries.empty() ? 0 : static_cast<qint64>(entries.back().index.value)},
        {QStringLiteral("entries"), list}};
}

QJsonObject coreEventJson(const Event &event, qint64 timeUs)
{
    QJsonObject json{{QStringLiteral("type"), streamType(event)},
                     {QStringLiteral("node"), static_cast<qint64>(event.node.value)},
                     {QStringLiteral("term"), static_cast<qint64>(event.term.value)},
                     {QStringLiteral("t_us"), timeUs},
                     {QStringLiteral("role"), textOf(toString(event.role))},
                     {QStringLiteral("event"), textOf(toString(event.type))},
                     {QStringLiteral("text"), describe(event)}};
    if (event.reason != Reason::None)
        json.insert(QStringLiteral("reason"), textOf(toString(event.reason)));
    switch (event.type) {
    case EventType::RoleChanged:
        json.insert(QStringLiteral("leader"), idOrNull(event.peer));
        break;
    case EventType::TermChanged:
        json.insert(QStringLiteral("previous_term"), static_cast<qint64>(event.otherTerm.value));
        break;
    case EventType::TimerReset:
    case EventType::ElectionTimeout:
        json.insert(QStringLiteral("ticks"), event.ticks);
        break;
    case EventType::LeaderConnectionLost:
        json.insert(QStringLiteral("leader"), idOrNull(event.peer));
        json.insert(QStringLiteral("ticks"), event.ticks);
        break;
    case EventType::VoteRequested:
        json.insert(QStringLiteral("prevote"), event.preVote);
        break;
    case EventType::VoteGranted:
    case EventType::VoteRefused:
        json.insert(QStringLiteral("candidate"), static_cast<qint64>(event.peer.value));
        json.insert(QStringLiteral("granted"), event.type == EventType::VoteGranted);
        json.insert(QStringLiteral("prevote"), event.preVote);
        json.insert(QStringLiteral("voted_for"), idOrNull(event.otherPeer));
        json.insert(QStringLiteral("answered"), !event.unanswered);
        break;
    case EventType::VoteReceived:
        json.insert(QStringLiteral("voter"), static_cast<qint64>(event.peer.value));
        json.insert(QStringLiteral("granted"), event.granted);
        json.insert(QStringLiteral("prevote"), event.preVote);
        break;
    case EventType::AppendAccepted:
    case EventType::AppendRejected:
    case EventType::LogTruncated:
    case EventType::CommitAdvanced:
    case EventType::SnapshotSent:
    case EventType::SnapshotInstalled:
    case EventType::SnapshotRefused:
    case EventType::LogCompacted:
        json.insert(QStringLiteral("index"), static_cast<qint64>(event.index.value));
        json.insert(QStringLiteral("peer"), idOrNull(event.peer));
        break;
    case EventType::HeartbeatSent:
        json.insert(QStringLiteral("read_round"), static_cast<qint64>(event.readRound));
        break;
    case EventType::TransferStarted:
    case EventType::TransferFinished:
    case EventType::TransferAborted:
        json.insert(QStringLiteral("to"), static_cast<qint64>(event.peer.value));
        json.insert(QStringLiteral("phase"),
                    event.type == EventType::TransferStarted        ? QStringLiteral("started")
                        : event.type == EventType::TransferFinished ? QStringLiteral("finished")
                                                                    : QStringLiteral("aborted"));
        break;
    case EventType::ReadRejected:
        break;
    case EventType::MemberAdded:
    case EventType::LearnerPromoted:
    case EventType::MemberRemoved:
        json.insert(QStringLiteral("member"), static_cast<qint64>(event.peer.value));
        json.insert(QStringLiteral("config_index"), static_cast<qint64>(event.index.value));
        if (event.type == EventType::MemberAdded)
            json.insert(QStringLiteral("as"),
                        event.granted ? QStringLiteral("voter") : QStringLiteral("learner"));
        break;
    }
    if (event.type == EventType::LogTruncated)
        json.insert(QStringLiteral("from"), static_cast<qint64>(event.index.value));
    return json;
}

QJsonObject messageEventJson(const char *type, NodeId node, const Message &m, quint64 traceId, qint64 timeUs)
{
    QJsonObject json{{QStringLiteral("type"), QLatin1String(type)},
                     {QStringLiteral("node"), static_cast<qint64>(node.value)},
                     {QStringLiteral("term"), static_cast<qint64>(m.term.value)},
                     {QStringLiteral("t_us"), timeUs},
                     {QStringLiteral("id"), static_cast<qint64>(traceId)},
                     {QStringLiteral("msg"), textOf(toString(m.type))},
                     {QStringLiteral("from"), static_cast<qint64>(m.from.value)},
                     {QStringLiteral("to"), static_cast<qint64>(m.to.value)},
                     {QStringLiteral("response"), isResponse(m.type)}};
    switch (m.type) {
    case MessageType::PreVote:
    case MessageType::RequestVote:
        json.insert(QStringLiteral("last_log_index"), static_cast<qint64>(m.lastLogIndex.value));
        json.insert(QStringLiteral("last_log_term"), static_cast<qint64>(m.lastLogTerm.value));
        break;
    case MessageType::PreVoteResponse:
    case MessageType::RequestVoteResponse:
        json.insert(QStringLiteral("granted"), m.granted);
        break;
    case MessageType::AppendEntries:
        json.insert(QStringLiteral("prev_index"), static_cast<qint64>(m.prevLogIndex.value));
        json.insert(QStringLiteral("prev_term"), static_cast<qint64>(m.prevLogTerm.value));
        json.insert(QStringLiteral("entries"), static_cast<qint64>(m.entries.size()));
        json.insert(QStringLiteral("commit"), static_cast<qint64>(m.commitIndex.value));
        break;
    case MessageType::AppendEntriesResponse:
        json.insert(QStringLiteral("success"), m.success);
        json.insert(QStringLiteral("match_index"), static_cast<qint64>(m.matchIndex.value));
        if (!m.success)
            json.insert(QStringLiteral("conflict_index"), static_cast<qint64>(m.conflictIndex.value));
        break;
    case MessageType::Heartbeat:
        json.insert(QStringLiteral("commit"), static_cast<qint64>(m.commitIndex.value));
        break;
    case MessageType::HeartbeatResponse:
        json.insert(QStringLiteral("success"), true);
        break;
    case MessageType::InstallSnapshot:
        json.insert(QStringLiteral("snapshot_index"), static_cast<qint64>(m.snapshot.index.value));
        json.insert(QStringLiteral("offset"), static_cast<qint64>(m.snapshotOffset));
        json.insert(QStringLiteral("bytes"), static_cast<qint64>(m.snapshotChunk.size()));
        json.insert(QStringLiteral("done"), m.snapshotDone);
        break;
    case MessageType::InstallSnapshotResponse:
        json.insert(QStringLiteral("success"), m.success);
        break;
    case MessageType::TimeoutNow:
        break;
    }
    return json;
}

} // namespace raftlab
