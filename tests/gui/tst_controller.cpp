// ClusterController against real raftlab-node processes: what the menus and toolbar ask for reaches the
// nodes (checked through each node's own /status), and survives a node's restart.
#include "cluster/clustercontroller.h"
#include "support/nodestatus.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace raftlab;
using raftlab::testing::idsIn;

namespace {

// Generous: CI is a loaded 2-core machine running several node processes per test.
constexpr int deadlineMs = 30'000;

} // namespace

class TestController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void startsAClusterTheModelSees();
    void speedTableKeepsElectionsAway();
    void cutAndHealReachBothEnds();
    void aOneWayCutReachesOnlyTheSendingEnd();
    void isolateAndHealAll();
    void killAndRestartThroughTheController();
    void restartedLeaderIsDrawnFromItsNewProcess();
    void followersProgressIsTheLeadersOwnReport();
    void clientWaitsScaleWithTheSpeed();
    void restartedNodeGetsTheLabConditionsBack();
    void aNodeThatIsDownTakesTheSpeedWhenBack();
    void makeLeaderHandsLeadershipOver();
    void resetAppliesNewProtocolOptions();

private:
    void start(int count);
    QJsonObject statusOf(NodeId id); // GET /status through the node's client
    NodeId leader() const { return m_controller->model()->summary().leader; }
    NodeId follower() const;

    std::unique_ptr<ClusterController> m_controller;
};

void TestController::init()
{
    m_controller = std::make_unique<ClusterController>();
    m_controller->supervisor()->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    m_controller->supervisor()->setExtraNodeArguments({QStringLiteral("--fsync"), QStringLiteral("never")});
}

void TestController::cleanup()
{
    m_controller.reset();
}

void TestController::start(int count)
{
    QSignalSpy clientsChanged(m_controller.get(), &ClusterController::clientsChanged);
    const QString error = m_controller->startLocal(count, QString(), ProtocolOptions{});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(clientsChanged.count() >= 1);
    QCOMPARE(m_controller->clients().size(), count);
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->summary().nodesUp, count, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone(), deadlineMs);
}

QJsonObject TestController::statusOf(NodeId id)
{
    return testing::statusOf(m_controller->client(id), deadlineMs);
}

NodeId TestController::follower() const
{
    for (const NodeId id : m_controller->model()->nodeIds()) {
        if (id != leader())
            return id;
    }
    return NodeId{};
}

void TestController::startsAClusterTheModelSees()
{
    start(3);
    const ClusterModel *model = m_controller->model();
    QCOMPARE(model->nodeIds().size(), std::size_t(3));
    const NodeState *leaderState = model->node(leader());
    QVERIFY(leaderState);
    QVERIFY(leaderState->isLeader());
    QVERIFY(m_controller->canControlProcesses());
    for (NodeClient *client : m_controller->clients())
        QVERIFY(client->isConnected());
}

void TestController::speedTableKeepsElectionsAway()
{
    ClusterConfig config;
    const SpeedSetting normal = SpeedSetting::forFactor(1, config);
    QCOMPARE(normal.heartbeatMs, config.heartbeatMs);
    QCOMPARE(normal.linkDelayMs, 0);
    for (const int factor : ClusterController::speedFactors) {
        const SpeedSetting speed = SpeedSetting::forFactor(factor, config);
        QCOMPARE(speed.heartbeatMs, config.heartbeatMs * factor);
        QCOMPARE(speed.electionTimeoutMinMs, config.electionTimeoutMs.minMs * factor);
        // A heartbeat's round trip (two delays) plus its interval fits well inside the shortest timeout.
        QVERIFY(speed.heartbeatMs + 2 * speed.linkDelayMs < speed.electionTimeoutMinMs);
        if (factor > 1)
            QVERIFY2(speed.linkDelayMs >= 5 * factor, "slow motion makes messages visibly travel");
    }
}

