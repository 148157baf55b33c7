// Two or three real TcpTransports on loopback: messages arrive with their trace ids, faults drop them,
// strangers or garbage close one connection while the node keeps working, connections that have not
// said hello are few, small and short-lived, and the optional cluster secret keeps out whoever lacks it.
#include "net/framecodec.h"
#include "net/handshake.h"
#include "net/messagecodec.h"
#include "net/tcptransport.h"

#include <QElapsedTimer>
#include <QHostInfo>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <memory>

using namespace raftlab;

class TestTcpTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void messagesArriveWithTheirTraceIds();
    void blockedPeerDropsBothWays();
    void anOutgoingBlockCutsOneLinkOneWay();
    void injectedLossAndDelay();
    void strangersAndGarbageCloseOnlyTheirConnection();
    void framesBeforeTheHelloAreSmall();
    void silentConnectionsAreClosedAfterTheHelloTimeout();
    void connectionsPastTheCapAreClosedAtOnce();
    void aNewerConnectionFromAPeerReplacesTheOlder();
    void peersWithTheSameSecretConnect();
    void aWrongOrMissingSecretIsRefused_data();
    void aWrongOrMissingSecretIsRefused();
    void theSecretNeverTravels();
    void aSecretOnlyOnTheConnectingSideIsNamed();
    void aHostNameListensOnItsAddressOnly();
    void aPeerThatClosesEveryConnectionIsDialledEverMoreSlowly();
    void messagesThatWaitTooLongForAConnectionAreDropped();
    void relayFramesLeaveOnlyOverAnOpenConnectionAndPassTheLabsFaults();
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

using Tweak = std::function<void(TcpTransport::Options &)>;

std::unique_ptr<TcpTransport> makeTransport(const QString &cluster, NodeId self, quint16 port,
                                            std::vector<TcpTransport::PeerAddress> peers,
                                            const Tweak &tweak = {})
{
    TcpTransport::Options options;
    options.cluster = cluster;
    options.self = self;
    options.listenHost = QStringLiteral("127.0.0.1");
    options.listenPort = port;
    options.peers = std::move(peers);
    options.randomSeed = self.value;
    if (tweak)
        tweak(options);
    return std::make_unique<TcpTransport>(options);
}

Pair makePair(const Tweak &tweakA = {}, const Tweak &tweakB = {})
{
    Pair pair;
    pair.portA = freePort();
    pair.portB = freePort();
    const QString host = QStringLiteral("127.0.0.1");
    pair.a =
        makeTransport(QStringLiteral("demo"), NodeId(1), pair.portA, {{NodeId(2), host, pair.portB}}, tweakA);
    pair.b =
        makeTransport(QStringLiteral("demo"), NodeId(2), pair.portB, {{NodeId(1), host, pair.portA}}, tweakB);
    return pair;
}

Tweak withSecret(const QByteArray &secret)
{
    return [secret](TcpTransport::Options &options) {
        options.secret = secret;
    };
}

QByteArray helloFrame(NodeId from, NodeId to)
{
    QByteArray bytes;
    appendFrame(bytes, encodeHello(Hello{QStringLiteral("demo"), from, to}));
    return bytes;
}

QByteArray messageFrame(const Message &message)
{
    QByteArray bytes;
    appendFrame(bytes, encodeMessage(message, 1));
    return bytes;
}

// A raw client socket on loopback, connected (or failing the test).
std::unique_ptr<QTcpSocket> rawConnection(quint16 port)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket->waitForConnected(10000))
        return nullptr;
    return socket;
}

// Collects the warnings logged while it lives (and still lets them through).
class WarningLog
{
public:
    WarningLog()
    {
        s_current = this;
        m_previous = qInstallMessageHandler(&WarningLog::handle);
    }
    ~WarningLog()
    {
        qInstallMessageHandler(m_previous);
        s_current = nullptr;
    }
    bool contains(const QString &text) const
    {
        return std::any_of(m_lines.begin(), m_lines.end(),
                           [&text](const QString &line) { return line.contains(text); });
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (type == QtWarningMsg)
            s_current->m_lines << message;
        s_current->m_previous(type, context, message);
    }

