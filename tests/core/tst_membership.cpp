// Cluster membership changes, one server at a time (Ongaro's thesis, "Consensus: Bridging Theory and
// Practice", 2014, §4.1–§4.2.3, with the 2015 fix on raft-dev). Cores driven by hand through CoreCluster
// (corecluster.h), which checks the Ready contract on every step. Each test quotes the rule it checks.

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "paperhelpers.h"
#endif

#include <QTest>

#include <map>

using namespace raftlab;
using namespace raftlab::test;

namespace {

constexpr NodeId n4(4);
constexpr NodeId n5(5);

std::vector<NodeId> ids(std::initializer_list<std::uint32_t> values)
{
    std::vector<NodeId> result;
    for (std::uint32_t v : values)
        result.push_back(NodeId(v));
    return result;
}

void elect(CoreCluster &c, NodeId id)
{
    c.post(c.campaign(id).messages);
    c.stabilize();
}

MembershipChangeResult change(CoreCluster &c, NodeId leader, MembershipChange::Kind kind, NodeId id)
{
    const MembershipChangeResult result =
        c.core(leader).proposeMembershipChange(MembershipChange{.kind = kind, .id = id});
    c.post(c.process(leader).messages);
    return result;
}

MembershipChangeResult add(CoreCluster &c, NodeId leader, NodeId id)
{
    return change(c, leader, MembershipChange::Kind::Add, id);
}

MembershipChangeResult remove(CoreCluster &c, NodeId leader, NodeId id)
{
    return change(c, leader, MembershipChange::Kind::Remove, id);
}

// Ticks every node once per round (the leader's heartbeats, everyone's timers) and delivers what follows.
void run(CoreCluster &c, const std::vector<NodeId> &nodes, int rounds)
{
    for (int round = 0; round < rounds; ++round) {
        for (NodeId id : nodes)
            c.post(c.tick(id).messages);
        c.stabilize();
    }
}

int countEvents(const Events &events, EventType type, NodeId peer)
{
    return static_cast<int>(std::count_if(events.begin(), events.end(),
                                          [&](const Event &e) { return e.type == type && e.peer == peer; }));
}

} // namespace

class TestMembership : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void configurationTakesEffectWhenAppended();
    void truncatedConfigurationReverts();
    void oneChangeAtATime();
    void leaderFirstCommitsAnEntryOfItsTerm();
    void nodeOutsideItsConfigurationNeverCampaigns();
    void learnerCountsInNoQuorum();
    void learnerPromotedOnceCaughtUp();
    void growsFromThreeToFive();
    void removedLeaderStepsDownAfterCommit();
    void removedFollowerCannotDisrupt();
    void removedFollowerLearnsItsRemovalOnceCommitted();
    void removedFollowerLearnsItsRemovalAtTheNextTick();
    void refusesBadChanges();
    void snapshotCarriesConfiguration();
    void restartKeepsConfiguration();
    void configurationEntryCodecRoundTrip();
};

// "The new configuration takes effect on each server as soon as it is added to that server's log: the
// C_new entry is replicated to the C_new servers, and a majority of the new configuration is used to
// determine the C_new entry's commitment." Reference: §4.1
void TestMembership::configurationTakesEffectWhenAppended()
{
    CoreCluster c(options(3));
    c.join(n4);
    elect(c, n1);
    c.cut(n1, n2);
    c.cut(n1, n3);
    const MembershipChangeResult result = add(c, n1, n4);
    QCOMPARE(int(result.status), int(MembershipChangeResult::Status::Accepted));
    c.stabilize();
    // Not committed (no voter but the leader holds it), yet in force on the leader and the new node.
    QVERIFY(c.core(n1).log().commitIndex() < result.index);
    QCOMPARE(c.core(n1).membership().index, result.index);
    QVERIFY(c.core(n1).membership().isLearner(n4));
    QVERIFY(c.core(n1).progress().contains(n4));
    QCOMPARE(c.core(n4).membership().index, result.index);
    QVERIFY(c.core(n4).membership().isLearner(n4));
    QVERIFY(c.core(n4).log().commitIndex() < result.index);
    QCOMPARE(countEvents(c.node(n4).events, EventType::MemberAdded, n4), 1);
    QVERIFY(!c.core(n2).membership().contains(n4)); // cut off: still the old one
}

