// Paper tests, continued (see tst_paper.cpp): log replication and commitment, §5.3 and §5.4.2.
#include "paperhelpers.h"
#include "tst_paper.h"

#include <QTest>

using namespace raftlab;
using namespace raftlab::test;

// "Once a leader has been elected ... The leader appends the command to its log as a new entry, then
// issues AppendEntries RPCs in parallel to each of the other servers to replicate the entry." Reference: §5.3
void TestPaper::leaderStartsReplication()
{
    CoreCluster c(options(3));
    c.electByHand(n1);
    const Term term = c.core(n1).term();

    const Output output = c.propose(n1, "some data");

    QCOMPARE(output.appended.size(), std::size_t(1)); // persisted by the leader before it is sent
    const Entry &entry = output.appended.front();
    QCOMPARE(entry.index, LogIndex(2));
    QCOMPARE(entry.term, term);
    QCOMPARE(entry.payload, QByteArray("some data"));
    const Messages appends = output.ofType(MessageType::AppendEntries);
    QCOMPARE(recipients(appends), (std::set<std::uint32_t>{2, 3}));
    for (const Message &append : appends) {
        QCOMPARE(append.term, term);
        QCOMPARE(append.prevLogIndex, LogIndex(1));
        QCOMPARE(append.prevLogTerm, term);
        QVERIFY2(append.entries == Entries{entry}, "the append carries the new entry");
        QCOMPARE(append.commitIndex, LogIndex(1));
    }
    QCOMPARE(c.core(n1).log().commitIndex(), LogIndex(1)); // not yet replicated
}

// "A log entry is committed once the leader that created the entry has replicated it on a majority of the
// servers ... The leader keeps track of the highest index it knows to be committed, and it includes that
// index in future AppendEntries RPCs." Reference: §5.3
void TestPaper::leaderCommitsOnMajority_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QList<int>>("acceptors");
    QTest::addColumn<bool>("committed");
    QTest::newRow("1 node") << 1 << QList<int>{} << true;
    QTest::newRow("3 nodes, none") << 3 << QList<int>{} << false;
    QTest::newRow("3 nodes, one") << 3 << QList<int>{2} << true;
    QTest::newRow("3 nodes, both") << 3 << QList<int>{2, 3} << true;
    QTest::newRow("5 nodes, none") << 5 << QList<int>{} << false;
    QTest::newRow("5 nodes, one") << 5 << QList<int>{2} << false;
    QTest::newRow("5 nodes, two") << 5 << QList<int>{2, 3} << true;
    QTest::newRow("5 nodes, three") << 5 << QList<int>{2, 3, 5} << true;
    QTest::newRow("5 nodes, four") << 5 << QList<int>{2, 3, 4, 5} << true;
}

void TestPaper::leaderCommitsOnMajority()
{
    QFETCH(int, size);
    QFETCH(QList<int>, acceptors);
    QFETCH(bool, committed);
    CoreCluster c(options(size));
    c.electByHand(n1);
    const Output proposal = c.propose(n1, "x");
    const LogIndex index = c.core(n1).log().lastIndex();

    Output output = proposal;
    for (const Message &append : proposal.ofType(MessageType::AppendEntries))
        if (acceptors.contains(int(append.to.value)))
            output.add(c.step(acceptReply(append)));

    QCOMPARE(c.core(n1).log().commitIndex(), committed ? index : index - 1);
    QCOMPARE(c.node(n1).applied.back().index, committed ? index : index - 1);
    if (committed && size > 1) {
        // Everyone hears the new commit index with the next AppendEntries.
        Messages told;
        for (const Message &m : output.ofType(MessageType::AppendEntries))
            if (m.commitIndex == index)
                told.push_back(m);
        QCOMPARE(int(recipients(told).size()), size - 1);
    }
}

// "When the leader commits an entry, it also commits all preceding entries in the leader's log,
// including entries created by previous leaders." Reference: §5.3
void TestPaper::leaderCommitsPrecedingEntries_data()
{
    QTest::addColumn<QList<int>>("prior");
    QTest::newRow("empty log") << QList<int>{};
    QTest::newRow("one entry of term 2") << QList<int>{2};
    QTest::newRow("terms 1, 2") << QList<int>{1, 2};
    QTest::newRow("one entry of term 1") << QList<int>{1};
}