    static inline WarningLog *s_current = nullptr;
    QtMessageHandler m_previous = nullptr;
    QStringList m_lines;
};

bool isClosed(const QTcpSocket &socket)
{
    return socket.state() == QAbstractSocket::UnconnectedState;
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

void TestTcpTransport::anOutgoingBlockCutsOneLinkOneWay()
{
    Pair pair = makePair();
    QVERIFY(pair.a->start().isEmpty());
    QVERIFY(pair.b->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)) && pair.b->isConnectedTo(NodeId(1)), 10000);
    QSignalSpy droppedAtA(pair.a.get(), &TcpTransport::messageDropped);
    QSignalSpy receivedAtA(pair.a.get(), &TcpTransport::messageReceived);
    QSignalSpy receivedAtB(pair.b.get(), &TcpTransport::messageReceived);

    pair.a->setOutgoingBlockedPeers({NodeId(2)}); // A no longer sends to B ...
    QCOMPARE(pair.a->outgoingBlockedPeers(), std::set<NodeId>{NodeId(2)});
    QVERIFY(pair.a->blockedPeers().empty());
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    QCOMPARE(droppedAtA.count(), 1);
    QCOMPARE(droppedAtA.first().at(2).value<DropReason>(), DropReason::Partitioned);
    QCOMPARE(droppedAtA.first().at(3).value<Direction>(), Direction::Outgoing);
    pair.b->send(heartbeat(NodeId(2), NodeId(1), 1)); // ... but still hears it
    QTRY_COMPARE_WITH_TIMEOUT(receivedAtA.count(), 1, 10000);
    QCOMPARE(droppedAtA.count(), 1);
    QCOMPARE(receivedAtB.count(), 0);

    pair.a->setOutgoingBlockedPeers({}); // healed
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 2));
    QTRY_COMPARE_WITH_TIMEOUT(receivedAtB.count(), 1, 10000);
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
        QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), QByteArray("\x7f\xff\xff\xff", 4),
        [] {
            QByteArray bytes;
            appendFrame(bytes, encodeHello(Hello{QStringLiteral("demo"), NodeId(1), NodeId(2)}));
            appendFrame(bytes, QByteArray("\xa1\x00\x63", 3));
            return bytes;
        }(),
        [] {
            Message gap{
                .type = MessageType::AppendEntries, .from = NodeId(1), .to = NodeId(2), .term = Term(3)};
            gap.entries = {Entry{LogIndex(1), Term(3), EntryType::Command, {}},
                           Entry{LogIndex(3), Term(3), EntryType::Command, {}}};
            return helloFrame(NodeId(1), NodeId(2)) + messageFrame(gap);
        }(),
        [] { // a relay frame whose writes do not come in (id, command) pairs
            QByteArray bytes = helloFrame(NodeId(1), NodeId(2));
            appendFrame(bytes, QByteArray("\x82\x00\x07", 3));
            return bytes;
        }()};
    const QStringList reasons{QStringLiteral("not a RaftLab peer"), QStringLiteral("larger than a hello"),
                              QStringLiteral("a malformed message from node 1"),
                              QStringLiteral("entries are not contiguous: index 3 follows index 1"),
                              QStringLiteral("a malformed relay frame from node 1")};
    for (qsizetype i = 0; i < attacks.size(); ++i) {
        const QByteArray &attack = attacks[i];
        const int before = rejected.count();
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), pair.portB);
        QVERIFY(socket.waitForConnected(10000));
        socket.write(attack);
        QTRY_VERIFY_WITH_TIMEOUT(rejected.count() > before, 10000);
        QVERIFY2(rejected.last().first().toString().contains(reasons[i]),
                 qPrintable(rejected.last().first().toString()));
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10000);
    }

    // The node still takes its real peer's messages.
    QVERIFY(pair.a->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 5));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);
}

