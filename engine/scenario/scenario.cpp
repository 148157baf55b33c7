#include "scenario.h"

#include "core/message.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace raftlab::scenario {

namespace {

// What a user reads (errors, step descriptions), for translators under the context "Scenario".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("Scenario", sourceText);
}

constexpr int maxNodes = 9;
constexpr int maxDurationMs = 10 * 60 * 1000; // no step of a lesson waits longer than ten minutes
constexpr int maxSteps = 10000;

// Thrown inside the parser only, caught by parseScenario(): a bad field ends the parse with one line.
struct ParseError
{
    QString message;
};

[[noreturn]] void fail(const QString &message)
{
    throw ParseError{message};
}

// Whether `found` may be `wanted` mistyped ("msec" for "ms", "titel" for "title"): the same first two
// letters, or at most two edits apart. Only then is it offered as the likely cause of a missing field.
bool looksLikeATypoOf(const QString &found, const QString &wanted)
{
    if (found.left(2).compare(wanted.left(2), Qt::CaseInsensitive) == 0)
        return true;
    std::vector<qsizetype> row(std::size_t(wanted.size()) + 1);
    for (qsizetype j = 0; j <= wanted.size(); ++j)
        row[std::size_t(j)] = j;
    for (qsizetype i = 1; i <= found.size(); ++i) {
        qsizetype diagonal = row[0];
        row[0] = i;
        for (qsizetype j = 1; j <= wanted.size(); ++j) {
            const qsizetype above = row[std::size_t(j)];
            const qsizetype substitution = diagonal + (found[i - 1] == wanted[j - 1] ? 0 : 1);
            row[std::size_t(j)] = std::min({above + 1, row[std::size_t(j - 1)] + 1, substitution});
            diagonal = above;
        }
    }
    return row.back() <= 2;
}

// One JSON object read field by field. Every key must be read by someone: a key nobody asked for is a
// typo or a field of another step, and is refused rather than silently ignored.
class Fields
{
public:
    Fields(const QJsonObject &object, QString where)
        : m_object(object)
        , m_where(std::move(where))
    { }

    bool has(const QString &key) const { return m_object.contains(key); }

    QJsonValue take(const QString &key)
    {
        m_used.insert(key);
        return m_object.value(key);
    }

    [[noreturn]] void bad(const QString &key, const QString &why) const
    {
        fail(tr("%1: field '%2': %3").arg(m_where, key, why));
    }

    // A required field is missing: a misspelt key beside it is the likely reason, so name it too.
    [[noreturn]] void missing(const QString &key) const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (!m_used.contains(it.key()) && it.key() != key && looksLikeATypoOf(it.key(), key))
                bad(key, tr("is required (found '%1', which is not a field here)").arg(it.key()));
        }
        bad(key, tr("is required"));
    }

    QString string(const QString &key, bool required, bool allowEmpty = false)
    {
        const QJsonValue value = take(key);
        if (value.isUndefined()) {
            if (required)
                missing(key);
            return {};
        }
        if (!value.isString())
            bad(key, tr("must be a string"));
        if (!allowEmpty && value.toString().isEmpty())
            bad(key, tr("must not be empty"));
        return value.toString();
    }

    // A string or null (null = absent); `present` says whether the key was there at all.
    std::optional<QString> nullableString(const QString &key, bool *present = nullptr)
    {
        const QJsonValue value = take(key);
        if (present)
            *present = !value.isUndefined();
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        if (!value.isString())
            bad(key, tr("must be a string or null"));
        return value.toString();
    }

    int integer(const QString &key, int fallback, int min, int max, bool required = false)
    {
        const QJsonValue value = take(key);
        if (value.isUndefined()) {
            if (required)
                missing(key);
            return fallback;
        }
        const double number = value.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!value.isDouble() || std::floor(number) != number || number < min || number > max)
            bad(key, tr("must be a whole number from %1 to %2").arg(min).arg(max));
        return static_cast<int>(number);
    }

    double fraction(const QString &key)
    {
        const QJsonValue value = take(key);
        if (value.isUndefined())
            return 0;
        if (!value.isDouble() || value.toDouble() < 0 || value.toDouble() > 1)
            bad(key, tr("must be a number from 0 to 1"));
        return value.toDouble();
    }

    bool boolean(const QString &key, bool fallback)
    {
        const QJsonValue value = take(key);
        if (value.isUndefined())
            return fallback;
        if (!value.isBool())
            bad(key, tr("must be true or false"));
        return value.toBool();
    }

    // Refuses every key nobody read.
    void finish() const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (!m_used.contains(it.key()))
                bad(it.key(), tr("is not a field here"));
        }
    }

    const QString &where() const { return m_where; }

private:
    QJsonObject m_object;
    QString m_where;
    QSet<QString> m_used;
};

// Labels given so far, by what they name, so that a use before the giving step is refused.
struct Labels
{
    QSet<QString> nodes;
    QSet<QString> writes;
    QSet<QString> terms;
    // Which node ids can exist at the step being parsed: the scenario's own, plus one per add_node
    // before it. A larger id names no node, whatever happens when the scenario runs.
    int nodeCount = 0;
    int addedNodes = 0;
    int nodesNeeded = 1; // the fewest starting nodes every id named so far fits in
};

