#include "simulationcontroller.h"

#include "http/eventjson.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <map>

namespace raftlab {

using namespace Qt::StringLiterals;

namespace {

// A user action's marker travels in the journal as an event of its own, so a rebuilt model has it too.
const QString markerType = u"raftlab.marker"_s;
constexpr int frameMs = 33;
// Steps taken in one frame of play at most: a fast speed never freezes the window.
constexpr int maxStepsPerFrame = 4000;

} // namespace

SimulationController::SimulationController(QObject *parent)
    : QObject(parent)
    , m_model(new ClusterModel(this))
{
    m_model->setClock([this] { return m_rebuildClockUs >= 0 ? m_rebuildClockUs : m_clockUs; });
    m_playTimer.setInterval(frameMs);
    m_playTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_playTimer, &QTimer::timeout, this, &SimulationController::playFrame);
}

SimulationController::~SimulationController()
{
    if (m_cluster)
        m_cluster->setEventSink({});
}

// ---------------------------------------------------------------------------------------------
// Runs.

QString SimulationController::start(const sim::SimulatedClusterConfig &config, std::uint64_t seed)
{
    if (const QString problem = config.problem(); !problem.isEmpty())
        return problem;
    install(std::make_unique<sim::SimulatedCluster>(config, seed));
    return QString();
}

void SimulationController::install(std::unique_ptr<sim::SimulatedCluster> cluster)
{
    pause();
    if (m_cluster)
        m_cluster->setEventSink({});
    m_cluster = std::move(cluster);
    m_journal.clear();
    m_branches.clear();
    m_fullChoices.clear();
    m_violation.reset();
    m_branchSerial = 0;
    m_length = m_cluster->stepCount();
    m_clockUs = m_cluster->nowUs();
    m_model->reset();
    // Where a viewer starts: every node's state, as a node's stream begins with it.
    for (const QJsonObject &event : m_cluster->stateEvents()) {
        m_journal.push_back(JournalEntry{.step = 0, .event = event});
        feed(event, true);
    }
    // Their election timers, already running: the arcs start full.
    for (const sim::PendingEvent &timer : m_cluster->pendingEvents()) {
        if (timer.kind != sim::PendingEvent::Kind::Timer)
            continue;
        const QJsonObject event{{"type"_L1, u"timer"_s},
                                {"node"_L1, qint64(timer.from.value)},
                                {"term"_L1, qint64(timer.term.value)},
                                {"t_us"_L1, m_cluster->nowUs()},
                                {"deadline_us"_L1, timer.dueUs}};
        m_journal.push_back(JournalEntry{.step = 0, .event = event});
        feed(event, true);
    }
    m_initialEvents = m_journal.size();
    m_cluster->setEventSink([this](const QJsonObject &event) { onEvent(event); });
    m_model->foldPending();
    Q_EMIT runChanged();
    Q_EMIT changed();
}

QString SimulationController::openRun(const QByteArray &json)
{
    // Parsed here rather than by SimulatedCluster::loadRun so that the journal sees every step.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject())
        return tr("not a JSON object (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset);
    const QJsonObject run = document.object();
    std::uint64_t seed = 0;
    sim::SimulatedClusterConfig config;
    if (const QString problem = sim::SimulatedCluster::readRunHeader(run, seed, config); !problem.isEmpty())
        return problem;
    if (const QString problem = config.problem(); !problem.isEmpty())
        return problem;
    std::vector<sim::Choice> choices;
    const QJsonArray list = run.value("choices"_L1).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        sim::Choice choice;
        if (const QString problem = sim::Choice::fromJson(list[i].toObject(), choice); !problem.isEmpty())
            return tr("choice %1: %2").arg(i + 1).arg(problem);
        choices.push_back(choice);
    }
    install(std::make_unique<sim::SimulatedCluster>(config, seed));
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (!m_cluster->apply(choices[i])) {
            const QString error =
                tr("choice %1 cannot be done at step %2").arg(i + 1).arg(m_cluster->stepCount());
            afterAction(0);
            return error;
        }
    }
    afterAction(0);
    return QString();
}

