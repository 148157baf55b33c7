#pragma once

#include "membership.h"
#include "types.h"

#include <QByteArray>

#include <optional>
#include <vector>

namespace raftlab {

enum class EntryType : std::uint8_t {
    Command = 1, // an opaque command for the state machine (the KV store decodes it)
    NoOp = 2, // appended by every new leader at once, so it can commit entries of earlier terms (§5.4.2, §8)
    Config =
        3, // a cluster configuration (membership.h), in force from the moment it is appended (thesis §4.1)
};

// One log entry. The payload is implicitly shared: copying an entry into many messages is cheap.
struct Entry
{
    LogIndex index{};
    Term term{};
    EntryType type = EntryType::Command;
    QByteArray payload{};

    friend bool operator==(const Entry &, const Entry &) = default;
};

using Entries = std::vector<Entry>;

// Term and vote: what must be durable before the node answers anyone (Raft Figure 2, "Persistent state").
struct HardState
{
    Term term{};
    NodeId votedFor{};

    friend bool operator==(const HardState &, const HardState &) = default;
};

// Where a snapshot ends: the state machine's state includes every entry up to and including `index`.
struct SnapshotMeta
{
    LogIndex index{};
    Term term{};

    friend bool operator==(const SnapshotMeta &, const SnapshotMeta &) = default;
};

struct Snapshot
{
    SnapshotMeta meta{};
    QByteArray data{}; // the state machine's own encoding (CBOR for the KV store); opaque to the core
    // The configuration in force at meta.index (thesis §4.1: the log it replaces held it); none in
    // snapshots written before configurations were logged, which leave the cluster file's in force.
    std::optional<Membership> membership{};

    bool isEmpty() const { return meta.index == LogIndex{}; }
};

// What a node restores at start: everything that was durable when it stopped.
struct PersistentState
{
    HardState hardState{};
    Snapshot snapshot{}; // empty if none was taken
    Entries entries{}; // contiguous, starting right after the snapshot
};

} // namespace raftlab