void TestController::cutAndHealReachBothEnds()
{
    start(3);
    const NodeId a(1), b(3);
    QSignalSpy done(m_controller.get(), &ClusterController::actionDone);
    m_controller->setLinkCut(a, b, true);
    QVERIFY(m_controller->isLinkCut(a, b));
    QCOMPARE(done.count(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(a).value(u"blocked_peers")) == QList<qint64>{3}, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(b).value(u"blocked_peers")) == QList<qint64>{1}, deadlineMs);
    QCOMPARE(idsIn(statusOf(NodeId(2)).value(u"blocked_peers")), QList<qint64>{});
    // The model hears it from the nodes' own events: what the view draws dashed.
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->model()->node(a)->blockedPeers == std::vector<NodeId>{b},
                             deadlineMs);
    // The fault is on the charts' time axis.
    QVERIFY(m_controller->model()->history().faultMarkers().size() >= 1);

    m_controller->setLinkCut(b, a, false);
    QVERIFY(!m_controller->isLinkCut(a, b));
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(a).value(u"blocked_peers")).isEmpty(), deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(b).value(u"blocked_peers")).isEmpty(), deadlineMs);
}

void TestController::aOneWayCutReachesOnlyTheSendingEnd()
{
    start(3);
    const NodeId from(1), to(3);
    m_controller->setOneWayCut(from, to, true);
    QVERIFY(m_controller->isOneWayCut(from, to));
    QVERIFY(!m_controller->isOneWayCut(to, from));
    QVERIFY(!m_controller->isLinkCut(from, to));
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(from).value(u"outgoing_blocked_peers")) == QList<qint64>{3},
                             deadlineMs);
    QCOMPARE(idsIn(statusOf(from).value(u"blocked_peers")), QList<qint64>{});
    QCOMPARE(idsIn(statusOf(to).value(u"outgoing_blocked_peers")), QList<qint64>{});
    QTRY_VERIFY_WITH_TIMEOUT(
        m_controller->model()->node(from)->outgoingBlockedPeers == std::vector<NodeId>{to}, deadlineMs);

    // Healing the link heals its one-way cut too.
    m_controller->setLinkCut(to, from, false);
    QVERIFY(!m_controller->isOneWayCut(from, to));
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(from).value(u"outgoing_blocked_peers")).isEmpty(), deadlineMs);
}

void TestController::isolateAndHealAll()
{
    start(3);
    const NodeId lonely = leader();
    m_controller->isolate(lonely);
    QList<qint64> others;
    for (const NodeId id : m_controller->model()->nodeIds()) {
        if (id != lonely)
            others.append(id.value);
    }
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(lonely).value(u"blocked_peers")) == others, deadlineMs);
    for (const qint64 other : others) {
        QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(NodeId(std::uint32_t(other))).value(u"blocked_peers")) ==
                                     QList<qint64>{lonely.value},
                                 deadlineMs);
    }
    // The majority elects a new leader in a higher term; the isolated one cannot commit anything.
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone() && leader() != lonely, deadlineMs);

    m_controller->healAll();
    for (const NodeId id : m_controller->model()->nodeIds())
        QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(id).value(u"blocked_peers")).isEmpty(), deadlineMs);
}

void TestController::killAndRestartThroughTheController()
{
    start(3);
    const NodeId victim = follower();
    QSignalSpy states(m_controller.get(), &ClusterController::processStateChanged);
    QVERIFY(m_controller->kill(victim));
    QCOMPARE(m_controller->supervisor()->nodeState(victim), ClusterSupervisor::NodeState::Killed);
    QVERIFY(!states.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->model()->node(victim)->connected, deadlineMs);
    QVERIFY2(!m_controller->kill(victim), "a dead node cannot be killed again");

    QVERIFY(m_controller->restart(victim));
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->supervisor()->nodeState(victim),
                              ClusterSupervisor::NodeState::Running, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->model()->node(victim)->connected, deadlineMs);
}

