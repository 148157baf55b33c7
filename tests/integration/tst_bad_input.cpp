// Every error docs/http-api.md and docs/cli.md describe gets its clear answer, and the cluster keeps working
// afterwards: bad flags and cluster files (exit 2, one line on stderr), a second process on a data dir (exit
// 2), a damaged segment (exit 3 naming the file), oversized values (413), bad keys (400), malformed admin
// JSON (400), and garbage on the Raft and HTTP ports (the node stays up).
#include "clusterharness.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>

using namespace raftlab::integration;

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void badFlagsExitTwoWithOneLine_data();
    void badFlagsExitTwoWithOneLine();
    void badClusterFilesExitTwoWithOneLine_data();
    void badClusterFilesExitTwoWithOneLine();
    void secondProcessOnADataDirExitsTwo();
    void badKeysAre400_data();
    void badKeysAre400();
    void badQueriesAre400_data();
    void badQueriesAre400();
    void oversizedValueIs413AndNothingIsWritten();
    void malformedAdminJsonIs400_data();
    void malformedAdminJsonIs400();
    void unknownRoutesAndMethodsAnswerJson();
    void adminFromANonLoopbackClient();
    void randomBytesOnTheRaftPort();
    void randomBytesOnTheHttpPort();
    void damagedSegmentExitsThreeNamingTheFile(); // last: it takes node 3 down for good

private:
    // The cluster keeps working: a write through `via` commits and reads back from every running node.
    void checkClusterWorks(int via);

    std::unique_ptr<ClusterHarness> m_cluster; // one cluster for every test function: they only poke it
    int m_writes = 0;
};

namespace {

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(QRandomGenerator::global()->bounded(256));
    return bytes;
}

} // namespace

void TestBadInput::initTestCase()
{
    m_cluster = std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = 3});
    const QString error = m_cluster->startAll();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster->waitForLeader(10'000) != 0, "no leader");
}

void TestBadInput::cleanupTestCase()
{
    m_cluster.reset();
}

void TestBadInput::checkClusterWorks(int via)
{
    const QByteArray key = "still-works-" + QByteArray::number(++m_writes);
    const HttpReply written = m_cluster->put(via, ClusterHarness::kvPath(key), "yes");
    QVERIFY2(written.ok(),
             qPrintable(QStringLiteral("write via node %1: %2").arg(via).arg(written.describe())));
    for (const int id : m_cluster->runningIds()) {
        const HttpReply read = m_cluster->get(id, ClusterHarness::kvPath(key));
        QVERIFY2(read.ok() && read.body == "yes",
                 qPrintable(QStringLiteral("read via node %1: %2").arg(id).arg(read.describe())));
    }
}

// ---------------------------------------------------------------------------------------------
// The command line and the cluster file

void TestBadInput::badFlagsExitTwoWithOneLine_data()
{
    QTest::addColumn<QStringList>(
        "replace"); // option, value pairs replacing or adding to a good command line
    QTest::addColumn<QStringList>("remove"); // options left out
    QTest::addColumn<QString>("mentions"); // the line names what is wrong

    QTest::newRow("no --cluster") << QStringList{} << QStringList{"--cluster"} << "--cluster";
    QTest::newRow("no --id") << QStringList{} << QStringList{"--id"} << "--id";
    QTest::newRow("no --data-dir") << QStringList{} << QStringList{"--data-dir"} << "--data-dir";
    QTest::newRow("--id not a number") << QStringList{"--id", "two"} << QStringList{} << "--id";
    QTest::newRow("--id 0") << QStringList{"--id", "0"} << QStringList{} << "--id";
    QTest::newRow("--id not in the cluster") << QStringList{"--id", "9"} << QStringList{} << "9";
    QTest::newRow("--cluster missing file") << QStringList{"--cluster", "/nonexistent/cluster.json"}
                                            << QStringList{} << "/nonexistent/cluster.json";
    QTest::newRow("--heartbeat-ms 0")
        << QStringList{"--heartbeat-ms", "0"} << QStringList{} << "--heartbeat-ms";
    QTest::newRow("--heartbeat-ms abc")
        << QStringList{"--heartbeat-ms", "abc"} << QStringList{} << "--heartbeat-ms";
    QTest::newRow("--heartbeat-ms above the election timeout")
        << QStringList{"--heartbeat-ms", "400"} << QStringList{} << "heartbeat";
    QTest::newRow("--election-timeout-ms reversed")
        << QStringList{"--election-timeout-ms", "300-150"} << QStringList{} << "--election-timeout-ms";
    QTest::newRow("--election-timeout-ms garbage")
        << QStringList{"--election-timeout-ms", "fast"} << QStringList{} << "--election-timeout-ms";
    QTest::newRow("--fsync sometimes") << QStringList{"--fsync", "sometimes"} << QStringList{} << "--fsync";
    QTest::newRow("unknown option") << QStringList{"--bogus", ""} << QStringList{} << "bogus";
    QTest::newRow("stray argument") << QStringList{"stray", ""} << QStringList{} << "stray";
}

