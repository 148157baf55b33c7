// SimulationController: a simulated cluster drawn through the app's ClusterModel. Steps and choices reach
// the model; a rewind shows exactly the moment a fresh run stopped there shows; branches keep their
// future; a saved run opens identical; a violation is found and jumped to.

#include "sim/simulationcontroller.h"

#include <QSignalSpy>
#include <QTest>

using namespace raftlab;
using raftlab::sim::Choice;
using raftlab::sim::PendingEvent;
using raftlab::sim::SimulatedClusterConfig;

namespace {

// What the views draw of each node: the fields a rewind must restore exactly.
struct NodePicture
{
    bool connected = false;
    Role role = Role::Follower;
    Term term{};
    LogIndex commit{};
    LogIndex lastLog{};
    std::size_t mirrored = 0;
    QList<Term> terms{};

    friend bool operator==(const NodePicture &, const NodePicture &) = default;
};

QString describe(const std::map<NodeId, NodePicture> &picture)
{
    QStringList lines;
    for (const auto &[id, node] : picture)
        lines << QStringLiteral("node %1: %2 %3 term %4 commit %5 last %6 mirrored %7")
                     .arg(id.value)
                     .arg(node.connected ? u"up" : u"down")
                     .arg(roleName(node.role))
                     .arg(node.term.value)
                     .arg(node.commit.value)
                     .arg(node.lastLog.value)
                     .arg(node.mirrored);
    return lines.join(u'\n');
}

std::map<NodeId, NodePicture> pictureOf(SimulationController &controller)
{
    controller.model()->foldPending();
    std::map<NodeId, NodePicture> picture;
    for (NodeId id : controller.model()->nodeIds()) {
        const NodeState *state = controller.model()->node(id);
        const LogMirror *log = controller.model()->log(id);
        NodePicture node{.connected = state->connected,
                         .role = state->role,
                         .term = state->term,
                         .commit = state->commitIndex,
                         .lastLog = log->lastIndex(),
                         .mirrored = log->size()};
        for (LogIndex i = log->firstMirroredIndex(); i <= log->lastMirroredIndex(); i = i.next())
            node.terms << log->entry(i)->term;
        picture[id] = node;
    }
    return picture;
}

SimulatedClusterConfig fiveNodes()
{
    SimulatedClusterConfig config;
    config.nodes = 5;
    return config;
}

// A run with an election, writes, a crash and a restart: most of what a rewind must undo.
void busyRun(SimulationController &controller, std::uint64_t seed = 11)
{
    QCOMPARE(controller.start(fiveNodes(), seed), QString());
    for (int i = 0; i < 2000 && !controller.cluster()->leader(); ++i)
        QVERIFY(controller.step());
    QVERIFY(controller.cluster()->leader());
    QVERIFY(controller.put(QStringLiteral("x"), QStringLiteral("1")));
    QVERIFY(controller.step(150));
    QVERIFY(controller.crash(*controller.cluster()->leader()));
    QVERIFY(controller.step(400));
    QVERIFY(controller.restart(NodeId(1)) || controller.restart(NodeId(2)) || controller.restart(NodeId(3)) ||
            controller.restart(NodeId(4)) || controller.restart(NodeId(5)));
    QVERIFY(controller.step(200));
    if (controller.cluster()->leader())
        QVERIFY(controller.put(QStringLiteral("y"), QStringLiteral("2")));
    QVERIFY(controller.step(300));
}

std::optional<PendingEvent> firstMessage(const SimulationController &controller, std::size_t skip = 0)
{
    for (const PendingEvent &event : controller.pendingEvents()) {
        if (event.kind == PendingEvent::Kind::Message && skip-- == 0)
            return event;
    }
    return std::nullopt;
}

bool isPending(const SimulationController &controller, sim::SimEventId id)
{
    for (const PendingEvent &event : controller.pendingEvents()) {
        if (event.id == id)
            return true;
    }
    return false;
}

} // namespace

