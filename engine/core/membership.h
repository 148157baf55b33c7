#pragma once

#include "types.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace raftlab {

// Where a member listens. Opaque to the core: carried in configuration entries so that a node added
// with addresses its cluster file does not know learns them from the log.
struct MemberAddress
{
    NodeId id{};
    QString raft{}; // "host:port"
    QString http{};

    friend bool operator==(const MemberAddress &, const MemberAddress &) = default;
};

// A cluster configuration (thesis §4): the voters, whose majority commits entries and elects leaders,
// and the learners, which receive the log but count in no quorum until they are promoted. `index` is the
// log index of the configuration entry that made it (0: the bootstrap configuration from the cluster
// file, which is in no log).
struct Membership
{
    LogIndex index{};
    std::vector<NodeId> voters{}; // sorted
    std::vector<NodeId> learners{}; // sorted, disjoint from voters
    std::vector<MemberAddress> addresses{}; // sorted by id; members whose addresses are known

    bool isVoter(NodeId id) const;
    bool isLearner(NodeId id) const;
    bool contains(NodeId id) const { return isVoter(id) || isLearner(id); }
    bool isEmpty() const { return voters.empty() && learners.empty(); }
    const MemberAddress *addressOf(NodeId id) const;
    // Sorts the lists and drops addresses of non-members: the form every change and decode yields.
    void normalize();

    // A configuration entry's payload (CBOR: {"voters":[..], "learners":[..], "addresses":[{"id","raft",
    // "http"}..], "index": n}); the index is written when not 0 (snapshots), entries take theirs from
    // the log. decode() returns nullopt for bytes that are not such a map.
    QByteArray encode() const;
    static std::optional<Membership> decode(const QByteArray &bytes);

    friend bool operator==(const Membership &, const Membership &) = default;
};

} // namespace raftlab