void TestBadInput::badFlagsExitTwoWithOneLine()
{
    QFETCH(QStringList, replace);
    QFETCH(QStringList, remove);
    QFETCH(QString, mentions);
    QTemporaryDir scratch;
    QVERIFY(scratch.isValid());
    QMap<QString, QString> options{{QStringLiteral("--cluster"), m_cluster->clusterFile()},
                                   {QStringLiteral("--id"), QStringLiteral("1")},
                                   {QStringLiteral("--data-dir"), scratch.filePath(QStringLiteral("data"))}};
    for (const QString &option : remove)
        options.remove(option);
    QStringList arguments;
    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        if (!replace.contains(it.key()))
            arguments << it.key() << it.value();
    }
    for (qsizetype i = 0; i + 1 < replace.size(); i += 2) {
        arguments << replace[i];
        if (!replace[i + 1].isEmpty())
            arguments << replace[i + 1];
    }
    const ProcessResult result = runNodeToExit(arguments);
    checkExitedWithOneLine(result, 2);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(result.stderrText.contains(mentions), qPrintable(result.stderrText));
    QVERIFY2(result.stdoutText.isEmpty(), qPrintable(result.stdoutText));
}

void TestBadInput::badClusterFilesExitTwoWithOneLine_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("mentions");
    const QByteArray node1 = R"({"id": 1, "raft": "127.0.0.1:1", "http": "127.0.0.1:2"})";
    const QByteArray node2 = R"({"id": 2, "raft": "127.0.0.1:3", "http": "127.0.0.1:4"})";
    const auto cluster = [&](const QByteArray &extra, const QByteArray &nodes) {
        return R"({"cluster": "bad", )" + extra + R"("nodes": [)" + nodes + "]}";
    };
    QTest::newRow("empty file") << QByteArray() << "JSON";
    QTest::newRow("not JSON") << QByteArray("{\"cluster\": ") << "JSON";
    QTest::newRow("an array") << QByteArray("[1, 2]") << "object";
    QTest::newRow("no nodes") << QByteArray(R"({"cluster": "bad"})") << "nodes";
    QTest::newRow("empty nodes") << cluster("", "") << "nodes";
    QTest::newRow("no name") << QByteArray(R"({"nodes": [)" + node1 + "]}") << "cluster";
    QTest::newRow("duplicate id") << cluster("", node1 + ", " + node1) << "nodes[1]";
    QTest::newRow("duplicate address")
        << cluster("", node1 + R"(, {"id": 2, "raft": "127.0.0.1:1", "http": "127.0.0.1:4"})")
        << "127.0.0.1:1";
    QTest::newRow("port out of range")
        << cluster("", R"({"id": 1, "raft": "127.0.0.1:99999", "http": "127.0.0.1:2"})") << "99999";
    QTest::newRow("no port") << cluster("", R"({"id": 1, "raft": "127.0.0.1", "http": "127.0.0.1:2"})")
                             << "port";
    QTest::newRow("any address") << cluster("", R"({"id": 1, "raft": "0.0.0.0:5", "http": "127.0.0.1:2"})")
                                 << "0.0.0.0";
    QTest::newRow("id is a string") << cluster("",
                                               R"({"id": "1", "raft": "127.0.0.1:1", "http": "127.0.0.1:2"})")
                                    << "id";
    QTest::newRow("reversed election timeout")
        << cluster(R"("election_timeout_ms": [300, 150], )", node1 + ", " + node2) << "election_timeout_ms";
    QTest::newRow("heartbeat too long")
        << cluster(R"("heartbeat_ms": 200, )", node1 + ", " + node2) << "heartbeat_ms";
    QTest::newRow("heartbeat not a number")
        << cluster(R"("heartbeat_ms": "fast", )", node1) << "heartbeat_ms";
    QTest::newRow("unknown key") << cluster(R"("heartbeats": 50, )", node1) << "heartbeats";
    QTest::newRow("prevote not a bool") << cluster(R"("prevote": "yes", )", node1) << "prevote";
    QTest::newRow("repeated key") << cluster(R"("cluster": "again", )", node1) << "twice";
}

