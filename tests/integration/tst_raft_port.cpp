// The Raft port of real nodes: strangers flooding it with connections that announce huge frames leave the
// node's memory flat and its cluster working; a cluster secret keeps a node with the wrong one out (and
// lets it in once it has the right one); a host the node cannot listen on, or an unusable secret file, stop
// it at start with one line.
#include "clusterharness.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using namespace raftlab::integration;

class TestRaftPort : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rawConnectionsAnnouncingHugeFramesLeaveMemoryFlat();
    void aNodeWithTheWrongSecretIsKeptOut();
    void unusableSecretFilesExitTwo_data();
    void unusableSecretFilesExitTwo();
    void theFlagOverridesTheClusterFile();
    void anOwnHostThatDoesNotResolveExitsOne();
    void aTypedTimeoutBelowTheFilesHeartbeatNamesBoth();
    void aRestartOutwaitsAPortHeldForAMomentButNotForGood();
};

namespace {

// The resident set of a process in KiB, from /proc/<pid>/status; -1 if it cannot be read.
qint64 residentKiB(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

QString writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return QString();
}

// Sets (or removes, with an empty value) one top-level field of the harness's cluster file.
QString setClusterField(const ClusterHarness &cluster, const QString &key, const QJsonValue &value)
{
    QFile file(cluster.clusterFile());
    if (!file.open(QIODevice::ReadOnly))
        return file.errorString();
    QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    if (value.isUndefined())
        object.remove(key);
    else
        object.insert(key, value);
    return writeFile(cluster.clusterFile(), QJsonDocument(object).toJson());
}

// A write through `via` commits and reads back from every node in `readers`.
void checkWrite(ClusterHarness &cluster, int via, const QByteArray &key, const QList<int> &readers)
{
    const HttpReply written = cluster.put(via, ClusterHarness::kvPath(key), "yes");
    QVERIFY2(written.ok(),
             qPrintable(QStringLiteral("write via node %1: %2").arg(via).arg(written.describe())));
    for (const int id : readers) {
        HttpReply read;
        QVERIFY2(waitUntil(
                     [&] {
                         read = cluster.get(
                             id, ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local"));
                         return read.ok() && read.body == "yes";
                     },
                     10'000),
                 qPrintable(QStringLiteral("read via node %1: %2").arg(id).arg(read.describe())));
    }
}

} // namespace

void TestRaftPort::rawConnectionsAnnouncingHugeFramesLeaveMemoryFlat()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    const QString started = cluster.startAll();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QVERIFY2(cluster.waitForLeader(10'000) != 0, "no leader");
    constexpr int target = 1;
    for (int i = 0; i < 20; ++i) // warm up: the node's steady state includes some log and some sockets
        checkWrite(cluster, target, "warm-" + QByteArray::number(i), {target});
    const auto status = cluster.status(target);
    QVERIFY(status);
    const qint64 pid = status->json.value(QStringLiteral("pid")).toInteger();
    QCOMPARE(pid, cluster.pid(target));
    const qint64 baselineKiB = residentKiB(pid);
    QVERIFY2(baselineKiB > 0, "cannot read the node's VmRSS");

    // 200 connections, each announcing a 64 MiB frame, then sending 8 KiB every 25 ms: 320 KiB each,
    // 64 MB in all if the node kept what it was sent.
    constexpr int connections = 200;
    constexpr int rounds = 40;
    constexpr qsizetype chunkBytes = 8 * 1024;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < connections; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket *raw = socket.get();
        connect(raw, &QTcpSocket::connected, raw, [raw] { raw->write(QByteArray("\x04\x00\x00\x00", 4)); });
        raw->connectToHost(QHostAddress::LocalHost, cluster.raftPort(target));
        sockets.push_back(std::move(socket));
    }
    QByteArray chunk(chunkBytes, Qt::Uninitialized);
    for (char &byte : chunk)
        byte = char(QRandomGenerator::global()->bounded(256));
    int round = 0;
    qint64 peakKiB = baselineKiB;
    QTimer trickle;
    trickle.setInterval(25);
    connect(&trickle, &QTimer::timeout, this, [&] {
        for (const auto &socket : sockets) {
            if (socket->state() == QAbstractSocket::ConnectedState)
                socket->write(chunk);
        }
        peakKiB = std::max(peakKiB, residentKiB(pid));
        if (++round == rounds)
            trickle.stop();
    });
    trickle.start();
    QVERIFY2(waitUntil([&] { return round == rounds; }, 60'000), "the trickle did not finish");
    // Everything still open has been handed to the node's kernel, so the node had the chance to keep it.
    const bool flushed = waitUntil(
        [&] {
            peakKiB = std::max(peakKiB, residentKiB(pid));
            return std::all_of(sockets.begin(), sockets.end(), [](const auto &socket) {
                return socket->state() != QAbstractSocket::ConnectedState || socket->bytesToWrite() == 0;
            });
        },
        20'000);
    QVERIFY2(flushed, "the node does not read what it is sent");

    peakKiB = std::max(peakKiB, residentKiB(pid));
    const qint64 growthKiB = peakKiB - baselineKiB;
    qInfo("node %d: VmRSS %lld KiB before, peak %lld KiB during the flood (+%lld KiB)", target, baselineKiB,
          peakKiB, growthKiB);
    QVERIFY2(growthKiB < 20 * 1024, qPrintable(QStringLiteral("VmRSS grew by %1 KiB").arg(growthKiB)));

    // Every one of them was closed by the node: the hello timeout is the longest any could last.
    const auto open = [&sockets] {
        return std::count_if(sockets.begin(), sockets.end(), [](const auto &socket) {
            return socket->state() != QAbstractSocket::UnconnectedState;
        });
    };
    QVERIFY2(waitUntil([&] { return open() == 0; }, 20'000),
             qPrintable(QStringLiteral("%1 connections still open").arg(open())));

    // The node is up, and its cluster elects and commits.
    QVERIFY2(cluster.isRunning(target), qPrintable(cluster.stderrOf(target)));
    QVERIFY2(cluster.waitForLeader(10'000) != 0, "no leader after the flood");
    checkWrite(cluster, target, "after-the-flood", cluster.ids());
    QVERIFY2(cluster.stderrOf(target).contains(QStringLiteral("larger than a hello")),
             qPrintable(cluster.stderrOf(target)));
}

void TestRaftPort::aNodeWithTheWrongSecretIsKeptOut()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    const QString dir = cluster.workDir();
    QVERIFY(
        writeFile(QDir(dir).filePath(QStringLiteral("good.key")), "Zm9yIHRoZSBub2RlcyBvZiB0aGlzIHRlc3Q=\n")
            .isEmpty());
    QVERIFY(writeFile(QDir(dir).filePath(QStringLiteral("wrong.key")), "c29tZXRoaW5nIGVsc2UgZW50aXJlbHk=\n")
                .isEmpty());
    // Nodes 1 and 2 start with the right secret, node 3 with another one.
    QVERIFY(setClusterField(cluster, QStringLiteral("secret_file"), QStringLiteral("good.key")).isEmpty());
    for (const int id : {1, 2}) {
        const QString error = cluster.start(id);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QVERIFY2(cluster.waitForLeader(10'000, {1, 2}) != 0, "no leader among the nodes with the right secret");
    QVERIFY(setClusterField(cluster, QStringLiteral("secret_file"), QStringLiteral("wrong.key")).isEmpty());
    {
        const QString error = cluster.start(3);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // Each side refuses the other, with a warning naming the address the connection came from.
    QVERIFY2(waitUntil(
                 [&] {
                     return cluster.stderrOf(1).contains(
                                QStringLiteral("node 3 does not know the cluster secret")) ||
                         cluster.stderrOf(2).contains(
                             QStringLiteral("node 3 does not know the cluster secret"));
                 },
                 15'000),
             qPrintable(cluster.stderrOf(1) + cluster.stderrOf(2)));
    QVERIFY2(waitUntil(
                 [&] {
                     return cluster.stderrOf(3).contains(
                                QStringLiteral("closed the connection from 127.0.0.1:")) &&
                         cluster.stderrOf(3).contains(QStringLiteral("does not know the cluster secret"));
                 },
                 15'000),
             qPrintable(cluster.stderrOf(3)));

    // The two keep committing; node 3 hears nothing of it.
    checkWrite(cluster, 1, "kept-out", {1, 2});
    const HttpReply onThree =
        cluster.get(3, ClusterHarness::kvPath("kept-out") + QStringLiteral("?consistency=local"));
    QCOMPARE(onThree.status, 404);
    const auto three = cluster.status(3);
    QVERIFY(three);
    QCOMPARE(three->commitIndex, 0);

    // With the right secret, node 3 joins and catches up.
    cluster.kill(3);
    QVERIFY(setClusterField(cluster, QStringLiteral("secret_file"), QStringLiteral("good.key")).isEmpty());
    const QString restarted = cluster.start(3);
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    checkWrite(cluster, 1, "let-in", {1, 2, 3});
    const QString converged = cluster.waitConverged(15'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
}

void TestRaftPort::unusableSecretFilesExitTwo_data()
{
    QTest::addColumn<QString>("secretFile"); // as written in cluster.json, relative to it
    QTest::addColumn<QByteArray>("contents"); // empty: the file is not created
    QTest::addColumn<QString>("mentions");
    QTest::newRow("missing") << "absent.key" << QByteArray() << "absent.key: cannot read";
    QTest::newRow("too short") << "short.key" << QByteArray("hunter2\n") << "holds 7 bytes, fewer than 16";
}

void TestRaftPort::unusableSecretFilesExitTwo()
{
    QFETCH(QString, secretFile);
    QFETCH(QByteArray, contents);
    QFETCH(QString, mentions);
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 1});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    if (!contents.isEmpty())
        QVERIFY(writeFile(QDir(cluster.workDir()).filePath(secretFile), contents).isEmpty());
    QVERIFY(setClusterField(cluster, QStringLiteral("secret_file"), secretFile).isEmpty());
    checkExitedWithOneLine(runNodeToExit(cluster.nodeArguments(1)), 2, mentions);
}

void TestRaftPort::theFlagOverridesTheClusterFile()
{
    QTemporaryDir keys;
    QVERIFY(keys.isValid());
    const QString key = keys.filePath(QStringLiteral("flag.key"));
    QVERIFY(writeFile(key, "c2VjcmV0IGZyb20gdGhlIGZsYWc=").isEmpty());
    ClusterHarness cluster(ClusterHarness::Options{
        .nodes = 3, .extraArguments = {QStringLiteral("--cluster-secret-file"), key}});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    // The file names a secret that does not exist: a node reading it would exit 2.
    QVERIFY(setClusterField(cluster, QStringLiteral("secret_file"), QStringLiteral("absent.key")).isEmpty());
    const QString started = cluster.startAll();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QVERIFY2(cluster.waitForLeader(10'000) != 0, "no leader");
    checkWrite(cluster, 1, "with-the-flag", cluster.ids());
}

void TestRaftPort::anOwnHostThatDoesNotResolveExitsOne()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 1});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    const QJsonObject node{
        {QStringLiteral("id"), 1},
        {QStringLiteral("raft"), QStringLiteral("no-such-host.invalid:%1").arg(cluster.raftPort(1))},
        {QStringLiteral("http"), QStringLiteral("127.0.0.1:%1").arg(cluster.httpPort(1))}};
    QVERIFY(setClusterField(cluster, QStringLiteral("nodes"), QJsonArray{node}).isEmpty());
    checkExitedWithOneLine(runNodeToExit(cluster.nodeArguments(1)), 1,
                           QStringLiteral("'no-such-host.invalid' does not resolve"));
}

// One value typed, the other from the file: the line says which is which.
void TestRaftPort::aTypedTimeoutBelowTheFilesHeartbeatNamesBoth()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 1});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    checkExitedWithOneLine(
        runNodeToExit(cluster.nodeArguments(1) + QStringList{"--election-timeout-ms", "30-60"}), 2,
        QStringLiteral("the heartbeat (heartbeat_ms 50 in %1) must be shorter than the smallest election "
                       "timeout (--election-timeout-ms 30-60)")
            .arg(cluster.clusterFile()));
}

// The harness's own promise to every test that restarts a node: a port someone holds for a moment
// (another test's port probe) costs a retry, not the test. Held for good, the start still fails, and
// the report shows who holds it.
void TestRaftPort::aRestartOutwaitsAPortHeldForAMomentButNotForGood()
{
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 1});
    QVERIFY2(cluster.setupError().isEmpty(), qPrintable(cluster.setupError()));
    QVERIFY2(cluster.startAll().isEmpty(), "the node did not start");
    cluster.kill(1);
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, cluster.raftPort(1)));
        QTimer::singleShot(700, &squatter, [&squatter] { squatter.close(); });
        const QString error = cluster.start(1);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(cluster.stderrOf(1).contains(QLatin1String("== a port was taken")),
                 qPrintable(cluster.stderrOf(1)));
    }
    cluster.kill(1);
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, cluster.raftPort(1)));
    const QString error = cluster.start(1);
    QVERIFY2(error.contains(QLatin1String("already in use")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("LISTEN")), qPrintable(error)); // ss's line for the squatter
}

QTEST_GUILESS_MAIN(TestRaftPort)
#include "tst_raft_port.moc"
