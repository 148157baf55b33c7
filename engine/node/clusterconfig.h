#pragma once

// The cluster file (docs/cli.md): the cluster's name, its timing, its Raft options and
// its members. Pure: parsing and validation never touch the network, and the only I/O is reading the
// file in loadClusterConfig().

#include "core/types.h"
#include "node/nodeoptions.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace raftlab {

// "host:port". The host is an IPv4 address, a name, or an IPv6 address (written in brackets in the
// text: "[::1]:7101"; stored here without them).
struct NodeAddress
{
    QString host;
    quint16 port = 0;

    // The text form that parseNodeAddress() reads back: brackets around an IPv6 host.
    QString toString() const;
    friend bool operator==(const NodeAddress &, const NodeAddress &) = default;
};

struct ClusterMember
{
    NodeId id{};
    NodeAddress raft{};
    NodeAddress http{};

    friend bool operator==(const ClusterMember &, const ClusterMember &) = default;
};

struct ClusterConfig
{
    static constexpr int defaultHeartbeatMs = 50;
    static constexpr MillisecondRange defaultElectionTimeoutMs{150, 300};
    // As etcd: a snapshot of the whole store costs time and disk bandwidth that grow with the store.
    static constexpr int defaultSnapshotEvery = 100000;

    QString name;
    int heartbeatMs = defaultHeartbeatMs;
    MillisecondRange electionTimeoutMs = defaultElectionTimeoutMs;
    bool preVote = true;
    bool checkQuorum = true;
    int snapshotEvery = defaultSnapshotEvery; // applied entries between snapshots
    std::vector<ClusterMember> members; // "nodes", in file order; ids unique
    // "members": the ids that form the first configuration, each one of `members`; empty (the key
    // absent): all of them. A node outside it starts with no configuration and waits to be added. A
    // configuration in the data dir (log or snapshot) wins over this one.
    std::vector<NodeId> initialMembers;
    // "secret_file": the file holding the cluster secret that peers prove they know (net/handshake.h),
    // relative to the cluster file's directory; empty: no secret. The file itself is not shared: the cluster
    // file names where each machine keeps its copy.
    QString secretFile;

    // nullptr when no member has this id.
    const ClusterMember *member(NodeId id) const;
    // The ids of the first configuration: `initialMembers`, or every node.
    std::vector<NodeId> bootstrapVoters() const;

    // The cluster file, laid out like the example in docs/cli.md (one line per node), with every field
    // written out; parseClusterConfig() reads it back to an equal config.
    QByteArray toJson() const;

    friend bool operator==(const ClusterConfig &a, const ClusterConfig &b);
};

// Reads and validates a cluster file. Returns an empty string on success; otherwise one line naming
// the file and what is wrong, e.g. "cluster.json: nodes[2].raft: port 70000 is out of range 1..65535"
// (node positions count from 0, as in jq). `out` is changed only on success.
QString loadClusterConfig(const QString &path, ClusterConfig &out);

// The same, for bytes already in memory; `sourceName` begins every error line.
QString parseClusterConfig(const QByteArray &json, const QString &sourceName, ClusterConfig &out);

// "127.0.0.1:7101", "node-2.lab:7101", "[::1]:7101"; nullopt for anything else (port 0 included).
std::optional<NodeAddress> parseNodeAddress(const QString &text);

} // namespace raftlab
