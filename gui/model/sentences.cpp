#include "sentences.h"

#include <QCoreApplication>

namespace raftlab {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Sentences", text);
}

QString node(NodeId id)
{
    return tr("node %1").arg(id.value);
}

QString Node(NodeId id)
{
    return tr("Node %1").arg(id.value);
}

QString roleSentence(const QJsonObject &event, const NodeState &state)
{
    const QString who = Node(state.id);
    const quint64 term = eventfield::term(event).value;
    const QString reason = eventfield::string(event, "reason"_L1);
    const NodeId leader = eventfield::nodeId(event, "leader"_L1);
    switch (roleFromString(eventfield::string(event, "role"_L1)).value_or(state.role)) {
    case Role::Leader:
        return tr("%1 won the election: it leads term %2.").arg(who).arg(term);
    case Role::Candidate:
        return reason == "leadership_transfer"_L1
            ? tr("%1 became a candidate for term %2 at the leader's request and voted for itself.")
                  .arg(who)
                  .arg(term)
            : tr("%1 became a candidate for term %2 and voted for itself.").arg(who).arg(term);
    case Role::PreCandidate:
        return tr("%1 became a pre-candidate for term %2 (it stays in term %3 unless it wins the pre-vote).")
            .arg(who)
            .arg(term + 1)
            .arg(term);
    case Role::Follower:
        break;
    }
    if (reason == "restarted"_L1)
        return tr("%1 started as a follower in term %2.").arg(who).arg(term);
    if (reason == "leader_discovered"_L1 && !leader.isNone())
        return tr("%1 follows %2, the leader of term %3.").arg(who, node(leader)).arg(term);
    if (reason == "quorum_lost"_L1)
        return tr("%1 stepped down in term %2: it has not heard from a majority for an election timeout.")
            .arg(who)
            .arg(term);
    if (reason == "lost_prevote"_L1)
        return tr("%1 lost its pre-vote for term %2 and stays a follower in term %3.")
            .arg(who)
            .arg(term + 1)
            .arg(term);
    if (reason == "lost_election"_L1)
        return tr("%1 lost the election for term %2 and became a follower.").arg(who).arg(term);
    if (reason == "higher_term"_L1)
        return leader.isNone()
            ? tr("%1 saw the newer term %2 and became a follower in it.").arg(who).arg(term)
            : tr("%1 saw the newer term %2 and follows its leader, %3.").arg(who).arg(term).arg(node(leader));
    return tr("%1 became a follower in term %2.").arg(who).arg(term);
}

QString timeoutSentence(const QJsonObject &event, const NodeState &state)
{
    const QString reason = eventfield::string(event, "reason"_L1);
    const quint64 term = eventfield::term(event).value;
    if (reason == "leadership_transfer"_L1)
        return tr("%1 was told by its leader to start an election at once (a leadership transfer), in "
                  "term %2.")
            .arg(Node(state.id))
            .arg(term);
    if (reason == "requested"_L1)
        return tr("%1's election timer was fired by hand in term %2.").arg(Node(state.id)).arg(term);
    return tr("%1's election timer fired in term %2.").arg(Node(state.id)).arg(term);
}

// "node 3's pre-vote request for term 4", the term when the voter heard the request.
QString requestWords(const NodeState &voter, NodeId candidate, bool preVote)
{
    const auto heard = voter.voteRequestsHeard.find(candidate);
    const bool knowsTerm = heard != voter.voteRequestsHeard.end() && heard->second.preVote == preVote;
    const QString request = preVote ? tr("%1's pre-vote request").arg(node(candidate))
                                    : tr("%1's vote request").arg(node(candidate));
    return knowsTerm ? tr("%1 for term %2").arg(request).arg(heard->second.term.value) : request;
}

QString refusalReason(const QJsonObject &event, const NodeState &voter, bool preVote)
{
    const QString reason = eventfield::string(event, "reason"_L1);
    const NodeId other = eventfield::nodeId(event, "voted_for"_L1);
    const quint64 term = eventfield::term(event).value;
    if (reason == "already_voted"_L1)
        return tr("it already voted for %1 in term %2").arg(node(other)).arg(term);
    if (reason == "leader_alive"_L1) {
        if (eventfield::string(event, "role"_L1) == "leader"_L1 || other == voter.id)
            return tr("it leads term %1 itself, and its followers still hear from it").arg(term);
        if (preVote || other.isNone())
            return other.isNone()
                ? tr("it heard from its leader less than an election timeout ago")
                : tr("it heard from its leader, %1, less than an election timeout ago").arg(node(other));
        return tr("it already follows %1, the leader of term %2").arg(node(other)).arg(term);
    }
    if (reason == "stale_term"_L1)
        return preVote ? tr("a pre-vote must be for a term after its own, and it is in term %1").arg(term)
                       : tr("it is already in term %1").arg(term);
    if (reason == "log_not_up_to_date"_L1)
        return voter.lastLogTerm.value > 0
            ? tr("its own log is more up to date (its last entry: index %1, term %2)")
                  .arg(voter.lastLogIndex.value)
                  .arg(voter.lastLogTerm.value)
            : tr("its own log is more up to date");
    return reason;
}

