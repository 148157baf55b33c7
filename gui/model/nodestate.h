#pragma once

#include "streamevent.h"

#include <QJsonObject>
#include <QString>

#include <map>
#include <vector>

namespace raftlab {

// A voter's answer to a candidate (or pre-candidate), as the candidate heard it.
enum class VoteAnswer : std::uint8_t { Awaited, Granted, Refused };

// The votes of this node's latest campaign: one answer per member, the node's own vote included.
// Kept after the campaign ends (so a view can show how it was won or lost); `term` says which one.
struct ElectionTally
{
    Term term{}; // the term campaigned for (for a pre-vote: the term it would move to)
    bool preVote = false;
    std::map<NodeId, VoteAnswer> answers{};

    int count(VoteAnswer answer) const;
};

// What the leader knows of one follower: Raft's nextIndex and matchIndex (§5.3) and how it replicates to
// it. From the leader's own report: its status, then every message it sends the follower (each carries
// the leader's view after sending), and between two sends the acknowledgements it receives.
struct FollowerProgress
{
    NodeId id{};
    LogIndex matchIndex{};
    LogIndex nextIndex{};
    QString state{}; // "probe", "replicate" or "snapshot"; empty when not known
};

// One node as its own event stream describes it: the latest value of every field the views show.
// Folded by fold(); `connected` alone is set from outside (the NodeClient knows whether its stream is up).
struct NodeState
{
    NodeId id{};
    bool connected = false; // its /events stream is up: it is running and reachable
    bool hasStatus = false; // a `state` event was folded: the fields below are the node's truth
    Role role = Role::Follower;
    Term term{};
    NodeId votedFor{};
    NodeId leader{}; // whom it believes leads its term; NodeId{} when nobody
    LogIndex commitIndex{};
    // The commit index as it last moved, and in which term: a follower's moves only on what the leader of
    // that term sends, so that leader knew it (ClusterModel keeps a leader's row from looking behind).
    LogIndex commitAdvancedTo{};
    Term commitAdvancedInTerm{};
    LogIndex appliedIndex{};
    LogIndex lastLogIndex{};
    Term lastLogTerm{};
    LogIndex firstLogIndex{};
    LogIndex snapshotIndex{};

    // The election timer, on the event clock: running from start to deadline. Both -1 when stopped
    // (it fired, or the node is a leader that has not reset it). Meaningful for followers and candidates.
    qint64 electionTimerStartUs = -1;
    qint64 electionDeadlineUs = -1;

    int heartbeatMs = 0;
    int electionTimeoutMinMs = 0;
    int electionTimeoutMaxMs = 0;
    std::vector<NodeId> members; // the voters of the configuration in force on this node
    std::vector<NodeId> learners; // members that receive the log but do not vote until promoted
    std::vector<NodeId> blockedPeers; // peers whose Raft traffic this node drops (POST /admin/partition)
    std::vector<NodeId> outgoingBlockedPeers; // peers it does not send to, while it still hears them
    std::vector<FollowerProgress> followers; // while leader
    ElectionTally votes;
    // The latest PreVote or RequestVote this node received from each candidate: the term it asked for.
    struct VoteRequestHeard
    {
        Term term{};
        bool preVote = false;
    };
    std::map<NodeId, VoteRequestHeard> voteRequestsHeard;
    QString fsyncMode; // "always" or "never"
    QString storageError; // empty unless its disk failed
    bool preVote = true;
    bool checkQuorum = true;
    int netDelayMs = 0;
    double netLoss = 0.0;
    NodeId transferTarget{}; // a leadership transfer in progress to this peer; NodeId{} when none
    qint64 lastEventUs = 0;

    bool isLeader() const { return role == Role::Leader; }
    bool isCampaigning() const { return role == Role::Candidate || role == Role::PreCandidate; }
    qint64 electionTimeoutUs() const; // the length of the running timer, 0 when stopped
    const FollowerProgress *follower(NodeId peer) const;

    // Folds one event published by this node. Message events only move the leader's view of its
    // followers and the known leader; the node's term comes from its own decisions, never from a message.
    void fold(StreamEventKind kind, const QJsonObject &event);

private:
    void foldStatus(const QJsonObject &status);
    void foldRole(const QJsonObject &event);
    // member_added, learner_promoted, member_removed: the configuration in force changed.
    void foldMembership(const QJsonObject &event);
    void foldLabConditions(const QJsonObject &event); // `state` and `faults`: cuts, delay, timers
    void foldSend(const QJsonObject &event);
    void foldRecv(const QJsonObject &event);
    // A `vote_request` starts a new round (a fresh count); a role event starts one only if the count on
    // hand is of another campaign.
    enum class CampaignStart { RoleChange, NewRound };
    void startCampaign(Term campaignTerm, bool isPreVote, CampaignStart start);
    FollowerProgress &followerEntry(NodeId peer);
};

} // namespace raftlab