QByteArray SimulationController::saveRun() const
{
    if (!m_cluster)
        return {};
    if (m_cluster->stepCount() == m_length)
        return m_cluster->saveRun();
    // An earlier step is shown: the file holds the whole branch, as its choices say.
    QJsonDocument document = QJsonDocument::fromJson(m_cluster->saveRun());
    QJsonObject run = document.object();
    QJsonArray choices;
    for (const sim::Choice &choice : m_fullChoices)
        choices.append(choice.toJson());
    run.insert("choices"_L1, choices);
    return QJsonDocument(run).toJson(QJsonDocument::Indented);
}

// ---------------------------------------------------------------------------------------------
// The event stream.

void SimulationController::onEvent(const QJsonObject &event)
{
    if (m_quiet)
        return;
    std::uint64_t step = m_cluster->stepCount();
    // The checker speaks after the step it judged was counted: its event belongs to that step.
    if (event.value("type"_L1).toString() == "violation"_L1 && step > 0)
        step -= 1;
    m_journal.push_back(JournalEntry{.step = step, .event = event});
    feed(event, true);
}

void SimulationController::feed(const QJsonObject &event, bool live)
{
    const QString type = event.value("type"_L1).toString();
    const qint64 tUs = eventfield::timeUs(event);
    if (!live)
        m_rebuildClockUs = tUs;
    if (type == markerType) {
        m_model->addFaultMarker(event.value("label"_L1).toString(), tUs, event.value("text"_L1).toString());
        return;
    }
    if (type == "process"_L1) {
        // A simulated process has no stream to close: its crash is the moment its stream would end.
        if (event.value("state"_L1).toString() == "crashed"_L1)
            m_model->setNodeConnected(eventfield::node(event), false, true);
        return;
    }
    m_model->ingest(event);
}

std::size_t SimulationController::journalCut(std::uint64_t step) const
{
    const auto cut =
        std::lower_bound(m_journal.begin(), m_journal.end(), step,
                         [](const JournalEntry &entry, std::uint64_t value) { return entry.step < value; });
    return std::size_t(cut - m_journal.begin());
}

void SimulationController::rebuildModel()
{
    m_model->reset();
    const std::size_t cut = journalCut(position());
    // The events of the charts' span before this moment are enough (older ones only scroll off), and never
    // more than the replay window.
    const qint64 since = m_cluster->nowUs() - replaySpanUs;
    const auto firstRecent = std::partition_point(
        m_journal.begin(), m_journal.begin() + std::ptrdiff_t(cut),
        [since](const JournalEntry &entry) { return eventfield::timeUs(entry.event) < since; });
    std::size_t from = cut > m_replayWindow ? cut - m_replayWindow : 0;
    from = std::max(from, std::size_t(firstRecent - m_journal.begin()));
    if (from <= m_initialEvents)
        from = 0; // from the start: nothing to sum up
    // The initial state events carry step 0; a window starting later needs the moment's state instead.
    for (std::size_t i = from; i < cut; ++i)
        feed(m_journal[i].event, false);
    if (cut == 0) { // step 0 is the initial state the journal opens with
        for (std::size_t i = 0; i < m_initialEvents && i < m_journal.size(); ++i)
            feed(m_journal[i].event, false);
    }
    m_model->foldPending();
    if (from > 0) {
        // What the older events built: each node's state and whole log at this moment, from the cluster.
        m_rebuildClockUs = m_cluster->nowUs();
        for (const QJsonObject &state : m_cluster->stateEvents())
            m_model->ingest(state);
        for (NodeId id : m_cluster->nodeIds()) {
            const sim::SimDisk &disk = m_cluster->disk(id);
            if (disk.entries.empty())
                continue;
            QJsonObject append = entriesJson(disk.entries);
            append.insert("type"_L1, u"append"_s);
            append.insert("node"_L1, qint64(id.value));
            append.insert("term"_L1, qint64(disk.hardState.term.value));
            append.insert("t_us"_L1, m_cluster->nowUs());
            m_model->ingest(append);
        }
        m_model->foldPending();
        // The running election timers: the latest each node announced.
        std::map<std::uint32_t, QJsonObject> timers;
        for (std::size_t i = from; i < cut; ++i) {
            if (m_journal[i].event.value("type"_L1) == "timer"_L1)
                timers[std::uint32_t(eventfield::node(m_journal[i].event).value)] = m_journal[i].event;
        }
        for (const auto &[node, timer] : timers) {
            const NodeId id{node};
            if (m_cluster->isUp(id) && m_cluster->core(id)->role() != Role::Leader)
                m_model->ingest(timer);
        }
        for (NodeId id : m_cluster->nodeIds()) {
            if (!m_cluster->isUp(id))
                m_model->setNodeConnected(id, false, true);
        }
        m_model->foldPending();
    }
    m_rebuildClockUs = -1;
}

