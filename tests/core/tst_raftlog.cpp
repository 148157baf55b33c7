// RaftLog: the core's in-memory view of the log (snapshot base, entries, and the positions commit,
// applied, stable and durable that move along it).

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "corecluster.h"
#endif

#include <QTest>

using namespace raftlab;
using namespace raftlab::test;

namespace {

// Entries whose payload is `bytes` long each.
Entries sizedEntries(const std::vector<int> &terms, qsizetype bytes)
{
    Entries entries = entriesWithTerms(terms);
    for (Entry &entry : entries)
        entry.payload = QByteArray(bytes, 'x');
    return entries;
}

Snapshot snapshotAt(std::uint64_t index, std::uint64_t term)
{
    return Snapshot{SnapshotMeta{LogIndex(index), Term(term)}, QByteArray("state")};
}

QList<int> indexesOf(const Entries &entries)
{
    QList<int> indexes;
    for (const Entry &entry : entries)
        indexes.push_back(static_cast<int>(entry.index.value));
    return indexes;
}

QList<int> indexesOf(const DroppedEntries &chunks)
{
    QList<int> indexes;
    for (const Entries &chunk : chunks)
        indexes += indexesOf(chunk);
    return indexes;
}

void verifyInvariants(const RaftLog &log)
{
    const char *problem = log.check();
    QVERIFY2(!problem, problem);
}

} // namespace

class TestRaftLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void termAt();
    void isUpToDate_data();
    void isUpToDate();
    void sliceByCount_data();
    void sliceByCount();
    void sliceByBytes_data();
    void sliceByBytes();
    void findConflict_data();
    void findConflict();
    void truncateDurableEntries();
    void truncateUnstableEntries();
    void truncateTwiceKeepsLowest();
    void takeCommitted();
    void takeCommittedByBytes();
    void compact();
    void compactKeepsATail();
    void entriesStayWhereTheyAreAsTheLogGrowsAndShrinks();
    void restoreKeepsMatchingSuffix();
    void restoreDropsConflictingLog();
    void restoreBeyondTheLog();
    void lastIndexOfTerm_data();
    void lastIndexOfTerm();
    void firstIndexOfTermAt_data();
    void firstIndexOfTermAt();
};

void TestRaftLog::termAt()
{
    const RaftLog empty(Snapshot{}, {});
    QCOMPARE(empty.termAt(LogIndex(0)), std::optional<Term>(Term(0)));
    QCOMPARE(empty.termAt(LogIndex(1)), std::optional<Term>{});
    QCOMPARE(empty.lastIndex(), LogIndex(0));
    QCOMPARE(empty.firstIndex(), LogIndex(1));

    // Snapshot up to 5 (term 2), then 6..8 of terms 2, 3, 3.
    const RaftLog log(snapshotAt(5, 2), entriesWithTerms({2, 3, 3}, 6));
    QCOMPARE(log.termAt(LogIndex(4)), std::optional<Term>{}); // compacted away
    QCOMPARE(log.termAt(LogIndex(5)), std::optional<Term>(Term(2))); // the snapshot's last entry
    QCOMPARE(log.termAt(LogIndex(6)), std::optional<Term>(Term(2)));
    QCOMPARE(log.termAt(LogIndex(8)), std::optional<Term>(Term(3)));
    QCOMPARE(log.termAt(LogIndex(9)), std::optional<Term>{}); // not there yet
    QCOMPARE(log.firstIndex(), LogIndex(6));
    QCOMPARE(log.lastIndex(), LogIndex(8));
    QCOMPARE(log.lastTerm(), Term(3));
    QVERIFY2(log.matches(LogIndex(7), Term(3)) && !log.matches(LogIndex(7), Term(2)),
             "matches() uses termAt");
    QCOMPARE(RaftLog(snapshotAt(5, 2), {}).lastTerm(), Term(2));
}

