// Snapshots between real processes: a follower far behind on a slow link catches up while the leader
// keeps taking writes and snapshots every 50 entries, and loses nothing acknowledged (each claim in a
// step of its own, in order, on one cluster; a step whose earlier step failed skips); a snapshot file
// that passes its checksum but does not decode stops the node with exit 3 naming the file.
#include "clusterharness.h"

#include "storage/snapshotfile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QTest>

#include <map>
#include <memory>
#include <vector>

using namespace raftlab;
using namespace raftlab::integration;

namespace {

// One client writing unique small keys one after another through the nodes it is given, remembering
// which writes were acknowledged.
class Writer
{
public:
    Writer(ClusterHarness &cluster, int number, QList<int> via)
        : m_cluster(cluster)
        , m_number(number)
        , m_via(std::move(via))
    { }

    void start() { sendNext(); }
    void stop() { m_stopped = true; }
    const std::map<QByteArray, QByteArray> &acknowledged() const { return m_acknowledged; }

private:
    void sendNext()
    {
        if (m_stopped)
            return;
        const QByteArray key = "load-" + QByteArray::number(m_number) + "-" + QByteArray::number(m_sent);
        const QByteArray value = "value of " + key;
        const int via = m_via[(m_sent + m_number) % m_via.size()];
        ++m_sent;
        m_cluster.requestAsync(via, "PUT", ClusterHarness::kvPath(key) + QStringLiteral("?timeout_ms=2000"),
                               value, 4000, [this, key, value](const HttpReply &reply) {
                                   if (reply.ok())
                                       m_acknowledged.emplace(key, value);
                                   sendNext();
                               });
    }

    ClusterHarness &m_cluster;
    int m_number = 0;
    QList<int> m_via;
    bool m_stopped = false;
    int m_sent = 0;
    std::map<QByteArray, QByteArray> m_acknowledged;
};

} // namespace

class TestSnapshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void cleanupTestCase();

    // A slow follower, far behind, comes back while the writes go on.
    void theSlowFollowerAppliesWhatWasCommittedAtItsReturnWhileWritesGoOn();
    void onceTheWritesStopItIsLevelWithTheLeader();
    void itHoldsEveryAcknowledgedWrite();
    void itCaughtUpThroughASnapshot();

    void undecodableSnapshotFileExitsThreeNamingTheFile();

private:
    std::unique_ptr<ClusterHarness> m_cluster;
    std::vector<std::unique_ptr<Writer>> m_writers; // they call back into m_cluster's requests
    int m_leader = 0;
    int m_slow = 0;
    std::map<QByteArray, QByteArray> m_acknowledged;
    bool m_writesStopped = false; // and every answer in
};

void TestSnapshots::cleanup()
{
    if (QTest::currentTestFailed() && m_cluster)
        m_cluster->printStderr();
}

void TestSnapshots::cleanupTestCase()
{
    m_cluster.reset(); // drops the writers' pending callbacks first
    m_writers.clear();
}