void TestTcpTransport::framesBeforeTheHelloAreSmall()
{
    Pair pair = makePair();
    QVERIFY(pair.b->start().isEmpty());
    QSignalSpy rejected(pair.b.get(), &TcpTransport::connectionRejected);

    // A frame header announcing 64 KiB, far below the 64 MiB limit after a hello, and nothing more: it
    // is refused on its header, without waiting for (and buffering) its bytes.
    auto stranger = rawConnection(pair.portB);
    QVERIFY(stranger);
    stranger->write(QByteArray("\x00\x01\x00\x00", 4) + QByteArray(1000, 'x'));
    QTRY_VERIFY_WITH_TIMEOUT(isClosed(*stranger), 10000);
    QCOMPARE(rejected.count(), 1);
    QVERIFY2(rejected.first().first().toString().contains(QStringLiteral("larger than a hello")),
             qPrintable(rejected.first().first().toString()));
    QCOMPARE(pair.b->pendingInboundConnections(), 0);

    // After the hello, large frames pass: the limit grew with it.
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);
    QVERIFY(pair.a->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    Message append{.type = MessageType::AppendEntries, .from = NodeId(1), .to = NodeId(2), .term = Term(3)};
    append.entries = {Entry{LogIndex(1), Term(3), EntryType::Command, QByteArray(200'000, 'v')}};
    pair.a->send(append);
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);
    QCOMPARE(received.first().first().value<Message>().entries.front().payload.size(), 200'000);
    QCOMPARE(rejected.count(), 1);

    // A hello and a large message in one burst: the message is read once the hello is accepted.
    auto burst = rawConnection(pair.portB);
    QVERIFY(burst);
    append.entries.front().payload = QByteArray(300'000, 'w');
    burst->write(helloFrame(NodeId(1), NodeId(2)) + messageFrame(append));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 2, 10000);
    QCOMPARE(received.last().first().value<Message>().entries.front().payload.size(), 300'000);
    QCOMPARE(rejected.count(), 1);
}

void TestTcpTransport::silentConnectionsAreClosedAfterTheHelloTimeout()
{
    Pair pair = makePair({}, [](TcpTransport::Options &options) { options.helloTimeoutMs = 300; });
    QVERIFY(pair.b->start().isEmpty());
    QSignalSpy rejected(pair.b.get(), &TcpTransport::connectionRejected);
    // Started before the connections are: a loaded machine can only make the time measured longer.
    QElapsedTimer clock;
    clock.start();
    auto silent = rawConnection(pair.portB);
    QVERIFY(silent);
    auto halfHello = rawConnection(pair.portB);
    QVERIFY(halfHello);
    halfHello->write(helloFrame(NodeId(1), NodeId(2)).left(10));
    QTRY_COMPARE_WITH_TIMEOUT(pair.b->pendingInboundConnections(), 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(isClosed(*silent) && isClosed(*halfHello), 10000);
    QVERIFY2(clock.elapsed() >= 200, qPrintable(QStringLiteral("closed after %1 ms").arg(clock.elapsed())));
    QCOMPARE(rejected.count(), 2);
    for (const QList<QVariant> &reason : rejected)
        QVERIFY2(reason.first().toString().contains(QStringLiteral("no hello within 300 ms")),
                 qPrintable(reason.first().toString()));
    QCOMPARE(pair.b->pendingInboundConnections(), 0);

    // A peer that says hello in time stays, long past the deadline.
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);
    QVERIFY(pair.a->start().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(pair.b->peerInboundConnections(), 1, 10000);
    clock.restart();
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() > 600, 10000);
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);
    QCOMPARE(rejected.count(), 2);
}

void TestTcpTransport::connectionsPastTheCapAreClosedAtOnce()
{
    constexpr int cap = 8;
    Pair pair = makePair({}, [](TcpTransport::Options &options) {
        options.maxPendingConnections = cap;
        options.helloTimeoutMs = 60'000;
    });
    QVERIFY(pair.a->start().isEmpty());
    QVERIFY(pair.b->start().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(pair.b->peerInboundConnections(), 1, 10000);
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);

    std::vector<std::unique_ptr<QTcpSocket>> strangers;
    for (int i = 0; i < cap + 12; ++i) {
        strangers.push_back(rawConnection(pair.portB));
        QVERIFY(strangers.back());
    }
    const auto closedCount = [&strangers] {
        return std::count_if(strangers.begin(), strangers.end(), [](const auto &s) { return isClosed(*s); });
    };
    QTRY_COMPARE_WITH_TIMEOUT(closedCount(), 12, 10000);
    QCOMPARE(pair.b->pendingInboundConnections(), cap);
    // Those past the cap were the ones closed; the first `cap` are still waiting for their hello.
    for (int i = 0; i < cap; ++i)
        QVERIFY2(!isClosed(*strangers[static_cast<std::size_t>(i)]), qPrintable(QString::number(i)));

    // The peer, counted apart, is not crowded out.
    QCOMPARE(pair.b->peerInboundConnections(), 1);
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);

    // Room again once strangers leave.
    strangers.front()->abort();
    QTRY_COMPARE_WITH_TIMEOUT(pair.b->pendingInboundConnections(), cap - 1, 10000);
    auto late = rawConnection(pair.portB);
    QVERIFY(late);
    QTRY_COMPARE_WITH_TIMEOUT(pair.b->pendingInboundConnections(), cap, 10000);
    QVERIFY(!isClosed(*late));
}

void TestTcpTransport::aNewerConnectionFromAPeerReplacesTheOlder()
{
    Pair pair = makePair();
    QVERIFY(pair.b->start().isEmpty());
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);
    QSignalSpy rejected(pair.b.get(), &TcpTransport::connectionRejected);
    auto older = rawConnection(pair.portB);
    QVERIFY(older);
    older->write(helloFrame(NodeId(1), NodeId(2)) + messageFrame(heartbeat(NodeId(1), NodeId(2), 1)));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);
    QCOMPARE(pair.b->peerInboundConnections(), 1);

    auto newer = rawConnection(pair.portB);
    QVERIFY(newer);
    newer->write(helloFrame(NodeId(1), NodeId(2)) + messageFrame(heartbeat(NodeId(1), NodeId(2), 2)));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(isClosed(*older), 10000);
    QCOMPARE(pair.b->peerInboundConnections(), 1);
    QCOMPARE(pair.b->pendingInboundConnections(), 0);
    QVERIFY(!isClosed(*newer));
    QCOMPARE(rejected.count(), 0); // replaced, not refused
}

