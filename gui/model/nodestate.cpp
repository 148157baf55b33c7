#include "nodestate.h"

#include <QJsonArray>

#include <algorithm>

namespace raftlab {

using namespace Qt::StringLiterals;

namespace {

std::vector<NodeId> idList(const QJsonValue &value)
{
    std::vector<NodeId> ids;
    for (const QJsonValue &item : value.toArray())
        if (const qint64 id = item.toInteger(0); id > 0)
            ids.push_back(NodeId(std::uint32_t(id)));
    return ids;
}

} // namespace

int ElectionTally::count(VoteAnswer answer) const
{
    return int(std::count_if(answers.begin(), answers.end(),
                             [answer](const auto &entry) { return entry.second == answer; }));
}

qint64 NodeState::electionTimeoutUs() const
{
    return electionDeadlineUs >= 0 && electionTimerStartUs >= 0 ? electionDeadlineUs - electionTimerStartUs
                                                                : 0;
}

const FollowerProgress *NodeState::follower(NodeId peer) const
{
    const auto it = std::find_if(followers.begin(), followers.end(),
                                 [peer](const FollowerProgress &progress) { return progress.id == peer; });
    return it == followers.end() ? nullptr : &*it;
}

FollowerProgress &NodeState::followerEntry(NodeId peer)
{
    const auto it = std::find_if(followers.begin(), followers.end(),
                                 [peer](const FollowerProgress &progress) { return progress.id == peer; });
    if (it != followers.end())
        return *it;
    followers.push_back(FollowerProgress{.id = peer, .nextIndex = lastLogIndex.next()});
    return followers.back();
}

void NodeState::fold(StreamEventKind kind, const QJsonObject &event)
{
    lastEventUs = std::max(lastEventUs, eventfield::timeUs(event));
    if (kind == StreamEventKind::State) {
        foldStatus(event);
        return;
    }
    if (kind == StreamEventKind::Send) {
        foldSend(event);
        return;
    }
    if (kind == StreamEventKind::Recv) {
        foldRecv(event);
        return;
    }
    if (kind == StreamEventKind::Drop)
        return;

    // Every other event is the node's own: its term is the node's current term.
    const Term eventTerm = eventfield::term(event);
    if (eventTerm > term) {
        votedFor = NodeId{};
        leader = NodeId{};
    }
    term = eventTerm;
    if (const auto current = roleFromString(eventfield::string(event, "role"_L1));
        current && kind != StreamEventKind::Role)
        role = *current;

    if (kind == StreamEventKind::Other)
        foldMembership(event);
    switch (kind) {
    case StreamEventKind::Role:
        foldRole(event);
        break;
    case StreamEventKind::Timer:
        electionTimerStartUs = eventfield::timeUs(event);
        electionDeadlineUs = eventfield::integer(event, "deadline_us"_L1, -1);
        break;
    case StreamEventKind::Faults:
        foldLabConditions(event);
        break;
    case StreamEventKind::Timeout:
        electionTimerStartUs = -1;
        electionDeadlineUs = -1;
        break;
    case StreamEventKind::VoteRequest: {
        // Every round of requests is a campaign of its own, counted from the node's own vote: a
        // pre-candidate whose timer runs out again asks for the same term again, with its count reset
        // (RaftCore::becomePreCandidate), and no role event comes with it.
        const bool isPreVote = eventfield::boolean(event, "prevote"_L1);
        startCampaign(isPreVote ? term.next() : term, isPreVote, CampaignStart::NewRound);
        break;
    }
    case StreamEventKind::Vote:
        // A refusal's `voted_for` is whom it voted for only when it refused for that reason; for
        // `leader_alive` it names the leader heard.
        if (eventfield::boolean(event, "granted"_L1) && !eventfield::boolean(event, "prevote"_L1))
            votedFor = eventfield::nodeId(event, "candidate"_L1);
        else if (const NodeId whom = eventfield::nodeId(event, "voted_for"_L1);
                 !whom.isNone() && eventfield::string(event, "reason"_L1) == "already_voted"_L1)
            votedFor = whom;
        break;
    case StreamEventKind::VoteReceived: {
        const NodeId voter = eventfield::nodeId(event, "voter"_L1);
        if (!voter.isNone())
            votes.answers[voter] =
                eventfield::boolean(event, "granted"_L1) ? VoteAnswer::Granted : VoteAnswer::Refused;
        break;
    }
    case StreamEventKind::Append: {
        const LogIndex last = eventfield::index(event, "last"_L1);
        const QJsonArray entries = event.value("entries"_L1).toArray();
        if (last.value > 0) {
            lastLogIndex = last;
            if (!entries.isEmpty())
                lastLogTerm = eventfield::term(entries.last().toObject());
        }
        break;
    }
    case StreamEventKind::Truncate: {
        const LogIndex from = eventfield::index(event, "index"_L1);
        if (from.value > 0 && from <= lastLogIndex)
            lastLogIndex = from.previous(); // lastLogTerm is unknown until the next append
        break;
    }
    case StreamEventKind::Commit:
        if (const LogIndex index = eventfield::index(event, "index"_L1); index > commitIndex) {
            commitIndex = index;
            commitAdvancedTo = index;
            commitAdvancedInTerm = term;
        }
        break;
    case StreamEventKind::Apply:
        appliedIndex = std::max(appliedIndex, eventfield::index(event, "last"_L1));
        break;
    case StreamEventKind::Snapshot: {
        const LogIndex through = eventfield::index(event, "index"_L1);
        snapshotIndex = std::max(snapshotIndex, through);
        firstLogIndex = std::max(firstLogIndex, through.next());
        if (eventfield::string(event, "event"_L1) == "snapshot"_L1) // installed from the leader
            lastLogIndex = std::max(lastLogIndex, through);
        break;
    }
    case StreamEventKind::Transfer:
        transferTarget = eventfield::string(event, "phase"_L1) == "started"_L1
            ? eventfield::nodeId(event, "to"_L1)
            : NodeId{};
        break;
    default:
        break;
    }
}

void NodeState::foldStatus(const QJsonObject &status)
{
    hasStatus = true;
    connected = true; // a `state` event opens every subscription
    id = eventfield::nodeId(status, "id"_L1).isNone() ? id : eventfield::nodeId(status, "id"_L1);
    role = roleFromString(eventfield::string(status, "role"_L1)).value_or(Role::Follower);
    term = eventfield::term(status);
    votedFor = eventfield::nodeId(status, "voted_for"_L1);
    leader = eventfield::nodeId(status, "leader_id"_L1);
    commitIndex = eventfield::index(status, "commit_index"_L1);
    appliedIndex = eventfield::index(status, "last_applied"_L1);
    lastLogIndex = eventfield::index(status, "last_log_index"_L1);
    lastLogTerm = eventfield::term(status, "last_log_term"_L1);
    firstLogIndex = eventfield::index(status, "first_log_index"_L1);
    snapshotIndex = eventfield::index(status, "snapshot_index"_L1);
    members = idList(status.value("members"_L1));
    learners = idList(status.value("learners"_L1));
    followers.clear();
    for (const QJsonValue &item : status.value("followers"_L1).toArray()) {
        const QJsonObject follower = item.toObject();
        followers.push_back(FollowerProgress{.id = eventfield::nodeId(follower, "id"_L1),
                                             .matchIndex = eventfield::index(follower, "match_index"_L1),
                                             .nextIndex = eventfield::index(follower, "next_index"_L1),
                                             .state = eventfield::string(follower, "state"_L1)});
    }
    foldLabConditions(status);
    voteRequestsHeard.clear();
    const qint64 now = eventfield::timeUs(status);
    const qint64 elapsedMs = eventfield::integer(status, "election_elapsed_ms"_L1);
    const qint64 deadlineMs = eventfield::integer(status, "election_deadline_ms"_L1);
    electionTimerStartUs = role == Role::Leader || deadlineMs <= 0 ? -1 : now - elapsedMs * 1000;
    electionDeadlineUs =
        role == Role::Leader || deadlineMs <= 0 ? -1 : electionTimerStartUs + deadlineMs * 1000;
    fsyncMode = eventfield::string(status, "fsync"_L1);
    storageError = eventfield::string(status, "storage_error"_L1);
    preVote = eventfield::boolean(status, "prevote"_L1, true);
    checkQuorum = eventfield::boolean(status, "check_quorum"_L1, true);
    transferTarget = NodeId{};
}

void NodeState::foldMembership(const QJsonObject &event)
{
    const QString type = eventfield::string(event, "type"_L1);
    const NodeId member = eventfield::nodeId(event, "member"_L1);
    if (member.isNone())
        return;
    const auto drop = [member](std::vector<NodeId> &ids) {
        std::erase(ids, member);
    };
    const auto add = [member](std::vector<NodeId> &ids) {
        if (std::find(ids.begin(), ids.end(), member) == ids.end()) {
            ids.push_back(member);
            std::sort(ids.begin(), ids.end());
        }
    };
    if (type == "member_added"_L1) {
        add(eventfield::string(event, "as"_L1) == "voter"_L1 ? members : learners);
    } else if (type == "learner_promoted"_L1) {
        drop(learners);
        add(members);
    } else if (type == "member_removed"_L1) {
        drop(members);
        drop(learners);
    }
}

void NodeState::foldLabConditions(const QJsonObject &event)
{
    blockedPeers = idList(event.value("blocked_peers"_L1));
    outgoingBlockedPeers = idList(event.value("outgoing_blocked_peers"_L1));
    heartbeatMs = int(eventfield::integer(event, "heartbeat_ms"_L1));
    const QJsonArray timeout = event.value("election_timeout_ms"_L1).toArray();
    electionTimeoutMinMs = timeout.size() == 2 ? int(timeout.at(0).toInteger()) : 0;
    electionTimeoutMaxMs = timeout.size() == 2 ? int(timeout.at(1).toInteger()) : 0;
    const QJsonObject net = event.value("net"_L1).toObject();
    netDelayMs = int(eventfield::integer(net, "delay_ms"_L1));
    netLoss = net.value("loss"_L1).toDouble();
}

void NodeState::foldRole(const QJsonObject &event)
{
    role = roleFromString(eventfield::string(event, "role"_L1)).value_or(role);
    leader = eventfield::nodeId(event, "leader"_L1);
    switch (role) {
    case Role::Candidate:
        votedFor = id;
        startCampaign(term, false, CampaignStart::RoleChange);
        break;
    case Role::PreCandidate:
        startCampaign(term.next(), true, CampaignStart::RoleChange);
        break;
    case Role::Leader:
        leader = id;
        electionTimerStartUs = -1;
        electionDeadlineUs = -1;
        // As the leader starts (Raft §5.3): nextIndex after its last entry (the no-op it appends next
        // comes after this event), matchIndex 0, probing.
        followers.clear();
        for (NodeId member : members)
            if (member != id)
                followerEntry(member).state = u"probe"_s;
        break;
    case Role::Follower:
        followers.clear();
        transferTarget = NodeId{};
        break;
    }
}

void NodeState::startCampaign(Term campaignTerm, bool isPreVote, CampaignStart start)
{
    if (start == CampaignStart::RoleChange && votes.term == campaignTerm && votes.preVote == isPreVote &&
        !votes.answers.empty())
        return; // the count of this campaign so far, if its answers came before the role event
    votes = ElectionTally{.term = campaignTerm, .preVote = isPreVote};
    for (NodeId member : members)
        votes.answers[member] = VoteAnswer::Awaited;
    votes.answers[id] = VoteAnswer::Granted;
}

void NodeState::foldSend(const QJsonObject &event)
{
    if (role != Role::Leader)
        return;
    const auto type = messageTypeFromString(eventfield::string(event, "msg"_L1));
    // What a leader's appends and heartbeats carry is its commit index as they leave; its own `commit`
    // event comes later, with its next disk write (RaftNode sends while it writes). Its followers learn
    // the commit from these messages: the leader must not look behind them.
    if ((type == MessageType::AppendEntries || type == MessageType::Heartbeat) &&
        eventfield::term(event) == term)
        commitIndex = std::max(commitIndex, eventfield::index(event, "commit"_L1));
    FollowerProgress &progress = followerEntry(eventfield::nodeId(event, "to"_L1));
    if (const QString state = eventfield::string(event, "progress"_L1); !state.isEmpty()) {
        // The leader's own view of the follower once the message left: taken as it is.
        progress.nextIndex = eventfield::index(event, "next_index"_L1);
        progress.matchIndex = eventfield::index(event, "match_index"_L1);
        progress.state = state;
        return;
    }
    // A stream without the leader's view (older nodes, recordings): pipelined replication advances
    // nextIndex as it sends, once the follower's position is known (etcd's Progress, Replicate).
    if (type != MessageType::AppendEntries || progress.state == u"probe"_s || progress.state == u"snapshot"_s)
        return;
    const LogIndex sentThrough = eventfield::index(event, "prev_index"_L1) +
        std::uint64_t(std::max<qint64>(0, eventfield::integer(event, "entries"_L1)));
    progress.nextIndex = std::max(progress.nextIndex, sentThrough.next());
}

void NodeState::foldRecv(const QJsonObject &event)
{
    const auto type = messageTypeFromString(eventfield::string(event, "msg"_L1));
    if (!type)
        return;
    const NodeId from = eventfield::nodeId(event, "from"_L1);
    const Term messageTerm = eventfield::term(event);
    if (*type == MessageType::PreVote || *type == MessageType::RequestVote) {
        voteRequestsHeard[from] =
            VoteRequestHeard{.term = messageTerm, .preVote = *type == MessageType::PreVote};
        return;
    }
    const bool fromLeader = *type == MessageType::AppendEntries || *type == MessageType::Heartbeat ||
        *type == MessageType::InstallSnapshot;
    if (fromLeader && role != Role::Leader && messageTerm == term && leader.isNone())
        leader = from;
    if (role != Role::Leader || *type != MessageType::AppendEntriesResponse || messageTerm != term)
        return;
    FollowerProgress &progress = followerEntry(from);
    if (progress.state == u"snapshot"_s)
        return; // the leader ignores append answers while it sends a snapshot
    if (eventfield::boolean(event, "success"_L1)) {
        // What the leader does with an acknowledgement: match grows, a probe turns into replication.
        progress.matchIndex = std::max(progress.matchIndex, eventfield::index(event, "match_index"_L1));
        progress.nextIndex = std::max(progress.nextIndex, progress.matchIndex.next());
        if (progress.state == u"probe"_s) {
            progress.state = u"replicate"_s;
            progress.nextIndex = progress.matchIndex.next();
        }
    }
    // A refusal moves nextIndex back by the leader's own rules; its next send to the follower reports
    // where it went.
}

} // namespace raftlab
