// ClusterModel folds a recorded event stream of a real 3-node cluster (fixtures/three_nodes.jsonl,
// made by fixtures/record_events.py) into the state the views read; then synthetic streams check the
// bounds. The story of the fixture: node 3 wins term 1; three writes; node 3 is cut off and takes a
// write at index 5 it cannot commit; node 1 wins term 2 and commits index 5 (no-op) and 6; the cut heals
// and node 3 truncates index 5; node 1 is killed; node 2 wins term 3; node 1 restarts; two more writes.
#include "markingtranslator.h"
#include "model/clustermodel.h"
#include "model/narrationfiltermodel.h"
#include "support/fixturereplay.h"
#include "support/syntheticevents.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <optional>
#include <set>

using namespace raftlab;
using namespace Qt::StringLiterals;
using raftlab::testing::FixtureLine;
using raftlab::testing::Replay;

namespace {

NodeId id(std::uint32_t value)
{
    return NodeId(value);
}

bool isType(const QJsonObject &event, const char *type)
{
    return event.value("type"_L1).toString() == QLatin1StringView(type);
}

bool isEvent(const QJsonObject &event, const char *type, std::uint32_t node)
{
    return isType(event, type) && event.value("node"_L1).toInteger() == node;
}

// An event of a kind the app does not know: narrated with the node's own words (each one different).
QJsonObject textEvent(std::uint32_t node, qint64 tUs, const QString &text)
{
    return QJsonObject{{"type"_L1, "note"_L1}, {"node"_L1, qint64(node)},  {"term"_L1, 1},
                       {"t_us"_L1, tUs},       {"role"_L1, "follower"_L1}, {"index"_L1, 1},
                       {"text"_L1, text}};
}

QJsonObject sendEvent(qint64 traceId, std::uint32_t from, std::uint32_t to, qint64 tUs,
                      const char *msg = "AppendEntries")
{
    return QJsonObject{
        {"type"_L1, "send"_L1},    {"node"_L1, qint64(from)}, {"term"_L1, 1},
        {"t_us"_L1, tUs},          {"id"_L1, traceId},        {"msg"_L1, QLatin1StringView(msg)},
        {"from"_L1, qint64(from)}, {"to"_L1, qint64(to)},     {"response"_L1, false},
        {"prev_index"_L1, 0},      {"prev_term"_L1, 0},       {"entries"_L1, 0},
        {"commit"_L1, 0}};
}

QJsonObject recvEvent(qint64 traceId, std::uint32_t from, std::uint32_t to, qint64 tUs)
{
    QJsonObject event = sendEvent(traceId, from, to, tUs);
    event.insert("type"_L1, "recv"_L1);
    event.insert("node"_L1, qint64(to));
    return event;
}

// The feed's sentences, oldest first.
QStringList feedSentences(const ClusterModel &model)
{
    QStringList said;
    for (std::size_t row = model.narration()->size(); row-- > 0;)
        said << model.narration()->item(row).text;
    return said;
}

// Nodes 1-3 in term 2, node 1 leading with a heartbeat every second (the x20 speed), and `followers`
// following it.
void nodeOneLeadsThreeAtX20(ClusterModel &model, qint64 tUs, std::initializer_list<std::uint32_t> followers)
{
    using raftlab::testing::stateEvent;
    const std::vector<NodeId> three{id(1), id(2), id(3)};
    QJsonObject leader = stateEvent(1, tUs, "leader", 2, three);
    leader["heartbeat_ms"_L1] = 1000;
    model.ingest(leader);
    for (const std::uint32_t follower : followers)
        model.ingest(stateEvent(follower, tUs, "follower", 2, three, {}, 1));
    model.foldPending();
}

} // namespace

// For QCOMPARE's failure messages (raftlab::toString(Role) and friends return string_view, so Role
// compares through roleName()).
namespace raftlab {
char *toString(NodeId id)
{
    return QTest::toString(id.value);
}
char *toString(Term term)
{
    return QTest::toString(term.value);
}
char *toString(LogIndex index)
{
    return QTest::toString(index.value);
}
char *toString(VoteAnswer answer)
{
    return QTest::toString(int(answer));
}
char *toString(MessageOutcome outcome)
{
    return QTest::toString(int(outcome));
}
char *toString(const std::vector<NodeId> &ids)
{
    QStringList list;
    for (NodeId id : ids)
        list << QString::number(id.value);
    return QTest::toString(list.join(u','));
}
} // namespace raftlab

class TestClusterModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsFromEachNodesStatus();
    void firstElectionLeaderVotesAndLog();
    void staleLeaderAndConflictDuringPartition();
    void truncationRemovesTheConflictingEntry();
    void killedLeaderAndRestart();
    void messagesInFlightAreUnmatchedSends();
    void unansweredMessagesExpire();
    void sendsToAStartingNodeTravelThenLeaveUnseen();
    void narrationIsNewestFirstAndFilterable();
    void feedSentencesPassThroughTheTranslator();
    void preVoteSentencesNameBothTerms();
    void aRequestIgnoredUnderALeaseIsNotCalledRefused();
    void repeatedSentencesAreCountedOnOneLine();
    void heartbeatsAreSaidOncePerLeaderTermAndRate();
    void oneSentencePerUserAction();
    void chartsSeriesAndLeaderlessTime();
    void clientWritesPerSecond();
    void oneChangedSignalPerFrame();
    void frameTimerFoldsWithoutBeingAsked();
    void receiptBeforeSendIsMatched();
    void sizesStayBoundedUnderLoad();
    void queueShedsMessagesWhenTheUiFallsBehind();
    void logMirrorKeepsTheNewestEntries();
    void restartedNodesLogComesFromItsStatusAndLogMatching();
    void uncommittedCellsReplacedUnseenAreNotKept();
    void leaderHoldsEveryEntryOfItsTermAFollowerHolds();
    void theAppliedBarIsWhatEachNodeApplied();
    void anAppendThatAgreesKeepsTheTail();
    void whatAFollowerLearnsCommittedItsLeaderKnew();
    void eachPreVoteRoundCountsAfresh();
    void followerProgressFollowsTheLeadersReport();
    void chartWindowSlides();
    void ringBufferWrapsAndPops();
};

void TestClusterModel::startsFromEachNodesStatus()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldThrough(replay.timeOf([](const QJsonObject &e) { return isEvent(e, "state", 3); }));

    QCOMPARE(model.nodeIds(), (std::vector<NodeId>{id(1), id(2), id(3)}));
    for (std::uint32_t n = 1; n <= 3; ++n) {
        const NodeState *node = model.node(id(n));
        QVERIFY(node);
        QVERIFY(node->connected);
        QVERIFY(node->hasStatus);
        QCOMPARE(roleName(node->role), roleName(Role::Follower));
        QCOMPARE(node->term, Term(0));
        QCOMPARE(node->members, (std::vector<NodeId>{id(1), id(2), id(3)}));
        QCOMPARE(node->fsyncMode, u"always"_s);
        QCOMPARE(node->heartbeatMs, 150);
        QCOMPARE(node->electionTimeoutMinMs, 1500);
        QCOMPARE(node->electionTimeoutMaxMs, 2500);
        QVERIFY2(node->electionDeadlineUs > node->electionTimerStartUs,
                 "the election timer runs from the status's elapsed and deadline");
        QVERIFY(node->electionTimeoutUs() >= 1'500'000 && node->electionTimeoutUs() <= 2'500'000);
    }
    const ClusterSummary summary = model.summary();
    QCOMPARE(summary.nodesUp, 3);
    QVERIFY(summary.leader.isNone());
    QCOMPARE(summary.fsyncMode, u"always"_s);
}

