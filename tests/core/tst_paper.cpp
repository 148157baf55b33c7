// One test per claim of the Raft paper (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", 2014), in the shape of etcd's raft_paper_test.go: init / act / check. Each test quotes the
// claim it checks. Cores are driven by hand through CoreCluster (corecluster.h), which also checks the
// Ready contract on every step. Election claims run with pre-vote off and on. This file: elections
// (§5.1, §5.2, §5.4.1, thesis §4.2.3, §6.2, §9.6); tst_paper_replication.cpp: the log (§5.3, §5.4.2).
#include "tst_paper.h"
#include "paperhelpers.h"

#include <QTest>

using namespace raftlab;
using namespace raftlab::test;

// "When servers start up, they begin as followers." Reference: §5.2
void TestPaper::startsAsFollower_data()
{
    QTest::addColumn<bool>("restored");
    QTest::newRow("fresh") << false;
    QTest::newRow("restored after voting for 3 in term 5") << true;
}

void TestPaper::startsAsFollower()
{
    QFETCH(bool, restored);
    std::map<std::uint32_t, PersistentState> state;
    if (restored)
        state[1] = restoredState(5, entriesWithTerms({1, 5}), n3);
    CoreCluster c(options(3), state);

    const RaftCore &core = c.core(n1);
    QCOMPARE(name(core.role()), name(Role::Follower));
    QCOMPARE(core.term(), Term(restored ? 5 : 0));
    QCOMPARE(core.votedFor(), restored ? n3 : NodeId{});
    QVERIFY2(core.leader().isNone(), "a node that just started knows no leader");
    QCOMPARE(core.log().lastIndex(), LogIndex(restored ? 2 : 0));
    const Events &events = c.node(n1).events;
    QVERIFY2(std::any_of(events.begin(), events.end(),
                         [](const Event &e) {
                             return e.type == EventType::RoleChanged && e.role == Role::Follower &&
                                 e.reason == Reason::Restarted;
                         }),
             "an event says the node started as a follower");
}

// "If a server receives a request with a stale term number ... If one server's current term is smaller
// than the other's, then it updates its current term to the larger value. If a candidate or leader
// discovers that its term is out of date, it immediately reverts to follower state." Reference: §5.1
void TestPaper::updatesTermFromMessage_data()
{
    QTest::addColumn<int>("role"); // 0 follower, 1 pre-candidate, 2 candidate, 3 leader
    QTest::addColumn<MessageType>("type");
    const char *roles[] = {"follower", "pre-candidate", "candidate", "leader"};
    const MessageType types[] = {MessageType::AppendEntries, MessageType::Heartbeat, MessageType::RequestVote,
                                 MessageType::AppendEntriesResponse, MessageType::RequestVoteResponse};
    for (int role = 0; role < 4; ++role)
        for (MessageType type : types)
            QTest::newRow(
                qPrintable(QStringLiteral("%1 gets %2").arg(QLatin1String(roles[role]), name(type))))
                << role << type;
}

void TestPaper::updatesTermFromMessage()
{
    QFETCH(int, role);
    QFETCH(MessageType, type);
    CoreCluster c(options(3, role == 1), {{1, restoredState(1)}});
    if (role == 1 || role == 2)
        c.campaign(n1);
    else if (role == 3)
        c.electByHand(n1);
    const Role before = c.core(n1).role();
    QCOMPARE(static_cast<int>(before), role);

    const std::uint64_t newTerm = c.core(n1).term().value + 2;
    Message message = voteResponse(type, 2, 1, newTerm, false);
    if (type == MessageType::AppendEntries)
        message = appendEntries(2, 1, newTerm, 0, 0);
    else if (type == MessageType::Heartbeat)
        message = heartbeat(2, 1, newTerm);
    else if (type == MessageType::RequestVote)
        message = voteRequest(type, 2, 1, newTerm, 100, 100);
    const Output output = c.step(message);

    const RaftCore &core = c.core(n1);
    QCOMPARE(core.term(), Term(newTerm));
    QCOMPARE(name(core.role()), name(Role::Follower));
    QVERIFY2(!output.hardStates.empty() && output.hardStates.back().term == Term(newTerm),
             "the new term is handed out for persistence");
    const bool fromLeader = type == MessageType::AppendEntries || type == MessageType::Heartbeat;
    QCOMPARE(core.leader(), fromLeader ? n2 : NodeId{});
    QCOMPARE(core.votedFor(), type == MessageType::RequestVote ? n2 : NodeId{});
}

