// Snapshot transfer (§7), beyond the paper: a follower trusts a snapshot only once its bytes have the size
// and CRC-32C the leader declared and its owner's state machine can restore it; nothing is persisted or
// acknowledged before that. A leader finishes the transfer it started even when it compacts again
// meanwhile, and keeps a tail of entries below its snapshot, so a follower a little behind catches up
// by appends.

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "core/crc32c.h"
#include "paperhelpers.h"
#endif

#include <QTest>

#include <deque>
#include <functional>

using namespace raftlab;
using namespace raftlab::test;

Q_DECLARE_METATYPE(raftlab::Reason)

namespace {

const SnapshotMeta meta10{LogIndex(10), Term(1)};
constexpr std::size_t chunkBytes = 16;

QByteArray stateMachineData(int size, char seed)
{
    QByteArray data(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        data[i] = char(seed + i * 7);
    return data;
}

std::uint32_t checksumOf(const QByteArray &data)
{
    return crc32c(data.constData(), static_cast<std::size_t>(data.size()));
}

// The chunks a leader (node 1, term 1) sends for `data`, declaring `totalBytes` and `checksum`.
Messages chunksOf(const QByteArray &data, std::uint64_t totalBytes, std::uint32_t checksum)
{
    Messages chunks;
    for (qsizetype offset = 0; offset == 0 || offset < data.size(); offset += qsizetype(chunkBytes)) {
        const QByteArray chunk = data.mid(offset, qsizetype(chunkBytes));
        chunks.push_back(Message{.type = MessageType::InstallSnapshot,
                                 .from = n1,
                                 .to = n3,
                                 .term = Term(1),
                                 .snapshot = meta10,
                                 .snapshotOffset = std::uint64_t(offset),
                                 .snapshotTotalBytes = totalBytes,
                                 .snapshotChecksum = checksum,
                                 .snapshotChunk = chunk,
                                 .snapshotDone = offset + chunk.size() >= data.size()});
    }
    return chunks;
}

std::vector<Event> eventsOfType(const Events &events, EventType type)
{
    std::vector<Event> found;
    std::copy_if(events.begin(), events.end(), std::back_inserter(found),
                 [type](const Event &e) { return e.type == type; });
    return found;
}

Messages successfulSnapshotAcks(const Output &output)
{
    Messages acks;
    for (const Message &m : output.ofType(MessageType::InstallSnapshotResponse))
        if (m.success)
            acks.push_back(m);
    return acks;
}

ClusterOptions transferOptions(std::uint64_t catchUpEntries)
{
    ClusterOptions o = options(3);
    o.snapshotChunkBytes = 8;
    o.catchUpEntries = catchUpEntries;
    return o;
}

// Nodes 1 and 2 hold a snapshot up to 10 (40 bytes: five chunks of 8) and entries 11 and 12, all of term
// 1; node 3 holds nothing. Node 1 is elected by node 2 alone and commits its no-op (13) with it.
std::unique_ptr<CoreCluster> clusterWithLaggingNode3(std::uint64_t catchUpEntries)
{
    PersistentState ahead = restoredState(1, entriesWithTerms({1, 1}, 11));
    ahead.snapshot = Snapshot{meta10, stateMachineData(40, 'a')};
    auto c = std::make_unique<CoreCluster>(transferOptions(catchUpEntries),
                                           std::map<std::uint32_t, PersistentState>{{1, ahead}, {2, ahead}});
    c->cut(n1, n3);
    c->post(c->campaign(n1).messages);
    c->stabilize();
    c->recover();
    return c;
}

// Delivers `messages` and everything they cause, one at a time, calling `delivered` after each; node 1
// ticks through a heartbeat interval whenever the network goes quiet, up to `rounds` times.
void exchange(CoreCluster &c, Messages messages, int rounds,
              const std::function<void(const Message &, const Output &)> &delivered = {})
{
    std::deque<Message> queue(messages.begin(), messages.end());
    for (int round = 0; round < rounds; ++round) {
        if (queue.empty()) {
            const Output beat = c.tick(n1, 1);
            queue.insert(queue.end(), beat.messages.begin(), beat.messages.end());
        }
        for (int i = 0; i < 10000 && !queue.empty(); ++i) {
            const Message message = queue.front();
            queue.pop_front();
            const Output output = c.step(message);
            if (delivered)
                delivered(message, output);
            queue.insert(queue.end(), output.messages.begin(), output.messages.end());
        }
    }
}

} // namespace

class TestSnapshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void intactSnapshotIsInstalledThenAcknowledged();
    void damagedSnapshotIsRefused_data();
    void damagedSnapshotIsRefused();
    void leaderDeclaresSizeAndChecksum();
    void transferFinishesAfterANewerCompaction();
    void transferStartingOverTakesTheNewestSnapshot();
    void followerWithinTheTailCatchesUpByAppends_data();
    void followerWithinTheTailCatchesUpByAppends();
};