void TestClusterModel::firstElectionLeaderVotesAndLog()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldThrough(replay.timeOfDirective(u"fault"_s) - 1); // just before node 3 is cut off

    const NodeState *three = model.node(id(3));
    QCOMPARE(roleName(three->role), roleName(Role::Leader));
    QCOMPARE(three->term, Term(1));
    QCOMPARE(three->votedFor, id(3));
    QCOMPARE(three->votes.term, Term(1));
    QVERIFY(!three->votes.preVote);
    // Node 3 won with node 1's vote; node 2's answer came after the count and was not reported.
    QCOMPARE(three->votes.answers.at(id(1)), VoteAnswer::Granted);
    QCOMPARE(three->votes.answers.at(id(2)), VoteAnswer::Awaited);
    QCOMPARE(three->votes.answers.at(id(3)), VoteAnswer::Granted);
    QCOMPARE(three->electionDeadlineUs, -1); // a leader runs no election timer
    QCOMPARE(three->followers.size(), std::size_t(2));
    QCOMPARE(three->follower(id(1))->matchIndex, LogIndex(4));
    QCOMPARE(three->follower(id(2))->nextIndex, LogIndex(5));
    for (std::uint32_t n : {1u, 2u}) {
        QCOMPARE(roleName(model.node(id(n))->role), roleName(Role::Follower));
        QCOMPARE(model.node(id(n))->leader, id(3));
        QCOMPARE(model.node(id(n))->votedFor, id(3));
    }
    const QStringList commands{u"no-op"_s, u"put a=1"_s, u"put b=2"_s, u"put c=3"_s};
    for (std::uint32_t n = 1; n <= 3; ++n) {
        QCOMPARE(model.node(id(n))->commitIndex, LogIndex(4));
        const LogMirror *log = model.log(id(n));
        QCOMPARE(log->lastIndex(), LogIndex(4));
        QCOMPARE(log->size(), std::size_t(4));
        for (std::uint64_t i = 1; i <= 4; ++i) {
            QVERIFY(log->entry(LogIndex(i)));
            QCOMPARE(log->entry(LogIndex(i))->term, Term(1));
            QCOMPARE(log->entry(LogIndex(i))->command, commands.at(qsizetype(i - 1)));
            QVERIFY(log->isCommitted(LogIndex(i)));
        }
        QVERIFY(!log->entry(LogIndex(5)));
    }
    const ClusterSummary summary = model.summary();
    QCOMPARE(summary.leader, id(3));
    QCOMPARE(summary.highestTerm, Term(1));
    QCOMPARE(summary.leaderCommitIndex, LogIndex(4));
}

void TestClusterModel::staleLeaderAndConflictDuringPartition()
{
    ClusterModel model;
    Replay replay(model);
    // Until the heal: node 3 is cut off, still believes it leads term 1; node 1 leads term 2.
    qint64 healUs = 0;
    for (const FixtureLine &line : replay.lines())
        if (line.directive == "fault"_L1 && line.argument == "heal"_L1)
            healUs = line.tUs;
    replay.foldThrough(healUs - 1);

    QCOMPARE(roleName(model.node(id(3))->role), roleName(Role::Leader));
    QCOMPARE(model.node(id(3))->term, Term(1));
    QCOMPARE(roleName(model.node(id(1))->role), roleName(Role::Leader));
    QCOMPARE(model.node(id(1))->term, Term(2));
    QCOMPARE(model.node(id(2))->leader, id(1));
    QCOMPARE(model.summary().leader, id(1)); // the leader of the highest term
    QCOMPARE(model.summary().highestTerm, Term(2));
    QCOMPARE(model.summary().leaderCommitIndex, LogIndex(6));

    // The conflict: index 5 holds term 1 on node 3 (uncommitted) and term 2 on nodes 1 and 2.
    const LogCell *stranded = model.log(id(3))->entry(LogIndex(5));
    QVERIFY(stranded);
    QCOMPARE(stranded->term, Term(1));
    QCOMPARE(stranded->command, u"put x=lost"_s);
    QVERIFY(!model.log(id(3))->isCommitted(LogIndex(5)));
    for (std::uint32_t n : {1u, 2u}) {
        QCOMPARE(model.log(id(n))->entry(LogIndex(5))->term, Term(2));
        QCOMPARE(model.log(id(n))->entry(LogIndex(5))->command, u"no-op"_s);
        QCOMPARE(model.log(id(n))->entry(LogIndex(6))->command, u"put y=kept"_s);
        QVERIFY(model.log(id(n))->isCommitted(LogIndex(6)));
    }
    // Node 1's pre-vote and vote came from node 2 only; node 3 never answered.
    const ElectionTally &votes = model.node(id(1))->votes;
    QCOMPARE(votes.term, Term(2));
    QCOMPARE(votes.count(VoteAnswer::Granted), 2);
    QCOMPARE(votes.answers.at(id(3)), VoteAnswer::Awaited);

    // Node 3's messages died at the cut.
    const LinkTraffic *cut = model.messages().link(id(3), id(1));
    QVERIFY(cut);
    QVERIFY(cut->dropped > 0);
    bool sawDropAtCut = false;
    model.messages().finished().forEach([&](const TrackedMessage &message) {
        if (message.outcome == MessageOutcome::Dropped) {
            QVERIFY(message.from == id(3) || message.to == id(3)); // both ends block
            QCOMPARE(message.dropReason, u"partitioned"_s);
            sawDropAtCut = true;
        }
    });
    QVERIFY(sawDropAtCut);
}

void TestClusterModel::truncationRemovesTheConflictingEntry()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldThroughEvent([](const QJsonObject &e) { // the stranded write
        return isEvent(e, "append", 3) && e.value("first"_L1).toInteger() == 5;
    });
    QCOMPARE(model.log(id(3))->entry(LogIndex(5))->term, Term(1));
    // The truncation and the append of the leader's entries happen in one step (one t_us); the model
    // sees them in stream order.
    replay.foldThroughEvent([](const QJsonObject &e) { return isEvent(e, "truncate", 3); });
    const LogMirror *three = model.log(id(3));
    QCOMPARE(three->lastIndex(), LogIndex(4));
    QVERIFY(!three->entry(LogIndex(5)));
    QCOMPARE(roleName(model.node(id(3))->role), roleName(Role::Follower));
    QCOMPARE(model.node(id(3))->term, Term(2));
    QCOMPARE(model.node(id(3))->leader, id(1));

    replay.foldThrough(replay.timeOfDirective(u"disconnected"_s) - 1);
    QCOMPARE(three->lastIndex(), LogIndex(6));
    QCOMPARE(three->entry(LogIndex(5))->term, Term(2));
    QCOMPARE(three->entry(LogIndex(6))->command, u"put y=kept"_s);
    QCOMPARE(model.node(id(3))->commitIndex, LogIndex(6));
}

void TestClusterModel::killedLeaderAndRestart()
{
    ClusterModel model;
    Replay replay(model);
    const qint64 restartUs = replay.timeOf(
        [](const QJsonObject &e) { return isEvent(e, "state", 1) && e.value("term"_L1).toInteger() > 0; });
    replay.foldThrough(restartUs - 1);
    QVERIFY(!model.node(id(1))->connected);
    QCOMPARE(model.summary().nodesUp, 2);
    QCOMPARE(model.summary().leader, id(2));
    QCOMPARE(model.summary().highestTerm, Term(3));
    const ElectionTally &votes = model.node(id(2))->votes;
    QCOMPARE(votes.term, Term(3));
    QCOMPARE(votes.answers.at(id(1)), VoteAnswer::Awaited); // dead
    QCOMPARE(votes.answers.at(id(2)), VoteAnswer::Granted);
    QCOMPARE(votes.answers.at(id(3)), VoteAnswer::Granted);
    QCOMPARE(votes.count(VoteAnswer::Refused), 0);

    replay.foldAll();
    const NodeState *one = model.node(id(1));
    QVERIFY(one->connected);
    QCOMPARE(roleName(one->role), roleName(Role::Follower));
    QCOMPARE(one->term, Term(2));
    QCOMPARE(one->votedFor, id(1));
    QCOMPARE(one->lastLogIndex, LogIndex(6));
    QCOMPARE(one->commitIndex, LogIndex(0)); // the commit index is not persisted
    // What node 1 wrote before it died is still mirrored: the restart's status agrees with it.
    QCOMPARE(model.log(id(1))->lastIndex(), LogIndex(6));
    QCOMPARE(model.log(id(1))->entry(LogIndex(6))->command, u"put y=kept"_s);
    QVERIFY(!model.log(id(1))->isCommitted(LogIndex(6)));
    for (std::uint32_t n : {2u, 3u}) {
        QCOMPARE(model.node(id(n))->term, Term(3));
        QCOMPARE(model.node(id(n))->commitIndex, LogIndex(9));
        QCOMPARE(model.log(id(n))->entry(LogIndex(9))->command, u"put w=back"_s);
    }
    QCOMPARE(roleName(model.node(id(2))->role), roleName(Role::Leader));
    QCOMPARE(model.node(id(3))->leader, id(2));
    QCOMPARE(model.summary().nodesUp, 3);
    QCOMPARE(model.summary().leaderCommitIndex, LogIndex(9));
    QCOMPARE(model.highestLogIndex(), LogIndex(9));
}