void TestTcpTransport::peersWithTheSameSecretConnect()
{
    const QByteArray secret("0123456789abcdef-secret");
    Pair pair = makePair(withSecret(secret), withSecret(secret));
    QVERIFY(pair.a->start().isEmpty());
    QVERIFY(pair.b->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)) && pair.b->isConnectedTo(NodeId(1)), 10000);
    QSignalSpy receivedAtA(pair.a.get(), &TcpTransport::messageReceived);
    QSignalSpy receivedAtB(pair.b.get(), &TcpTransport::messageReceived);
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    pair.b->send(heartbeat(NodeId(2), NodeId(1), 1));
    QTRY_COMPARE_WITH_TIMEOUT(receivedAtA.count() + receivedAtB.count(), 2, 10000);
    QCOMPARE(receivedAtA.count(), 1);
}

void TestTcpTransport::aWrongOrMissingSecretIsRefused_data()
{
    QTest::addColumn<QByteArray>("connectingSecret");
    QTest::addColumn<QString>("expected");
    QTest::newRow("wrong") << QByteArray("another-secret-of-16") << "node 1 does not know the cluster secret";
    QTest::newRow("missing") << QByteArray() << "node 1 sent no proof of the cluster secret";
}

void TestTcpTransport::aWrongOrMissingSecretIsRefused()
{
    QFETCH(QByteArray, connectingSecret);
    QFETCH(QString, expected);
    Pair pair = makePair(withSecret(connectingSecret), withSecret("0123456789abcdef-secret"));
    QVERIFY(pair.b->start().isEmpty());
    QSignalSpy rejected(pair.b.get(), &TcpTransport::connectionRejected);
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);
    QVERIFY(pair.a->start().isEmpty());
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1)); // queued, then sent after the refused hello
    QTRY_VERIFY_WITH_TIMEOUT(rejected.count() >= 1, 10000);
    const QString reason = rejected.first().first().toString();
    QVERIFY2(reason.contains(expected), qPrintable(reason));
    QVERIFY2(reason.contains(QStringLiteral("from 127.0.0.1:")), qPrintable(reason)); // names the address
    QCOMPARE(received.count(), 0);
    QCOMPARE(pair.b->peerInboundConnections(), 0);
}