// Pre-vote (thesis §9.6): "a candidate would first ask other servers whether its log was up-to-date
// enough to get their vote ... only if [it] believes it can get votes from a majority ... would it
// increment its term". A pre-vote request for a higher term changes no one's term. Reference: thesis §9.6
void TestPaper::preVoteLeavesTermAlone()
{
    CoreCluster c(options(3, true), {{1, restoredState(2, entriesWithTerms({1, 2}))}});

    const Output output = c.step(voteRequest(MessageType::PreVote, 2, 1, 3, 2, 2));

    QCOMPARE(c.core(n1).term(), Term(2));
    QCOMPARE(c.core(n1).votedFor(), NodeId{});
    QVERIFY2(output.hardStates.empty(), "a pre-vote writes nothing durable");
    const Messages replies = output.ofType(MessageType::PreVoteResponse);
    QCOMPARE(replies.size(), std::size_t(1));
    QVERIFY2(replies[0].granted, "an up-to-date pre-candidate gets the pre-vote");
    QCOMPARE(replies[0].term, Term(3));
}

// "If a server receives a request with a stale term number, it rejects the request." Reference: §5.1
void TestPaper::rejectsStaleTerm_data()
{
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<bool>("asCandidate");
    QTest::addColumn<bool>("answers"); // the sender learns our term from the refusal
    QTest::newRow("AppendEntries") << MessageType::AppendEntries << false << true;
    QTest::newRow("Heartbeat") << MessageType::Heartbeat << false << true;
    QTest::newRow("RequestVote") << MessageType::RequestVote << false << true;
    QTest::newRow("PreVote") << MessageType::PreVote << false << true;
    QTest::newRow("granted RequestVoteResponse to a candidate")
        << MessageType::RequestVoteResponse << true << false;
}

void TestPaper::rejectsStaleTerm()
{
    QFETCH(MessageType, type);
    QFETCH(bool, asCandidate);
    QFETCH(bool, answers);
    CoreCluster c(options(3), {{1, restoredState(3, entriesWithTerms({1, 1}))}});
    if (asCandidate)
        c.campaign(n1);
    const Term term = c.core(n1).term();
    const Role role = c.core(n1).role();
    const NodeId votedFor = c.core(n1).votedFor();
    const std::uint64_t stale = term.value - 1;

    Message message = voteResponse(type, 2, 1, stale, true);
    if (type == MessageType::AppendEntries)
        message = appendEntries(2, 1, stale, 2, 1, entriesWithTerms({2}, 3), 3);
    else if (type == MessageType::Heartbeat)
        message = heartbeat(2, 1, stale, 2);
    else if (type == MessageType::RequestVote || type == MessageType::PreVote)
        message = voteRequest(type, 2, 1, stale, 100, 100);
    const Output output = c.step(message);

    QCOMPARE(c.core(n1).term(), term);
    QCOMPARE(name(c.core(n1).role()), name(role));
    QCOMPARE(c.core(n1).votedFor(), votedFor);
    QCOMPARE(c.core(n1).log().lastIndex(), LogIndex(2));
    QCOMPARE(c.core(n1).log().commitIndex(), LogIndex(0));
    QVERIFY2(output.appended.empty() && output.hardStates.empty(), "nothing of a stale message is persisted");
    QCOMPARE(output.messages.size(), std::size_t(answers ? 1 : 0));
    if (answers) {
        const Message &reply = output.messages.front();
        QCOMPARE(reply.to, n2);
        QCOMPARE(reply.term, term);
        QVERIFY2(!reply.granted && !reply.success, "the stale request is refused");
    }
}

