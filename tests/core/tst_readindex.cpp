// ReadIndex on the leader (thesis §6.4): a read is released once a majority acknowledged a heartbeat round
// that began after it arrived, at the commit index of that round's start. One round at a time: the reads
// that arrive while it is in flight wait, and share the next one.
#include "corecluster.h"

using namespace raftlab;
using namespace raftlab::test;

namespace {

constexpr NodeId n1(1);

std::vector<std::uint64_t> idsOf(const std::vector<ReadState> &reads)
{
    std::vector<std::uint64_t> ids;
    for (const ReadState &read : reads)
        ids.push_back(read.requestId);
    return ids;
}

Output read(CoreCluster &c, std::uint64_t id)
{
    if (c.core(n1).readIndex(id).status != ReadIndexResult::Status::Accepted)
        QTest::qFail("the leader refused a read", __FILE__, __LINE__);
    return c.process(n1);
}

} // namespace

class TestReadIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aReadWaitsForAMajorityOfItsRound();
    void readsDuringARoundShareTheNextOne();
    void anOlderRoundsAcknowledgementReleasesNothing();
    void manyWaitingReadsAreReleasedInOrder();
    void aNewLeaderHoldsReadsUntilItsEntryCommits();
    void steppingDownFailsEveryPendingRead();
    void aSingleNodeReadsAtOnce();
};

void TestReadIndex::aReadWaitsForAMajorityOfItsRound()
{
    CoreCluster c(ClusterOptions{});
    c.electByHand(n1);
    const LogIndex commit = c.core(n1).log().commitIndex();
    const Output asked = read(c, 1);
    QVERIFY(asked.reads.empty());
    const Messages beats = asked.ofType(MessageType::Heartbeat);
    QCOMPARE(beats.size(), std::size_t(2));
    const Output released = c.step(acceptReply(beats.front()));
    QCOMPARE(idsOf(released.reads), std::vector<std::uint64_t>{1});
    QCOMPARE(released.reads.front().index, commit);
    QVERIFY(c.step(acceptReply(beats.back())).reads.empty()); // released once
}

void TestReadIndex::readsDuringARoundShareTheNextOne()
{
    CoreCluster c(ClusterOptions{});
    c.electByHand(n1);
    const Messages first = read(c, 1).ofType(MessageType::Heartbeat);
    for (std::uint64_t id = 2; id <= 4; ++id)
        QVERIFY2(read(c, id).messages.empty(), "no second round while one is in flight");
    // The first round's acknowledgement releases its read, and starts one round for the three others.
    const Output released = c.step(acceptReply(first.front()));
    QCOMPARE(idsOf(released.reads), std::vector<std::uint64_t>{1});
    const Messages second = released.ofType(MessageType::Heartbeat);
    QCOMPARE(second.size(), std::size_t(2));
    QVERIFY(second.front().readRound > first.front().readRound);
    const Output rest = c.step(acceptReply(second.back()));
    QCOMPARE(idsOf(rest.reads), (std::vector<std::uint64_t>{2, 3, 4}));
}

void TestReadIndex::anOlderRoundsAcknowledgementReleasesNothing()
{
    CoreCluster c(ClusterOptions{});
    c.electByHand(n1);
    const Messages first = read(c, 1).ofType(MessageType::Heartbeat);
    read(c, 2);
    const Messages second = c.step(acceptReply(first.front())).ofType(MessageType::Heartbeat);
    QVERIFY(!second.empty());
    // n3's answer to the first round is late: read 2 arrived after that round began.
    QVERIFY(c.step(acceptReply(first.back())).reads.empty());
    QCOMPARE(idsOf(c.step(acceptReply(second.back())).reads), std::vector<std::uint64_t>{2});
}

void TestReadIndex::manyWaitingReadsAreReleasedInOrder()
{
    CoreCluster c(ClusterOptions{});
    c.electByHand(n1);
    const Messages first = read(c, 1).ofType(MessageType::Heartbeat);
    std::vector<std::uint64_t> waiting;
    for (std::uint64_t id = 2; id <= 2001; ++id) {
        c.core(n1).readIndex(id);
        waiting.push_back(id);
    }
    const Output released = c.step(acceptReply(first.front()));
    QCOMPARE(idsOf(released.reads), std::vector<std::uint64_t>{1});
    const Messages second = released.ofType(MessageType::Heartbeat);
    QCOMPARE(idsOf(c.step(acceptReply(second.front())).reads), waiting);
}

void TestReadIndex::aNewLeaderHoldsReadsUntilItsEntryCommits()
{
    CoreCluster c(ClusterOptions{});
    const Output campaign = c.campaign(n1);
    Output elected;
    for (const Message &request : campaign.ofType(MessageType::RequestVote))
        elected.add(c.step(acceptReply(request)));
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    const Messages appends = elected.ofType(MessageType::AppendEntries);
    QVERIFY(!appends.empty());
    // Its no-op is not committed yet: the read waits, and no round starts for it.
    const Output asked = read(c, 1);
    QVERIFY(asked.reads.empty());
    QVERIFY(asked.ofType(MessageType::Heartbeat).empty());
    // The no-op commits: the round starts, and its first acknowledgement releases the read.
    const Output committed = c.step(acceptReply(appends.front()));
    QVERIFY(committed.reads.empty());
    const Messages beats = committed.ofType(MessageType::Heartbeat);
    QVERIFY(!beats.empty());
    const Output released = c.step(acceptReply(beats.front()));
    QCOMPARE(idsOf(released.reads), std::vector<std::uint64_t>{1});
    QCOMPARE(released.reads.front().index, c.core(n1).log().commitIndex());
}

void TestReadIndex::steppingDownFailsEveryPendingRead()
{
    CoreCluster c(ClusterOptions{});
    c.electByHand(n1);
    read(c, 1); // in the round in flight
    read(c, 2); // waiting for the next
    const Output deposed = c.step(heartbeat(2, 1, c.core(n1).term().value + 1));
    QCOMPARE(name(c.core(n1).role()), name(Role::Follower));
    QCOMPARE(deposed.failedReads, (std::vector<std::uint64_t>{1, 2}));
    QVERIFY(deposed.reads.empty());
}

void TestReadIndex::aSingleNodeReadsAtOnce()
{
    CoreCluster c(ClusterOptions{.size = 1});
    c.campaign(n1);
    c.tick(n1);
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    QCOMPARE(idsOf(read(c, 1).reads), std::vector<std::uint64_t>{1});
    QCOMPARE(idsOf(read(c, 2).reads), std::vector<std::uint64_t>{2});
}

QTEST_GUILESS_MAIN(TestReadIndex)
#include "tst_readindex.moc"