class StepParser
{
public:
    StepParser(Fields &fields, Labels &labels)
        : m_fields(fields)
        , m_labels(labels)
    { }

    // A message type's name, as the core spells it ("AppendEntries").
    QString messageType();

    NodeRef node(const QString &key, bool required, NodeRef fallback = {})
    {
        const QJsonValue value = m_fields.take(key);
        if (value.isUndefined()) {
            if (required)
                m_fields.missing(key);
            return fallback;
        }
        return nodeFrom(value, key);
    }

    NodeRef nodeFrom(const QJsonValue &value, const QString &key)
    {
        if (value.isDouble()) {
            const double id = value.toDouble();
            if (std::floor(id) != id || id < 1 || id > maxNodes)
                m_fields.bad(key, tr("a node id must be a whole number from 1 to %1").arg(maxNodes));
            if (id > m_labels.nodeCount + m_labels.addedNodes)
                m_fields.bad(key,
                             m_labels.addedNodes == 0
                                 ? tr("there is no node %1: the scenario has %2 nodes")
                                       .arg(int(id))
                                       .arg(m_labels.nodeCount)
                                 : tr("there is no node %1: the scenario has %2 nodes and adds %3 "
                                      "before this step")
                                       .arg(int(id))
                                       .arg(m_labels.nodeCount)
                                       .arg(m_labels.addedNodes));
            m_labels.nodesNeeded = std::max(m_labels.nodesNeeded, int(id) - m_labels.addedNodes);
            return NodeRef::byId(NodeId(static_cast<std::uint32_t>(id)));
        }
        if (!value.isString())
            m_fields.bad(key, tr("must be a node id, \"leader\", \"any\", \"follower\" or a label"));
        const QString text = value.toString();
        if (text == QLatin1String("leader"))
            return NodeRef{NodeRef::Kind::Leader, {}, {}};
        if (text == QLatin1String("any"))
            return NodeRef{NodeRef::Kind::Any, {}, {}};
        if (text == QLatin1String("follower"))
            return NodeRef{NodeRef::Kind::Follower, {}, {}};
        if (!m_labels.nodes.contains(text))
            m_fields.bad(key,
                         tr("'%1' names no node: give it first with \"as\" on an earlier step").arg(text));
        return NodeRef::byLabel(text);
    }

    std::vector<NodeRef> nodeList(const QJsonValue &value, const QString &key)
    {
        if (!value.isArray() || value.toArray().isEmpty())
            m_fields.bad(key, tr("must be a non-empty list of nodes"));
        std::vector<NodeRef> nodes;
        for (const QJsonValue &item : value.toArray())
            nodes.push_back(nodeFrom(item, key));
        return nodes;
    }

    ExpectedOutcome outcome(const QString &key, ExpectedOutcome fallback)
    {
        const QString text = m_fields.string(key, false);
        if (text.isEmpty())
            return fallback;
        for (ExpectedOutcome candidate :
             {ExpectedOutcome::Ok, ExpectedOutcome::Fail, ExpectedOutcome::Unknown, ExpectedOutcome::NotOk,
              ExpectedOutcome::Any}) {
            if (text == toString(candidate))
                return candidate;
        }
        m_fields.bad(key, tr("must be one of ok, fail, unknown, not_ok, any"));
    }

    Action parse(const QString &verb, QString &label);

private:
    Action parseWrite(ClientWrite::Op op, QString &label);
    Action parseExpect();

    Fields &m_fields;
    Labels &m_labels;
};

Action StepParser::parseWrite(ClientWrite::Op op, QString &label)
{
    ClientWrite write;
    write.op = op;
    write.node = node(QStringLiteral("node"), false);
    write.key = m_fields.string(QStringLiteral("key"), true);
    if (op != ClientWrite::Op::Delete)
        write.value = m_fields.string(QStringLiteral("value"), true, true);
    if (op == ClientWrite::Op::Cas) {
        bool present = false;
        write.ifValue = m_fields.nullableString(QStringLiteral("expect_value"), &present);
        if (!present)
            m_fields.bad(QStringLiteral("expect_value"), tr("is required (null: the key must be absent)"));
        write.ifAbsent = !write.ifValue;
    }
    write.timeoutMs = m_fields.integer(QStringLiteral("timeout_ms"), 3000, 1, maxDurationMs);
    write.expect = outcome(QStringLiteral("expect"), ExpectedOutcome::Ok);
    write.wait = m_fields.boolean(QStringLiteral("wait"), true);
    if (!write.wait) {
        if (label.isEmpty())
            m_fields.bad(QStringLiteral("wait"),
                         tr("a write that does not wait needs \"as\", so that a "
                            "later expect can name it"));
        m_labels.writes.insert(label);
        label.clear(); // consumed: not a node label
    }
    return write;
}

