#include "event.h"

namespace raftlab {

std::string_view toString(Role role)
{
    switch (role) {
    case Role::Follower:
        return "follower";
    case Role::PreCandidate:
        return "precandidate";
    case Role::Candidate:
        return "candidate";
    case Role::Leader:
        return "leader";
    }
    return "unknown";
}

std::string_view toString(EventType type)
{
    switch (type) {
    case EventType::RoleChanged:
        return "role";
    case EventType::TermChanged:
        return "term";
    case EventType::TimerReset:
        return "timer";
    case EventType::ElectionTimeout:
        return "timeout";
    case EventType::VoteRequested:
        return "vote_request";
    case EventType::VoteGranted:
        return "vote_granted";
    case EventType::VoteRefused:
        return "vote_refused";
    case EventType::VoteReceived:
        return "vote";
    case EventType::AppendAccepted:
        return "append_accepted";
    case EventType::AppendRejected:
        return "append_rejected";
    case EventType::LogTruncated:
        return "truncate";
    case EventType::CommitAdvanced:
        return "commit";
    case EventType::HeartbeatSent:
        return "heartbeat";
    case EventType::TransferStarted:
        return "transfer_started";
    case EventType::TransferFinished:
        return "transfer_finished";
    case EventType::TransferAborted:
        return "transfer_aborted";
    case EventType::SnapshotSent:
        return "snapshot_sent";
    case EventType::SnapshotInstalled:
        return "snapshot";
    case EventType::SnapshotRefused:
        return "snapshot_refused";
    case EventType::LogCompacted:
        return "compact";
    case EventType::ReadRejected:
        return "read_rejected";
    case EventType::MemberAdded:
        return "member_added";
    case EventType::LearnerPromoted:
        return "learner_promoted";
    case EventType::MemberRemoved:
        return "member_removed";
    case EventType::LeaderConnectionLost:
        return "leader_lost";
    }
    return "unknown";
}

std::string_view toString(Reason reason)
{
    switch (reason) {
    case Reason::None:
        return "none";
    case Reason::Restarted:
        return "restarted";
    case Reason::ElectionTimeout:
        return "election_timeout";
    case Reason::Requested:
        return "requested";
    case Reason::WonElection:
        return "won_election";
    case Reason::WonPreVote:
        return "won_prevote";
    case Reason::LostPreVote:
        return "lost_prevote";
    case Reason::LostElection:
        return "lost_election";
    case Reason::HigherTerm:
        return "higher_term";
    case Reason::LeaderDiscovered:
        return "leader_discovered";
    case Reason::QuorumLost:
        return "quorum_lost";
    case Reason::LeadershipTransfer:
        return "leadership_transfer";
    case Reason::AlreadyVoted:
        return "already_voted";
    case Reason::LogNotUpToDate:
        return "log_not_up_to_date";
    case Reason::LeaderAlive:
        return "leader_alive";
    case Reason::StaleTerm:
        return "stale_term";
    case Reason::MissingEntries:
        return "missing_entries";
    case Reason::TermMismatch:
        return "term_mismatch";
    case Reason::NotLeader:
        return "not_leader";
    case Reason::TransferTimedOut:
        return "transfer_timed_out";
    case Reason::TransferTargetUnknown:
        return "transfer_target_unknown";
    case Reason::LeaderStepsDown:
        return "leader_steps_down";
    case Reason::SizeMismatch:
        return "size_mismatch";
    case Reason::ChecksumMismatch:
        return "checksum_mismatch";
    case Reason::StateMachineRefused:
        return "state_machine_refused";
    case Reason::StorageFailed:
        return "storage_failed";
    case Reason::RemovedFromCluster:
        return "removed_from_cluster";
    case Reason::ConfigurationReverted:
        return "configuration_reverted";
    }
    return "unknown";
}

namespace {

QString node(NodeId id)
{
    return QStringLiteral("node %1").arg(id.value);
}

QString roleSentence(const Event &e)
{
    const QString who = QStringLiteral("Node %1").arg(e.node.value);
    const auto term = e.term.value;
    switch (e.role) {
    case Role::Leader:
        return QStringLiteral("%1 won the election: it leads term %2.").arg(who).arg(term);
    case Role::Candidate:
        return e.reason == Reason::LeadershipTransfer
            ? QStringLiteral("%1 became a candidate for term %2 at the leader's request.").arg(who).arg(term)
            : QStringLiteral("%1 became a candidate for term %2 and voted for itself.").arg(who).arg(term);
    case Role::PreCandidate:
        return QStringLiteral(
                   "%1 became a pre-candidate: it asks whether it could win term %2, without changing "
                   "its term yet.")
            .arg(who)
            .arg(term + 1);
    case Role::Follower:
        break;
    }
    switch (e.reason) {
    case Reason::Restarted:
        return QStringLiteral("%1 started as a follower in term %2.").arg(who).arg(term);
    case Reason::LeaderDiscovered:
        return QStringLiteral("%1 follows %2, the leader of term %3.").arg(who, node(e.peer)).arg(term);
    case Reason::QuorumLost:
        return QStringLiteral("%1 stepped down in term %2: it has not heard from a majority for an election "
                              "timeout.")
            .arg(who)
            .arg(term);
    case Reason::LostPreVote:
        return QStringLiteral("%1 lost its pre-vote and stays a follower in term %2.").arg(who).arg(term);
    case Reason::LostElection:
        return QStringLiteral("%1 lost the election for term %2 and became a follower.").arg(who).arg(term);
    case Reason::StorageFailed:
        return QStringLiteral(
                   "%1 left the protocol in term %2: its disk refused a write, so it can no longer "
                   "promise anything.")
            .arg(who)
            .arg(term);
    case Reason::RemovedFromCluster:
        return QStringLiteral("%1 stepped down in term %2: its own removal from the cluster is committed, "
                              "so it no longer leads or votes.")
            .arg(who)
            .arg(term);
    default:
        if (!e.peer.isNone())
            return QStringLiteral("%1 saw a newer term and follows %2, the leader of term %3.")
                .arg(who, node(e.peer))
                .arg(term);
        return QStringLiteral("%1 saw a newer term and became a follower in term %2.").arg(who).arg(term);
    }
}

QString refusalReason(const Event &e)
{
    switch (e.reason) {
    case Reason::AlreadyVoted:
        return QStringLiteral("it already voted for %1").arg(node(e.otherPeer));
    case Reason::LeaderAlive:
        return e.otherPeer.isNone()
            ? QStringLiteral("it still hears from a live leader")
            : QStringLiteral("it still hears from the leader, %1").arg(node(e.otherPeer));
    case Reason::LogNotUpToDate:
        return QStringLiteral("its own log is more up to date (last entry %1 of term %2)")
            .arg(e.index.value)
            .arg(e.otherTerm.value);
    case Reason::StaleTerm:
        return QStringLiteral("the request's term %1 is older").arg(e.otherTerm.value);
    default:
        return QString::fromLatin1(toString(e.reason).data());
    }
}

QString snapshotRefusalReason(Reason reason)
{
    switch (reason) {
    case Reason::SizeMismatch:
        return QStringLiteral("its chunks do not add up to the size the leader declared");
    case Reason::ChecksumMismatch:
        return QStringLiteral("its bytes do not match the leader's checksum");
    case Reason::StateMachineRefused:
        return QStringLiteral("the state machine cannot restore it");
    default:
        return QString::fromLatin1(toString(reason).data());
    }
}

} // namespace

QString describe(const Event &e)
{
    const QString who = QStringLiteral("Node %1").arg(e.node.value);
    const auto term = e.term.value;
    const QString vote = e.preVote ? QStringLiteral("pre-vote") : QStringLiteral("vote");
    switch (e.type) {
    case EventType::RoleChanged:
        return roleSentence(e);
    case EventType::TermChanged:
        return QStringLiteral("%1 moved from term %2 to term %3.").arg(who).arg(e.otherTerm.value).arg(term);
    case EventType::TimerReset:
        return QStringLiteral("%1's election timer restarts: it fires in %2 ticks unless a leader is heard.")
            .arg(who)
            .arg(e.ticks);
    case EventType::ElectionTimeout:
        if (e.reason == Reason::LeadershipTransfer)
            return QStringLiteral("%1 was told by the leader to time out now, in term %2.")
                .arg(who)
                .arg(term);
        if (e.reason == Reason::Requested)
            return QStringLiteral("%1 was asked to start an election in term %2.").arg(who).arg(term);
        return QStringLiteral("%1's election timer fired in term %2.").arg(who).arg(term);
    case EventType::VoteRequested:
        return e.preVote ? QStringLiteral("%1 asks the others for pre-votes for term %2 (it is in term %3).")
                               .arg(who)
                               .arg(term + 1)
                               .arg(term)
                         : QStringLiteral("%1 asks the others for votes in term %2.").arg(who).arg(term);
    case EventType::VoteGranted:
        return e.preVote
            ? QStringLiteral("%1 granted its pre-vote to %2 (it is in term %3).")
                  .arg(who, node(e.peer))
                  .arg(term)
            : QStringLiteral("%1 granted its vote to %2 in term %3.").arg(who, node(e.peer)).arg(term);
    case EventType::VoteRefused:
        if (e.unanswered)
            return QStringLiteral("%1 ignored %2's %3 request without answering (it is in term %4): %5.")
                .arg(who, node(e.peer), vote)
                .arg(term)
                .arg(refusalReason(e));
        return QStringLiteral("%1 refused %2's %3 request (it is in term %4): %5.")
            .arg(who, node(e.peer), vote)
            .arg(term)
            .arg(refusalReason(e));
    case EventType::VoteReceived:
        return e.granted ? QStringLiteral("%1 received a %2 from %3.").arg(who, vote, node(e.peer))
                         : QStringLiteral("%1 was refused a %2 by %3.").arg(who, vote, node(e.peer));
    case EventType::AppendAccepted:
        return QStringLiteral("%1's log matches %2's up to index %3.")
            .arg(who, node(e.peer))
            .arg(e.index.value);
    case EventType::AppendRejected:
        if (e.reason == Reason::StaleTerm)
            return QStringLiteral("%1 rejected %2's append: its term %3 is stale (now %4).")
                .arg(who, node(e.peer))
                .arg(e.otherTerm.value)
                .arg(term);
        return QStringLiteral("%1 rejected %2's append after index %3: %4.")
            .arg(who, node(e.peer))
            .arg(e.index.value)
            .arg(e.reason == Reason::MissingEntries ? QStringLiteral("its log ends before that")
                                                    : QStringLiteral("it holds a different term there"));
    case EventType::LogTruncated:
        return QStringLiteral("%1 removed its entries from index %2 on: they conflict with %3's log.")
            .arg(who)
            .arg(e.index.value)
            .arg(node(e.peer));
    case EventType::CommitAdvanced:
        return QStringLiteral("%1 knows entries up to index %2 are committed.").arg(who).arg(e.index.value);
    case EventType::HeartbeatSent:
        return e.readRound ? QStringLiteral("%1 sent heartbeats (read round %2) in term %3.")
                                 .arg(who)
                                 .arg(e.readRound)
                                 .arg(term)
                           : QStringLiteral("%1 sent heartbeats in term %2.").arg(who).arg(term);
    case EventType::TransferStarted:
        return QStringLiteral("%1 hands leadership to %2.").arg(who, node(e.peer));
    case EventType::TransferFinished:
        return QStringLiteral("%1 handed leadership over to %2.").arg(who, node(e.peer));
    case EventType::TransferAborted:
        return QStringLiteral("%1 gave up handing leadership to %2 (%3).")
            .arg(who, node(e.peer), QString::fromLatin1(toString(e.reason).data()));
    case EventType::SnapshotSent:
        return QStringLiteral(
                   "%1 sends its snapshot up to index %2 to %3, whose log is behind the compaction point.")
            .arg(who)
            .arg(e.index.value)
            .arg(node(e.peer));
    case EventType::SnapshotInstalled:
        return QStringLiteral("%1 installed %2's snapshot up to index %3.")
            .arg(who, node(e.peer))
            .arg(e.index.value);
    case EventType::SnapshotRefused:
        return QStringLiteral("%1 refused %2's snapshot up to index %3: %4. It keeps its state; the leader "
                              "sends it again.")
            .arg(who, node(e.peer))
            .arg(e.index.value)
            .arg(snapshotRefusalReason(e.reason));
    case EventType::LogCompacted:
        return QStringLiteral("%1 compacted its log: entries up to index %2 now live in a snapshot.")
            .arg(who)
            .arg(e.index.value);
    case EventType::ReadRejected:
        if (e.reason == Reason::NotLeader && !e.peer.isNone())
            return QStringLiteral("%1 cannot serve a linearizable read: it is not the leader. Ask %2.")
                .arg(who, node(e.peer));
        return e.reason == Reason::NotLeader
            ? QStringLiteral("%1 cannot serve a linearizable read: it is not the leader.").arg(who)
            : e.reason == Reason::StorageFailed
            ? QStringLiteral("%1 dropped a pending read: its disk failed.").arg(who)
            : QStringLiteral("%1 dropped a pending read: it is no longer the leader.").arg(who);
    case EventType::MemberAdded:
        if (e.reason == Reason::ConfigurationReverted)
            return QStringLiteral("%1 dropped an uncommitted configuration entry: %2 is a member again.")
                .arg(who, node(e.peer));
        return e.granted
            ? QStringLiteral("%1 added %2 to the configuration at index %3, as a voter.")
                  .arg(who, node(e.peer))
                  .arg(e.index.value)
            : QStringLiteral("%1 added %2 to the configuration at index %3, as a learner: it receives the "
                             "log but does not vote until it has caught up.")
                  .arg(who, node(e.peer))
                  .arg(e.index.value);
    case EventType::LearnerPromoted:
        return QStringLiteral("%1 made %2 a voter at index %3: it has caught up with the log and now counts "
                              "in every majority.")
            .arg(who, node(e.peer))
            .arg(e.index.value);
    case EventType::MemberRemoved:
        if (e.reason == Reason::ConfigurationReverted)
            return QStringLiteral("%1 dropped an uncommitted configuration entry: %2 is no longer a member.")
                .arg(who, node(e.peer));
        return QStringLiteral("%1 removed %2 from the configuration at index %3: it no longer receives the "
                              "log or counts in majorities.")
            .arg(who, node(e.peer))
            .arg(e.index.value);
    case EventType::LeaderConnectionLost:
        return QStringLiteral(
                   "%1's connection to its leader, %2, closed: its process has most likely stopped. %1 "
                   "does not wait out its whole election timeout: it times out in %3 ticks, soon after the "
                   "minimum has passed since it last heard %2.")
            .arg(who, node(e.peer))
            .arg(e.ticks);
    }
    return QStringLiteral("%1: %2").arg(who, QString::fromLatin1(toString(e.type).data()));
}

} // namespace raftlab
