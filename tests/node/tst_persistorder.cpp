// Where a RaftNode persists, and that it acknowledges only what is durable. A follower persists on its
// event loop's own thread (nothing it could send before the disk returns matters, and the hand-off to a
// log thread and back cost two thread wake-ups per append); a leader keeps its log thread, so that its
// loop sends and commits while its own disk syncs. Either way an acknowledgement of entries leaves only
// once NodeStorage::persist() has made them durable.
#include "net/tcptransport.h"
#include "node/raftnode.h"
#include "storage/filelog.h"
#include "storage/nodestorage.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>
#include <optional>
#include <vector>

using namespace raftlab;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

Entries commands(std::uint64_t first, std::uint64_t last, Term term)
{
    Entries entries;
    for (std::uint64_t i = first; i <= last; ++i)
        entries.push_back(Entry{LogIndex(i), term, EntryType::Command,
                                KvStore::encodePut("k" + QByteArray::number(i), "v")});
    return entries;
}

// What persist() made durable, and on which thread, as the storage reports it (Options::afterPersist).
struct DiskWatch
{
    QMutex mutex;
    LogIndex durable{};
    std::vector<QThread *> threads; // one per persisted Ready with entries
    int persists = 0;

    NodeStorage::Options options()
    {
        NodeStorage::Options options{SyncMode::Always};
        options.afterPersist = [this](const Ready &ready) {
            const QMutexLocker locker(&mutex);
            ++persists;
            if (!ready.entries.empty()) {
                durable = std::max(durable, ready.entries.back().index);
                threads.push_back(QThread::currentThread());
            }
        };
        return options;
    }
    LogIndex durableIndex()
    {
        const QMutexLocker locker(&mutex);
        return durable;
    }
};

TcpTransport::Options transportOptions(NodeId self, const std::vector<NodeId> &peers)
{
    TcpTransport::Options options;
    options.cluster = QStringLiteral("persist-order");
    options.self = self;
    options.listenHost = QStringLiteral("127.0.0.1");
    options.listenPort = freePort();
    // Peers that never answer: the test plays the leader by handing the node messages itself.
    for (NodeId peer : peers)
        options.peers.push_back({peer, QStringLiteral("127.0.0.1"), freePort()});
    options.randomSeed = 7;
    return options;
}

NodeSettings settingsFor(NodeId self, std::vector<NodeId> members)
{
    NodeSettings settings;
    settings.core.id = self;
    settings.core.members = std::move(members);
    settings.core.heartbeatTicks = 5;
    // Long enough that the follower never campaigns during the test.
    settings.core.electionTimeoutTicksMin = 3000;
    settings.core.electionTimeoutTicksMax = 6000;
    settings.tickMs = 10;
    return settings;
}

// A node on `dir` (its storage opened with `options`) that talks through `transport`, started here.
// Null, with the reason in `error`, when the storage, the transport or the node refuses.
std::unique_ptr<RaftNode> createNode(const QString &dir, const NodeStorage::Options &options,
                                     const NodeSettings &settings, TcpTransport &transport, QString &error)
{
    NodeStorage::Opened opened;
    if (const StorageStatus status = NodeStorage::open(dir, options, opened); !status.ok()) {
        error = status.message;
        return nullptr;
    }
    if (error = transport.start(); !error.isEmpty())
        return nullptr;
    return RaftNode::create(settings, std::move(opened), &transport, error);
}

} // namespace

class TestPersistOrder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followerAcknowledgesOnlyDurableEntries_data();
    void followerAcknowledgesOnlyDurableEntries();
    void leaderPersistsOnItsLogThread();
    void compactedSegmentsAreRemovedWhileWritesGoOn_data();
    void compactedSegmentsAreRemovedWhileWritesGoOn();
    void busyLogMovesToASpareSegmentWrittenInTheBackground();
};

void TestPersistOrder::followerAcknowledgesOnlyDurableEntries_data()
{
    QTest::addColumn<bool>("relaysClients");
    QTest::newRow("inline") << false;
    QTest::newRow("relaying clients: on the log thread") << true;
}