// "A log entry for a configuration change can be removed (if leadership changes); in this case, a server
// must be prepared to fall back to the previous configuration in its log." Reference: §4.1
void TestMembership::truncatedConfigurationReverts()
{
    CoreCluster c(options(3));
    Membership withFour;
    withFour.voters = ids({1, 2, 3});
    withFour.learners = ids({4});
    // Node 2 holds an uncommitted configuration entry of term 1 at index 2 from leader 1 ...
    Entries first = entriesWithTerms({1});
    first.push_back(Entry{
        .index = LogIndex(2), .term = Term(1), .type = EntryType::Config, .payload = withFour.encode()});
    c.step(appendEntries(1, 2, 1, 0, 0, first, 1));
    QCOMPARE(c.core(n2).membership().index, LogIndex(2));
    QVERIFY(c.core(n2).membership().isLearner(n4));
    // ... which leader 3 of term 2 replaces with its own entry at index 2.
    const Output output = c.step(appendEntries(3, 2, 2, 1, 1, entriesWithTerms({2}, 2), 1));
    QCOMPARE(c.core(n2).membership().index, LogIndex{});
    QVERIFY(!c.core(n2).membership().contains(n4));
    QCOMPARE(c.core(n2).membership().voters, ids({1, 2, 3}));
    const auto reverted = std::find_if(output.events.begin(), output.events.end(), [](const Event &e) {
        return e.type == EventType::MemberRemoved && e.reason == Reason::ConfigurationReverted;
    });
    QVERIFY(reverted != output.events.end());
    QCOMPARE(reverted->peer, n4);
}

// "The leader does not start a new configuration change until the previous one has committed" (single-
// server changes are safe only one at a time). Reference: §4.1
void TestMembership::oneChangeAtATime()
{
    CoreCluster c(options(3));
    c.join(n4);
    elect(c, n1);
    c.isolate(n1);
    QCOMPARE(int(add(c, n1, n4).status), int(MembershipChangeResult::Status::Accepted));
    QVERIFY(c.core(n1).membershipChangePending());
    QCOMPARE(int(add(c, n1, n5).status), int(MembershipChangeResult::Status::ChangeInProgress));
    QCOMPARE(int(remove(c, n1, n3).status), int(MembershipChangeResult::Status::ChangeInProgress));
    c.recover();
    c.isolate(n4); // stays a learner: no promotion to wait for
    run(c, ids({1, 2, 3}), 2);
    QVERIFY(!c.core(n1).membershipChangePending());
    QCOMPARE(int(remove(c, n1, n3).status), int(MembershipChangeResult::Status::Accepted));
}

// The 2015 fix: "a leader may not append a new configuration entry until it has committed an entry from
// its own term" — otherwise two single-server changes from leaders of different terms can each gather a
// majority of different configurations. Reference: §4.1 (errata, raft-dev, July 2015)
void TestMembership::leaderFirstCommitsAnEntryOfItsTerm()
{
    CoreCluster c(options(3));
    // Node 1 wins the election, but nobody acknowledges its no-op yet.
    const Output campaign = c.campaign(n1);
    Messages appends;
    for (const Message &request : campaign.ofType(MessageType::RequestVote)) {
        const Messages sent = c.step(acceptReply(request)).messages;
        appends.insert(appends.end(), sent.begin(), sent.end());
    }
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    QCOMPARE(int(add(c, n1, n4).status), int(MembershipChangeResult::Status::LeaderNotReady));
    c.post(appends);
    c.stabilize(); // the no-op commits
    QCOMPARE(c.core(n1).log().termAt(c.core(n1).log().commitIndex()), c.core(n1).term());
    QCOMPARE(int(add(c, n1, n4).status), int(MembershipChangeResult::Status::Accepted));
}