void TestSnapshots::theSlowFollowerAppliesWhatWasCommittedAtItsReturnWhileWritesGoOn()
{
    m_cluster = std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = 3, .snapshotEvery = 50});
    ClusterHarness &cluster = *m_cluster;
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    m_leader = cluster.waitForLeader(30'000);
    QVERIFY2(m_leader != 0, "no leader");
    QList<int> others = cluster.ids();
    others.removeOne(m_leader);
    m_slow = others.takeFirst();
    const QList<int> majority{m_leader, others.constFirst()};

    // About 2 MB of state: each snapshot is four chunks, each a round trip on the slow link, which all
    // together take several times longer than the leader needs to write 50 more entries under load.
    for (int i = 0; i < 64; ++i) {
        const QByteArray key = "big-" + QByteArray::number(i);
        const QByteArray value(32 * 1024, char('a' + i % 26));
        const HttpReply reply = cluster.put(m_leader, ClusterHarness::kvPath(key), value);
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        m_acknowledged.emplace(key, value);
    }

    // The follower is cut off while the load runs, until it is far behind the leader's compaction point.
    QString error = cluster.partition({majority, {m_slow}});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int i = 0; i < 6; ++i)
        m_writers.push_back(std::make_unique<Writer>(cluster, i, majority));
    const auto stopWriters = qScopeGuard([this] {
        for (auto &writer : m_writers)
            writer->stop();
    });
    for (auto &writer : m_writers)
        writer->start();
    const auto acknowledgedByWriters = [this] {
        std::size_t total = 0;
        for (const auto &writer : m_writers)
            total += writer->acknowledged().size();
        return total;
    };
    QVERIFY2(waitUntil([&] { return acknowledgedByWriters() >= 300; }, 60'000),
             qPrintable(QStringLiteral("only %1 writes acknowledged").arg(acknowledgedByWriters())));

    // Back, on a slow link (its messages take 200 ms), while the writes go on.
    const HttpReply delayed = cluster.post(m_slow, QStringLiteral("/admin/net"), R"({"delay_ms": 200})");
    QVERIFY2(delayed.ok(), qPrintable(delayed.describe()));
    error = cluster.heal();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto atHeal = cluster.status(m_leader);
    QVERIFY(atHeal);
    const auto slowBefore = cluster.status(m_slow);
    QVERIFY(slowBefore);
    QVERIFY2(slowBefore->lastApplied < atHeal->commitIndex - 100,
             qPrintable(QStringLiteral("setup: the follower applied %1, the leader committed %2")
                            .arg(slowBefore->lastApplied)
                            .arg(atHeal->commitIndex)));

    // Under load, a snapshot transfer to it finishes: it applies everything committed when it came back.
    QElapsedTimer clock;
    clock.start();
    std::optional<ClusterHarness::NodeStatus> slowStatus;
    const bool transferred = waitUntil(
        [&] {
            slowStatus = cluster.status(m_slow);
            return slowStatus && slowStatus->lastApplied >= atHeal->commitIndex;
        },
        30'000, 100);
    const qint64 transferMs = clock.elapsed();
    const std::size_t writtenMeanwhile = acknowledgedByWriters();
    for (auto &writer : m_writers)
        writer->stop();
    QVERIFY2(waitUntil([&] { return cluster.asyncInFlight() == 0; }, 10'000), "writes still in flight");
    for (const auto &writer : m_writers)
        m_acknowledged.insert(writer->acknowledged().begin(), writer->acknowledged().end());
    m_writesStopped = true;
    QVERIFY2(transferred,
             qPrintable(QStringLiteral("the slow follower applied %1 of %2 in 30 s of writes")
                            .arg(slowStatus ? slowStatus->lastApplied : -1)
                            .arg(atHeal->commitIndex)));
    qInfo("the slow follower applied the leader's commit index at its return (%lld) after %lld ms of writes "
          "(%zu acknowledged writes by then), %zu acknowledged in all",
          atHeal->commitIndex, transferMs, writtenMeanwhile, m_acknowledged.size());
}

void TestSnapshots::onceTheWritesStopItIsLevelWithTheLeader()
{
    if (!m_writesStopped)
        QSKIP("the writes did not run, or did not stop");
    const auto leaderNow = m_cluster->status(m_leader);
    QVERIFY(leaderNow);
    std::optional<ClusterHarness::NodeStatus> slowStatus;
    QVERIFY2(waitUntil(
                 [&] {
                     slowStatus = m_cluster->status(m_slow);
                     return slowStatus && slowStatus->lastApplied >= leaderNow->commitIndex;
                 },
                 30'000),
             qPrintable(QStringLiteral("the slow follower applied %1, the leader committed %2")
                            .arg(slowStatus ? slowStatus->lastApplied : -1)
                            .arg(leaderNow->commitIndex)));
}

void TestSnapshots::itHoldsEveryAcknowledgedWrite()
{
    if (!m_writesStopped)
        QSKIP("the writes did not run, or did not stop");
    const auto leaderNow = m_cluster->status(m_leader);
    QVERIFY(leaderNow);
    // Its own state, once it applied what the leader committed.
    QVERIFY2(waitUntil(
                 [&] {
                     const auto slowStatus = m_cluster->status(m_slow);
                     return slowStatus && slowStatus->lastApplied >= leaderNow->commitIndex;
                 },
                 30'000),
             "the slow follower is not level with the leader");
    for (const auto &[key, value] : m_acknowledged) {
        const HttpReply read =
            m_cluster->get(m_slow, ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local"));
        QVERIFY2(read.ok(),
                 qPrintable(QStringLiteral("acknowledged key %1 on the slow follower: %2")
                                .arg(QString::fromUtf8(key), read.describe())));
        QVERIFY2(
            read.body == value,
            qPrintable(QStringLiteral("acknowledged key %1 has another value").arg(QString::fromUtf8(key))));
    }
}

void TestSnapshots::itCaughtUpThroughASnapshot()
{
    if (!m_writesStopped)
        QSKIP("the writes did not run, or did not stop");
    const auto slowAtEnd = m_cluster->status(m_slow);
    QVERIFY(slowAtEnd);
    QVERIFY2(slowAtEnd->json.value(QStringLiteral("snapshot_index")).toInteger() > 0,
             "the slow follower caught up without a snapshot: the test did not exercise the transfer");
}

void TestSnapshots::undecodableSnapshotFileExitsThreeNamingTheFile()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 1});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    QVERIFY2(cluster.waitForLeader(10'000) == 1, "the single node did not lead");
    for (int i = 0; i < 3; ++i) {
        const HttpReply reply = cluster.put(1, ClusterHarness::kvPath("k" + QByteArray::number(i)), "v");
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
    }
    const auto status = cluster.status(1);
    QVERIFY(status);
    QCOMPARE(cluster.terminate(1), 0);

    // A snapshot file as the node writes them, checksums and all, whose data is not the store's encoding.
    const Snapshot bogus{SnapshotMeta{LogIndex(2), Term(std::uint64_t(status->lastLogTerm))},
                         QByteArray("not the key-value store's CBOR")};
    const StorageStatus saved = SnapshotFile::save(cluster.dataDir(1), bogus, SyncMode::Always);
    QVERIFY2(saved.ok(), qPrintable(saved.message));

    const ProcessResult result = runNodeToExit(cluster.nodeArguments(1));
    QVERIFY2(result.finished, "the node did not exit");
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QVERIFY2(result.exitCode == 3,
             qPrintable(QStringLiteral("exit %1; stderr: %2").arg(result.exitCode).arg(result.stderrText)));
    QVERIFY2(result.stderrLines().size() == 1, qPrintable(result.stderrText));
    const QString line = result.stderrLines().constFirst();
    QVERIFY2(line.startsWith(QLatin1String("raftlab-node: damaged data:")), qPrintable(line));
    QVERIFY2(line.contains(QDir(cluster.dataDir(1)).filePath(SnapshotFile::fileName())), qPrintable(line));
    qInfo("%s", qPrintable(line));
}

QTEST_GUILESS_MAIN(TestSnapshots)
#include "tst_snapshot_catchup.moc"
