#include "feedgroups.h"

#include <QCoreApplication>
#include <array>
#include <utility>

namespace raftlab {

namespace {

// Every narrated type (ClusterModel::narrate, engine/http/eventjson.cpp streamType) and its group.
// `state` (a node's stream connected) sits with `connection` (it closed): both say a node came or went.
constexpr std::array<std::pair<const char *, FeedGroup>, 26> typeGroups{{
    {"role", FeedGroup::Elections},
    {"term", FeedGroup::Elections},
    {"timeout", FeedGroup::Elections},
    {"timer", FeedGroup::Elections},
    {"leader_lost", FeedGroup::Elections},
    {"vote_request", FeedGroup::Elections},
    {"vote", FeedGroup::Elections},
    {"vote_received", FeedGroup::Elections},
    {"transfer", FeedGroup::Elections},
    {"append", FeedGroup::Replication},
    {"append_accepted", FeedGroup::Replication},
    {"append_rejected", FeedGroup::Replication},
    {"commit", FeedGroup::Replication},
    {"apply", FeedGroup::Replication},
    {"truncate", FeedGroup::Replication},
    {"snapshot", FeedGroup::Replication},
    {"snapshot_sent", FeedGroup::Replication},
    {"read_rejected", FeedGroup::Replication},
    {"send", FeedGroup::Messages},
    {"recv", FeedGroup::Messages},
    {"drop", FeedGroup::Messages},
    {"heartbeat", FeedGroup::Messages},
    {"fault", FeedGroup::Faults},
    {"faults", FeedGroup::Faults},
    {"connection", FeedGroup::Faults},
    {"state", FeedGroup::Faults},
}};

} // namespace

QList<FeedGroup> feedGroups()
{
    return {FeedGroup::All, FeedGroup::Elections, FeedGroup::Replication, FeedGroup::Messages,
            FeedGroup::Faults};
}

QString feedGroupLabel(FeedGroup group)
{
    switch (group) {
    case FeedGroup::All:
        return QCoreApplication::translate("EventFeed", "All events");
    case FeedGroup::Elections:
        return QCoreApplication::translate("EventFeed", "Elections");
    case FeedGroup::Replication:
        return QCoreApplication::translate("EventFeed", "Replication");
    case FeedGroup::Messages:
        return QCoreApplication::translate("EventFeed", "Messages");
    case FeedGroup::Faults:
        return QCoreApplication::translate("EventFeed", "Faults & restarts");
    }
    return QString();
}

std::set<QString> feedGroupTypes(FeedGroup group)
{
    std::set<QString> types;
    if (group == FeedGroup::All)
        return types;
    for (const auto &[type, owner] : typeGroups)
        if (owner == group)
            types.insert(QString::fromLatin1(type));
    return types;
}

FeedGroup feedGroupOf(const QString &type)
{
    for (const auto &[name, owner] : typeGroups)
        if (type == QLatin1StringView(name))
            return owner;
    return FeedGroup::All;
}

} // namespace raftlab
