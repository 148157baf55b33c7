// Two or three real TcpTransports on loopback: messages arrive with their trace ids, faults drop them,
// and strangers or garbage close one connection while the node keeps working.
#include "net/framecodec.h"
#include "net/messagecodec.h"
#include "net/tcptransport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace raftlab;

class TestTcpTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void messagesArriveWithTheirTraceIds();
    void blockedPeerDropsBothWays();
    void injectedLossAndDelay();
    void strangersAndGarbageCloseOnlyTheirConnection();
};

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

struct Pair
{
    std::unique_ptr<TcpTransport> a;
    std::unique_ptr<TcpTransport> b;
    quint16 portA = 0;
    quint16 portB = 0;
};

std::unique_ptr<TcpTransport> makeTransport(const QString &cluster, NodeId self, quint16 port,
                                            std::vector<TcpTransport::PeerAddress> peers)
{
    TcpTransport::Options options;
    options.cluster = cluster;
    options.self = self;
    options.listenHost = QStringLiteral("127.0.0.1");
    options.listenPort = port;
    options.peers = std::move(peers);
    options.randomSeed = self.value;
    return std::make_unique<TcpTransport>(options);
}

Pair makePair()
{
    Pair pair;
    pair.portA = freePort();
    pair.portB = freePort();
    const QString host = QStringLiteral("127.0.0.1");
    pair.a = makeTransport(QStringLiteral("demo"), NodeId(1), pair.portA, {{NodeId(2), host, pair.portB}});
    pair.b = makeTransport(QStringLiteral("demo"), NodeId(2), pair.portB, {{NodeId(1), host, pair.portA}});
    return pair;
}

Message heartbeat(NodeId from, NodeId to, std::uint64_t term)
{
    return Message{.type = MessageType::Heartbeat, .from = from, .to = to, .term = Term(term)};
}

} // namespace

void TestTcpTransport::messagesArriveWithTheirTraceIds()
{
    Pair pair = makePair();
    QVERIFY(pair.a->start().isEmpty());
    QVERIFY(pair.b->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    QSignalSpy sent(pair.a.get(), &TcpTransport::messageSent);
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);
    Message append{.type = MessageType::AppendEntries, .from = NodeId(1), .to = NodeId(2), .term = Term(3)};
    append.entries = {Entry{LogIndex(1), Term(3), EntryType::Command, QByteArray(3000, 'v')}};
    for (int i = 0; i < 100; ++i)
        pair.a->send(append);
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 100, 10000);
    QCOMPARE(sent.count(), 100);
    for (int i = 0; i < 100; ++i) {
        QCOMPARE(received.at(i).at(1).toULongLong(), sent.at(i).at(1).toULongLong()); // TCP keeps the order
        QCOMPARE(received.at(i).at(1).toULongLong() >> 32, 1ull); // sender's id on top
    }
    const auto message = received.first().first().value<Message>();
    QCOMPARE(message.entries.size(), std::size_t(1));
    QCOMPARE(message.entries.front().payload.size(), 3000);
}

void TestTcpTransport::blockedPeerDropsBothWays()
{
    Pair pair = makePair();
    QVERIFY(pair.a->start().isEmpty());
    QVERIFY(pair.b->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)) && pair.b->isConnectedTo(NodeId(1)), 10000);
    QSignalSpy droppedAtA(pair.a.get(), &TcpTransport::messageDropped);
    QSignalSpy droppedAtB(pair.b.get(), &TcpTransport::messageDropped);
    QSignalSpy receivedAtB(pair.b.get(), &TcpTransport::messageReceived);

    pair.a->setBlockedPeers({NodeId(2)}); // only A cuts: A drops what it sends ...
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    QCOMPARE(droppedAtA.count(), 1);
    QCOMPARE(droppedAtA.first().at(2).value<DropReason>(), DropReason::Partitioned);
    QCOMPARE(droppedAtA.first().at(3).value<Direction>(), Direction::Outgoing);
    QSignalSpy receivedAtA(pair.a.get(), &TcpTransport::messageReceived);
    pair.b->send(heartbeat(NodeId(2), NodeId(1), 1)); // ... and what arrives from B
    QTRY_COMPARE_WITH_TIMEOUT(droppedAtA.count(), 2, 10000);
    QCOMPARE(droppedAtA.last().at(3).value<Direction>(), Direction::Incoming);
    QCOMPARE(receivedAtA.count(), 0);

    pair.a->setBlockedPeers({}); // healed
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 2));
    QTRY_COMPARE_WITH_TIMEOUT(receivedAtB.count(), 1, 10000);
    QCOMPARE(droppedAtB.count(), 0);
}

void TestTcpTransport::injectedLossAndDelay()
{
    Pair pair = makePair();
    QVERIFY(pair.a->start().isEmpty());
    QVERIFY(pair.b->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    QSignalSpy dropped(pair.a.get(), &TcpTransport::messageDropped);
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);

    pair.a->setFaults(NetworkFaults{0, 0, 1.0});
    for (int i = 0; i < 20; ++i)
        pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    QCOMPARE(dropped.count(), 20);
    QCOMPARE(dropped.first().at(2).value<DropReason>(), DropReason::Loss);

    pair.a->setFaults(NetworkFaults{150, 0, 0});
    QElapsedTimer clock;
    clock.start();
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);
    QVERIFY2(clock.elapsed() >= 140, qPrintable(QStringLiteral("arrived after %1 ms").arg(clock.elapsed())));
}

void TestTcpTransport::strangersAndGarbageCloseOnlyTheirConnection()
{
    Pair pair = makePair();
    QVERIFY(pair.b->start().isEmpty());
    QSignalSpy rejected(pair.b.get(), &TcpTransport::connectionRejected);
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);

    // A node of another cluster, with the right ids.
    auto stranger = makeTransport(QStringLiteral("other"), NodeId(1), freePort(),
                                  {{NodeId(2), QStringLiteral("127.0.0.1"), pair.portB}});
    QVERIFY(stranger->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(rejected.count() >= 1, 10000);
    QVERIFY2(rejected.first().first().toString().contains(QStringLiteral("cluster 'other'")),
             qPrintable(rejected.first().first().toString()));
    stranger.reset();

    // Random bytes, an oversized frame, and a hello followed by a malformed message.
    const QList<QByteArray> attacks{
        QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), QByteArray("\x7f\xff\xff\xff", 4), [] {
            QByteArray bytes;
            appendFrame(bytes, encodeHello(Hello{QStringLiteral("demo"), NodeId(1), NodeId(2)}));
            appendFrame(bytes, QByteArray("\xa1\x00\x63", 3));
            return bytes;
        }()};
    for (const QByteArray &attack : attacks) {
        const int before = rejected.count();
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), pair.portB);
        QVERIFY(socket.waitForConnected(10000));
        socket.write(attack);
        QTRY_VERIFY_WITH_TIMEOUT(rejected.count() > before, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10000);
    }

    // The node still takes its real peer's messages.
    QVERIFY(pair.a->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 5));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);
}

QTEST_GUILESS_MAIN(TestTcpTransport)
#include "tst_tcptransport.moc"