void TestSnapshots::intactSnapshotIsInstalledThenAcknowledged()
{
    CoreCluster c(options(3));
    const QByteArray data = stateMachineData(40, 'a');
    const Messages chunks = chunksOf(data, std::uint64_t(data.size()), checksumOf(data));
    QCOMPARE(chunks.size(), std::size_t(3));

    Output beforeLast;
    for (std::size_t i = 0; i + 1 < chunks.size(); ++i)
        beforeLast.add(c.step(chunks[i]));
    QVERIFY2(successfulSnapshotAcks(beforeLast).empty(), "nothing is acknowledged before the last chunk");
    const Output last = c.step(chunks.back());

    // The owner was asked, said yes, persisted it; only then did the acknowledgement leave (the harness
    // reports an acknowledgement of anything not yet durable).
    QCOMPARE(last.receivedSnapshots.size(), std::size_t(1));
    QCOMPARE(last.receivedSnapshots.front().snapshot.data, data);
    QCOMPARE(last.receivedSnapshots.front().leader, n1);
    QCOMPARE(last.persistedSnapshots.size(), std::size_t(1));
    const Messages acks = successfulSnapshotAcks(last);
    QCOMPARE(acks.size(), std::size_t(1));
    QCOMPARE(acks.front().matchIndex, LogIndex(10));
    QCOMPARE(c.node(n3).snapshot.meta, meta10);
    QCOMPARE(c.core(n3).log().commitIndex(), LogIndex(10));
    QVERIFY(last.hasEvent(EventType::SnapshotInstalled));
}

void TestSnapshots::damagedSnapshotIsRefused_data()
{
    QTest::addColumn<int>("damage");
    QTest::addColumn<Reason>("reason");
    QTest::newRow("a byte flipped on the way") << 0 << Reason::ChecksumMismatch;
    QTest::newRow("another checksum declared") << 1 << Reason::ChecksumMismatch;
    QTest::newRow("fewer bytes than declared") << 2 << Reason::SizeMismatch;
    QTest::newRow("more bytes than declared") << 3 << Reason::SizeMismatch;
    QTest::newRow("the state machine cannot restore it") << 4 << Reason::StateMachineRefused;
}