void TestPaper::leaderCommitsPrecedingEntries()
{
    QFETCH(QList<int>, prior);
    CoreCluster c(options(3), {{1, restoredState(2, entriesWithTerms(toVector(prior)))}});
    c.electByHand(n1);
    const Output proposal = c.propose(n1, "x");
    for (const Message &append : proposal.ofType(MessageType::AppendEntries))
        c.step(acceptReply(append));

    const QList<int> expected = prior + QList<int>{3, 3}; // previous terms, the no-op, the proposal
    QCOMPARE(c.core(n1).log().commitIndex(), LogIndex(std::uint64_t(expected.size())));
    QCOMPARE(termsOf(c.node(n1).applied), expected);
    QCOMPARE(c.node(n1).applied.back().payload, QByteArray("x"));
}

// "Once a follower learns that a log entry is committed, it applies the entry to its local state machine
// (in log order)." Figure 2: "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of
// last new entry)". Reference: §5.3, Figure 2
void TestPaper::followerLearnsCommit_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("leaderCommit");
    QTest::addColumn<int>("commit");
    QTest::newRow("one entry, committed") << 1 << 1 << 1;
    QTest::newRow("two entries, first committed") << 2 << 1 << 1;
    QTest::newRow("two entries, both committed") << 2 << 2 << 2;
    QTest::newRow("leader commit beyond the new entries") << 1 << 2 << 1;
    QTest::newRow("nothing committed yet") << 2 << 0 << 0;
}

void TestPaper::followerLearnsCommit()
{
    QFETCH(int, count);
    QFETCH(int, leaderCommit);
    QFETCH(int, commit);
    CoreCluster c(options(3), {{1, restoredState(1)}});
    const Entries entries = entriesWithTerms(std::vector<int>(std::size_t(count), 1));

    const Output output = c.step(appendEntries(2, 1, 1, 0, 0, entries, std::uint64_t(leaderCommit)));

    QCOMPARE(c.core(n1).log().commitIndex(), LogIndex(std::uint64_t(commit)));
    QVERIFY2(output.committed == Entries(entries.begin(), entries.begin() + commit),
             "exactly the committed entries are handed out to apply, in order");
}

// "When sending an AppendEntries RPC, the leader includes the index and term of the entry in its log that
// immediately precedes the new entries. If the follower does not find an entry in its log with the same
// index and term, then it refuses the new entries." With the optimisation of §5.3: "the follower can
// include the term of the conflicting entry and the first index it stores for that term." Reference: §5.3
void TestPaper::followerChecksConsistency_data()
{
    QTest::addColumn<QList<int>>("log");
    QTest::addColumn<int>("prevIndex");
    QTest::addColumn<int>("prevTerm");
    QTest::addColumn<bool>("success");
    QTest::addColumn<int>("matchIndex");
    QTest::addColumn<int>("conflictIndex");
    QTest::addColumn<int>("conflictTerm");
    const QList<int> log{1, 2};
    QTest::newRow("before the first entry") << log << 0 << 0 << true << 0 << 0 << 0;
    QTest::newRow("matches at 1") << log << 1 << 1 << true << 1 << 0 << 0;
    QTest::newRow("matches at 2") << log << 2 << 2 << true << 2 << 0 << 0;
    QTest::newRow("term differs at 1") << log << 1 << 2 << false << 0 << 1 << 1;
    QTest::newRow("term differs at 2") << log << 2 << 1 << false << 0 << 2 << 2;
    QTest::newRow("log too short") << log << 3 << 3 << false << 0 << 3 << 0;
    QTest::newRow("hint skips the whole term") << QList<int>{1, 1, 2, 2, 2} << 5 << 3 << false << 0 << 3 << 2;
}