// "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries) to all followers in
// order to maintain their authority." Reference: §5.2
void TestPaper::leaderBroadcastsHeartbeat()
{
    ClusterOptions o = options(5);
    o.heartbeatTicks = 3;
    CoreCluster c(o);
    c.electByHand(n1);
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));

    const Output early = c.tick(n1, o.heartbeatTicks - 1);
    QVERIFY2(early.ofType(MessageType::Heartbeat).empty(), "no heartbeat before the interval");
    const Output output = c.tick(n1);

    const Messages beats = output.ofType(MessageType::Heartbeat);
    QCOMPARE(recipients(beats), (std::set<std::uint32_t>{2, 3, 4, 5}));
    for (const Message &beat : beats) {
        QCOMPARE(beat.term, c.core(n1).term());
        QVERIFY2(beat.entries.empty(), "a heartbeat carries no entries");
        QCOMPARE(beat.commitIndex, LogIndex(1)); // the no-op, matched and committed
    }
}

// "To begin an election, a follower increments its current term and transitions to candidate state. It
// then votes for itself and issues RequestVote RPCs in parallel to each of the other servers." With
// pre-vote it first asks, without changing its term. A candidate that times out starts a new election.
// Reference: §5.2, thesis §9.6
void TestPaper::startsElection_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::addColumn<bool>("fromCandidate");
    for (bool fromCandidate : {false, true}) {
        const char *from = fromCandidate ? "candidate times out" : "follower times out";
        QTest::newRow(qPrintable(QStringLiteral("%1, pre-vote off").arg(QLatin1String(from))))
            << false << fromCandidate;
        QTest::newRow(qPrintable(QStringLiteral("%1, pre-vote on").arg(QLatin1String(from))))
            << true << fromCandidate;
    }
}

void TestPaper::startsElection()
{
    QFETCH(bool, preVote);
    QFETCH(bool, fromCandidate);
    ClusterOptions o = options(3, preVote, true);
    CoreCluster c(o, {{1, restoredState(1, entriesWithTerms({1}))}});
    if (fromCandidate) {
        const Output asked = c.campaign(n1);
        if (preVote) // win the pre-vote: now a real candidate
            c.step(acceptReply(asked.ofType(MessageType::PreVote).front()));
        QCOMPARE(name(c.core(n1).role()), name(Role::Candidate));
    }
    const Term before = c.core(n1).term();

    const Output output = tickUntilTimeout(c, n1, o.electionTicksMax);

    QVERIFY2(output.hasEvent(EventType::ElectionTimeout), "the election timer fired");
    const RaftCore &core = c.core(n1);
    const Term expectedTerm = preVote ? before : before.next();
    QCOMPARE(name(core.role()), name(preVote ? Role::PreCandidate : Role::Candidate));
    QCOMPARE(core.term(), expectedTerm);
    if (!preVote) {
        QCOMPARE(core.votedFor(), n1);
        QVERIFY2(!output.hardStates.empty(), "term and self-vote are persisted");
        QCOMPARE(output.hardStates.back(), (HardState{expectedTerm, n1}));
    } else {
        QVERIFY2(output.hardStates.empty(), "a pre-candidate persists nothing");
    }
    const Messages requests = output.ofType(preVote ? MessageType::PreVote : MessageType::RequestVote);
    QCOMPARE(recipients(requests), (std::set<std::uint32_t>{2, 3}));
    for (const Message &request : requests) {
        QCOMPARE(request.term, preVote ? before.next() : expectedTerm);
        QCOMPARE(request.lastLogIndex, LogIndex(1));
        QCOMPARE(request.lastLogTerm, Term(1));
    }
}

