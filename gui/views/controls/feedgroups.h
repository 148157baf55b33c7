#pragma once

// The event feed's type filter: the narration's `type`s gathered into a few groups a student knows by
// name ("elections", "replication", ...), so that the filter never asks them to know the stream's types.

#include <QList>
#include <QString>

#include <set>

namespace raftlab {

enum class FeedGroup { All, Elections, Replication, Messages, Faults };

// In the order the filter offers them, "all" first.
QList<FeedGroup> feedGroups();
// "Elections", "Replication", ... as the filter shows it.
QString feedGroupLabel(FeedGroup group);
// The narration types in the group; empty for All (NarrationFilter: empty means "all").
std::set<QString> feedGroupTypes(FeedGroup group);
// The group a narration type belongs to; All for a type no group claims (it shows only under "all").
FeedGroup feedGroupOf(const QString &type);

} // namespace raftlab