void TestController::restartedLeaderIsDrawnFromItsNewProcess()
{
    start(5);
    const ClusterModel *model = m_controller->model();
    const NodeId victim = leader();
    const Term oldTerm = model->node(victim)->term;
    int written = 0;
    const auto write = [&](NodeId to, const QByteArray &key) {
        m_controller->client(to)->put(
            key, "v", [&](const NodeClient::KvResult &result) { written += result.ok() ? 1 : 0; });
    };
    write(victim, "a");
    write(victim, "b");
    QTRY_COMPARE_WITH_TIMEOUT(written, 2, deadlineMs);

    // From the kill on, no frame may show the dead leader's last state: not as a leader, not at all
    // until its new process has sent its own `state`.
    int stalePictures = 0;
    bool newProcessSpoke = false;
    const QMetaObject::Connection watch = connect(model, &ClusterModel::changed, this, [&] {
        const NodeState *state = model->node(victim);
        if (state->hasStatus && !newProcessSpoke && state->isLeader() && state->term == oldTerm)
            ++stalePictures;
    });
    QVERIFY(m_controller->kill(victim));
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone() && leader() != victim, deadlineMs);
    write(leader(), "c");
    write(leader(), "d");
    QTRY_COMPARE_WITH_TIMEOUT(written, 4, deadlineMs);
    QVERIFY(m_controller->restart(victim));
    QTRY_VERIFY_WITH_TIMEOUT(model->node(victim)->hasStatus, deadlineMs);
    newProcessSpoke = true;
    disconnect(watch);
    QCOMPARE(stalePictures, 0);
    QVERIFY(!model->node(victim)->isLeader());

    // Its log as the app mirrors it is the log its /status reports: every entry, no snapshot.
    const NodeId now = leader();
    QTRY_VERIFY_WITH_TIMEOUT(model->node(victim)->lastLogIndex == model->node(now)->lastLogIndex, deadlineMs);
    const QJsonObject status = statusOf(victim);
    const LogMirror *log = model->log(victim);
    QCOMPARE(qint64(log->lastIndex().value), status.value(u"last_log_index").toInteger());
    QCOMPARE(qint64(log->snapshotIndex().value), status.value(u"snapshot_index").toInteger());
    QCOMPARE(status.value(u"snapshot_index").toInteger(), 0);
    for (std::uint64_t index = 1; index <= log->lastIndex().value; ++index)
        QVERIFY2(log->entry(LogIndex(index)),
                 qPrintable(QStringLiteral("entry %1 is not mirrored").arg(index)));
}

void TestController::followersProgressIsTheLeadersOwnReport()
{
    start(3);
    const ClusterModel *model = m_controller->model();
    const NodeId boss = leader();
    const NodeId dead = follower();
    QVERIFY(m_controller->kill(dead));
    int written = 0;
    for (const QByteArray key : {"p", "q", "r"})
        m_controller->client(boss)->put(
            key, "v", [&](const NodeClient::KvResult &result) { written += result.ok() ? 1 : 0; });
    QTRY_COMPARE_WITH_TIMEOUT(written, 3, deadlineMs);

    // What the app shows of each follower (details dialog, logs view) is what the leader's /status says,
    // for the live follower and for the dead one the leader keeps sending to.
    const auto agrees = [&](QString *why) {
        const QJsonObject status = statusOf(boss);
        const NodeState *state = model->node(boss);
        for (const QJsonValue &item : status.value(u"followers").toArray()) {
            const QJsonObject reported = item.toObject();
            const FollowerProgress *shown =
                state->follower(NodeId(std::uint32_t(reported.value(u"id").toInt())));
            if (!shown || qint64(shown->nextIndex.value) != reported.value(u"next_index").toInteger() ||
                qint64(shown->matchIndex.value) != reported.value(u"match_index").toInteger() ||
                shown->state != reported.value(u"state").toString()) {
                *why = QStringLiteral("node %1: shown next %2 match %3 %4, reported %5")
                           .arg(reported.value(u"id").toInt())
                           .arg(shown ? shown->nextIndex.value : 0)
                           .arg(shown ? shown->matchIndex.value : 0)
                           .arg(shown ? shown->state : QString())
                           .arg(QString::fromUtf8(QJsonDocument(reported).toJson(QJsonDocument::Compact)));
                return false;
            }
        }
        return true;
    };
    QString why;
    QTRY_VERIFY2_WITH_TIMEOUT(agrees(&why), qPrintable(why), deadlineMs);
    QVERIFY(!model->node(boss)->follower(dead)->state.isEmpty()); // the details dialog's state column
}