void TestRaftLog::isUpToDate_data()
{
    QTest::addColumn<int>("lastIndex");
    QTest::addColumn<int>("lastTerm");
    QTest::addColumn<bool>("upToDate");
    // Against a log of terms 1, 2, 2 (last entry 3 of term 2).
    QTest::newRow("identical") << 3 << 2 << true;
    QTest::newRow("same term, longer") << 4 << 2 << true;
    QTest::newRow("same term, shorter") << 2 << 2 << false;
    QTest::newRow("later term, shorter") << 1 << 3 << true;
    QTest::newRow("earlier term, longer") << 9 << 1 << false;
    QTest::newRow("empty") << 0 << 0 << false;
}

void TestRaftLog::isUpToDate()
{
    QFETCH(int, lastIndex);
    QFETCH(int, lastTerm);
    QFETCH(bool, upToDate);
    const RaftLog log(Snapshot{}, entriesWithTerms({1, 2, 2}));
    QCOMPARE(log.isUpToDate(LogIndex(std::uint64_t(lastIndex)), Term(std::uint64_t(lastTerm))), upToDate);
}

void TestRaftLog::sliceByCount_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<int>("maxCount");
    QTest::addColumn<QList<int>>("indexes");
    QTest::newRow("all") << 1 << 6 << 100 << QList<int>{1, 2, 3, 4, 5};
    QTest::newRow("limited by count") << 1 << 6 << 2 << QList<int>{1, 2};
    QTest::newRow("middle") << 2 << 4 << 100 << QList<int>{2, 3};
    QTest::newRow("end clamped to the log") << 4 << 99 << 100 << QList<int>{4, 5};
    QTest::newRow("empty range") << 3 << 3 << 100 << QList<int>{};
    QTest::newRow("one") << 5 << 6 << 1 << QList<int>{5};
}

void TestRaftLog::sliceByCount()
{
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(int, maxCount);
    QFETCH(QList<int>, indexes);
    const RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 2, 2, 3}));
    const Entries slice = log.slice(LogIndex(std::uint64_t(from)), LogIndex(std::uint64_t(to)),
                                    std::size_t(maxCount), std::size_t(-1));
    QCOMPARE(indexesOf(slice), indexes);
    for (const Entry &entry : slice)
        QCOMPARE(entry, log.at(entry.index));
}

void TestRaftLog::sliceByBytes_data()
{
    QTest::addColumn<int>("maxBytes");
    QTest::addColumn<QList<int>>("indexes");
    // Five entries of 10 bytes each.
    QTest::newRow("smaller than one entry: still one") << 3 << QList<int>{1};
    QTest::newRow("exactly one") << 10 << QList<int>{1};
    QTest::newRow("just under two") << 19 << QList<int>{1};
    QTest::newRow("exactly two") << 20 << QList<int>{1, 2};
    QTest::newRow("two and a half") << 25 << QList<int>{1, 2};
    QTest::newRow("everything") << 1000 << QList<int>{1, 2, 3, 4, 5};
}

void TestRaftLog::sliceByBytes()
{
    QFETCH(int, maxBytes);
    QFETCH(QList<int>, indexes);
    const RaftLog log(Snapshot{}, sizedEntries({1, 1, 1, 1, 1}, 10));
    QCOMPARE(indexesOf(log.slice(LogIndex(1), LogIndex(6), 100, std::size_t(maxBytes))), indexes);
}

void TestRaftLog::findConflict_data()
{
    QTest::addColumn<int>("first");
    QTest::addColumn<QList<int>>("terms");
    QTest::addColumn<int>("conflict"); // 0: none
    // Against snapshot up to 2 (term 1), then 3..5 of terms 1, 2, 2.
    QTest::newRow("no entries") << 3 << QList<int>{} << 0;
    QTest::newRow("all match") << 3 << QList<int>{1, 2, 2} << 0;
    QTest::newRow("prefix matches") << 4 << QList<int>{2} << 0;
    QTest::newRow("conflict at the first") << 3 << QList<int>{3, 3} << 3;
    QTest::newRow("conflict in the middle") << 3 << QList<int>{1, 3, 3} << 4;
    QTest::newRow("new entries after the end") << 4 << QList<int>{2, 2, 3} << 6;
    QTest::newRow("inside the snapshot: committed, so matching") << 1 << QList<int>{1, 1, 1, 2} << 0;
}