class TestSimulationController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stepsElectALeaderInTheModel();
    void virtualTimeDrivesTheModelClock();
    void stepDeliverDropAndDuplicateChangeThePendingList();
    void rewindShowsWhatAFreshRunStoppedThereShows();
    void rewindThroughTheStateOfALongRunIsExactToo();
    void actingFromThePastBranchesAndTheOldFutureReturns();
    void seekingForwardAlongTheBranchKeepsIt();
    void savedRunOpensIdentical();
    void badRunFilesAreRefused();
    void violationStopsTheRunAndCanBeJumpedTo();
    void playAdvancesVirtualTime();
};

void TestSimulationController::stepsElectALeaderInTheModel()
{
    SimulationController controller;
    QCOMPARE(controller.start(fiveNodes(), 7), QString());
    QCOMPARE(controller.model()->nodeIds().size(), std::size_t(5));
    QVERIFY(controller.model()->summary().leader.isNone());
    int steps = 0;
    while (controller.model()->summary().leader.isNone() && steps < 3000) {
        QVERIFY(controller.step());
        controller.model()->foldPending();
        ++steps;
    }
    QVERIFY2(!controller.model()->summary().leader.isNone(), "no leader in the model after 3000 steps");
    QCOMPARE(controller.model()->summary().leader, *controller.cluster()->leader());
    QCOMPARE(controller.model()->summary().nodesUp, 5);
    QCOMPARE(controller.position(), std::uint64_t(steps));
    QCOMPARE(controller.length(), std::uint64_t(steps));
}

void TestSimulationController::virtualTimeDrivesTheModelClock()
{
    SimulationController controller;
    QCOMPARE(controller.start(fiveNodes(), 7), QString());
    QVERIFY(controller.step(50));
    QCOMPARE(controller.model()->nowUs(), controller.cluster()->nowUs());
    QVERIFY(controller.cluster()->nowUs() < 10'000'000); // virtual microseconds, not the machine's clock
}

void TestSimulationController::stepDeliverDropAndDuplicateChangeThePendingList()
{
    SimulationController controller;
    QCOMPARE(controller.start(fiveNodes(), 3), QString());
    QVERIFY(controller.fireTimer(NodeId(1))); // messages in flight: (pre-)vote requests to 4 peers
    const std::vector<PendingEvent> before = controller.pendingEvents();
    QVERIFY(before.size() >= 4);

    // Step: what was first happens and leaves the list.
    QVERIFY(controller.step());
    QVERIFY(!isPending(controller, before.front().id));

    // Drop one message: it is gone, the others stay.
    const PendingEvent dropped = *firstMessage(controller);
    const PendingEvent other = *firstMessage(controller, 1);
    QVERIFY(controller.drop(dropped.id));
    QVERIFY(!isPending(controller, dropped.id));
    QVERIFY(isPending(controller, other.id));

    // Deliver a later one first: it is gone, the earlier ones still wait.
    const PendingEvent first = *firstMessage(controller);
    const PendingEvent later = *firstMessage(controller, 1);
    QVERIFY(controller.deliver(later.id));
    QVERIFY(!isPending(controller, later.id));
    QVERIFY(isPending(controller, first.id));

    // Duplicate: one more message of the same kind on the same link.
    const PendingEvent copied = *firstMessage(controller);
    const auto sameLink = [&](const PendingEvent &e) {
        return e.kind == PendingEvent::Kind::Message && e.from == copied.from && e.to == copied.to &&
            e.messageType == copied.messageType;
    };
    const std::vector<PendingEvent> pendingBefore = controller.pendingEvents();
    QVERIFY(controller.duplicate(copied.id));
    const std::vector<PendingEvent> pendingAfter = controller.pendingEvents();
    QCOMPARE(std::count_if(pendingAfter.begin(), pendingAfter.end(), sameLink),
             std::count_if(pendingBefore.begin(), pendingBefore.end(), sameLink) + 1);
    // Dropping what is no longer pending is refused and changes nothing.
    QSignalSpy failed(&controller, &SimulationController::actionFailed);
    QVERIFY(!controller.drop(dropped.id));
    QCOMPARE(controller.pendingEvents().size(), pendingAfter.size());
}