// "New servers join the cluster as non-voting members" and a server that is not part of its own latest
// configuration does not start elections. Reference: §4.2.1, §4.2.3
void TestMembership::nodeOutsideItsConfigurationNeverCampaigns()
{
    CoreCluster c(options(3, true, true));
    c.join(n4);
    QVERIFY(c.core(n4).membership().isEmpty());
    const Output output = c.tick(n4, 200);
    QVERIFY(!output.hasEvent(EventType::ElectionTimeout));
    QVERIFY(output.messages.empty());
    QCOMPARE(c.core(n4).term(), Term{});
    c.core(n4).campaignNow(); // not even when asked
    QVERIFY(c.process(n4).messages.empty());
    QCOMPARE(name(c.core(n4).role()), name(Role::Follower));
}

// Learners "are not considered for majorities": their acknowledgements commit nothing. Reference: §4.2.1
void TestMembership::learnerCountsInNoQuorum()
{
    CoreCluster c(options(3));
    c.join(n4);
    elect(c, n1);
    add(c, n1, n4);
    run(c, ids({1, 2, 3, 4}), 1);
    QVERIFY(c.core(n1).membership().isLearner(n4) || c.core(n1).membership().isVoter(n4));
    // Only node 4 hears the leader now: voters 2 and 3 are cut off.
    c.cut(n1, n2);
    c.cut(n1, n3);
    const LogIndex commit = c.core(n1).log().commitIndex();
    c.post(c.propose(n1, "x").messages);
    c.stabilize();
    if (c.core(n1).membership().isLearner(n4)) {
        QVERIFY(c.node(n4).log.back().index > commit); // the learner holds it ...
        QCOMPARE(c.core(n1).log().commitIndex(), commit); // ... and that commits nothing
    }
    // Promoted or not, 1 and 4 of {1,2,3} or of {1,2,3,4} are no majority.
    QCOMPARE(c.core(n1).log().commitIndex(), commit);
}

// "The leader should ... wait until the new server has caught up before adding it as a voter"; here the
// leader promotes it itself once its log is within learnerCatchUpEntries of the leader's. Reference: §4.2.1
void TestMembership::learnerPromotedOnceCaughtUp()
{
    CoreCluster c(options(3));
    c.join(n4);
    elect(c, n1);
    for (int i = 0; i < 100; ++i)
        c.post(c.propose(n1, QByteArray::number(i)).messages);
    c.stabilize();
    // Cut off while added: it cannot catch up, so it stays a learner.
    c.isolate(n4);
    const MembershipChangeResult added = add(c, n1, n4);
    run(c, ids({1, 2, 3, 4}), 3);
    QVERIFY(c.core(n1).membership().isLearner(n4));
    QVERIFY(c.core(n1).log().commitIndex() >= added.index);
    c.recover();
    run(c, ids({1, 2, 3, 4}), 5);
    for (NodeId id : ids({1, 2, 3, 4})) {
        QVERIFY2(c.core(id).membership().isVoter(n4), qPrintable(QStringLiteral("node %1").arg(id.value)));
        QCOMPARE(countEvents(c.node(id).events, EventType::LearnerPromoted, n4), 1);
    }
    QCOMPARE(c.core(n4).log().lastIndex(), c.core(n1).log().lastIndex());
    QVERIFY(!c.core(n1).membershipChangePending());
}

