// How a RaftNode takes in a snapshot: one from the leader is decoded before anything of it is persisted
// or acknowledged, so one that passes its checksum but does not decode is refused and the node carries
// on; one on disk that does not decode stops the start with an error naming the file. The leader here is
// a bare TcpTransport on loopback that sends hand-made InstallSnapshot chunks.
#include "core/crc32c.h"
#include "net/tcptransport.h"
#include "node/raftnode.h"
#include "storage/nodestorage.h"
#include "storage/snapshotfile.h"

#include <QDir>
#include <QFileInfo>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace raftlab;

namespace {

constexpr NodeId leaderId(1);
constexpr NodeId followerId(2);
const SnapshotMeta meta5{LogIndex(5), Term(1)};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

std::unique_ptr<TcpTransport> makeTransport(NodeId self, quint16 port, NodeId peer, quint16 peerPort)
{
    TcpTransport::Options options;
    options.cluster = QStringLiteral("snapshots");
    options.self = self;
    options.listenHost = QStringLiteral("127.0.0.1");
    options.listenPort = port;
    options.peers = {{peer, QStringLiteral("127.0.0.1"), peerPort}};
    options.randomSeed = self.value;
    return std::make_unique<TcpTransport>(options);
}

NodeSettings followerSettings()
{
    NodeSettings settings;
    settings.core.id = followerId;
    settings.core.members = {leaderId, followerId};
    settings.core.heartbeatTicks = 5;
    // Long enough that the follower never campaigns during a test: only the fake leader speaks.
    settings.core.electionTimeoutTicksMin = 3000;
    settings.core.electionTimeoutTicksMax = 6000;
    settings.tickMs = 10;
    return settings;
}

// The state machine's encoding of keys k1..k5, applied at indexes 1..5.
QByteArray decodableSnapshot()
{
    KvStore store;
    for (std::uint64_t i = 1; i <= 5; ++i) {
        const QByteArray key = "k" + QByteArray::number(i);
        store.apply(Entry{LogIndex(i), Term(1), EntryType::Command, KvStore::encodePut(key, "v" + key)});
    }
    return store.snapshot();
}

Message wholeSnapshot(const QByteArray &data)
{
    return Message{.type = MessageType::InstallSnapshot,
                   .from = leaderId,
                   .to = followerId,
                   .term = Term(1),
                   .snapshot = meta5,
                   .snapshotTotalBytes = std::uint64_t(data.size()),
                   .snapshotChecksum = crc32c(data.constData(), std::size_t(data.size())),
                   .snapshotChunk = data,
                   .snapshotDone = true};
}

} // namespace

class TestSnapshotInstall : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void undecodableSnapshotFromTheLeaderIsRefused();
    void undecodableSnapshotOnDiskIsNamed();
};

void TestSnapshotInstall::undecodableSnapshotFromTheLeaderIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    NodeStorage::Opened opened;
    const StorageStatus status = NodeStorage::open(dir.path(), NodeStorage::Options{SyncMode::Never}, opened);
    QVERIFY2(status.ok(), qPrintable(status.message));

    const quint16 leaderPort = freePort();
    const quint16 followerPort = freePort();
    auto leader = makeTransport(leaderId, leaderPort, followerId, followerPort);
    auto transport = makeTransport(followerId, followerPort, leaderId, leaderPort);
    QVERIFY(leader->start().isEmpty());
    QVERIFY(transport->start().isEmpty());
    Messages answers;
    connect(leader.get(), &TcpTransport::messageReceived, this,
            [&answers](const Message &m, quint64) { answers.push_back(m); });

    QString error;
    std::unique_ptr<RaftNode> node =
        RaftNode::create(followerSettings(), std::move(opened), transport.get(), error);
    QVERIFY2(node, qPrintable(error));
    Events events;
    connect(node.get(), &RaftNode::coreEvent, this,
            [&events](const Event &e, qint64) { events.push_back(e); });
    node->start();

    const auto refusals = [&events] {
        return std::count_if(events.begin(), events.end(),
                             [](const Event &e) { return e.type == EventType::SnapshotRefused; });
    };
    const auto successfulAcks = [&answers] {
        Messages acks;
        for (const Message &m : answers)
            if (m.type == MessageType::InstallSnapshotResponse && m.success)
                acks.push_back(m);
        return acks;
    };

    // Intact bytes (the checksum matches) that are not the state machine's encoding.
    leader->send(wholeSnapshot(QByteArray("this is not a snapshot of any key-value store")));
    QTRY_COMPARE_WITH_TIMEOUT(refusals(), 1, 20'000);
    const auto refused = std::find_if(events.begin(), events.end(),
                                      [](const Event &e) { return e.type == EventType::SnapshotRefused; });
    QVERIFY2(refused->reason == Reason::StateMachineRefused, toString(refused->reason).data());
    QCOMPARE(refused->peer.value, leaderId.value);
    QVERIFY2(!QFileInfo::exists(QDir(dir.path()).filePath(SnapshotFile::fileName())),
             "nothing was persisted");
    QCOMPARE(node->store().appliedIndex().value, 0u);
    QCOMPARE(node->coreStatus().snapshot.index.value, 0u);
    QVERIFY(node->storageFailure().isEmpty());

    // The node is still whole: a good snapshot after it is installed, persisted and acknowledged, and the
    // acknowledgement is the only one (one for the bad snapshot would have arrived before it).
    leader->send(wholeSnapshot(decodableSnapshot()));
    QTRY_VERIFY_WITH_TIMEOUT(!successfulAcks().empty(), 20'000);
    const Messages acks = successfulAcks();
    QCOMPARE(acks.size(), std::size_t(1));
    QCOMPARE(acks.front().matchIndex.value, 5u);
    QCOMPARE(node->store().appliedIndex().value, 5u);
    QCOMPARE(node->store().get("k3"), std::optional<QByteArray>("vk3"));
    Snapshot onDisk;
    const StorageStatus loaded = SnapshotFile::load(dir.path(), onDisk);
    QVERIFY2(loaded.ok(), qPrintable(loaded.message));
    QVERIFY(onDisk.meta == meta5);
    QCOMPARE(onDisk.data, decodableSnapshot());

    node.reset();
}

void TestSnapshotInstall::undecodableSnapshotOnDiskIsNamed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A snapshot file whose checksums are right but whose data is not the state machine's encoding.
    const StorageStatus saved = SnapshotFile::save(
        dir.path(), Snapshot{SnapshotMeta{LogIndex(3), Term(1)}, QByteArray("\xa1\x01")}, SyncMode::Never);
    QVERIFY2(saved.ok(), qPrintable(saved.message));
    NodeStorage::Opened opened;
    const StorageStatus status = NodeStorage::open(dir.path(), NodeStorage::Options{SyncMode::Never}, opened);
    QVERIFY2(status.ok(), qPrintable(status.message));

    const quint16 port = freePort();
    auto transport = makeTransport(followerId, port, leaderId, freePort());
    QString error;
    const std::unique_ptr<RaftNode> node =
        RaftNode::create(followerSettings(), std::move(opened), transport.get(), error);
    QVERIFY2(!node, "a node from a snapshot that does not decode");
    QVERIFY2(error.contains(QDir(dir.path()).filePath(SnapshotFile::fileName())), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("does not decode")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestSnapshotInstall)
#include "tst_snapshotinstall.moc"