void TestClusterModel::messagesInFlightAreUnmatchedSends()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldAll();

    // Independently of the model: which sends of the fixture never got a recv or drop.
    std::set<qint64> sent, ended, dropped;
    for (const FixtureLine &line : replay.lines()) {
        const qint64 traceId = line.event.value("id"_L1).toInteger();
        if (isType(line.event, "send"))
            sent.insert(traceId);
        else if (isType(line.event, "recv"))
            ended.insert(traceId);
        else if (isType(line.event, "drop"))
            ended.insert(traceId), dropped.insert(traceId);
    }
    std::set<qint64> unanswered;
    std::set_difference(sent.begin(), sent.end(), ended.begin(), ended.end(),
                        std::inserter(unanswered, unanswered.end()));
    // Those sent to node 1 while it was dead (its stream closed, its new process not yet heard) are
    // lost; those sent after its new process spoke are still in flight.
    const qint64 restartUs = replay.timeOf(
        [](const QJsonObject &e) { return isEvent(e, "state", 1) && e.value("term"_L1).toInteger() > 0; });
    std::set<qint64> unmatched, lost;
    for (const FixtureLine &line : replay.lines())
        if (isType(line.event, "send") && unanswered.contains(line.event.value("id"_L1).toInteger()))
            (line.tUs < restartUs ? lost : unmatched).insert(line.event.value("id"_L1).toInteger());
    QVERIFY2(!unmatched.empty(), "the fixture ends with messages to the restarted node in flight");
    QVERIFY2(!lost.empty(), "the fixture has messages to node 1 while it is dead");

    const MessageTracker &messages = model.messages();
    std::set<qint64> inFlight;
    for (const TrackedMessage &message : messages.inFlight()) {
        inFlight.insert(message.id);
        QCOMPARE(message.outcome, MessageOutcome::InFlight);
        QVERIFY(message.sentUs > 0);
        QCOMPARE(message.endedUs, -1);
        QCOMPARE(message.from, id(2)); // node 2 kept talking to node 1, which heard none of it
        QCOMPARE(message.to, id(1));
    }
    QVERIFY2(inFlight == unmatched, "in flight: exactly the sends the fixture never answers");
    QCOMPARE(messages.sentCount(), quint64(sent.size()));
    QCOMPARE(messages.untrackedCount(), quint64(0));
    QCOMPARE(messages.unmatchedCount(), quint64(0));
    // Every matched pair left the in-flight set for the finished ring, with its outcome.
    std::size_t delivered = 0, droppedSeen = 0;
    std::set<qint64> lostSeen;
    messages.finished().forEach([&](const TrackedMessage &message) {
        QVERIFY(!inFlight.contains(message.id));
        QVERIFY(message.endedUs >= message.sentUs);
        delivered += message.outcome == MessageOutcome::Delivered;
        droppedSeen += message.outcome == MessageOutcome::Dropped;
        if (message.outcome == MessageOutcome::Lost) {
            lostSeen.insert(message.id);
            QCOMPARE(message.to, id(1));
            QCOMPARE(message.dropReason, u"receiver down"_s);
        }
    });
    QCOMPARE(droppedSeen, dropped.size());
    QVERIFY2(lostSeen == lost, "lost: exactly the sends to node 1 while it was down");
    QCOMPARE(delivered + droppedSeen + lostSeen.size(), sent.size() - unmatched.size());
    QVERIFY(model.messages().link(id(2), id(1))->sent >= unmatched.size());
}

void TestClusterModel::unansweredMessagesExpire()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldAll();
    const std::size_t open = model.messages().inFlight().size();
    QVERIFY(open > 0);
    replay.setNow(replay.lastTimeUs() + model.messages().limits().lifetimeUs + 1'000'000);
    QSignalSpy changed(&model, &ClusterModel::changed);
    model.foldPending();
    QCOMPARE(changed.count(), 1); // nothing was queued, but dots disappeared
    QVERIFY(model.messages().inFlight().empty());
    QCOMPARE(model.messages().finished().back().outcome, MessageOutcome::Lost);
}

void TestClusterModel::sendsToAStartingNodeTravelThenLeaveUnseen()
{
    using raftlab::testing::stateEvent;
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    const std::vector<NodeId> two{id(1), id(2)};
    model.ingest(stateEvent(1, now, "follower", 2, two, {}, 2));
    model.ingest(stateEvent(2, now, "leader", 2, two));
    model.foldPending();
    const auto outcomeOf = [&model](qint64 traceId) {
        for (const TrackedMessage &message : model.messages().inFlight())
            if (message.id == traceId)
                return message;
        std::optional<TrackedMessage> found;
        model.messages().finished().forEach([&](const TrackedMessage &message) {
            if (message.id == traceId)
                found = message;
        });
        return found.value_or(TrackedMessage{});
    };

    now = 2'000'000; // node 1 is killed: what is sent to it now bursts
    model.setNodeConnected(id(1), false, true);
    model.foldPending();
    model.ingest(sendEvent(10, 2, 1, 2'100'000));
    model.foldPending();
    QCOMPARE(outcomeOf(10).outcome, MessageOutcome::Lost);
    QCOMPARE(outcomeOf(10).dropReason, u"receiver down"_s);

    now = 3'000'000; // its new process runs; its stream is not connected yet
    model.setNodeStarting(id(1));
    model.foldPending();
    QVERIFY(!model.messages().isNodeDown(id(1)));
    model.ingest(sendEvent(11, 2, 1, 3'100'000));
    model.foldPending();
    QCOMPARE(outcomeOf(11).outcome, MessageOutcome::InFlight);

    // Its stream starts: whether message 11 arrived nobody saw; it leaves without a burst.
    now = 3'800'000;
    model.ingest(stateEvent(1, 3'800'000, "follower", 2, two, {}, 2));
    model.foldPending();
    QCOMPARE(outcomeOf(11).outcome, MessageOutcome::Lost);
    QCOMPARE(outcomeOf(11).dropReason, QString());
    QCOMPARE(outcomeOf(11).endedUs, qint64(3'800'000));
    QVERIFY(model.messages().inFlight().empty());

    // From now on its receipts are seen.
    model.ingest(sendEvent(12, 2, 1, 3'900'000));
    model.ingest(recvEvent(12, 2, 1, 3'950'000));
    model.foldPending();
    QCOMPARE(outcomeOf(12).outcome, MessageOutcome::Delivered);
}

void TestClusterModel::narrationIsNewestFirstAndFilterable()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldAll();
    const Narration *feed = model.narration();
    QVERIFY(feed->size() > 50);
    QCOMPARE(feed->rowCount(), int(feed->size()));
    for (std::size_t row = 1; row < feed->size(); ++row)
        QVERIFY2(feed->item(row - 1).tUs >= feed->item(row).tUs, "newest first");
    QVERIFY(feed->item(0).tUs <= replay.lastTimeUs());

    const auto truncations = feed->items(NarrationFilter{.nodes = {id(3)}, .types = {u"truncate"_s}}, 100);
    QCOMPARE(truncations.size(), std::size_t(1));
    QVERIFY2(truncations.front().text.startsWith(u"Node 3 removed its entries from index 5 on"_s),
             qPrintable(truncations.front().text));
    const auto faults = feed->items(NarrationFilter{.types = {u"fault"_s}}, 100);
    QCOMPARE(faults.size(), std::size_t(2));
    QCOMPARE(faults.front().text, u"heal"_s); // newest first
    QCOMPARE(faults.back().text, u"cut node 3 off"_s);
    const auto down = feed->items(NarrationFilter{.types = {u"connection"_s}}, 100);
    QCOMPARE(down.size(), std::size_t(1));
    QCOMPARE(down.front().node, id(1));
    const auto elections = feed->items(NarrationFilter{.types = {u"role"_s}}, 100);
    QVERIFY(std::any_of(elections.begin(), elections.end(), [](const NarrationItem &item) {
        return item.text == u"Node 2 won the election: it leads term 3."_s;
    }));
    const auto votes = feed->items(NarrationFilter{.nodes = {id(3)}, .types = {u"vote"_s}}, 100);
    QVERIFY(!votes.empty());
    for (const NarrationItem &item : votes)
        QVERIFY(item.text.startsWith(u"Node 3 granted"_s) || item.text.startsWith(u"Node 3 refused"_s) ||
                item.text.startsWith(u"Node 3 voted for"_s));

    // The same filter through the proxy model a QListView would show.
    NarrationFilterModel proxy;
    proxy.setSourceModel(model.narration());
    proxy.setFilter(NarrationFilter{.nodes = {id(2)}, .types = {u"role"_s}});
    const auto expected = feed->items(proxy.filter(), 10'000);
    QCOMPARE(proxy.rowCount(), int(expected.size()));
    QCOMPARE(proxy.index(0, 0).data().toString(), expected.front().text);
    QCOMPARE(proxy.index(0, 0).data(Narration::NodeRole).toInt(), 2);
}