void TestPersistOrder::followerAcknowledgesOnlyDurableEntries()
{
    QFETCH(bool, relaysClients);
    constexpr NodeId leaderId(1), followerId(2), otherId(3);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    DiskWatch disk;
    TcpTransport transport(transportOptions(followerId, {leaderId, otherId}));
    QString error;
    std::unique_ptr<RaftNode> node =
        createNode(dir.path(), disk.options(), settingsFor(followerId, {leaderId, followerId, otherId}),
                   transport, error);
    QVERIFY2(node, qPrintable(error));
    node->setClientWorkCheck([relaysClients] { return relaysClients; });

    // Every acknowledgement of entries, with what was durable at the moment it was handed to the transport.
    struct Ack
    {
        LogIndex match;
        LogIndex durableThen;
    };
    std::vector<Ack> acks;
    connect(&transport, &TcpTransport::messageSent, this, [&](const Message &message, quint64) {
        if (message.type == MessageType::AppendEntriesResponse && message.success)
            acks.push_back(Ack{message.matchIndex, disk.durableIndex()});
    });
    node->start();

    const auto append = [&](std::uint64_t prev, std::uint64_t first, std::uint64_t last) {
        Message message;
        message.type = MessageType::AppendEntries;
        message.from = leaderId;
        message.to = followerId;
        message.term = Term(1);
        message.prevLogIndex = LogIndex(prev);
        message.prevLogTerm = Term(prev == 0 ? 0 : 1);
        message.entries = commands(first, last, Term(1));
        Q_EMIT transport.messageReceived(message, 0);
    };
    // Two appends in one pass of the loop share one Ready (one fdatasync), a third comes later.
    append(0, 1, 3);
    append(3, 4, 5);
    QTRY_VERIFY_WITH_TIMEOUT(!acks.empty() && acks.back().match == LogIndex(5), 10'000);
    append(5, 6, 6);
    QTRY_VERIFY_WITH_TIMEOUT(acks.back().match == LogIndex(6), 10'000);

    for (const Ack &ack : acks)
        QVERIFY2(ack.match <= ack.durableThen,
                 qPrintable(QStringLiteral("acknowledged up to %1 while %2 was durable")
                                .arg(ack.match.value)
                                .arg(ack.durableThen.value)));
    QCOMPARE(disk.durableIndex(), LogIndex(6));
    // On the follower's own thread, no hand-off to the log's thread, unless it relays clients' requests.
    QCOMPARE(disk.threads.size(), std::size_t(2));
    for (QThread *thread : disk.threads)
        QCOMPARE(thread == QThread::currentThread(), !relaysClients);
    QCOMPARE(node->coreStatus().lastIndex, LogIndex(6));
}

void TestPersistOrder::leaderPersistsOnItsLogThread()
{
    constexpr NodeId onlyId(1);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    DiskWatch disk;
    TcpTransport transport(transportOptions(onlyId, {}));
    NodeSettings settings = settingsFor(onlyId, {onlyId});
    settings.core.electionTimeoutTicksMin = 10;
    settings.core.electionTimeoutTicksMax = 20;
    QString error;
    std::unique_ptr<RaftNode> node = createNode(dir.path(), disk.options(), settings, transport, error);
    QVERIFY2(node, qPrintable(error));
    node->start();
    QTRY_VERIFY_WITH_TIMEOUT(node->role() == Role::Leader, 10'000);

    std::optional<WriteOutcome> outcome;
    node->write(KvStore::encodePut("k", "v"), [&outcome](const WriteOutcome &written) { outcome = written; });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10'000);
    QCOMPARE(outcome->status, WriteOutcome::Status::Applied);
    QVERIFY(disk.durableIndex() >= outcome->index);
    // The write's entry was persisted on the log's thread, not the loop's.
    QVERIFY(!disk.threads.empty());
    QVERIFY(disk.threads.back() != QThread::currentThread());
}

void TestPersistOrder::compactedSegmentsAreRemovedWhileWritesGoOn_data()
{
    QTest::addColumn<bool>("leader");
    QTest::newRow("leader") << true;
    QTest::newRow("follower") << false;
}

void TestPersistOrder::compactedSegmentsAreRemovedWhileWritesGoOn()
{
    // Small segments and frequent snapshots: the segments a durable snapshot covers leave the log's
    // bookkeeping at once, or with the write in progress (on the log's thread for a leader, inline for a
    // follower), and their files are removed on the snapshot thread; the node keeps writing, and the dir
    // holds only segments the log still needs, even when no write follows the last snapshot.
    QFETCH(bool, leader);
    constexpr NodeId selfId(1), otherId(2), thirdId(3);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    DiskWatch disk;
    NodeStorage::Options options = disk.options();
    options.segmentBytes = 600;
    TcpTransport transport(
        transportOptions(selfId, leader ? std::vector<NodeId>{} : std::vector{otherId, thirdId}));
    NodeSettings settings =
        settingsFor(selfId, leader ? std::vector{selfId} : std::vector{otherId, selfId, thirdId});
    settings.snapshotEvery = 10;
    settings.core.catchUpEntries = 5;
    if (leader) {
        settings.core.electionTimeoutTicksMin = 10;
        settings.core.electionTimeoutTicksMax = 20;
    }
    QString error;
    std::unique_ptr<RaftNode> node = createNode(dir.path(), options, settings, transport, error);
    QVERIFY2(node, qPrintable(error));
    LogIndex snapshotIndex{};
    connect(node.get(), &RaftNode::snapshotTaken, this, [&snapshotIndex](SnapshotMeta meta, qint64) {
        snapshotIndex = std::max(snapshotIndex, meta.index);
    });
    node->start();

    const QString firstSegment = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
    constexpr std::uint64_t total = 120;
    if (leader) {
        QTRY_VERIFY_WITH_TIMEOUT(node->role() == Role::Leader, 10'000);
        int applied = 0;
        for (std::uint64_t i = 1; i <= total; ++i)
            node->write(KvStore::encodePut("k" + QByteArray::number(i), QByteArray(40, 'v')),
                        [&applied](const WriteOutcome &written) {
                            applied += written.status == WriteOutcome::Status::Applied;
                        });
        QTRY_COMPARE_WITH_TIMEOUT(applied, int(total), 10'000);
    } else {
        for (std::uint64_t first = 1; first <= total; first += 10) {
            Message message;
            message.type = MessageType::AppendEntries;
            message.from = otherId;
            message.to = selfId;
            message.term = Term(1);
            message.prevLogIndex = LogIndex(first - 1);
            message.prevLogTerm = Term(first == 1 ? 0 : 1);
            message.entries = commands(first, first + 9, Term(1));
            message.commitIndex = LogIndex(first - 1); // what it has acknowledged so far
            Q_EMIT transport.messageReceived(message, 0);
            QTRY_VERIFY_WITH_TIMEOUT(disk.durableIndex() == LogIndex(first + 9), 10'000);
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(snapshotIndex >= LogIndex(100), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(firstSegment), 10'000);
    QVERIFY2(node->storageFailure().isEmpty(), qPrintable(node->storageFailure()));
    // About 15 segments were written; what is left holds only entries after the snapshot (at most 20),
    // and the dir opens again with every entry: the snapshot and the log after it.
    const QStringList left =
        QDir(dir.path()).entryList({QStringLiteral("segment-*")}, QDir::Files, QDir::Name);
    QVERIFY2(left.size() <= 3, qPrintable(left.join(QLatin1Char(' '))));
    node.reset();
    NodeStorage::Opened reopened;
    const StorageStatus again =
        NodeStorage::open(dir.path(), NodeStorage::Options{SyncMode::Always}, reopened);
    QVERIFY2(again.ok(), qPrintable(again.message));
    QVERIFY(reopened.state.snapshot.meta.index >= LogIndex(100));
    const LogIndex last = reopened.state.entries.empty() ? reopened.state.snapshot.meta.index
                                                         : reopened.state.entries.back().index;
    QCOMPARE(last, LogIndex(leader ? total + 1 : total)); // a leader's log starts with its no-op
}

void TestPersistOrder::busyLogMovesToASpareSegmentWrittenInTheBackground()
{
    // Once its last segment holds a sixteenth of a segment, a node writes the next segment's zeros on its
    // snapshot thread (storage/sparesegment.h), and its log moves into it long before the preallocated
    // segment is full; every acknowledged write reads back after a restart.
    constexpr NodeId onlyId(1);
    constexpr std::uint64_t segmentBytes = 64 * 1024;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    DiskWatch disk;
    NodeStorage::Options options = disk.options();
    options.segmentBytes = segmentBytes;
    TcpTransport transport(transportOptions(onlyId, {}));
    NodeSettings settings = settingsFor(onlyId, {onlyId});
    settings.core.electionTimeoutTicksMin = 10;
    settings.core.electionTimeoutTicksMax = 20;
    QString error;
    std::unique_ptr<RaftNode> node = createNode(dir.path(), options, settings, transport, error);
    QVERIFY2(node, qPrintable(error));
    node->start();
    QTRY_VERIFY_WITH_TIMEOUT(node->role() == Role::Leader, 10'000);
    const QString firstSegment = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
    if (QFileInfo(firstSegment).size() != qint64(segmentBytes))
        QSKIP("segments are not preallocated here (a tmpfs?)");

    const auto segments = [&dir] {
        return QDir(dir.path()).entryList({QStringLiteral("segment-*.log")}, QDir::Files, QDir::Name);
    };
    // One write at a time, about 150 bytes of log each: 64 KiB would take some 430 of them.
    int written = 0;
    QDeadlineTimer deadline(30'000);
    while (segments().size() < 2 && !deadline.hasExpired()) {
        std::optional<WriteOutcome> outcome;
        node->write(KvStore::encodePut("k" + QByteArray::number(written), QByteArray(100, 'v')),
                    [&outcome](const WriteOutcome &done) { outcome = done; });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10'000);
        QCOMPARE(outcome->status, WriteOutcome::Status::Applied);
        ++written;
    }
    QVERIFY2(segments().size() == 2, "no second segment");
    QVERIFY2(written < 200, qPrintable(QStringLiteral("moved only after %1 writes").arg(written)));
    QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(SpareSegment::partialFileName())));
    QVERIFY2(node->storageFailure().isEmpty(), qPrintable(node->storageFailure()));

    node.reset();
    NodeStorage::Opened reopened;
    const StorageStatus again = NodeStorage::open(dir.path(), options, reopened);
    QVERIFY2(again.ok(), qPrintable(again.message));
    QVERIFY2(reopened.warnings.isEmpty(), qPrintable(reopened.warnings.join(QLatin1Char('\n'))));
    QCOMPARE(reopened.state.entries.size(), std::size_t(written + 1)); // and the leader's no-op
}

QTEST_GUILESS_MAIN(TestPersistOrder)
#include "tst_persistorder.moc"
