#include "clustermodel.h"

#include "sentences.h"

#include <QJsonArray>
#include <QLoggingCategory>

#include <algorithm>
#include <chrono>

namespace raftlab {

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcModel, "raftlab.gui.model")

namespace {

qint64 steadyClockUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Events that carry no decision: shed first when the queue overflows.
bool isSheddable(const QJsonObject &event)
{
    const QString type = event.value("type"_L1).toString();
    return type == "send"_L1 || type == "recv"_L1 || type == "drop"_L1 || type == "heartbeat"_L1 ||
        type == "timer"_L1;
}

} // namespace

ClusterModel::NodeEntry::NodeEntry(NodeId id, std::size_t logCapacity)
    : log(logCapacity)
{
    state.id = id;
}

ClusterModel::ClusterModel(QObject *parent)
    : ClusterModel(Limits{}, parent)
{ }

ClusterModel::ClusterModel(Limits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_clock(steadyClockUs)
    , m_messages(limits.messages)
    , m_narration(new Narration(limits.narrationItems, this))
    , m_history(limits.historyWindowUs)
{
    m_frameTimer.setSingleShot(true);
    m_frameTimer.setInterval(m_limits.frameIntervalMs);
    m_frameTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_frameTimer, &QTimer::timeout, this, &ClusterModel::foldPending);
}

ClusterModel::~ClusterModel() = default;

qint64 ClusterModel::nowUs() const
{
    return m_clock();
}

void ClusterModel::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : Clock(steadyClockUs);
}

void ClusterModel::scheduleFrame()
{
    if (!m_frameTimer.isActive())
        m_frameTimer.start(m_limits.frameIntervalMs);
}

void ClusterModel::ingest(const QJsonObject &event)
{
    if (m_pending.size() >= m_limits.maxPendingEvents &&
        (isSheddable(event) || m_pending.size() >= 2 * m_limits.maxPendingEvents)) {
        ++m_statistics.eventsShed;
        return;
    }
    m_pending.push_back(Pending{.event = event, .tUs = eventfield::timeUs(event)});
    scheduleFrame();
}

void ClusterModel::forgetNode(NodeId id)
{
    m_forgotten.insert(id);
    m_heartbeatsSaid.erase(id);
    if (m_nodes.erase(id) == 0)
        return;
    m_messages.setNodeDown(id, true, nowUs()); // its messages in flight burst: nobody receives them
    m_dirty = true;
    Q_EMIT nodesChanged();
    scheduleFrame();
}

void ClusterModel::setNodeConnected(NodeId node, bool connected, bool quietly)
{
    m_pending.push_back(Pending{.event = QJsonObject(),
                                .tUs = nowUs(),
                                .kind = connected ? Pending::Kind::Connected : Pending::Kind::Disconnected,
                                .node = node,
                                .quietly = quietly});
    scheduleFrame();
}

void ClusterModel::setNodeStarting(NodeId node)
{
    m_pending.push_back(
        Pending{.event = QJsonObject(), .tUs = nowUs(), .kind = Pending::Kind::Starting, .node = node});
    scheduleFrame();
}

void ClusterModel::recordClientWrite(qint64 latencyUs, WriteOutcome outcome)
{
    m_history.recordClientWrite(nowUs(), latencyUs, outcome);
    m_dirty = true;
    scheduleFrame();
}

void ClusterModel::addFaultMarker(const QString &label, qint64 tUs, const QString &sentence)
{
    m_history.addFaultMarker(tUs, label);
    const QString text = sentence.isEmpty() ? label : sentence;
    m_actionLine = ActionLine{
        .serial = m_narration->stage(NarrationItem{
            .tUs = tUs, .node = NodeId{}, .type = u"fault"_s, .term = m_summary.highestTerm, .text = text}),
        .tUs = tUs,
        .sentence = text};
    m_dirty = true;
    scheduleFrame();
}