// "A candidate wins an election if it receives votes from a majority of the servers in the full cluster
// for the same term." ... "if many followers become candidates at the same time, votes could be split so
// that no candidate obtains a majority." A majority of refusals sends it back to follower. Reference: §5.2
void TestPaper::tallyVotes_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("answers"); // of nodes 2, 3, ... in order: y granted, n refused, - silent
    QTest::addColumn<int>("result"); // VoteResult
    struct Row
    {
        int size;
        const char *answers;
        VoteResult result;
    };
    const Row rows[] = {
        {1, "", VoteResult::Won},         {3, "yy", VoteResult::Won},       {3, "y-", VoteResult::Won},
        {3, "ny", VoteResult::Won},       {5, "yyyy", VoteResult::Won},     {5, "yyy-", VoteResult::Won},
        {5, "yy--", VoteResult::Won},     {5, "nnyy", VoteResult::Won},     {3, "nn", VoteResult::Lost},
        {5, "nnnn", VoteResult::Lost},    {5, "ynnn", VoteResult::Lost},    {3, "--", VoteResult::Pending},
        {3, "n-", VoteResult::Pending},   {5, "y---", VoteResult::Pending}, {5, "nn--", VoteResult::Pending},
        {5, "----", VoteResult::Pending}, {5, "ynn-", VoteResult::Pending},
    };
    const char *names[] = {"pending", "won", "lost"};
    for (bool preVote : {false, true})
        for (const Row &row : rows)
            QTest::newRow(
                qPrintable(QStringLiteral("%1 nodes '%2' %3%4")
                               .arg(row.size)
                               .arg(QLatin1String(row.answers), QLatin1String(names[int(row.result)]),
                                    preVote ? QStringLiteral(", pre-vote") : QString())))
                << preVote << row.size << QString::fromLatin1(row.answers) << int(row.result);
}

void TestPaper::tallyVotes()
{
    QFETCH(bool, preVote);
    QFETCH(int, size);
    QFETCH(QString, answers);
    QFETCH(int, result);
    CoreCluster c(options(size, preVote), {{1, restoredState(1)}});
    c.campaign(n1);
    const Term term = c.core(n1).term();

    const MessageType type = preVote ? MessageType::PreVoteResponse : MessageType::RequestVoteResponse;
    for (int i = 0; i < answers.size(); ++i) {
        if (answers[i] == QLatin1Char('-'))
            continue;
        const bool granted = answers[i] == QLatin1Char('y');
        // A granted pre-vote carries the term asked about; a refusal, the voter's own (equal) term.
        c.step(voteResponse(type, i + 2, 1, preVote && granted ? term.value + 1 : term.value, granted));
    }

    Role expected = Role::Follower;
    if (result == int(VoteResult::Won))
        expected = preVote && size > 1 ? Role::Candidate : Role::Leader; // a won pre-vote starts the election
    else if (result == int(VoteResult::Pending))
        expected = preVote ? Role::PreCandidate : Role::Candidate;
    QCOMPARE(name(c.core(n1).role()), name(expected));
    // Only a real election moves the term (from 1 to 2); a pre-vote round alone does not.
    const bool electionStarted = !preVote || result == int(VoteResult::Won);
    QCOMPARE(c.core(n1).term(), Term(electionStarted ? 2 : 1));
}

// "Each server will vote for at most one candidate in a given term, on a first-come-first-served basis."
// The vote is persistent state: it survives a restart. Reference: §5.2, Figure 2
void TestPaper::votesFirstComeFirstServed_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::addColumn<int>("votedFor");
    QTest::addColumn<int>("candidate");
    QTest::addColumn<bool>("granted");
    for (bool preVote : {false, true}) {
        const QString suffix = preVote ? QStringLiteral(", pre-vote on") : QStringLiteral(", pre-vote off");
        QTest::newRow(qPrintable(QStringLiteral("not voted, 2 asks") + suffix)) << preVote << 0 << 2 << true;
        QTest::newRow(qPrintable(QStringLiteral("not voted, 3 asks") + suffix)) << preVote << 0 << 3 << true;
        QTest::newRow(qPrintable(QStringLiteral("voted 2, 2 asks again") + suffix))
            << preVote << 2 << 2 << true;
        QTest::newRow(qPrintable(QStringLiteral("voted 3, 3 asks again") + suffix))
            << preVote << 3 << 3 << true;
        QTest::newRow(qPrintable(QStringLiteral("voted 2, 3 asks") + suffix)) << preVote << 2 << 3 << false;
        QTest::newRow(qPrintable(QStringLiteral("voted 3, 2 asks") + suffix)) << preVote << 3 << 2 << false;
    }
}