// ---------------------------------------------------------------------------------------------
// Time.

void SimulationController::play()
{
    if (!m_cluster || isPlaying())
        return;
    if (m_cluster->violation()) {
        Q_EMIT actionFailed(tr("The run stopped at a safety violation: move the timeline back to go on."));
        return;
    }
    m_playOriginUs = std::max(m_clockUs, m_cluster->nowUs());
    m_playClock.start();
    m_playTimer.start();
    Q_EMIT changed();
}

void SimulationController::pause()
{
    if (!isPlaying())
        return;
    m_playTimer.stop();
    Q_EMIT changed();
}

void SimulationController::setSpeed(int virtualMsPerSecond)
{
    virtualMsPerSecond = std::clamp(virtualMsPerSecond, 1, 1'000'000);
    if (isPlaying()) {
        m_playOriginUs = m_clockUs;
        m_playClock.restart();
    }
    m_speed = virtualMsPerSecond;
    Q_EMIT changed();
}

void SimulationController::playFrame()
{
    if (!m_cluster)
        return pause();
    const qint64 target = m_playOriginUs + m_playClock.elapsed() * m_speed;
    const std::uint64_t before = m_cluster->stepCount();
    bool forked = false;
    for (int i = 0; i < maxStepsPerFrame && !m_cluster->violation(); ++i) {
        const std::optional<sim::PendingEvent> next = m_cluster->nextEvent();
        if (!next || next->dueUs > target)
            break;
        if (!forked) {
            forkIfBehind();
            forked = true;
        }
        if (!m_cluster->step())
            break;
    }
    m_clockUs = std::max({m_clockUs, target, m_cluster->nowUs()});
    if (m_cluster->stepCount() != before)
        afterAction(before);
    m_model->foldPending();
}

// ---------------------------------------------------------------------------------------------
// Actions.

std::uint64_t SimulationController::position() const
{
    return m_cluster ? m_cluster->stepCount() : 0;
}

void SimulationController::forkIfBehind()
{
    const std::uint64_t here = position();
    if (here >= m_length)
        return;
    Branch old{.name = tr("Branch %1").arg(++m_branchSerial),
               .forkStep = here,
               .length = m_length,
               .choices = m_fullChoices,
               .journal = m_journal,
               .violation = m_violation};
    m_branches.push_back(std::move(old));
    m_journal.resize(journalCut(here));
    m_violation.reset();
    m_length = here;
}

