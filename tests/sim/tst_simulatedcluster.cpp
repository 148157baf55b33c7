// SimulatedCluster: the step-by-step simulator a person drives. Determinism (seed + config + choices
// give the same trace), saving and loading, rewinding and branching, each fault, and the checker
// stopping a sabotaged run at the step that broke safety.
#include "sim/simulatedcluster.h"

#include "perfonly.h"

#include <QElapsedTimer>

#include <QJsonDocument>
#include <QTest>

#include <vector>

using namespace raftlab;
using namespace raftlab::sim;

namespace {

// Every event as one line, tagged with the step it happened in.
struct Trace
{
    std::vector<std::pair<std::uint64_t, QByteArray>> lines;
    const SimulatedCluster *cluster = nullptr;

    // Records what `cluster` emits from now on, each event with the step it happened in.
    void listenTo(SimulatedCluster &cluster)
    {
        this->cluster = &cluster;
        cluster.setEventSink(sink());
    }
    SimulatedCluster::EventSink sink()
    {
        return [this](const QJsonObject &event) {
            lines.emplace_back(cluster ? cluster->stepCount() : 0,
                               QJsonDocument(event).toJson(QJsonDocument::Compact));
        };
    }
    QByteArray text() const
    {
        QByteArray all;
        for (const auto &[step, line] : lines)
            all += line + '\n';
        return all;
    }
    // The lines of events that happened after step `after`.
    QByteArray textAfter(std::uint64_t after) const
    {
        QByteArray all;
        for (const auto &[step, line] : lines) {
            if (step >= after && !line.contains("\"type\":\"state\""))
                all += line + '\n';
        }
        return all;
    }
};

SimulatedClusterConfig threeNodes(bool preVote = true)
{
    SimulatedClusterConfig config;
    config.nodes = 3;
    config.preVote = preVote;
    return config;
}

// A first pending message of `type` from `from` to `to`.
std::optional<PendingEvent> findMessage(const SimulatedCluster &cluster, MessageType type, NodeId from,
                                        NodeId to)
{
    for (const PendingEvent &event : cluster.pendingEvents()) {
        if (event.kind == PendingEvent::Kind::Message && event.messageType == type && event.from == from &&
            event.to == to)
            return event;
    }
    return std::nullopt;
}

// A run with some of everything: elections, a put, a crash, a partition and a heal.
void playMixedRun(SimulatedCluster &cluster)
{
    cluster.advance(1'000'000);
    const std::optional<NodeId> leader = cluster.leader();
    QVERIFY(leader);
    QVERIFY(cluster.put(*leader, QStringLiteral("x"), QStringLiteral("1")));
    cluster.runSteps(40);
    QVERIFY(cluster.crash(*leader));
    cluster.advance(800'000);
    QVERIFY(cluster.partition({{NodeId(1), NodeId(2)}, {NodeId(3), NodeId(4), NodeId(5)}}));
    cluster.advance(700'000);
    QVERIFY(cluster.heal());
    QVERIFY(cluster.restart(*leader));
    cluster.advance(1'000'000);
}

} // namespace

class TestSimulatedCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void electsALeaderAndReplicatesAPut();
    void pendingEventsComeInDeliveryOrder();
    void sameSeedAndChoicesGiveTheSameTrace();
    void aDifferentChoiceGivesADifferentTrace();
    void savedRunReloadsIdentically_data();
    void savedRunReloadsIdentically();
    void badSavedRunsAreNamed();
    void rewindThenReplayIsIdentical();
    void branchKeepsTheOldFutureReachable();
    void rewindIsFastInALongRun();
    void forwardAlongTheRememberedFutureReplaysFromItsCheckpoints();
    void forgottenVoteIsCaughtAtItsStep();
    void crashKeepsWhatWasPersisted();
    void freezeHoldsMessagesUntilThaw();
    void crashedLeadersRunningPeersLearnItAtOnce();
    void oneWayCutDropsOneDirection();
    void minorityPartitionCannotCommit();
    void lossDuplicateAndDropType();
    void fireTimerStartsAnElection();
    void ticksBeforeTheTimerDecideNothing();
    void tenVirtualSecondsTakeWellUnderASecond();
    void rewindInATenMinuteRunTakesUnder200Ms();
};

void TestSimulatedCluster::electsALeaderAndReplicatesAPut()
{
    SimulatedCluster cluster(SimulatedClusterConfig{}, 1);
    QVERIFY(cluster.advance(2'000'000));
    const std::optional<NodeId> leader = cluster.leader();
    QVERIFY(leader);
    QVERIFY(cluster.put(*leader, QStringLiteral("greeting"), QStringLiteral("hello")));
    const LogIndex index = cluster.lastProposalIndex();
    QVERIFY(cluster.advance(200'000));
    for (NodeId id : cluster.nodeIds()) {
        QVERIFY(cluster.stateMachine(id).appliedIndex() >= index);
        QCOMPARE(cluster.stateMachine(id).read("greeting").value, QByteArray("hello"));
    }
    QVERIFY(cluster.get(*leader, QStringLiteral("greeting")));
    const std::uint64_t read = cluster.lastReadId();
    cluster.advance(200'000);
    QVERIFY(cluster.readResult(read).served);
    QCOMPARE(cluster.readResult(read).value, QStringLiteral("hello"));
    QVERIFY(!cluster.violation());
    QCOMPARE(cluster.nowUs(), 2'400'000);
}

void TestSimulatedCluster::pendingEventsComeInDeliveryOrder()
{
    SimulatedCluster cluster(SimulatedClusterConfig{}, 7);
    cluster.advance(1'000'000);
    for (int i = 0; i < 50; ++i) {
        const std::vector<PendingEvent> pending = cluster.pendingEvents();
        QVERIFY(!pending.empty());
        for (std::size_t k = 1; k < pending.size(); ++k)
            QVERIFY(pending[k - 1].held || pending[k - 1].dueUs <= pending[k].dueUs || pending[k].held);
        const PendingEvent next = pending.front();
        QVERIFY(!next.summary.isEmpty());
        QVERIFY(cluster.step());
        QVERIFY(!cluster.pendingEvent(next.id)); // what step() took was the first one listed
        QCOMPARE(cluster.nowUs(), std::max(next.dueUs, cluster.nowUs()));
    }
}

void TestSimulatedCluster::sameSeedAndChoicesGiveTheSameTrace()
{
    Trace first;
    Trace second;
    SimulatedCluster a(SimulatedClusterConfig{}, 42);
    SimulatedCluster b(SimulatedClusterConfig{}, 42);
    first.listenTo(a);
    second.listenTo(b);
    playMixedRun(a);
    playMixedRun(b);
    QVERIFY(first.lines.size() > 500);
    QCOMPARE(first.text(), second.text());
    QVERIFY(!a.violation());
}

void TestSimulatedCluster::aDifferentChoiceGivesADifferentTrace()
{
    Trace first;
    Trace second;
    SimulatedCluster a(SimulatedClusterConfig{}, 42);
    SimulatedCluster b(SimulatedClusterConfig{}, 42);
    a.setEventSink(first.sink());
    b.setEventSink(second.sink());
    a.advance(1'000'000);
    b.advance(1'000'000);
    QCOMPARE(first.text(), second.text());
    const auto firstMessage = [&b]() -> SimEventId {
        for (const PendingEvent &event : b.pendingEvents()) {
            if (event.kind == PendingEvent::Kind::Message)
                return event.id;
        }
        return 0;
    };
    while (firstMessage() == 0) {
        QVERIFY(a.step());
        QVERIFY(b.step());
    }
    QVERIFY(!b.drop(b.pendingEvents().front().kind == PendingEvent::Kind::Timer
                        ? b.pendingEvents().front().id
                        : 0)); // a timer is not dropped
    QVERIFY(b.drop(firstMessage()));
    QVERIFY(a.step());
    a.advance(1'000'000);
    b.advance(1'000'000);
    QVERIFY(first.text() != second.text());
}

void TestSimulatedCluster::savedRunReloadsIdentically_data()
{
    QTest::addColumn<bool>("crashTellsPeers");
    QTest::addColumn<int>("version");
    QTest::newRow("version 2: a crash closes its connections") << true << 2;
    QTest::newRow("version 1: saved before that rule") << false << 1;
}

void TestSimulatedCluster::savedRunReloadsIdentically()
{
    QFETCH(bool, crashTellsPeers);
    QFETCH(int, version);
    Trace original;
    SimulatedClusterConfig config;
    config.crashTellsPeers = crashTellsPeers;
    SimulatedCluster cluster(config, 99);
    cluster.setEventSink(original.sink());
    playMixedRun(cluster);
    // The first message in flight (a timer cannot be duplicated), stepping on until there is one.
    std::optional<PendingEvent> message;
    for (int steps = 0; !message && steps < 100; ++steps) {
        for (const PendingEvent &event : cluster.pendingEvents())
            if (!message && event.kind == PendingEvent::Kind::Message)
                message = event;
        if (!message)
            QVERIFY(cluster.step());
    }
    QVERIFY(message);
    QVERIFY(cluster.duplicate(message->id));
    QVERIFY(cluster.cutOneWay(NodeId(2), NodeId(3)));
    cluster.runSteps(25);
    const QByteArray saved = cluster.saveRun();
    QVERIFY2(saved.size() < 4000, saved.constData()); // small and diffable
    QCOMPARE(QJsonDocument::fromJson(saved).object().value(QStringLiteral("version")).toInt(), version);

    Trace reloaded;
    QString error;
    const auto copy = SimulatedCluster::loadRun(saved, &error, reloaded.sink());
    QVERIFY2(copy, qPrintable(error));
    QCOMPARE(copy->stepCount(), cluster.stepCount());
    QCOMPARE(copy->nowUs(), cluster.nowUs());
    QCOMPARE(copy->saveRun(), saved);
    // The original's trace without the events before a sink could see them.
    QCOMPARE(reloaded.text(), original.text());
}

void TestSimulatedCluster::badSavedRunsAreNamed()
{
    QString error;
    QVERIFY(!SimulatedCluster::loadRun("{", &error));
    QVERIFY(error.contains(QLatin1String("JSON")));
    QVERIFY(!SimulatedCluster::loadRun(R"({"format":"raftlab-simulation","version":1,"seed":"1",
        "config":{"nodes":0},"choices":[]})",
                                       &error));
    QVERIFY2(error.contains(QLatin1String("nodes")), qPrintable(error));
    QVERIFY(!SimulatedCluster::loadRun(R"({"format":"raftlab-simulation","version":1,"seed":"1",
        "config":{},"choices":[{"do":"deliver","event":123456}]})",
                                       &error));
    QVERIFY2(error.contains(QLatin1String("choice 1")), qPrintable(error));
    QVERIFY(!SimulatedCluster::loadRun(R"({"format":"raftlab-simulation","version":1,"seed":"1",
        "config":{},"choices":[{"do":"teleport"}]})",
                                       &error));
    QVERIFY2(error.contains(QLatin1String("teleport")), qPrintable(error));
}

