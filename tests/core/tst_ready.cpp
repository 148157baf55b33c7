// The persist-before-send rule as the core writes it into each Ready (ready.h): what may leave before the
// Ready is durable (`messages`) and what must wait (`messagesAfterPersist`), for the Ready itself and for
// takeMessagesToSendNow() while a Ready is being persisted; takeNewlyCommitted(), which hands out committed
// entries as soon as a majority holds them, durable here or not; and halt(), for an owner whose disk failed.

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "core/crc32c.h"
#include "corecluster.h"
#include "paperhelpers.h"
#endif

#include <QTest>

using namespace raftlab;
using namespace raftlab::test;

namespace {

CoreConfig configOf(NodeId id)
{
    CoreConfig config;
    config.id = id;
    config.members = {n1, n2, n3};
    config.heartbeatTicks = 1;
    config.electionTimeoutTicksMin = 10;
    config.electionTimeoutTicksMax = 20;
    config.preVote = false;
    config.checkQuorum = false;
    return config;
}

// A core restarted from durable state, its start-up Ready consumed.
std::unique_ptr<RaftCore> restored(NodeId id, PersistentState state)
{
    auto core = std::make_unique<RaftCore>(configOf(id), std::move(state), id.value);
    if (core->hasReady()) {
        core->takeReady();
        core->advance();
    }
    return core;
}

bool containsType(const Messages &messages, MessageType type)
{
    return std::any_of(messages.begin(), messages.end(), [type](const Message &m) { return m.type == type; });
}

QString describe(const Messages &messages)
{
    QStringList names;
    for (const Message &m : messages)
        names << QStringLiteral("%1->%2 %3 t%4")
                     .arg(m.from.value)
                     .arg(m.to.value)
                     .arg(name(m.type))
                     .arg(m.term.value);
    return QLatin1Char('[') + names.join(QLatin1String(", ")) + QLatin1Char(']');
}

// What a core in the Ready `ready` says may leave now must be safe if the node crashes right after
// sending it, with only what was durable before this Ready: no vote, no acknowledgement, no term newer
// than the durable one.
void verifySafeToSendNow(const Ready &ready, Term durableTerm)
{
    for (const Message &message : ready.messages) {
        const QString what = describe({message});
        QVERIFY2(!mustWaitForPersistence(message), qPrintable(what + QStringLiteral(" promises durability")));
        const bool asksAboutNextTerm = message.type == MessageType::PreVote ||
            (message.type == MessageType::PreVoteResponse && message.granted);
        QVERIFY2(asksAboutNextTerm || message.term <= durableTerm,
                 qPrintable(what + QStringLiteral(" speaks for a term not yet durable")));
    }
}

} // namespace

class TestReady : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Classification.
    void followerAppendAckWaits();
    void grantedVoteWaitsEvenWhenRepeated();
    void leaderAppendsInStableTermLeaveNow();
    void nothingProducedAfterTermChangeLeavesNow();
    void candidateRequestsWait();
    void answersThatClaimNothingLeaveNow();
    void messagesToOnePeerKeepTheirOrder();
    void acknowledgementsInOneReadyMerge();
    void snapshotInstallMakesEverythingWait();
    // While a Ready persists.
    void leaderSendsProposalsWhileItsDiskIsBusy();
    void nothingLeavesEarlyWhileNewTermIsOnItsWay();
    void answerDoesNotOvertakeAcknowledgementInFlight();

    void committedEntriesAreHandedOutWhileTheNextReadyPersists();
    void twoFollowersCommitAnEntryWhileTheLeadersOwnWriteRuns();
    void commitOnlyAppendsLeaveAtOnceByDefault();
    void commitNoticeWaitsForTheNextAppendOrTick();
    // A disk that failed.
    void haltedLeaderStepsDownForGood();
    void haltFailsPendingReads();
};