QString voteSentence(const QJsonObject &event, const NodeState &voter)
{
    const NodeId candidate = eventfield::nodeId(event, "candidate"_L1);
    const bool preVote = eventfield::boolean(event, "prevote"_L1);
    const quint64 term = eventfield::term(event).value;
    const QString request = requestWords(voter, candidate, preVote);
    if (eventfield::boolean(event, "granted"_L1))
        return preVote ? tr("%1 granted %2 (it is in term %3).").arg(Node(voter.id), request).arg(term)
                       : tr("%1 voted for %2 in term %3.").arg(Node(voter.id), node(candidate)).arg(term);
    // Under a leader's lease (CheckQuorum) the request is ignored: no refusal is sent.
    if (!event.value("answered"_L1).toBool(true))
        return tr("%1 ignored %2 without answering: %3.")
            .arg(Node(voter.id), request, refusalReason(event, voter, preVote));
    return tr("%1 refused %2: %3.").arg(Node(voter.id), request, refusalReason(event, voter, preVote));
}

QString appendRejectedSentence(const QJsonObject &event, const NodeState &state)
{
    const NodeId leader = eventfield::nodeId(event, "peer"_L1);
    const quint64 index = eventfield::index(event, "index"_L1).value;
    const QString reason = eventfield::string(event, "reason"_L1);
    if (reason == "stale_term"_L1)
        return tr("%1 rejected an append from %2, a leader of an older term (it is in term %3).")
            .arg(Node(state.id), node(leader))
            .arg(eventfield::term(event).value);
    return tr("%1 rejected %2's append after index %3: %4.")
        .arg(Node(state.id), node(leader))
        .arg(index)
        .arg(reason == "missing_entries"_L1 ? tr("its log has no entry at index %1").arg(index)
                                            : tr("its entry at index %1 has another term").arg(index));
}

QString transferSentence(const QJsonObject &event, const NodeState &state)
{
    const QString phase = eventfield::string(event, "phase"_L1);
    const NodeId target = eventfield::nodeId(event, "to"_L1);
    if (phase == "started"_L1)
        return tr("%1 hands leadership over to %2.").arg(Node(state.id), node(target));
    if (phase == "finished"_L1)
        return tr("%1 handed leadership over to %2.").arg(Node(state.id), node(target));
    const QString reason = eventfield::string(event, "reason"_L1);
    const QString why = reason == "transfer_timed_out"_L1
        ? tr("%1 did not take over within an election timeout").arg(node(target))
        : reason == "transfer_target_unknown"_L1 ? tr("%1 is not a member").arg(node(target))
        : reason == "leader_steps_down"_L1       ? tr("it is no longer the leader")
                                                 : tr("it was asked to stop");
    return tr("%1 gave up handing leadership to %2: %3.").arg(Node(state.id), node(target), why);
}

QString snapshotSentence(const QJsonObject &event, const NodeState &state)
{
    const quint64 index = eventfield::index(event, "index"_L1).value;
    if (eventfield::string(event, "event"_L1) == "compact"_L1)
        return tr("%1 compacted its log: entries up to index %2 now live in a snapshot.")
            .arg(Node(state.id))
            .arg(index);
    return tr("%1 installed %2's snapshot up to index %3.")
        .arg(Node(state.id), node(eventfield::nodeId(event, "peer"_L1)))
        .arg(index);
}

QString readRejectedSentence(const QJsonObject &event, const NodeState &state)
{
    const NodeId leader = eventfield::nodeId(event, "peer"_L1);
    if (eventfield::string(event, "reason"_L1) == "not_leader"_L1)
        return leader.isNone()
            ? tr("%1 cannot serve a linearizable read: it is not the leader.").arg(Node(state.id))
            : tr("%1 cannot serve a linearizable read: it is not the leader (%2 is).")
                  .arg(Node(state.id), node(leader));
    return tr("%1 dropped a pending read: it is no longer the leader.").arg(Node(state.id));
}

} // namespace

QString Sentences::duration(int milliseconds)
{
    if (milliseconds >= 1000)
        return tr("%1 s").arg(double(milliseconds) / 1000.0, 0, 'f', milliseconds % 100 == 0 ? 1 : 2);
    return tr("%1 ms").arg(milliseconds);
}

QString Sentences::nodeList(const std::vector<NodeId> &nodes)
{
    if (nodes.size() == 1)
        return node(nodes.front());
    QStringList ids;
    for (const NodeId id : nodes)
        ids << QString::number(id.value);
    const QString last = ids.takeLast();
    return tr("nodes %1 and %2").arg(ids.join(u", "_s), last);
}

