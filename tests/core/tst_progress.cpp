// Progress: the leader's view of one follower (etcd's tracker.Progress): probe, replicate, snapshot.

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "core/progress.h"
#include "corecluster.h"
#endif

#include <QTest>

using namespace raftlab;

class TestProgress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsProbing();
    void probePausesUntilAnswered();
    void acknowledgeOnlyGrows();
    void replicateWindow();
    void replicateSendsOptimistically();
    void staleRejectionIgnored_data();
    void staleRejectionIgnored();
    void rejectionNeverGoesBelowMatch();
    void hintBeyondRejectedIsCapped();
    void snapshotThenProbe();
    void snapshotAbandonedResumesAfterIt();
    void checkHoldsThroughTransitions();
    void checkNamesBrokenInvariants();
};

void TestProgress::startsProbing()
{
    const Progress progress(LogIndex(7));
    QVERIFY2(progress.state() == ProgressState::Probe, "a new leader does not know the follower's log");
    QCOMPARE(progress.next(), LogIndex(7));
    QCOMPARE(progress.match(), LogIndex(0));
    QVERIFY2(!progress.isPaused(4), "the first probe may go");
}

void TestProgress::probePausesUntilAnswered()
{
    Progress progress(LogIndex(7));
    progress.sentAppend(LogIndex(6), false);
    QVERIFY2(progress.isPaused(4), "one probe at a time");
    QCOMPARE(progress.next(), LogIndex(7)); // a probe does not move next

    progress.resumeProbe(); // a heartbeat answer: the follower is alive
    QVERIFY2(!progress.isPaused(4), "a heartbeat answer lets the probe go again");

    progress.sentAppend(LogIndex(7), true);
    QVERIFY2(progress.isPaused(4), "paused again after the next probe");
    QVERIFY2(progress.acknowledge(LogIndex(7)), "the answer is news");
    QVERIFY2(!progress.isPaused(4), "an answer that moves match unpauses");
}

void TestProgress::acknowledgeOnlyGrows()
{
    Progress progress(LogIndex(1));
    QVERIFY2(progress.acknowledge(LogIndex(5)), "match grows to 5");
    QCOMPARE(progress.match(), LogIndex(5));
    QCOMPARE(progress.next(), LogIndex(6));
    QVERIFY2(!progress.acknowledge(LogIndex(3)), "an old acknowledgement is no news");
    QCOMPARE(progress.match(), LogIndex(5));
    QCOMPARE(progress.next(), LogIndex(6));
}

void TestProgress::replicateWindow()
{
    Progress progress(LogIndex(1));
    progress.acknowledge(LogIndex(3));
    progress.becomeReplicate();
    QVERIFY2(progress.state() == ProgressState::Replicate, "replicating");
    QCOMPARE(progress.next(), LogIndex(4));

    constexpr int window = 3;
    for (std::uint64_t last = 4; last < 4 + window; ++last) {
        QVERIFY2(!progress.isPaused(window), qPrintable(QStringLiteral("append %1 may go").arg(last)));
        progress.sentAppend(LogIndex(last), true);
    }
    QCOMPARE(progress.inflightCount(), std::size_t(window));
    QVERIFY2(progress.isPaused(window), "the window is full");

    progress.acknowledge(LogIndex(4));
    QCOMPARE(progress.inflightCount(), std::size_t(window - 1));
    QVERIFY2(!progress.isPaused(window), "an acknowledgement frees a slot");
    progress.acknowledge(LogIndex(6)); // acknowledges every append up to 6 at once
    QCOMPARE(progress.inflightCount(), std::size_t(0));
}

void TestProgress::replicateSendsOptimistically()
{
    Progress progress(LogIndex(1));
    progress.acknowledge(LogIndex(2));
    progress.becomeReplicate();
    progress.sentAppend(LogIndex(5), true);
    QCOMPARE(progress.next(), LogIndex(6)); // the next append follows without waiting
    progress.sentAppend(LogIndex(5), false); // an empty append (commit index only) moves nothing
    QCOMPARE(progress.next(), LogIndex(6));
    QCOMPARE(progress.inflightCount(), std::size_t(1));
}

void TestProgress::staleRejectionIgnored_data()
{
    QTest::addColumn<bool>("replicate");
    QTest::addColumn<int>("rejected");
    QTest::addColumn<bool>("counts");
    // Match 5. Replicate: next 9 after appends up to 8. Probe: next 9, the probe's prevLogIndex is 8.
    QTest::newRow("replicate: at match") << true << 5 << false;
    QTest::newRow("replicate: below match") << true << 3 << false;
    QTest::newRow("replicate: beyond match") << true << 7 << true;
    QTest::newRow("probe: the probe's own prevLogIndex") << false << 8 << true;
    QTest::newRow("probe: an older probe") << false << 6 << false;
    QTest::newRow("probe: below match") << false << 4 << false;
}