void TestReady::followerAppendAckWaits()
{
    // Reference: §5.3, thesis §3.8 — a follower's acknowledgement counts towards commit, so the entries
    // must be durable before it leaves.
    auto follower = restored(n2, restoredState(1, entriesWithTerms({1}), n1));
    follower->step(appendEntries(1, 2, 1, 1, 1, entriesWithTerms({1, 1}, 2), 1));
    const Ready ready = follower->takeReady();
    QVERIFY(!ready.hardState);
    QCOMPARE(ready.entries.size(), std::size_t(2));
    QVERIFY2(!containsType(ready.messages, MessageType::AppendEntriesResponse),
             qPrintable(describe(ready.messages)));
    QVERIFY2(containsType(ready.messagesAfterPersist, MessageType::AppendEntriesResponse),
             qPrintable(describe(ready.messagesAfterPersist)));
    verifySafeToSendNow(ready, Term(1));
    follower->advance();
}

void TestReady::grantedVoteWaitsEvenWhenRepeated()
{
    // Reference: §5.2, thesis §3.8 — "each server will vote for at most one candidate in a given term";
    // the vote must survive a crash, so it is durable before the grant leaves.
    auto voter = restored(n2, restoredState(1));
    voter->step(voteRequest(MessageType::RequestVote, 3, 2, 1));
    Ready first = voter->takeReady();
    QVERIFY(first.hardState && first.hardState->votedFor == n3);
    QVERIFY2(first.messages.empty(), qPrintable(describe(first.messages)));
    QVERIFY(containsType(first.messagesAfterPersist, MessageType::RequestVoteResponse));
    voter->advance();

    // The same candidate asks again (its first answer was lost): no new hard state, and still the grant
    // is a promise that waits for this Ready's persistence.
    voter->step(voteRequest(MessageType::RequestVote, 3, 2, 1));
    const Ready again = voter->takeReady();
    QVERIFY(!again.hardState);
    QVERIFY2(again.messages.empty(), qPrintable(describe(again.messages)));
    QCOMPARE(again.messagesAfterPersist.size(), std::size_t(1));
    QVERIFY(again.messagesAfterPersist.front().granted);
    voter->advance();
}

void TestReady::leaderAppendsInStableTermLeaveNow()
{
    // Reference: thesis §10.2.1 — "the leader can write to its disk in parallel with replicating to its
    // followers"; its own log counts towards commit only after advance().
    CoreCluster c(options(3));
    c.electByHand(n1);
    RaftCore &leader = c.core(n1);
    QCOMPARE(name(leader.role()), name(Role::Leader));
    leader.propose("x");
    const Ready ready = leader.takeReady();
    QCOMPARE(ready.entries.size(), std::size_t(1));
    QCOMPARE(ready.messages.size(), std::size_t(2));
    QVERIFY2(std::all_of(ready.messages.begin(), ready.messages.end(),
                         [](const Message &m) { return m.type == MessageType::AppendEntries; }),
             qPrintable(describe(ready.messages)));
    QVERIFY2(ready.messagesAfterPersist.empty(), qPrintable(describe(ready.messagesAfterPersist)));
    verifySafeToSendNow(ready, leader.term());
    leader.advance();

    leader.tick(); // heartbeat interval: one tick
    const Ready heartbeat = leader.takeReady();
    QVERIFY(containsType(heartbeat.messages, MessageType::Heartbeat));
    QVERIFY(heartbeat.messagesAfterPersist.empty());
    leader.advance();
}

void TestReady::nothingProducedAfterTermChangeLeavesNow()
{
    // Reference: §5.1, Figure 2 — currentTerm is persistent state: a node speaks for a term only once it
    // is durable. Heartbeats sent before the change carry the old, durable term and may still leave.
    CoreCluster c(options(3));
    c.electByHand(n1);
    RaftCore &leader = c.core(n1);
    const Term old = leader.term();
    leader.tick();
    leader.step(heartbeat(3, 1, old.value + 1));
    const Ready ready = leader.takeReady();
    QCOMPARE(name(leader.role()), name(Role::Follower));
    QVERIFY(ready.hardState && ready.hardState->term == old.next());
    verifySafeToSendNow(ready, old);
    for (const Message &message : ready.messages)
        QCOMPARE(message.term, old);
    QVERIFY2(containsType(ready.messagesAfterPersist, MessageType::HeartbeatResponse),
             qPrintable(describe(ready.messagesAfterPersist)));
    leader.advance();

    // A follower that learns a newer term from a leader's append: its answer waits, whatever it says.
    auto follower = restored(n2, restoredState(1, entriesWithTerms({1})));
    follower->step(appendEntries(3, 2, 2, 5, 2)); // a gap: rejected
    const Ready rejected = follower->takeReady();
    QVERIFY(rejected.hardState);
    QVERIFY2(rejected.messages.empty(), qPrintable(describe(rejected.messages)));
    QCOMPARE(rejected.messagesAfterPersist.size(), std::size_t(1));
    QVERIFY(!rejected.messagesAfterPersist.front().success);
    follower->advance();
}