Action StepParser::parseExpect()
{
    Expect expect;
    int kinds = 0;
    const auto is = [&](const char *key) {
        const bool present = m_fields.has(QLatin1String(key));
        kinds += present ? 1 : 0;
        return present;
    };
    const bool valueOnAll = is("value_on_all");
    const bool noLeader = is("no_leader_for_ms");
    const bool termUnchanged = is("term_unchanged_for_ms");
    const bool leaderIs = is("leader_is");
    const bool leaderIsNot = is("leader_is_not");
    const bool role = is("role_of");
    const bool termAbove = is("term_above");
    const bool write = is("write");
    const bool logsAgree = is("logs_agree");
    const bool snapshotOn = is("snapshot_on");
    const bool members = is("members");
    const bool learners = is("learners");
    const bool voter = is("voter");
    const bool learner = is("learner");
    const bool notMember = is("not_member");
    if (kinds != 1)
        fail(tr("%1: needs exactly one of value_on_all, no_leader_for_ms, term_unchanged_for_ms, "
                "leader_is, leader_is_not, role_of, term_above, write, logs_agree, snapshot_on, "
                "members, learners, voter, learner, not_member")
                 .arg(m_fields.where()));
    expect.withinMs = m_fields.integer(QStringLiteral("within_ms"), 0, 0, maxDurationMs);

    if (valueOnAll) {
        expect.kind = Expect::Kind::ValueOnAll;
        const QJsonValue value = m_fields.take(QStringLiteral("value_on_all"));
        if (!value.isObject())
            m_fields.bad(QStringLiteral("value_on_all"), tr("must be {\"key\": ..., \"value\": ...}"));
        Fields inner(value.toObject(), m_fields.where() + tr(", value_on_all"));
        expect.key = inner.string(QStringLiteral("key"), true);
        bool present = false;
        expect.value = inner.nullableString(QStringLiteral("value"), &present);
        if (!present)
            inner.bad(QStringLiteral("value"), tr("is required (null: absent everywhere)"));
        inner.finish();
    } else if (noLeader || termUnchanged) {
        expect.kind = noLeader ? Expect::Kind::NoLeaderFor : Expect::Kind::TermUnchangedFor;
        expect.durationMs = m_fields.integer(noLeader ? QStringLiteral("no_leader_for_ms")
                                                      : QStringLiteral("term_unchanged_for_ms"),
                                             0, 1, maxDurationMs);
    } else if (leaderIs || leaderIsNot) {
        expect.kind = leaderIs ? Expect::Kind::LeaderIs : Expect::Kind::LeaderIsNot;
        expect.node = node(leaderIs ? QStringLiteral("leader_is") : QStringLiteral("leader_is_not"), true);
    } else if (role) {
        expect.kind = Expect::Kind::Role;
        expect.node = node(QStringLiteral("role_of"), true);
        expect.role = m_fields.string(QStringLiteral("role"), true);
        static const QStringList roles{QStringLiteral("follower"), QStringLiteral("precandidate"),
                                       QStringLiteral("candidate"), QStringLiteral("leader")};
        if (!roles.contains(expect.role))
            m_fields.bad(QStringLiteral("role"), tr("must be follower, precandidate, candidate or leader"));
    } else if (termAbove) {
        expect.kind = Expect::Kind::TermAbove;
        const QJsonValue value = m_fields.take(QStringLiteral("term_above"));
        if (value.isString()) {
            expect.termLabel = value.toString();
            if (!m_labels.terms.contains(expect.termLabel))
                m_fields.bad(
                    QStringLiteral("term_above"),
                    tr("'%1' names no term: give it first with remember_term").arg(expect.termLabel));
        } else if (value.isDouble() && value.toDouble() >= 0 &&
                   std::floor(value.toDouble()) == value.toDouble()) {
            expect.term = static_cast<std::uint64_t>(value.toDouble());
        } else {
            m_fields.bad(QStringLiteral("term_above"), tr("must be a term number or a remembered label"));
        }
    } else if (write) {
        expect.kind = Expect::Kind::WriteOutcome;
        expect.write = m_fields.string(QStringLiteral("write"), true);
        if (!m_labels.writes.contains(expect.write))
            m_fields.bad(QStringLiteral("write"),
                         tr("'%1' names no write: give it with \"as\" on a put with \"wait\": false")
                             .arg(expect.write));
        expect.outcome = outcome(QStringLiteral("outcome"), ExpectedOutcome::Ok);
        expect.notCommitted = m_fields.boolean(QStringLiteral("not_committed"), false);
    } else if (snapshotOn) {
        expect.kind = Expect::Kind::SnapshotOn;
        expect.node = node(QStringLiteral("snapshot_on"), true);
    } else if (members) {
        expect.kind = Expect::Kind::Members;
        expect.nodes = nodeList(m_fields.take(QStringLiteral("members")), QStringLiteral("members"));
    } else if (learners) {
        expect.kind = Expect::Kind::Learners;
        const QJsonValue list = m_fields.take(QStringLiteral("learners"));
        if (!list.isArray())
            m_fields.bad(QStringLiteral("learners"), tr("must be a list of nodes (empty: none)"));
        for (const QJsonValue &item : list.toArray())
            expect.nodes.push_back(nodeFrom(item, QStringLiteral("learners")));
    } else if (voter || learner || notMember) {
        expect.kind = voter ? Expect::Kind::Voter : learner ? Expect::Kind::Learner : Expect::Kind::NotMember;
        expect.node = node(voter         ? QStringLiteral("voter")
                               : learner ? QStringLiteral("learner")
                                         : QStringLiteral("not_member"),
                           true);
    } else if (logsAgree) {
        expect.kind = Expect::Kind::LogsAgree;
        if (!m_fields.boolean(QStringLiteral("logs_agree"), true))
            m_fields.bad(QStringLiteral("logs_agree"), tr("must be true"));
    }
    return expect;
}

