// What an idle RaftNode does between its ticks: nothing. A tick that leaves the core with nothing to
// persist, send or apply posts no Ready pass to the node's loop, so an idle follower wakes once per tick
// and no more (each extra pass of the loop is a write, a poll and a read of its wake-up descriptor).
#include "net/tcptransport.h"
#include "node/raftnode.h"
#include "storage/nodestorage.h"

#include <QEvent>
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

// Counts the queued calls (QMetaObject::invokeMethod) delivered to one object.
class QueuedCallCounter final : public QObject
{
public:
    int calls = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::MetaCall)
            ++calls;
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

class TestNodeIdle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idleTicksPostNoReadyPass();
};

void TestNodeIdle::idleTicksPostNoReadyPass()
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
    // A peer that never answers: the follower hears no one and only ticks.
    options.peers = {{silentLeaderId, QStringLiteral("127.0.0.1"), freePort()}};
    options.randomSeed = 2;
    TcpTransport transport(options);
    QVERIFY(transport.start().isEmpty());

    NodeSettings settings;
    settings.core.id = followerId;
    settings.core.members = {silentLeaderId, followerId};
    settings.core.heartbeatTicks = 5;
    // Long enough that the follower never campaigns during the test.
    settings.core.electionTimeoutTicksMin = 3000;
    settings.core.electionTimeoutTicksMax = 6000;
    settings.tickMs = 10;
    QString error;
    std::unique_ptr<RaftNode> node = RaftNode::create(settings, std::move(opened), &transport, error);
    QVERIFY2(node, qPrintable(error));
    auto *tickTimer = node->findChild<QTimer *>();
    QVERIFY(tickTimer);
    int ticks = 0;
    connect(tickTimer, &QTimer::timeout, this, [&ticks] { ++ticks; });
    node->start();
    // The start-up Ready (the node's first events) is one pass; let it go by.
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= 2, 10'000);

    QueuedCallCounter counter;
    node->installEventFilter(&counter);
    const int from = ticks;
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= from + 20, 20'000);
    node->removeEventFilter(&counter);
    QCOMPARE(counter.calls, 0);
    QVERIFY(node->role() == Role::Follower);
}

QTEST_GUILESS_MAIN(TestNodeIdle)
#include "tst_nodeidle.moc"