void TestPaper::votesFirstComeFirstServed()
{
    QFETCH(bool, preVote);
    QFETCH(int, votedFor);
    QFETCH(int, candidate);
    QFETCH(bool, granted);
    // Restored with the vote of term 1 already durable, as after a restart.
    CoreCluster c(options(3, preVote), {{1, restoredState(1, {}, NodeId(votedFor))}});

    const Output output = c.step(voteRequest(MessageType::RequestVote, candidate, 1, 1));

    const Messages replies = output.ofType(MessageType::RequestVoteResponse);
    QCOMPARE(replies.size(), std::size_t(1));
    QCOMPARE(replies[0].granted, granted);
    QCOMPARE(replies[0].term, Term(1));
    QCOMPARE(c.node(n1).hardState.votedFor, NodeId(granted ? candidate : votedFor));

    // First come, first served: whoever asks next in this term is refused, unless it is the same candidate.
    const int other = candidate == 2 ? 3 : 2;
    const Message again = c.step(voteRequest(MessageType::RequestVote, other, 1, 1)).messages.at(0);
    QCOMPARE(again.granted, c.core(n1).votedFor() == NodeId(other));
}

// "While waiting for votes, a candidate may receive an AppendEntries RPC from another server claiming to
// be leader. If the leader's term ... is at least as large as the candidate's current term, then the
// candidate recognizes the leader as legitimate and returns to follower state." Reference: §5.2
void TestPaper::candidateFallsBackToFollower_data()
{
    QTest::addColumn<bool>("preVote");
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<int>("termAhead");
    for (bool preVote : {false, true})
        for (MessageType type : {MessageType::AppendEntries, MessageType::Heartbeat})
            for (int ahead : {0, 1})
                QTest::newRow(qPrintable(
                    QStringLiteral("%1 %2, %3")
                        .arg(name(type), ahead ? QStringLiteral("newer term") : QStringLiteral("same term"),
                             preVote ? QStringLiteral("pre-candidate") : QStringLiteral("candidate"))))
                    << preVote << type << ahead;
}

void TestPaper::candidateFallsBackToFollower()
{
    QFETCH(bool, preVote);
    QFETCH(MessageType, type);
    QFETCH(int, termAhead);
    CoreCluster c(options(3, preVote), {{1, restoredState(1)}});
    c.campaign(n1);
    QCOMPARE(name(c.core(n1).role()), name(preVote ? Role::PreCandidate : Role::Candidate));
    const HardState before = c.node(n1).hardState;
    const std::uint64_t leaderTerm = c.core(n1).term().value + static_cast<std::uint64_t>(termAhead);

    const Output output = c.step(type == MessageType::Heartbeat ? heartbeat(2, 1, leaderTerm)
                                                                : appendEntries(2, 1, leaderTerm, 0, 0));

    QCOMPARE(name(c.core(n1).role()), name(Role::Follower));
    QCOMPARE(c.core(n1).term(), Term(leaderTerm));
    QCOMPARE(c.core(n1).leader(), n2);
    if (termAhead == 0)
        QCOMPARE(c.node(n1).hardState, before); // its vote of this term stays given
    const MessageType answer =
        type == MessageType::Heartbeat ? MessageType::HeartbeatResponse : MessageType::AppendEntriesResponse;
    const Messages replies = output.ofType(answer);
    QCOMPARE(replies.size(), std::size_t(1));
    QCOMPARE(replies[0].to, n2);
    QCOMPARE(replies[0].term, Term(leaderTerm));
    if (type == MessageType::AppendEntries)
        QVERIFY2(replies[0].success, "the follower accepts the leader's append");
}

// "Raft uses randomized election timeouts to ensure that split votes are rare ... election timeouts are
// chosen randomly from a fixed interval (e.g., 150–300ms)." Reference: §5.2
void TestPaper::randomizedElectionTimeouts_data()
{
    QTest::addColumn<bool>("preVote");
    addPreVoteRows("timeouts");
}