void TestTcpTransport::theSecretNeverTravels()
{
    // This test plays the accepting node: it sends a challenge with a nonce of its choosing and checks
    // the hello that answers it.
    const QByteArray secret("0123456789abcdef-secret");
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    auto a =
        makeTransport(QStringLiteral("demo"), NodeId(1), freePort(),
                      {{NodeId(2), QStringLiteral("127.0.0.1"), listener.serverPort()}}, withSecret(secret));
    QVERIFY(a->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(listener.hasPendingConnections(), 10000);
    std::unique_ptr<QTcpSocket> socket(listener.nextPendingConnection());
    QByteArray nonce;
    for (int i = 0; i < challengeNonceBytes; ++i)
        nonce.append(static_cast<char>(i));
    QByteArray challenge;
    appendFrame(challenge, encodeChallenge(nonce));
    socket->write(challenge);
    FrameDecoder decoder(4096);
    QByteArray frame;
    bool gotFrame = false;
    const auto readHello = [&] {
        decoder.feed(socket->readAll());
        gotFrame = gotFrame || decoder.take(frame) == FrameDecoder::Status::Frame;
        return gotFrame;
    };
    QTRY_VERIFY_WITH_TIMEOUT(readHello(), 10000);
    QVERIFY2(!frame.contains(secret), "the secret itself is on the wire");
    Hello hello;
    QVERIFY(decodeHello(frame, hello).isEmpty());
    QCOMPARE(hello.from, NodeId(1));
    QCOMPARE(hello.to, NodeId(2));
    QCOMPARE(hello.cluster, QStringLiteral("demo"));
    // HMAC-SHA256(secret, nonce | 00000001 | 00000002 | "demo"), computed independently (Python's hmac).
    QCOMPARE(hello.proof.toHex(),
             QByteArray("9352045d089d549b54bd262add7366516e77077f9e4f37d606a2415be814c02f"));
    QCOMPARE(helloProof(secret, nonce, hello), hello.proof);
    QVERIFY(a->isConnectedTo(NodeId(2)));
}

void TestTcpTransport::aSecretOnlyOnTheConnectingSideIsNamed()
{
    Pair pair = makePair(
        [](TcpTransport::Options &options) {
            options.secret = "0123456789abcdef-secret";
            options.helloTimeoutMs = 600;
        },
        [](TcpTransport::Options &options) { options.helloTimeoutMs = 600; });
    WarningLog warnings;
    QVERIFY(pair.b->start().isEmpty());
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);
    QVERIFY(pair.a->start().isEmpty());
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    // The connecting side waits for a challenge that never comes, and says why, before the other side's
    // hello deadline closes the connection.
    QTRY_VERIFY_WITH_TIMEOUT(
        warnings.contains(QStringLiteral("node 2 at 127.0.0.1:%1 sent no challenge within 300 ms: "
                                         "it has no cluster secret configured, this node has one")
                              .arg(pair.portB)),
        10000);
    QCOMPARE(received.count(), 0);
    QVERIFY(!pair.a->isConnectedTo(NodeId(2)));
}

