#pragma once

// A hand-driven harness for RaftCore tests (etcd's raft_paper_test.go style), no sockets, threads or sleeps.
//
// Each node is a RaftCore plus a model of its durable storage (term/vote record, snapshot, log). After
// every input the harness honours the Ready contract in its order: `messages` leave; persist hardState,
// truncateFrom, snapshot and entries; advance(); `messagesAfterPersist` leave; committed entries are
// applied. While doing so it checks the contract (nothing that promises durability is sent before it is
// durable — `messages` are checked against the storage as it was before the Ready, as a crash right then
// would leave it —, nothing applied before it is durable, a vote never changes within a term, the core's
// log equals what the owner persisted) and reports a broken one as a test failure.
//
// Two ways to drive it:
//  - by hand: step()/tick()/campaign()/propose() return what the node did (Output); the test inspects
//    the messages and decides what to deliver;
//  - as a network: post() queues messages, stabilize() delivers them (minus cut links) until quiet.

#include "core/raftcore.h"

#include <QDebug>
#include <QTest>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <utility>

// Readable QCOMPARE failures for the strong types (QTest falls back to QDebug streaming).
namespace raftlab {
inline QDebug operator<<(QDebug debug, Term term)
{
    return debug << "Term(" << term.value << ")";
}
inline QDebug operator<<(QDebug debug, LogIndex index)
{
    return debug << "LogIndex(" << index.value << ")";
}
inline QDebug operator<<(QDebug debug, NodeId id)
{
    return debug << "NodeId(" << id.value << ")";
}
} // namespace raftlab

Q_DECLARE_METATYPE(raftlab::Role)
Q_DECLARE_METATYPE(raftlab::MessageType)

namespace raftlab::test {

// Names to compare with QCOMPARE: the core's own toString(Role) would hide QTest's printer.
inline QString name(Role role)
{
    const std::string_view text = toString(role);
    return QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
}
inline QString name(MessageType type)
{
    const std::string_view text = toString(type);
    return QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
}

// What one node did in response to an input: every Ready it produced, folded together.
struct Output
{
    Messages messages;
    std::vector<HardState> hardStates;
    std::vector<LogIndex> truncations;
    Entries appended;
    Entries committed;
    Events events;
    std::vector<ReceivedSnapshot> receivedSnapshots; // handed to the owner to check
    std::vector<Snapshot> persistedSnapshots;
    std::vector<ReadState> reads; // ReadIndex requests confirmed
    std::vector<std::uint64_t> failedReads;