QString Sentences::connected(const NodeState &state)
{
    return tr("%1's event stream is up: it is a %2 in term %3, its log ends at index %4, its commit index "
              "is %5.")
        .arg(Node(state.id), Sentences::role(state.role))
        .arg(state.term.value)
        .arg(state.lastLogIndex.value)
        .arg(state.commitIndex.value);
}

QString Sentences::streamClosed(NodeId id)
{
    return tr("%1 is unreachable: its event stream closed (it stopped, crashed or is cut off from the app).")
        .arg(Node(id));
}

QString Sentences::describe(StreamEventKind kind, const QJsonObject &event, const NodeState &state)
{
    switch (kind) {
    case StreamEventKind::Role:
        return roleSentence(event, state);
    case StreamEventKind::Term:
        return tr("%1 moved from term %2 to term %3.")
            .arg(Node(state.id))
            .arg(eventfield::integer(event, "previous_term"_L1))
            .arg(eventfield::term(event).value);
    case StreamEventKind::Timeout:
        return timeoutSentence(event, state);
    case StreamEventKind::VoteRequest:
        return eventfield::boolean(event, "prevote"_L1)
            ? tr("%1 asks for pre-votes for term %2 (it is in term %3).")
                  .arg(Node(state.id))
                  .arg(eventfield::term(event).value + 1)
                  .arg(eventfield::term(event).value)
            : tr("%1 asks for votes for term %2.").arg(Node(state.id)).arg(eventfield::term(event).value);
    case StreamEventKind::Vote:
        return voteSentence(event, state);
    case StreamEventKind::VoteReceived:
        return {}; // the voter's own `vote` says it, with its reason
    case StreamEventKind::AppendAccepted:
        return tr("%1's log matches %2's up to index %3.")
            .arg(Node(state.id), node(eventfield::nodeId(event, "peer"_L1)))
            .arg(eventfield::index(event, "index"_L1).value);
    case StreamEventKind::AppendRejected:
        return appendRejectedSentence(event, state);
    case StreamEventKind::Truncate:
        return tr("%1 removed its entries from index %2 on: they conflict with %3's log.")
            .arg(Node(state.id))
            .arg(eventfield::index(event, "index"_L1).value)
            .arg(node(eventfield::nodeId(event, "peer"_L1)));
    case StreamEventKind::Commit:
        return tr("%1 knows entries up to index %2 are committed.")
            .arg(Node(state.id))
            .arg(eventfield::index(event, "index"_L1).value);
    case StreamEventKind::Heartbeat:
        // Said once per leader, term and rate (ClusterModel), so it gives the rate rather than an event.
        return state.heartbeatMs > 0
            ? tr("%1 sends heartbeats every %2 in term %3.")
                  .arg(Node(state.id), duration(state.heartbeatMs))
                  .arg(eventfield::term(event).value)
            : tr("%1 sends heartbeats in term %2.").arg(Node(state.id)).arg(eventfield::term(event).value);
    case StreamEventKind::Transfer:
        return transferSentence(event, state);
    case StreamEventKind::Snapshot:
        return snapshotSentence(event, state);
    case StreamEventKind::ReadRejected:
        return readRejectedSentence(event, state);
    case StreamEventKind::State:
        return connected(state);
    case StreamEventKind::Send:
    case StreamEventKind::Recv:
    case StreamEventKind::Drop:
    case StreamEventKind::Timer:
    case StreamEventKind::Append:
    case StreamEventKind::Apply:
        return {};
    case StreamEventKind::Faults: // the admin route's own words: what the node now does
    case StreamEventKind::Other:
        break;
    }
    if (eventfield::string(event, "type"_L1) == "leader_lost"_L1 && state.electionTimeoutMinMs > 0)
        return tr("%1's connection to its leader, %2, closed: its process has most likely stopped. %1 does "
                  "not "
                  "wait out its whole election timeout: it times out soon after %3 have passed since it last "
                  "heard %2.")
            .arg(Node(state.id), node(eventfield::nodeId(event, "leader"_L1)),
                 duration(state.electionTimeoutMinMs));
    if (eventfield::string(event, "type"_L1) == "snapshot_sent"_L1)
        return tr("%1 sends its snapshot up to index %2 to %3, whose log is behind the compaction point.")
            .arg(Node(state.id))
            .arg(eventfield::index(event, "index"_L1).value)
            .arg(node(eventfield::nodeId(event, "peer"_L1)));
    return eventfield::string(event, "text"_L1);
}

QString Sentences::role(Role role)
{
    switch (role) {
    case Role::Follower:
        return tr("follower");
    case Role::PreCandidate:
        return tr("pre-candidate");
    case Role::Candidate:
        return tr("candidate");
    case Role::Leader:
        return tr("leader");
    }
    return {};
}

} // namespace raftlab
