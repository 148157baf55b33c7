// kill -9 every node in the middle of a write load, start them all again: every write that got a 200
// is there. docs/cli.md: "A node killed with SIGKILL at any instant and started again on the same data
// dir comes back with every entry it had acknowledged."
#include "clusterharness.h"

#include <QTest>

#include <map>

using namespace raftlab::integration;

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedWritesSurviveKillingEveryNode_data();
    void acknowledgedWritesSurviveKillingEveryNode();
};

void TestCrashRecovery::acknowledgedWritesSurviveKillingEveryNode_data()
{
    QTest::addColumn<int>("snapshotEvery");
    QTest::newRow("log only") << 0;
    // Snapshots taken (and logs compacted) during the load: recovery starts from snapshot plus log.
    QTest::newRow("with snapshots") << 40;
}

namespace {

// One client writing unique keys one after another, each to the next node in turn (so most writes are
// forwarded), remembering which ones were acknowledged.
class Writer
{
public:
    Writer(ClusterHarness &cluster, int number)
        : m_cluster(cluster)
        , m_number(number)
    { }

    void start() { sendNext(); }
    void stop() { m_stopped = true; }

    const std::map<QByteArray, QByteArray> &acknowledged() const { return m_acknowledged; }
    int sent() const { return m_sent; }
    int failed() const { return m_failed; }

private:
    void sendNext()
    {
        if (m_stopped)
            return;
        const QByteArray key = "w" + QByteArray::number(m_number) + "-" + QByteArray::number(m_sent);
        const QByteArray value = "value of " + key + " " + QByteArray(32, char('a' + m_number));
        const QList<int> ids = m_cluster.ids();
        const int via = ids[(m_sent + m_number) % ids.size()];
        ++m_sent;
        m_cluster.requestAsync(via, "PUT", ClusterHarness::kvPath(key) + QStringLiteral("?timeout_ms=2000"),
                               value, 4000, [this, key, value](const HttpReply &reply) {
                                   if (reply.ok())
                                       m_acknowledged.emplace(key, value);
                                   else
                                       ++m_failed;
                                   sendNext();
                               });
    }

    ClusterHarness &m_cluster;
    int m_number = 0;
    bool m_stopped = false;
    int m_sent = 0;
    int m_failed = 0;
    std::map<QByteArray, QByteArray> m_acknowledged;
};

} // namespace

void TestCrashRecovery::acknowledgedWritesSurviveKillingEveryNode()
{
    QFETCH(int, snapshotEvery);
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3, .snapshotEvery = snapshotEvery});
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    QVERIFY2(cluster.waitForLeader(10'000) != 0, "no leader");

    constexpr int writerCount = 5;
    std::vector<std::unique_ptr<Writer>> writers;
    for (int i = 0; i < writerCount; ++i)
        writers.push_back(std::make_unique<Writer>(cluster, i));
    for (auto &writer : writers)
        writer->start();
    const auto acknowledgedCount = [&writers] {
        std::size_t total = 0;
        for (const auto &writer : writers)
            total += writer->acknowledged().size();
        return total;
    };

    // Let the load run until a good number of writes were acknowledged, then kill every node while
    // each writer has a request in flight.
    QVERIFY2(waitUntil([&] { return acknowledgedCount() >= 250; }, 60'000),
             qPrintable(QStringLiteral("only %1 writes acknowledged").arg(acknowledgedCount())));
    QCOMPARE(cluster.asyncInFlight(), writerCount);
    cluster.killAll();
    // The writers' last requests now fail (or were answered just before); then they stop.
    for (auto &writer : writers)
        writer->stop();
    QVERIFY2(waitUntil([&] { return cluster.asyncInFlight() == 0; }, 10'000), "requests still in flight");

    std::map<QByteArray, QByteArray> acknowledged;
    int sent = 0;
    int failed = 0;
    for (const auto &writer : writers) {
        acknowledged.insert(writer->acknowledged().begin(), writer->acknowledged().end());
        sent += writer->sent();
        failed += writer->failed();
    }
    qInfo("%d writers sent %d writes: %zu acknowledged, %d failed or cut off by the kill", writerCount, sent,
          acknowledged.size(), failed);

    // All back, on the same data dirs.
    const QString restartError = cluster.startAll();
    QVERIFY2(restartError.isEmpty(), qPrintable(restartError));
    const int leader = cluster.waitForLeader(15'000);
    QVERIFY2(leader != 0, "no leader after the restart");

    // Every acknowledged write, read linearizably through every node in turn.
    int checked = 0;
    for (const auto &[key, value] : acknowledged) {
        const int via = cluster.ids()[checked++ % cluster.ids().size()];
        const HttpReply read = cluster.get(via, ClusterHarness::kvPath(key));
        QVERIFY2(read.ok(),
                 qPrintable(QStringLiteral("acknowledged key %1 via node %2: %3")
                                .arg(QString::fromUtf8(key))
                                .arg(via)
                                .arg(read.describe())));
        QCOMPARE(read.body, value);
    }
    if (snapshotEvery > 0) {
        for (const int id : cluster.ids()) {
            const auto s = cluster.status(id);
            QVERIFY(s);
            QVERIFY2(s->json.value(QStringLiteral("snapshot_index")).toInteger() > 0,
                     qPrintable(QStringLiteral("node %1 has no snapshot").arg(id)));
        }
    }
    const QString converged = cluster.waitConverged(15'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
}

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