void TestPaper::randomizedElectionTimeouts()
{
    QFETCH(bool, preVote);
    const ClusterOptions base = options(3, preVote);
    constexpr int seeds = 300;
    std::set<int> seen;
    int splits = 0; // clusters where two nodes share the earliest timeout
    for (int seed = 1; seed <= seeds; ++seed) {
        ClusterOptions o = base;
        o.seed = static_cast<std::uint64_t>(seed);
        CoreCluster c(o);
        std::vector<int> timeouts;
        for (NodeId id : c.members())
            timeouts.push_back(c.core(id).status().electionTimeoutTicks);
        std::sort(timeouts.begin(), timeouts.end());
        splits += timeouts[0] == timeouts[1] ? 1 : 0;

        int ticks = 0;
        tickUntilTimeout(c, n1, o.electionTicksMax, &ticks);
        QVERIFY2(ticks >= o.electionTicksMin && ticks < o.electionTicksMax,
                 qPrintable(QStringLiteral("seed %1 fired after %2 ticks").arg(seed).arg(ticks)));
        QCOMPARE(name(c.core(n1).role()), name(preVote ? Role::PreCandidate : Role::Candidate));
        seen.insert(ticks);
    }
    QCOMPARE(int(seen.size()), base.electionTicksMax - base.electionTicksMin); // every value of [min, max)
    QVERIFY2(splits < seeds * 3 / 10, qPrintable(QStringLiteral("%1 of %2 tie").arg(splits).arg(seeds)));
}

// "Raft determines which of two logs is more up-to-date by comparing the index and term of the last
// entries in the logs. If the logs have last entries with different terms, then the log with the later
// term is more up-to-date. If the logs end with the same term, then whichever log is longer is more
// up-to-date." ... "the voter denies its vote if its own log is more up-to-date". Reference: §5.4.1
void TestPaper::voteRequiresUpToDateLog_data()
{
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<QList<int>>("log");
    QTest::addColumn<int>("lastIndex");
    QTest::addColumn<int>("lastTerm");
    QTest::addColumn<bool>("granted");
    struct Row
    {
        const char *name;
        QList<int> log;
        int lastIndex;
        int lastTerm;
        bool granted;
    };
    const Row rows[] = {
        {"same log", {1}, 1, 1, true},
        {"same last term, longer", {1}, 2, 1, true},
        {"same last term, shorter", {1, 1}, 1, 1, false},
        {"later last term, shorter", {1, 1}, 1, 2, true},
        {"later last term, same length", {1}, 1, 2, true},
        {"earlier last term, longer", {2}, 2, 1, false},
        {"earlier last term, same length", {2}, 1, 1, false},
        {"empty candidate log", {1}, 0, 0, false},
        {"both logs empty", {}, 0, 0, true},
    };
    for (MessageType type : {MessageType::RequestVote, MessageType::PreVote})
        for (const Row &row : rows)
            QTest::newRow(qPrintable(QStringLiteral("%1: %2").arg(name(type), QLatin1String(row.name))))
                << type << row.log << row.lastIndex << row.lastTerm << row.granted;
}

void TestPaper::voteRequiresUpToDateLog()
{
    QFETCH(MessageType, type);
    QFETCH(QList<int>, log);
    QFETCH(int, lastIndex);
    QFETCH(int, lastTerm);
    QFETCH(bool, granted);
    CoreCluster c(options(3, type == MessageType::PreVote),
                  {{1, restoredState(2, entriesWithTerms(toVector(log)))}});

    const Output output =
        c.step(voteRequest(type, 2, 1, 3, std::uint64_t(lastIndex), std::uint64_t(lastTerm)));

    const MessageType answer =
        type == MessageType::PreVote ? MessageType::PreVoteResponse : MessageType::RequestVoteResponse;
    const Messages replies = output.ofType(answer);
    QCOMPARE(replies.size(), std::size_t(1));
    QCOMPARE(replies[0].granted, granted);
    if (type == MessageType::RequestVote)
        QCOMPARE(c.core(n1).votedFor(), granted ? n2 : NodeId{});
}