void ClusterModel::foldPending()
{
    QElapsedTimer elapsed;
    elapsed.start();
    m_frameTimer.stop();
    std::vector<Pending> batch;
    batch.swap(m_pending);
    // One timeline: the streams arrive over separate sockets, but t_us is one clock for all nodes.
    std::stable_sort(batch.begin(), batch.end(),
                     [](const Pending &a, const Pending &b) { return a.tUs < b.tUs; });
    const std::size_t inFlightBefore = m_messages.inFlight().size();
    for (const Pending &item : batch) {
        if (item.kind == Pending::Kind::Event)
            foldEvent(item.event);
        else if (m_forgotten.contains(item.node))
            continue;
        else if (item.kind == Pending::Kind::Starting)
            m_messages.setNodeDown(item.node, false, item.tUs);
        else
            foldConnection(item.node, item.kind == Pending::Kind::Connected, item.quietly, item.tUs);
    }
    fillLogGaps();
    const qint64 now = std::max(nowUs(), m_latestEventUs);
    m_messages.expire(now);
    m_history.prune(now);
    m_narration->publish();

    const bool changed = !batch.empty() || m_dirty || m_messages.inFlight().size() != inFlightBefore;
    m_dirty = false;
    m_statistics.eventsFolded += batch.size();
    m_statistics.lastFrameEvents = batch.size();
    m_statistics.lastFoldUs = elapsed.nsecsElapsed() / 1000;
    ++m_statistics.frames;
    if (m_nodesAdded) {
        m_nodesAdded = false;
        Q_EMIT nodesChanged();
    }
    if (changed)
        Q_EMIT this->changed();
    if (!m_pending.empty())
        scheduleFrame();
    else if (!m_messages.inFlight().empty() && !m_frameTimer.isActive())
        m_frameTimer.start(std::max(m_limits.frameIntervalMs, 250)); // to retire lost messages
}

void ClusterModel::reset()
{
    m_frameTimer.stop();
    m_pending.clear();
    m_nodes.clear();
    m_forgotten.clear();
    m_messages.clear();
    m_narration->clear();
    m_history.clear();
    m_summary = ClusterSummary{};
    m_latestEventUs = 0;
    m_actionLine = ActionLine{};
    m_heartbeatsSaid.clear();
    Q_EMIT nodesChanged();
    Q_EMIT changed();
}

ClusterModel::NodeEntry &ClusterModel::entryFor(NodeId id)
{
    auto &slot = m_nodes[id];
    if (!slot) {
        slot = std::make_unique<NodeEntry>(id, m_limits.logEntriesPerNode);
        m_nodesAdded = true;
    }
    return *slot;
}

void ClusterModel::foldEvent(const QJsonObject &event)
{
    const NodeId id = eventfield::node(event);
    if (id.isNone()) {
        qCDebug(lcModel) << "event without a node ignored:" << event.value("type"_L1).toString();
        return;
    }
    if (m_forgotten.contains(id))
        return;
    const StreamEventKind kind = streamEventKind(event);
    const qint64 tUs = eventfield::timeUs(event);
    m_latestEventUs = std::max(m_latestEventUs, tUs);
    NodeEntry &entry = entryFor(id);
    NodeState &state = entry.state;

    switch (kind) {
    case StreamEventKind::Send: {
        m_messages.foldSend(event);
        const LogIndex commitBefore = state.commitIndex;
        state.fold(kind, event);
        if (state.commitIndex != commitBefore) { // a leader's message carried a newer commit index
            commitAndApplyTogether(state);
            entry.log.setCommitIndex(state.commitIndex);
            entry.log.setAppliedIndex(state.appliedIndex);
            m_history.recordCommit(id, tUs, state.commitIndex);
            refreshSummary(tUs);
        }
        return;
    }
    case StreamEventKind::Recv:
        m_messages.foldRecv(event);
        state.fold(kind, event);
        return;
    case StreamEventKind::Drop:
        m_messages.foldDrop(event);
        return;
    default:
        break;
    }

    const Term termBefore = state.term;
    const LogIndex commitBefore = state.commitIndex;
    state.fold(kind, event);
    foldLog(entry, kind, event);
    if (kind == StreamEventKind::State) {
        for (NodeId member : state.members) {
            if (!m_forgotten.contains(member))
                entryFor(member);
        }
        m_messages.forgetSendsFrom(id, tUs); // a restarted node reuses its trace ids
        m_messages.setNodeDown(id, false, tUs);
        m_messages.settleUnseenSendsTo(id, tUs);
    }
    if (state.term != termBefore || kind == StreamEventKind::State)
        m_history.recordTerm(id, tUs, state.term);
    if (state.commitIndex != commitBefore || kind == StreamEventKind::State)
        m_history.recordCommit(id, tUs, state.commitIndex);
    narrate(kind, event, state);
    refreshSummary(tUs);
}