void TestSnapshots::damagedSnapshotIsRefused()
{
    QFETCH(int, damage);
    QFETCH(Reason, reason);
    CoreCluster c(options(3));
    const QByteArray data = stateMachineData(40, 'a');
    std::uint64_t total = std::uint64_t(data.size());
    std::uint32_t checksum = checksumOf(data);
    if (damage == 1)
        checksum ^= 1;
    if (damage == 2)
        total += 5;
    if (damage == 3)
        total -= 5;
    Messages chunks = chunksOf(data, total, checksum);
    if (damage == 0)
        chunks[1].snapshotChunk[3] = char(chunks[1].snapshotChunk[3] ^ 0x20);
    c.node(n3).refusesSnapshots = damage == 4;

    Output output;
    for (const Message &chunk : chunks)
        output.add(c.step(chunk));

    QVERIFY2(successfulSnapshotAcks(output).empty(), "a refused snapshot is never acknowledged");
    QVERIFY2(output.persistedSnapshots.empty(), "nor persisted");
    QCOMPARE(output.receivedSnapshots.size(), std::size_t(damage == 4 ? 1 : 0)); // intact ones only
    QVERIFY2(c.node(n3).snapshot.isEmpty(), "the owner's disk holds no snapshot");
    QCOMPARE(c.core(n3).log().snapshot().meta, SnapshotMeta{});
    QCOMPARE(c.core(n3).log().commitIndex(), LogIndex(0));
    const std::vector<Event> refusals = eventsOfType(output.events, EventType::SnapshotRefused);
    QCOMPARE(refusals.size(), std::size_t(1));
    QCOMPARE(QLatin1String(toString(refusals.front().reason).data()), QLatin1String(toString(reason).data()));
    QCOMPARE(refusals.front().peer, n1);
    QCOMPARE(refusals.front().index, LogIndex(10));

    // The leader's chunk times out and comes again: the follower holds nothing, so the leader starts over.
    const Messages answer = c.step(chunks.back()).ofType(MessageType::InstallSnapshotResponse);
    QCOMPARE(answer.size(), std::size_t(1));
    QVERIFY(!answer.front().success);
    QCOMPARE(answer.front().snapshotOffset, std::uint64_t(0));

    // An intact copy is installed: the refusal left nothing behind in the way.
    c.node(n3).refusesSnapshots = false;
    Output retry;
    for (const Message &chunk : chunksOf(data, std::uint64_t(data.size()), checksumOf(data)))
        retry.add(c.step(chunk));
    QCOMPARE(successfulSnapshotAcks(retry).size(), std::size_t(1));
    QCOMPARE(c.node(n3).snapshot.meta, meta10);
}

void TestSnapshots::leaderDeclaresSizeAndChecksum()
{
    auto c = clusterWithLaggingNode3(0);
    const Snapshot &snapshot = c->core(n1).log().snapshot();
    Messages chunks;
    exchange(*c, {}, 3, [&chunks](const Message &m, const Output &) {
        if (m.type == MessageType::InstallSnapshot)
            chunks.push_back(m);
    });
    QCOMPARE(chunks.size(), std::size_t(5));
    for (const Message &chunk : chunks) {
        QCOMPARE(chunk.snapshot, meta10);
        QCOMPARE(chunk.snapshotTotalBytes, std::uint64_t(snapshot.data.size()));
        QCOMPARE(chunk.snapshotChecksum, checksumOf(snapshot.data));
    }
    QCOMPARE(c->node(n3).snapshot.data, snapshot.data);
    QCOMPARE(c->core(n3).log().lastIndex(), c->core(n1).log().lastIndex());
}

void TestSnapshots::transferFinishesAfterANewerCompaction()
{
    auto c = clusterWithLaggingNode3(0);
    std::vector<std::uint64_t> offsetsOf10;
    bool compacted = false;
    exchange(*c, {}, 6, [&](const Message &m, const Output &) {
        if (m.type != MessageType::InstallSnapshot || m.snapshot != meta10)
            return;
        offsetsOf10.push_back(m.snapshotOffset);
        if (offsetsOf10.size() == 2 && !compacted) {
            // The leader snapshots again while its older snapshot is half sent.
            c->core(n1).compact(LogIndex(13), stateMachineData(24, 'z'));
            compacted = true;
        }
    });
    QVERIFY2(compacted, "the transfer never got under way");

    // The transfer went on from where it was, with the older snapshot's bytes, to the end.
    QCOMPARE(offsetsOf10, (std::vector<std::uint64_t>{0, 8, 16, 24, 32}));
    const std::vector<Event> installed = eventsOfType(c->node(n3).events, EventType::SnapshotInstalled);
    QVERIFY2(!installed.empty() && installed.front().index == LogIndex(10),
             "the follower installed the snapshot whose transfer had begun");
    // Entries 11-13 are gone from the leader (no tail kept): the newer snapshot followed, and the
    // follower is level with the leader.
    QCOMPARE(installed.size(), std::size_t(2));
    QCOMPARE(installed.back().index, LogIndex(13));
    QCOMPARE(c->core(n3).log().commitIndex(), c->core(n1).log().commitIndex());
}