void TestController::clientWaitsScaleWithTheSpeed()
{
    start(3);
    m_controller->setSpeed(20);
    for (NodeClient *client : m_controller->clients()) {
        QCOMPARE(client->timeScale(), 20);
        QCOMPARE(client->kvTimeoutMs(), 20 * NodeClient::nodeDefaultKvTimeoutMs);
        QCOMPARE(client->requestTimeoutMs(), 20 * NodeClient::defaultRequestTimeoutMs);
    }
    for (const NodeId id : m_controller->model()->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id).value(u"heartbeat_ms").toInt(),
                                  m_controller->speedSetting().heartbeatMs, deadlineMs);
    // The leader and one follower die: the last node knows no leader and has no majority. A write sent
    // to it waits for a leader; one comes only after the second node is restarted, elected at ×20 speed,
    // much later than the node's usual 3 s commit timeout. The write must commit, not time out.
    const NodeId dead = leader();
    const NodeId asked = follower();
    NodeId other;
    for (const NodeId id : m_controller->model()->nodeIds())
        if (id != dead && id != asked)
            other = id;
    QVERIFY(m_controller->kill(dead));
    QVERIFY(m_controller->kill(other));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->model()->node(asked)->hasStatus &&
                                 m_controller->model()->node(asked)->leader.isNone(),
                             deadlineMs);
    std::optional<NodeClient::KvResult> answer;
    QElapsedTimer waited;
    waited.start();
    m_controller->client(asked)->put("slow", "motion",
                                     [&](const NodeClient::KvResult &result) { answer = result; });
    QTest::qWait(NodeClient::nodeDefaultKvTimeoutMs + 500);
    QVERIFY2(!answer.has_value(),
             qPrintable(QStringLiteral("answered %1 after %2 ms: %3")
                            .arg(answer ? answer->httpStatus : 0)
                            .arg(waited.elapsed())
                            .arg(answer ? answer->message : QString())));
    QVERIFY(m_controller->restart(other));
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20 * NodeClient::nodeDefaultKvTimeoutMs);
    QVERIFY2(answer->ok(),
             qPrintable(QStringLiteral("%1 %2 after %3 ms")
                            .arg(answer->httpStatus)
                            .arg(answer->message)
                            .arg(waited.elapsed())));

    m_controller->setSpeed(1);
    for (NodeClient *client : m_controller->clients())
        QCOMPARE(client->requestTimeoutMs(), NodeClient::defaultRequestTimeoutMs);
}

void TestController::restartedNodeGetsTheLabConditionsBack()
{
    start(3);
    const NodeId victim = follower();
    const NodeId other = [&] {
        for (const NodeId id : m_controller->model()->nodeIds()) {
            if (id != victim && id != leader())
                return id;
        }
        return NodeId{};
    }();
    QSignalSpy speedChanged(m_controller.get(), &ClusterController::speedChanged);
    m_controller->setSpeed(5);
    QCOMPARE(speedChanged.count(), 1);
    const SpeedSetting slow = m_controller->speedSetting();
    for (const NodeId id : m_controller->model()->nodeIds()) {
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id).value(u"heartbeat_ms").toInt(), slow.heartbeatMs, deadlineMs);
        QCOMPARE(statusOf(id).value(u"net").toObject().value(u"delay_ms").toInt(), slow.linkDelayMs);
    }
    m_controller->setLinkCut(victim, other, true);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(victim).value(u"blocked_peers")) == QList<qint64>{other.value},
                             deadlineMs);

    // The node forgets both when it restarts; the controller tells it again once it is back.
    QVERIFY(m_controller->restart(victim));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->model()->node(victim)->connected, deadlineMs);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(victim).value(u"heartbeat_ms").toInt(), slow.heartbeatMs, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(victim).value(u"blocked_peers")) == QList<qint64>{other.value},
                             deadlineMs);
    QCOMPARE(statusOf(victim).value(u"net").toObject().value(u"delay_ms").toInt(), slow.linkDelayMs);

    m_controller->setSpeed(1);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(victim).value(u"heartbeat_ms").toInt(),
                              ClusterConfig::defaultHeartbeatMs, deadlineMs);
    QCOMPARE(statusOf(victim).value(u"net").toObject().value(u"delay_ms").toInt(), 0);
}