QString StepParser::messageType()
{
    const QString name = m_fields.string(QStringLiteral("type"), true);
    for (int value = int(MessageType::PreVote); value <= int(MessageType::TimeoutNow); ++value) {
        const std::string_view known = toString(static_cast<MessageType>(value));
        if (name == QLatin1String(known.data(), qsizetype(known.size())))
            return name;
    }
    m_fields.bad(QStringLiteral("type"),
                 tr("must be a message type: PreVote, PreVoteResponse, RequestVote, "
                    "RequestVoteResponse, AppendEntries, AppendEntriesResponse, Heartbeat, "
                    "HeartbeatResponse, InstallSnapshot, InstallSnapshotResponse or TimeoutNow"));
}

Action StepParser::parse(const QString &verb, QString &label)
{
    if (verb == QLatin1String("wait_leader"))
        return WaitLeader{m_fields.integer(QStringLiteral("within_ms"), 3000, 1, maxDurationMs)};
    if (verb == QLatin1String("sleep"))
        return Sleep{m_fields.integer(QStringLiteral("ms"), 0, 0, maxDurationMs, true)};
    if (verb == QLatin1String("put"))
        return parseWrite(ClientWrite::Op::Put, label);
    if (verb == QLatin1String("delete"))
        return parseWrite(ClientWrite::Op::Delete, label);
    if (verb == QLatin1String("cas"))
        return parseWrite(ClientWrite::Op::Cas, label);
    if (verb == QLatin1String("get")) {
        ClientRead read;
        read.node = node(QStringLiteral("node"), false);
        read.key = m_fields.string(QStringLiteral("key"), true);
        const QString consistency = m_fields.string(QStringLiteral("consistency"), false);
        if (!consistency.isEmpty() && consistency != QLatin1String("local") &&
            consistency != QLatin1String("linearizable"))
            m_fields.bad(QStringLiteral("consistency"), tr("must be \"local\" or \"linearizable\""));
        read.local = consistency == QLatin1String("local");
        read.timeoutMs = m_fields.integer(QStringLiteral("timeout_ms"), 3000, 1, maxDurationMs);
        bool present = false;
        read.expectValue = m_fields.nullableString(QStringLiteral("expect_value"), &present);
        read.checkValue = present;
        read.expect = outcome(QStringLiteral("expect"), ExpectedOutcome::Ok);
        return read;
    }
    static const std::pair<const char *, ProcessFault::Kind> processFaults[] = {
        {"kill", ProcessFault::Kind::Kill},
        {"restart", ProcessFault::Kind::Restart},
        {"freeze", ProcessFault::Kind::Freeze},
        {"thaw", ProcessFault::Kind::Thaw},
    };
    for (const auto &[name, kind] : processFaults) {
        if (verb == QLatin1String(name))
            return ProcessFault{kind, node(QStringLiteral("node"), true)};
    }
    if (verb == QLatin1String("partition")) {
        const QJsonValue groups = m_fields.take(QStringLiteral("groups"));
        if (!groups.isArray() || groups.toArray().size() < 2)
            m_fields.bad(QStringLiteral("groups"), tr("must be a list of at least two lists of nodes"));
        Partition partition;
        for (const QJsonValue &group : groups.toArray())
            partition.groups.push_back(nodeList(group, QStringLiteral("groups")));
        return partition;
    }
    if (verb == QLatin1String("cut") && m_fields.has(QStringLiteral("from"))) {
        const NodeRef from = node(QStringLiteral("from"), true);
        const NodeRef to = node(QStringLiteral("to"), true);
        if (from == to)
            m_fields.bad(QStringLiteral("to"), tr("must name another node than from"));
        return Cut{from, to, true};
    }
    if (verb == QLatin1String("cut")) {
        const std::vector<NodeRef> ends =
            nodeList(m_fields.take(QStringLiteral("between")), QStringLiteral("between"));
        if (ends.size() != 2 || ends[0] == ends[1])
            m_fields.bad(QStringLiteral("between"), tr("must name two different nodes"));
        return Cut{ends[0], ends[1]};
    }
    if (verb == QLatin1String("isolate"))
        return Isolate{node(QStringLiteral("node"), true)};
    if (verb == QLatin1String("heal"))
        return Heal{};
    if (verb == QLatin1String("net")) {
        NetFaults net;
        if (m_fields.has(QStringLiteral("node")))
            net.node = node(QStringLiteral("node"), true);
        net.delayMs = m_fields.integer(QStringLiteral("delay_ms"), 0, 0, 60000);
        net.jitterMs = m_fields.integer(QStringLiteral("jitter_ms"), 0, 0, 60000);
        net.loss = m_fields.fraction(QStringLiteral("loss"));
        return net;
    }
    if (verb == QLatin1String("timing")) {
        Timing timing;
        timing.heartbeatMs = m_fields.integer(QStringLiteral("heartbeat_ms"), 0, 1, 60000, true);
        const QJsonValue range = m_fields.take(QStringLiteral("election_timeout_ms"));
        const QJsonArray pair = range.toArray();
        if (!range.isArray() || pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble() ||
            pair[0].toInt() <= timing.heartbeatMs || pair[1].toInt() <= pair[0].toInt())
            m_fields.bad(QStringLiteral("election_timeout_ms"),
                         tr("must be [min, max] with heartbeat_ms < min < max"));
        timing.electionTimeoutMinMs = pair[0].toInt();
        timing.electionTimeoutMaxMs = pair[1].toInt();
        return timing;
    }
    if (verb == QLatin1String("transfer"))
        return Transfer{node(QStringLiteral("to"), true)};
    if (verb == QLatin1String("timeout"))
        return ElectionTimeout{node(QStringLiteral("node"), true)};
    if (verb == QLatin1String("expect"))
        return parseExpect();
    if (verb == QLatin1String("remember_term")) {
        if (label.isEmpty())
            fail(tr("%1: remember_term needs \"as\", the label a later term_above names")
                     .arg(m_fields.where()));
        m_labels.terms.insert(label);
        label.clear();
        return RememberTerm{};
    }
    if (verb == QLatin1String("chapter"))
        return Chapter{m_fields.string(QStringLiteral("title"), true)};
    if (verb == QLatin1String("say"))
        return Say{};
    if (verb == QLatin1String("focus")) {
        Focus focus;
        if (m_fields.has(QStringLiteral("node")))
            focus.node = node(QStringLiteral("node"), true);
        if (m_fields.has(QStringLiteral("log_index")))
            focus.logIndex = static_cast<std::uint64_t>(
                m_fields.integer(QStringLiteral("log_index"), 0, 1, std::numeric_limits<int>::max()));
        if (!focus.node && !focus.logIndex)
            fail(tr("%1: focus needs \"node\" or \"log_index\"").arg(m_fields.where()));
        return focus;
    }
    if (verb == QLatin1String("reset"))
        return Reset{m_fields.boolean(QStringLiteral("prevote"), true),
                     m_fields.boolean(QStringLiteral("check_quorum"), true)};
    if (verb == QLatin1String("deliver")) {
        DeliverNext deliver{node(QStringLiteral("from"), true), node(QStringLiteral("to"), true), {}};
        if (m_fields.has(QStringLiteral("type")))
            deliver.messageType = messageType();
        return deliver;
    }
    if (verb == QLatin1String("drop")) {
        DropMessages drop{messageType(), {}, {}};
        if (m_fields.has(QStringLiteral("from")))
            drop.from = node(QStringLiteral("from"), true);
        if (m_fields.has(QStringLiteral("to")))
            drop.to = node(QStringLiteral("to"), true);
        return drop;
    }
    if (verb == QLatin1String("fire_timer"))
        return FireTimer{node(QStringLiteral("node"), true)};
    if (verb == QLatin1String("advance"))
        return Advance{m_fields.integer(QStringLiteral("ms"), 0, 1, maxDurationMs, true)};
    if (verb == QLatin1String("add_node"))
        return AddNode{m_fields.integer(QStringLiteral("timeout_ms"), 10000, 1, maxDurationMs)};
    if (verb == QLatin1String("remove_node"))
        return RemoveNode{node(QStringLiteral("node"), true),
                          m_fields.integer(QStringLiteral("timeout_ms"), 10000, 1, maxDurationMs)};
    if (verb == QLatin1String("load"))
        return Load{m_fields.integer(QStringLiteral("rate"), 0, 0, 500, true),
                    node(QStringLiteral("node"), false)};
    fail(tr("%1: field 'do': unknown step '%2'").arg(m_fields.where(), verb));
}

