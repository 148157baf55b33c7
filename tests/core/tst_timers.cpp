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

QTEST_GUILESS_MAIN(TestTimers)
#include "tst_timers.moc"
