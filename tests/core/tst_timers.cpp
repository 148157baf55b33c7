// RaftCore::ticksUntilTimer(): the ticks before the count decide nothing, the tick at the count is the
// first that may. Owners rely on it to sleep between the ticks at which something is due (the node's tick
// timer, the simulator), so it must hold for every role and every timer a role runs.
#include "corecluster.h"

using namespace raftlab;
using namespace raftlab::test;

namespace {

constexpr NodeId n1(1);
constexpr NodeId n2(2);
constexpr NodeId n3(3);

bool silent(const Output &output)
{
    return output.messages.empty() && output.events.empty() && output.hardStates.empty() &&
        output.appended.empty() && output.committed.empty();
}

// Ticks `id` up to its next timer: every tick before it must be silent and count down by one. Returns
// what the tick at the count did (it may do nothing visible: a CheckQuorum round that finds a quorum).
Output tickToTimer(CoreCluster &c, NodeId id)
{
    const std::optional<int> ticks = c.core(id).ticksUntilTimer();
    if (!ticks || *ticks < 1) {
        QTest::qFail("no timer to tick to", __FILE__, __LINE__);
        return {};
    }
    for (int i = 1; i < *ticks; ++i) {
        const Output output = c.tick(id);
        if (!silent(output)) {
            QTest::qFail(qPrintable(QStringLiteral("tick %1 of %2 acted").arg(i).arg(*ticks)), __FILE__,
                         __LINE__);
            return output;
        }
        if (c.core(id).ticksUntilTimer() != std::optional<int>(*ticks - i)) {
            QTest::qFail("the count does not go down by one per silent tick", __FILE__, __LINE__);
            return output;
        }
    }
    return c.tick(id);
}

} // namespace

class TestTimers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followerTimesOutAtTheCount_data();
    void followerTimesOutAtTheCount();
    void heardLeaderPushesTheCountBack();
    void candidateRestartsAtTheCount_data();
    void candidateRestartsAtTheCount();
    void leaderHeartbeatsAtTheCount();
    void leaderChecksQuorumAtTheCount();
    void leaderAbortsTransferAtTheCount();
    void haltedNodeHasNoTimer();
    void lostLeaderConnectionCutsTheTimeoutShort();
    void lostConnectionToAnyoneElseChangesNothing();
    void aLateFrameFromTheLostLeaderKeepsTheTimeoutShort();
    void restoredConnectionRestoresAWholeTimeout();
};

void TestTimers::followerTimesOutAtTheCount_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::addColumn<Role>("next");
    QTest::newRow("election") << false << Role::Candidate;
    QTest::newRow("pre-vote") << true << Role::PreCandidate;
}

void TestTimers::followerTimesOutAtTheCount()
{
    QFETCH(bool, preVote);
    QFETCH(Role, next);
    CoreCluster c(ClusterOptions{.preVote = preVote, .electionTicksMin = 10, .electionTicksMax = 20});
    const Output fired = tickToTimer(c, n1);
    QVERIFY(fired.hasEvent(EventType::ElectionTimeout));
    QCOMPARE(name(c.core(n1).role()), name(next));
}

void TestTimers::heardLeaderPushesTheCountBack()
{
    CoreCluster c(ClusterOptions{.heartbeatTicks = 3, .electionTicksMin = 10, .electionTicksMax = 20});
    c.electByHand(n1);
    c.tick(n2, 4);
    const int before = *c.core(n2).ticksUntilTimer();
    c.step(heartbeat(1, 2, c.core(n1).term().value));
    QVERIFY(*c.core(n2).ticksUntilTimer() > before);
    const Output fired = tickToTimer(c, n2);
    QVERIFY(fired.hasEvent(EventType::ElectionTimeout));
}

void TestTimers::candidateRestartsAtTheCount_data()
{
    followerTimesOutAtTheCount_data();
}

void TestTimers::candidateRestartsAtTheCount()
{
    QFETCH(bool, preVote);
    QFETCH(Role, next);
    CoreCluster c(ClusterOptions{.preVote = preVote, .electionTicksMin = 10, .electionTicksMax = 20});
    c.campaign(n1); // nobody answers
    QCOMPARE(name(c.core(n1).role()), name(next));
    const Term term = c.core(n1).term();
    const Output fired = tickToTimer(c, n1);
    QVERIFY(fired.hasEvent(EventType::ElectionTimeout));
    QVERIFY(!fired.messages.empty()); // a new round of requests
    QCOMPARE(name(c.core(n1).role()), name(next));
    if (!preVote)
        QCOMPARE(c.core(n1).term(), term.next());
}