void TestSimulatedCluster::rewindThenReplayIsIdentical()
{
    Trace original;
    SimulatedCluster cluster(SimulatedClusterConfig{}, 5);
    cluster.setCheckpointInterval(100);
    original.listenTo(cluster);
    playMixedRun(cluster);
    const std::vector<Choice> choices = cluster.choices();
    const QByteArray savedEnd = cluster.saveRun();
    const std::uint64_t end = cluster.stepCount();
    const qint64 endTime = cluster.nowUs();

    for (std::uint64_t target : {end / 3, end / 2 + 7, std::uint64_t(1), end}) {
        Trace replayed;
        replayed.listenTo(cluster);
        QVERIFY(cluster.rewindTo(target));
        QCOMPARE(cluster.stepCount(), target);
        QVERIFY(cluster.followChoices(choices));
        QCOMPARE(cluster.stepCount(), end);
        QCOMPARE(cluster.nowUs(), endTime);
        QCOMPARE(replayed.textAfter(target + 1), original.textAfter(target + 1));
    }
    // The whole run, rewound and replayed, saves as the same choices in the end (the partial choice a
    // rewind leaves may be written as steps, which is the same run).
    const auto fromSaved = SimulatedCluster::loadRun(savedEnd, nullptr);
    QVERIFY(fromSaved);
    QCOMPARE(fromSaved->stepCount(), end);
}