// Growing a cluster one server at a time: after 3 → 5, a commit needs three of the five. Reference: §4.1
void TestMembership::growsFromThreeToFive()
{
    CoreCluster c(options(3));
    c.join(n4);
    c.join(n5);
    elect(c, n1);
    const std::vector<NodeId> all = ids({1, 2, 3, 4, 5});
    for (NodeId id : {n4, n5}) {
        QCOMPARE(int(add(c, n1, id).status), int(MembershipChangeResult::Status::Accepted));
        run(c, all, 4);
        QVERIFY(c.core(n1).membership().isVoter(id));
    }
    QCOMPARE(c.core(n1).membership().voters, all);
    for (NodeId id : all) // nobody mistakes the configurations before its own addition for a removal
        QVERIFY(!c.core(id).removedFromCluster());
    // Two voters out of reach: three of five still commit; three out of reach: nothing commits.
    c.cut(n1, n4);
    c.cut(n1, n5);
    c.post(c.propose(n1, "a").messages);
    c.stabilize();
    const LogIndex committed = c.core(n1).log().commitIndex();
    QCOMPARE(committed, c.core(n1).log().lastIndex());
    c.cut(n1, n3);
    c.post(c.propose(n1, "b").messages);
    c.stabilize();
    QCOMPARE(c.core(n1).log().commitIndex(), committed);
}

// "The leader ... steps down (returns to follower state) once the C_new entry is committed"; until then
// it manages a cluster that does not include itself and does not count its own vote. Reference: §4.2.2
void TestMembership::removedLeaderStepsDownAfterCommit()
{
    CoreCluster c(options(3));
    elect(c, n1);
    c.cut(n1, n2);
    c.cut(n1, n3);
    const MembershipChangeResult removed = remove(c, n1, n1);
    QCOMPARE(int(removed.status), int(MembershipChangeResult::Status::Accepted));
    c.stabilize();
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader)); // not committed: it still manages the cluster
    QVERIFY(!c.core(n1).membership().isVoter(n1));
    c.recover();
    c.post(c.tick(n1, 2).messages);
    c.stabilize();
    QVERIFY(c.core(n1).log().commitIndex() >= removed.index);
    QCOMPARE(name(c.core(n1).role()), name(Role::Follower));
    QVERIFY(std::any_of(c.node(n1).events.begin(), c.node(n1).events.end(),
                        [](const Event &e) { return e.reason == Reason::RemovedFromCluster; }));
    QVERIFY(c.core(n1).removedFromCluster());
    QVERIFY(!c.core(n2).removedFromCluster());
    // It sends nothing any more: no heartbeats, no campaigns.
    QVERIFY(c.tick(n1, 100).messages.empty());
    // The others elect a leader among themselves and go on.
    run(c, ids({2, 3}), 40);
    const bool twoLeads = c.core(n2).role() == Role::Leader;
    const NodeId leader = twoLeads ? n2 : n3;
    QCOMPARE(name(c.core(leader).role()), name(Role::Leader));
    QCOMPARE(c.core(leader).membership().voters, ids({2, 3}));
    c.post(c.propose(leader, "after").messages);
    c.stabilize();
    QCOMPARE(c.core(leader).log().commitIndex(), c.core(leader).log().lastIndex());
}

// "Removed servers (those not in C_new) can disrupt the cluster" when they time out and campaign with new
// terms; "if a server receives a RequestVote request within the minimum election timeout of hearing from
// a current leader, it does not update its term or grant its vote". Reference: §4.2.3
void TestMembership::removedFollowerCannotDisrupt()
{
    CoreCluster c(options(3, true, true));
    elect(c, n1);
    c.isolate(n3); // node 3 never hears of its removal
    QCOMPARE(int(remove(c, n1, n3).status), int(MembershipChangeResult::Status::Accepted));
    run(c, ids({1, 2}), 2);
    QVERIFY(!c.core(n1).membershipChangePending());
    QVERIFY(!c.core(n1).progress().contains(n3)); // the leader no longer replicates to it
    QVERIFY(!c.core(n3).removedFromCluster()); // it never heard of it
    const Term term = c.core(n1).term();
    c.recover();
    // Node 3 times out again and again, and asks 1 and 2; the leader keeps leading in its term.
    for (int round = 0; round < 100; ++round) {
        for (NodeId id : {n1, n2, n3})
            c.post(c.tick(id).messages);
        c.stabilize();
    }
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    QCOMPARE(c.core(n1).term(), term);
    QCOMPARE(c.core(n2).term(), term);
    QVERIFY(std::any_of(c.node(n3).events.begin(), c.node(n3).events.end(),
                        [](const Event &e) { return e.type == EventType::VoteRequested; }));
}