void TestReady::candidateRequestsWait()
{
    // Reference: §5.2 — a candidate votes for itself; that vote is durable before RequestVote leaves.
    auto candidate = restored(n1, restoredState(3));
    candidate->campaignNow();
    const Ready ready = candidate->takeReady();
    QVERIFY(ready.hardState && ready.hardState->votedFor == n1);
    QVERIFY2(ready.messages.empty(), qPrintable(describe(ready.messages)));
    QCOMPARE(ready.messagesAfterPersist.size(), std::size_t(2));
    candidate->advance();
}

void TestReady::answersThatClaimNothingLeaveNow()
{
    // A rejection, a refused vote and a heartbeat answer promise nothing durable: in a term that is
    // already durable they need not wait for the disk.
    auto follower = restored(n2, restoredState(2, entriesWithTerms({1, 2}), n1));
    follower->step(appendEntries(1, 2, 2, 7, 2)); // the leader probes beyond our log
    follower->step(voteRequest(MessageType::RequestVote, 3, 2, 2, 9, 2)); // already voted for 1
    follower->step(heartbeat(1, 2, 2));
    const Ready ready = follower->takeReady();
    QVERIFY(!ready.needsPersistence());
    QVERIFY2(ready.messagesAfterPersist.empty(), qPrintable(describe(ready.messagesAfterPersist)));
    QCOMPARE(ready.messages.size(), std::size_t(3));
    verifySafeToSendNow(ready, Term(2));
    follower->advance();
}

void TestReady::messagesToOnePeerKeepTheirOrder()
{
    // A heartbeat answer must not overtake the acknowledgement before it: the leader takes a follower
    // that answers heartbeats but not appends as having lost them.
    auto follower = restored(n2, restoredState(1, entriesWithTerms({1}), n1));
    follower->step(appendEntries(1, 2, 1, 1, 1, entriesWithTerms({1}, 2), 1));
    follower->step(heartbeat(1, 2, 1, 1));
    follower->step(voteRequest(MessageType::RequestVote, 3, 2, 1)); // refused: it voted for node 1
    const Ready ready = follower->takeReady();
    QCOMPARE(ready.messagesAfterPersist.size(), std::size_t(2));
    QCOMPARE(name(ready.messagesAfterPersist[0].type), name(MessageType::AppendEntriesResponse));
    QCOMPARE(name(ready.messagesAfterPersist[1].type), name(MessageType::HeartbeatResponse));
    // Another peer's answer does not wait for them.
    QCOMPARE(ready.messages.size(), std::size_t(1));
    QCOMPARE(ready.messages.front().to, n3);
    follower->advance();
}