void TestSnapshots::transferStartingOverTakesTheNewestSnapshot()
{
    auto c = clusterWithLaggingNode3(0);
    c->node(n3).refusesSnapshots = true;
    bool compacted = false;
    std::vector<SnapshotMeta> sent;
    exchange(*c, {}, 20, [&](const Message &m, const Output &output) {
        if (m.type == MessageType::InstallSnapshot && m.snapshotOffset == 0)
            sent.push_back(m.snapshot);
        if (!output.receivedSnapshots.empty() && !compacted) {
            // While node 3's owner finds the snapshot unusable, the leader snapshots again.
            c->core(n1).compact(LogIndex(13), stateMachineData(24, 'z'));
            c->node(n3).refusesSnapshots = false;
            compacted = true;
        }
    });
    QVERIFY2(compacted, "node 3 never received the first snapshot");
    // The leader heard that node 3 holds nothing of the refused one, and started over with the newest.
    QVERIFY2(sent.size() >= 2, qPrintable(QString::number(sent.size())));
    QCOMPARE(sent.front(), meta10);
    QCOMPARE(sent.back().index, LogIndex(13));
    QCOMPARE(c->node(n3).snapshot.meta.index, LogIndex(13));
    QCOMPARE(c->node(n3).snapshot.data, stateMachineData(24, 'z'));
}

void TestSnapshots::followerWithinTheTailCatchesUpByAppends_data()
{
    QTest::addColumn<int>("catchUpEntries");
    QTest::addColumn<bool>("snapshotSent");
    QTest::newRow("no tail: a snapshot") << 0 << true;
    QTest::newRow("tail shorter than the lag: a snapshot") << 3 << true;
    QTest::newRow("tail longer than the lag: appends") << 8 << false;
}

void TestSnapshots::followerWithinTheTailCatchesUpByAppends()
{
    QFETCH(int, catchUpEntries);
    QFETCH(bool, snapshotSent);
    // Nodes 1 and 2 hold entries 1-12; node 3 the first 7 of them.
    const Entries twelve = entriesWithTerms({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    const Entries seven(twelve.begin(), twelve.begin() + 7);
    CoreCluster c(
        transferOptions(std::uint64_t(catchUpEntries)),
        {{1, restoredState(1, twelve)}, {2, restoredState(1, twelve)}, {3, restoredState(1, seven)}});
    c.cut(n1, n3);
    c.post(c.campaign(n1).messages);
    c.stabilize();
    QCOMPARE(name(c.core(n1).role()), name(Role::Leader));
    QCOMPARE(c.core(n1).log().appliedIndex(), LogIndex(13));
    c.core(n1).compact(LogIndex(13), stateMachineData(24, 'z'));
    QCOMPARE(c.core(n1).log().firstIndex(), LogIndex(14 - std::uint64_t(catchUpEntries)));
    c.recover();

    int snapshots = 0;
    exchange(c, {}, 4, [&snapshots](const Message &m, const Output &) {
        snapshots += m.type == MessageType::InstallSnapshot ? 1 : 0;
    });
    QCOMPARE(snapshots > 0, snapshotSent);
    QCOMPARE(c.core(n3).log().lastIndex(), LogIndex(13));
    QCOMPARE(c.core(n3).log().commitIndex(), LogIndex(13));
    QCOMPARE(c.node(n3).snapshot.isEmpty(), !snapshotSent);
}

QTEST_GUILESS_MAIN(TestSnapshots)
#include "tst_snapshots.moc"
