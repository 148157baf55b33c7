#pragma once

// A scenario: a scripted run of a cluster, step by step, with sentences for a class and expectations
// that check what happened. The file format is described in docs/scenarios.md; this header is its
// typed form. Pure: parsing reads bytes already in memory and never touches a cluster.

#include "core/types.h"
#include "node/clusterconfig.h"

#include <QString>

#include <optional>
#include <variant>
#include <vector>

namespace raftlab::scenario {

// A node as a step names it: by id, as "leader" (whoever leads when the step runs), "any" (the leader
// when there is one, as a client that knows it would choose, else any live node), "follower" (some
// live follower), or by a label an earlier step gave with "as".
struct NodeRef
{
    enum class Kind { Id, Leader, Any, Follower, Label };
    Kind kind = Kind::Any;
    NodeId id{}; // Kind::Id
    QString label; // Kind::Label

    static NodeRef byId(NodeId id) { return NodeRef{Kind::Id, id, {}}; }
    static NodeRef byLabel(const QString &label) { return NodeRef{Kind::Label, {}, label}; }
    friend bool operator==(const NodeRef &, const NodeRef &) = default;
};

// What a client operation must end with. `NotOk` is fail or unknown; `Any` checks nothing.
enum class ExpectedOutcome { Ok, Fail, Unknown, NotOk, Any };

// --- the steps --------------------------------------------------------------------------------------

struct WaitLeader // expectation: some node leads within the time; "as" labels it
{
    int withinMs = 3000;
};

struct Sleep
{
    int ms = 0;
};

struct ClientWrite // put, delete, compare-and-swap
{
    enum class Op { Put, Delete, Cas };
    Op op = Op::Put;
    NodeRef node; // where the request is sent (any node forwards to the leader)
    QString key;
    std::optional<QString> value; // put, cas: the new value
    std::optional<QString> ifValue; // cas: the expected value; nullopt with ifAbsent
    bool ifAbsent = false;
    int timeoutMs = 3000;
    ExpectedOutcome expect = ExpectedOutcome::Ok;
    // false: the step sends the request and goes on at once; a later `expect` with "write" names it
    // by the step's "as" label and checks its outcome.
    bool wait = true;
};

struct ClientRead
{
    NodeRef node;
    QString key;
    bool local = false; // ?consistency=local: the node's own, maybe stale, state
    int timeoutMs = 3000;
    bool checkValue = false;
    std::optional<QString> expectValue; // with checkValue: nullopt = not found
    ExpectedOutcome expect = ExpectedOutcome::Ok;
};

struct ProcessFault // kill, restart, freeze, thaw
{
    enum class Kind { Kill, Restart, Freeze, Thaw };
    Kind kind = Kind::Kill;
    NodeRef node;
};

struct Partition // every link between two different groups is cut; nodes named in no group are cut off
{
    std::vector<std::vector<NodeRef>> groups;
};

struct Cut // one link, both directions; or only what `a` sends to `b` when `oneWay`
{
    NodeRef a;
    NodeRef b;
    bool oneWay = false;
};

struct Isolate
{
    NodeRef node;
};

struct Heal
{ };

struct NetFaults // as POST /admin/net on `node` (or every node)
{
    std::optional<NodeRef> node;
    int delayMs = 0;
    int jitterMs = 0;
    double loss = 0;
};

struct Timing // as POST /admin/timing on every node
{
    int heartbeatMs = 0;
    int electionTimeoutMinMs = 0;
    int electionTimeoutMaxMs = 0;
};

struct Transfer
{
    NodeRef to;
};

struct ElectionTimeout // as POST /admin/timeout: the node's election timer fires now
{
    NodeRef node;
};

struct Expect
{
    enum class Kind {
        ValueOnAll, // every live node holds key = value (local reads)
        NoLeaderFor, // no node leads for the whole duration
        TermUnchangedFor, // no node's term changes for the whole duration
        LeaderIs,
        LeaderIsNot,
        Role, // `node` has `role`
        TermAbove, // the cluster's highest term exceeds the term labelled `termLabel` (or a number)
        WriteOutcome, // an earlier non-waiting write (label `write`) ended as `outcome`
        LogsAgree, // every live node holds the same committed entries
        SnapshotOn, // `node` holds a snapshot (its log starts after one)
        // The cluster's configuration, as its leader holds it (engine/core/membership.h):
        Members, // the voters are exactly `nodes`
        Learners, // the learners are exactly `nodes` (empty: none)
        Voter, // `node` is a voter
        Learner, // `node` is a learner (added, not yet promoted)
        NotMember, // `node` is neither (removed, or never added)
    };
    Kind kind = Kind::ValueOnAll;
    int withinMs = 0; // how long the runner may wait for it to become true (0: now)
    int durationMs = 0; // NoLeaderFor, TermUnchangedFor
    QString key;
    std::optional<QString> value; // ValueOnAll: nullopt = absent everywhere
    NodeRef node; // LeaderIs, LeaderIsNot, Role, Voter, Learner, NotMember
    std::vector<NodeRef> nodes; // Members, Learners
    QString role; // Role: follower, precandidate, candidate, leader
    QString termLabel; // TermAbove: a label given by "remember_term"
    std::uint64_t term = 0; // TermAbove: a number instead
    QString write; // WriteOutcome
    ExpectedOutcome outcome = ExpectedOutcome::Ok;
    bool notCommitted = false; // WriteOutcome: the write must have been told "not_committed"
};

struct RememberTerm // labels the cluster's current highest term, for a later TermAbove
{ };

struct Chapter // a title shown above the narration from here on
{
    QString title;
};

struct Say // narration only
{ };

struct Focus // the app draws attention to a node, or to a log index (visual only; headless ignores it)
{
    std::optional<NodeRef> node;
    std::optional<std::uint64_t> logIndex;
};

struct Reset // wipe every node's data and start the cluster again, with these protocol options
{
    bool preVote = true;
    bool checkQuorum = true;
};

struct Load // a steady stream of writes in the background, until a later load with rate 0
{
    int ratePerSecond = 0;
    NodeRef node;
};

// A membership change (thesis §4), one server at a time, as POST /admin/members: the step ends when the
// cluster answers (the change is committed) and fails when it refuses (another change in progress).
struct AddNode // a new node (the next free id, its own data dir and ports) joins as a learner; "as" labels it
{
    int timeoutMs = 10000;
};

struct RemoveNode // `node` leaves the configuration (a removed leader steps down once that is committed)
{
    NodeRef node;
    int timeoutMs = 10000;
};

// --- simulation-only steps (a scenario marked "simulation_only": the step-by-step simulator) ----------

struct DeliverNext // the next pending message from `from` to `to` (of `messageType`, when given) arrives now
{
    NodeRef from;
    NodeRef to;
    QString messageType; // empty: any; else a message type name, e.g. "AppendEntries"
};

struct DropMessages // every pending message of `messageType` (from / to the nodes given) is lost
{
    QString messageType;
    std::optional<NodeRef> from;
    std::optional<NodeRef> to;
};

struct Advance // virtual time passes: everything due meanwhile happens, in order
{
    int ms = 0;
};

struct FireTimer // the node's next timer fires now: a follower's election timeout, a leader's heartbeat
{
    NodeRef node;
};

using Action =
    std::variant<WaitLeader, Sleep, ClientWrite, ClientRead, ProcessFault, Partition, Cut, Isolate, Heal,
                 NetFaults, Timing, Transfer, ElectionTimeout, Expect, RememberTerm, Chapter, Say, Focus,
                 Load, Reset, AddNode, RemoveNode, DeliverNext, DropMessages, Advance, FireTimer>;

// Whether a step can only play in a simulation (it names messages in flight or virtual time).
bool isSimulationOnly(const Action &action);

struct Step
{
    int number = 0; // from 1, as shown to the user
    QString verb; // the "do" text, for messages
    Action action;
    QString say; // narration, shown before the step runs
    bool pause = false; // the app waits for Next before running it
    QString label; // "as": names the node, write or term this step resolves
};

// The cluster.json fields a scenario may set for the cluster it starts; unset ones keep the defaults.
struct ClusterSettings
{
    std::optional<int> heartbeatMs;
    std::optional<std::pair<int, int>> electionTimeoutMs;
    bool preVote = true;
    bool checkQuorum = true;
    std::optional<int> snapshotEvery;
};

struct Scenario
{
    QString title;
    QString summary; // one line for the lesson list
    int nodes = 5;
    // The fewest nodes it can start with: its steps name node ids up to this (beyond the nodes its
    // add_node steps bring). Playing it on fewer (raftlab --nodes N) is refused.
    int nodesNeeded = 1;
    bool simulationOnly = false; // needs the step-by-step simulator (cannot be staged on processes)
    // "simulation": {"max_entries_per_append": N}: settings only a simulated cluster has.
    std::optional<int> maxEntriesPerAppend;
    ClusterSettings cluster;
    std::vector<Step> steps;
};

// Parses and checks a scenario. Returns an empty string on success; otherwise one line naming the
// source, the step (from 1) and the field, e.g. "lesson.json: step 4 (put): field 'expect': must be
// one of ok, fail, unknown, not_ok, any". Labels must be given before they are used. `out` is changed
// only on success.
QString parseScenario(const QByteArray &json, const QString &sourceName, Scenario &out);

// The same for a file.
QString loadScenario(const QString &path, Scenario &out);

// Why `scenario` cannot be played on `nodes` nodes (its steps name a node id beyond them), or empty.
// `source` names the file in the sentence.
QString nodeCountProblem(const Scenario &scenario, int nodes, const QString &source);

QString toString(ExpectedOutcome outcome);

// A step in a few words, for lists and logs: "kill the leader (as L1)", "put greeting=hello on any node",
// "expect greeting = \"hello\" on every node".
QString describe(const Step &step);

// A cluster file's settings with the scenario's values where it gives them (no name, no members).
ClusterConfig clusterConfigFor(const ClusterSettings &settings);

} // namespace raftlab::scenario