void TestReady::acknowledgementsInOneReadyMerge()
{
    // Appends that arrived while the last Ready was persisting are acknowledged by one message: the
    // leader's bookkeeping (match, in-flight window, commit) only moves forward with the highest index.
    auto follower = restored(n2, restoredState(1, entriesWithTerms({1}), n1));
    follower->step(appendEntries(1, 2, 1, 1, 1, entriesWithTerms({1}, 2), 1));
    follower->step(appendEntries(1, 2, 1, 2, 1, entriesWithTerms({1, 1}, 3), 1));
    follower->step(appendEntries(1, 2, 1, 2, 1, entriesWithTerms({1}, 3), 1)); // a late duplicate
    Ready ready = follower->takeReady();
    QCOMPARE(ready.entries.size(), std::size_t(3));
    QVERIFY2(ready.messagesAfterPersist.size() == 1, qPrintable(describe(ready.messagesAfterPersist)));
    QVERIFY(ready.messagesAfterPersist.front().success);
    QCOMPARE(ready.messagesAfterPersist.front().matchIndex, LogIndex(4));
    follower->advance();

    // Only neighbours merge: an answer of another kind between them keeps both, in their order; so does a
    // rejection, which is never folded into a success.
    follower->step(appendEntries(1, 2, 1, 4, 1, entriesWithTerms({1}, 5), 1));
    follower->step(heartbeat(1, 2, 1, 1));
    follower->step(appendEntries(1, 2, 1, 5, 1, entriesWithTerms({1}, 6), 1));
    follower->step(appendEntries(1, 2, 1, 9, 1, entriesWithTerms({1}, 10), 1)); // a gap: rejected
    follower->step(appendEntries(1, 2, 1, 6, 1, entriesWithTerms({1}, 7), 1));
    ready = follower->takeReady();
    QStringList seen;
    for (const Message &m : ready.messagesAfterPersist)
        seen << QStringLiteral("%1%2:%3")
                    .arg(name(m.type))
                    .arg(m.type != MessageType::AppendEntriesResponse ? QString()
                             : m.success                              ? QStringLiteral("+")
                                                                      : QStringLiteral("-"))
                    .arg(m.success ? m.matchIndex.value : m.rejectedIndex.value);
    QCOMPARE(seen.join(QLatin1Char(' ')),
             QStringLiteral("AppendEntriesResponse+:5 HeartbeatResponse:0 AppendEntriesResponse+:6 "
                            "AppendEntriesResponse-:9 AppendEntriesResponse+:7"));
    follower->advance();

    // An acknowledgement to a new leader, in a new term, is its own message.
    follower->step(appendEntries(1, 2, 1, 7, 1, entriesWithTerms({1}, 8), 1));
    follower->step(appendEntries(3, 2, 2, 8, 1, entriesWithTerms({2}, 9), 1));
    ready = follower->takeReady();
    QVERIFY2(ready.messagesAfterPersist.size() == 2, qPrintable(describe(ready.messagesAfterPersist)));
    QCOMPARE(ready.messagesAfterPersist[0].to, n1);
    QCOMPARE(ready.messagesAfterPersist[0].matchIndex, LogIndex(8));
    QCOMPARE(ready.messagesAfterPersist[1].to, n3);
    QCOMPARE(ready.messagesAfterPersist[1].term, Term(2));
    follower->advance();
}

void TestReady::snapshotInstallMakesEverythingWait()
{
    // Reference: §7 — a snapshot from the leader replaces the log; answers after it speak for state that
    // is not yet durable.
    auto follower = restored(n2, restoredState(1, {}, n1));
    Message chunk{.type = MessageType::InstallSnapshot,
                  .from = n1,
                  .to = n2,
                  .term = Term(1),
                  .snapshot = SnapshotMeta{LogIndex(5), Term(1)},
                  .snapshotTotalBytes = 4,
                  .snapshotChecksum = crc32c("data", 4),
                  .snapshotChunk = "data",
                  .snapshotDone = true};
    follower->step(chunk);
    // The owner checks the snapshot first (ready.h, step 6); only an installed one is persisted.
    Ready received = follower->takeReady();
    QVERIFY(received.receivedSnapshot);
    QVERIFY(!containsType(received.messages, MessageType::InstallSnapshotResponse));
    QVERIFY(!containsType(received.messagesAfterPersist, MessageType::InstallSnapshotResponse));
    follower->advance();
    follower->installSnapshot(received.receivedSnapshot->snapshot.meta);
    follower->step(heartbeat(1, 2, 1, 5));
    follower->step(voteRequest(MessageType::PreVote, 3, 2, 2, 5, 1));
    const Ready ready = follower->takeReady();
    QVERIFY(ready.snapshot);
    QVERIFY2(ready.messages.empty(), qPrintable(describe(ready.messages)));
    QCOMPARE(ready.messagesAfterPersist.size(), std::size_t(3));
    follower->advance();
}