void TestTcpTransport::aHostNameListensOnItsAddressOnly()
{
    const QString name = QHostInfo::localHostName();
    const QHostInfo info = QHostInfo::fromName(name);
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
        QSKIP("this machine's host name does not resolve");
    TcpTransport::Options options;
    options.cluster = QStringLiteral("demo");
    options.self = NodeId(1);
    options.listenHost = name;
    options.listenPort = 0;
    TcpTransport transport(options);
    QVERIFY(transport.start().isEmpty());
    QCOMPARE(transport.listeningAddress(), info.addresses().constFirst());
    QVERIFY(transport.listeningAddress() != QHostAddress(QHostAddress::Any));
    QVERIFY(transport.listeningAddress() != QHostAddress(QHostAddress::AnyIPv4));
}

void TestTcpTransport::aPeerThatClosesEveryConnectionIsDialledEverMoreSlowly()
{
    // A listener that refuses every hello (another cluster, a wrong secret) closes each connection at once.
    QTcpServer refuser;
    QVERIFY(refuser.listen(QHostAddress::LocalHost, 0));
    int accepted = 0;
    connect(&refuser, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = refuser.nextPendingConnection()) {
            ++accepted;
            socket->abort();
            socket->deleteLater();
        }
    });
    auto a = makeTransport(QStringLiteral("demo"), NodeId(1), freePort(),
                           {{NodeId(2), QStringLiteral("127.0.0.1"), refuser.serverPort()}});
    QElapsedTimer clock;
    clock.start();
    QVERIFY(a->start().isEmpty());
    // Backoff 20, 40, 80, ... ms (±25%) between attempts: 8 connections take well over a second. Were the
    // backoff reset by every successful TCP connect, they would come every ~20 ms.
    QTRY_VERIFY_WITH_TIMEOUT(accepted >= 8, 20000);
    QVERIFY2(clock.elapsed() > 1000,
             qPrintable(QStringLiteral("8 connections in %1 ms").arg(clock.elapsed())));
}

// Seen in the app: a PreVote queued for a killed peer was delivered when it restarted ~25 s later, and was
// drawn in flight all that time. A message waits for a connection no longer than about an election
// timeout; then it is dropped as expired (counted in /metrics like every drop), and never sent.
void TestTcpTransport::messagesThatWaitTooLongForAConnectionAreDropped()
{
    constexpr int maxWaitMs = 300;
    Pair pair = makePair([](TcpTransport::Options &options) { options.maxWaitForConnectionMs = maxWaitMs; });
    QSignalSpy dropped(pair.a.get(), &TcpTransport::messageDropped);
    QSignalSpy sent(pair.a.get(), &TcpTransport::messageSent);
    QVERIFY(pair.a->start().isEmpty()); // B is down: A dials in vain
    const Message preVote{.type = MessageType::PreVote, .from = NodeId(1), .to = NodeId(2), .term = Term(4)};
    QElapsedTimer waited;
    waited.start();
    pair.a->send(preVote);
    QCOMPARE(dropped.count(), 0); // it waits for a connection ...
    QTRY_COMPARE_WITH_TIMEOUT(dropped.count(), 1, 10000); // ... for so long, then is given up
    QVERIFY2(waited.elapsed() >= maxWaitMs, qPrintable(QString::number(waited.elapsed())));
    QVERIFY(dropped.first().at(0).value<Message>().type == MessageType::PreVote);
    QCOMPARE(dropped.first().at(1).toULongLong(), sent.first().at(1).toULongLong());
    QCOMPARE(dropped.first().at(2).value<DropReason>(), DropReason::Expired);
    QCOMPARE(dropped.first().at(3).value<Direction>(), Direction::Outgoing);
    QCOMPARE(QString::fromLatin1(toString(DropReason::Expired)), QStringLiteral("expired"));

    // A fresh message still waits, and goes out when B comes up; the expired one never does.
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 4));
    QSignalSpy received(pair.b.get(), &TcpTransport::messageReceived);
    QVERIFY(pair.b->start().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(received.count() + dropped.count(), 2, 10000);
    if (received.count() == 1) { // unless the reconnection itself took longer than maxWaitMs
        QVERIFY(received.first().at(0).value<Message>().type == MessageType::Heartbeat);
        QCOMPARE(received.first().at(1).toULongLong(), sent.last().at(1).toULongLong());
    }
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 5));
    QTRY_VERIFY_WITH_TIMEOUT(received.count() >= 1 && received.last().at(0).value<Message>().term == Term(5),
                             10000);
    for (const QList<QVariant> &arrival : received)
        QVERIFY(arrival.at(0).value<Message>().type != MessageType::PreVote);
}