void TestSimulationController::rewindShowsWhatAFreshRunStoppedThereShows()
{
    SimulationController run;
    busyRun(run);
    const std::uint64_t end = run.length();
    QVERIFY(end > 600);
    const auto atEnd = pictureOf(run);
    for (const std::uint64_t k : {end / 3, end - 250, std::uint64_t(0), end / 2}) {
        QVERIFY(run.seek(k));
        QCOMPARE(run.position(), k);
        QCOMPARE(run.length(), end); // looking back loses nothing
        SimulationController fresh;
        QCOMPARE(fresh.start(fiveNodes(), 11), QString());
        // The same choices, cut at step k.
        std::uint64_t steps = 0;
        for (Choice choice : run.cluster()->choices()) {
            if (choice.kind == Choice::Kind::Step)
                choice.count = std::min(choice.count, k - steps);
            if (steps == k)
                break;
            QVERIFY(fresh.apply(choice));
            steps = fresh.cluster()->stepCount();
        }
        QCOMPARE(fresh.position(), k);
        const auto expected = pictureOf(fresh);
        const auto shown = pictureOf(run);
        QVERIFY2(shown == expected,
                 qPrintable(QStringLiteral("at step %1:\n%2\nexpected:\n%3")
                                .arg(k)
                                .arg(describe(shown), describe(expected))));
        QCOMPARE(run.model()->summary().leader, fresh.model()->summary().leader);
        QCOMPARE(run.model()->nowUs(), fresh.model()->nowUs());
    }
    QVERIFY(run.seek(end));
    QVERIFY(pictureOf(run) == atEnd);
}

void TestSimulationController::rewindThroughTheStateOfALongRunIsExactToo()
{
    // A small replay window: the moment's state comes from the cluster, not from the whole journal.
    SimulationController run;
    run.setReplayWindow(300);
    busyRun(run, 5);
    const std::uint64_t end = run.length();
    const auto atEnd = pictureOf(run);
    QVERIFY(run.seek(end / 2));
    QVERIFY(run.seek(end));
    QVERIFY2(pictureOf(run) == atEnd,
             qPrintable(describe(pictureOf(run)) + u"\nexpected:\n"_qs + describe(atEnd)));
    QVERIFY(run.journal().size() > 300);
}

void TestSimulationController::actingFromThePastBranchesAndTheOldFutureReturns()
{
    SimulationController controller;
    busyRun(controller);
    const std::uint64_t end = controller.length();
    const QByteArray oldRun = controller.saveRun();
    const auto oldEnd = pictureOf(controller);

    QVERIFY(controller.seek(300));
    QVERIFY(controller.branches().empty()); // looking is not acting
    QVERIFY(controller.crash(NodeId(2)));
    QVERIFY(controller.step(100));
    QCOMPARE(controller.branches().size(), std::size_t(1));
    QCOMPARE(controller.branches().front().forkStep, std::uint64_t(300));
    QCOMPARE(controller.branches().front().length, end);
    QCOMPARE(controller.length(), std::uint64_t(401));
    QVERIFY(!controller.isUp(NodeId(2)));
    const QByteArray newRun = controller.saveRun();
    const auto newEnd = pictureOf(controller);

    // Back to the old future: exactly where it ended.
    QVERIFY(controller.switchToBranch(0));
    QCOMPARE(controller.length(), end);
    QCOMPARE(controller.position(), end);
    QCOMPARE(controller.saveRun(), oldRun);
    QVERIFY2(pictureOf(controller) == oldEnd, qPrintable(describe(pictureOf(controller))));
    // And the new one is kept in its place.
    QCOMPARE(controller.branches().size(), std::size_t(1));
    QCOMPARE(controller.branches().front().length, std::uint64_t(401));
    QVERIFY(controller.switchToBranch(0));
    QCOMPARE(controller.saveRun(), newRun);
    QVERIFY(pictureOf(controller) == newEnd);
}

void TestSimulationController::seekingForwardAlongTheBranchKeepsIt()
{
    SimulationController controller;
    busyRun(controller);
    const std::uint64_t end = controller.length();
    const QByteArray whole = controller.saveRun();
    QVERIFY(controller.seek(100));
    QCOMPARE(controller.saveRun(), whole); // the file holds the whole branch while the past is shown
    QVERIFY(controller.seek(end - 10));
    QCOMPARE(controller.position(), end - 10);
    QVERIFY(controller.seek(end));
    QCOMPARE(controller.saveRun(), whole);
    QVERIFY(controller.branches().empty());
}