void TestReady::leaderSendsProposalsWhileItsDiskIsBusy()
{
    CoreCluster c(options(3));
    c.electByHand(n1);
    RaftCore &leader = c.core(n1);
    leader.propose("a");
    Ready persisting = leader.takeReady(); // on its way to disk
    QCOMPARE(persisting.messages.size(), std::size_t(2));
    leader.propose("b");
    leader.propose("c");
    const Messages early = leader.takeMessagesToSendNow();
    QCOMPARE(early.size(), std::size_t(2)); // one append per follower for both proposals
    for (const Message &append : early) {
        QCOMPARE(name(append.type), name(MessageType::AppendEntries));
        QCOMPARE(append.entries.size(), std::size_t(2));
    }
    QVERIFY2(leader.log().commitIndex() < leader.log().lastIndex(), "nothing commits before advance()");
    leader.advance();
    const Ready next = leader.takeReady();
    QCOMPARE(next.entries.size(), std::size_t(2));
    QVERIFY2(next.messages.empty() && next.messagesAfterPersist.empty(), "nothing is sent twice");
    leader.advance();
}

void TestReady::nothingLeavesEarlyWhileNewTermIsOnItsWay()
{
    // A voter on its way to a new term keeps everything for after that term is durable.
    auto voter = restored(n2, restoredState(1));
    voter->step(voteRequest(MessageType::RequestVote, 3, 2, 2));
    const Ready vote = voter->takeReady(); // term 2 and the vote, on their way to disk
    QVERIFY(vote.hardState);
    voter->step(voteRequest(MessageType::PreVote, 1, 2, 3));
    voter->tick();
    QVERIFY2(voter->takeMessagesToSendNow().empty(), "nothing leaves before the new term is durable");
    voter->advance();
    const Ready after = voter->takeReady();
    QVERIFY(containsType(after.messagesAfterPersist, MessageType::PreVoteResponse));
    voter->advance();
}

void TestReady::answerDoesNotOvertakeAcknowledgementInFlight()
{
    auto follower = restored(n2, restoredState(1, entriesWithTerms({1}), n1));
    follower->step(appendEntries(1, 2, 1, 1, 1, entriesWithTerms({1}, 2), 1));
    const Ready persisting = follower->takeReady(); // the acknowledgement waits for this Ready
    QVERIFY(containsType(persisting.messagesAfterPersist, MessageType::AppendEntriesResponse));
    follower->step(heartbeat(1, 2, 1, 1));
    QVERIFY2(follower->takeMessagesToSendNow().empty(),
             "the heartbeat answer waits behind the acknowledgement");
    follower->advance();
    const Ready next = follower->takeReady();
    QVERIFY(containsType(next.messagesAfterPersist, MessageType::HeartbeatResponse));
    follower->advance();
    // Once the acknowledgement left, answers to the leader leave at once again.
    follower->step(heartbeat(1, 2, 1, 1));
    QCOMPARE(follower->takeMessagesToSendNow().size(), std::size_t(1));
}

namespace {

Message appendAck(NodeId from, const RaftCore &leader, LogIndex match)
{
    Message ack;
    ack.type = MessageType::AppendEntriesResponse;
    ack.from = from;
    ack.to = leader.id();
    ack.term = leader.term();
    ack.success = true;
    ack.matchIndex = match;
    return ack;
}

QList<std::uint64_t> indicesOf(const Entries &entries)
{
    QList<std::uint64_t> indices;
    for (const Entry &entry : entries)
        indices << entry.index.value;
    return indices;
}

} // namespace