bool SimulationController::apply(const sim::Choice &choice, const QString &sentence)
{
    if (!m_cluster)
        return false;
    if (m_cluster->violation()) {
        Q_EMIT actionFailed(tr("The run stopped at a safety violation: move the timeline back to act."));
        return false;
    }
    const std::uint64_t before = m_cluster->stepCount();
    const bool behind = before < m_length;
    const Journal journalBefore = behind ? m_journal : Journal{};
    const std::uint64_t lengthBefore = m_length;
    const std::optional<sim::Violation> violationBefore = m_violation;
    const std::size_t branchesBefore = m_branches.size();
    forkIfBehind();
    const std::size_t journalAt = m_journal.size();
    if (!m_cluster->apply(choice)) {
        if (behind) { // nothing happened: the old future is still the future
            m_branches.resize(branchesBefore);
            m_journal = journalBefore;
            m_length = lengthBefore;
            m_violation = violationBefore;
            --m_branchSerial;
        }
        Q_EMIT actionFailed(sentence.isEmpty() ? tr("That cannot be done now.")
                                               : tr("That cannot be done now: %1").arg(sentence));
        Q_EMIT changed();
        return false;
    }
    if (!sentence.isEmpty()) {
        // Before the action's own events in the journal; in the model, before them too (they are folded
        // at the next frame, the marker at once).
        insertMarker(journalAt, before, sentence.section(u'.', 0, 0), sentence);
        Q_EMIT actionDone(sentence);
    }
    afterAction(before);
    return true;
}

void SimulationController::insertMarker(std::size_t at, std::uint64_t step, const QString &label,
                                        const QString &text)
{
    const QJsonObject marker{
        {"type"_L1, markerType}, {"t_us"_L1, m_cluster->nowUs()}, {"label"_L1, label}, {"text"_L1, text}};
    m_journal.insert(m_journal.begin() + std::ptrdiff_t(at), JournalEntry{.step = step, .event = marker});
    feed(marker, true);
}

void SimulationController::mark(const QString &label, const QString &text)
{
    if (!m_cluster)
        return;
    forkIfBehind();
    insertMarker(m_journal.size(), m_cluster->stepCount(), label, text);
}

bool SimulationController::actOnCluster(const std::function<void(sim::SimulatedCluster &cluster)> &act)
{
    if (!m_cluster || m_cluster->violation())
        return false;
    const std::uint64_t before = m_cluster->stepCount();
    forkIfBehind();
    act(*m_cluster);
    afterAction(before);
    m_model->foldPending();
    return true;
}

void SimulationController::afterAction(std::uint64_t stepsBefore)
{
    static_cast<void>(stepsBefore);
    m_fullChoices = m_cluster->choices();
    m_length = m_cluster->stepCount();
    m_clockUs = std::max(m_clockUs, m_cluster->nowUs());
    if (m_cluster->violation() && !m_violation) {
        m_violation = m_cluster->violation();
        pause();
        Q_EMIT violationFound(*m_violation);
    }
    Q_EMIT changed();
}

bool SimulationController::step(std::uint64_t count)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Step, .count = std::max<std::uint64_t>(count, 1)});
}

bool SimulationController::deliver(sim::SimEventId id)
{
    const auto event = m_cluster ? m_cluster->pendingEvent(id) : std::nullopt;
    if (!event)
        return false;
    return apply(sim::Choice{.kind = sim::Choice::Kind::Deliver, .event = id},
                 tr("You delivered %1 now.").arg(event->summary));
}

bool SimulationController::drop(sim::SimEventId id)
{
    const auto event = m_cluster ? m_cluster->pendingEvent(id) : std::nullopt;
    if (!event)
        return false;
    return apply(sim::Choice{.kind = sim::Choice::Kind::Drop, .event = id},
                 tr("You dropped %1.").arg(event->summary));
}

bool SimulationController::duplicate(sim::SimEventId id)
{
    const auto event = m_cluster ? m_cluster->pendingEvent(id) : std::nullopt;
    if (!event || event->kind != sim::PendingEvent::Kind::Message)
        return false;
    return apply(sim::Choice{.kind = sim::Choice::Kind::Duplicate, .event = id},
                 tr("You duplicated %1.").arg(event->summary));
}

