#pragma once

#include "kvstatemachine.h"
#include "simnode.h"

#include <QString>

#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace raftlab::sim {

// "voters {1,2,3} learners {4} (index 7)": a configuration in failures and node descriptions.
QString describeConfiguration(const Membership &membership);

// Raft's safety properties (Figure 3) and the owner-visible promises of the core, checked after every
// simulation step (safety checked at every step). Each check is incremental, so it stays
// cheap enough to run millions of times:
//  - Election Safety: at most one leader per term, over the whole history and every node that ever ran,
//    whatever configuration each believed it led (nodes join and leave; the single-server change keeps
//    old and new majorities overlapping, so even a leader of the old configuration and one of the new
//    cannot share a term). A new leader is a voter of the configuration it holds.
//  - Log Matching: an (index, term) pair names one entry everywhere, with one predecessor term, so two
//    logs that share an entry are identical up to it (checked over the cores' in-memory logs).
//  - Leader Completeness: an entry committed in term t is in the log of every leader of a later term.
//  - State Machine Safety: one command per index on every node, applied without gaps; a snapshot holds
//    exactly the state of the entries it covers.
//  - Monotonicity: a node's term never decreases (in memory, and on disk across restarts); its commit
//    index never decreases within one run of the process.
//  - One vote per term per node, even across restarts, and a vote or an append acknowledgement is
//    durable before it is sent.
//  - Linearizable reads: a confirmed ReadIndex read sees every write acknowledged before it was issued.
// The first violation is kept; the simulation stops there.
class SafetyChecker
{
public:
    // Nodes added later (membership changes) are tracked from their first report.
    explicit SafetyChecker(int nodeCount);

    bool hasViolation() const { return m_violation.has_value(); }
    const std::optional<QString> &violation() const { return m_violation; }
    void fail(const QString &what);

    // --- events reported by the nodes as they happen -----------------------------------------
    void onHardStatePersisted(NodeId node, const HardState &previous, const HardState &now);
    void onMessageSent(const Message &message, const SimDisk &senderDisk);
    void onEntryApplied(NodeId node, const Entry &entry, std::uint64_t digestAfter);
    void onSnapshotRestored(NodeId node, const Snapshot &snapshot);
    void onRestart(const SimNode &node);
    // A read issued when the newest acknowledged write anywhere was at `acknowledgedIndex`, and the
    // newest acknowledged write of its key at `keyWrittenAt`, was served with `value`.
    void onReadServed(NodeId node, LogIndex readIndex, LogIndex acknowledgedIndex, LogIndex keyWrittenAt,
                      const KvStateMachine::Value &value);

    // --- state checks, after each step ---------------------------------------------------------
    void checkNode(const SimNode &node);

    // Where each index was first committed (the term of the entry and the lowest term in which any
    // node saw it committed), for tests that want to look.
    LogIndex highestCommitted() const { return LogIndex(m_committed.size() - 1); }
    std::optional<Term> leaderTermOf(NodeId node) const;
    // The command applied at `index` (by any node), if one was.
    std::optional<QByteArray> appliedPayload(LogIndex index) const;
    const std::map<Term, NodeId> &leadersByTerm() const { return m_leaderOfTerm; }

private:
    struct EntryRecord
    {
        QByteArray payload{};
        EntryType type = EntryType::Command;
        Term previousTerm{};
    };
    struct Committed
    {
        bool known = false;
        Term term{}; // the entry's own term
        Term commitTerm{}; // the lowest current term of a node that saw it committed
    };
    struct Applied
    {
        bool known = false;
        QByteArray payload{};
        std::uint64_t digest = 0;
    };
    // Per node, what the checker has already verified, so each step only looks at what changed.
    struct NodeTrack
    {
        Term term{};
        Term persistedTerm{};
        LogIndex commit{};
        LogIndex applied{};
        std::vector<Term> verifiedTerms{}; // by absolute index: the term verified there
        LogIndex verifiedLast{};
        Term leaderTerm{}; // the term it was last seen leading, Term{} if not leading
        LogIndex completeUpTo{}; // Leader Completeness verified up to here for that term
    };

    NodeTrack &track(NodeId node);
    void checkElection(const RaftCore &core, NodeTrack &track);
    void checkLogMatching(const RaftCore &core, NodeTrack &track);
    void checkEntry(NodeId node, const Entry &entry, Term previousTerm);
    void checkCommit(const RaftCore &core, NodeTrack &track);
    void recordCommitted(LogIndex index, Term entryTerm, Term observerTerm);
    void checkLeaderCompleteness(const RaftCore &core, NodeTrack &track);
    void recordVote(NodeId voter, Term term, NodeId candidate, const char *how);

    std::optional<QString> m_violation;
    std::vector<NodeTrack> m_nodes;
    std::map<Term, NodeId> m_leaderOfTerm;
    std::map<Term, Membership> m_configurationOfTerm; // what the leader of each term believed
    std::map<std::pair<NodeId, Term>, NodeId> m_votes;
    struct KeyHash
    {
        std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t> &key) const
        {
            return std::hash<std::uint64_t>{}(key.first * 0x9E3779B97F4A7C15ULL ^ key.second);
        }
    };
    std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, EntryRecord, KeyHash> m_entries;
    std::vector<Committed> m_committed{Committed{}}; // by index; [0] unused
    std::vector<Applied> m_applied{Applied{true, {}, 0}}; // by index; [0] is the empty state
};

} // namespace raftlab::sim