void TestPaper::followerChecksConsistency()
{
    QFETCH(QList<int>, log);
    QFETCH(int, prevIndex);
    QFETCH(int, prevTerm);
    QFETCH(bool, success);
    QFETCH(int, matchIndex);
    QFETCH(int, conflictIndex);
    QFETCH(int, conflictTerm);
    CoreCluster c(options(3), {{1, restoredState(3, entriesWithTerms(toVector(log)))}});

    const Output output = c.step(appendEntries(2, 1, 3, std::uint64_t(prevIndex), std::uint64_t(prevTerm)));

    const Messages replies = output.ofType(MessageType::AppendEntriesResponse);
    QCOMPARE(replies.size(), std::size_t(1));
    const Message &reply = replies[0];
    QCOMPARE(reply.success, success);
    QCOMPARE(reply.term, Term(3));
    if (success) {
        QCOMPARE(reply.matchIndex, LogIndex(std::uint64_t(matchIndex)));
    } else {
        QCOMPARE(reply.rejectedIndex, LogIndex(std::uint64_t(prevIndex)));
        QCOMPARE(reply.conflictIndex, LogIndex(std::uint64_t(conflictIndex)));
        QCOMPARE(reply.conflictTerm, Term(std::uint64_t(conflictTerm)));
    }
    QCOMPARE(termsOf(c.core(n1).log()), log); // a check never changes the log
    QVERIFY2(output.truncations.empty(), "nothing is truncated by a check");
}

// "After a rejection, the leader decrements nextIndex and retries the AppendEntries RPC" — with the
// follower's hint it skips a whole conflicting term at once. Figure 7 leader, term 8. Reference: §5.3
void TestPaper::leaderBacksUpWithHint_data()
{
    QTest::addColumn<int>("conflictTerm");
    QTest::addColumn<int>("conflictIndex");
    QTest::addColumn<int>("retryPrev");
    QTest::newRow("(f): term 3 unknown to the leader") << 3 << 7 << 6;
    QTest::newRow("(b): follower log too short") << 0 << 5 << 4;
    QTest::newRow("(e): leader has term 4, up to 5") << 4 << 4 << 5;
}