// Which steps resolve a node when they run, so that their "as" labels a node.
} // namespace

bool isSimulationOnly(const Action &action)
{
    return std::holds_alternative<DeliverNext>(action) || std::holds_alternative<DropMessages>(action) ||
        std::holds_alternative<Advance>(action) || std::holds_alternative<FireTimer>(action);
}

namespace {

bool labelsNode(const Action &action)
{
    return std::holds_alternative<WaitLeader>(action) || std::holds_alternative<ProcessFault>(action) ||
        std::holds_alternative<ClientWrite>(action) || std::holds_alternative<Transfer>(action) ||
        std::holds_alternative<ElectionTimeout>(action) || std::holds_alternative<Isolate>(action) ||
        std::holds_alternative<AddNode>(action) || std::holds_alternative<RemoveNode>(action);
}

ClusterSettings parseClusterSettings(const QJsonObject &object, const QString &source)
{
    Fields fields(object, source + tr(": cluster"));
    ClusterSettings settings;
    if (fields.has(QStringLiteral("heartbeat_ms")))
        settings.heartbeatMs = fields.integer(QStringLiteral("heartbeat_ms"), 0, 1, 60000);
    if (fields.has(QStringLiteral("election_timeout_ms"))) {
        const QJsonArray pair = fields.take(QStringLiteral("election_timeout_ms")).toArray();
        const int heartbeat = settings.heartbeatMs.value_or(ClusterConfig::defaultHeartbeatMs);
        if (pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble() || pair[0].toInt() <= heartbeat ||
            pair[1].toInt() <= pair[0].toInt())
            fields.bad(QStringLiteral("election_timeout_ms"),
                       tr("must be [min, max] with heartbeat_ms < min < max"));
        settings.electionTimeoutMs = std::pair{pair[0].toInt(), pair[1].toInt()};
    }
    settings.preVote = fields.boolean(QStringLiteral("prevote"), true);
    settings.checkQuorum = fields.boolean(QStringLiteral("check_quorum"), true);
    if (fields.has(QStringLiteral("snapshot_every")))
        settings.snapshotEvery = fields.integer(QStringLiteral("snapshot_every"), 0, 1, 100'000'000);
    fields.finish();
    return settings;
}

Scenario parseDocument(const QJsonObject &root, const QString &source)
{
    Fields top(root, source);
    Scenario scenario;
    scenario.title = top.string(QStringLiteral("title"), true);
    scenario.summary = top.string(QStringLiteral("summary"), false);
    scenario.nodes = top.integer(QStringLiteral("nodes"), 5, 1, maxNodes);
    scenario.simulationOnly = top.boolean(QStringLiteral("simulation_only"), false);
    const QJsonValue simulation = top.take(QStringLiteral("simulation"));
    if (!simulation.isUndefined()) {
        if (!simulation.isObject())
            top.bad(QStringLiteral("simulation"), tr("must be an object"));
        if (!scenario.simulationOnly)
            top.bad(QStringLiteral("simulation"), tr("needs \"simulation_only\": true"));
        Fields settings(simulation.toObject(), source + tr(": simulation"));
        if (settings.has(QStringLiteral("max_entries_per_append")))
            scenario.maxEntriesPerAppend =
                settings.integer(QStringLiteral("max_entries_per_append"), 0, 1, 100'000);
        settings.finish();
    }
    const QJsonValue cluster = top.take(QStringLiteral("cluster"));
    if (!cluster.isUndefined() && !cluster.isObject())
        top.bad(QStringLiteral("cluster"), tr("must be an object of cluster.json fields"));
    scenario.cluster = parseClusterSettings(cluster.toObject(), source);
    const QJsonValue steps = top.take(QStringLiteral("steps"));
    if (!steps.isArray() || steps.toArray().isEmpty())
        top.bad(QStringLiteral("steps"), tr("must be a non-empty list"));
    if (steps.toArray().size() > maxSteps)
        top.bad(QStringLiteral("steps"), tr("more than %1 steps").arg(maxSteps));
    top.finish();

    Labels labels;
    labels.nodeCount = scenario.nodes;
    int number = 0;
    for (const QJsonValue &value : steps.toArray()) {
        ++number;
        const QString where = tr("%1: step %2").arg(source).arg(number);
        if (!value.isObject())
            fail(tr("%1: must be an object with \"do\"").arg(where));
        const QString verb = value.toObject().value(QStringLiteral("do")).toString();
        Fields fields(value.toObject(), verb.isEmpty() ? where : QStringLiteral("%1 (%2)").arg(where, verb));
        Step step;
        step.number = number;
        step.verb = fields.string(QStringLiteral("do"), true);
        step.say = fields.string(QStringLiteral("say"), false);
        step.pause = fields.boolean(QStringLiteral("pause"), false);
        step.label = fields.string(QStringLiteral("as"), false);
        if (step.label == QLatin1String("leader") || step.label == QLatin1String("any") ||
            step.label == QLatin1String("follower"))
            fields.bad(QStringLiteral("as"), tr("'%1' is a reserved node name").arg(step.label));
        QString label = step.label;
        StepParser parser(fields, labels);
        step.action = parser.parse(step.verb, label);
        if (isSimulationOnly(step.action) && !scenario.simulationOnly)
            fail(tr("%1 (%2): a simulation-only step; mark the scenario \"simulation_only\": true "
                    "and play it with --simulate")
                     .arg(where, step.verb));
        if (!label.isEmpty()) { // not consumed as a write or term label
            if (!labelsNode(step.action))
                fields.bad(QStringLiteral("as"), tr("this step names no node to label"));
            labels.nodes.insert(label);
        }
        fields.finish();
        if (std::holds_alternative<AddNode>(step.action))
            ++labels.addedNodes;
        scenario.steps.push_back(std::move(step));
    }
    scenario.nodesNeeded = labels.nodesNeeded;
    return scenario;
}

} // namespace

QString nodeCountProblem(const Scenario &scenario, int nodes, const QString &source)
{
    if (nodes >= scenario.nodesNeeded)
        return QString();
    return tr("%1: its steps name node %2, which %3 nodes do not have")
        .arg(source)
        .arg(scenario.nodesNeeded)
        .arg(nodes);
}

QString toString(ExpectedOutcome outcome)
{
    switch (outcome) {
    case ExpectedOutcome::Ok:
        return QStringLiteral("ok");
    case ExpectedOutcome::Fail:
        return QStringLiteral("fail");
    case ExpectedOutcome::Unknown:
        return QStringLiteral("unknown");
    case ExpectedOutcome::NotOk:
        return QStringLiteral("not_ok");
    case ExpectedOutcome::Any:
        break;
    }
    return QStringLiteral("any");
}

namespace {

QString describe(const NodeRef &ref)
{
    switch (ref.kind) {
    case NodeRef::Kind::Id:
        return tr("node %1").arg(ref.id.value);
    case NodeRef::Kind::Leader:
        return tr("the leader");
    case NodeRef::Kind::Any:
        return tr("any node");
    case NodeRef::Kind::Follower:
        return tr("a follower");
    case NodeRef::Kind::Label:
        break;
    }
    return ref.label;
}

QString describeNodes(const std::vector<NodeRef> &refs)
{
    QStringList names;
    for (const NodeRef &ref : refs)
        names << (ref.kind == NodeRef::Kind::Id ? QString::number(ref.id.value) : describe(ref));
    return names.join(QLatin1Char(','));
}

QString describeValue(const std::optional<QString> &value)
{
    return value ? QStringLiteral("\"%1\"").arg(*value) : QStringLiteral("absent");
}

QString describeExpect(const Expect &expect)
{
    switch (expect.kind) {
    case Expect::Kind::ValueOnAll:
        return tr("expect %1 = %2 on every node").arg(expect.key, describeValue(expect.value));
    case Expect::Kind::NoLeaderFor:
        return tr("expect no leader for %1 s").arg(expect.durationMs / 1000.0);
    case Expect::Kind::TermUnchangedFor:
        return tr("expect the term to stay for %1 s").arg(expect.durationMs / 1000.0);
    case Expect::Kind::LeaderIs:
        return tr("expect %1 to lead").arg(describe(expect.node));
    case Expect::Kind::LeaderIsNot:
        return tr("expect a leader other than %1").arg(describe(expect.node));
    case Expect::Kind::Role:
        return tr("expect %1 to be %2").arg(describe(expect.node), expect.role);
    case Expect::Kind::TermAbove:
        return tr("expect a term above %1")
            .arg(expect.termLabel.isEmpty() ? QString::number(expect.term) : expect.termLabel);
    case Expect::Kind::WriteOutcome:
        return tr("expect write %1 to end %2%3")
            .arg(expect.write, toString(expect.outcome),
                 expect.notCommitted ? tr(" (not_committed)") : QString());
    case Expect::Kind::LogsAgree:
        return tr("expect the committed logs to agree");
    case Expect::Kind::SnapshotOn:
        return tr("expect %1 to hold a snapshot").arg(describe(expect.node));
    case Expect::Kind::Members:
        return tr("expect the voters to be %1").arg(describeNodes(expect.nodes));
    case Expect::Kind::Learners:
        return expect.nodes.empty() ? tr("expect no learners")
                                    : tr("expect the learners to be %1").arg(describeNodes(expect.nodes));
    case Expect::Kind::Voter:
        return tr("expect %1 to be a voter").arg(describe(expect.node));
    case Expect::Kind::Learner:
        return tr("expect %1 to be a learner").arg(describe(expect.node));
    case Expect::Kind::NotMember:
        return tr("expect %1 to be no member").arg(describe(expect.node));
    }
    return QStringLiteral("expect");
}

QString describeAction(const Action &action)
{
    return std::visit(
        [](const auto &a) -> QString {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, WaitLeader>)
                return tr("wait for a leader");
            else if constexpr (std::is_same_v<T, Sleep>)
                return tr("wait %1 s").arg(a.ms / 1000.0);
            else if constexpr (std::is_same_v<T, ClientWrite>) {
                const QString what = a.op == ClientWrite::Op::Delete ? tr("delete %1").arg(a.key)
                    : a.op == ClientWrite::Op::Cas
                    ? tr("cas %1: %2 → \"%3\"")
                          .arg(a.key, describeValue(a.ifValue), a.value.value_or(QString()))
                    : tr("put %1=%2").arg(a.key, a.value.value_or(QString()));
                return tr("%1 via %2").arg(what, describe(a.node));
            } else if constexpr (std::is_same_v<T, ClientRead>)
                return tr("%1 read %2 via %3")
                    .arg(a.local ? QStringLiteral("local") : QStringLiteral("linearizable"), a.key,
                         describe(a.node));
            else if constexpr (std::is_same_v<T, ProcessFault>) {
                static const char *const verbs[] = {"kill", "restart", "freeze", "thaw"};
                return QStringLiteral("%1 %2").arg(QLatin1String(verbs[int(a.kind)]), describe(a.node));
            } else if constexpr (std::is_same_v<T, Partition>) {
                QStringList groups;
                for (const auto &group : a.groups)
                    groups << describeNodes(group);
                return tr("partition %1").arg(groups.join(QStringLiteral(" | ")));
            } else if constexpr (std::is_same_v<T, Cut>)
                return a.oneWay ? tr("cut %1 → %2 (one way)").arg(describe(a.a), describe(a.b))
                                : tr("cut %1 – %2").arg(describe(a.a), describe(a.b));
            else if constexpr (std::is_same_v<T, Isolate>)
                return tr("isolate %1").arg(describe(a.node));
            else if constexpr (std::is_same_v<T, Heal>)
                return tr("heal every link");
            else if constexpr (std::is_same_v<T, NetFaults>)
                return tr("delay %1 ms, loss %2% on %3")
                    .arg(a.delayMs)
                    .arg(a.loss * 100)
                    .arg(a.node ? describe(*a.node) : tr("every node"));
            else if constexpr (std::is_same_v<T, Timing>)
                return tr("heartbeats every %1 ms, elections after %2–%3 ms")
                    .arg(a.heartbeatMs)
                    .arg(a.electionTimeoutMinMs)
                    .arg(a.electionTimeoutMaxMs);
            else if constexpr (std::is_same_v<T, Transfer>)
                return tr("hand the leadership to %1").arg(describe(a.to));
            else if constexpr (std::is_same_v<T, ElectionTimeout>)
                return tr("fire %1's election timer").arg(describe(a.node));
            else if constexpr (std::is_same_v<T, Expect>)
                return describeExpect(a);
            else if constexpr (std::is_same_v<T, RememberTerm>)
                return tr("note the term");
            else if constexpr (std::is_same_v<T, Chapter>)
                return a.title;
            else if constexpr (std::is_same_v<T, Say>)
                return QStringLiteral("…");
            else if constexpr (std::is_same_v<T, Focus>)
                return tr("look at %1").arg(a.node ? describe(*a.node) : tr("index %1").arg(*a.logIndex));
            else if constexpr (std::is_same_v<T, Load>)
                return a.ratePerSecond > 0
                    ? tr("%1 writes/s via %2").arg(a.ratePerSecond).arg(describe(a.node))
                    : tr("stop the writes");
            else if constexpr (std::is_same_v<T, DeliverNext>)
                return tr("deliver the next %1message from %2 to %3")
                    .arg(a.messageType.isEmpty() ? QString() : a.messageType + QLatin1Char(' '),
                         describe(a.from), describe(a.to));
            else if constexpr (std::is_same_v<T, DropMessages>)
                return tr("drop every %1 in flight%2%3")
                    .arg(a.messageType, a.from ? tr(" from %1").arg(describe(*a.from)) : QString(),
                         a.to ? tr(" to %1").arg(describe(*a.to)) : QString());
            else if constexpr (std::is_same_v<T, FireTimer>)
                return tr("fire %1's timer now").arg(describe(a.node));
            else if constexpr (std::is_same_v<T, Advance>)
                return tr("let %1 ms of virtual time pass").arg(a.ms);
            else if constexpr (std::is_same_v<T, AddNode>)
                return tr("add a node");
            else if constexpr (std::is_same_v<T, RemoveNode>)
                return tr("remove %1 from the cluster").arg(describe(a.node));
            else if constexpr (std::is_same_v<T, Reset>)
                return tr("a fresh cluster: PreVote %1, CheckQuorum %2")
                    .arg(a.preVote ? u"on" : u"off", a.checkQuorum ? u"on" : u"off");
        },
        action);
}

} // namespace