void TestRaftLog::findConflict()
{
    QFETCH(int, first);
    QFETCH(QList<int>, terms);
    QFETCH(int, conflict);
    const RaftLog log(snapshotAt(2, 1), entriesWithTerms({1, 2, 2}, 3));
    const std::optional<LogIndex> found =
        log.findConflict(entriesWithTerms(toVector(terms), std::uint64_t(first)));
    QCOMPARE(found, conflict ? std::optional(LogIndex(std::uint64_t(conflict))) : std::nullopt);
}

// Removing durable entries is recorded for the owner; the positions step back with the log.
void TestRaftLog::truncateDurableEntries()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 1, 1, 1}));
    QCOMPARE(log.stableIndex(), LogIndex(5));
    QCOMPARE(log.durableIndex(), LogIndex(5));
    QVERIFY2(!log.hasUnstable(), "what was restored is durable");

    log.truncateFrom(LogIndex(3));

    QCOMPARE(log.lastIndex(), LogIndex(2));
    QCOMPARE(log.pendingTruncation(), std::optional(LogIndex(3)));
    QCOMPARE(log.stableIndex(), LogIndex(2));
    QCOMPARE(log.durableIndex(), LogIndex(2));
    QVERIFY2(log.hasUnstable(), "the truncation itself must be handed to the owner");
    verifyInvariants(log);

    log.append(Entry{LogIndex(3), Term(2), EntryType::Command, "new"});
    const Entries unstable = log.takeUnstable();
    QCOMPARE(indexesOf(unstable), (QList<int>{3}));
    QCOMPARE(unstable.front().term, Term(2));
    QCOMPARE(log.stableIndex(), LogIndex(3));
    QCOMPARE(log.durableIndex(), LogIndex(2)); // not durable until the owner says so
    log.clearPendingTruncation();
    log.markDurable(LogIndex(3));
    QCOMPARE(log.durableIndex(), LogIndex(3));
    log.truncateFrom(LogIndex(3)); // a later conflict removes what was durable: durable follows it down
    QCOMPARE(log.durableIndex(), LogIndex(2));
    log.markDurable(LogIndex(3)); // a late acknowledgement of the older write cannot claim the gone entry
    QCOMPARE(log.durableIndex(), LogIndex(2));
    log.append(Entry{LogIndex(3), Term(3), EntryType::Command, "newer"});
    log.takeUnstable();
    log.clearPendingTruncation();
    log.markDurable(LogIndex(3));
    QCOMPARE(log.durableIndex(), LogIndex(3));
    QVERIFY2(!log.hasUnstable(), "everything handed out and durable");
    verifyInvariants(log);
}

// Entries never handed to the owner vanish without a trace: there is nothing on disk to remove.
void TestRaftLog::truncateUnstableEntries()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1}));
    log.append(Entry{LogIndex(3), Term(1), EntryType::Command, {}});
    log.append(Entry{LogIndex(4), Term(1), EntryType::Command, {}});

    log.truncateFrom(LogIndex(4));

    QCOMPARE(log.pendingTruncation(), std::optional<LogIndex>{});
    QCOMPARE(log.stableIndex(), LogIndex(2));
    QCOMPARE(indexesOf(log.takeUnstable()), (QList<int>{3}));
    verifyInvariants(log);
}

void TestRaftLog::truncateTwiceKeepsLowest()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 1, 1, 1}));
    log.truncateFrom(LogIndex(5));
    log.truncateFrom(LogIndex(3));
    QCOMPARE(log.pendingTruncation(), std::optional(LogIndex(3)));

    // Appended again after a truncation, then cut again above the first cut: still from 3.
    log.append(Entry{LogIndex(3), Term(2), EntryType::Command, {}});
    log.append(Entry{LogIndex(4), Term(2), EntryType::Command, {}});
    log.truncateFrom(LogIndex(4));
    QCOMPARE(log.pendingTruncation(), std::optional(LogIndex(3)));
    QCOMPARE(indexesOf(log.takeUnstable()), (QList<int>{3}));
    verifyInvariants(log);
}

