// What an idle RaftNode does between the ticks at which something is due: nothing. Its tick timer sleeps
// until the core's next timer (RaftCore::ticksUntilTimer()), so an idle follower's loop wakes once per
// election timeout, not once per tick (each wake-up is a poll, a timer event and a pass of the core).
#include "net/tcptransport.h"
#include "node/raftnode.h"
#include "storage/nodestorage.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace raftlab;

namespace {

constexpr NodeId silentLeaderId(1);
constexpr NodeId followerId(2);

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

class TestNodeIdle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idleFollowerWakesOnlyWhenItsTimerIsDue();
};

void TestNodeIdle::idleFollowerWakesOnlyWhenItsTimerIsDue()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    NodeStorage::Opened opened;
    const StorageStatus status = NodeStorage::open(dir.path(), NodeStorage::Options{SyncMode::Never}, opened);
    QVERIFY2(status.ok(), qPrintable(status.message));

    TcpTransport::Options options;
    options.cluster = QStringLiteral("idle");
    options.self = followerId;
    options.listenHost = QStringLiteral("127.0.0.1");
    options.listenPort = freePort();
    // A peer that never answers: the follower hears no one, and its only timer is its election timeout.
    options.peers = {{silentLeaderId, QStringLiteral("127.0.0.1"), freePort()}};
    options.randomSeed = 2;
    TcpTransport transport(options);
    QVERIFY(transport.start().isEmpty());

    NodeSettings settings;
    settings.core.id = followerId;
    settings.core.members = {silentLeaderId, followerId};
    settings.core.heartbeatTicks = 5;
    settings.core.electionTimeoutTicksMin = 30;
    settings.core.electionTimeoutTicksMax = 60;
    settings.tickMs = 10;
    QString error;
    std::unique_ptr<RaftNode> node = RaftNode::create(settings, std::move(opened), &transport, error);
    QVERIFY2(node, qPrintable(error));
    auto *tickTimer = node->findChild<QTimer *>();
    QVERIFY(tickTimer);
    int wakeUps = 0;
    connect(tickTimer, &QTimer::timeout, this, [&wakeUps] { ++wakeUps; });
    int timedOutAtTick = 0;
    connect(node.get(), &RaftNode::coreEvent, this, [&timedOutAtTick](const Event &event, qint64) {
        if (event.type == EventType::ElectionTimeout && timedOutAtTick == 0)
            timedOutAtTick = event.ticks;
    });
    QElapsedTimer clock;
    clock.start();
    node->start();
    QTRY_VERIFY_WITH_TIMEOUT(timedOutAtTick > 0, 20'000);
    // The core counted every tick of its timeout, no fewer, and not faster than the clock...
    QVERIFY2(timedOutAtTick >= settings.core.electionTimeoutTicksMin,
             qPrintable(QString::number(timedOutAtTick)));
    QVERIFY(clock.elapsed() >= qint64(timedOutAtTick) * settings.tickMs);
    // ...but the loop woke for the tick that fired it, not for each of the 30 to 60 ticks before it (a
    // second wake-up is allowed: a timer may round its wait down).
    QVERIFY2(wakeUps >= 1 && wakeUps <= 2, qPrintable(QString::number(wakeUps)));
}

QTEST_GUILESS_MAIN(TestNodeIdle)
#include "tst_nodeidle.moc"