void TestSimulatedCluster::branchKeepsTheOldFutureReachable()
{
    Trace original;
    SimulatedCluster cluster(SimulatedClusterConfig{}, 11);
    cluster.setCheckpointInterval(64);
    original.listenTo(cluster);
    cluster.advance(1'500'000);
    const std::uint64_t fork = cluster.stepCount();
    cluster.advance(1'500'000);
    const std::vector<Choice> oldBranch = cluster.choices();
    const std::uint64_t oldEnd = cluster.stepCount();
    const QByteArray oldTail = original.textAfter(fork + 1);

    // Back to the fork, and a different future: the leader crashes there.
    Trace branch;
    branch.listenTo(cluster);
    QVERIFY(cluster.rewindTo(fork));
    const NodeId leader = *cluster.leader();
    QVERIFY(cluster.crash(leader));
    cluster.advance(1'500'000);
    QVERIFY(!cluster.isUp(leader));
    QVERIFY(branch.textAfter(fork + 1) != oldTail);
    QVERIFY(cluster.choices() != oldBranch);

    // The old branch is one call away, and exactly as it was.
    Trace back;
    back.listenTo(cluster);
    QVERIFY(cluster.followChoices(oldBranch));
    QCOMPARE(cluster.stepCount(), oldEnd);
    QVERIFY(cluster.isUp(leader));
    QCOMPARE(cluster.choices(), oldBranch);
    QCOMPARE(back.textAfter(fork + 1), oldTail);
}