// CheckQuorum's other half: "if a server receives a RequestVote request within the minimum election
// timeout of hearing from a current leader, it does not update its term or grant its vote." Without
// CheckQuorum the request is served as §5.1 says; after the lease it is too. Reference: thesis §4.2.3
void TestPaper::leaseIgnoresDisruptiveCandidate_data()
{
    QTest::addColumn<bool>("checkQuorum");
    QTest::addColumn<MessageType>("type");
    QTest::addColumn<bool>("leaseOver");
    QTest::addColumn<bool>("ignored");
    QTest::addColumn<bool>("granted"); // when answered
    for (MessageType type : {MessageType::RequestVote, MessageType::PreVote}) {
        const QString t = name(type);
        QTest::newRow(qPrintable(t + QStringLiteral(", check-quorum, leader just heard")))
            << true << type << false << true << false;
        QTest::newRow(qPrintable(t + QStringLiteral(", check-quorum, lease over")))
            << true << type << true << false << true;
    }
    // Without CheckQuorum a real vote request is answered whatever the leader did; a pre-vote is still
    // refused while a leader was heard within the minimum election timeout (thesis §9.6).
    QTest::newRow("RequestVote, no check-quorum")
        << false << MessageType::RequestVote << false << false << true;
    QTest::newRow("PreVote, no check-quorum, leader just heard")
        << false << MessageType::PreVote << false << false << false;
    QTest::newRow("PreVote, no check-quorum, lease over")
        << false << MessageType::PreVote << true << false << true;
}

void TestPaper::leaseIgnoresDisruptiveCandidate()
{
    QFETCH(bool, checkQuorum);
    QFETCH(MessageType, type);
    QFETCH(bool, leaseOver);
    QFETCH(bool, ignored);
    QFETCH(bool, granted);
    ClusterOptions o = options(3, type == MessageType::PreVote, checkQuorum);
    CoreCluster c(o, {{1, restoredState(2, entriesWithTerms({1}))}});
    c.step(heartbeat(2, 1, 2)); // leader 2 of term 2 is alive
    QCOMPARE(c.core(n1).leader(), n2);
    if (leaseOver) {
        c.tick(n1, o.electionTicksMin);
        QVERIFY2(c.core(n1).role() == Role::Follower, "the lease ran out, the election timer did not fire");
    }

    const Output output = c.step(voteRequest(type, 3, 1, 3, 1, 1));

    const bool preVote = type == MessageType::PreVote;
    QCOMPARE(c.core(n1).term(), Term(ignored || preVote ? 2 : 3));
    QCOMPARE(output.messages.size(), std::size_t(ignored ? 0 : 1));
    if (!ignored)
        QCOMPARE(output.messages.front().granted, granted);
    // What the node tells its observers: an ignored request is not called a refusal that was sent.
    const auto refusal = std::find_if(output.events.begin(), output.events.end(),
                                      [](const Event &e) { return e.type == EventType::VoteRefused; });
    QCOMPARE(refusal != output.events.end(), ignored || !granted);
    if (refusal != output.events.end()) {
        QCOMPARE(refusal->unanswered, ignored);
        if (refusal->reason == Reason::LeaderAlive)
            QCOMPARE(refusal->otherPeer, n2); // the leader it heard
    }
}

// "a leader ... steps down if an election timeout elapses without a successful round of heartbeats to a
// majority of its cluster". Reference: thesis §6.2
void TestPaper::leaderWithoutQuorumStepsDown_data()
{
    QTest::addColumn<bool>("checkQuorum");
    QTest::addColumn<int>("answering"); // followers of 5 that answer its heartbeats
    QTest::addColumn<bool>("stepsDown");
    QTest::newRow("check-quorum, nobody answers") << true << 0 << true;
    QTest::newRow("check-quorum, one answers") << true << 1 << true;
    QTest::newRow("check-quorum, two answer") << true << 2 << false;
    QTest::newRow("no check-quorum, nobody answers") << false << 0 << false;
}

void TestPaper::leaderWithoutQuorumStepsDown()
{
    QFETCH(bool, checkQuorum);
    QFETCH(int, answering);
    QFETCH(bool, stepsDown);
    const ClusterOptions o = options(5, false, checkQuorum);
    CoreCluster c(o);
    c.electByHand(n1);
    c.tick(n1, o.electionTicksMin); // the first round counts whoever answered the election
    const Term term = c.core(n1).term();

    for (int i = 0; i < o.electionTicksMin; ++i) {
        for (const Message &beat : c.tick(n1).ofType(MessageType::Heartbeat))
            if (int(beat.to.value) <= 1 + answering)
                c.step(acceptReply(beat));
    }

    QCOMPARE(name(c.core(n1).role()), name(stepsDown ? Role::Follower : Role::Leader));
    QCOMPARE(c.core(n1).term(), term); // stepping down needs no new term
}

QTEST_GUILESS_MAIN(TestPaper)
