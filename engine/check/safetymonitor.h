#pragma once

// SafetyMonitor: Raft's safety properties checked live over the event streams of real nodes (the
// objects GET /events publishes). It is the outside witness of a run: it knows only what the nodes
// said, so it can catch a broken node whatever the bug inside it.
//
// The rules (Raft §5.2, §5.4.3, §5.3, Figure 3):
//   1. Election safety: at most one node is leader in a term.
//   2. State machine safety: an entry committed at an index is the same (term and command checksum) on
//      every node that commits that index, and no node applies a different entry there.
//   3. Committed entries stay: no node truncates its log at or below its own commit index.
//   4. A node's commit index never goes back while its process runs (it starts again from its
//      snapshot after a restart: a new stream is a new baseline).
//   5. A node's applied sequence is a prefix of every other's: within one stream its `apply` events
//      follow each other without a gap or a repeat, and an entry it applies is the one committed there.
//
// What a stream did not say cannot be checked: after a reconnect (a new `state` event) the node's log
// is unknown until it appends again, so gaps never cause a false alarm. Memory is bounded: only the newest
// `windowEntries` indexes are remembered.

#include "core/types.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace raftlab {

struct SafetyViolation
{
    enum class Rule {
        TwoLeaders,
        CommittedEntriesDiffer,
        CommittedEntryRemoved,
        CommitWentBack,
        AppliedNotPrefix
    };
    Rule rule = Rule::TwoLeaders;
    QString text; // one sentence naming the nodes, the term or index, and what each said
    std::vector<NodeId> nodes;
    std::uint64_t term = 0;
    std::uint64_t index = 0;
    qint64 timeUs = 0; // of the event that revealed it
    QList<QJsonObject> events; // the events that show it: the earlier claim and the one that broke it
};

QString toString(SafetyViolation::Rule rule);

class SafetyMonitor
{
public:
    static constexpr std::uint64_t defaultWindowEntries = 200'000;

    explicit SafetyMonitor(std::uint64_t windowEntries = defaultWindowEntries)
        : m_windowEntries(windowEntries)
    { }

    // Folds one event; returns the violation it reveals, if any (also kept in violations()). A `state`
    // event starts a node's stream anew (its process may have restarted).
    std::optional<SafetyViolation> fold(const QJsonObject &event);

    const std::vector<SafetyViolation> &violations() const { return m_violations; }

private:
    struct EntryId
    {
        std::uint64_t term = 0;
        qint64 crc = -1; // -1: unknown (an event without a checksum)
        QJsonObject event; // the event that told it
        friend bool operator==(const EntryId &a, const EntryId &b)
        {
            return a.term == b.term && (a.crc < 0 || b.crc < 0 || a.crc == b.crc);
        }
    };
    struct NodeKnowledge
    {
        std::map<std::uint64_t, EntryId> log; // index -> entry, as its append events said
        std::uint64_t commitIndex = 0;
        bool commitKnown = false;
        QJsonObject commitEvent;
        // The last index applied in this stream; unknown at its start and after a snapshot install.
        std::uint64_t lastApplied = 0;
        bool appliedKnown = false;
        QJsonObject appliedEvent;
    };
    struct Committed
    {
        NodeId node;
        EntryId entry;
    };

    std::optional<SafetyViolation> foldRole(NodeId node, const QJsonObject &event);
    std::optional<SafetyViolation> foldCommit(NodeId node, std::uint64_t commitIndex,
                                              const QJsonObject &event);
    std::optional<SafetyViolation> foldTruncate(NodeId node, std::uint64_t from, const QJsonObject &event);
    void foldAppend(NodeId node, const QJsonObject &event);
    std::optional<SafetyViolation> foldApply(NodeId node, const QJsonObject &event);
    std::optional<SafetyViolation> checkCommitted(NodeId node, std::uint64_t from, std::uint64_t to);
    std::optional<SafetyViolation> report(SafetyViolation violation);
    void prune();

    std::uint64_t m_windowEntries;
    std::map<NodeId, NodeKnowledge> m_nodes;
    std::map<std::uint64_t, std::pair<NodeId, QJsonObject>> m_leaders; // term -> the leader and its claim
    std::map<std::uint64_t, Committed> m_committed; // index -> the first node that committed it, and what
    std::uint64_t m_highestCommitted = 0;
    std::vector<SafetyViolation> m_violations;
};

} // namespace raftlab