bool SimulationController::fireTimer(NodeId node)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::FireTimer, .node = node},
                 tr("You fired node %1's election timer.").arg(node.value));
}

bool SimulationController::crash(NodeId node)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Crash, .node = node},
                 tr("You crashed node %1.").arg(node.value));
}

bool SimulationController::restart(NodeId node)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Restart, .node = node},
                 tr("You restarted node %1.").arg(node.value));
}

bool SimulationController::freeze(NodeId node)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Freeze, .node = node},
                 tr("You froze node %1.").arg(node.value));
}

bool SimulationController::thaw(NodeId node)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Thaw, .node = node},
                 tr("You thawed node %1.").arg(node.value));
}

bool SimulationController::isolate(NodeId node)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Partition, .groups = {{node}}},
                 tr("You isolated node %1.").arg(node.value));
}

void SimulationController::setLinkCut(NodeId a, NodeId b, bool cut)
{
    if (!m_cluster || a == b)
        return;
    if (cut) {
        apply(sim::Choice{.kind = sim::Choice::Kind::Cut, .node = a, .peer = b},
              tr("You cut the link %1–%2.").arg(a.value).arg(b.value));
        return;
    }
    // The simulation heals everything at once: the other cuts are made again.
    std::vector<std::pair<NodeId, NodeId>> keep;
    for (NodeId from : m_cluster->nodeIds()) {
        for (NodeId to : m_cluster->nodeIds()) {
            const bool thisLink = (from == a && to == b) || (from == b && to == a);
            if (from != to && !thisLink && !m_cluster->canReach(from, to))
                keep.emplace_back(from, to);
        }
    }
    if (!apply(sim::Choice{.kind = sim::Choice::Kind::Heal},
               tr("You healed the link %1–%2.").arg(a.value).arg(b.value)))
        return;
    for (const auto &[from, to] : keep)
        apply(sim::Choice{.kind = sim::Choice::Kind::Cut, .node = from, .peer = to, .oneWay = true});
}

bool SimulationController::cutOneWay(NodeId from, NodeId to)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Cut, .node = from, .peer = to, .oneWay = true},
                 tr("You cut the link %1 → %2 one way: node %2 no longer hears node %1.")
                     .arg(from.value)
                     .arg(to.value));
}

bool SimulationController::heal()
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Heal}, tr("You healed all links."));
}

bool SimulationController::transferLeadership(NodeId to)
{
    if (!m_cluster)
        return false;
    const std::optional<NodeId> leader = m_cluster->leader();
    if (leader == to) {
        Q_EMIT actionDone(tr("Node %1 leads already.").arg(to.value));
        return false;
    }
    if (!leader)
        return fireTimer(to);
    return apply(sim::Choice{.kind = sim::Choice::Kind::Transfer, .node = to},
                 tr("You asked node %1 to hand leadership to node %2.").arg(leader->value).arg(to.value));
}

bool SimulationController::put(const QString &key, const QString &value)
{
    const std::optional<NodeId> leader = m_cluster ? m_cluster->leader() : std::nullopt;
    if (!leader) {
        Q_EMIT actionFailed(tr("No leader to write to: step until one is elected."));
        return false;
    }
    return putAt(*leader, key, value);
}

bool SimulationController::putAt(NodeId node, const QString &key, const QString &value)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Put, .node = node, .key = key, .value = value},
                 tr("You wrote %1=%2 at node %3.").arg(key, value).arg(node.value));
}

bool SimulationController::get(const QString &key)
{
    const std::optional<NodeId> leader = m_cluster ? m_cluster->leader() : std::nullopt;
    if (!leader) {
        Q_EMIT actionFailed(tr("No leader to read from: step until one is elected."));
        return false;
    }
    return getAt(*leader, key);
}