void TestReady::committedEntriesAreHandedOutWhileTheNextReadyPersists()
{
    CoreCluster c(options(3));
    c.electByHand(n1);
    RaftCore &leader = c.core(n1);
    leader.propose("a");
    const LogIndex a = leader.log().lastIndex();
    leader.takeReady();
    leader.advance(); // "a" is durable on the leader
    leader.propose("b");
    const LogIndex b = leader.log().lastIndex();
    leader.takeReady(); // "b" on its way to disk
    leader.step(appendAck(n2, leader, a));
    QCOMPARE(leader.log().commitIndex(), a);
    QCOMPARE(indicesOf(leader.takeNewlyCommitted()), QList<std::uint64_t>{a.value});
    QVERIFY2(leader.takeNewlyCommitted().empty(), "an entry is handed out once");
    leader.advance();
    leader.step(appendAck(n2, leader, b));
    const Ready next = leader.takeReady();
    QCOMPARE(indicesOf(next.committed), QList<std::uint64_t>{b.value}); // "a" is not handed out again
    leader.advance();
}

void TestReady::twoFollowersCommitAnEntryWhileTheLeadersOwnWriteRuns()
{
    // Reference: §5.3, "A log entry is committed once the leader that created the entry has replicated it
    // on a majority of the servers"; thesis §10.2.1, the leader's own disk write runs in parallel with the
    // followers'. Both followers make "b" durable and acknowledge it before the leader's own write of it
    // returns: "b" is on a majority's disks, so the leader applies it (and answers its write) now.
    CoreCluster c(options(3));
    c.electByHand(n1);
    RaftCore &leader = c.core(n1);
    leader.propose("b");
    const LogIndex b = leader.log().lastIndex();
    const Ready writing = leader.takeReady(); // "b" on its way to the leader's disk
    QCOMPARE(writing.entries.size(), std::size_t(1));
    QCOMPARE(writing.messages.size(), std::size_t(2)); // the appends leave before the leader's write
    leader.step(appendAck(n2, leader, b));
    leader.step(appendAck(n3, leader, b));
    QCOMPARE(leader.log().commitIndex(), b);
    QVERIFY2(leader.log().durableIndex() < b, "the leader's own write of \"b\" has not returned yet");
    QCOMPARE(indicesOf(leader.takeNewlyCommitted()), QList<std::uint64_t>{b.value});
    QVERIFY2(leader.takeNewlyCommitted().empty(), "an entry is handed out once");
    leader.advance();
    QVERIFY2(leader.takeReady().committed.empty(), "\"b\" is not handed out again");
    leader.advance();
}

namespace {

// Proposes `command` at the leader and delivers its appends and their acknowledgements: the entry is
// committed at the leader. Returns what the leader sent in answer to the acknowledgements.
Messages replicateOne(CoreCluster &c, NodeId leader, const QByteArray &command)
{
    const Messages appends = c.propose(leader, command).messages;
    Messages answers;
    for (const Message &append : appends) {
        const Messages acks = c.step(append).messages;
        for (const Message &ack : acks) {
            const Messages more = c.step(ack).messages;
            answers.insert(answers.end(), more.begin(), more.end());
        }
    }
    return answers;
}

std::size_t commitOnlyAppends(const Messages &messages, LogIndex commit)
{
    return static_cast<std::size_t>(
        std::count_if(messages.begin(), messages.end(), [commit](const Message &m) {
            return m.type == MessageType::AppendEntries && m.entries.empty() && m.commitIndex == commit;
        }));
}

} // namespace

void TestReady::commitOnlyAppendsLeaveAtOnceByDefault()
{
    // The paper's leader tells every follower the new commit index as soon as it advances (§5.3: "the
    // leader ... includes that index in future AppendEntries RPCs").
    CoreCluster c(options(3));
    c.post(c.campaign(n1).messages);
    c.stabilize();
    const Messages answers = replicateOne(c, n1, "a");
    const LogIndex commit = c.core(n1).log().commitIndex();
    QCOMPARE(c.core(n1).log().lastIndex(), commit);
    QVERIFY2(commitOnlyAppends(answers, commit) >= 2, qPrintable(describe(answers)));
}