    Messages ofType(MessageType type) const
    {
        Messages result;
        std::copy_if(messages.begin(), messages.end(), std::back_inserter(result),
                     [type](const Message &m) { return m.type == type; });
        return result;
    }
    bool hasEvent(EventType type) const
    {
        return std::any_of(events.begin(), events.end(), [type](const Event &e) { return e.type == type; });
    }
    void add(Output other)
    {
        const auto move = [](auto &to, auto &from) {
            to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
        };
        move(messages, other.messages);
        move(hardStates, other.hardStates);
        move(truncations, other.truncations);
        move(appended, other.appended);
        move(committed, other.committed);
        move(events, other.events);
        move(receivedSnapshots, other.receivedSnapshots);
        move(persistedSnapshots, other.persistedSnapshots);
        move(reads, other.reads);
        move(failedReads, other.failedReads);
    }
};

struct ClusterOptions
{
    int size = 3;
    bool preVote = false;
    bool checkQuorum = false;
    int heartbeatTicks = 1;
    int electionTicksMin = 10;
    int electionTicksMax = 20;
    std::uint64_t seed = 1;
    std::size_t snapshotChunkBytes = 512 * 1024;
    std::uint64_t catchUpEntries = 0;
    CoreConfig::CommitNotice commitNotice = CoreConfig::CommitNotice::AtOnce;
};

// Entries at first, first+1, ... with the given terms.
inline Entries entriesWithTerms(const std::vector<int> &terms, std::uint64_t first = 1)
{
    Entries entries;
    for (int term : terms) {
        entries.push_back(Entry{.index = LogIndex(first + entries.size()),
                                .term = Term(static_cast<std::uint64_t>(term)),
                                .type = EntryType::Command,
                                .payload = QByteArray::number(first + entries.size())});
    }
    return entries;
}

inline PersistentState restoredState(std::uint64_t term, Entries entries = {}, NodeId votedFor = {})
{
    PersistentState state;
    state.hardState = HardState{Term(term), votedFor};
    state.entries = std::move(entries);
    return state;
}

inline QList<int> termsOf(const Entries &entries)
{
    QList<int> terms;
    for (const Entry &entry : entries)
        terms.push_back(static_cast<int>(entry.term.value));
    return terms;
}

inline QList<int> termsOf(const RaftLog &log)
{
    QList<int> terms;
    for (LogIndex i = log.firstIndex(); i <= log.lastIndex(); i = i.next())
        terms.push_back(static_cast<int>(log.termAt(i)->value));
    return terms;
}

inline std::vector<int> toVector(const QList<int> &list)
{
    return std::vector<int>(list.begin(), list.end());
}

// --- message builders (the fields each type uses, message.h) ---------------------------------

inline Message voteRequest(MessageType type, int from, int to, std::uint64_t term,
                           std::uint64_t lastIndex = 0, std::uint64_t lastTerm = 0)
{
    return Message{.type = type,
                   .from = NodeId(static_cast<std::uint32_t>(from)),
                   .to = NodeId(static_cast<std::uint32_t>(to)),
                   .term = Term(term),
                   .lastLogIndex = LogIndex(lastIndex),
                   .lastLogTerm = Term(lastTerm)};
}

inline Message voteResponse(MessageType type, int from, int to, std::uint64_t term, bool granted)
{
    return Message{.type = type,
                   .from = NodeId(static_cast<std::uint32_t>(from)),
                   .to = NodeId(static_cast<std::uint32_t>(to)),
                   .term = Term(term),
                   .granted = granted};
}

inline Message appendEntries(int from, int to, std::uint64_t term, std::uint64_t prevIndex,
                             std::uint64_t prevTerm, Entries entries = {}, std::uint64_t commit = 0)
{
    return Message{.type = MessageType::AppendEntries,
                   .from = NodeId(static_cast<std::uint32_t>(from)),
                   .to = NodeId(static_cast<std::uint32_t>(to)),
                   .term = Term(term),
                   .prevLogIndex = LogIndex(prevIndex),
                   .prevLogTerm = Term(prevTerm),
                   .entries = std::move(entries),
                   .commitIndex = LogIndex(commit)};
}

inline Message heartbeat(int from, int to, std::uint64_t term, std::uint64_t commit = 0)
{
    return Message{.type = MessageType::Heartbeat,
                   .from = NodeId(static_cast<std::uint32_t>(from)),
                   .to = NodeId(static_cast<std::uint32_t>(to)),
                   .term = Term(term),
                   .commitIndex = LogIndex(commit)};
}

// The answer a healthy follower with a matching log would give (etcd's acceptAndReply).
inline Message acceptReply(const Message &request)
{
    Message reply{.from = request.to, .to = request.from, .term = request.term};
    switch (request.type) {
    case MessageType::PreVote:
        reply.type = MessageType::PreVoteResponse;
        reply.granted = true;
        break;
    case MessageType::RequestVote:
        reply.type = MessageType::RequestVoteResponse;
        reply.granted = true;
        break;
    case MessageType::AppendEntries:
        reply.type = MessageType::AppendEntriesResponse;
        reply.success = true;
        reply.matchIndex = request.prevLogIndex + request.entries.size();
        break;
    case MessageType::Heartbeat:
        reply.type = MessageType::HeartbeatResponse;
        reply.readRound = request.readRound;
        break;
    default:
        reply.type = MessageType::TimeoutNow; // nothing sensible: the caller filters these out
        break;
    }
    return reply;
}

class CoreCluster
{
public:
    struct Node
    {
        std::unique_ptr<RaftCore> core;
        // The owner's durable storage.
        HardState hardState;
        Snapshot snapshot;
        Entries log;
        // What the owner did with the core's outputs so far.
        Entries applied;
        Events events;
        // Whether its state machine can restore a snapshot received from the leader (the data is opaque
        // here: a test decides).
        bool refusesSnapshots = false;
    };