QString describe(const Step &step)
{
    QString text = describeAction(step.action);
    if (!step.label.isEmpty())
        text += tr(" (as %1)").arg(step.label);
    return text;
}

ClusterConfig clusterConfigFor(const ClusterSettings &settings)
{
    ClusterConfig config;
    config.heartbeatMs = settings.heartbeatMs.value_or(config.heartbeatMs);
    if (settings.electionTimeoutMs)
        config.electionTimeoutMs =
            MillisecondRange{settings.electionTimeoutMs->first, settings.electionTimeoutMs->second};
    config.preVote = settings.preVote;
    config.checkQuorum = settings.checkQuorum;
    config.snapshotEvery = settings.snapshotEvery.value_or(config.snapshotEvery);
    return config;
}

QString parseScenario(const QByteArray &json, const QString &sourceName, Scenario &out)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return tr("%1: not JSON at byte %2: %3").arg(sourceName).arg(error.offset).arg(error.errorString());
    if (!document.isObject())
        return tr("%1: must be a JSON object with \"title\" and \"steps\"").arg(sourceName);
    try {
        out = parseDocument(document.object(), sourceName);
    } catch (const ParseError &parseError) {
        return parseError.message;
    }
    return {};
}

QString loadScenario(const QString &path, Scenario &out)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return tr("%1: cannot read: %2").arg(path, file.errorString());
    constexpr qint64 maxFileBytes = 4 * 1024 * 1024;
    if (file.size() > maxFileBytes)
        return tr("%1: larger than 4 MiB; not a scenario").arg(path);
    return parseScenario(file.readAll(), path, out);
}

} // namespace raftlab::scenario