void TestReady::commitNoticeWaitsForTheNextAppendOrTick()
{
    // CommitNotice::NextTick: no commit-only append right after the commit; the next proposal's appends
    // carry the index, and a tick tells followers that got none.
    ClusterOptions nextTick = options(3);
    nextTick.commitNotice = CoreConfig::CommitNotice::NextTick;
    nextTick.heartbeatTicks = 5; // the tick below is not a heartbeat round
    CoreCluster c(nextTick);
    c.post(c.campaign(n1).messages);
    c.stabilize();
    Messages answers = replicateOne(c, n1, "a");
    const LogIndex a = c.core(n1).log().commitIndex();
    QCOMPARE(c.core(n1).log().lastIndex(), a);
    QVERIFY2(commitOnlyAppends(answers, a) == 0, qPrintable(describe(answers)));
    QVERIFY2(c.core(n2).log().commitIndex() < a, "the followers do not know yet");

    const Messages appends = c.propose(n1, "b").messages;
    QCOMPARE(appends.size(), std::size_t(2));
    for (const Message &append : appends) {
        QCOMPARE(append.entries.size(), std::size_t(1));
        QCOMPARE(append.commitIndex, a); // the next append carries it
    }
    for (const Message &append : appends)
        c.step(append); // the acknowledgements are lost
    QCOMPARE(c.core(n2).log().commitIndex(), a);

    // "b" commits by n2's acknowledgement alone; nobody proposes again: the tick tells both followers.
    const Message ack = acceptReply(appends.front());
    QVERIFY(commitOnlyAppends(c.step(ack).messages, c.core(n1).log().commitIndex()) == 0);
    const LogIndex b = c.core(n1).log().commitIndex();
    QCOMPARE(b, a.next());
    QVERIFY2(c.core(n1).ticksUntilTimer() == 1, "the next tick acts: a simulator may not skip it");
    const Messages notices = c.tick(n1).messages;
    QVERIFY2(commitOnlyAppends(notices, b) == 2, qPrintable(describe(notices)));
    c.stepAll(notices);
    QCOMPARE(c.core(n2).log().commitIndex(), b);
    QCOMPARE(c.core(n3).log().commitIndex(), b);
}

void TestReady::haltedLeaderStepsDownForGood()
{
    // A leader whose disk fails must stop leading: it can no longer make its entries durable, and clients
    // and peers must not be told it leads.
    CoreCluster c(options(3));
    c.electByHand(n1);
    RaftCore &leader = c.core(n1);
    const Term term = leader.term();
    leader.propose("x");
    leader.takeReady(); // the write that fails: advance() never comes
    const Ready last = leader.halt();
    QVERIFY(leader.isHalted());
    QCOMPARE(name(leader.role()), name(Role::Follower));
    QCOMPARE(leader.term(), term);
    QCOMPARE(leader.leader(), NodeId{});
    QVERIFY(!last.needsPersistence() && last.messages.empty() && last.messagesAfterPersist.empty());
    QVERIFY2(std::any_of(last.events.begin(), last.events.end(),
                         [](const Event &e) {
                             return e.type == EventType::RoleChanged && e.reason == Reason::StorageFailed;
                         }),
             "the step-down is told as an event");
    // It never campaigns, votes, answers or takes requests again.
    for (int i = 0; i < 100; ++i)
        leader.tick();
    leader.campaignNow();
    leader.step(voteRequest(MessageType::RequestVote, 2, 1, term.value + 1, 100, term.value));
    leader.step(appendEntries(2, 1, term.value + 1, 0, 0));
    QCOMPARE(name(leader.role()), name(Role::Follower));
    QCOMPARE(leader.term(), term);
    QVERIFY2(!leader.hasReady(), "a halted core has nothing to say");
    QCOMPARE(leader.propose("y").status, ProposeResult::Status::NotLeader);
    QCOMPARE(leader.readIndex(9).status, ReadIndexResult::Status::NotLeader);
    QCOMPARE(leader.transferLeadership(n2).status, TransferResult::Status::NotLeader);
}

void TestReady::haltFailsPendingReads()
{
    CoreCluster c(options(3));
    c.electByHand(n1);
    RaftCore &leader = c.core(n1);
    QCOMPARE(leader.readIndex(7).status, ReadIndexResult::Status::Accepted);
    const Ready last = leader.halt();
    QCOMPARE(last.failedReads, std::vector<std::uint64_t>{7});
    QVERIFY(last.reads.empty());
}

QTEST_GUILESS_MAIN(TestReady)
#include "tst_ready.moc"