void TestRaftLog::takeCommitted()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 2, 2}));
    QVERIFY2(!log.hasCommittedToHandOut(), "nothing committed yet");
    QVERIFY2(log.takeCommitted(std::size_t(-1)).empty(), "nothing to apply");

    log.commitTo(LogIndex(3));
    QVERIFY2(log.hasCommittedToHandOut(), "1..3 are committed, none applied");
    QCOMPARE(indexesOf(log.takeCommitted(std::size_t(-1))), (QList<int>{1, 2, 3}));
    QCOMPARE(log.appliedIndex(), LogIndex(3));
    QVERIFY2(!log.hasCommittedToHandOut(), "handed out once");
    QVERIFY2(log.takeCommitted(std::size_t(-1)).empty(), "never twice");

    log.commitTo(LogIndex(2)); // commit never goes back
    QCOMPARE(log.commitIndex(), LogIndex(3));
    log.commitTo(LogIndex(4));
    QCOMPARE(indexesOf(log.takeCommitted(std::size_t(-1))), (QList<int>{4}));
    verifyInvariants(log);
}

void TestRaftLog::takeCommittedByBytes()
{
    RaftLog log(Snapshot{}, sizedEntries({1, 1, 1}, 10));
    log.commitTo(LogIndex(3));
    QCOMPARE(indexesOf(log.takeCommitted(15)), (QList<int>{1}));
    QCOMPARE(indexesOf(log.takeCommitted(20)), (QList<int>{2, 3}));
    QCOMPARE(log.appliedIndex(), LogIndex(3));
}

void TestRaftLog::compact()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 2, 2, 3}));
    log.commitTo(LogIndex(4));
    log.takeCommitted(std::size_t(-1));

    // The dropped entries come back, for the caller to free off its event loop.
    const DroppedEntries dropped = log.compact(LogIndex(3), "state up to 3", 0);
    QCOMPARE(indexesOf(dropped), (QList<int>{1, 2, 3}));
    QCOMPARE(dropped.back().back().term, Term(2));

    QCOMPARE(log.snapshot().meta, (SnapshotMeta{LogIndex(3), Term(2)}));
    QCOMPARE(log.snapshot().data, QByteArray("state up to 3"));
    QCOMPARE(log.firstIndex(), LogIndex(4));
    QCOMPARE(log.lastIndex(), LogIndex(5));
    QCOMPARE(log.termAt(LogIndex(3)), std::optional(Term(2)));
    QCOMPARE(log.termAt(LogIndex(2)), std::optional<Term>{});
    QCOMPARE(log.at(LogIndex(4)).term, Term(2));
    QCOMPARE(log.commitIndex(), LogIndex(4));
    QVERIFY2(!log.hasUnstable(), "compaction hands nothing new to persist");
    verifyInvariants(log);

    QVERIFY(log.compact(LogIndex(2), "older", 0).empty()); // behind the snapshot: nothing happens
    QCOMPARE(log.snapshot().meta.index, LogIndex(3));
    QCOMPARE(log.snapshot().data, QByteArray("state up to 3"));
}

// A leader between two snapshots of a big store holds a million entries and more: were they one vector,
// the append that outgrows it would move them all with the node's loop blocked for tens of milliseconds.
void TestRaftLog::entriesStayWhereTheyAreAsTheLogGrowsAndShrinks()
{
    // The first chunk grows as a vector would (a small log stays small); from then on nothing moves.
    RaftLog log(Snapshot{}, entriesWithTerms({1}));
    const auto appendUpTo = [&log](std::uint64_t last) {
        for (std::uint64_t index = log.lastIndex().value + 1; index <= last; ++index)
            log.append(Entry{LogIndex(index), Term(1), EntryType::Command, QByteArray::number(index)});
    };
    appendUpTo(ChunkedEntries::chunkSize);
    const Entry *first = &log.at(LogIndex(1));
    appendUpTo(3 * ChunkedEntries::chunkSize + 100);
    QCOMPARE(&log.at(LogIndex(1)), first);

    const LogIndex kept(ChunkedEntries::chunkSize + 7); // drops a chunk and a part of the next
    const Entry *keptEntry = &log.at(kept);
    log.commitTo(log.lastIndex());
    log.takeCommitted(std::size_t(-1));
    log.markDurable(log.takeUnstable().back().index);
    QCOMPARE(indexesOf(log.compact(kept.previous(), "state", 0)).size(), qsizetype(kept.value - 1));
    QCOMPARE(&log.at(kept), keptEntry);
    QCOMPARE(log.at(kept).payload, QByteArray::number(kept.value));
    QCOMPARE(log.at(log.lastIndex()).payload, QByteArray::number(log.lastIndex().value));
    verifyInvariants(log);
}

