#include "scenariorunner.h"

#include <QPointer>

#include <algorithm>
#include <memory>

namespace raftlab::scenario {

namespace {

bool matches(ExpectedOutcome expected, ClientAnswer::Outcome outcome)
{
    switch (expected) {
    case ExpectedOutcome::Ok:
        return outcome == ClientAnswer::Outcome::Ok;
    case ExpectedOutcome::Fail:
        return outcome == ClientAnswer::Outcome::Fail;
    case ExpectedOutcome::Unknown:
        return outcome == ClientAnswer::Outcome::Unknown;
    case ExpectedOutcome::NotOk:
        return outcome != ClientAnswer::Outcome::Ok;
    case ExpectedOutcome::Any:
        return true;
    }
    return false;
}

QString outcomeText(ClientAnswer::Outcome outcome)
{
    switch (outcome) {
    case ClientAnswer::Outcome::Ok:
        return QStringLiteral("ok");
    case ClientAnswer::Outcome::Fail:
        return QStringLiteral("fail");
    case ClientAnswer::Outcome::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString valueText(const std::optional<QString> &value)
{
    return value ? QStringLiteral("\"%1\"").arg(*value) : QStringLiteral("absent");
}

QString idsText(const std::vector<NodeId> &ids)
{
    if (ids.empty())
        return QStringLiteral("none");
    QStringList names;
    for (NodeId id : ids)
        names << QString::number(id.value);
    return names.join(QLatin1Char(','));
}

bool contains(const std::vector<NodeId> &ids, NodeId id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

} // namespace

ScenarioRunner::ScenarioRunner(Scenario scenario, ScenarioTarget *target, QObject *parent)
    : QObject(parent)
    , m_scenario(std::move(scenario))
    , m_target(target)
{ }

void ScenarioRunner::start()
{
    m_index = -1;
    runNext();
}

void ScenarioRunner::next()
{
    if (!m_waiting || m_stopped)
        return;
    m_waiting = false;
    runStep(m_scenario.steps[std::size_t(m_index)]);
}

void ScenarioRunner::stop()
{
    m_stopped = true;
    ++m_stepGeneration;
}

std::function<void()> ScenarioRunner::guarded(std::function<void()> f)
{
    QPointer<ScenarioRunner> self(this);
    const quint64 generation = m_stepGeneration;
    return [self, generation, f = std::move(f)] {
        if (self && !self->m_stopped && self->m_stepGeneration == generation)
            f();
    };
}

void ScenarioRunner::runNext()
{
    if (m_stopped)
        return;
    ++m_index;
    ++m_stepGeneration;
    if (m_index >= int(m_scenario.steps.size())) {
        m_finished = true;
        Q_EMIT finished(m_failures == 0);
        return;
    }
    const Step &step = m_scenario.steps[std::size_t(m_index)];
    const bool fastForwarding = m_index < m_fastForwardTo;
    const bool arrived = m_fastForwardTo > 0 && m_index == m_fastForwardTo;
    if (!fastForwarding && (arrived || (step.pause && m_pauses == Pauses::Honour))) {
        m_fastForwardTo = 0;
        m_waiting = true;
        Q_EMIT waitingForNext(m_index);
        return;
    }
    runStep(step);
}

void ScenarioRunner::finishStep(StepResult result)
{
    if (m_stopped)
        return;
    ++m_stepGeneration; // answers still on their way belong to a finished step
    if (result.verdict == StepResult::Verdict::Failed)
        ++m_failures;
    Q_EMIT stepFinished(m_index, result);
    if (result.verdict == StepResult::Verdict::Failed && m_stopOnFailure) {
        m_finished = true;
        Q_EMIT finished(false);
        return;
    }
    // On the next turn of the loop: a long scenario never grows the stack.
    m_target->after(0, guarded([this] { runNext(); }));
}

std::optional<NodeId> ScenarioRunner::currentLeader() const
{
    // The leader of the highest term among the nodes that run and answer: a deposed leader that has
    // not heard of the new term yet still says "leader", but of an older term.
    std::optional<NodeId> leader;
    std::uint64_t leaderTerm = 0;
    for (const NodeView &node : m_target->nodes()) {
        if (node.running && !node.frozen && node.known && node.role == QLatin1String("leader") &&
            node.term >= leaderTerm) {
            leader = node.id;
            leaderTerm = node.term;
        }
    }
    if (leader && leaderTerm < highestTerm())
        return std::nullopt;
    return leader;
}

std::uint64_t ScenarioRunner::highestTerm() const
{
    std::uint64_t term = 0;
    for (const NodeView &node : m_target->nodes()) {
        if (node.running && node.known)
            term = std::max(term, node.term);
    }
    return term;
}

std::optional<NodeId> ScenarioRunner::resolve(const NodeRef &ref) const
{
    switch (ref.kind) {
    case NodeRef::Kind::Id:
        return ref.id;
    case NodeRef::Kind::Leader:
        return currentLeader();
    case NodeRef::Kind::Label: {
        const auto it = m_nodeLabels.find(ref.label);
        return it == m_nodeLabels.end() ? std::nullopt : std::optional<NodeId>(it->second);
    }
    case NodeRef::Kind::Any:
    case NodeRef::Kind::Follower:
        break;
    }
    const std::optional<NodeId> leader = currentLeader();
    if (ref.kind == NodeRef::Kind::Any && leader)
        return leader; // a client that knows the leader goes straight to it
    // A removed node still runs until it learns of its removal, but it is no longer part of the cluster.
    for (const NodeView &node : m_target->nodes()) {
        if (node.running && !node.frozen && node.id != leader && inConfiguration(node.id))
            return node.id;
    }
    return std::nullopt;
}

QString ScenarioRunner::describeNodes() const
{
    QStringList parts;
    for (const NodeView &node : m_target->nodes()) {
        if (!node.running)
            parts << tr("%1 down").arg(node.id.value);
        else if (node.frozen)
            parts << tr("%1 frozen").arg(node.id.value);
        else if (!node.known)
            parts << tr("%1 unknown").arg(node.id.value);
        else
            parts << QStringLiteral("%1 %2 t%3").arg(node.id.value).arg(node.role).arg(node.term);
    }
    return parts.join(QStringLiteral(", "));
}

std::optional<NodeView> ScenarioRunner::leaderView() const
{
    const std::optional<NodeId> leader = currentLeader();
    for (const NodeView &node : m_target->nodes()) {
        if (leader && node.id == *leader)
            return node;
    }
    return std::nullopt;
}

bool ScenarioRunner::inConfiguration(NodeId id) const
{
    const std::optional<NodeView> leader = leaderView();
    if (!leader || (leader->voters.empty() && leader->learners.empty()))
        return true;
    return contains(leader->voters, id) || contains(leader->learners, id);
}

void ScenarioRunner::remember(const Step &step, NodeId id)
{
    if (step.label.isEmpty())
        return;
    m_nodeLabels[step.label] = id;
    Q_EMIT nodeLabelled(step.label, id);
}

void ScenarioRunner::runStep(const Step &step)
{
    Q_EMIT stepStarted(m_index);
    const auto needNode = [this](const NodeRef &ref) -> std::optional<NodeId> {
        const std::optional<NodeId> id = resolve(ref);
        if (!id)
            fail(ref.kind == NodeRef::Kind::Leader ? tr("there is no leader (%1)").arg(describeNodes())
                                                   : tr("no node fits (%1)").arg(describeNodes()));
        return id;
    };

    std::visit(
        [&](const auto &action) {
            using T = std::decay_t<decltype(action)>;
            if constexpr (std::is_same_v<T, WaitLeader>) {
                pollUntil(action.withinMs, [this, &step](auto answer) {
                    const std::optional<NodeId> leader = currentLeader();
                    if (leader)
                        remember(step, *leader);
                    answer(leader.has_value(),
                           leader ? tr("node %1 leads in term %2").arg(leader->value).arg(highestTerm())
                                  : tr("no leader: %1").arg(describeNodes()));
                });
            } else if constexpr (std::is_same_v<T, Sleep>) {
                m_target->after(action.ms, guarded([this] { done(); }));
            } else if constexpr (std::is_same_v<T, ClientWrite>) {
                runWrite(step, action);
            } else if constexpr (std::is_same_v<T, ClientRead>) {
                runRead(action);
            } else if constexpr (std::is_same_v<T, ProcessFault>) {
                const std::optional<NodeId> id = needNode(action.node);
                if (!id)
                    return;
                remember(step, *id);
                switch (action.kind) {
                case ProcessFault::Kind::Kill:
                    m_target->kill(*id);
                    break;
                case ProcessFault::Kind::Restart:
                    m_target->restart(*id);
                    break;
                case ProcessFault::Kind::Freeze:
                    m_target->freeze(*id);
                    break;
                case ProcessFault::Kind::Thaw:
                    m_target->thaw(*id);
                    break;
                }
                done(tr("node %1").arg(id->value));
            } else if constexpr (std::is_same_v<T, Partition>) {
                runPartition(action);
            } else if constexpr (std::is_same_v<T, Cut>) {
                const std::optional<NodeId> a = needNode(action.a);
                if (!a)
                    return;
                const std::optional<NodeId> b = needNode(action.b);
                if (!b)
                    return;
                if (action.oneWay) {
                    m_target->setOneWayCut(*a, *b);
                    doneOnceLinksSettle(QStringLiteral("%1→%2").arg(a->value).arg(b->value));
                } else {
                    m_target->setLinkCut(*a, *b, true);
                    doneOnceLinksSettle(QStringLiteral("%1–%2").arg(a->value).arg(b->value));
                }
            } else if constexpr (std::is_same_v<T, Isolate>) {
                const std::optional<NodeId> id = needNode(action.node);
                if (!id)
                    return;
                remember(step, *id);
                for (const NodeView &other : m_target->nodes()) {
                    if (other.id != *id)
                        m_target->setLinkCut(*id, other.id, true);
                }
                doneOnceLinksSettle(tr("node %1").arg(id->value));
            } else if constexpr (std::is_same_v<T, Heal>) {
                m_target->healAll();
                doneOnceLinksSettle();
            } else if constexpr (std::is_same_v<T, NetFaults>) {
                std::optional<NodeId> id;
                if (action.node && !(id = needNode(*action.node)))
                    return;
                m_target->setNetworkFaults(id, action.delayMs, action.jitterMs, action.loss);
                done();
            } else if constexpr (std::is_same_v<T, Timing>) {
                m_target->setTiming(action.heartbeatMs, action.electionTimeoutMinMs,
                                    action.electionTimeoutMaxMs);
                done();
            } else if constexpr (std::is_same_v<T, Transfer>) {
                const std::optional<NodeId> id = needNode(action.to);
                if (!id)
                    return;
                remember(step, *id);
                m_target->transferLeadership(*id);
                done(tr("to node %1").arg(id->value));
            } else if constexpr (std::is_same_v<T, ElectionTimeout>) {
                const std::optional<NodeId> id = needNode(action.node);
                if (!id)
                    return;
                remember(step, *id);
                m_target->triggerElection(*id);
                done(tr("node %1").arg(id->value));
            } else if constexpr (std::is_same_v<T, Expect>) {
                runExpect(action);
            } else if constexpr (std::is_same_v<T, RememberTerm>) {
                m_termLabels[step.label] = highestTerm();
                done(tr("term %1").arg(highestTerm()));
            } else if constexpr (std::is_same_v<T, Chapter>) {
                Q_EMIT chapterChanged(action.title);
                done();
            } else if constexpr (std::is_same_v<T, Say>) {
                done();
            } else if constexpr (std::is_same_v<T, Focus>) {
                std::optional<NodeId> id;
                if (action.node && !(id = needNode(*action.node)))
                    return;
                Q_EMIT focusRequested(id, action.logIndex);
                done();
            } else if constexpr (std::is_same_v<T, Reset>) {
                m_target->resetCluster(action.preVote, action.checkQuorum);
                m_nodeLabels.clear(); // a new cluster: the nodes labels named are gone
                pollUntil(resetTimeoutMs, [this, action](auto answer) {
                    const std::vector<NodeView> nodes = m_target->nodes();
                    const bool allUp = std::all_of(nodes.begin(), nodes.end(), [](const NodeView &node) {
                        return node.running && node.known;
                    });
                    answer(
                        allUp,
                        allUp ? tr("a fresh cluster, PreVote %1, CheckQuorum %2")
                                    .arg(action.preVote ? u"on" : u"off", action.checkQuorum ? u"on" : u"off")
                              : tr("the nodes did not come back: %1").arg(describeNodes()));
                });
            } else if constexpr (std::is_same_v<T, AddNode> || std::is_same_v<T, RemoveNode>) {
                runMembershipChange(step);
            } else if constexpr (std::is_same_v<T, DeliverNext>) {
                const std::optional<NodeId> from = needNode(action.from);
                const std::optional<NodeId> to = from ? needNode(action.to) : std::nullopt;
                if (!to)
                    return;
                const ScenarioTarget::SimulationAnswer answer =
                    m_target->deliverNext(*from, *to, action.messageType);
                answer.ok ? done(answer.text) : fail(answer.text);
            } else if constexpr (std::is_same_v<T, DropMessages>) {
                std::optional<NodeId> from;
                std::optional<NodeId> to;
                if (action.from && !(from = needNode(*action.from)))
                    return;
                if (action.to && !(to = needNode(*action.to)))
                    return;
                const ScenarioTarget::SimulationAnswer answer =
                    m_target->dropMessages(action.messageType, from, to);
                answer.ok ? done(answer.text) : fail(answer.text);
            } else if constexpr (std::is_same_v<T, FireTimer>) {
                const std::optional<NodeId> id = needNode(action.node);
                if (!id)
                    return;
                const ScenarioTarget::SimulationAnswer answer = m_target->fireTimer(*id);
                answer.ok ? done(answer.text) : fail(answer.text);
            } else if constexpr (std::is_same_v<T, Advance>) {
                if (const ScenarioTarget::SimulationAnswer answer = m_target->canAdvanceTime(); !answer.ok) {
                    fail(answer.text);
                    return;
                }
                m_target->after(action.ms, guarded([this] { done(); }));
            } else if constexpr (std::is_same_v<T, Load>) {
                const std::optional<NodeId> id = needNode(action.node);
                if (!id)
                    return;
                m_target->setLoad(action.ratePerSecond, *id);
                done();
            }
        },
        step.action);
}

void ScenarioRunner::runWrite(const Step &step, const ClientWrite &write)
{
    const std::optional<NodeId> via = resolve(write.node);
    if (!via) {
        fail(tr("no node to send the write to (%1)").arg(describeNodes()));
        return;
    }
    ScenarioTarget::WriteRequest request;
    request.op = write.op == ClientWrite::Op::Put ? ScenarioTarget::WriteOp::Put
        : write.op == ClientWrite::Op::Delete     ? ScenarioTarget::WriteOp::Delete
                                                  : ScenarioTarget::WriteOp::Cas;
    request.key = write.key;
    request.value = write.value.value_or(QString());
    request.ifValue = write.ifValue;
    request.ifAbsent = write.ifAbsent;
    request.timeoutMs = write.timeoutMs;

    if (!write.wait) {
        // Answered later, whatever step runs by then; only a stop silences it.
        const QString label = step.label;
        m_writes[label] = std::nullopt;
        QPointer<ScenarioRunner> self(this);
        m_target->write(*via, request, [self, label](const ClientAnswer &answer) {
            if (self && !self->m_stopped)
                self->m_writes[label] = answer;
        });
        done(tr("sent to node %1").arg(via->value));
        return;
    }
    remember(step, *via);
    const ExpectedOutcome expected = write.expect;
    auto answered = std::make_shared<ClientAnswer>();
    const auto finish = guarded([this, expected, answered] {
        const QString seen = QStringLiteral("%1: %2").arg(outcomeText(answered->outcome), answered->seen);
        if (matches(expected, answered->outcome))
            finishStep(StepResult{expected == ExpectedOutcome::Any ? StepResult::Verdict::Done
                                                                   : StepResult::Verdict::Held,
                                  seen});
        else
            fail(tr("expected %1, got %2").arg(toString(expected), seen));
    });
    m_target->write(*via, request, [answered, finish](const ClientAnswer &answer) {
        *answered = answer;
        finish();
    });
}

void ScenarioRunner::runMembershipChange(const Step &step)
{
    const auto *remove = std::get_if<RemoveNode>(&step.action);
    std::optional<NodeId> removed;
    if (remove && !(removed = resolve(remove->node))) {
        fail(tr("no node to remove (%1)").arg(describeNodes()));
        return;
    }
    const int timeoutMs = remove ? remove->timeoutMs : std::get<AddNode>(step.action).timeoutMs;
    m_target->after(timeoutMs, guarded([this, timeoutMs] {
                        fail(tr("the cluster did not answer within %1 ms").arg(timeoutMs));
                    }));
    const auto answered = [this, step](const ScenarioTarget::MembershipAnswer &answer) {
        if (!answer.ok) {
            fail(answer.text);
            return;
        }
        remember(step, answer.node);
        done(answer.text);
    };
    // A refusal may come at once, inside the call: finish the step on the next turn of the loop either way.
    const auto later = [this, answered](const ScenarioTarget::MembershipAnswer &answer) {
        m_target->after(0, guarded([answered, answer] { answered(answer); }));
    };
    if (remove)
        m_target->removeNode(*removed, later);
    else
        m_target->addNode(later);
}

void ScenarioRunner::runRead(const ClientRead &read)
{
    const std::optional<NodeId> via = resolve(read.node);
    if (!via) {
        fail(tr("no node to read from (%1)").arg(describeNodes()));
        return;
    }
    auto answered = std::make_shared<ClientAnswer>();
    const auto finish = guarded([this, read, answered] {
        const std::optional<QString> value =
            answered->found ? std::optional<QString>(answered->value) : std::nullopt;
        QString seen = QStringLiteral("%1: %2").arg(outcomeText(answered->outcome), answered->seen);
        if (!matches(read.expect, answered->outcome)) {
            fail(tr("expected %1, got %2").arg(toString(read.expect), seen));
            return;
        }
        if (answered->outcome == ClientAnswer::Outcome::Ok)
            seen = tr("read %1").arg(valueText(value));
        if (read.checkValue && answered->outcome == ClientAnswer::Outcome::Ok && value != read.expectValue) {
            fail(tr("expected %1, %2").arg(valueText(read.expectValue), seen));
            return;
        }
        finishStep(StepResult{read.checkValue || read.expect != ExpectedOutcome::Any
                                  ? StepResult::Verdict::Held
                                  : StepResult::Verdict::Done,
                              seen});
    });
    m_target->read(*via, read.key, read.local, read.timeoutMs,
                   [answered, finish](const ClientAnswer &answer) {
                       *answered = answer;
                       finish();
                   });
}

void ScenarioRunner::runPartition(const Partition &partition)
{
    // Each node named in no group is a group of its own.
    std::map<NodeId, int> groupOf;
    int group = 0;
    for (const std::vector<NodeRef> &members : partition.groups) {
        for (const NodeRef &ref : members) {
            const std::optional<NodeId> id = resolve(ref);
            if (!id) {
                fail(tr("no node fits a group member (%1)").arg(describeNodes()));
                return;
            }
            groupOf[*id] = group;
        }
        ++group;
    }
    const std::vector<NodeView> nodes = m_target->nodes();
    for (const NodeView &node : nodes) {
        if (!groupOf.count(node.id))
            groupOf[node.id] = group++;
    }
    m_target->healAll();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (std::size_t j = i + 1; j < nodes.size(); ++j) {
            if (groupOf[nodes[i].id] != groupOf[nodes[j].id])
                m_target->setLinkCut(nodes[i].id, nodes[j].id, true);
        }
    }
    doneOnceLinksSettle();
}

void ScenarioRunner::pollUntil(int withinMs, Check check, StepResult::Verdict whenHeld)
{
    pollAgain(m_target->nowMs() + withinMs, std::make_shared<Check>(std::move(check)), whenHeld);
}

void ScenarioRunner::doneOnceLinksSettle(const QString &seen)
{
    pollUntil(
        linkSettleTimeoutMs,
        [this, seen](auto answer) {
            const QString unsettled = m_target->unsettledLinks();
            answer(unsettled.isEmpty(), unsettled.isEmpty() ? seen : unsettled);
        },
        StepResult::Verdict::Done);
}

void ScenarioRunner::pollAgain(qint64 deadline, const std::shared_ptr<Check> &check,
                               StepResult::Verdict whenHeld)
{
    const quint64 generation = m_stepGeneration;
    QPointer<ScenarioRunner> self(this);
    (*check)([self, generation, deadline, check, whenHeld](bool held, QString seen) {
        if (!self || self->m_stopped || self->m_stepGeneration != generation)
            return;
        if (held) {
            self->finishStep(StepResult{whenHeld, seen});
        } else if (self->m_target->nowMs() >= deadline) {
            self->fail(seen);
        } else {
            self->m_target->after(pollIntervalMs, self->guarded([self, deadline, check, whenHeld] {
                self->pollAgain(deadline, check, whenHeld);
            }));
        }
    });
}

void ScenarioRunner::watchFor(int durationMs, std::function<QString()> violated, const QString &heldText)
{
    const qint64 end = m_target->nowMs() + durationMs;
    auto tick = std::make_shared<std::function<void()>>();
    *tick = [this, end, violated, heldText, weakTick = std::weak_ptr<std::function<void()>>(tick)] {
        if (const QString why = violated(); !why.isEmpty()) {
            fail(why);
            return;
        }
        if (m_target->nowMs() >= end) {
            finishStep(StepResult{StepResult::Verdict::Held, heldText});
            return;
        }
        if (auto next = weakTick.lock())
            m_target->after(pollIntervalMs, guarded([next] { (*next)(); }));
    };
    // The step's callbacks keep the loop alive; it ends with the step.
    m_target->after(0, guarded([tick] { (*tick)(); }));
}

void ScenarioRunner::checkValueOnAll(const Expect &expect, std::function<void(bool, QString)> answer)
{
    std::vector<NodeId> asked;
    for (const NodeView &node : m_target->nodes()) {
        if (node.running && !node.frozen && inConfiguration(node.id))
            asked.push_back(node.id);
    }
    struct Gathered
    {
        std::size_t waiting = 0;
        QStringList wrong;
    };
    auto gathered = std::make_shared<Gathered>();
    gathered->waiting = asked.size();
    if (asked.empty()) {
        answer(false, tr("no node is running"));
        return;
    }
    for (NodeId id : asked) {
        m_target->read(id, expect.key, true, 1000, [gathered, id, expect, answer](const ClientAnswer &read) {
            const std::optional<QString> value =
                read.found ? std::optional<QString>(read.value) : std::nullopt;
            if (read.outcome != ClientAnswer::Outcome::Ok)
                gathered->wrong << tr("node %1 did not answer").arg(id.value);
            else if (value != expect.value)
                gathered->wrong << tr("node %1 has %2").arg(id.value).arg(valueText(value));
            if (--gathered->waiting == 0)
                answer(gathered->wrong.isEmpty(),
                       gathered->wrong.isEmpty()
                           ? tr("%1 = %2 on every running node").arg(expect.key, valueText(expect.value))
                           : gathered->wrong.join(QStringLiteral("; ")));
        });
    }
}

void ScenarioRunner::runExpect(const Expect &expect)
{
    switch (expect.kind) {
    case Expect::Kind::ValueOnAll:
        pollUntil(expect.withinMs, [this, expect](auto answer) { checkValueOnAll(expect, answer); });
        return;
    case Expect::Kind::NoLeaderFor:
        watchFor(
            expect.durationMs,
            [this]() -> QString {
                const std::optional<NodeId> leader = currentLeader();
                return leader ? tr("node %1 leads (%2)").arg(leader->value).arg(describeNodes()) : QString();
            },
            tr("no leader for %1 ms").arg(expect.durationMs));
        return;
    case Expect::Kind::TermUnchangedFor: {
        const std::uint64_t term = highestTerm();
        watchFor(
            expect.durationMs,
            [this, term]() -> QString {
                const std::uint64_t now = highestTerm();
                return now != term ? tr("the term went from %1 to %2").arg(term).arg(now) : QString();
            },
            tr("term %1 for %2 ms").arg(term).arg(expect.durationMs));
        return;
    }
    case Expect::Kind::LeaderIs:
    case Expect::Kind::LeaderIsNot:
        pollUntil(expect.withinMs, [this, expect](auto answer) {
            const std::optional<NodeId> wanted = resolve(expect.node);
            const std::optional<NodeId> leader = currentLeader();
            const bool is = expect.kind == Expect::Kind::LeaderIs;
            const bool held = wanted && leader && (is ? *leader == *wanted : *leader != *wanted);
            answer(held,
                   leader ? tr("node %1 leads in term %2").arg(leader->value).arg(highestTerm())
                          : tr("no leader: %1").arg(describeNodes()));
        });
        return;
    case Expect::Kind::Role:
        pollUntil(expect.withinMs, [this, expect](auto answer) {
            const std::optional<NodeId> id = resolve(expect.node);
            for (const NodeView &node : m_target->nodes()) {
                if (id && node.id == *id) {
                    const bool held = node.running && node.known && node.role == expect.role;
                    answer(held,
                           tr("node %1 is %2")
                               .arg(id->value)
                               .arg(node.known ? node.role : QStringLiteral("unknown")));
                    return;
                }
            }
            answer(false, tr("no such node"));
        });
        return;
    case Expect::Kind::TermAbove: {
        const std::uint64_t floor = expect.termLabel.isEmpty() ? expect.term : m_termLabels[expect.termLabel];
        pollUntil(expect.withinMs, [this, floor](auto answer) {
            answer(highestTerm() > floor, tr("term %1 (was %2)").arg(highestTerm()).arg(floor));
        });
        return;
    }
    case Expect::Kind::WriteOutcome:
        pollUntil(expect.withinMs, [this, expect](auto answer) {
            const std::optional<ClientAnswer> &seen = m_writes[expect.write];
            if (!seen) {
                answer(false, tr("%1 has not been answered yet").arg(expect.write));
                return;
            }
            const bool held =
                matches(expect.outcome, seen->outcome) && (!expect.notCommitted || seen->notCommitted);
            answer(held, QStringLiteral("%1: %2").arg(outcomeText(seen->outcome), seen->seen));
        });
        return;
    case Expect::Kind::SnapshotOn:
        pollUntil(expect.withinMs, [this, expect](auto answer) {
            const std::optional<NodeId> id = resolve(expect.node);
            for (const NodeView &node : m_target->nodes()) {
                if (id && node.id == *id) {
                    answer(node.known && node.snapshotIndex > 0,
                           node.snapshotIndex > 0 ? tr("node %1 holds a snapshot up to index %2")
                                                        .arg(id->value)
                                                        .arg(node.snapshotIndex)
                                                  : tr("node %1 holds no snapshot").arg(id->value));
                    return;
                }
            }
            answer(false, tr("no such node"));
        });
        return;
    case Expect::Kind::Members:
    case Expect::Kind::Learners:
    case Expect::Kind::Voter:
    case Expect::Kind::Learner:
    case Expect::Kind::NotMember:
        runMembershipExpect(expect);
        return;
    case Expect::Kind::LogsAgree:
        pollUntil(expect.withinMs, [this](auto answer) {
            const QString why = m_target->committedLogsDisagreement();
            answer(why.isEmpty(), why.isEmpty() ? tr("the committed logs agree") : why);
        });
        return;
    }
}

void ScenarioRunner::runMembershipExpect(const Expect &expect)
{
    pollUntil(expect.withinMs, [this, expect](auto answer) {
        const std::optional<NodeView> leader = leaderView();
        if (!leader) {
            answer(false, tr("no leader to hold the configuration: %1").arg(describeNodes()));
            return;
        }
        const QString configuration = tr("voters %1, learners %2 (as node %3 holds them)")
                                          .arg(idsText(leader->voters), idsText(leader->learners))
                                          .arg(leader->id.value);
        if (expect.kind == Expect::Kind::Members || expect.kind == Expect::Kind::Learners) {
            std::vector<NodeId> wanted;
            for (const NodeRef &ref : expect.nodes) {
                const std::optional<NodeId> id = resolve(ref);
                if (!id) {
                    answer(false, tr("no node fits (%1)").arg(describeNodes()));
                    return;
                }
                wanted.push_back(*id);
            }
            std::sort(wanted.begin(), wanted.end());
            std::vector<NodeId> held =
                expect.kind == Expect::Kind::Members ? leader->voters : leader->learners;
            std::sort(held.begin(), held.end());
            answer(held == wanted, configuration);
            return;
        }
        const std::optional<NodeId> id = resolve(expect.node);
        if (!id) {
            answer(false, tr("no node fits (%1)").arg(describeNodes()));
            return;
        }
        const bool voter = contains(leader->voters, *id);
        const bool learner = contains(leader->learners, *id);
        const bool held = expect.kind == Expect::Kind::Voter ? voter
            : expect.kind == Expect::Kind::Learner           ? learner
                                                             : !voter && !learner;
        answer(held, tr("node %1: %2").arg(id->value).arg(configuration));
    });
}

} // namespace raftlab::scenario