void TestPaper::leaderBacksUpWithHint()
{
    QFETCH(int, conflictTerm);
    QFETCH(int, conflictIndex);
    QFETCH(int, retryPrev);
    const std::vector<int> leaderLog{1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
    CoreCluster c(options(3), {{1, restoredState(7, entriesWithTerms(leaderLog))}});
    const Output asked = c.campaign(n1);
    const Output won = c.step(acceptReply(asked.ofType(MessageType::RequestVote).front()));
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    Message probe;
    for (const Message &m : won.ofType(MessageType::AppendEntries))
        if (m.to == n2)
            probe = m;
    QCOMPARE(probe.prevLogIndex, LogIndex(10));

    Message reject{.type = MessageType::AppendEntriesResponse, .from = n2, .to = n1, .term = probe.term};
    reject.rejectedIndex = probe.prevLogIndex;
    reject.conflictIndex = LogIndex(std::uint64_t(conflictIndex));
    reject.conflictTerm = Term(std::uint64_t(conflictTerm));
    const Messages retries = c.step(reject).ofType(MessageType::AppendEntries);

    QCOMPARE(retries.size(), std::size_t(1));
    const Message &retry = retries[0];
    QCOMPARE(retry.to, n2);
    QCOMPARE(retry.prevLogIndex, LogIndex(std::uint64_t(retryPrev)));
    QCOMPARE(retry.prevLogTerm, Term(std::uint64_t(leaderLog[std::size_t(retryPrev - 1)])));
    QVERIFY2(!retry.entries.empty() && retry.entries.back().index == LogIndex(11),
             "the retry carries the leader's entries from there on");
}

// "If an existing entry conflicts with a new one (same index but different terms), delete the existing
// entry and all that follow it; append any new entries not already in the log." Reference: §5.3, Figure 2
void TestPaper::truncatesFromFirstConflict_data()
{
    QTest::addColumn<int>("prevIndex");
    QTest::addColumn<int>("prevTerm");
    QTest::addColumn<QList<int>>("entryTerms"); // at prevIndex + 1, ...
    QTest::addColumn<QList<int>>("log");
    QTest::addColumn<int>("truncatedFrom"); // 0: none
    QTest::newRow("appends after the end") << 2 << 2 << QList<int>{3} << QList<int>{1, 2, 3} << 0;
    QTest::newRow("replaces from the conflict") << 1 << 1 << QList<int>{3, 4} << QList<int>{1, 3, 4} << 2;
    QTest::newRow("already has it") << 0 << 0 << QList<int>{1} << QList<int>{1, 2} << 0;
    QTest::newRow("conflicts at the first entry") << 0 << 0 << QList<int>{3} << QList<int>{3} << 1;
    QTest::newRow("matching prefix, then conflict") << 0 << 0 << QList<int>{1, 3} << QList<int>{1, 3} << 2;
}

void TestPaper::truncatesFromFirstConflict()
{
    QFETCH(int, prevIndex);
    QFETCH(int, prevTerm);
    QFETCH(QList<int>, entryTerms);
    QFETCH(QList<int>, log);
    QFETCH(int, truncatedFrom);
    CoreCluster c(options(3), {{1, restoredState(2, entriesWithTerms({1, 2}))}});
    const Entries entries = entriesWithTerms(toVector(entryTerms), std::uint64_t(prevIndex + 1));

    const Output output =
        c.step(appendEntries(2, 1, 4, std::uint64_t(prevIndex), std::uint64_t(prevTerm), entries));

    QCOMPARE(termsOf(c.core(n1).log()), log);
    QCOMPARE(termsOf(c.node(n1).log), log); // what the owner persisted
    if (truncatedFrom == 0)
        QVERIFY2(output.truncations.empty(), "no entry is removed");
    else
        QCOMPARE(output.truncations, (std::vector<LogIndex>{LogIndex(std::uint64_t(truncatedFrom))}));
    const Messages replies = output.ofType(MessageType::AppendEntriesResponse);
    QVERIFY2(replies.size() == 1 && replies[0].success, "the append is accepted");
    QCOMPARE(replies[0].matchIndex, LogIndex(std::uint64_t(prevIndex + entryTerms.size())));
}

// Figure 2 rule 3 deletes only entries that *conflict*: "The if here is crucial. If the follower has all
// the entries the leader sent, the follower MUST NOT truncate its log." A duplicated or reordered append
// from the current leader never removes entries that arrived after it. Reference: §5.3, Figure 2
void TestPaper::staleAppendNeverTruncates_data()
{
    QTest::addColumn<int>("prevIndex");
    QTest::addColumn<int>("count");
    QTest::newRow("first entry again") << 0 << 1;
    QTest::newRow("second entry again") << 1 << 1;
    QTest::newRow("first two again") << 0 << 2;
    QTest::newRow("all three again") << 0 << 3;
    QTest::newRow("empty append in the middle") << 2 << 0;
}

void TestPaper::staleAppendNeverTruncates()
{
    QFETCH(int, prevIndex);
    QFETCH(int, count);
    CoreCluster c(options(3), {{1, restoredState(1, entriesWithTerms({1, 1, 1}))}});
    const Entries entries =
        entriesWithTerms(std::vector<int>(std::size_t(count), 1), std::uint64_t(prevIndex + 1));

    const Output output =
        c.step(appendEntries(2, 1, 1, std::uint64_t(prevIndex), prevIndex > 0 ? 1 : 0, entries));

    QCOMPARE(termsOf(c.core(n1).log()), (QList<int>{1, 1, 1}));
    QCOMPARE(termsOf(c.node(n1).log), (QList<int>{1, 1, 1}));
    QVERIFY2(output.truncations.empty() && output.appended.empty(), "nothing is removed or rewritten");
    QVERIFY2(!output.hasEvent(EventType::LogTruncated), "no truncation event");
    const Messages replies = output.ofType(MessageType::AppendEntriesResponse);
    QVERIFY2(replies.size() == 1 && replies[0].success, "the duplicate is acknowledged");
    QCOMPARE(replies[0].matchIndex, LogIndex(std::uint64_t(prevIndex + count)));
}

// Figure 7: "When the leader at the top comes to power, it is possible that any of scenarios (a–f) could
// occur in follower logs." ... "the leader handles inconsistencies by forcing the followers' logs to
// duplicate its own." Reference: §5.3, Figure 7
void TestPaper::figure7LogsConverge_data()
{
    QTest::addColumn<QList<int>>("follower");
    QTest::newRow("(a) missing one entry") << QList<int>{1, 1, 1, 4, 4, 5, 5, 6, 6};
    QTest::newRow("(b) missing many") << QList<int>{1, 1, 1, 4};
    QTest::newRow("(c) one extra entry") << QList<int>{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6};
    QTest::newRow("(d) extra entries of term 7") << QList<int>{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7};
    QTest::newRow("(e) extra entries of term 4") << QList<int>{1, 1, 1, 4, 4, 4, 4};
    QTest::newRow("(f) entries of terms 2 and 3") << QList<int>{1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3};
}

void TestPaper::figure7LogsConverge()
{
    QFETCH(QList<int>, follower);
    const std::vector<int> leaderLog{1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
    CoreCluster c(options(3),
                  {{1, restoredState(8, entriesWithTerms(leaderLog))},
                   {2, restoredState(7, entriesWithTerms(toVector(follower)))}});

    c.post(c.campaign(n1).messages); // node 3 (empty log) gives the vote that (c) and (d) refuse
    c.stabilize();
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    c.post(c.propose(n1, "x").messages);
    c.stabilize();

    const QList<int> expected = QList<int>(leaderLog.begin(), leaderLog.end()) + QList<int>{9, 9};
    QCOMPARE(termsOf(c.core(n1).log()), expected);
    for (NodeId id : {n2, n3}) {
        QCOMPARE(termsOf(c.core(id).log()), expected);
        QCOMPARE(termsOf(c.node(id).log), expected);
        QVERIFY2(c.node(id).log == c.node(n1).log, "the follower's durable log equals the leader's");
        QCOMPARE(c.core(id).log().commitIndex(), LogIndex(12));
    }
}

// Figure 8: "a leader cannot immediately conclude that an entry from a previous term is committed once it
// is stored on a majority of servers." ... "Raft never commits log entries from previous terms by
// counting replicas. Only log entries from the leader's current term are committed by counting replicas;
// once an entry from the current term has been committed in this way, then all prior entries are
// committed indirectly." Here S1 leads term 4 of five servers holding (1@t1, 2@t2); S2 and S3 also store
// index 2 — a majority with S1 — and only the leader's no-op of term 4 at index 3 commits it.
// Reference: §5.4.2, Figure 8
void TestPaper::figure8CommitsOnlyOwnTerm_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::newRow("pre-vote off") << false;
    QTest::newRow("pre-vote on") << true;
}

void TestPaper::figure8CommitsOnlyOwnTerm()
{
    QFETCH(bool, preVote);
    CoreCluster c(options(5, preVote), {{1, restoredState(3, entriesWithTerms({1, 2}))}});
    // S1 wins term 4 with the votes of S2 and S3.
    Output output = c.campaign(n1);
    for (int round = 0; round < 2 && c.core(n1).role() != Role::Leader; ++round) {
        Output next;
        for (const Message &request : output.messages)
            if (request.to == n2 || request.to == n3)
                next.add(c.step(acceptReply(request)));
        output = std::move(next);
    }
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    QCOMPARE(c.core(n1).term(), Term(4));
    QCOMPARE(c.core(n1).log().lastIndex(), LogIndex(3)); // the no-op of term 4

    // S2 and S3 acknowledge index 2 (of term 2) only: stored on a majority, S1 included.
    for (NodeId from : {n2, n3}) {
        c.step(Message{.type = MessageType::AppendEntriesResponse,
                       .from = from,
                       .to = n1,
                       .term = Term(4),
                       .success = true,
                       .matchIndex = LogIndex(2)});
    }
    QCOMPARE(c.core(n1).log().commitIndex(), LogIndex(0));
    QVERIFY2(c.node(n1).applied.empty(), "nothing of term 2 is applied on the strength of replicas");

    // Once the entry of term 4 is on a majority, it commits, and index 2 with it.
    for (NodeId from : {n2, n3}) {
        c.step(Message{.type = MessageType::AppendEntriesResponse,
                       .from = from,
                       .to = n1,
                       .term = Term(4),
                       .success = true,
                       .matchIndex = LogIndex(3)});
    }
    QCOMPARE(c.core(n1).log().commitIndex(), LogIndex(3));
    QCOMPARE(termsOf(c.node(n1).applied), (QList<int>{1, 2, 4}));
}