void TestClusterModel::feedSentencesPassThroughTheTranslator()
{
    const testing::MarkedTranslations marked;
    ClusterModel model;
    Replay replay(model);
    replay.foldAll();
    const Narration *feed = model.narration();
    QVERIFY(feed->size() > 50);
    // A fault marker is the words of whoever caused it (recorded in the stream), not the app's own.
    QStringList bare;
    for (std::size_t row = 0; row < feed->size(); ++row) {
        const NarrationItem &item = feed->item(row);
        if (item.type != u"fault"_s && !item.text.contains(testing::MarkingTranslator::open))
            bare << item.type + u": "_s + item.text;
    }
    QVERIFY2(bare.isEmpty(), qPrintable(u"not through tr():\n"_s + bare.join(QLatin1Char('\n'))));
}

void TestClusterModel::preVoteSentencesNameBothTerms()
{
    // Over the whole recording: a pre-vote is for the next term while the asker stays in its own, and
    // every sentence about one says which; a refusal refuses a request, not a vote.
    {
        ClusterModel model;
        Replay replay(model);
        replay.foldAll();
        for (std::size_t row = 0; row < model.narration()->size(); ++row) {
            const QString text = model.narration()->item(row).text;
            if (text.contains(u"pre-vote"_s))
                QVERIFY2(text.contains(QRegularExpression(u"term \\d+ \\(it (is|stays) in term \\d+"_s)) ||
                             text.contains(QRegularExpression(u"for term \\d+ .*in term \\d+"_s)),
                         qPrintable(text));
            QVERIFY2(!text.contains(QRegularExpression(u"refused node \\d+'s (pre-)?vote[ :.]"_s)),
                     qPrintable(text));
        }
    }
    using namespace raftlab::testing;
    ClusterModel model;
    qint64 now = 9'000'000;
    model.setClock([&now] { return now; });
    const std::vector<NodeId> three{id(1), id(2), id(3)};
    model.ingest(stateEvent(1, now, "leader", 3, three));
    model.ingest(stateEvent(2, now, "follower", 3, three, {}, 1));
    model.ingest(stateEvent(3, now, "follower", 3, three, {}, 1));
    const auto event = [&](std::uint32_t node, const char *type, QJsonObject fields) {
        fields["type"_L1] = QLatin1StringView(type);
        fields["node"_L1] = qint64(node);
        fields["t_us"_L1] = ++now;
        if (!fields.contains("term"_L1))
            fields["term"_L1] = 3;
        model.ingest(fields);
    };
    event(3, "role", {{"role"_L1, "precandidate"_L1}, {"reason"_L1, "election_timeout"_L1}});
    event(3, "vote_request", {{"prevote"_L1, true}, {"role"_L1, "precandidate"_L1}});
    event(2, "recv", {{"msg"_L1, "PreVote"_L1}, {"from"_L1, 3}, {"to"_L1, 2}, {"id"_L1, 77}, {"term"_L1, 4}});
    event(2, "vote",
          {{"candidate"_L1, 3},
           {"granted"_L1, false},
           {"prevote"_L1, true},
           {"voted_for"_L1, 1},
           {"reason"_L1, "leader_alive"_L1}});
    event(1, "recv",
          {{"msg"_L1, "RequestVote"_L1}, {"from"_L1, 3}, {"to"_L1, 1}, {"id"_L1, 78}, {"term"_L1, 4}});
    event(1, "vote",
          {{"candidate"_L1, 3},
           {"granted"_L1, false},
           {"prevote"_L1, false},
           {"voted_for"_L1, 2},
           {"reason"_L1, "already_voted"_L1},
           {"term"_L1, 4}});
    event(1, "vote",
          {{"candidate"_L1, 3},
           {"granted"_L1, false},
           {"prevote"_L1, true},
           {"voted_for"_L1, 1},
           {"reason"_L1, "leader_alive"_L1},
           {"role"_L1, "leader"_L1},
           {"term"_L1, 4}});
    model.foldPending();
    QStringList said = feedSentences(model);
    QVERIFY2(said.contains(u"Node 3 became a pre-candidate for term 4 (it stays in term 3 unless it wins the "
                           "pre-vote)."_s),
             qPrintable(said.join(u'\n')));
    QVERIFY2(said.contains(u"Node 3 asks for pre-votes for term 4 (it is in term 3)."_s),
             qPrintable(said.join(u'\n')));
    QVERIFY2(said.contains(
                 u"Node 2 refused node 3's pre-vote request for term 4: it heard from its leader, node 1, "
                 "less than an election timeout ago."_s),
             qPrintable(said.join(u'\n')));
    QVERIFY2(
        said.contains(
            u"Node 1 refused node 3's vote request for term 4: it already voted for node 2 in term 4."_s),
        qPrintable(said.join(u'\n')));
    // A leader refusing a pre-vote does not "hear from its leader": it is the leader.
    QVERIFY2(
        said.contains(u"Node 1 refused node 3's pre-vote request: it leads term 4 itself, and its followers "
                      "still hear from it."_s),
        qPrintable(said.join(u'\n')));
}

// With CheckQuorum a node that heard from its leader within the minimum election timeout ignores a vote
// request for a newer term and sends nothing back (RaftCore::step): the feed must not say it refused.
void TestClusterModel::aRequestIgnoredUnderALeaseIsNotCalledRefused()
{
    using namespace raftlab::testing;
    ClusterModel model;
    qint64 now = 9'000'000;
    model.setClock([&now] { return now; });
    const std::vector<NodeId> three{id(1), id(2), id(3)};
    model.ingest(stateEvent(1, now, "leader", 3, three));
    model.ingest(stateEvent(2, now, "follower", 3, three, {}, 1));
    model.ingest(stateEvent(3, now, "precandidate", 3, three, {}, 0));
    model.ingest(QJsonObject{{"type"_L1, "vote_request"_L1},
                             {"node"_L1, 3},
                             {"t_us"_L1, ++now},
                             {"term"_L1, 3},
                             {"prevote"_L1, true},
                             {"role"_L1, "precandidate"_L1}});
    model.ingest(QJsonObject{{"type"_L1, "recv"_L1},
                             {"node"_L1, 2},
                             {"t_us"_L1, ++now},
                             {"msg"_L1, "PreVote"_L1},
                             {"from"_L1, 3},
                             {"to"_L1, 2},
                             {"id"_L1, 77},
                             {"term"_L1, 4}});
    const auto ignored = [&](std::uint32_t node, bool answered) {
        return QJsonObject{
            {"type"_L1, "vote"_L1},   {"node"_L1, qint64(node)}, {"t_us"_L1, ++now},
            {"term"_L1, 3},           {"candidate"_L1, 3},       {"granted"_L1, false},
            {"prevote"_L1, true},     {"voted_for"_L1, 1},       {"reason"_L1, "leader_alive"_L1},
            {"answered"_L1, answered}};
    };
    model.ingest(ignored(2, false));
    model.foldPending();
    QStringList said = feedSentences(model);
    QVERIFY2(said.contains(u"Node 2 ignored node 3's pre-vote request for term 4 without answering: it heard "
                           "from its leader, node 1, less than an election timeout ago."_s),
             qPrintable(said.join(u'\n')));
    QVERIFY2(!said.join(u'\n').contains(u"refused"_s), qPrintable(said.join(u'\n')));
    // The leader it heard is not whom it voted for.
    QCOMPARE(model.node(id(2))->votedFor, NodeId{});

    // Without CheckQuorum a pre-vote is refused, with an answer: the feed says so.
    model.ingest(ignored(2, true));
    model.foldPending();
    said = feedSentences(model);
    QVERIFY2(said.contains(
                 u"Node 2 refused node 3's pre-vote request for term 4: it heard from its leader, node 1, "
                 "less than an election timeout ago."_s),
             qPrintable(said.join(u'\n')));
}

void TestClusterModel::repeatedSentencesAreCountedOnOneLine()
{
    using namespace raftlab::testing;
    ClusterModel model;
    qint64 now = 9'000'000;
    model.setClock([&now] { return now; });
    nodeOneLeadsThreeAtX20(model, now, {2, 3});
    const std::size_t before = model.narration()->size();
    // Node 3 is cut off: every election timeout it asks for pre-votes again, in vain; node 1 keeps
    // sending heartbeats every second. Twenty seconds of that.
    for (int second = 0; second < 20; ++second) {
        now += 1'000'000;
        model.ingest(heartbeatEvent(1, now, 2));
        if (second % 4 == 0) {
            model.ingest(QJsonObject{{"type"_L1, "timeout"_L1},
                                     {"node"_L1, 3},
                                     {"term"_L1, 2},
                                     {"t_us"_L1, now + 1},
                                     {"role"_L1, "precandidate"_L1},
                                     {"reason"_L1, "election_timeout"_L1}});
            model.ingest(QJsonObject{{"type"_L1, "vote_request"_L1},
                                     {"node"_L1, 3},
                                     {"term"_L1, 2},
                                     {"t_us"_L1, now + 2},
                                     {"role"_L1, "precandidate"_L1},
                                     {"prevote"_L1, true}});
        }
        model.foldPending();
    }
    const Narration *feed = model.narration();
    QCOMPARE(feed->size(), before + 3); // heartbeats, timeouts, pre-vote requests: one line each
    QStringList lines;
    for (std::size_t row = 0; row < 3; ++row)
        lines << feed->item(row).shownText();
    QVERIFY2(lines.contains(u"Node 1 sends heartbeats every 1.0 s in term 2."_s),
             qPrintable(lines.join(u'\n')));
    QVERIFY2(lines.contains(u"Node 3's election timer fired in term 2. ×5"_s), qPrintable(lines.join(u'\n')));
    QVERIFY2(lines.contains(u"Node 3 asks for pre-votes for term 3 (it is in term 2). ×5"_s),
             qPrintable(lines.join(u'\n')));
}