bool SimulationController::getAt(NodeId node, const QString &key)
{
    return apply(sim::Choice{.kind = sim::Choice::Kind::Get, .node = node, .key = key},
                 tr("You read %1 at node %2.").arg(key).arg(node.value));
}

std::vector<sim::PendingEvent> SimulationController::pendingEvents() const
{
    return m_cluster ? m_cluster->pendingEvents() : std::vector<sim::PendingEvent>{};
}

bool SimulationController::isFrozen(NodeId node) const
{
    return m_cluster && m_cluster->isFrozen(node);
}

bool SimulationController::isUp(NodeId node) const
{
    return m_cluster && m_cluster->isUp(node);
}

// ---------------------------------------------------------------------------------------------
// The timeline.

void SimulationController::forwardTo(std::uint64_t step)
{
    // Back along the future the cluster remembers since the last rewind: a checkpoint plus replay.
    if (m_cluster->forwardTo(step, m_fullChoices))
        return;
    // Otherwise along the branch's own choices: a Step cut short by the rewind goes on first.
    const std::vector<sim::Choice> &current = m_cluster->choices();
    std::size_t next = current.size();
    if (next > 0 && next <= m_fullChoices.size() && current[next - 1].kind == sim::Choice::Kind::Step &&
        m_fullChoices[next - 1].kind == sim::Choice::Kind::Step &&
        current[next - 1].count < m_fullChoices[next - 1].count) {
        const std::uint64_t missing = m_fullChoices[next - 1].count - current[next - 1].count;
        m_cluster->apply(sim::Choice{.kind = sim::Choice::Kind::Step,
                                     .count = std::min(missing, step - m_cluster->stepCount())});
    }
    for (; next < m_fullChoices.size() && m_cluster->stepCount() < step; ++next) {
        sim::Choice choice = m_fullChoices[next];
        if (choice.kind == sim::Choice::Kind::Step)
            choice.count = std::min(choice.count, step - m_cluster->stepCount());
        if (!m_cluster->apply(choice))
            break;
    }
    if (m_cluster->stepCount() > step)
        m_cluster->rewindTo(step);
}

bool SimulationController::seek(std::uint64_t step)
{
    if (!m_cluster || step > m_length)
        return false;
    pause();
    QElapsedTimer elapsed;
    elapsed.start();
    m_quiet = true;
    if (step < m_cluster->stepCount())
        m_cluster->rewindTo(step);
    else if (step > m_cluster->stepCount())
        forwardTo(step);
    m_quiet = false;
    m_clockUs = m_cluster->nowUs();
    rebuildModel();
    m_lastSeekUs = elapsed.nsecsElapsed() / 1000;
    Q_EMIT changed();
    return m_cluster->stepCount() == step;
}

bool SimulationController::switchToBranch(std::size_t index)
{
    if (!m_cluster || index >= m_branches.size())
        return false;
    pause();
    Branch target = std::move(m_branches[index]);
    // The run shown takes the other's place in the list.
    const std::uint64_t here = position();
    Branch current{.name = tr("Branch %1").arg(++m_branchSerial),
                   .forkStep = target.forkStep,
                   .length = m_length,
                   .choices = m_fullChoices,
                   .journal = std::move(m_journal),
                   .violation = m_violation};
    m_branches[index] = std::move(current);
    m_quiet = true;
    // Back to where the two part (cheap: checkpoints), then along the other's choices.
    if (here > target.forkStep)
        m_cluster->rewindTo(target.forkStep);
    m_fullChoices = target.choices;
    m_length = target.length;
    forwardTo(target.length);
    m_quiet = false;
    m_journal = std::move(target.journal);
    m_violation = target.violation;
    m_clockUs = m_cluster->nowUs();
    rebuildModel();
    Q_EMIT changed();
    return m_cluster->stepCount() == m_length;
}

bool SimulationController::jumpToViolation()
{
    if (!m_violation)
        return false;
    return seek(m_violation->step);
}

} // namespace raftlab