// etcd's SnapshotCatchUpEntries: compaction keeps the last entries the snapshot covers, so a follower a
// little behind still gets them as appends. The snapshot and the first index held part ways.
void TestRaftLog::compactKeepsATail()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 2, 2, 2, 3, 3}));
    log.commitTo(LogIndex(6));
    log.takeCommitted(std::size_t(-1));

    QCOMPARE(indexesOf(log.compact(LogIndex(5), "state up to 5", 2)), (QList<int>{1, 2, 3}));

    QCOMPARE(log.snapshot().meta, (SnapshotMeta{LogIndex(5), Term(2)}));
    QCOMPARE(log.firstIndex(), LogIndex(4)); // 4 and 5 stay, below the snapshot's end
    QCOMPARE(log.lastIndex(), LogIndex(7));
    QCOMPARE(log.termAt(LogIndex(3)), std::optional(Term(2))); // the base: the entry before the first held
    QCOMPARE(log.termAt(LogIndex(2)), std::optional<Term>{});
    QCOMPARE(log.at(LogIndex(4)).term, Term(2));
    QCOMPARE(log.slice(LogIndex(4), LogIndex(8), 10, 1000).size(), std::size_t(4));
    QCOMPARE(log.lastIndexOfTerm(Term(1)), std::optional<LogIndex>{}); // compacted away
    QCOMPARE(log.lastIndexOfTerm(Term(2)), std::optional(LogIndex(5)));
    verifyInvariants(log);

    // The next compaction moves both; the tail never reaches back past what was already dropped.
    QVERIFY(log.compact(LogIndex(6), "state up to 6", 10).empty()); // nothing more is dropped
    QCOMPARE(log.snapshot().meta.index, LogIndex(6));
    QCOMPARE(log.firstIndex(), LogIndex(4));
    verifyInvariants(log);
}

// Figure 13 rule 6: "If existing log entry has same index and term as snapshot's last included entry,
// retain log entries following it".
void TestRaftLog::restoreKeepsMatchingSuffix()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 2, 2, 2}));
    log.commitTo(LogIndex(1));

    log.restore(snapshotAt(4, 2));

    QCOMPARE(log.snapshot().meta, (SnapshotMeta{LogIndex(4), Term(2)}));
    QCOMPARE(log.firstIndex(), LogIndex(5));
    QCOMPARE(log.lastIndex(), LogIndex(5));
    QCOMPARE(log.termAt(LogIndex(5)), std::optional(Term(2)));
    QCOMPARE(log.commitIndex(), LogIndex(4));
    QCOMPARE(log.appliedIndex(), LogIndex(4));
    QCOMPARE(log.pendingTruncation(), std::optional<LogIndex>{});
    QVERIFY2(!log.hasUnstable(), "entry 5 stays durable");
    verifyInvariants(log);
}

// Rule 7: "Discard the entire log" when it does not hold the snapshot's last entry.
void TestRaftLog::restoreDropsConflictingLog()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 2, 2, 2, 2}));

    log.restore(snapshotAt(4, 3));

    QCOMPARE(log.lastIndex(), LogIndex(4));
    QCOMPARE(log.lastTerm(), Term(3));
    QCOMPARE(log.firstIndex(), LogIndex(5));
    QCOMPARE(log.commitIndex(), LogIndex(4));
    QCOMPARE(log.pendingTruncation(), std::optional(LogIndex(5))); // persisted 5 and 6 must go
    QCOMPARE(log.stableIndex(), LogIndex(4));
    QVERIFY2(log.takeUnstable().empty(), "no entry to append");
    verifyInvariants(log);
}