void TestTcpTransport::relayFramesLeaveOnlyOverAnOpenConnectionAndPassTheLabsFaults()
{
    Pair pair = makePair();
    QVERIFY(pair.b->start().isEmpty());
    std::vector<std::pair<NodeId, RelayFrame>> arrived;
    connect(pair.b.get(), &TcpTransport::relayReceived, this,
            [&arrived](NodeId peer, const RelayFrame &frame) { arrived.emplace_back(peer, frame); });
    const std::vector<RelayedWrite> writes{{7, "put k v"}, {8, QByteArray(70'000, 'x')}};
    const QByteArray frame = encodeRelayedWritesFrame(writes);
    // Not started: no connection, and a relay frame is never kept for later.
    QVERIFY(!pair.a->sendRelayFrame(NodeId(2), frame));
    QVERIFY(!pair.a->sendRelayFrame(NodeId(9), frame)); // not a peer
    QVERIFY(!pair.a->canRelayTo(NodeId(2)));
    QVERIFY(pair.a->start().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->isConnectedTo(NodeId(2)), 10000);
    QVERIFY(pair.a->sendRelayFrame(NodeId(2), frame));
    QTRY_COMPARE_WITH_TIMEOUT(arrived.size(), std::size_t(1), 10000);
    QCOMPARE(arrived[0].first, NodeId(1));
    QCOMPARE(arrived[0].second.kind, RelayFrame::Kind::Writes);
    QCOMPARE(arrived[0].second.writes.size(), std::size_t(2));
    QCOMPARE(arrived[0].second.writes[1].id, 8u);
    QCOMPARE(arrived[0].second.writes[1].command, writes[1].command);
    // Once B has dialled A too: answers to relayed writes come back on B's connection.
    QTRY_VERIFY_WITH_TIMEOUT(pair.a->canRelayTo(NodeId(2)) && pair.a->hasConnectionFrom(NodeId(2)), 10000);
    QSignalSpy closedAtA(pair.a.get(), &TcpTransport::connectionFromPeerClosed);

    // Client traffic, not Raft's: a cut link, loss and delay apply to messages only.
    pair.a->setBlockedPeers({NodeId(2)});
    pair.b->setBlockedPeers({NodeId(1)});
    pair.a->setFaults(NetworkFaults{0, 0, 1.0});
    QSignalSpy receivedAtB(pair.b.get(), &TcpTransport::messageReceived);
    pair.a->send(heartbeat(NodeId(1), NodeId(2), 1));
    QVERIFY(
        pair.a->sendRelayFrame(NodeId(2), encodeRelayedOutcomesFrame({RelayedOutcome{7, 1, 5, 2, 1, {}}})));
    QTRY_COMPARE_WITH_TIMEOUT(arrived.size(), std::size_t(2), 10000);
    QCOMPARE(arrived[1].second.kind, RelayFrame::Kind::Outcomes);
    QCOMPARE(arrived[1].second.outcomes.at(0).index, 5u);
    QCOMPARE(receivedAtB.count(), 0);

    pair.b.reset(); // B's process ends: A hears its connection from B close, and relays no more
    QTRY_COMPARE_WITH_TIMEOUT(closedAtA.count(), 1, 10000);
    QCOMPARE(closedAtA.first().first().value<NodeId>(), NodeId(2));
    QTRY_VERIFY_WITH_TIMEOUT(!pair.a->canRelayTo(NodeId(2)), 10000);
}

QTEST_GUILESS_MAIN(TestTcpTransport)
#include "tst_tcptransport.moc"