void TestSimulatedCluster::rewindIsFastInALongRun()
{
    SimulatedCluster cluster(SimulatedClusterConfig{}, 3);
    cluster.advance(60'000'000); // a virtual minute
    const std::uint64_t end = cluster.stepCount();
    QVERIFY(end > 5000);
    QVERIFY(cluster.rewindTo(end / 2));
    QCOMPARE(cluster.stepCount(), end / 2);
    QVERIFY(cluster.rewindTo(end / 4));
    QCOMPARE(cluster.stepCount(), end / 4);
    QVERIFY(cluster.leader() || cluster.nowUs() < 1'000'000);
}

namespace {

// What a moment is: every node's state, the clock and what is pending next.
QByteArray momentOf(const SimulatedCluster &cluster)
{
    QByteArray moment = QByteArray::number(cluster.nowUs());
    for (const QJsonObject &state : cluster.stateEvents())
        moment += QJsonDocument(state).toJson(QJsonDocument::Compact);
    for (const PendingEvent &event : cluster.pendingEvents())
        moment += event.summary.toUtf8() + QByteArray::number(event.dueUs);
    return moment;
}

} // namespace

void TestSimulatedCluster::forwardAlongTheRememberedFutureReplaysFromItsCheckpoints()
{
    SimulatedCluster cluster(SimulatedClusterConfig{}, 9);
    cluster.setCheckpointInterval(100);
    playMixedRun(cluster);
    const std::vector<Choice> choices = cluster.choices();
    const QByteArray savedEnd = cluster.saveRun();
    const std::uint64_t end = cluster.stepCount();
    const std::uint64_t middle = end / 2 + 7;
    QVERIFY(cluster.rewindTo(middle));
    const QByteArray atMiddle = momentOf(cluster);

    // Back, then forward along the same branch: the same moments, and nothing re-simulated (a replay is
    // silent; only the nodes' states are told again, as after any move of the timeline).
    QVERIFY(cluster.rewindTo(end / 4));
    Trace forward;
    forward.listenTo(cluster);
    QVERIFY(cluster.forwardTo(middle, choices));
    QCOMPARE(cluster.stepCount(), middle);
    QCOMPARE(momentOf(cluster), atMiddle);
    for (const auto &[step, line] : forward.lines)
        QVERIFY2(line.contains("\"type\":\"state\""), line.constData());
    QCOMPARE(forward.lines.size(), std::size_t(5));
    QVERIFY(cluster.forwardTo(end, choices));
    QCOMPARE(cluster.stepCount(), end);
    QCOMPARE(cluster.choices(), choices);
    QCOMPARE(cluster.saveRun(), savedEnd);

    // Only along that future: another list of choices, or past its end, is the caller's to apply.
    QVERIFY(cluster.rewindTo(end / 3));
    std::vector<Choice> other = choices;
    other.back().count += 1;
    QVERIFY(!cluster.forwardTo(middle, other));
    QVERIFY(!cluster.forwardTo(end + 1, choices));
    QCOMPARE(cluster.stepCount(), end / 3);
    // A new choice forgets the old future: its checkpoint slots belong to the new branch.
    QVERIFY(cluster.runSteps(3) == 3);
    QVERIFY(!cluster.forwardTo(middle, choices));
    QVERIFY(cluster.followChoices(choices));
    QCOMPARE(cluster.stepCount(), end);
    QCOMPARE(cluster.saveRun(), savedEnd);
}