    explicit CoreCluster(ClusterOptions options, std::map<std::uint32_t, PersistentState> restored = {})
        : m_options(options)
    {
        for (int i = 1; i <= options.size; ++i)
            m_members.push_back(NodeId(static_cast<std::uint32_t>(i)));
        for (NodeId id : m_members) {
            auto found = restored.find(id.value);
            restart(id, found == restored.end() ? PersistentState{} : std::move(found->second));
        }
    }

    CoreConfig config(NodeId id) const
    {
        CoreConfig config;
        config.id = id;
        if (!m_joining.contains(id))
            config.members = m_members;
        config.heartbeatTicks = m_options.heartbeatTicks;
        config.electionTimeoutTicksMin = m_options.electionTicksMin;
        config.electionTimeoutTicksMax = m_options.electionTicksMax;
        config.preVote = m_options.preVote;
        config.checkQuorum = m_options.checkQuorum;
        config.snapshotChunkBytes = m_options.snapshotChunkBytes;
        config.catchUpEntries = m_options.catchUpEntries;
        config.commitNotice = m_options.commitNotice;
        return config;
    }

    // (Re)starts a node from `state`, which becomes its durable storage. The start-up Ready is consumed.
    Output restart(NodeId id, PersistentState state)
    {
        Node &node = m_nodes[id];
        node.hardState = state.hardState;
        node.snapshot = state.snapshot;
        node.log = state.entries;
        node.applied.clear();
        node.core =
            std::make_unique<RaftCore>(config(id), std::move(state), m_options.seed * 1000 + id.value);
        return process(id);
    }

    // Starts a node that is in no configuration yet (listed in the cluster file's `nodes`, not in its
    // `members`): it waits to be added, and learns its configuration from the leader.
    Output join(NodeId id, PersistentState state = {})
    {
        m_joining.insert(id);
        return restart(id, std::move(state));
    }

    Node &node(NodeId id) { return m_nodes.at(id); }
    RaftCore &core(NodeId id) { return *m_nodes.at(id).core; }
    RaftCore &core(int id) { return core(NodeId(static_cast<std::uint32_t>(id))); }
    const std::vector<NodeId> &members() const { return m_members; }

    // --- by hand -------------------------------------------------------------------------------
    Output step(const Message &message)
    {
        core(message.to).step(message);
        return process(message.to);
    }
    Output stepAll(const Messages &messages)
    {
        Output output;
        for (const Message &message : messages)
            output.add(step(message));
        return output;
    }
    Output tick(NodeId id, int ticks = 1)
    {
        Output output;
        for (int i = 0; i < ticks; ++i) {
            core(id).tick();
            output.add(process(id));
        }
        return output;
    }
    Output campaign(NodeId id)
    {
        core(id).campaignNow();
        return process(id);
    }
    Output propose(NodeId id, const QByteArray &command)
    {
        core(id).propose(command);
        return process(id);
    }

