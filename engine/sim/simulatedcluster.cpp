#include "simulatedcluster.h"

#include "http/eventjson.h"
#include "node/kvstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace raftlab::sim {

namespace {

constexpr qint64 never = std::numeric_limits<qint64>::max();
constexpr std::uint64_t noStop = std::numeric_limits<std::uint64_t>::max();

std::optional<MessageType> messageTypeNamed(const QString &name)
{
    for (int value = int(MessageType::PreVote); value <= int(MessageType::TimeoutNow); ++value) {
        const auto type = static_cast<MessageType>(value);
        if (textOf(toString(type)).compare(name, Qt::CaseInsensitive) == 0)
            return type;
    }
    return std::nullopt;
}

const char *progressName(ProgressState state)
{
    return state == ProgressState::Probe    ? "probe"
        : state == ProgressState::Replicate ? "replicate"
                                            : "snapshot";
}

std::optional<AdversarialFault> adversaryNamed(const QString &name)
{
    for (AdversarialFault fault :
         {AdversarialFault::None, AdversarialFault::ForgetVoteOnRestart,
          AdversarialFault::InflateCandidateLog, AdversarialFault::CommitOldTermEntries}) {
        if (name == QLatin1String(toString(fault)))
            return fault;
    }
    return std::nullopt;
}

bool isSimpleWord(const QString &text)
{
    return !text.isEmpty() && text.size() <= 256 &&
        std::none_of(text.begin(), text.end(), [](QChar c) { return c.isSpace(); });
}

// Which of Figure 3's properties (or the owner-visible promises) a checker sentence names.
Violation describeViolation(const QString &text)
{
    Violation violation;
    violation.text = text;
    for (const char *name :
         {"Election Safety", "Log Matching", "Leader Completeness", "State Machine Safety"}) {
        if (text.contains(QLatin1String(name)))
            violation.invariant = QLatin1String(name);
    }
    if (violation.invariant.isEmpty()) {
        violation.invariant = text.contains(QLatin1String("vote")) ? QStringLiteral("One vote per term")
            : text.contains(QLatin1String("stale read"))           ? QStringLiteral("Linearizable reads")
            : text.contains(QLatin1String("term"))                 ? QStringLiteral("Monotonic terms")
                                                                   : QStringLiteral("Safety");
    }
    // "node 3", "nodes 1 and 2", "leader 5 of term 4"; "index 7", "entry 7", "entry (7, term 2)".
    static const QRegularExpression nodePattern(
        QStringLiteral("\\b(?:nodes?|leader) (\\d+)(?: and (\\d+))?"));
    for (auto match = nodePattern.globalMatch(text); match.hasNext();) {
        const auto found = match.next();
        for (int group = 1; group <= 2; ++group) {
            if (found.hasCaptured(group)) {
                const NodeId id(found.captured(group).toUInt());
                if (std::find(violation.nodes.begin(), violation.nodes.end(), id) == violation.nodes.end())
                    violation.nodes.push_back(id);
            }
        }
    }
    static const QRegularExpression indexPattern(QStringLiteral("\\b(?:index|entry) \\(?(\\d+)"));
    if (const auto found = indexPattern.match(text); found.hasMatch())
        violation.index = LogIndex(found.captured(1).toULongLong());
    return violation;
}

QJsonArray idsJson(const std::vector<NodeId> &ids)
{
    QJsonArray array;
    for (NodeId id : ids)
        array.append(qint64(id.value));
    return array;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Configuration and choices as JSON.

QString SimulatedClusterConfig::problem() const
{
    if (nodes < 1 || nodes > 15)
        return QStringLiteral("nodes must be 1 to 15");
    if (tickMs < 1 || tickMs > 1000)
        return QStringLiteral("tick_ms must be 1 to 1000");
    if (heartbeatMs < tickMs || heartbeatMs % tickMs != 0)
        return QStringLiteral("heartbeat_ms must be a multiple of tick_ms");
    if (electionTimeoutMinMs <= heartbeatMs || electionTimeoutMaxMs <= electionTimeoutMinMs)
        return QStringLiteral("election_timeout_ms must be [min, max] with heartbeat_ms < min < max");
    if (delayMinMs < 0 || delayMaxMs < delayMinMs || delayMaxMs > 60'000)
        return QStringLiteral("delay_ms must be [min, max] with 0 <= min <= max <= 60000");
    if (maxEntriesPerAppend < 1 || maxEntriesPerAppend > 100'000)
        return QStringLiteral("max_entries_per_append must be 1 to 100000");
    if (snapshotEvery < 0)
        return QStringLiteral("snapshot_every must not be negative");
    return {};
}

QJsonObject SimulatedClusterConfig::toJson() const
{
    return QJsonObject{
        {QStringLiteral("nodes"), nodes},
        {QStringLiteral("prevote"), preVote},
        {QStringLiteral("check_quorum"), checkQuorum},
        {QStringLiteral("tick_ms"), tickMs},
        {QStringLiteral("heartbeat_ms"), heartbeatMs},
        {QStringLiteral("election_timeout_ms"), QJsonArray{electionTimeoutMinMs, electionTimeoutMaxMs}},
        {QStringLiteral("delay_ms"), QJsonArray{delayMinMs, delayMaxMs}},
        {QStringLiteral("snapshot_every"), snapshotEvery},
        {QStringLiteral("adversary"), QLatin1String(toString(adversary))}};
}

QString SimulatedClusterConfig::fromJson(const QJsonObject &json, SimulatedClusterConfig &out)
{
    SimulatedClusterConfig config = out;
    static const QStringList known{
        QStringLiteral("nodes"),    QStringLiteral("prevote"),        QStringLiteral("check_quorum"),
        QStringLiteral("tick_ms"),  QStringLiteral("heartbeat_ms"),   QStringLiteral("election_timeout_ms"),
        QStringLiteral("delay_ms"), QStringLiteral("snapshot_every"), QStringLiteral("adversary")};
    for (const QString &key : json.keys()) {
        if (!known.contains(key))
            return QStringLiteral("config: unknown field '%1'").arg(key);
    }
    const auto integer = [&json](const char *name, int &into) {
        const QJsonValue value = json.value(QLatin1String(name));
        if (value.isUndefined())
            return true;
        if (!value.isDouble() || value.toDouble() != double(value.toInt()))
            return false;
        into = value.toInt();
        return true;
    };
    const auto boolean = [&json](const char *name, bool &into) {
        const QJsonValue value = json.value(QLatin1String(name));
        if (value.isUndefined())
            return true;
        if (!value.isBool())
            return false;
        into = value.toBool();
        return true;
    };
    const auto range = [&json](const char *name, int &min, int &max) {
        const QJsonValue value = json.value(QLatin1String(name));
        if (value.isUndefined())
            return true;
        const QJsonArray array = value.toArray();
        if (!value.isArray() || array.size() != 2 || !array[0].isDouble() || !array[1].isDouble())
            return false;
        min = array[0].toInt();
        max = array[1].toInt();
        return true;
    };
    for (const char *name :
         {"nodes", "tick_ms", "heartbeat_ms", "snapshot_every", "max_entries_per_append"}) {
        int *field = QLatin1String(name) == QLatin1String("nodes")   ? &config.nodes
            : QLatin1String(name) == QLatin1String("tick_ms")        ? &config.tickMs
            : QLatin1String(name) == QLatin1String("heartbeat_ms")   ? &config.heartbeatMs
            : QLatin1String(name) == QLatin1String("snapshot_every") ? &config.snapshotEvery
                                                                     : &config.maxEntriesPerAppend;
        if (!integer(name, *field))
            return QStringLiteral("config: field '%1' must be an integer").arg(QLatin1String(name));
    }
    if (!boolean("prevote", config.preVote))
        return QStringLiteral("config: field 'prevote' must be true or false");
    if (!boolean("check_quorum", config.checkQuorum))
        return QStringLiteral("config: field 'check_quorum' must be true or false");
    if (!range("election_timeout_ms", config.electionTimeoutMinMs, config.electionTimeoutMaxMs))
        return QStringLiteral("config: field 'election_timeout_ms' must be [min, max]");
    if (!range("delay_ms", config.delayMinMs, config.delayMaxMs))
        return QStringLiteral("config: field 'delay_ms' must be [min, max]");
    if (json.contains(QLatin1String("adversary"))) {
        const auto fault = adversaryNamed(json.value(QLatin1String("adversary")).toString());
        if (!fault)
            return QStringLiteral("config: field 'adversary' must be none, forget-vote-on-restart, "
                                  "inflate-candidate-log or commit-old-term-entries");
        config.adversary = *fault;
    }
    if (const QString problem = config.problem(); !problem.isEmpty())
        return QStringLiteral("config: %1").arg(problem);
    out = config;
    return {};
}

namespace {

struct ChoiceName
{
    Choice::Kind kind;
    const char *name;
};

constexpr ChoiceName choiceNames[] = {
    {Choice::Kind::Step, "step"},
    {Choice::Kind::Deliver, "deliver"},
    {Choice::Kind::Drop, "drop"},
    {Choice::Kind::Duplicate, "duplicate"},
    {Choice::Kind::FireTimer, "fire_timer"},
    {Choice::Kind::AdvanceTo, "advance_to"},
    {Choice::Kind::Crash, "crash"},
    {Choice::Kind::Restart, "restart"},
    {Choice::Kind::Freeze, "freeze"},
    {Choice::Kind::Thaw, "thaw"},
    {Choice::Kind::Cut, "cut"},
    {Choice::Kind::Heal, "heal"},
    {Choice::Kind::Partition, "partition"},
    {Choice::Kind::Net, "net"},
    {Choice::Kind::Put, "put"},
    {Choice::Kind::Get, "get"},
    {Choice::Kind::Transfer, "transfer"},
    {Choice::Kind::DropType, "drop_type"},
};

} // namespace

QJsonObject Choice::toJson() const
{
    QJsonObject json;
    for (const ChoiceName &entry : choiceNames) {
        if (entry.kind == kind)
            json.insert(QStringLiteral("do"), QLatin1String(entry.name));
    }
    const auto id = [](NodeId node) {
        return qint64(node.value);
    };
    switch (kind) {
    case Kind::Step:
        json.insert(QStringLiteral("count"), qint64(count));
        break;
    case Kind::Deliver:
    case Kind::Drop:
    case Kind::Duplicate:
        json.insert(QStringLiteral("event"), qint64(event));
        break;
    case Kind::AdvanceTo:
        json.insert(QStringLiteral("t_us"), timeUs);
        break;
    case Kind::FireTimer:
    case Kind::Crash:
    case Kind::Restart:
    case Kind::Freeze:
    case Kind::Thaw:
        json.insert(QStringLiteral("node"), id(node));
        break;
    case Kind::Cut:
        if (oneWay) {
            json.insert(QStringLiteral("from"), id(node));
            json.insert(QStringLiteral("to"), id(peer));
        } else {
            json.insert(QStringLiteral("between"), QJsonArray{id(node), id(peer)});
        }
        break;
    case Kind::Heal:
        break;
    case Kind::Partition: {
        QJsonArray list;
        for (const auto &group : groups)
            list.append(idsJson(group));
        json.insert(QStringLiteral("groups"), list);
        break;
    }
    case Kind::Net:
        json.insert(QStringLiteral("node"), id(node));
        json.insert(QStringLiteral("delay_ms"), delayMs);
        json.insert(QStringLiteral("loss"), loss);
        json.insert(QStringLiteral("duplicate"), duplicate);
        break;
    case Kind::Put:
        json.insert(QStringLiteral("node"), id(node));
        json.insert(QStringLiteral("key"), key);
        json.insert(QStringLiteral("value"), value);
        break;
    case Kind::Get:
        json.insert(QStringLiteral("node"), id(node));
        json.insert(QStringLiteral("key"), key);
        break;
    case Kind::Transfer:
        json.insert(QStringLiteral("to"), id(node));
        break;
    case Kind::DropType:
        json.insert(QStringLiteral("type"), textOf(toString(messageType)));
        if (!node.isNone())
            json.insert(QStringLiteral("from"), id(node));
        if (!peer.isNone())
            json.insert(QStringLiteral("to"), id(peer));
        break;
    }
    return json;
}

QString Choice::fromJson(const QJsonObject &json, Choice &out)
{
    Choice choice;
    const QString verb = json.value(QLatin1String("do")).toString();
    bool known = false;
    for (const ChoiceName &entry : choiceNames) {
        if (verb == QLatin1String(entry.name)) {
            choice.kind = entry.kind;
            known = true;
        }
    }
    if (!known)
        return QStringLiteral("unknown choice '%1'").arg(verb);
    const auto number = [&json](const char *name, qint64 &into) {
        const QJsonValue value = json.value(QLatin1String(name));
        if (!value.isDouble() || value.toDouble() < 0)
            return false;
        into = value.toInteger();
        return true;
    };
    const auto node = [&](const char *name, NodeId &into) {
        qint64 value = 0;
        if (!number(name, value) || value < 1)
            return false;
        into = NodeId(std::uint32_t(value));
        return true;
    };
    const auto bad = [&verb](const char *field) {
        return QStringLiteral("choice '%1': field '%2' is missing or wrong").arg(verb, QLatin1String(field));
    };
    qint64 value = 0;
    switch (choice.kind) {
    case Kind::Step:
        if (!number("count", value) || value < 1)
            return bad("count");
        choice.count = std::uint64_t(value);
        break;
    case Kind::Deliver:
    case Kind::Drop:
    case Kind::Duplicate:
        if (!number("event", value))
            return bad("event");
        choice.event = SimEventId(value);
        break;
    case Kind::AdvanceTo:
        if (!number("t_us", choice.timeUs))
            return bad("t_us");
        break;
    case Kind::FireTimer:
    case Kind::Crash:
    case Kind::Restart:
    case Kind::Freeze:
    case Kind::Thaw:
        if (!node("node", choice.node))
            return bad("node");
        break;
    case Kind::Cut:
        if (json.contains(QLatin1String("between"))) {
            const QJsonArray pair = json.value(QLatin1String("between")).toArray();
            if (pair.size() != 2 || pair[0].toInt() < 1 || pair[1].toInt() < 1)
                return bad("between");
            choice.node = NodeId(std::uint32_t(pair[0].toInt()));
            choice.peer = NodeId(std::uint32_t(pair[1].toInt()));
        } else {
            if (!node("from", choice.node) || !node("to", choice.peer))
                return bad("from/to");
            choice.oneWay = true;
        }
        break;
    case Kind::Heal:
        break;
    case Kind::Partition:
        for (const QJsonValue &group : json.value(QLatin1String("groups")).toArray()) {
            std::vector<NodeId> members;
            for (const QJsonValue &member : group.toArray()) {
                if (member.toInt() < 1)
                    return bad("groups");
                members.emplace_back(std::uint32_t(member.toInt()));
            }
            choice.groups.push_back(members);
        }
        break;
    case Kind::Net:
        if (!node("node", choice.node))
            return bad("node");
        choice.delayMs = json.value(QLatin1String("delay_ms")).toInt();
        choice.loss = json.value(QLatin1String("loss")).toDouble();
        choice.duplicate = json.value(QLatin1String("duplicate")).toDouble();
        break;
    case Kind::Put:
    case Kind::Get:
        if (!node("node", choice.node))
            return bad("node");
        choice.key = json.value(QLatin1String("key")).toString();
        choice.value = json.value(QLatin1String("value")).toString();
        break;
    case Kind::Transfer:
        if (!node("to", choice.node))
            return bad("to");
        break;
    case Kind::DropType: {
        const auto type = messageTypeNamed(json.value(QLatin1String("type")).toString());
        if (!type)
            return bad("type");
        choice.messageType = *type;
        if (json.contains(QLatin1String("from")) && !node("from", choice.node))
            return bad("from");
        if (json.contains(QLatin1String("to")) && !node("to", choice.peer))
            return bad("to");
        break;
    }
    }
    out = choice;
    return {};
}

// ---------------------------------------------------------------------------------------------
// The state of a run: everything a checkpoint copies.

struct SimulatedCluster::World
{
    explicit World(int nodeCount, std::uint64_t seed)
        : random(seed)
        , checker(nodeCount)
    { }

    struct Runtime
    {
        bool frozen = false;
        qint64 phaseUs = 0; // this node's ticks fall at phaseUs + k * tick
        qint64 nextTickUs = 0;
        SimEventId timerId = 0;
        qint64 timerDueUs = -1; // -1: no timer (down, frozen, halted)
        int delayMs = 0;
        double loss = 0;
        double duplicate = 0;
    };
    struct InFlight
    {
        Message message{};
        qint64 dueUs = 0;
    };

    Random random;
    qint64 now = 0;
    std::uint64_t steps = 0;
    SimEventId nextId = 1;
    std::vector<SimNode> nodes{};
    std::vector<Runtime> runtime{};
    std::map<SimEventId, InFlight> messages{};
    std::set<std::pair<qint64, SimEventId>> order{}; // messages by (due, id)
    std::set<std::pair<std::uint32_t, std::uint32_t>> blocked{}; // (from, to)
    std::map<std::pair<std::uint32_t, std::uint32_t>, qint64> linkDue{}; // each link delivers in order
    SafetyChecker checker;
    std::optional<Violation> violation{};
    std::map<std::uint64_t, SimRead> reads{};
    std::uint64_t lastReadId = 0;
    LogIndex lastProposalIndex{};
    Term lastProposalTerm{};
    // Where the run stands in the list of choices: a checkpoint resumes from here.
    std::size_t choiceIndex = 0;
    std::uint64_t stepsIntoChoice = 0;
};

struct SimulatedCluster::Checkpoint
{
    World world;
};

// ---------------------------------------------------------------------------------------------

SimulatedCluster::SimulatedCluster(const SimulatedClusterConfig &config, std::uint64_t seed)
    : m_config(config)
    , m_seed(seed)
    , m_world(std::make_unique<World>(config.nodes, seed))
    , m_adversary(makeAdversary(config.adversary))
{
    Q_ASSERT(config.problem().isEmpty());
    std::vector<NodeId> members;
    for (int i = 1; i <= config.nodes; ++i)
        members.emplace_back(static_cast<std::uint32_t>(i));
    World &world = *m_world;
    for (NodeId id : members) {
        CoreConfig core;
        core.id = id;
        core.members = members;
        core.preVote = config.preVote;
        core.checkQuorum = config.checkQuorum;
        core.heartbeatTicks = config.heartbeatMs / config.tickMs;
        core.electionTimeoutTicksMin = config.electionTimeoutMinMs / config.tickMs;
        core.electionTimeoutTicksMax = config.electionTimeoutMaxMs / config.tickMs;
        core.maxEntriesPerAppend = std::size_t(config.maxEntriesPerAppend);
        world.nodes.emplace_back(core, static_cast<SimObserver &>(*this));
        world.nodes.back().setSnapshotInterval(config.snapshotEvery);
        World::Runtime runtime;
        runtime.phaseUs = world.random.between(0, tickUs());
        runtime.nextTickUs = runtime.phaseUs;
        world.runtime.push_back(runtime);
    }
    for (int i = 0; i < config.nodes; ++i) {
        if (m_adversary)
            m_adversary->onRestart(world.nodes[std::size_t(i)].id(), world.nodes[std::size_t(i)].disk());
        world.nodes[std::size_t(i)].start(world.random.next());
        world.checker.onRestart(world.nodes[std::size_t(i)]);
        afterInput(i);
    }
    refreshTimers();
    m_checkpoints.push_back(Checkpoint{*m_world});
    m_checkpointCount = 1;
}

SimulatedCluster::~SimulatedCluster() = default;

qint64 SimulatedCluster::nowUs() const
{
    return m_world->now;
}

std::uint64_t SimulatedCluster::stepCount() const
{
    return m_world->steps;
}

const std::optional<Violation> &SimulatedCluster::violation() const
{
    return m_world->violation;
}

std::vector<NodeId> SimulatedCluster::nodeIds() const
{
    std::vector<NodeId> ids;
    for (const SimNode &node : m_world->nodes)
        ids.push_back(node.id());
    return ids;
}

bool SimulatedCluster::isUp(NodeId id) const
{
    return validNode(id) && m_world->nodes[std::size_t(indexOf(id))].isUp();
}

bool SimulatedCluster::isFrozen(NodeId id) const
{
    return validNode(id) && m_world->runtime[std::size_t(indexOf(id))].frozen;
}

const RaftCore *SimulatedCluster::core(NodeId id) const
{
    return isUp(id) ? &m_world->nodes[std::size_t(indexOf(id))].core() : nullptr;
}

const KvStateMachine &SimulatedCluster::stateMachine(NodeId id) const
{
    return m_world->nodes[std::size_t(indexOf(id))].stateMachine();
}

const SimDisk &SimulatedCluster::disk(NodeId id) const
{
    return m_world->nodes[std::size_t(indexOf(id))].disk();
}

std::optional<NodeId> SimulatedCluster::leader() const
{
    std::optional<NodeId> best;
    Term bestTerm;
    for (const SimNode &node : m_world->nodes) {
        if (node.isUp() && !isFrozen(node.id()) && node.core().role() == Role::Leader &&
            (!best || node.core().term() > bestTerm)) {
            best = node.id();
            bestTerm = node.core().term();
        }
    }
    return best;
}

Term SimulatedCluster::highestTerm() const
{
    Term highest;
    for (const SimNode &node : m_world->nodes) {
        if (node.isUp())
            highest = std::max(highest, node.core().term());
    }
    return highest;
}

bool SimulatedCluster::canReach(NodeId from, NodeId to) const
{
    return !m_world->blocked.contains({from.value, to.value});
}

std::optional<QByteArray> SimulatedCluster::appliedPayload(LogIndex index) const
{
    return m_world->checker.appliedPayload(index);
}

LogIndex SimulatedCluster::lastProposalIndex() const
{
    return m_world->lastProposalIndex;
}

Term SimulatedCluster::lastProposalTerm() const
{
    return m_world->lastProposalTerm;
}

std::uint64_t SimulatedCluster::lastReadId() const
{
    return m_world->lastReadId;
}

SimRead SimulatedCluster::readResult(std::uint64_t readId) const
{
    const auto found = m_world->reads.find(readId);
    return found == m_world->reads.end() ? SimRead{} : found->second;
}

// ---------------------------------------------------------------------------------------------
// What is pending.

QString SimulatedCluster::summaryOf(const Message &m) const
{
    QString text = QStringLiteral("%1 %2→%3 term %4")
                       .arg(textOf(toString(m.type)))
                       .arg(m.from.value)
                       .arg(m.to.value)
                       .arg(m.term.value);
    switch (m.type) {
    case MessageType::PreVote:
    case MessageType::RequestVote:
        return text + QStringLiteral(": last log %1/%2").arg(m.lastLogIndex.value).arg(m.lastLogTerm.value);
    case MessageType::PreVoteResponse:
    case MessageType::RequestVoteResponse:
        return text + (m.granted ? QStringLiteral(": granted") : QStringLiteral(": refused"));
    case MessageType::AppendEntries:
        return text +
            QStringLiteral(": prev %1/%2, %3 entr%4, commit %5")
                .arg(m.prevLogIndex.value)
                .arg(m.prevLogTerm.value)
                .arg(m.entries.size())
                .arg(m.entries.size() == 1 ? QStringLiteral("y") : QStringLiteral("ies"))
                .arg(m.commitIndex.value);
    case MessageType::AppendEntriesResponse:
        return text +
            (m.success ? QStringLiteral(": ok, match %1").arg(m.matchIndex.value)
                       : QStringLiteral(": rejected, conflict at %1").arg(m.conflictIndex.value));
    case MessageType::Heartbeat:
        return text + QStringLiteral(": commit %1").arg(m.commitIndex.value);
    case MessageType::InstallSnapshot:
        return text + QStringLiteral(": snapshot up to %1").arg(m.snapshot.index.value);
    default:
        return text;
    }
}

std::vector<PendingEvent> SimulatedCluster::pendingEvents() const
{
    const World &world = *m_world;
    std::vector<PendingEvent> events;
    events.reserve(world.messages.size() + world.runtime.size());
    for (const auto &[due, id] : world.order) {
        const World::InFlight &flight = world.messages.at(id);
        const Message &m = flight.message;
        events.push_back(PendingEvent{.id = id,
                                      .kind = PendingEvent::Kind::Message,
                                      .from = m.from,
                                      .to = m.to,
                                      .messageType = m.type,
                                      .term = m.term,
                                      .dueUs = due,
                                      .held = isFrozen(m.to),
                                      .blocked = !canReach(m.from, m.to),
                                      .summary = summaryOf(m)});
    }
    for (std::size_t i = 0; i < world.runtime.size(); ++i) {
        const World::Runtime &runtime = world.runtime[i];
        if (runtime.timerDueUs < 0)
            continue;
        const SimNode &node = world.nodes[i];
        const bool leads = node.core().role() == Role::Leader;
        events.push_back(PendingEvent{
            .id = runtime.timerId,
            .kind = PendingEvent::Kind::Timer,
            .from = node.id(),
            .to = node.id(),
            .term = node.core().term(),
            .dueUs = runtime.timerDueUs,
            .heartbeat = leads,
            .summary = QStringLiteral("node %1: %2")
                           .arg(node.id().value)
                           .arg(leads ? QStringLiteral("heartbeat") : QStringLiteral("election timeout"))});
    }
    // Delivery order: what step() takes first comes first; a held message waits behind everything.
    std::stable_sort(events.begin(), events.end(), [](const PendingEvent &a, const PendingEvent &b) {
        if (a.held != b.held)
            return !a.held;
        return a.dueUs != b.dueUs ? a.dueUs < b.dueUs : a.id < b.id;
    });
    return events;
}

std::optional<PendingEvent> SimulatedCluster::nextEvent() const
{
    const std::vector<PendingEvent> events = pendingEvents();
    if (events.empty() || events.front().held)
        return std::nullopt;
    return events.front();
}

std::optional<PendingEvent> SimulatedCluster::pendingEvent(SimEventId id) const
{
    for (const PendingEvent &event : pendingEvents()) {
        if (event.id == id)
            return event;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Actions and choices.

bool SimulatedCluster::step()
{
    return apply(Choice{.kind = Choice::Kind::Step, .count = 1});
}

std::uint64_t SimulatedCluster::runSteps(std::uint64_t count)
{
    const std::uint64_t before = stepCount();
    if (count > 0)
        apply(Choice{.kind = Choice::Kind::Step, .count = count});
    return stepCount() - before;
}

bool SimulatedCluster::deliver(SimEventId id)
{
    return apply(Choice{.kind = Choice::Kind::Deliver, .event = id});
}

bool SimulatedCluster::drop(SimEventId id)
{
    return apply(Choice{.kind = Choice::Kind::Drop, .event = id});
}

bool SimulatedCluster::duplicate(SimEventId id)
{
    return apply(Choice{.kind = Choice::Kind::Duplicate, .event = id});
}

bool SimulatedCluster::fireTimerNow(NodeId id)
{
    return apply(Choice{.kind = Choice::Kind::FireTimer, .node = id});
}

bool SimulatedCluster::advance(qint64 virtualUs)
{
    return virtualUs >= 0 && apply(Choice{.kind = Choice::Kind::AdvanceTo, .timeUs = nowUs() + virtualUs});
}

bool SimulatedCluster::crash(NodeId id)
{
    return apply(Choice{.kind = Choice::Kind::Crash, .node = id});
}

bool SimulatedCluster::restart(NodeId id)
{
    return apply(Choice{.kind = Choice::Kind::Restart, .node = id});
}

bool SimulatedCluster::freeze(NodeId id)
{
    return apply(Choice{.kind = Choice::Kind::Freeze, .node = id});
}

bool SimulatedCluster::thaw(NodeId id)
{
    return apply(Choice{.kind = Choice::Kind::Thaw, .node = id});
}

bool SimulatedCluster::cut(NodeId a, NodeId b)
{
    return apply(Choice{.kind = Choice::Kind::Cut, .node = a, .peer = b});
}

bool SimulatedCluster::cutOneWay(NodeId from, NodeId to)
{
    return apply(Choice{.kind = Choice::Kind::Cut, .node = from, .peer = to, .oneWay = true});
}

bool SimulatedCluster::heal()
{
    return apply(Choice{.kind = Choice::Kind::Heal});
}

bool SimulatedCluster::partition(const std::vector<std::vector<NodeId>> &groups)
{
    return apply(Choice{.kind = Choice::Kind::Partition, .groups = groups});
}

bool SimulatedCluster::setNetFaults(NodeId id, int delayMs, double loss, double duplicate)
{
    return apply(Choice{
        .kind = Choice::Kind::Net, .node = id, .delayMs = delayMs, .loss = loss, .duplicate = duplicate});
}

bool SimulatedCluster::put(NodeId at, const QString &key, const QString &value)
{
    return apply(Choice{.kind = Choice::Kind::Put, .node = at, .key = key, .value = value});
}

bool SimulatedCluster::get(NodeId at, const QString &key)
{
    return apply(Choice{.kind = Choice::Kind::Get, .node = at, .key = key});
}

bool SimulatedCluster::transferLeadership(NodeId to)
{
    return apply(Choice{.kind = Choice::Kind::Transfer, .node = to});
}

bool SimulatedCluster::dropMessagesOfType(MessageType type, NodeId from, NodeId to)
{
    return apply(Choice{.kind = Choice::Kind::DropType, .node = from, .peer = to, .messageType = type});
}

bool SimulatedCluster::apply(const Choice &choice)
{
    if (m_world->violation)
        return false; // the run stopped at the violation; rewind to go on
    forgetFuture(); // a new choice: the present is a new branch, and the checkpoint slots are its
    World &world = *m_world;
    const std::uint64_t before = world.steps;
    if (choice.kind == Choice::Kind::Step && !m_choices.empty() &&
        m_choices.back().kind == Choice::Kind::Step) {
        // Consecutive steps are one choice; what pointed just past it now points into it.
        Choice &last = m_choices.back();
        const std::size_t index = m_choices.size() - 1;
        for (std::size_t c = 0; c < m_checkpointCount; ++c) {
            Checkpoint &checkpoint = m_checkpoints[c];
            if (checkpoint.world.choiceIndex == index + 1 && checkpoint.world.stepsIntoChoice == 0) {
                checkpoint.world.choiceIndex = index;
                checkpoint.world.stepsIntoChoice = last.count;
            }
        }
        world.choiceIndex = index;
        world.stepsIntoChoice = last.count;
        Choice extended = last;
        extended.count = last.count + choice.count;
        execute(extended, last.count, noStop);
        last.count += world.steps - before;
        m_choiceEnds.back() = world.steps;
        world.choiceIndex = m_choices.size();
        world.stepsIntoChoice = 0;
        return world.steps > before;
    }
    world.choiceIndex = m_choices.size();
    world.stepsIntoChoice = 0;
    if (!execute(choice, 0, noStop) || (choice.kind == Choice::Kind::Step && world.steps == before))
        return false;
    Choice done = choice;
    if (done.kind == Choice::Kind::Step)
        done.count = world.steps - before;
    m_choices.push_back(done);
    m_choiceEnds.push_back(world.steps);
    world.choiceIndex = m_choices.size();
    world.stepsIntoChoice = 0;
    return true;
}

void SimulatedCluster::saveCheckpoint()
{
    if (m_world->steps % m_checkpointInterval != 0 ||
        m_checkpoints[m_checkpointCount - 1].world.steps >= m_world->steps)
        return;
    if (m_checkpointCount < m_checkpoints.size())
        m_checkpoints[m_checkpointCount].world = *m_world;
    else
        m_checkpoints.push_back(Checkpoint{*m_world});
    ++m_checkpointCount;
}

bool SimulatedCluster::execute(const Choice &choice, std::uint64_t alreadyDone, std::uint64_t stopAt)
{
    World &world = *m_world;
    const auto afterAtomicStep = [&](bool lastOfChoice) {
        if (lastOfChoice) {
            world.choiceIndex += 1;
            world.stepsIntoChoice = 0;
        } else {
            world.stepsIntoChoice += 1;
        }
        saveCheckpoint();
        if (lastOfChoice) { // back to "inside this choice" for the caller's bookkeeping
            world.choiceIndex -= 1;
            world.stepsIntoChoice = 0;
        }
    };
    switch (choice.kind) {
    case Choice::Kind::Step:
        for (std::uint64_t i = alreadyDone; i < choice.count; ++i) {
            if (world.steps >= stopAt || world.violation || !stepNext(never))
                return i > 0;
            afterAtomicStep(i + 1 == choice.count);
        }
        return true;
    case Choice::Kind::AdvanceTo:
        if (choice.timeUs < world.now && alreadyDone == 0)
            return false;
        while (world.steps < stopAt && !world.violation) {
            if (stepNext(choice.timeUs)) {
                afterAtomicStep(false);
                continue;
            }
            if (world.now < choice.timeUs) {
                world.now = choice.timeUs; // the time passes: a step of its own, so every moment has a number
                endStep();
                afterAtomicStep(true);
            }
            break;
        }
        return true;
    default:
        if (alreadyDone > 0)
            return true;
        if (world.steps >= stopAt || !executeOnce(choice))
            return false;
        afterAtomicStep(true);
        return true;
    }
}

bool SimulatedCluster::executeOnce(const Choice &choice)
{
    World &world = *m_world;
    const auto live = [this](NodeId id) {
        return isUp(id) && !isFrozen(id);
    };
    switch (choice.kind) {
    case Choice::Kind::Deliver: {
        const auto found = world.messages.find(choice.event);
        if (found != world.messages.end())
            return !isFrozen(found->second.message.to) && deliverMessage(choice.event, true);
        for (std::size_t i = 0; i < world.runtime.size(); ++i) {
            if (world.runtime[i].timerDueUs >= 0 && world.runtime[i].timerId == choice.event) {
                world.now = std::max(world.now, world.runtime[i].timerDueUs);
                fireTimer(int(i));
                return true;
            }
        }
        return false;
    }
    case Choice::Kind::Drop:
        if (!world.messages.contains(choice.event))
            return false;
        dropMessage(choice.event, "dropped");
        endStep();
        return true;
    case Choice::Kind::Duplicate: {
        const auto found = world.messages.find(choice.event);
        if (found == world.messages.end())
            return false;
        const World::InFlight copy = found->second;
        const SimEventId id = world.nextId++;
        world.messages.emplace(id, copy);
        world.order.insert({copy.dueUs, id});
        publish(messageJson("send", copy.message.from, copy.message, id));
        endStep();
        return true;
    }
    case Choice::Kind::FireTimer: {
        if (!live(choice.node))
            return false;
        const int index = indexOf(choice.node);
        catchUpTicks(index, world.now, false);
        RaftCore &target = world.nodes[std::size_t(index)].core();
        if (target.role() == Role::Leader) {
            // A leader's timer is its heartbeat (or CheckQuorum's check): its clock runs ahead to it.
            const std::optional<int> ticks = target.ticksUntilTimer();
            if (!ticks)
                return false;
            for (int tick = 0; tick < *ticks; ++tick)
                target.tick();
        } else {
            target.campaignNow();
        }
        afterInput(index);
        endStep();
        return true;
    }
    case Choice::Kind::Crash: {
        if (!isUp(choice.node))
            return false;
        const int index = indexOf(choice.node);
        world.nodes[std::size_t(index)].crash();
        world.runtime[std::size_t(index)].frozen = false;
        publish(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("process")},
            {QStringLiteral("node"), qint64(choice.node.value)},
            {QStringLiteral("term"), qint64(world.nodes[std::size_t(index)].disk().hardState.term.value)},
            {QStringLiteral("t_us"), world.now},
            {QStringLiteral("state"), QStringLiteral("crashed")}});
        // As with raftlab-node over TCP: a process that stops closes its connections, and every running
        // peer learns it at once (a frozen one would only when thawed; here it never does).
        for (int other = 0; m_config.crashTellsPeers && other < int(world.nodes.size()); ++other) {
            SimNode &peer = world.nodes[std::size_t(other)];
            if (other == index || !peer.isUp() || world.runtime[std::size_t(other)].frozen)
                continue;
            catchUpTicks(other, world.now, false);
            peer.core().peerConnectionLost(choice.node);
            afterInput(other);
        }
        endStep();
        return true;
    }
    case Choice::Kind::Restart: {
        if (!validNode(choice.node) || isUp(choice.node))
            return false;
        startNode(indexOf(choice.node));
        endStep();
        return true;
    }
    case Choice::Kind::Freeze:
    case Choice::Kind::Thaw: {
        const bool freezing = choice.kind == Choice::Kind::Freeze;
        if (!isUp(choice.node) || isFrozen(choice.node) == freezing)
            return false;
        const int index = indexOf(choice.node);
        World::Runtime &runtime = world.runtime[std::size_t(index)];
        if (freezing) {
            catchUpTicks(index, world.now, false);
        } else {
            // Its clock resumes now; the time it lay frozen never ticked.
            const qint64 tick = tickUs();
            runtime.nextTickUs = runtime.phaseUs +
                ((std::max<qint64>(world.now - runtime.phaseUs, 0) + tick - 1) / tick) * tick;
        }
        runtime.frozen = freezing;
        publish(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("process")},
            {QStringLiteral("node"), qint64(choice.node.value)},
            {QStringLiteral("term"), qint64(core(choice.node)->term().value)},
            {QStringLiteral("t_us"), world.now},
            {QStringLiteral("state"), freezing ? QStringLiteral("frozen") : QStringLiteral("thawed")}});
        endStep();
        return true;
    }
    case Choice::Kind::Cut:
        if (!validNode(choice.node) || !validNode(choice.peer) || choice.node == choice.peer)
            return false;
        world.blocked.insert({choice.node.value, choice.peer.value});
        if (!choice.oneWay)
            world.blocked.insert({choice.peer.value, choice.node.value});
        publishFaults();
        endStep();
        return true;
    case Choice::Kind::Heal:
        world.blocked.clear();
        publishFaults();
        endStep();
        return true;
    case Choice::Kind::Partition: {
        std::map<std::uint32_t, int> groupOf;
        for (std::size_t g = 0; g < choice.groups.size(); ++g) {
            for (NodeId id : choice.groups[g]) {
                if (!validNode(id) || groupOf.contains(id.value))
                    return false;
                groupOf[id.value] = int(g) + 1;
            }
        }
        world.blocked.clear();
        for (NodeId a : nodeIds()) {
            for (NodeId b : nodeIds()) {
                if (a != b && groupOf[a.value] != groupOf[b.value])
                    world.blocked.insert({a.value, b.value});
            }
        }
        publishFaults();
        endStep();
        return true;
    }
    case Choice::Kind::Net: {
        if (!validNode(choice.node) || choice.delayMs < 0 || choice.delayMs > 60'000 || choice.loss < 0 ||
            choice.loss > 1 || choice.duplicate < 0 || choice.duplicate > 1)
            return false;
        World::Runtime &runtime = world.runtime[std::size_t(indexOf(choice.node))];
        runtime.delayMs = choice.delayMs;
        runtime.loss = choice.loss;
        runtime.duplicate = choice.duplicate;
        publishFaults();
        endStep();
        return true;
    }
    case Choice::Kind::Put: {
        if (!live(choice.node) || !isSimpleWord(choice.key) || !isSimpleWord(choice.value))
            return false;
        // A follower forwards to the leader it knows, as a node's HTTP API does.
        NodeId at = choice.node;
        if (core(at)->role() != Role::Leader && live(core(at)->leader()))
            at = core(at)->leader();
        const int index = indexOf(at);
        const ProposeResult result = world.nodes[std::size_t(index)].core().propose(
            KvStore::encodePut(choice.key.toUtf8(), choice.value.toUtf8()));
        if (result.status != ProposeResult::Status::Accepted)
            return false;
        world.lastProposalIndex = result.index;
        world.lastProposalTerm = result.term;
        afterInput(index);
        endStep();
        return true;
    }
    case Choice::Kind::Get: {
        if (!live(choice.node) || !isSimpleWord(choice.key))
            return false;
        NodeId at = choice.node;
        if (core(at)->role() != Role::Leader && live(core(at)->leader()))
            at = core(at)->leader();
        const int index = indexOf(at);
        const std::uint64_t id = world.lastReadId + 1;
        if (world.nodes[std::size_t(index)].requestRead(id, choice.key.toUtf8()).status !=
            ReadIndexResult::Status::Accepted)
            return false;
        world.lastReadId = id;
        world.reads[id] = SimRead{};
        afterInput(index);
        endStep();
        return true;
    }
    case Choice::Kind::Transfer: {
        const std::optional<NodeId> current = leader();
        if (!current || !validNode(choice.node))
            return false;
        const int index = indexOf(*current);
        if (world.nodes[std::size_t(index)].core().transferLeadership(choice.node).status !=
            TransferResult::Status::Started)
            return false;
        afterInput(index);
        endStep();
        return true;
    }
    case Choice::Kind::DropType: {
        std::vector<SimEventId> doomed;
        for (const auto &[id, flight] : world.messages) {
            const Message &m = flight.message;
            if (m.type == choice.messageType && (choice.node.isNone() || m.from == choice.node) &&
                (choice.peer.isNone() || m.to == choice.peer))
                doomed.push_back(id);
        }
        for (SimEventId id : doomed)
            dropMessage(id, "dropped");
        endStep();
        return true;
    }
    case Choice::Kind::Step:
    case Choice::Kind::AdvanceTo:
        break;
    }
    return false;
}

bool SimulatedCluster::rewindTo(std::uint64_t step)
{
    if (step > m_world->steps)
        return false;
    if (m_future.empty()) {
        m_future = m_choices;
        m_futureEnds = m_choiceEnds;
        m_futureCheckpoints = m_checkpointCount;
    }
    moveTo(step);
    return true;
}

bool SimulatedCluster::forwardTo(std::uint64_t step, const std::vector<Choice> &choices)
{
    if (m_future.empty() || step <= m_world->steps || m_futureEnds.empty() || step > m_futureEnds.back() ||
        choices != m_future)
        return false;
    moveTo(step);
    return m_world->steps == step;
}

void SimulatedCluster::forgetFuture()
{
    if (m_future.empty())
        return;
    m_future.clear();
    m_futureEnds.clear();
    m_futureCheckpoints = 0;
}

void SimulatedCluster::moveTo(std::uint64_t step)
{
    // Along the remembered branch: its checkpoints are valid, and its choices are the ones to replay.
    m_choices = m_future;
    m_choiceEnds = m_futureEnds;
    m_futureCheckpoints = std::max(m_futureCheckpoints, m_checkpointCount);
    auto checkpoint = std::upper_bound(
        m_checkpoints.begin(), m_checkpoints.begin() + std::ptrdiff_t(m_futureCheckpoints), step,
        [](std::uint64_t value, const Checkpoint &c) { return value < c.world.steps; });
    --checkpoint; // the first one is at step 0
    restoreWorld(checkpoint->world);
    m_checkpointCount = std::size_t(checkpoint - m_checkpoints.begin()) + 1;
    m_replaying = true;
    World &world = *m_world;
    while (world.steps < step && world.choiceIndex < m_choices.size()) {
        const std::size_t index = world.choiceIndex;
        execute(m_choices[index], world.stepsIntoChoice, step);
        if (world.choiceIndex == index && world.steps >= step && world.stepsIntoChoice > 0)
            break; // stopped inside this choice
        if (world.choiceIndex == index) {
            world.choiceIndex = index + 1;
            world.stepsIntoChoice = 0;
        }
    }
    m_replaying = false;
    // Cut the choices at this step: a choice stopped half-way stays as the steps it took.
    if (world.stepsIntoChoice > 0) {
        Choice partial{.kind = Choice::Kind::Step, .count = world.stepsIntoChoice};
        m_choices.resize(world.choiceIndex);
        m_choices.push_back(partial);
        m_choiceEnds.resize(world.choiceIndex);
        m_choiceEnds.push_back(world.steps);
        for (std::size_t i = 0; i < m_checkpointCount; ++i) {
            Checkpoint &c = m_checkpoints[i];
            if (c.world.choiceIndex == world.choiceIndex + 1 && c.world.stepsIntoChoice == 0) {
                c.world.choiceIndex = world.choiceIndex;
                c.world.stepsIntoChoice = partial.count;
            }
        }
        world.choiceIndex = m_choices.size();
        world.stepsIntoChoice = 0;
    } else {
        m_choices.resize(world.choiceIndex);
        m_choiceEnds.resize(world.choiceIndex);
    }
    for (const QJsonObject &event : stateEvents())
        publish(event);
}

bool SimulatedCluster::followChoices(const std::vector<Choice> &choices)
{
    std::size_t common = 0;
    while (common < choices.size() && common < m_choices.size() && choices[common] == m_choices[common])
        ++common;
    if (common < m_choices.size()) {
        // Back to the end of the shared part (a rewind: checkpoint plus replay), then along `choices`.
        rewindTo(common == 0 ? 0 : m_choiceEnds[common - 1]);
        if (!std::equal(m_choices.begin(), m_choices.end(), choices.begin(),
                        choices.begin() + std::ptrdiff_t(std::min(m_choices.size(), choices.size())))) {
            // The rewind cut a choice into steps: replay the shared part from the start instead.
            const std::vector<Choice> shared(choices.begin(), choices.begin() + std::ptrdiff_t(common));
            rewindTo(0);
            m_replaying = true;
            for (const Choice &choice : shared)
                apply(choice);
            m_replaying = false;
            for (const QJsonObject &event : stateEvents())
                publish(event);
        }
        common = std::min(m_choices.size(), common);
    }
    for (std::size_t i = common; i < choices.size(); ++i) {
        if (!apply(choices[i]))
            return false;
    }
    return true;
}

void SimulatedCluster::restoreWorld(const World &world)
{
    *m_world = world;
    for (SimNode &node : m_world->nodes)
        node.setObserver(*this);
}

// ---------------------------------------------------------------------------------------------
// One step.

bool SimulatedCluster::stepNext(qint64 notAfterUs)
{
    World &world = *m_world;
    std::optional<std::pair<qint64, SimEventId>> message;
    for (const auto &[due, id] : world.order) {
        if (!isFrozen(world.messages.at(id).message.to)) {
            message = std::pair{due, id};
            break;
        }
    }
    int timerIndex = -1;
    for (std::size_t i = 0; i < world.runtime.size(); ++i) {
        const World::Runtime &runtime = world.runtime[i];
        if (runtime.timerDueUs < 0)
            continue;
        if (timerIndex < 0 ||
            std::pair{runtime.timerDueUs, runtime.timerId} <
                std::pair{world.runtime[std::size_t(timerIndex)].timerDueUs,
                          world.runtime[std::size_t(timerIndex)].timerId})
            timerIndex = int(i);
    }
    const bool timerFirst = timerIndex >= 0 &&
        (!message ||
         std::pair{world.runtime[std::size_t(timerIndex)].timerDueUs,
                   world.runtime[std::size_t(timerIndex)].timerId} < *message);
    if (timerFirst) {
        const qint64 due = world.runtime[std::size_t(timerIndex)].timerDueUs;
        if (due > notAfterUs)
            return false;
        world.now = std::max(world.now, due);
        fireTimer(timerIndex);
        return true;
    }
    if (!message || message->first > notAfterUs)
        return false;
    world.now = std::max(world.now, message->first);
    return deliverMessage(message->second, false);
}

bool SimulatedCluster::deliverMessage(SimEventId id, bool early)
{
    static_cast<void>(early);
    World &world = *m_world;
    const auto found = world.messages.find(id);
    if (found == world.messages.end())
        return false;
    const Message message = found->second.message;
    if (!canReach(message.from, message.to)) {
        dropMessage(id, "cut");
        endStep();
        return true;
    }
    if (!isUp(message.to)) {
        dropMessage(id, "down");
        endStep();
        return true;
    }
    world.order.erase({found->second.dueUs, id});
    world.messages.erase(found);
    const int index = indexOf(message.to);
    catchUpTicks(index, world.now, false);
    publish(messageJson("recv", message.to, message, id));
    world.nodes[std::size_t(index)].core().step(message);
    afterInput(index);
    endStep();
    return true;
}

void SimulatedCluster::fireTimer(int index)
{
    catchUpTicks(index, m_world->now, true);
    endStep();
}

void SimulatedCluster::dropMessage(SimEventId id, const char *reason)
{
    World &world = *m_world;
    const auto found = world.messages.find(id);
    if (found == world.messages.end())
        return;
    const Message message = found->second.message;
    world.order.erase({found->second.dueUs, id});
    world.messages.erase(found);
    if (m_sink && !m_replaying) {
        QJsonObject json = messageJson("drop", message.to, message, id);
        json.insert(QStringLiteral("reason"), QLatin1String(reason));
        json.insert(QStringLiteral("direction"), QStringLiteral("incoming"));
        publish(json);
    }
}

void SimulatedCluster::catchUpTicks(int index, qint64 untilUs, bool inclusive)
{
    World &world = *m_world;
    SimNode &node = world.nodes[std::size_t(index)];
    World::Runtime &runtime = world.runtime[std::size_t(index)];
    if (!node.isUp() || runtime.frozen)
        return;
    while (runtime.nextTickUs < untilUs || (inclusive && runtime.nextTickUs == untilUs)) {
        node.core().tick();
        runtime.nextTickUs += tickUs();
        if (node.core().hasReady())
            afterInput(index);
    }
}

void SimulatedCluster::afterInput(int index)
{
    SimNode &node = m_world->nodes[std::size_t(index)];
    const std::optional<int> previous = m_inputNode;
    m_inputNode = index;
    // Persisted at once (a disk that never lags): each Ready in raftlab-node's order.
    for (int round = 0; round < 16 && node.hasReady(); ++round)
        node.handleReady(CrashPoint::None);
    m_inputNode = previous;
}

void SimulatedCluster::startNode(int index)
{
    World &world = *m_world;
    SimNode &node = world.nodes[std::size_t(index)];
    if (m_adversary)
        m_adversary->onRestart(node.id(), node.disk());
    node.start(world.random.next());
    world.checker.onRestart(node);
    World::Runtime &runtime = world.runtime[std::size_t(index)];
    runtime.frozen = false;
    const qint64 tick = tickUs();
    runtime.nextTickUs =
        runtime.phaseUs + ((std::max<qint64>(world.now - runtime.phaseUs, 0) + tick - 1) / tick) * tick;
    if (m_sink && !m_replaying) {
        publish(QJsonObject{{QStringLiteral("type"), QStringLiteral("process")},
                            {QStringLiteral("node"), qint64(node.id().value)},
                            {QStringLiteral("term"), qint64(node.core().term().value)},
                            {QStringLiteral("t_us"), world.now},
                            {QStringLiteral("state"), QStringLiteral("restarted")}});
        publish(stateEvents()[std::size_t(index)]);
    }
    afterInput(index);
}

void SimulatedCluster::endStep()
{
    World &world = *m_world;
    ++world.steps;
    for (const SimNode &node : world.nodes) {
        if (node.isUp())
            world.checker.checkNode(node);
    }
    if (world.checker.hasViolation() && !world.violation) {
        Violation violation = describeViolation(*world.checker.violation());
        violation.step = world.steps;
        violation.timeUs = world.now;
        world.violation = violation;
        publish(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("violation")},
            {QStringLiteral("node"), violation.nodes.empty() ? 0 : qint64(violation.nodes.front().value)},
            {QStringLiteral("term"), qint64(highestTerm().value)},
            {QStringLiteral("t_us"), world.now},
            {QStringLiteral("invariant"), violation.invariant},
            {QStringLiteral("text"), violation.text},
            {QStringLiteral("nodes"), idsJson(violation.nodes)},
            {QStringLiteral("index"), qint64(violation.index.value)},
            {QStringLiteral("step"), qint64(violation.step)}});
    }
    refreshTimers();
}