void TestProgress::staleRejectionIgnored()
{
    QFETCH(bool, replicate);
    QFETCH(int, rejected);
    QFETCH(bool, counts);
    Progress progress(LogIndex(1));
    progress.acknowledge(LogIndex(5));
    if (replicate) {
        progress.becomeReplicate();
        progress.sentAppend(LogIndex(8), true);
    } else {
        progress = Progress(LogIndex(9));
        progress.acknowledge(LogIndex(5));
        progress.sentAppend(LogIndex(8), false);
    }
    const ProgressState state = progress.state();
    const LogIndex next = progress.next();

    QCOMPARE(progress.rejectedAt(LogIndex(std::uint64_t(rejected)), LogIndex(6)), counts);

    QCOMPARE(progress.match(), LogIndex(5));
    if (!counts) {
        QVERIFY2(progress.state() == state, "a stale rejection changes nothing");
        QCOMPARE(progress.next(), next);
    } else {
        QVERIFY2(progress.state() == ProgressState::Probe, "a real rejection means probing");
        QCOMPARE(progress.next(), LogIndex(6)); // the hint, below the rejected index
        QVERIFY2(!progress.isPaused(4), "the retry may go at once");
    }
}

void TestProgress::rejectionNeverGoesBelowMatch()
{
    Progress progress(LogIndex(10));
    progress.acknowledge(LogIndex(4));
    progress.sentAppend(LogIndex(9), false);
    QVERIFY2(progress.next() == LogIndex(10), "probing at 10");
    QVERIFY2(progress.rejectedAt(LogIndex(9), LogIndex(2)), "the probe's rejection counts");
    QCOMPARE(progress.next(), LogIndex(5)); // the hint 2 is below match 4: never retry what matched
}

void TestProgress::hintBeyondRejectedIsCapped()
{
    Progress progress(LogIndex(10));
    progress.sentAppend(LogIndex(9), false);
    QVERIFY2(progress.rejectedAt(LogIndex(9), LogIndex(30)), "the probe's rejection counts");
    QCOMPARE(progress.next(), LogIndex(9)); // a hint past the rejected index is not trusted beyond it
}

void TestProgress::snapshotThenProbe()
{
    Progress progress(LogIndex(1));
    progress.becomeSnapshot(LogIndex(20));
    QVERIFY2(progress.state() == ProgressState::Snapshot, "sending a snapshot");
    QCOMPARE(progress.pendingSnapshot(), LogIndex(20));
    QVERIFY2(progress.isPaused(64), "no appends while a snapshot is sent");
    progress.setSnapshotOffset(1024);
    progress.setSnapshotChunkInFlight(true);

    QVERIFY2(progress.acknowledge(LogIndex(20)), "the follower installed it");
    progress.becomeProbe();

    QVERIFY2(progress.state() == ProgressState::Probe, "back to probing");
    QCOMPARE(progress.match(), LogIndex(20));
    QCOMPARE(progress.next(), LogIndex(21));
    QCOMPARE(progress.pendingSnapshot(), LogIndex(0));
    QCOMPARE(progress.snapshotOffset(), std::uint64_t(0));
    QVERIFY2(!progress.snapshotChunkInFlight(), "no chunk in flight any more");
    QVERIFY2(!progress.isPaused(64), "the first probe after the snapshot may go");
}

void TestProgress::snapshotAbandonedResumesAfterIt()
{
    Progress progress(LogIndex(3));
    progress.acknowledge(LogIndex(2));
    progress.becomeSnapshot(LogIndex(20));
    progress.becomeProbe();
    QCOMPARE(progress.next(), LogIndex(21));
    QCOMPARE(progress.match(), LogIndex(2));
}

void TestProgress::checkHoldsThroughTransitions()
{
    // The documented invariants (progress.h) hold along a follower's ordinary life, for a leader whose
    // log ends at 20 and who keeps up to 4 appends in flight.
    const LogIndex last(20);
    Progress progress(LogIndex(11));
    const auto verify = [&](const char *when) {
        const char *problem = progress.check(last, 4);
        QVERIFY2(!problem,
                 qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(when), QLatin1String(problem))));
    };
    verify("new");
    progress.sentAppend(LogIndex(10), false);
    QVERIFY(progress.rejectedAt(LogIndex(10), LogIndex(4)));
    verify("after a rejection");
    progress.acknowledge(LogIndex(5));
    progress.becomeReplicate();
    verify("replicating");
    for (std::uint64_t end : {8, 12, 16, 20})
        progress.sentAppend(LogIndex(end), true);
    verify("a full window");
    progress.acknowledge(LogIndex(12));
    verify("half acknowledged");
    progress.becomeSnapshot(LogIndex(15));
    verify("sending a snapshot");
    progress.acknowledge(LogIndex(15));
    progress.becomeProbe();
    verify("back to probing");
}

void TestProgress::checkNamesBrokenInvariants()
{
    // The check can fail: states a correct leader never produces.
    Progress ahead(LogIndex(5));
    ahead.acknowledge(LogIndex(9)); // the follower claims more than the leader's log holds
    QVERIFY(ahead.check(LogIndex(5), 4) != nullptr);
    QVERIFY(QByteArray(ahead.check(LogIndex(5), 4)).contains("matchIndex"));

    Progress overfull(LogIndex(1));
    overfull.becomeReplicate();
    for (std::uint64_t end = 1; end <= 5; ++end)
        overfull.sentAppend(LogIndex(end), true);
    QVERIFY(QByteArray(overfull.check(LogIndex(5), 4)).contains("window"));
}

QTEST_GUILESS_MAIN(TestProgress)
#include "tst_progress.moc"