void TestTimers::leaderHeartbeatsAtTheCount()
{
    CoreCluster c(ClusterOptions{.heartbeatTicks = 3, .electionTicksMin = 10, .electionTicksMax = 20});
    c.electByHand(n1);
    for (int round = 0; round < 5; ++round) {
        const Output fired = tickToTimer(c, n1);
        QCOMPARE(fired.ofType(MessageType::Heartbeat).size(), std::size_t(2));
        for (const Message &beat : fired.ofType(MessageType::Heartbeat))
            c.step(acceptReply(beat));
    }
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
}

void TestTimers::leaderChecksQuorumAtTheCount()
{
    // The heartbeat rounds (every 3 ticks) and the CheckQuorum rounds (every 10) interleave; the leader
    // hears nobody after its election, so the second CheckQuorum round deposes it (the first still counts
    // the votes and acknowledgements of the election), at a tick the count named.
    CoreCluster c(ClusterOptions{
        .checkQuorum = true, .heartbeatTicks = 3, .electionTicksMin = 10, .electionTicksMax = 20});
    c.electByHand(n1);
    int timers = 0;
    int ticks = 0;
    while (c.core(n1).role() == Role::Leader) {
        QVERIFY2(++timers < 10, "CheckQuorum never fired");
        ticks += *c.core(n1).ticksUntilTimer();
        tickToTimer(c, n1);
        if (QTest::currentTestFailed())
            return;
    }
    QCOMPARE(name(c.core(n1).role()), name(Role::Follower));
    QCOMPARE(ticks, 20);
}

void TestTimers::leaderAbortsTransferAtTheCount()
{
    CoreCluster c(ClusterOptions{.heartbeatTicks = 3, .electionTicksMin = 10, .electionTicksMax = 20});
    c.electByHand(n1);
    QVERIFY(c.core(n1).transferLeadership(n3).status == TransferResult::Status::Started);
    c.process(n1); // n3 never answers
    int timers = 0;
    bool aborted = false;
    while (!aborted) {
        QVERIFY2(++timers < 10, "the transfer never timed out");
        const Output fired = tickToTimer(c, n1);
        if (QTest::currentTestFailed())
            return;
        aborted = std::any_of(fired.events.begin(), fired.events.end(),
                              [](const Event &e) { return e.reason == Reason::TransferTimedOut; });
    }
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
}

void TestTimers::haltedNodeHasNoTimer()
{
    CoreCluster c(ClusterOptions{});
    c.core(n2).halt();
    QVERIFY(!c.core(n2).ticksUntilTimer());
}

namespace {

// Timing for the tests of RaftCore::peerConnectionLost(): a follower that loses its leader's connection
// times out within [10, 10 + max(3, 80 / 4)] = [10, 30] ticks of last hearing it, instead of [10, 90).
ClusterOptions lostLeaderTiming(std::uint64_t seed)
{
    return ClusterOptions{.preVote = true,
                          .checkQuorum = true,
                          .heartbeatTicks = 3,
                          .electionTicksMin = 10,
                          .electionTicksMax = 90,
                          .seed = seed};
}

// n1 leads, and n2 heard it `ticksAgo` ticks ago.
void followerHeardLeader(CoreCluster &c, int ticksAgo)
{
    c.electByHand(n1);
    c.step(heartbeat(1, 2, c.core(n1).term().value));
    c.tick(n2, ticksAgo);
}

} // namespace