void TestBadInput::badClusterFilesExitTwoWithOneLine()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, mentions);
    QTemporaryDir scratch;
    QVERIFY(scratch.isValid());
    const QString file = scratch.filePath(QStringLiteral("cluster.json"));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(content);
    out.close();
    const ProcessResult result =
        runNodeToExit({QStringLiteral("--cluster"), file, QStringLiteral("--id"), QStringLiteral("1"),
                       QStringLiteral("--data-dir"), scratch.filePath(QStringLiteral("data"))});
    checkExitedWithOneLine(result, 2);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(result.stderrText.contains(file), qPrintable(result.stderrText)); // which file
    QVERIFY2(result.stderrText.contains(mentions), qPrintable(result.stderrText)); // and what in it
}

void TestBadInput::secondProcessOnADataDirExitsTwo()
{
    // The same node twice, and another node pointed at node 1's data dir: both refused by the lock.
    for (const int id : {1, 2}) {
        QStringList arguments = m_cluster->nodeArguments(1);
        arguments[arguments.indexOf(QStringLiteral("--id")) + 1] = QString::number(id);
        const ProcessResult result = runNodeToExit(arguments);
        checkExitedWithOneLine(result, 2);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(result.stderrText.contains(QLatin1String("in use")), qPrintable(result.stderrText));
        QVERIFY2(result.stderrText.contains(QString::number(m_cluster->pid(1))),
                 qPrintable(result.stderrText));
    }
    QVERIFY(m_cluster->isRunning(1));
    checkClusterWorks(1);
}

// ---------------------------------------------------------------------------------------------
// The key-value routes

void TestBadInput::badKeysAre400_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");

    const QString tooLong = QStringLiteral("/kv/") + QString(1025, QLatin1Char('k'));
    QTest::newRow("PUT key of 1025 bytes") << QByteArray("PUT") << tooLong << QByteArray("v");
    QTest::newRow("GET key of 1025 bytes") << QByteArray("GET") << tooLong << QByteArray();
    QTest::newRow("PUT key with a slash")
        << QByteArray("PUT") << QStringLiteral("/kv/a/b") << QByteArray("v");
    QTest::newRow("PUT key with an encoded slash")
        << QByteArray("PUT") << QStringLiteral("/kv/a%2Fb") << QByteArray("v");
    QTest::newRow("PUT empty key") << QByteArray("PUT") << QStringLiteral("/kv/") << QByteArray("v");
    QTest::newRow("DELETE empty key") << QByteArray("DELETE") << QStringLiteral("/kv/") << QByteArray();
    QTest::newRow("PUT key not UTF-8")
        << QByteArray("PUT") << QStringLiteral("/kv/bad%FFkey") << QByteArray("v");
    QTest::newRow("GET key not UTF-8")
        << QByteArray("GET") << QStringLiteral("/kv/bad%C3key") << QByteArray();
    QTest::newRow("POST / without =") << QByteArray("POST") << QStringLiteral("/") << QByteArray("novalue");
    QTest::newRow("POST / empty key") << QByteArray("POST") << QStringLiteral("/") << QByteArray("=value");
    QTest::newRow("POST / key with a slash")
        << QByteArray("POST") << QStringLiteral("/") << QByteArray("a/b=value");
}

void TestBadInput::badKeysAre400()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    const auto before = m_cluster->status(2);
    QVERIFY(before);
    const HttpReply reply = m_cluster->request(2, verb, path, body);
    QVERIFY2(reply.status == 400, qPrintable(reply.describe()));
    QVERIFY2(reply.contentType.startsWith("application/json"), reply.contentType.constData());
    QVERIFY2(!reply.json().value(QStringLiteral("error")).toString().isEmpty(), qPrintable(reply.describe()));
    QVERIFY2(!reply.json().value(QStringLiteral("message")).toString().isEmpty(),
             qPrintable(reply.describe()));
    // Nothing was written: the log did not grow.
    const auto after = m_cluster->status(2);
    QVERIFY(after);
    QCOMPARE(after->lastLogIndex, before->lastLogIndex);
}