// The removed server learns its removal: the leader goes on replicating to it until the removal is committed
// (it counts in no quorum meanwhile), then sends it the commit index once and nothing more; a node that
// knows its removal is committed can stop (etcd's removed member exits). Reference: §4.2.2
// CommitNotice::NextTick (raftlab-node's default): no commit-only append follows the removal's commit, and
// no later append goes to the removed node, so the leader's next tick tells it; until then the leader
// keeps it in its progress, since it may not drop a node that has not learnt its removal.
void TestMembership::removedFollowerLearnsItsRemovalAtTheNextTick()
{
    ClusterOptions nextTick = options(3);
    nextTick.commitNotice = CoreConfig::CommitNotice::NextTick;
    CoreCluster c(nextTick);
    elect(c, n1);
    const MembershipChangeResult removed = remove(c, n1, n3);
    QCOMPARE(int(removed.status), int(MembershipChangeResult::Status::Accepted));
    c.stabilize();
    QVERIFY(c.core(n1).log().commitIndex() >= removed.index);
    QVERIFY(!c.core(n1).membershipChangePending());
    QVERIFY2(!c.core(n3).removedFromCluster(), "told nothing yet: it holds the entry, not its commit");
    QVERIFY2(c.core(n1).progress().contains(n3), "the leader may not drop it before telling it");
    QCOMPARE(c.core(n1).ticksUntilTimer(), std::optional<int>(1));

    c.post(c.tick(n1).messages);
    c.stabilize();
    QVERIFY(c.core(n3).log().commitIndex() >= removed.index);
    QVERIFY(c.core(n3).removedFromCluster());
    QVERIFY(c.core(n2).log().commitIndex() >= removed.index);
    QVERIFY(!c.core(n1).progress().contains(n3));
}

void TestMembership::removedFollowerLearnsItsRemovalOnceCommitted()
{
    CoreCluster c(options(3));
    elect(c, n1);
    c.cut(n1, n2); // the removal cannot commit: node 3 alone makes no majority of {1, 2}
    const MembershipChangeResult removed = remove(c, n1, n3);
    QCOMPARE(int(removed.status), int(MembershipChangeResult::Status::Accepted));
    c.stabilize();
    QVERIFY(c.core(n1).membershipChangePending());
    QVERIFY(c.core(n1).progress().contains(n3)); // still replicated to, though not counted
    QCOMPARE(c.core(n3).log().lastIndex(), removed.index);
    QVERIFY(!c.core(n3).removedFromCluster()); // appended, not committed: it may yet be reverted
    c.recover();
    run(c, ids({1, 2, 3}), 2);
    QVERIFY(!c.core(n1).membershipChangePending());
    QVERIFY(c.core(n3).log().commitIndex() >= removed.index);
    QVERIFY(c.core(n3).removedFromCluster());
    QVERIFY(!c.core(n1).progress().contains(n3));
    QVERIFY(!c.core(n1).removedFromCluster());
    QVERIFY(!c.core(n2).removedFromCluster());
    // Nothing more is sent to it, and it asks nobody for anything.
    for (int round = 0; round < 50; ++round) {
        QVERIFY(c.tick(n3).messages.empty());
        const auto fromLeader = c.tick(n1).messages;
        QVERIFY(
            std::none_of(fromLeader.begin(), fromLeader.end(), [](const Message &m) { return m.to == n3; }));
        c.post(fromLeader);
        c.stabilize();
    }
}

// etcd's member add/remove answers: a duplicate, an unknown id, the last voter, id 0.
void TestMembership::refusesBadChanges()
{
    CoreCluster c(options(1));
    elect(c, n1);
    using Status = MembershipChangeResult::Status;
    QCOMPARE(int(add(c, n1, n1).status), int(Status::AlreadyMember));
    QCOMPARE(int(remove(c, n1, n4).status), int(Status::UnknownMember));
    QCOMPARE(int(remove(c, n1, n1).status), int(Status::LastVoter));
    QCOMPARE(int(add(c, n1, NodeId{}).status), int(Status::InvalidId));
    CoreCluster leaderless(options(3));
    QCOMPARE(int(add(leaderless, n2, n4).status), int(Status::NotLeader));
}