    // Honours the Ready contract until the core has nothing more to say; returns what it did.
    Output process(NodeId id)
    {
        Node &node = m_nodes.at(id);
        Output output;
        for (int round = 0; node.core->hasReady(); ++round) {
            if (round > 1000)
                return fail(output, "hasReady() stays true: a Ready loop that never ends");
            Ready ready = node.core->takeReady();
            for (const Message &message : ready.messages)
                checkLeaving(id, node, message);
            persist(id, node, ready, output);
            node.core->advance();
            for (const Message &message : ready.messagesAfterPersist)
                checkLeaving(id, node, message);
            for (const Entry &entry : ready.committed)
                apply(id, node, entry);
            if (ready.receivedSnapshot) {
                // The owner's check of a snapshot from the leader (ready.h, step 5).
                output.receivedSnapshots.push_back(*ready.receivedSnapshot);
                if (node.refusesSnapshots)
                    node.core->refuseSnapshot(ready.receivedSnapshot->snapshot.meta);
                else
                    node.core->installSnapshot(ready.receivedSnapshot->snapshot.meta);
            }
            output.messages.insert(output.messages.end(), ready.messages.begin(), ready.messages.end());
            output.messages.insert(output.messages.end(), ready.messagesAfterPersist.begin(),
                                   ready.messagesAfterPersist.end());
            output.committed.insert(output.committed.end(), ready.committed.begin(), ready.committed.end());
            output.events.insert(output.events.end(), ready.events.begin(), ready.events.end());
            output.reads.insert(output.reads.end(), ready.reads.begin(), ready.reads.end());
            output.failedReads.insert(output.failedReads.end(), ready.failedReads.begin(),
                                      ready.failedReads.end());
            node.events.insert(node.events.end(), ready.events.begin(), ready.events.end());
        }
        if (const char *problem = node.core->log().check())
            report(id, QStringLiteral("RaftLog invariant broken: %1").arg(QLatin1String(problem)));
        return output;
    }

    // Elects `id` by hand (etcd's becomeCandidate/becomeLeader + commitNoopEntry): every other member
    // grants, then accepts every append, until the leader's no-op is committed everywhere it matters.
    void electByHand(NodeId id)
    {
        Output output = campaign(id);
        for (int round = 0; round < 10 && !output.messages.empty(); ++round) {
            Output next;
            for (const Message &message : output.messages) {
                const bool answerable = message.type == MessageType::PreVote ||
                    message.type == MessageType::RequestVote || message.type == MessageType::AppendEntries;
                if (answerable)
                    next.add(step(acceptReply(message)));
            }
            output = std::move(next);
        }
    }

    // --- as a network --------------------------------------------------------------------------
    void post(const Messages &messages)
    {
        m_inflight.insert(m_inflight.end(), messages.begin(), messages.end());
    }
    void cut(NodeId a, NodeId b)
    {
        m_cut.insert({a, b});
        m_cut.insert({b, a});
    }
    void isolate(NodeId a)
    {
        for (const auto &[b, node] : m_nodes)
            if (b != a)
                cut(a, b);
    }
    void recover() { m_cut.clear(); }

    // Delivers every message in flight, and every message that causes, until none is left.
    int stabilize(int maxDeliveries = 100000)
    {
        int delivered = 0;
        while (!m_inflight.empty()) {
            if (++delivered > maxDeliveries) {
                report(NodeId{}, QStringLiteral("the cluster did not go quiet"));
                break;
            }
            const Message message = m_inflight.front();
            m_inflight.pop_front();
            if (!m_cut.contains({message.from, message.to}))
                post(step(message).messages);
        }
        return delivered;
    }

private:
    Output fail(Output output, const char *what)
    {
        report(NodeId{}, QString::fromLatin1(what));
        return output;
    }

    static void report(NodeId id, const QString &what)
    {
        const QByteArray text = QStringLiteral("node %1: %2").arg(id.value).arg(what).toUtf8();
        QTest::qVerify(false, "Ready contract", text.constData(), __FILE__, __LINE__);
    }

    static LogIndex durableLast(const Node &node)
    {
        return node.log.empty() ? node.snapshot.meta.index : node.log.back().index;
    }

    static std::optional<Term> durableTermAt(const Node &node, LogIndex index)
    {
        if (index == node.snapshot.meta.index)
            return node.snapshot.meta.term;
        for (const Entry &entry : node.log)
            if (entry.index == index)
                return entry.term;
        return std::nullopt;
    }