void ClusterModel::foldLog(NodeEntry &entry, StreamEventKind kind, const QJsonObject &event)
{
    LogMirror &log = entry.log;
    NodeState &state = entry.state;
    switch (kind) {
    case StreamEventKind::State:
        log.resync(state.firstLogIndex, state.lastLogIndex, state.lastLogTerm, state.snapshotIndex);
        break;
    case StreamEventKind::Append:
        log.append(eventfield::index(event, "first"_L1), event.value("entries"_L1).toArray());
        break;
    case StreamEventKind::Truncate:
        log.truncateFrom(eventfield::index(event, "index"_L1));
        break;
    case StreamEventKind::Snapshot:
        if (eventfield::string(event, "event"_L1) == "compact"_L1)
            log.compactThrough(eventfield::index(event, "index"_L1));
        else
            log.installSnapshot(eventfield::index(event, "index"_L1));
        break;
    default:
        break;
    }
    commitAndApplyTogether(state);
    log.setCommitIndex(state.commitIndex);
    log.setAppliedIndex(state.appliedIndex);
}

void ClusterModel::fillLogGaps()
{
    for (auto &[id, entry] : m_nodes) {
        if (!entry->log.hasGaps())
            continue;
        for (const auto &[otherId, other] : m_nodes) {
            if (otherId != id && entry->log.fillFrom(other->log) && !entry->log.hasGaps())
                break;
        }
    }
    // A leader holds every entry of its term that a follower holds, yet its stream can report them after
    // the follower's does: a leader sends entries while its own disk write of them runs, and reports them
    // once that write returns. Its row takes them from the follower's log rather than lag behind it.
    // Its commit index likewise: a follower's moves in a term only on what that term's leader sends.
    for (auto &[id, entry] : m_nodes) {
        NodeState &state = entry->state;
        if (!state.isLeader() || !state.connected || !state.hasStatus)
            continue;
        const LogIndex commitBefore = state.commitIndex;
        for (const auto &[otherId, other] : m_nodes) {
            if (otherId == id)
                continue;
            entry->log.takeEntriesOfTerm(other->log, state.term);
            if (other->state.commitAdvancedInTerm == state.term)
                state.commitIndex = std::max(state.commitIndex, other->state.commitAdvancedTo);
        }
        if (state.commitIndex != commitBefore) {
            commitAndApplyTogether(state);
            entry->log.setCommitIndex(state.commitIndex);
            entry->log.setAppliedIndex(state.appliedIndex);
            m_history.recordCommit(id, m_latestEventUs, state.commitIndex);
            refreshSummary(m_latestEventUs);
        }
    }
}

void ClusterModel::commitAndApplyTogether(NodeState &state)
{
    // What a node applied, it knows committed (its `commit` event may come after the `apply`).
    state.commitIndex = std::max(state.commitIndex, state.appliedIndex);
    // A leader applies what it commits in the same pass of its event loop, around the messages that
    // carry the new commit index (RaftNode; docs/cli.md, --commit-notice). Its stream reports the apply
    // after those sends, and under load behind its followers' streams: the commit index taken from them
    // is what it has applied as well. Without this its applied bar trailed its commit bar by a few
    // entries at 100 writes/s, while the node had applied them all.
    if (state.isLeader())
        state.appliedIndex = std::max(state.appliedIndex, state.commitIndex);
}