void SimulatedCluster::refreshTimers()
{
    World &world = *m_world;
    for (std::size_t i = 0; i < world.nodes.size(); ++i) {
        World::Runtime &runtime = world.runtime[i];
        const SimNode &node = world.nodes[i];
        const std::optional<int> ticks =
            node.isUp() && !runtime.frozen ? node.core().ticksUntilTimer() : std::nullopt;
        const qint64 due = ticks ? runtime.nextTickUs + qint64(*ticks - 1) * tickUs() : -1;
        if (due != runtime.timerDueUs) {
            runtime.timerDueUs = due;
            runtime.timerId = due < 0 ? 0 : world.nextId++;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the nodes report.

void SimulatedCluster::hardStatePersisted(NodeId node, const HardState &previous, const HardState &now)
{
    m_world->checker.onHardStatePersisted(node, previous, now);
}

void SimulatedCluster::messageSent(const Message &sent)
{
    World &world = *m_world;
    const int index = indexOf(sent.from);
    Message message = sent;
    if (m_adversary)
        m_adversary->onSend(message, world.nodes[std::size_t(index)].core());
    world.checker.onMessageSent(message, world.nodes[std::size_t(index)].disk());
    const World::Runtime &sender = world.runtime[std::size_t(index)];
    const SimEventId id = world.nextId++;
    publish(messageJson("send", message.from, message, id));
    if (world.random.chance(sender.loss)) {
        if (m_sink && !m_replaying) {
            QJsonObject json = messageJson("drop", message.from, message, id);
            json.insert(QStringLiteral("reason"), QStringLiteral("loss"));
            json.insert(QStringLiteral("direction"), QStringLiteral("outgoing"));
            publish(json);
        }
        return;
    }
    const auto enqueue = [&](SimEventId messageId) {
        qint64 due = world.now +
            world.random.between(qint64(m_config.delayMinMs) * 1000, qint64(m_config.delayMaxMs) * 1000 + 1) +
            qint64(sender.delayMs) * 1000;
        qint64 &linkDue = world.linkDue[{message.from.value, message.to.value}];
        due = std::max(due, linkDue); // one connection per link: in order
        linkDue = due;
        world.messages.emplace(messageId, World::InFlight{message, due});
        world.order.insert({due, messageId});
    };
    enqueue(id);
    if (world.random.chance(sender.duplicate)) {
        const SimEventId copy = world.nextId++;
        publish(messageJson("send", message.from, message, copy));
        enqueue(copy);
    }
}

void SimulatedCluster::entryApplied(NodeId node, const Entry &entry, std::uint64_t digestAfter)
{
    m_world->checker.onEntryApplied(node, entry, digestAfter);
    if (m_sink && !m_replaying)
        publish(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("apply")},
            {QStringLiteral("node"), qint64(node.value)},
            {QStringLiteral("term"), qint64(m_world->nodes[std::size_t(indexOf(node))].core().term().value)},
            {QStringLiteral("t_us"), m_world->now},
            {QStringLiteral("first"), qint64(entry.index.value)},
            {QStringLiteral("last"), qint64(entry.index.value)}});
}

void SimulatedCluster::snapshotRestored(NodeId node, const Snapshot &snapshot)
{
    m_world->checker.onSnapshotRestored(node, snapshot);
}

void SimulatedCluster::readServed(NodeId node, std::uint64_t requestId, LogIndex readIndex,
                                  const KvStateMachine::Value &value)
{
    static_cast<void>(node);
    static_cast<void>(readIndex);
    m_world->reads[requestId] = SimRead{true, value.writtenAt.value != 0, QString::fromUtf8(value.value)};
}

void SimulatedCluster::contractBroken(NodeId node, const QString &what)
{
    m_world->checker.fail(QStringLiteral("node %1: %2").arg(node.value).arg(what));
}

void SimulatedCluster::eventsEmitted(const Events &events)
{
    if (!m_sink || m_replaying)
        return;
    for (const Event &event : events) {
        if (event.type == EventType::TimerReset) {
            // As a node publishes it: with the deadline on the same clock as t_us.
            const World::Runtime &runtime = m_world->runtime[std::size_t(indexOf(event.node))];
            publish(QJsonObject{
                {QStringLiteral("type"), QStringLiteral("timer")},
                {QStringLiteral("node"), qint64(event.node.value)},
                {QStringLiteral("term"), qint64(event.term.value)},
                {QStringLiteral("t_us"), m_world->now},
                {QStringLiteral("deadline_us"), runtime.nextTickUs + qint64(event.ticks - 1) * tickUs()}});
            continue;
        }
        publish(coreEventJson(event, m_world->now));
    }
}

void SimulatedCluster::entriesPersisted(NodeId node, const Entries &entries)
{
    if (!m_sink || m_replaying)
        return;
    QJsonObject json = entriesJson(entries);
    json.insert(QStringLiteral("type"), QStringLiteral("append"));
    json.insert(QStringLiteral("node"), qint64(node.value));
    json.insert(QStringLiteral("term"),
                qint64(m_world->nodes[std::size_t(indexOf(node))].core().term().value));
    json.insert(QStringLiteral("t_us"), m_world->now);
    publish(json);
}

// ---------------------------------------------------------------------------------------------
// Events.

void SimulatedCluster::publishFaults()
{
    if (!m_sink || m_replaying)
        return;
    // As a node announces a change of its faults: whom it blocks, and its outgoing delay and loss.
    for (const QJsonObject &state : stateEvents()) {
        const World::Runtime &runtime =
            m_world->runtime[std::size_t(state.value(QLatin1String("node")).toInt() - 1)];
        publish(QJsonObject{{QStringLiteral("type"), QStringLiteral("faults")},
                            {QStringLiteral("node"), state.value(QLatin1String("node"))},
                            {QStringLiteral("term"), state.value(QLatin1String("term"))},
                            {QStringLiteral("t_us"), m_world->now},
                            {QStringLiteral("text"), QStringLiteral("network faults changed")},
                            {QStringLiteral("blocked_peers"), state.value(QLatin1String("blocked_peers"))},
                            {QStringLiteral("net"),
                             QJsonObject{{QStringLiteral("delay_ms"), runtime.delayMs},
                                         {QStringLiteral("jitter_ms"), 0},
                                         {QStringLiteral("loss"), runtime.loss}}}});
    }
}

void SimulatedCluster::publish(QJsonObject event)
{
    if (m_sink && !m_replaying)
        m_sink(event);
}

QJsonObject SimulatedCluster::messageJson(const char *type, NodeId node, const Message &message,
                                          SimEventId id) const
{
    if (!m_sink || m_replaying)
        return {};
    QJsonObject json = messageEventJson(type, node, message, id, m_world->now);
    const bool fromLeader = message.type == MessageType::AppendEntries ||
        message.type == MessageType::Heartbeat || message.type == MessageType::InstallSnapshot;
    if (fromLeader && QLatin1String(type) == QLatin1String("send") && isUp(message.from)) {
        const auto &progress = core(message.from)->progress();
        if (const auto follower = progress.find(message.to); follower != progress.end()) {
            json.insert(QStringLiteral("next_index"), qint64(follower->second.next().value));
            json.insert(QStringLiteral("match_index"), qint64(follower->second.match().value));
            json.insert(QStringLiteral("progress"), QLatin1String(progressName(follower->second.state())));
        }
    }
    return json;
}

std::vector<QJsonObject> SimulatedCluster::stateEvents() const
{
    std::vector<QJsonObject> events;
    QJsonArray members;
    for (NodeId id : nodeIds())
        members.append(qint64(id.value));
    for (const SimNode &node : m_world->nodes) {
        QJsonArray blocked;
        for (NodeId peer : nodeIds()) {
            if (peer != node.id() && !canReach(peer, node.id()))
                blocked.append(qint64(peer.value));
        }
        QJsonObject json{{QStringLiteral("type"), QStringLiteral("state")},
                         {QStringLiteral("node"), qint64(node.id().value)},
                         {QStringLiteral("id"), qint64(node.id().value)},
                         {QStringLiteral("t_us"), m_world->now},
                         {QStringLiteral("cluster"), QStringLiteral("simulated")},
                         {QStringLiteral("simulated"), true},
                         {QStringLiteral("running"), node.isUp()},
                         {QStringLiteral("frozen"), isFrozen(node.id())},
                         {QStringLiteral("members"), members},
                         {QStringLiteral("blocked_peers"), blocked},
                         {QStringLiteral("heartbeat_ms"), m_config.heartbeatMs},
                         {QStringLiteral("election_timeout_ms"),
                          QJsonArray{m_config.electionTimeoutMinMs, m_config.electionTimeoutMaxMs}},
                         {QStringLiteral("prevote"), m_config.preVote},
                         {QStringLiteral("check_quorum"), m_config.checkQuorum}};
        if (node.isUp()) {
            // The configuration in force on this node, as a real node's status gives it.
            const Membership &membership = node.core().membership();
            if (!membership.voters.empty())
                json.insert(QStringLiteral("members"), idsJson(membership.voters));
            json.insert(QStringLiteral("learners"), idsJson(membership.learners));
            json.insert(QStringLiteral("config_index"), qint64(membership.index.value));
            const CoreStatus status = node.core().status();
            json.insert(QStringLiteral("role"), textOf(toString(status.role)));
            json.insert(QStringLiteral("term"), qint64(status.term.value));
            json.insert(QStringLiteral("voted_for"), idOrNull(status.votedFor));
            json.insert(QStringLiteral("leader_id"), idOrNull(status.leader));
            json.insert(QStringLiteral("commit_index"), qint64(status.commitIndex.value));
            json.insert(QStringLiteral("last_applied"), qint64(node.stateMachine().appliedIndex().value));
            json.insert(QStringLiteral("last_log_index"), qint64(status.lastIndex.value));
            json.insert(QStringLiteral("last_log_term"), qint64(status.lastTerm.value));
            json.insert(QStringLiteral("first_log_index"), qint64(status.firstIndex.value));
            json.insert(QStringLiteral("snapshot_index"), qint64(status.snapshot.index.value));
        } else {
            json.insert(QStringLiteral("term"), qint64(node.disk().hardState.term.value));
        }
        events.push_back(json);
    }
    return events;
}

// ---------------------------------------------------------------------------------------------
// Saving and loading.

QByteArray SimulatedCluster::saveRun() const
{
    QJsonArray choices;
    for (const Choice &choice : m_choices)
        choices.append(choice.toJson());
    const QJsonObject run{{QStringLiteral("format"), QStringLiteral("raftlab-simulation")},
                          {QStringLiteral("version"), m_config.crashTellsPeers ? 2 : 1},
                          {QStringLiteral("seed"), QString::number(m_seed)},
                          {QStringLiteral("config"), m_config.toJson()},
                          {QStringLiteral("choices"), choices}};
    return QJsonDocument(run).toJson(QJsonDocument::Indented);
}

QString SimulatedCluster::readRunHeader(const QJsonObject &run, std::uint64_t &seed,
                                        SimulatedClusterConfig &config)
{
    const int version = run.value(QLatin1String("version")).toInt();
    if (run.value(QLatin1String("format")).toString() != QLatin1String("raftlab-simulation") ||
        (version != 1 && version != 2))
        return QStringLiteral("not a saved simulation (format raftlab-simulation, version 1 or 2)");
    bool seedOk = false;
    seed = run.value(QLatin1String("seed")).toString().toULongLong(&seedOk);
    if (!seedOk)
        return QStringLiteral("field 'seed' must be a number in a string");
    if (const QString problem =
            SimulatedClusterConfig::fromJson(run.value(QLatin1String("config")).toObject(), config);
        !problem.isEmpty())
        return problem;
    config.crashTellsPeers = version >= 2; // version 1 was saved when a crash told no one
    return QString();
}

std::unique_ptr<SimulatedCluster> SimulatedCluster::loadRun(const QByteArray &json, QString *error,
                                                            EventSink sink)
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::unique_ptr<SimulatedCluster>();
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject())
        return fail(QStringLiteral("not a JSON object (%1 at offset %2)")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    const QJsonObject run = document.object();
    std::uint64_t seed = 0;
    SimulatedClusterConfig config;
    if (const QString problem = readRunHeader(run, seed, config); !problem.isEmpty())
        return fail(problem);
    auto cluster = std::make_unique<SimulatedCluster>(config, seed);
    cluster->setEventSink(std::move(sink));
    const QJsonArray choices = run.value(QLatin1String("choices")).toArray();
    for (qsizetype i = 0; i < choices.size(); ++i) {
        Choice choice;
        if (const QString problem = Choice::fromJson(choices[i].toObject(), choice); !problem.isEmpty())
            return fail(QStringLiteral("choice %1: %2").arg(i + 1).arg(problem));
        if (!cluster->apply(choice))
            return fail(QStringLiteral("choice %1 (%2) cannot be done at step %3")
                            .arg(i + 1)
                            .arg(choices[i].toObject().value(QLatin1String("do")).toString())
                            .arg(cluster->stepCount()));
    }
    return cluster;
}

} // namespace raftlab::sim