void TestSimulationController::savedRunOpensIdentical()
{
    SimulationController controller;
    busyRun(controller);
    QVERIFY(controller.drop(firstMessage(controller)->id));
    QVERIFY(controller.step(20));
    const QByteArray saved = controller.saveRun();

    SimulationController opened;
    QCOMPARE(opened.openRun(saved), QString());
    QCOMPARE(opened.length(), controller.length());
    QCOMPARE(opened.cluster()->nowUs(), controller.cluster()->nowUs());
    QCOMPARE(opened.saveRun(), saved);
    QVERIFY2(pictureOf(opened) == pictureOf(controller), qPrintable(describe(pictureOf(opened))));
    QCOMPARE(opened.pendingEvents().size(), controller.pendingEvents().size());
    // And it can be rewound like a run made here.
    QVERIFY(opened.seek(opened.length() / 2));
}

void TestSimulationController::badRunFilesAreRefused()
{
    SimulationController controller;
    QVERIFY(!controller.openRun("not json").isEmpty());
    QVERIFY(controller.openRun(R"({"format":"other","version":1})").contains(u"raftlab-simulation"_qs));
    QVERIFY(!controller
                 .openRun(R"({"format":"raftlab-simulation","version":1,"seed":"1",
        "config":{"nodes":3},"choices":[{"do":"crash","node":9}]})")
                 .isEmpty());
}

void TestSimulationController::violationStopsTheRunAndCanBeJumpedTo()
{
    // A disk that forgets the vote on restart: node 2 votes twice in term 2 (as tst_simulatedcluster).
    SimulatedClusterConfig config;
    config.nodes = 3;
    config.preVote = false;
    config.adversary = sim::AdversarialFault::ForgetVoteOnRestart;
    SimulationController controller;
    QCOMPARE(controller.start(config, 1), QString());
    QSignalSpy found(&controller, &SimulationController::violationFound);
    const auto request = [&](NodeId from, NodeId to) {
        for (const PendingEvent &event : controller.pendingEvents())
            if (event.kind == PendingEvent::Kind::Message && event.messageType == MessageType::RequestVote &&
                event.from == from && event.to == to)
                return event.id;
        return sim::SimEventId(0);
    };
    QVERIFY(controller.fireTimer(NodeId(1)));
    QVERIFY(controller.apply(Choice{.kind = Choice::Kind::DropType,
                                    .node = NodeId(1),
                                    .peer = NodeId(3),
                                    .messageType = MessageType::RequestVote}));
    QVERIFY(controller.deliver(request(NodeId(1), NodeId(2))));
    QVERIFY(controller.crash(NodeId(2)));
    QVERIFY(controller.restart(NodeId(2)));
    QVERIFY(controller.fireTimer(NodeId(3)));
    const std::uint64_t before = controller.position();
    QVERIFY(controller.deliver(request(NodeId(3), NodeId(2))));
    QCOMPARE(found.count(), 1);
    QVERIFY(controller.violation());
    QCOMPARE(controller.violation()->step, before + 1);
    QVERIFY(!controller.violation()->nodes.empty());
    QVERIFY(!controller.step()); // stopped

    QVERIFY(controller.seek(2));
    QVERIFY(controller.jumpToViolation());
    QCOMPARE(controller.position(), before + 1);
    // Acting before it is allowed, and branches away from it.
    QVERIFY(controller.seek(before));
    QVERIFY(controller.step());
    QVERIFY(!controller.violation());
    QCOMPARE(controller.branches().size(), std::size_t(1));
    QVERIFY(controller.branches().front().violation);
}

void TestSimulationController::playAdvancesVirtualTime()
{
    SimulationController controller;
    QCOMPARE(controller.start(fiveNodes(), 9), QString());
    controller.setSpeed(2000); // two virtual seconds per second
    controller.play();
    QVERIFY(controller.isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(controller.virtualNowUs() > 400'000, 10'000);
    controller.pause();
    QVERIFY(!controller.isPlaying());
    QVERIFY(controller.length() > 0);
    const std::uint64_t steps = controller.length();
    QTest::qWait(100);
    QCOMPARE(controller.length(), steps); // paused: nothing happens
}

QTEST_MAIN(TestSimulationController)
#include "tst_simulationcontroller.moc"