void TestController::aNodeThatIsDownTakesTheSpeedWhenBack()
{
    // Changing the speed with a node down reported that node's failure to take it ("could not delay its
    // messages: connection refused"), though it takes the speed once it is back.
    start(3);
    const NodeId victim = follower();
    QVERIFY(m_controller->kill(victim));
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->client(victim)->isConnected(), deadlineMs);
    QSignalSpy failed(m_controller.get(), &ClusterController::actionFailed);
    m_controller->setSpeed(5);
    const SpeedSetting slow = m_controller->speedSetting();
    for (const NodeId id : m_controller->model()->nodeIds()) {
        if (id != victim)
            QTRY_COMPARE_WITH_TIMEOUT(statusOf(id).value(u"heartbeat_ms").toInt(), slow.heartbeatMs,
                                      deadlineMs);
    }
    QVERIFY(m_controller->restart(victim));
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(victim).value(u"heartbeat_ms").toInt(), slow.heartbeatMs, deadlineMs);

    QVERIFY(m_controller->kill(victim));
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->client(victim)->isConnected(), deadlineMs);
    m_controller->setSpeed(1);
    for (const NodeId id : m_controller->model()->nodeIds()) {
        if (id != victim)
            QTRY_COMPARE_WITH_TIMEOUT(statusOf(id).value(u"heartbeat_ms").toInt(),
                                      ClusterConfig::defaultHeartbeatMs, deadlineMs);
    }
    QVERIFY(m_controller->restart(victim));
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(victim).value(u"heartbeat_ms").toInt(),
                              ClusterConfig::defaultHeartbeatMs, deadlineMs);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
}

void TestController::makeLeaderHandsLeadershipOver()
{
    start(3);
    const NodeId next = follower();
    m_controller->makeLeader(next);
    QTRY_COMPARE_WITH_TIMEOUT(leader(), next, deadlineMs);
    QSignalSpy done(m_controller.get(), &ClusterController::actionDone);
    m_controller->makeLeader(next);
    QCOMPARE(done.count(), 1);
    QVERIFY2(done.first().first().toString().contains(u"leads already"),
             qPrintable(done.first().first().toString()));
}

void TestController::resetAppliesNewProtocolOptions()
{
    start(3);
    NodeClient *one = m_controller->client(NodeId(1));
    one->put("before-reset", "1", [](const NodeClient::KvResult &) {});
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->model()->summary().leaderCommitIndex.value >= 2, deadlineMs);

    const QString error = m_controller->resetCluster(ProtocolOptions{false, false});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!m_controller->protocolOptions().preVote);
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->model()->summary().nodesUp, 3, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone(), deadlineMs);
    for (const NodeId id : m_controller->model()->nodeIds()) {
        const QJsonObject status = statusOf(id);
        QCOMPARE(status.value(u"prevote").toBool(true), false);
        QCOMPARE(status.value(u"check_quorum").toBool(true), false);
    }
    // Wiped: the key written before is gone.
    std::optional<NodeClient::KvResult> read;
    m_controller->client(leader())->get("before-reset",
                                        [&](const NodeClient::KvResult &result) { read = result; });
    QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), deadlineMs);
    QCOMPARE(read->httpStatus, 404);
}

QTEST_MAIN(TestController)
#include "tst_controller.moc"
