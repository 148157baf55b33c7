#include "streamevent.h"

#include <QHash>

#include <algorithm>
#include <array>
#include <limits>

namespace raftlab {

StreamEventKind streamEventKind(const QJsonObject &event)
{
    static const QHash<QString, StreamEventKind> kinds{
        {QStringLiteral("state"), StreamEventKind::State},
        {QStringLiteral("role"), StreamEventKind::Role},
        {QStringLiteral("term"), StreamEventKind::Term},
        {QStringLiteral("timer"), StreamEventKind::Timer},
        {QStringLiteral("timeout"), StreamEventKind::Timeout},
        {QStringLiteral("vote_request"), StreamEventKind::VoteRequest},
        {QStringLiteral("vote"), StreamEventKind::Vote},
        {QStringLiteral("vote_received"), StreamEventKind::VoteReceived},
        {QStringLiteral("send"), StreamEventKind::Send},
        {QStringLiteral("recv"), StreamEventKind::Recv},
        {QStringLiteral("drop"), StreamEventKind::Drop},
        {QStringLiteral("append"), StreamEventKind::Append},
        {QStringLiteral("append_accepted"), StreamEventKind::AppendAccepted},
        {QStringLiteral("append_rejected"), StreamEventKind::AppendRejected},
        {QStringLiteral("truncate"), StreamEventKind::Truncate},
        {QStringLiteral("commit"), StreamEventKind::Commit},
        {QStringLiteral("apply"), StreamEventKind::Apply},
        {QStringLiteral("snapshot"), StreamEventKind::Snapshot},
        {QStringLiteral("heartbeat"), StreamEventKind::Heartbeat},
        {QStringLiteral("transfer"), StreamEventKind::Transfer},
        {QStringLiteral("read_rejected"), StreamEventKind::ReadRejected},
        {QStringLiteral("faults"), StreamEventKind::Faults},
    };
    return kinds.value(event.value(QLatin1StringView("type")).toString(), StreamEventKind::Other);
}

bool isMessageEvent(StreamEventKind kind)
{
    return kind == StreamEventKind::Send || kind == StreamEventKind::Recv || kind == StreamEventKind::Drop;
}

namespace eventfield {

qint64 integer(const QJsonObject &event, QLatin1StringView key, qint64 fallback)
{
    const QJsonValue value = event.value(key);
    return value.isDouble() ? value.toInteger(fallback) : fallback;
}

NodeId nodeId(const QJsonObject &event, QLatin1StringView key)
{
    const qint64 id = integer(event, key, 0);
    return id > 0 && id <= qint64(std::numeric_limits<std::uint32_t>::max()) ? NodeId(std::uint32_t(id))
                                                                             : NodeId{};
}

Term term(const QJsonObject &event, QLatin1StringView key)
{
    return Term(std::uint64_t(std::max<qint64>(0, integer(event, key, 0))));
}

LogIndex index(const QJsonObject &event, QLatin1StringView key)
{
    return LogIndex(std::uint64_t(std::max<qint64>(0, integer(event, key, 0))));
}

bool boolean(const QJsonObject &event, QLatin1StringView key, bool fallback)
{
    const QJsonValue value = event.value(key);
    return value.isBool() ? value.toBool() : fallback;
}

QString string(const QJsonObject &event, QLatin1StringView key)
{
    return event.value(key).toString();
}

qint64 timeUs(const QJsonObject &event)
{
    return integer(event, QLatin1StringView("t_us"), 0);
}

NodeId node(const QJsonObject &event)
{
    return nodeId(event, QLatin1StringView("node"));
}

} // namespace eventfield

namespace {

constexpr std::array roles{Role::Follower, Role::PreCandidate, Role::Candidate, Role::Leader};
constexpr std::array messageTypes{
    MessageType::PreVote,         MessageType::PreVoteResponse,
    MessageType::RequestVote,     MessageType::RequestVoteResponse,
    MessageType::AppendEntries,   MessageType::AppendEntriesResponse,
    MessageType::Heartbeat,       MessageType::HeartbeatResponse,
    MessageType::InstallSnapshot, MessageType::InstallSnapshotResponse,
    MessageType::TimeoutNow,
};

} // namespace

QString roleName(Role role)
{
    const std::string_view name = toString(role);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

QString messageTypeName(MessageType type)
{
    const std::string_view name = toString(type);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

std::optional<Role> roleFromString(const QString &name)
{
    for (Role role : roles)
        if (name == roleName(role))
            return role;
    return std::nullopt;
}

std::optional<MessageType> messageTypeFromString(const QString &name)
{
    static const QHash<QString, MessageType> byName = [] {
        QHash<QString, MessageType> table;
        for (MessageType type : messageTypes)
            table.insert(messageTypeName(type), type);
        return table;
    }();
    const auto it = byName.constFind(name);
    return it == byName.cend() ? std::nullopt : std::optional<MessageType>(*it);
}

} // namespace raftlab