void TestClusterModel::heartbeatsAreSaidOncePerLeaderTermAndRate()
{
    using namespace raftlab::testing;
    ClusterModel model;
    qint64 now = 9'000'000;
    model.setClock([&now] { return now; });
    nodeOneLeadsThreeAtX20(model, now, {2});
    const auto heartbeat = [&model](qint64 tUs, std::uint64_t term) {
        model.ingest(heartbeatEvent(1, tUs, term));
    };
    const auto heartbeatLines = [&model] {
        QStringList lines;
        for (std::size_t row = 0; row < model.narration()->size(); ++row)
            if (model.narration()->item(row).type == "heartbeat"_L1)
                lines << model.narration()->item(row).shownText();
        return lines;
    };
    // A busy minute: between two heartbeats more news than the feed groups repeats over (writes commit).
    for (int second = 0; second < 60; ++second) {
        now += 1'000'000;
        heartbeat(now, 2);
        for (std::size_t i = 0; i < Narration::groupingWindow; ++i)
            model.ingest(commitEvent(2, now + 1 + qint64(i), std::uint64_t(second) * 100 + i + 1, 2));
        model.foldPending();
    }
    QCOMPARE(heartbeatLines(), QStringList{u"Node 1 sends heartbeats every 1.0 s in term 2."_s});
    // Back to real time: the same leader now sends every 50 ms, and says so once.
    now += 1'000'000;
    model.ingest(QJsonObject{{"type"_L1, "faults"_L1},
                             {"node"_L1, 1},
                             {"term"_L1, 2},
                             {"t_us"_L1, now},
                             {"heartbeat_ms"_L1, 50},
                             {"text"_L1, u"Node 1 changed its timers."_s}});
    for (int beat = 1; beat <= 40; ++beat)
        heartbeat(now + beat * 50'000, 2);
    model.foldPending();
    QCOMPARE(heartbeatLines(),
             (QStringList{u"Node 1 sends heartbeats every 50 ms in term 2."_s,
                          u"Node 1 sends heartbeats every 1.0 s in term 2."_s}));
    // Elected again in a later term: a new sentence for the new term.
    now += 3'000'000;
    QJsonObject reelected = stateEvent(1, now, "leader", 4, {id(1), id(2), id(3)});
    reelected["heartbeat_ms"_L1] = 50;
    model.ingest(reelected);
    heartbeat(now + 50'000, 4);
    heartbeat(now + 100'000, 4);
    model.foldPending();
    QCOMPARE(heartbeatLines().size(), 3);
    QCOMPARE(heartbeatLines().front(), u"Node 1 sends heartbeats every 50 ms in term 4."_s);
}

void TestClusterModel::oneSentencePerUserAction()
{
    ClusterModel model;
    qint64 now = 9'000'000;
    model.setClock([&now] { return now; });
    for (std::uint32_t n = 1; n <= 5; ++n)
        model.ingest(raftlab::testing::stateEvent(n, now, n == 1 ? "leader" : "follower", 2,
                                                  {id(1), id(2), id(3), id(4), id(5)}));
    model.foldPending();
    const std::size_t before = model.narration()->size();
    // One click on ×20: every node confirms its new timers and its delay.
    model.addFaultMarker(u"slow motion ×20"_s, now, u"You slowed the cluster down ×20."_s);
    for (std::uint32_t n = 1; n <= 5; ++n)
        for (const char *what : {"timers", "delay"})
            model.ingest(
                QJsonObject{{"type"_L1, "faults"_L1},
                            {"node"_L1, qint64(n)},
                            {"term"_L1, 2},
                            {"t_us"_L1, now + 1000 * n},
                            {"heartbeat_ms"_L1, 1000},
                            {"text"_L1, u"Node %1 changed its %2."_s.arg(n).arg(QLatin1StringView(what))}});
    model.foldPending();
    QCOMPARE(model.narration()->size(), before + 1);
    QCOMPARE(model.narration()->item(0).text,
             u"You slowed the cluster down ×20 (confirmed by nodes 1, 2, 3, 4 and 5)."_s);
    // Killing a node: its stream's end is the action's consequence, not news.
    model.addFaultMarker(u"killed node 3"_s, now + 10'000, u"You killed node 3."_s);
    model.setNodeConnected(id(3), false, true);
    model.foldPending();
    QCOMPARE(model.narration()->size(), before + 2);
    // A faults event long after any action is the node's own news.
    now += 10'000'000;
    model.ingest(QJsonObject{{"type"_L1, "faults"_L1},
                             {"node"_L1, 2},
                             {"term"_L1, 2},
                             {"t_us"_L1, now},
                             {"text"_L1, u"Node 2 now blocks node 4."_s}});
    model.foldPending();
    QCOMPARE(model.narration()->item(0).text, u"Node 2 now blocks node 4."_s);
}

void TestClusterModel::chartsSeriesAndLeaderlessTime()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldAll();
    const ClusterHistory &history = model.history();

    const TimeSeries *terms = history.termSeries(id(3));
    QVERIFY(terms);
    std::vector<double> values;
    terms->forEach([&](const SeriesPoint &point) { values.push_back(point.value); });
    QCOMPARE(values, (std::vector<double>{0, 1, 2, 3}));
    QCOMPARE(history.commitSeries(id(2))->last().value, 9.0);
    QCOMPARE(history.faultMarkers().size(), std::size_t(2));
    QCOMPARE(history.faultMarkers().front().label, u"cut node 3 off"_s);

    // Nobody led before the first election, and between node 1's death and node 2's victory.
    const LeaderPresence &presence = history.leaderPresence();
    QCOMPARE(presence.leader(), id(2));
    QCOMPARE(presence.spans().size(), std::size_t(2));
    const qint64 firstVictory = replay.timeOf(
        [](const QJsonObject &e) { return isType(e, "role") && e.value("role"_L1) == "leader"_L1; });
    QCOMPARE(presence.spans().front().endUs, firstVictory);
    QCOMPARE(presence.spans().at(1).startUs, replay.timeOfDirective(u"disconnected"_s));
    const qint64 secondVictory = replay.timeOf([](const QJsonObject &e) {
        return isType(e, "role") && e.value("role"_L1) == "leader"_L1 && e.value("term"_L1).toInteger() == 3;
    });
    QCOMPARE(presence.spans().at(1).endUs, secondVictory);
    const qint64 total = presence.leaderlessUs(0, replay.lastTimeUs());
    QCOMPARE(total,
             (presence.spans().front().endUs - presence.spans().front().startUs) +
                 (secondVictory - replay.timeOfDirective(u"disconnected"_s)));
    QCOMPARE(presence.leaderlessSinceUs(), -1);
}

void TestClusterModel::clientWritesPerSecond()
{
    ClusterModel model;
    qint64 now = 10'000'000;
    model.setClock([&now] { return now; });
    for (qint64 latency : {1000, 2000, 3000, 4000})
        model.recordClientWrite(latency, WriteOutcome::Committed);
    model.recordClientWrite(3'000'000, WriteOutcome::Failed);
    now += 1'000'000;
    model.foldPending();
    const RingBuffer<WriteSecond> &seconds = model.history().clientWrites().seconds();
    QCOMPARE(seconds.size(), std::size_t(1));
    QCOMPARE(seconds.back().startUs, 10'000'000);
    QCOMPARE(seconds.back().committed, 4);
    QCOMPARE(seconds.back().failed, 1);
    QCOMPARE(seconds.back().p50Us, 3000);
    QCOMPARE(seconds.back().p99Us, 4000);
    now += 5'000'000; // quiet seconds close as zeros, so the throughput line drops to 0
    model.foldPending();
    QCOMPARE(seconds.size(), std::size_t(6));
    QCOMPARE(seconds.back().committed, 0);
}

void TestClusterModel::oneChangedSignalPerFrame()
{
    ClusterModel model;
    Replay replay(model);
    QSignalSpy changed(&model, &ClusterModel::changed);
    QSignalSpy nodes(&model, &ClusterModel::nodesChanged);
    QSignalSpy rows(model.narration(), &QAbstractItemModel::rowsInserted);
    for (const FixtureLine &line : replay.lines())
        if (line.directive.isEmpty())
            model.ingest(line.event);
    QCOMPARE(model.pendingCount(), replay.lines().size() - 3); // three directives
    model.foldPending();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(nodes.count(), 1);
    QCOMPARE(rows.count(), 1);
    QCOMPARE(model.pendingCount(), std::size_t(0));
    QCOMPARE(model.statistics().eventsFolded, quint64(replay.lines().size() - 3));
    model.foldPending(); // nothing new
    QCOMPARE(changed.count(), 1);
}

void TestClusterModel::frameTimerFoldsWithoutBeingAsked()
{
    ClusterModel model;
    QSignalSpy changed(&model, &ClusterModel::changed);
    const qint64 now = model.nowUs();
    for (int i = 0; i < 100; ++i)
        model.ingest(textEvent(1, now + i, u"sentence %1"_s.arg(i)));
    QCOMPARE(changed.count(), 0); // ingest only queues
    QVERIFY(changed.wait(1000));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.narration()->size(), std::size_t(100));
    QCOMPARE(model.narration()->item(0).text, u"sentence 99"_s);
}

void TestClusterModel::receiptBeforeSendIsMatched()
{
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    model.ingest(recvEvent(42, 1, 2, 1'000'300)); // node 2's stream was faster than node 1's
    model.foldPending();
    QVERIFY(model.messages().inFlight().empty());
    model.ingest(sendEvent(42, 1, 2, 1'000'100));
    model.ingest(sendEvent(43, 1, 2, 1'000'200));
    model.foldPending();
    QCOMPARE(model.messages().inFlight().size(), std::size_t(1));
    QCOMPARE(model.messages().inFlight().front().id, qint64(43));
    QCOMPARE(model.messages().finished().back().id, qint64(42));
    QCOMPARE(model.messages().finished().back().outcome, MessageOutcome::Delivered);
    QCOMPARE(model.messages().finished().back().endedUs, qint64(1'000'300));
}

void TestClusterModel::sizesStayBoundedUnderLoad()
{
    ClusterModel::Limits limits;
    ClusterModel model(limits);
    qint64 now = 1'000'000'000;
    model.setClock([&now] { return now; });
    // 4 x 10,000 narrated events, and 5,000 sends per round that nobody receives, over 9 x 9 links;
    // a frame every 500 events.
    qint64 traceId = 1;
    for (int round = 0; round < 4; ++round) {
        for (int i = 0; i < 10'000; ++i) {
            now += 10;
            model.ingest(textEvent(std::uint32_t(1 + i % 9), now, u"sentence %1"_s.arg(i)));
            if (i % 2 == 0)
                model.ingest(
                    sendEvent(traceId++, std::uint32_t(1 + i % 9), std::uint32_t(1 + (i / 9) % 9), now));
            if (i % 500 == 499)
                model.foldPending();
        }
        QCOMPARE(model.narration()->size(), limits.narrationItems);
        QCOMPARE(model.narration()->rowCount(), int(limits.narrationItems));
        QVERIFY(model.messages().inFlight().size() <= limits.messages.maxInFlight);
        QCOMPARE(model.messages().finished().size(), std::size_t(0));
    }
    QCOMPARE(model.narration()->item(0).text, u"sentence 9999"_s);
    QCOMPARE(model.messages().sentCount(), quint64(20'000));
    // Per link, at most the per-link quota is in flight; the rest is counted, not drawn.
    std::map<std::pair<NodeId, NodeId>, std::size_t> perLink;
    for (const TrackedMessage &message : model.messages().inFlight())
        ++perLink[{message.from, message.to}];
    for (const auto &[link, count] : perLink)
        QVERIFY(count <= limits.messages.maxInFlightPerLink);
    QCOMPARE(model.messages().untrackedCount() + model.messages().inFlight().size(), quint64(20'000));
    QCOMPARE(model.statistics().eventsShed, quint64(0));
}

void TestClusterModel::queueShedsMessagesWhenTheUiFallsBehind()
{
    ClusterModel::Limits limits;
    limits.maxPendingEvents = 1000;
    ClusterModel model(limits);
    model.setClock([] { return qint64(1'000'000); });
    for (int i = 0; i < 10'000; ++i)
        model.ingest(sendEvent(i + 1, 1, 2, 1000 + i));
    QCOMPARE(model.pendingCount(), limits.maxPendingEvents);
    QCOMPARE(model.statistics().eventsShed, quint64(9000));
    // Decisions still get in (up to twice the limit): the state never misses a role change.
    for (int i = 0; i < 10'000; ++i)
        model.ingest(textEvent(1, 20'000 + i, u"sentence %1"_s.arg(i)));
    QCOMPARE(model.pendingCount(), 2 * limits.maxPendingEvents);
    model.foldPending();
    QCOMPARE(model.pendingCount(), std::size_t(0));
}

void TestClusterModel::restartedNodesLogComesFromItsStatusAndLogMatching()
{
    using namespace raftlab::testing;
    ClusterModel model;
    qint64 now = 5'000'000;
    model.setClock([&now] { return now; });
    const std::vector<NodeId> three{id(1), id(2), id(3)};
    for (std::uint32_t n = 1; n <= 3; ++n)
        model.ingest(stateEvent(n, now, n == 1 ? "leader" : "follower", 1, three));
    for (std::uint32_t n = 1; n <= 3; ++n)
        model.ingest(appendEvent(n, now + 1, 1, entries(1, 2, 1)));
    model.foldPending();
    // Node 3 dies; the others go on to index 4 in term 2; node 3 comes back, and its stream starts only
    // after it received entries 3 and 4: its status says 1-4, no snapshot; the app saw 1-2 of it.
    model.setNodeConnected(id(3), false);
    now += 1000;
    for (std::uint32_t n = 1; n <= 2; ++n)
        model.ingest(appendEvent(n, now, 3, entries(3, 2, 2)));
    model.foldPending();
    QJsonObject restarted = stateEvent(3, now + 10, "follower", 2, three, {}, 1);
    restarted["last_log_index"_L1] = 4;
    restarted["last_log_term"_L1] = 2;
    restarted["first_log_index"_L1] = 1;
    restarted["snapshot_index"_L1] = 0;
    model.ingest(restarted);
    model.foldPending();
    const LogMirror *log = model.log(id(3));
    QCOMPARE(log->lastIndex(), LogIndex(4));
    QCOMPARE(log->snapshotIndex(), LogIndex(0));
    QVERIFY(!log->hasGaps());
    for (std::uint64_t index = 1; index <= 4; ++index) {
        QVERIFY(log->entry(LogIndex(index)));
        QCOMPARE(log->entry(LogIndex(index))->command, model.log(id(1))->entry(LogIndex(index))->command);
    }

    // A node whose last entry nobody else holds (index 4 of another term): nothing is borrowed.
    LogMirror alone;
    alone.append(LogIndex(1), entries(1, 2, 1));
    alone.resync(LogIndex(1), LogIndex(4), Term(3), LogIndex(0));
    QVERIFY(alone.hasGaps());
    QVERIFY(!alone.fillFrom(*model.log(id(1))));
    QVERIFY(!alone.entry(LogIndex(3)));
    // Its head: a mirror that started at index 3 borrows 1-2 from a log that agrees at index 3.
    LogMirror late;
    late.append(LogIndex(3), entries(3, 2, 2));
    QVERIFY(late.hasGaps());
    QVERIFY(late.fillFrom(*model.log(id(1))));
    QCOMPARE(late.firstMirroredIndex(), LogIndex(1));
    QVERIFY(!late.hasGaps());
}

void TestClusterModel::uncommittedCellsReplacedUnseenAreNotKept()
{
    using testing::entries;
    // Node 3 mirrored 1-6 of term 2, 3 of them committed. While its stream was down a leader of term 3
    // replaced 5-6 and appended up to 8; the truncation was never seen. Its next state event says only
    // "last 8, term 3": the cells past the commit index must go, and come back from a log that agrees.
    LogMirror stale;
    stale.append(LogIndex(1), entries(1, 6, 2));
    stale.setCommitIndex(LogIndex(3));
    stale.resync(LogIndex(1), LogIndex(8), Term(3), LogIndex(0));
    QVERIFY(stale.entry(LogIndex(3)));
    QVERIFY(!stale.entry(LogIndex(5)));
    LogMirror leader;
    leader.append(LogIndex(1), entries(1, 4, 2));
    leader.append(LogIndex(5), entries(5, 4, 3));
    QVERIFY(stale.fillFrom(leader));
    for (std::uint64_t index = 1; index <= 8; ++index) {
        QVERIFY(stale.entry(LogIndex(index)));
        QCOMPARE(stale.entry(LogIndex(index))->term, leader.entry(LogIndex(index))->term);
    }
}

// Seen under Xvfb at 100 writes/s: the leader's blue "applied" bar 4 entries behind its green commit bar,
// while every follower had applied them. In the recording (fixtures/leader_under_load.jsonl) every node
// applies an entry within 0.1 ms of learning it is committed (a leader: before or right after its
// messages carry the new commit index), so that was the leader's stream arriving behind its followers',
// a display lag. At every frame each follower's row shows the last apply its node reported, and the
// leader's row shows applied what it shows committed (failed before: node 1 applied 1 of 2 shown
// committed).
void TestClusterModel::theAppliedBarIsWhatEachNodeApplied()
{
    ClusterModel model;
    Replay replay(model, u"leader_under_load.jsonl"_s);
    std::map<std::uint32_t, qint64> applied; // the `apply` reports, as the streams said them
    std::map<std::uint32_t, qint64> committed; // the `commit` reports
    std::size_t checked = 0;
    for (const FixtureLine &line : replay.lines()) {
        const auto node = std::uint32_t(line.event.value("node"_L1).toInteger());
        if (isType(line.event, "apply"))
            applied[node] = std::max(applied[node], line.event.value("last"_L1).toInteger());
        if (isType(line.event, "commit"))
            committed[node] = std::max(committed[node], line.event.value("index"_L1).toInteger());
        replay.foldLines(1); // a frame per event: the finest a frame can cut the streams
        const NodeId leader = model.summary().leader;
        for (const auto &[reporter, last] : applied) {
            const LogMirror *log = model.log(id(reporter));
            QVERIFY(log);
            QVERIFY(log->appliedIndex() <= log->commitIndex()); // applied means known committed
            if (id(reporter) != leader) {
                QCOMPARE(qint64(log->appliedIndex().value), last);
            } else {
                QVERIFY2(log->appliedIndex() == log->commitIndex(),
                         qPrintable(u"node %1 applied %2 of %3 shown committed"_s.arg(reporter)
                                        .arg(log->appliedIndex().value)
                                        .arg(log->commitIndex().value)));
                QVERIFY(qint64(log->appliedIndex().value) >= last);
            }
            ++checked;
        }
    }
    QVERIFY(checked > 100);
    for (const auto &[node, commit] : committed)
        QVERIFY2(
            applied[node] >= commit,
            qPrintable(u"node %1 applied %2 of %3 committed"_s.arg(node).arg(applied[node]).arg(commit)));
}

void TestClusterModel::leaderHoldsEveryEntryOfItsTermAFollowerHolds()
{
    // fixtures/leader_under_load.jsonl (fixtures/record_load.py): a real 3-node cluster under write load.
    // The leader sends new entries while its own disk write of them runs, and its stream reports them
    // (`append`) only when that write returns: a follower reported entries of the leader's term first.
    // Entries of a term are made by that term's leader alone, so the leader's row holds all of them.
    ClusterModel model;
    Replay replay(model, u"leader_under_load.jsonl"_s);
    std::map<std::uint32_t, qint64> reported; // the `append` reports, as the streams said them
    std::map<std::uint32_t, qint64> commits; // the `commit` reports
    qint64 leaderBehindBy = 0;
    qint64 leaderCommitBehindBy = 0;
    std::size_t framesChecked = 0;
    for (const FixtureLine &line : replay.lines()) {
        if (isType(line.event, "append"))
            reported[std::uint32_t(line.event.value("node"_L1).toInteger())] =
                line.event.value("last"_L1).toInteger();
        if (isType(line.event, "commit"))
            commits[std::uint32_t(line.event.value("node"_L1).toInteger())] =
                line.event.value("index"_L1).toInteger();
        replay.foldLines(1); // a frame per event: the finest a frame can cut the streams
        const NodeId leader = model.summary().leader;
        if (leader.isNone())
            continue;
        const NodeState *leaderState = model.node(leader);
        const LogMirror *leaderLog = model.log(leader);
        for (const auto &[node, last] : reported)
            if (node != leader.value && reported.contains(leader.value))
                leaderBehindBy = std::max(leaderBehindBy, last - reported[leader.value]);
        for (NodeId other : model.nodeIds()) {
            const LogMirror *log = model.log(other);
            if (other == leader || !log)
                continue;
            for (LogIndex index = log->firstMirroredIndex(); index <= log->lastMirroredIndex();
                 index = index.next()) {
                if (log->entry(index)->term != leaderState->term)
                    continue;
                const LogCell *held = leaderLog->entry(index);
                QVERIFY2(held && held->term == leaderState->term &&
                             held->command == log->entry(index)->command,
                         qPrintable(u"node %1 holds entry %2 of term %3; its leader, node %4, shows %5"_s
                                        .arg(other.value)
                                        .arg(index.value)
                                        .arg(leaderState->term.value)
                                        .arg(leader.value)
                                        .arg(leaderLog->lastIndex().value)));
            }
            QVERIFY(leaderLog->lastIndex() >= log->lastIndex() || log->lastTerm() != leaderState->term);
            // One leader, one term, from the start: whatever a follower knows committed it heard from the
            // leader, whose messages carry its commit index as they leave (its `commit` event comes with
            // its next disk write).
            const NodeState *follower = model.node(other);
            QVERIFY2(leaderState->commitIndex >= follower->commitIndex,
                     qPrintable(u"node %1 knows %2 committed; its leader shows %3"_s.arg(other.value)
                                    .arg(follower->commitIndex.value)
                                    .arg(leaderState->commitIndex.value)));
            QCOMPARE(leaderLog->commitIndex(), leaderState->commitIndex);
            if (commits.contains(leader.value) && commits.contains(other.value))
                leaderCommitBehindBy =
                    std::max(leaderCommitBehindBy, commits[other.value] - commits[leader.value]);
        }
        ++framesChecked;
    }
    QVERIFY2(leaderBehindBy >= 3, "the recording has the leader's own reports behind a follower's");
    QVERIFY2(leaderCommitBehindBy >= 1, "the recording has the leader's commit report behind a follower's");
    QVERIFY(framesChecked > 100);
}

void TestClusterModel::whatAFollowerLearnsCommittedItsLeaderKnew()
{
    using namespace raftlab::testing;
    // Seen at 1920x1080 under load: in one frame the followers' streams had said "entries up to 594 are
    // committed" and the leader's, the busiest, had not yet delivered the messages that told them so.
    // A follower's commit index moves in term T only on what the leader of T sends: the leader knew it.
    ClusterModel model;
    qint64 now = 5'000'000;
    model.setClock([&now] { return now; });
    const std::vector<NodeId> three{id(1), id(2), id(3)};
    model.ingest(stateEvent(1, now, "leader", 2, three));
    for (std::uint32_t n = 2; n <= 3; ++n)
        model.ingest(stateEvent(n, now, "follower", 2, three, {}, 1));
    for (std::uint32_t n = 1; n <= 3; ++n)
        model.ingest(appendEvent(n, now + 1, 1, entries(1, 4, 2)));
    QJsonObject leaderCommit = commitEvent(1, now + 2, 2, 2);
    leaderCommit["role"_L1] = "leader"_L1;
    model.ingest(leaderCommit);
    model.ingest(commitEvent(2, now + 3, 4, 2)); // the leader's own word on 3-4 is still on its way
    model.foldPending();
    QCOMPARE(model.node(id(1))->commitIndex, LogIndex(4));
    QCOMPARE(model.log(id(1))->commitIndex(), LogIndex(4));
    QCOMPARE(model.summary().leaderCommitIndex, LogIndex(4));
    // A commit index a follower brought from an earlier term says nothing of this leader: node 3, in
    // term 3 now, learned 4 from another leader.
    now += 1000;
    model.ingest(stateEvent(1, now, "leader", 3, three));
    QJsonObject older = commitEvent(3, now + 1, 4, 2);
    model.ingest(older);
    model.foldPending();
    QCOMPARE(model.node(id(1))->commitIndex, LogIndex(0)); // its status said none yet in term 3
}

void TestClusterModel::anAppendThatAgreesKeepsTheTail()
{
    using testing::entries;
    // Raft's rule for a follower's log (§5.3), for the mirror too: an entry that agrees (same index and
    // term) changes nothing after it; only a conflict drops the tail. The leader's own late report of
    // 3-4 must not take away 5-6, known from a follower.
    LogMirror log;
    log.append(LogIndex(1), entries(1, 6, 2));
    log.append(LogIndex(3), entries(3, 2, 2));
    QCOMPARE(log.lastIndex(), LogIndex(6));
    QCOMPARE(log.lastMirroredIndex(), LogIndex(6));
    QCOMPARE(log.lastTerm(), Term(2));
    // A conflict at 4 (term 3): 4 on are replaced.
    log.append(LogIndex(4), entries(4, 1, 3));
    QCOMPARE(log.lastIndex(), LogIndex(4));
    QCOMPARE(log.lastMirroredIndex(), LogIndex(4));
    QCOMPARE(log.entry(LogIndex(4))->term, Term(3));
}

void TestClusterModel::eachPreVoteRoundCountsAfresh()
{
    // fixtures/isolated_precandidate.jsonl (fixtures/record_isolation.py), node 2's stream on 5 real
    // nodes: cut off from the leader with node 3, it asks for pre-votes for term 2 and node 3 grants one
    // (the others still hear the leader). Then all its links are cut; it stays in term 1 and asks again
    // for term 2 at every timeout. Each round starts from its own vote alone (RaftCore::becomePreCandidate
    // resets the count): node 3's grant belongs to the round before the cut.
    ClusterModel model;
    Replay replay(model, u"isolated_precandidate.jsonl"_s);
    replay.foldThroughEvent([](const QJsonObject &event) {
        return isEvent(event, "vote_received", 2) && event.value("voter"_L1).toInteger() == 3;
    });
    const NodeState *two = model.node(id(2));
    QVERIFY(two);
    QCOMPARE(roleName(two->role), roleName(Role::PreCandidate));
    QCOMPARE(two->votes.count(VoteAnswer::Granted), 2);
    QCOMPARE(two->votes.answers.at(id(3)), VoteAnswer::Granted);

    replay.foldThrough(replay.timeOfDirective(u"fault"_s, u"isolate 2"_s));
    int roundsAlone = 0;
    while (replay.now() < replay.lastTimeUs()) {
        replay.foldThroughEvent([](const QJsonObject &event) { return isEvent(event, "vote_request", 2); });
        if (!isEvent(replay.lastFolded(), "vote_request", 2))
            break;
        ++roundsAlone;
        QCOMPARE(roleName(two->role), roleName(Role::PreCandidate));
        QCOMPARE(two->votes.term, Term(2));
        QVERIFY(two->votes.preVote);
        QCOMPARE(two->votes.count(VoteAnswer::Granted), 1); // its own
        for (std::uint32_t peer : {1u, 3u, 4u, 5u})
            QCOMPARE(two->votes.answers.at(id(peer)), VoteAnswer::Awaited);
    }
    QVERIFY2(roundsAlone >= 2, qPrintable(QString::number(roundsAlone)));
}

void TestClusterModel::followerProgressFollowsTheLeadersReport()
{
    using namespace raftlab::testing;
    ClusterModel model;
    const qint64 now = 5'000'000;
    model.setClock([now] { return now; });
    const std::vector<NodeId> two{id(1), id(2)};
    QJsonObject status = stateEvent(1, now, "leader", 2, two);
    status["last_log_index"_L1] = 3;
    status["followers"_L1] = QJsonArray{
        QJsonObject{{"id"_L1, 2}, {"next_index"_L1, 3}, {"match_index"_L1, 0}, {"state"_L1, "probe"_L1}}};
    model.ingest(status);
    model.foldPending();
    const auto progress = [&] {
        return *model.node(id(1))->follower(id(2));
    };
    QCOMPARE(progress().nextIndex, LogIndex(3));
    QCOMPARE(progress().state, u"probe"_s);

    // A probe carrying entries 3-4 does not move nextIndex (a stream without the leader's view)...
    QJsonObject probe = sendEvent(1, 1, 2, now + 1);
    probe["term"_L1] = 2;
    probe["prev_index"_L1] = 2;
    probe["entries"_L1] = 2;
    model.ingest(probe);
    model.foldPending();
    QCOMPARE(progress().nextIndex, LogIndex(3));
    // ...and with it, the send says what the leader holds.
    probe["id"_L1] = 2;
    probe["t_us"_L1] = now + 2;
    probe["next_index"_L1] = 3;
    probe["match_index"_L1] = 0;
    probe["progress"_L1] = "probe"_L1;
    model.ingest(probe);
    model.foldPending();
    QCOMPARE(progress().nextIndex, LogIndex(3));
    QCOMPARE(progress().state, u"probe"_s);
    // The follower acknowledges up to 4: the leader replicates from 5.
    QJsonObject ack = recvEvent(3, 2, 1, now + 3);
    ack["term"_L1] = 2;
    ack["msg"_L1] = "AppendEntriesResponse"_L1;
    ack["response"_L1] = true;
    ack["success"_L1] = true;
    ack["match_index"_L1] = 4;
    model.ingest(ack);
    model.foldPending();
    QCOMPARE(progress().matchIndex, LogIndex(4));
    QCOMPARE(progress().nextIndex, LogIndex(5));
    QCOMPARE(progress().state, u"replicate"_s);
}

void TestClusterModel::logMirrorKeepsTheNewestEntries()
{
    ClusterModel::Limits limits;
    limits.logEntriesPerNode = 1000;
    ClusterModel model(limits);
    model.setClock([] { return qint64(5'000'000); });
    for (int batch = 0; batch < 100; ++batch) {
        QJsonArray entries;
        for (int i = 1; i <= 100; ++i)
            entries.append(
                QJsonObject{{"index"_L1, batch * 100 + i}, {"term"_L1, 1}, {"command"_L1, u"put k=v"_s}});
        model.ingest(QJsonObject{{"type"_L1, "append"_L1},
                                 {"node"_L1, 1},
                                 {"term"_L1, 1},
                                 {"t_us"_L1, 1000 + batch},
                                 {"first"_L1, batch * 100 + 1},
                                 {"last"_L1, batch * 100 + 100},
                                 {"entries"_L1, entries}});
    }
    model.ingest(QJsonObject{{"type"_L1, "snapshot"_L1},
                             {"event"_L1, "compact"_L1},
                             {"node"_L1, 1},
                             {"term"_L1, 1},
                             {"t_us"_L1, 2000},
                             {"index"_L1, 9500}});
    model.foldPending();
    const LogMirror *log = model.log(id(1));
    QCOMPARE(log->lastIndex(), LogIndex(10'000));
    QCOMPARE(log->size(), std::size_t(500));
    QCOMPARE(log->snapshotIndex(), LogIndex(9500));
    QCOMPARE(log->firstMirroredIndex(), LogIndex(9501));
    QVERIFY(!log->entry(LogIndex(9500)));
    QCOMPARE(log->entry(LogIndex(10'000))->command, u"put k=v"_s);
    QCOMPARE(model.node(id(1))->snapshotIndex, LogIndex(9500));
}

void TestClusterModel::chartWindowSlides()
{
    TimeSeries series(1'000'000, 100'000); // 1 s window, 100 ms resolution: at most 14 points
    for (qint64 t = 0; t < 5'000'000; t += 10'000)
        series.append(t, double(t / 10'000)); // a change every 10 ms
    series.prune(5'000'000);
    QVERIFY(series.size() <= 14);
    QVERIFY(series.at(0).tUs <= 4'000'000); // the value in force at the window's start is kept
    QVERIFY(series.at(1).tUs > 4'000'000);
    QCOMPARE(series.last().value, 499.0);
    const std::size_t points = series.size();
    series.append(5'100'000, 499.0); // no change, no point
    QCOMPARE(series.size(), points);

    ClusterModel::Limits limits;
    limits.historyWindowUs = 1'000'000;
    ClusterModel model(limits);
    qint64 now = 0;
    model.setClock([&now] { return now; });
    for (int i = 1; i <= 100; ++i) {
        now = i * 100'000;
        model.addFaultMarker(u"fault %1"_s.arg(i), now);
        model.foldPending();
    }
    QVERIFY(model.history().faultMarkers().size() <= 11);
    QCOMPARE(model.history().faultMarkers().back().label, u"fault 100"_s);
}

void TestClusterModel::ringBufferWrapsAndPops()
{
    RingBuffer<int> ring(3);
    QVERIFY(!ring.push(1));
    QVERIFY(!ring.push(2));
    ring.popFront();
    QVERIFY(!ring.push(3));
    QVERIFY(!ring.push(4));
    QVERIFY(ring.push(5)); // overwrote 2
    QCOMPARE(ring.size(), std::size_t(3));
    QCOMPARE(ring.front(), 3);
    QCOMPARE(ring.back(), 5);
    ring.popFront();
    ring.popFront();
    QVERIFY(!ring.push(6));
    QCOMPARE(ring.at(0), 5);
    QCOMPARE(ring.at(1), 6);
}

QTEST_GUILESS_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"