    void persist(NodeId id, Node &node, const Ready &ready, Output &output)
    {
        if (ready.hardState) {
            const HardState &next = *ready.hardState;
            if (next.term < node.hardState.term)
                report(id, QStringLiteral("the persisted term went back"));
            if (next.term == node.hardState.term && !node.hardState.votedFor.isNone() &&
                next.votedFor != node.hardState.votedFor)
                report(id, QStringLiteral("the vote changed within term %1").arg(next.term.value));
            node.hardState = next;
            output.hardStates.push_back(next);
        }
        if (ready.truncateFrom) {
            std::erase_if(node.log, [&](const Entry &e) { return e.index >= *ready.truncateFrom; });
            output.truncations.push_back(*ready.truncateFrom);
        }
        if (ready.snapshot) {
            node.snapshot = *ready.snapshot;
            std::erase_if(node.log, [&](const Entry &e) { return e.index <= node.snapshot.meta.index; });
            output.persistedSnapshots.push_back(*ready.snapshot);
        }
        for (const Entry &entry : ready.entries) {
            if (entry.index != durableLast(node).next())
                report(id,
                       QStringLiteral("entry %1 does not follow the persisted log").arg(entry.index.value));
            node.log.push_back(entry);
            output.appended.push_back(entry);
        }
        // The core's view of its log must now be exactly what the owner holds.
        const RaftLog &log = node.core->log();
        if (durableLast(node) != log.lastIndex())
            report(id,
                   QStringLiteral("persisted log ends at %1, the core's at %2")
                       .arg(durableLast(node).value)
                       .arg(log.lastIndex().value));
        for (const Entry &entry : node.log)
            if (entry.index >= log.firstIndex() && log.termAt(entry.index) != entry.term)
                report(id,
                       QStringLiteral("persisted entry %1 differs from the core's").arg(entry.index.value));
    }

    void checkLeaving(NodeId id, const Node &node, const Message &message)
    {
        if (message.from != id)
            report(id, QStringLiteral("a message leaves with from = %1").arg(message.from.value));
        const bool asksAboutNextTerm = message.type == MessageType::PreVote ||
            (message.type == MessageType::PreVoteResponse && message.granted);
        if (!asksAboutNextTerm && message.term > node.hardState.term)
            report(id,
                   QStringLiteral("a message of term %1 leaves before that term is durable")
                       .arg(message.term.value));
        if (message.type == MessageType::RequestVoteResponse && message.granted &&
            !(node.hardState.term == message.term && node.hardState.votedFor == message.to))
            report(id, QStringLiteral("a vote for %1 leaves before it is durable").arg(message.to.value));
        if (message.type == MessageType::RequestVote &&
            !(node.hardState.term == message.term && node.hardState.votedFor == id))
            report(id, QStringLiteral("RequestVote leaves before the self-vote is durable"));
        if (message.type == MessageType::AppendEntriesResponse && message.success &&
            message.matchIndex > durableLast(node))
            report(
                id,
                QStringLiteral("acknowledges index %1 before it is durable").arg(message.matchIndex.value));
        if (message.type == MessageType::InstallSnapshotResponse && message.success &&
            message.matchIndex > durableLast(node))
            report(id,
                   QStringLiteral("acknowledges a snapshot up to %1 before it is durable")
                       .arg(message.matchIndex.value));
    }

    void apply(NodeId id, Node &node, const Entry &entry)
    {
        if (!node.applied.empty() && entry.index != node.applied.back().index.next())
            report(id,
                   QStringLiteral("applied %1 after %2")
                       .arg(entry.index.value)
                       .arg(node.applied.back().index.value));
        if (durableTermAt(node, entry.index) != entry.term)
            report(id, QStringLiteral("applies entry %1 that is not durable").arg(entry.index.value));
        node.applied.push_back(entry);
    }

    ClusterOptions m_options;
    std::vector<NodeId> m_members;
    std::set<NodeId> m_joining;
    std::map<NodeId, Node> m_nodes;
    std::deque<Message> m_inflight;
    std::set<std::pair<NodeId, NodeId>> m_cut;
};

} // namespace raftlab::test