void TestBadInput::badQueriesAre400_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("query");
    QTest::newRow("timeout_ms=0") << QByteArray("PUT") << QStringLiteral("timeout_ms=0");
    QTest::newRow("timeout_ms=abc") << QByteArray("PUT") << QStringLiteral("timeout_ms=abc");
    QTest::newRow("timeout_ms too large") << QByteArray("GET") << QStringLiteral("timeout_ms=600001");
    QTest::newRow("consistency=eventual") << QByteArray("GET") << QStringLiteral("consistency=eventual");
}

void TestBadInput::badQueriesAre400()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, query);
    const HttpReply reply =
        m_cluster->request(3, verb, QStringLiteral("/kv/q?") + query, verb == "PUT" ? "v" : "");
    QVERIFY2(reply.status == 400, qPrintable(reply.describe()));
    QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("bad_request"));
    QCOMPARE(m_cluster->get(3, QStringLiteral("/kv/q?consistency=local")).status, 404);
}

void TestBadInput::oversizedValueIs413AndNothingIsWritten()
{
    constexpr qsizetype mebibyte = 1024 * 1024;
    const int leader = m_cluster->waitForLeader(10'000);
    QVERIFY(leader != 0);
    for (const int via : m_cluster->ids()) {
        const auto before = m_cluster->status(leader);
        QVERIFY(before);
        const QString path = ClusterHarness::kvPath("big-" + QByteArray::number(via));
        const HttpReply tooBig = m_cluster->put(via, path, QByteArray(mebibyte + 1, 'x'), 20'000);
        QVERIFY2(tooBig.status == 413, qPrintable(tooBig.describe()));
        QCOMPARE(tooBig.json().value(QStringLiteral("error")).toString(), QStringLiteral("value_too_large"));
        const HttpReply seedRoute =
            m_cluster->post(via, QStringLiteral("/"), "big=" + QByteArray(mebibyte + 1, 'y'), 20'000);
        QVERIFY2(seedRoute.status == 413, qPrintable(seedRoute.describe()));
        const auto after = m_cluster->status(leader);
        QVERIFY(after);
        QCOMPARE(after->lastLogIndex, before->lastLogIndex); // nothing was proposed
        const HttpReply read = m_cluster->get(via, path);
        QVERIFY2(read.status == 404, qPrintable(read.describe()));
    }
    // Exactly 1 MiB is allowed, and comes back whole.
    const QByteArray largest = randomBytes(mebibyte);
    const HttpReply written = m_cluster->put(1, ClusterHarness::kvPath("largest"), largest, 30'000);
    QVERIFY2(written.ok(), qPrintable(written.describe()));
    for (const int id : m_cluster->ids()) {
        const HttpReply read = m_cluster->get(id, ClusterHarness::kvPath("largest"), 30'000);
        QVERIFY2(read.ok(), qPrintable(read.describe()));
        QVERIFY(read.body == largest);
    }
}

// ---------------------------------------------------------------------------------------------
// Admin and other routes

void TestBadInput::malformedAdminJsonIs400_data()
{
    QTest::addColumn<QString>("route");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("partition: not JSON") << "/admin/partition" << QByteArray("{peers: [2]");
    QTest::newRow("partition: an array") << "/admin/partition" << QByteArray("[2, 3]");
    QTest::newRow("partition: no peers") << "/admin/partition" << QByteArray("{}");
    QTest::newRow("partition: peers not a list") << "/admin/partition" << QByteArray(R"({"peers": "2"})");
    QTest::newRow("partition: unknown peer") << "/admin/partition" << QByteArray(R"({"peers": [99]})");
    QTest::newRow("partition: itself") << "/admin/partition" << QByteArray(R"({"peers": [1]})");
    QTest::newRow("partition: fraction") << "/admin/partition" << QByteArray(R"({"peers": [2.5]})");
    QTest::newRow("net: loss above 1") << "/admin/net" << QByteArray(R"({"loss": 2})");
    QTest::newRow("net: negative delay") << "/admin/net" << QByteArray(R"({"delay_ms": -5})");
    QTest::newRow("net: delay a string") << "/admin/net" << QByteArray(R"({"delay_ms": "slow"})");
    QTest::newRow("timing: reversed")
        << "/admin/timing" << QByteArray(R"({"heartbeat_ms": 50, "election_timeout_ms": [300, 150]})");
    QTest::newRow("timing: heartbeat too long")
        << "/admin/timing" << QByteArray(R"({"heartbeat_ms": 500, "election_timeout_ms": [150, 300]})");
    QTest::newRow("timing: missing range") << "/admin/timing" << QByteArray(R"({"heartbeat_ms": 50})");
    QTest::newRow("transfer: no target") << "/admin/transfer" << QByteArray("{}");
    QTest::newRow("transfer: bad target") << "/admin/transfer" << QByteArray(R"({"to": "two"})");
    QTest::newRow("timeout: not JSON") << "/admin/timeout" << QByteArray("now!");
}

void TestBadInput::malformedAdminJsonIs400()
{
    QFETCH(QString, route);
    QFETCH(QByteArray, body);
    const HttpReply reply = m_cluster->post(1, route, body);
    QVERIFY2(reply.status == 400, qPrintable(reply.describe()));
    QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("bad_request"));
    QVERIFY(!reply.json().value(QStringLiteral("message")).toString().isEmpty());
    // Nothing changed: no peer blocked, no network fault, the timing as configured.
    const auto status = m_cluster->status(1);
    QVERIFY(status);
    QCOMPARE(status->json.value(QStringLiteral("blocked_peers")).toArray().size(), 0);
    QCOMPARE(status->json.value(QStringLiteral("net")).toObject().value(QStringLiteral("loss")).toDouble(),
             0.0);
    QCOMPARE(status->json.value(QStringLiteral("net")).toObject().value(QStringLiteral("delay_ms")).toInt(),
             0);
    QCOMPARE(status->json.value(QStringLiteral("heartbeat_ms")).toInt(), 50);
    QCOMPARE(status->json.value(QStringLiteral("election_timeout_ms")).toArray(), (QJsonArray{150, 300}));
}

void TestBadInput::unknownRoutesAndMethodsAnswerJson()
{
    const HttpReply unknown = m_cluster->get(1, QStringLiteral("/nothing/here"));
    QVERIFY2(unknown.status == 404, qPrintable(unknown.describe()));
    QCOMPARE(unknown.json().value(QStringLiteral("error")).toString(), QStringLiteral("not_found"));
    const HttpReply wrongMethod = m_cluster->request(1, "DELETE", QStringLiteral("/status"));
    QVERIFY2(wrongMethod.status == 405, qPrintable(wrongMethod.describe()));
    QVERIFY(!wrongMethod.json().value(QStringLiteral("error")).toString().isEmpty());
    const HttpReply getAdmin = m_cluster->get(1, QStringLiteral("/admin/partition"));
    QVERIFY2(getAdmin.status == 405, qPrintable(getAdmin.describe()));
    // A method /kv/ does not take is that, not a bad key; an admin route that does not exist is not found.
    for (const char *verb : {"PATCH", "POST"}) {
        const HttpReply kvVerb = m_cluster->request(1, verb, ClusterHarness::kvPath("fine"), "v");
        QVERIFY2(kvVerb.status == 405, qPrintable(kvVerb.describe()));
        QCOMPARE(kvVerb.json().value(QStringLiteral("error")).toString(),
                 QStringLiteral("method_not_allowed"));
    }
    const HttpReply badKey = m_cluster->request(1, "PUT", QStringLiteral("/kv/a/b"), "v");
    QVERIFY2(badKey.status == 400, qPrintable(badKey.describe()));
    QCOMPARE(badKey.json().value(QStringLiteral("error")).toString(), QStringLiteral("bad_key"));
    const HttpReply noAdmin = m_cluster->request(1, "POST", QStringLiteral("/admin/nope"), "{}");
    QVERIFY2(noAdmin.status == 404, qPrintable(noAdmin.describe()));
    checkClusterWorks(1);
}

void TestBadInput::adminFromANonLoopbackClient()
{
    QSKIP("needs a second, non-loopback address to call from; this suite uses 127.0.0.1 only");
}

// ---------------------------------------------------------------------------------------------
// Garbage on the ports

void TestBadInput::randomBytesOnTheRaftPort()
{
    const int leader = m_cluster->waitForLeader(10'000);
    QVERIFY(leader != 0);
    for (const int id : m_cluster->ids()) {
        // Random bytes, then a frame header announcing 4 GiB, then an endless trickle.
        QList<QByteArray> payloads{randomBytes(256 * 1024),
                                   QByteArray("\xff\xff\xff\xff", 4) + randomBytes(64), QByteArray(16, '\0'),
                                   QByteArray("RAFT") + randomBytes(1024)};
        for (const QByteArray &payload : payloads) {
            sendAndHangUp(m_cluster->raftPort(id), payload);
            if (QTest::currentTestFailed())
                return;
        }
        QVERIFY2(m_cluster->isRunning(id), qPrintable(m_cluster->stderrOf(id)));
        QVERIFY2(m_cluster->get(id, QStringLiteral("/status")).ok(), "no /status after garbage");
    }
    QVERIFY2(m_cluster->waitForLeader(10'000) != 0, "no leader after garbage on the Raft ports");
    checkClusterWorks(leader);
    checkClusterWorks(leader % 3 + 1);
}

void TestBadInput::randomBytesOnTheHttpPort()
{
    for (const int id : m_cluster->ids()) {
        const QList<QByteArray> payloads{
            randomBytes(64 * 1024),
            QByteArray("BLAH / HTTP/1.1\r\n\r\n"),
            QByteArray("GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
            QByteArray("PUT /kv/a HTTP/1.1\r\nContent-Length: -5\r\n\r\nabc"),
            QByteArray("GET /status HTTP/1.1\r\nX: ") + QByteArray(200 * 1024, 'h') + "\r\n\r\n",
            QByteArray("\r\n\r\n\r\n"),
        };
        for (const QByteArray &payload : payloads) {
            sendAndHangUp(m_cluster->httpPort(id), payload);
            if (QTest::currentTestFailed())
                return;
        }
        // A client that sends half a request and goes silent does not stop others from being served.
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, m_cluster->httpPort(id));
        QVERIFY(silent.waitForConnected(5000));
        silent.write("PUT /kv/half HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly some");
        QVERIFY(silent.waitForBytesWritten(5000));
        QVERIFY2(m_cluster->isRunning(id), qPrintable(m_cluster->stderrOf(id)));
        QVERIFY2(m_cluster->get(id, QStringLiteral("/status")).ok(), "no /status after garbage");
        checkClusterWorks(id);
        silent.abort();
    }
    QCOMPARE(m_cluster->get(1, QStringLiteral("/kv/half?consistency=local")).status, 404);
}

// ---------------------------------------------------------------------------------------------
// A damaged data dir

void TestBadInput::damagedSegmentExitsThreeNamingTheFile()
{
    constexpr int victim = 3;
    for (int i = 0; i < 20; ++i) {
        const HttpReply reply = m_cluster->put(1, ClusterHarness::kvPath("filler-" + QByteArray::number(i)),
                                               QByteArray(100, char('a' + i)));
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
    }
    // Node 3 has them all; stop it cleanly (SIGTERM: exit 0).
    HttpReply local;
    QVERIFY2(waitUntil(
                 [&] {
                     local = m_cluster->get(victim, QStringLiteral("/kv/filler-19?consistency=local"));
                     return local.ok();
                 },
                 10'000),
             qPrintable(local.describe()));
    QCOMPARE(m_cluster->terminate(victim), 0);

    // Flip one byte inside the first record's body: a bad checksum followed by later batches is damage,
    // not a torn tail.
    const QDir dir(m_cluster->dataDir(victim));
    const QStringList segments = dir.entryList({QStringLiteral("segment-*.log")}, QDir::Files, QDir::Name);
    QVERIFY2(!segments.isEmpty(), qPrintable(dir.entryList().join(QLatin1Char(' '))));
    const QString segment = dir.filePath(segments.constFirst());
    QFile file(segment);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY2(file.size() > 2000, qPrintable(QString::number(file.size())));
    // Segment header, batch header, the first record's length and checksums, into its index.
    constexpr qint64 offset = 16 + 20 + 12 + 3;
    QVERIFY(file.seek(offset));
    char byte = 0;
    QVERIFY(file.getChar(&byte));
    QVERIFY(file.seek(offset));
    QVERIFY(file.putChar(char(byte ^ 0x5a)));
    file.close();

    QStringList arguments = m_cluster->nodeArguments(victim);
    const ProcessResult result = runNodeToExit(arguments);
    checkExitedWithOneLine(result, 3);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(result.stderrText.contains(segments.constFirst()), qPrintable(result.stderrText));
    qInfo("damaged segment: %s", qPrintable(result.stderrLines().constFirst()));

    // The two others still make a majority.
    QVERIFY2(m_cluster->waitForLeader(10'000) != 0, "no leader without node 3");
    checkClusterWorks(1);
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