void ClusterModel::foldConnection(NodeId id, bool connected, bool quietly, qint64 tUs)
{
    NodeState &state = entryFor(id).state;
    if (state.connected == connected)
        return;
    state.connected = connected;
    if (!connected) {
        // What the node said of itself belonged to the process whose stream closed: a restarted
        // process may be anything (a dead leader comes back as a follower). Until its own `state`
        // arrives the views draw it as unknown, never from the dead process's last words.
        state.hasStatus = false;
        state.electionTimerStartUs = -1; // a stopped process runs no timer
        state.electionDeadlineUs = -1;
        m_messages.setNodeDown(id, true, tUs);
        if (!quietly)
            stageSentence(tUs, id, u"connection"_s, state.term, Sentences::streamClosed(id));
    }
    refreshSummary(tUs);
}

void ClusterModel::narrate(StreamEventKind kind, const QJsonObject &event, const NodeState &state)
{
    const qint64 tUs = eventfield::timeUs(event);
    if (kind == StreamEventKind::Faults && joinActionLine(state.id, tUs))
        return;
    if (kind == StreamEventKind::Heartbeat && !isNewHeartbeatRate(state))
        return;
    const QString text = Sentences::describe(kind, event, state);
    if (!text.isEmpty())
        stageSentence(tUs, state.id, eventfield::string(event, "type"_L1), state.term, text);
}

bool ClusterModel::isNewHeartbeatRate(const NodeState &state)
{
    // A leader sends heartbeats many times a second for as long as it leads: one sentence with the rate
    // says all of it, and a repeat count would only say how long the feed has been open.
    HeartbeatRate &said = m_heartbeatsSaid[state.id];
    const HeartbeatRate now{.term = state.term, .heartbeatMs = state.heartbeatMs};
    if (said.term == now.term && said.heartbeatMs == now.heartbeatMs)
        return false;
    said = now;
    return true;
}

bool ClusterModel::joinActionLine(NodeId node, qint64 tUs)
{
    ActionLine &line = m_actionLine;
    if (line.serial == 0 || tUs < line.tUs - actionEchoUs / 4 || tUs > line.tUs + actionEchoUs)
        return false;
    if (std::find(line.confirmedBy.begin(), line.confirmedBy.end(), node) == line.confirmedBy.end()) {
        line.confirmedBy.push_back(node);
        std::sort(line.confirmedBy.begin(), line.confirmedBy.end());
    }
    QString sentence = line.sentence;
    if (sentence.endsWith(u'.'))
        sentence.chop(1);
    return m_narration->amend(
        line.serial, tr("%1 (confirmed by %2).").arg(sentence, Sentences::nodeList(line.confirmedBy)));
}

void ClusterModel::stageSentence(qint64 tUs, NodeId node, const QString &type, Term term, const QString &text)
{
    m_narration->stage(NarrationItem{.tUs = tUs, .node = node, .type = type, .term = term, .text = text});
}

void ClusterModel::refreshSummary(qint64 tUs)
{
    ClusterSummary summary;
    QString fsync;
    for (const auto &[id, entry] : m_nodes) {
        const NodeState &state = entry->state;
        ++summary.nodesKnown;
        summary.highestTerm = std::max(summary.highestTerm, state.term);
        if (!state.connected)
            continue;
        ++summary.nodesUp;
        if (state.isLeader() &&
            (summary.leader.isNone() || state.term > m_nodes.at(summary.leader)->state.term))
            summary.leader = id;
        if (!state.fsyncMode.isEmpty())
            fsync = fsync.isEmpty() || fsync == state.fsyncMode ? state.fsyncMode : u"mixed"_s;
    }
    if (!summary.leader.isNone())
        summary.leaderCommitIndex = m_nodes.at(summary.leader)->state.commitIndex;
    summary.fsyncMode = fsync;
    m_summary = summary;
    m_history.recordLeader(tUs, summary.leader);
}

std::vector<NodeId> ClusterModel::nodeIds() const
{
    std::vector<NodeId> ids;
    ids.reserve(m_nodes.size());
    for (const auto &[id, entry] : m_nodes)
        ids.push_back(id);
    return ids;
}

const NodeState *ClusterModel::node(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? nullptr : &it->second->state;
}

const LogMirror *ClusterModel::log(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? nullptr : &it->second->log;
}

LogIndex ClusterModel::highestLogIndex() const
{
    LogIndex highest{};
    for (const auto &[id, entry] : m_nodes)
        highest = std::max(highest, entry->log.lastIndex());
    return highest;
}

} // namespace raftlab