void TestTimers::lostLeaderConnectionCutsTheTimeoutShort()
{
    int shortened = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        CoreCluster c(lostLeaderTiming(seed));
        followerHeardLeader(c, 4);
        const int before = *c.core(n2).ticksUntilTimer();
        c.core(n2).peerConnectionLost(n1);
        const Output output = c.process(n2);
        const int after = *c.core(n2).ticksUntilTimer();
        QVERIFY2(after <= before, "a lost connection never lengthens the wait");
        QVERIFY2(4 + after >= 10 && 4 + after <= 30,
                 qPrintable(QStringLiteral("seed %1: times out %2 ticks after hearing the leader")
                                .arg(seed)
                                .arg(4 + after)));
        // Said either way, with the ticks left.
        const auto said = std::find_if(output.events.begin(), output.events.end(), [](const Event &e) {
            return e.type == EventType::LeaderConnectionLost;
        });
        QVERIFY(said != output.events.end());
        QCOMPARE(said->peer, n1);
        QCOMPARE(said->ticks, after);
        if (after == before) {
            QVERIFY(!output.hasEvent(EventType::TimerReset)); // the timer runs on as it was
            continue;
        }
        ++shortened;
        const auto timer = std::find_if(output.events.begin(), output.events.end(),
                                        [](const Event &e) { return e.type == EventType::TimerReset; });
        QVERIFY(timer != output.events.end());
        QCOMPARE(timer->ticks, after); // what the node publishes as the timer's new deadline
        QCOMPARE(name(c.core(n2).role()), name(Role::Follower));
        QCOMPARE(c.core(n2).leader(), n1); // the lease still holds until the timer fires
        const Output fired = tickToTimer(c, n2);
        QVERIFY(fired.hasEvent(EventType::ElectionTimeout));
        QCOMPARE(name(c.core(n2).role()), name(Role::PreCandidate));
    }
    // Drawn from [10, 90), a timeout is over 30 ticks three times in four: most seeds must have been cut.
    QVERIFY2(shortened >= 20, qPrintable(QStringLiteral("only %1 of 40 shortened").arg(shortened)));
}

void TestTimers::lostConnectionToAnyoneElseChangesNothing()
{
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        CoreCluster c(lostLeaderTiming(seed));
        followerHeardLeader(c, 4);
        const std::optional<int> before = c.core(n2).ticksUntilTimer();
        c.core(n2).peerConnectionLost(n3); // another follower
        QVERIFY(silent(c.process(n2)));
        QCOMPARE(c.core(n2).ticksUntilTimer(), before);

        const std::optional<int> leaderBefore = c.core(n1).ticksUntilTimer();
        c.core(n1).peerConnectionLost(n2); // a leader losing a follower waits for CheckQuorum as before
        QVERIFY(silent(c.process(n1)));
        QCOMPARE(c.core(n1).ticksUntilTimer(), leaderBefore);

        c.campaign(n3); // a pre-candidate knows no leader: nothing to cut short
        const std::optional<int> candidateBefore = c.core(n3).ticksUntilTimer();
        c.core(n3).peerConnectionLost(n1);
        QVERIFY(silent(c.process(n3)));
        QCOMPARE(c.core(n3).ticksUntilTimer(), candidateBefore);
    }
}

void TestTimers::aLateFrameFromTheLostLeaderKeepsTheTimeoutShort()
{
    // A heartbeat the leader sent just before it stopped may be read after its connection's close: it
    // counts as hearing the leader, but must not bring back a whole randomized timeout.
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        CoreCluster c(lostLeaderTiming(seed));
        followerHeardLeader(c, 4);
        c.core(n2).peerConnectionLost(n1);
        c.process(n2);
        c.step(heartbeat(1, 2, c.core(n1).term().value));
        const int after = *c.core(n2).ticksUntilTimer();
        QVERIFY2(after >= 10 && after <= 30,
                 qPrintable(QStringLiteral("seed %1: %2 ticks").arg(seed).arg(after)));
    }
}

void TestTimers::restoredConnectionRestoresAWholeTimeout()
{
    // The connection dropped but the leader lives (it came back): the follower must wait a whole
    // randomized timeout again, or every later failover would be a short one.
    int longAgain = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        CoreCluster c(lostLeaderTiming(seed));
        followerHeardLeader(c, 4);
        c.core(n2).peerConnectionLost(n1);
        c.process(n2);
        const int cut = *c.core(n2).ticksUntilTimer();
        c.core(n2).peerConnectionRestored(n3); // not its leader: nothing changes
        QVERIFY(silent(c.process(n2)));
        QCOMPARE(*c.core(n2).ticksUntilTimer(), cut);
        c.core(n2).peerConnectionRestored(n1);
        c.process(n2);
        const int after = *c.core(n2).ticksUntilTimer();
        QVERIFY(4 + after >= 10 && 4 + after < 90); // still counted from the last heartbeat
        longAgain += 4 + after > 30 ? 1 : 0;
        c.step(heartbeat(1, 2, c.core(n1).term().value));
        QVERIFY(*c.core(n2).ticksUntilTimer() >= 10);
    }
    QVERIFY2(longAgain >= 20,
             qPrintable(QStringLiteral("only %1 of 40 drew beyond 30 ticks").arg(longAgain)));
}

QTEST_GUILESS_MAIN(TestTimers)
#include "tst_timers.moc"