void TestSimulatedCluster::forgottenVoteIsCaughtAtItsStep()
{
    // A disk that loses the vote on restart lets node 2 vote twice in one term: node 1 and node 3 both
    // win term 2. The checker stops the run at the second vote.
    SimulatedClusterConfig config = threeNodes(false);
    config.adversary = AdversarialFault::ForgetVoteOnRestart;
    SimulatedCluster cluster(config, 1);
    QVERIFY(cluster.fireTimerNow(NodeId(1)));
    QVERIFY(cluster.dropMessagesOfType(MessageType::RequestVote, NodeId(1), NodeId(3)));
    QVERIFY(cluster.deliver(findMessage(cluster, MessageType::RequestVote, NodeId(1), NodeId(2))->id));
    QVERIFY(cluster.crash(NodeId(2)));
    QVERIFY(cluster.restart(NodeId(2)));
    QVERIFY(cluster.fireTimerNow(NodeId(3)));
    QVERIFY(!cluster.violation());
    const std::uint64_t before = cluster.stepCount();
    QVERIFY(cluster.deliver(findMessage(cluster, MessageType::RequestVote, NodeId(3), NodeId(2))->id));
    QVERIFY(cluster.violation());
    QCOMPARE(cluster.violation()->step, before + 1);
    QVERIFY2(cluster.violation()->invariant == QLatin1String("One vote per term") ||
                 cluster.violation()->invariant == QLatin1String("Election Safety"),
             qPrintable(cluster.violation()->text));
    QVERIFY(!cluster.violation()->nodes.empty());
    QVERIFY(!cluster.step()); // the run stops there
    // Rewinding before it clears it.
    QVERIFY(cluster.rewindTo(before));
    QVERIFY(!cluster.violation());

    // The same schedule with an honest disk breaks nothing.
    SimulatedCluster honest(threeNodes(false), 1);
    QVERIFY(honest.fireTimerNow(NodeId(1)));
    QVERIFY(honest.dropMessagesOfType(MessageType::RequestVote, NodeId(1), NodeId(3)));
    QVERIFY(honest.deliver(findMessage(honest, MessageType::RequestVote, NodeId(1), NodeId(2))->id));
    QVERIFY(honest.crash(NodeId(2)));
    QVERIFY(honest.restart(NodeId(2)));
    QVERIFY(honest.fireTimerNow(NodeId(3)));
    QVERIFY(honest.deliver(findMessage(honest, MessageType::RequestVote, NodeId(3), NodeId(2))->id));
    honest.advance(3'000'000);
    QVERIFY(!honest.violation());
}