// A snapshot replaces the log that held the configuration entries, so it carries the configuration in
// force at its index; a node that installs it follows that configuration. Reference: §4.1, §5.1 (thesis)
void TestMembership::snapshotCarriesConfiguration()
{
    CoreCluster c(options(3));
    c.join(n4);
    c.join(n5);
    elect(c, n1);
    const std::vector<NodeId> all = ids({1, 2, 3, 4, 5});
    // Before any change the cluster file's configuration is in force: a snapshot carries none, so the
    // file goes on deciding.
    c.core(n1).compact(c.core(n1).log().appliedIndex(), "state");
    c.process(n1);
    QVERIFY(!c.core(n1).log().snapshot().isEmpty());
    QVERIFY(!c.core(n1).log().snapshot().membership.has_value());
    add(c, n1, n4);
    run(c, all, 4);
    QVERIFY(c.core(n1).membership().isVoter(n4));
    const LogIndex applied = c.core(n1).log().appliedIndex();
    c.core(n1).compact(applied, "state");
    c.process(n1);
    const Snapshot &snapshot = c.core(n1).log().snapshot();
    QVERIFY(snapshot.membership.has_value());
    QCOMPARE(snapshot.membership->voters, ids({1, 2, 3, 4}));
    // Node 5 joins after the compaction: it gets the snapshot, with the configuration.
    add(c, n1, n5);
    run(c, all, 6);
    QVERIFY(!c.node(n5).snapshot.isEmpty());
    QVERIFY(c.node(n5).snapshot.membership.has_value());
    QVERIFY(c.core(n5).membership().isVoter(n5));
    QCOMPARE(c.core(n5).membership().voters, all);
}

// The configuration survives a restart: the log (or snapshot) holds it, and it wins over the bootstrap
// configuration from the cluster file.
void TestMembership::restartKeepsConfiguration()
{
    CoreCluster c(options(3));
    c.join(n4);
    elect(c, n1);
    add(c, n1, n4);
    run(c, ids({1, 2, 3, 4}), 4);
    remove(c, n1, n2);
    run(c, ids({1, 3, 4}), 3);
    const Membership before = c.core(n3).membership();
    QCOMPARE(before.voters, ids({1, 3, 4}));
    for (NodeId id : {n3, n4}) {
        CoreCluster::Node &node = c.node(id);
        c.restart(id, PersistentState{node.hardState, node.snapshot, node.log});
        QCOMPARE(c.core(id).membership(), before);
    }
    // Node 4 was started without any configuration (it joined): after the restart it is a voter and may
    // campaign.
    QVERIFY(tickUntilTimeout(c, n4, 100).hasEvent(EventType::ElectionTimeout));
    QVERIFY(c.core(n4).term() > Term{} || c.core(n4).role() != Role::Follower);
}

// A configuration entry's payload and a snapshot's configuration decode to what was encoded; garbage
// does not decode.
void TestMembership::configurationEntryCodecRoundTrip()
{
    Membership membership;
    membership.index = LogIndex(7);
    membership.voters = ids({1, 2, 3});
    membership.learners = ids({9});
    membership.addresses = {MemberAddress{NodeId(9), "127.0.0.1:7009", "127.0.0.1:8009"}};
    const std::optional<Membership> decoded = Membership::decode(membership.encode());
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, membership);
    QVERIFY(!Membership::decode("garbage").has_value());
    Membership twice;
    twice.voters = ids({1});
    twice.learners = ids({1});
    QVERIFY(!Membership::decode(twice.encode()).has_value());
}

QTEST_GUILESS_MAIN(TestMembership)
#include "tst_membership.moc"