void TestRaftLog::restoreBeyondTheLog()
{
    RaftLog log(Snapshot{}, entriesWithTerms({1, 1}));

    log.restore(snapshotAt(7, 3));

    QCOMPARE(log.lastIndex(), LogIndex(7));
    QCOMPARE(log.lastTerm(), Term(3));
    QCOMPARE(log.commitIndex(), LogIndex(7));
    QCOMPARE(log.appliedIndex(), LogIndex(7));
    QCOMPARE(log.pendingTruncation(), std::optional<LogIndex>{}); // nothing persisted after 7
    QVERIFY2(log.takeUnstable().empty(), "no entry to append");
    verifyInvariants(log);
    log.append(Entry{LogIndex(8), Term(3), EntryType::Command, {}});
    QCOMPARE(indexesOf(log.takeUnstable()), (QList<int>{8}));
}

void TestRaftLog::lastIndexOfTerm_data()
{
    QTest::addColumn<int>("snapshotIndex");
    QTest::addColumn<int>("snapshotTerm");
    QTest::addColumn<QList<int>>("terms"); // after the snapshot
    QTest::addColumn<int>("term");
    QTest::addColumn<int>("last"); // 0: none
    const QList<int> log{1, 1, 2, 2, 4};
    QTest::newRow("term 1") << 0 << 0 << log << 1 << 2;
    QTest::newRow("term 2") << 0 << 0 << log << 2 << 4;
    QTest::newRow("term 3 is skipped") << 0 << 0 << log << 3 << 0;
    QTest::newRow("term 4, the last entry") << 0 << 0 << log << 4 << 5;
    QTest::newRow("term 5, not yet") << 0 << 0 << log << 5 << 0;
    QTest::newRow("term 0") << 0 << 0 << log << 0 << 0;
    QTest::newRow("empty log") << 0 << 0 << QList<int>{} << 1 << 0;
    QTest::newRow("term continues past the snapshot") << 3 << 2 << QList<int>{2, 4} << 2 << 4;
    QTest::newRow("term ends at the snapshot") << 3 << 2 << QList<int>{4} << 2 << 3;
    QTest::newRow("only the snapshot") << 3 << 2 << QList<int>{} << 2 << 3;
    QTest::newRow("compacted term") << 3 << 2 << QList<int>{4} << 1 << 0;
}

void TestRaftLog::lastIndexOfTerm()
{
    QFETCH(int, snapshotIndex);
    QFETCH(int, snapshotTerm);
    QFETCH(QList<int>, terms);
    QFETCH(int, term);
    QFETCH(int, last);
    const Snapshot snapshot =
        snapshotIndex ? snapshotAt(std::uint64_t(snapshotIndex), std::uint64_t(snapshotTerm)) : Snapshot{};
    const RaftLog log(snapshot, entriesWithTerms(toVector(terms), std::uint64_t(snapshotIndex + 1)));
    QCOMPARE(log.lastIndexOfTerm(Term(std::uint64_t(term))),
             last ? std::optional(LogIndex(std::uint64_t(last))) : std::nullopt);
}

void TestRaftLog::firstIndexOfTermAt_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("first");
    // Log of terms 1, 1, 2, 2, 2, 4.
    QTest::newRow("at 1") << 1 << 1;
    QTest::newRow("at 2") << 2 << 1;
    QTest::newRow("at 3") << 3 << 3;
    QTest::newRow("at 5") << 5 << 3;
    QTest::newRow("at 6") << 6 << 6;
}

void TestRaftLog::firstIndexOfTermAt()
{
    QFETCH(int, index);
    QFETCH(int, first);
    const RaftLog log(Snapshot{}, entriesWithTerms({1, 1, 2, 2, 2, 4}));
    QCOMPARE(log.firstIndexOfTermAt(LogIndex(std::uint64_t(index))), LogIndex(std::uint64_t(first)));

    // After compaction the answer never reaches into the snapshot: the first index still in the log.
    const RaftLog compacted(snapshotAt(3, 2), entriesWithTerms({2, 2, 4}, 4));
    QCOMPARE(compacted.firstIndexOfTermAt(LogIndex(5)), LogIndex(4));
}

QTEST_GUILESS_MAIN(TestRaftLog)
#include "tst_raftlog.moc"