void TestSimulatedCluster::crashKeepsWhatWasPersisted()
{
    SimulatedCluster cluster(threeNodes(), 21);
    cluster.advance(1'000'000);
    const NodeId leader = *cluster.leader();
    QVERIFY(cluster.put(leader, QStringLiteral("k"), QStringLiteral("v")));
    cluster.advance(300'000);
    const Term term = cluster.core(leader)->term();
    const LogIndex last = cluster.core(leader)->log().lastIndex();
    QVERIFY(cluster.crash(leader));
    QVERIFY(!cluster.isUp(leader));
    QVERIFY(!cluster.crash(leader)); // already down
    QVERIFY(cluster.disk(leader).hardState.term == term);
    QVERIFY(cluster.restart(leader));
    QVERIFY(cluster.core(leader)->log().lastIndex() == last);
    QVERIFY(cluster.core(leader)->term() >= term);
    cluster.advance(1'000'000);
    QCOMPARE(cluster.stateMachine(leader).read("k").value, QByteArray("v"));
}

void TestSimulatedCluster::freezeHoldsMessagesUntilThaw()
{
    SimulatedCluster cluster(threeNodes(), 8);
    cluster.advance(1'000'000);
    const NodeId leader = *cluster.leader();
    const NodeId follower = leader.value == 1 ? NodeId(2) : NodeId(1);
    QVERIFY(cluster.freeze(follower));
    cluster.advance(100'000);
    bool held = false;
    for (const PendingEvent &event : cluster.pendingEvents()) {
        held = held || (event.to == follower && event.held);
        QVERIFY(!(event.kind == PendingEvent::Kind::Timer && event.to == follower)); // a frozen clock
    }
    QVERIFY(held);
    const Term frozenTerm = cluster.core(follower)->term();
    QVERIFY(cluster.thaw(follower));
    cluster.advance(100'000);
    for (const PendingEvent &event : cluster.pendingEvents())
        QVERIFY(!event.held);
    QVERIFY(cluster.core(follower)->term() == frozenTerm);
    QVERIFY(cluster.core(follower)->leader() == leader);
}

void TestSimulatedCluster::crashedLeadersRunningPeersLearnItAtOnce()
{
    // As raftlab-node's followers do from a closed TCP connection: each running follower reports the lost
    // leader in the crash's own step, and cuts its timeout short; a frozen one learns nothing.
    SimulatedCluster cluster(threeNodes(), 8);
    cluster.advance(1'000'000);
    const NodeId leader = *cluster.leader();
    const NodeId running = leader.value == 1 ? NodeId(2) : NodeId(1);
    const NodeId frozen = NodeId(6 - leader.value - running.value);
    QVERIFY(cluster.freeze(frozen));
    Trace trace;
    trace.listenTo(cluster);
    QVERIFY(cluster.crash(leader));
    const QByteArray text = trace.text();
    QVERIFY2(text.contains(QStringLiteral("\"type\":\"leader_lost\"").toUtf8()), text.constData());
    int lost = 0;
    for (const auto &[step, line] : trace.lines) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (event.value(QStringLiteral("type")).toString() != QStringLiteral("leader_lost"))
            continue;
        ++lost;
        QCOMPARE(event.value(QStringLiteral("node")).toInteger(), qint64(running.value));
        QCOMPARE(event.value(QStringLiteral("leader")).toInteger(), qint64(leader.value));
    }
    QCOMPARE(lost, 1);
    const SimulatedClusterConfig &config = cluster.config();
    const int maxTicks =
        (config.electionTimeoutMinMs +
         std::max(config.heartbeatMs, (config.electionTimeoutMaxMs - config.electionTimeoutMinMs) / 4)) /
        config.tickMs;
    QVERIFY(*cluster.core(running)->ticksUntilTimer() <= maxTicks);
}

void TestSimulatedCluster::oneWayCutDropsOneDirection()
{
    Trace trace;
    SimulatedCluster cluster(threeNodes(), 4);
    cluster.setEventSink(trace.sink());
    cluster.advance(1'000'000);
    const NodeId leader = *cluster.leader();
    const NodeId follower = leader.value == 1 ? NodeId(2) : NodeId(1);
    QVERIFY(cluster.cutOneWay(follower, leader));
    QVERIFY(!cluster.canReach(follower, leader));
    QVERIFY(cluster.canReach(leader, follower));
    trace.lines.clear();
    cluster.advance(120'000);
    const QByteArray text = trace.text();
    QVERIFY(text.contains(QStringLiteral("\"from\":%1,\"id\"").arg(follower.value).toUtf8()) ||
            text.contains("\"reason\":\"cut\""));
    QVERIFY(text.contains("\"reason\":\"cut\""));
    QVERIFY(text.contains(QStringLiteral("\"node\":%1,\"prev_index\"").arg(follower.value).toUtf8()) ||
            text.contains("\"type\":\"recv\""));
    QVERIFY(cluster.heal());
    QVERIFY(cluster.canReach(follower, leader));
}

void TestSimulatedCluster::minorityPartitionCannotCommit()
{
    SimulatedCluster cluster(SimulatedClusterConfig{}, 13);
    cluster.advance(1'000'000);
    const NodeId leader = *cluster.leader();
    std::vector<NodeId> others;
    for (NodeId id : cluster.nodeIds()) {
        if (id != leader)
            others.push_back(id);
    }
    QVERIFY(cluster.partition({{leader, others[0]}, {others[1], others[2], others[3]}}));
    QVERIFY(cluster.put(leader, QStringLiteral("lost"), QStringLiteral("1")));
    const LogIndex index = cluster.lastProposalIndex();
    cluster.advance(2'000'000);
    QVERIFY(cluster.stateMachine(others[1]).read("lost").value.isEmpty());
    QVERIFY(*cluster.leader() != leader); // the majority elected another
    QVERIFY(cluster.heal());
    cluster.advance(1'000'000);
    // The minority's entry was replaced, never applied anywhere with that command.
    QVERIFY(cluster.stateMachine(leader).read("lost").value.isEmpty());
    QVERIFY(cluster.appliedPayload(index).has_value());
    QVERIFY(!cluster.violation());
}

void TestSimulatedCluster::lossDuplicateAndDropType()
{
    Trace trace;
    SimulatedCluster cluster(threeNodes(), 6);
    cluster.setEventSink(trace.sink());
    cluster.advance(1'000'000);
    const NodeId leader = *cluster.leader();
    QVERIFY(cluster.setNetFaults(leader, 0, 1.0, 0.0));
    trace.lines.clear();
    cluster.advance(200'000);
    QVERIFY(trace.text().contains("\"reason\":\"loss\""));
    QVERIFY(cluster.setNetFaults(leader, 0, 0.0, 1.0));
    trace.lines.clear();
    cluster.advance(60'000);
    QVERIFY(trace.text().count("\"type\":\"send\"") > trace.text().count("\"type\":\"recv\"") / 2);
    QVERIFY(cluster.setNetFaults(leader, 0, 0.0, 0.0));
    cluster.advance(10'000);
    QVERIFY(cluster.dropMessagesOfType(MessageType::Heartbeat));
    for (const PendingEvent &event : cluster.pendingEvents())
        QVERIFY(event.kind == PendingEvent::Kind::Timer || event.messageType != MessageType::Heartbeat);
    QVERIFY(!cluster.violation());
}

void TestSimulatedCluster::fireTimerStartsAnElection()
{
    SimulatedCluster cluster(threeNodes(), 2);
    QVERIFY(cluster.fireTimerNow(NodeId(3)));
    QVERIFY(cluster.core(NodeId(3))->role() == Role::PreCandidate);
    QVERIFY(findMessage(cluster, MessageType::PreVote, NodeId(3), NodeId(1)));
    QCOMPARE(cluster.nowUs(), 0);
    cluster.advance(300'000);
    QVERIFY(cluster.leader() == NodeId(3));
    // A leader's timer is its heartbeat: it goes out now.
    QVERIFY(!findMessage(cluster, MessageType::Heartbeat, NodeId(3), NodeId(1)));
    QVERIFY(cluster.fireTimerNow(NodeId(3)));
    QVERIFY(findMessage(cluster, MessageType::Heartbeat, NodeId(3), NodeId(1)));
    QVERIFY(!cluster.fireTimerNow(NodeId(9))); // no such node
}

void TestSimulatedCluster::ticksBeforeTheTimerDecideNothing()
{
    // RaftCore::ticksUntilTimer(), which lets the simulator skip silent ticks: the ticks before the
    // count decide nothing, the last one fires the election timer.
    CoreConfig config;
    config.id = NodeId(1);
    config.members = {NodeId(1), NodeId(2), NodeId(3)};
    RaftCore core(config, PersistentState{}, 42);
    while (core.hasReady()) {
        core.takeReady();
        core.advance();
    }
    const std::optional<int> ticks = core.ticksUntilTimer();
    QVERIFY(ticks && *ticks >= config.electionTimeoutTicksMin && *ticks <= config.electionTimeoutTicksMax);
    for (int i = 1; i < *ticks; ++i) {
        core.tick();
        QVERIFY(!core.hasReady());
        QCOMPARE(core.ticksUntilTimer(), std::optional<int>(*ticks - i));
    }
    core.tick();
    QVERIFY(core.hasReady());
    QVERIFY(core.role() == Role::PreCandidate);
    core.halt();
    QVERIFY(!core.ticksUntilTimer());
}

void TestSimulatedCluster::tenVirtualSecondsTakeWellUnderASecond()
{
    RAFTLAB_PERF_ONLY();
    QElapsedTimer timer;
    timer.start();
    SimulatedCluster cluster(SimulatedClusterConfig{}, 1);
    for (int ms = 0; ms < 10'000; ms += 20) {
        if (const std::optional<NodeId> leader = cluster.leader())
            cluster.put(*leader, QStringLiteral("k"), QString::number(ms));
        cluster.advance(20'000);
    }
    const qint64 elapsed = timer.elapsed();
    qInfo("10 virtual seconds, 5 nodes, a write every 20 ms: %lld ms, %llu steps", elapsed,
          static_cast<unsigned long long>(cluster.stepCount()));
    QVERIFY2(elapsed < 500, qPrintable(QStringLiteral("%1 ms").arg(elapsed)));
}

void TestSimulatedCluster::rewindInATenMinuteRunTakesUnder200Ms()
{
    RAFTLAB_PERF_ONLY();
    SimulatedCluster cluster(SimulatedClusterConfig{}, 1);
    for (int ms = 0; ms < 600'000; ms += 100) {
        if (const std::optional<NodeId> leader = cluster.leader())
            cluster.put(*leader, QStringLiteral("k"), QString::number(ms));
        cluster.advance(100'000);
    }
    const std::uint64_t end = cluster.stepCount();
    qint64 worst = 0;
    for (std::uint64_t target : {end * 9 / 10, end / 2, end / 10 + 1999, std::uint64_t(1)}) {
        QElapsedTimer timer;
        timer.start();
        QVERIFY(cluster.rewindTo(target));
        worst = std::max(worst, timer.elapsed());
    }
    qInfo("rewinds in a 10-minute run (%llu steps): the slowest took %lld ms",
          static_cast<unsigned long long>(end), worst);
    QVERIFY2(worst < 200, qPrintable(QStringLiteral("%1 ms").arg(worst)));
}

QTEST_GUILESS_MAIN(TestSimulatedCluster)
#include "tst_simulatedcluster.moc"
