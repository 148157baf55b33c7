#include "node/clusterconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace raftlab;

class TestClusterConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheInterfaceExample();
    void readsOptionalFields();
    void appliesDefaultTimingWhenAbsent();
    void rejectsBadFiles_data();
    void rejectsBadFiles();
    void failureLeavesOutputUnchanged();
    void nodeAddress_data();
    void nodeAddress();
    void acceptsIpv6AndNames();
    void toJsonRoundTrips_data();
    void toJsonRoundTrips();
    void loadsFromFile();
    void loadNamesAMissingFile();
};

// The example in docs/cli.md, verbatim.
static const QByteArray interfaceExample = R"({
  "cluster": "demo",
  "heartbeat_ms": 50,
  "election_timeout_ms": [150, 300],
  "nodes": [
    {"id": 1, "raft": "127.0.0.1:7101", "http": "127.0.0.1:8101"},
    {"id": 2, "raft": "127.0.0.1:7102", "http": "127.0.0.1:8102"},
    {"id": 3, "raft": "127.0.0.1:7103", "http": "127.0.0.1:8103"}
  ]
})";

static QByteArray exampleWith(const QByteArray &from, const QByteArray &to)
{
    QByteArray json = interfaceExample;
    const qsizetype at = json.indexOf(from);
    if (at < 0)
        qFatal("test bug: '%s' is not in the example", from.constData());
    return json.replace(at, from.size(), to);
}

static QString parse(const QByteArray &json, ClusterConfig &config)
{
    return parseClusterConfig(json, QStringLiteral("cluster.json"), config);
}

void TestClusterConfig::parsesTheInterfaceExample()
{
    ClusterConfig config;
    const QString error = parse(interfaceExample, config);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(config.name, QStringLiteral("demo"));
    QCOMPARE(config.heartbeatMs, 50);
    QCOMPARE(config.electionTimeoutMs.minMs, 150);
    QCOMPARE(config.electionTimeoutMs.maxMs, 300);
    QVERIFY2(config.preVote && config.checkQuorum, "prevote and check_quorum default to true");
    QCOMPARE(config.snapshotEvery, 100000);
    QCOMPARE(config.members.size(), std::size_t(3));
    for (std::uint32_t i = 1; i <= 3; ++i) {
        const ClusterMember *member = config.member(NodeId(i));
        QVERIFY(member);
        QCOMPARE(member->id, NodeId(i));
        QCOMPARE(member->raft.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(member->raft.port, quint16(7100 + i));
        QCOMPARE(member->http.toString(), QStringLiteral("127.0.0.1:%1").arg(8100 + i));
    }
    QVERIFY(config.member(NodeId(4)) == nullptr);
    QVERIFY(config.member(NodeId()) == nullptr);
}

void TestClusterConfig::readsOptionalFields()
{
    ClusterConfig config;
    const QString error = parse(
        exampleWith(R"("heartbeat_ms": 50,)",
                    R"("heartbeat_ms": 100, "prevote": false, "check_quorum": false, "snapshot_every": 64,)"),
        config);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(config.heartbeatMs, 100);
    QVERIFY(!config.preVote);
    QVERIFY(!config.checkQuorum);
    QCOMPARE(config.snapshotEvery, 64);
    QVERIFY(config.secretFile.isEmpty());

    const QString withSecret =
        parse(exampleWith(R"("heartbeat_ms": 50,)", R"("secret_file": "secrets/demo.key",)"), config);
    QVERIFY2(withSecret.isEmpty(), qPrintable(withSecret));
    QCOMPARE(config.secretFile, QStringLiteral("secrets/demo.key"));
}

void TestClusterConfig::appliesDefaultTimingWhenAbsent()
{
    ClusterConfig config;
    const QString error =
        parse(R"({"cluster": "c", "nodes": [{"id": 7, "raft": "a:1", "http": "a:2"}]})", config);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(config.heartbeatMs, 50);
    QCOMPARE(config.electionTimeoutMs.minMs, 150);
    QCOMPARE(config.electionTimeoutMs.maxMs, 300);
    QCOMPARE(config.members.size(), std::size_t(1));
    QCOMPARE(config.members[0].id, NodeId(7));
}

void TestClusterConfig::rejectsBadFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected"); // the whole line, or a fragment when it ends in "..."

    const auto row = [](const char *name, const QByteArray &json, const char *expected) {
        QTest::newRow(name) << json << QString::fromUtf8(expected);
    };
    // The file as a whole.
    row("not json", "{\"cluster\": ", "cluster.json: not valid JSON at byte ...");
    row("empty", "", "cluster.json: not valid JSON at byte ...");
    row("array", "[]", "cluster.json: must be a JSON object ...");
    row("unknown key", exampleWith(R"("heartbeat_ms")", R"("heartbeat")"),
        "cluster.json: unknown key \"heartbeat\" (expected cluster, heartbeat_ms, election_timeout_ms, "
        "prevote, "
        "check_quorum, snapshot_every, nodes, secret_file, members)");
    row("members not an array", exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "members": 3,)"),
        "cluster.json: members: must be a non-empty array of node ids, not 3");
    row("members empty", exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "members": [],)"),
        "cluster.json: members: must be a non-empty array of node ids, not an empty array");
    row("member not a node",
        exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "members": [1, 4],)"),
        "cluster.json: members[1]: must be the id of one of \"nodes\", not 4");
    row("member twice", exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "members": [2, 2],)"),
        "cluster.json: members[1]: 2 is listed twice");
    row("secret file not a string",
        exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "secret_file": 7,)"),
        "cluster.json: secret_file: must be the path of a file holding the cluster secret, not 7");
    row("secret file empty",
        exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "secret_file": "",)"),
        "cluster.json: secret_file: must be the path of a file holding the cluster secret, not \"\"");
    row("repeated key", exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "heartbeat_ms": 60,)"),
        "cluster.json: key \"heartbeat_ms\" appears twice");
    row("repeated key in a node", exampleWith(R"("id": 2,)", R"("id": 2, "id": 4,)"),
        "cluster.json: nodes[1]: key \"id\" appears twice");
    row("repeated key spelled with an escape",
        exampleWith(R"("cluster": "demo",)", R"("cluster": "demo", "clus\u0074er": "x",)"),
        "cluster.json: key \"cluster\" appears twice");
    // cluster
    row("no cluster", exampleWith(R"("cluster": "demo",)", ""),
        "cluster.json: missing \"cluster\" (the cluster's name)");
    row("empty cluster", exampleWith(R"("demo")", R"("")"),
        "cluster.json: cluster: must be a non-empty name, not \"\"");
    row("blank cluster", exampleWith(R"("demo")", R"("  ")"),
        "cluster.json: cluster: must be a non-empty name...");
    row("numeric cluster", exampleWith(R"("demo")", "7"),
        "cluster.json: cluster: must be a non-empty name, not 7");
    row("control char in cluster", exampleWith(R"("demo")", R"("de\nmo")"),
        "cluster.json: cluster: must not contain control characters");
    // Timing.
    row("heartbeat zero", exampleWith(R"("heartbeat_ms": 50)", R"("heartbeat_ms": 0)"),
        "cluster.json: heartbeat_ms: must be a whole number from 1 to 3600000, not 0");
    row("heartbeat negative", exampleWith(R"("heartbeat_ms": 50)", R"("heartbeat_ms": -5)"),
        "cluster.json: heartbeat_ms: must be a whole number from 1 to 3600000, not -5");
    row("heartbeat fraction", exampleWith(R"("heartbeat_ms": 50)", R"("heartbeat_ms": 50.5)"),
        "cluster.json: heartbeat_ms: must be a whole number from 1 to 3600000, not 50.5");
    row("heartbeat string", exampleWith(R"("heartbeat_ms": 50)", R"("heartbeat_ms": "50")"),
        "cluster.json: heartbeat_ms: must be a whole number from 1 to 3600000, not \"50\"");
    row("heartbeat null", exampleWith(R"("heartbeat_ms": 50)", R"("heartbeat_ms": null)"),
        "cluster.json: heartbeat_ms: must be a whole number from 1 to 3600000, not null");
    row("heartbeat not below timeout", exampleWith(R"("heartbeat_ms": 50)", R"("heartbeat_ms": 150)"),
        "cluster.json: heartbeat_ms: 150 must be shorter than the smallest election timeout (150)");
    row("heartbeat above default timeout",
        exampleWith(R"("election_timeout_ms": [150, 300],)", "")
            .replace(R"("heartbeat_ms": 50)", R"("heartbeat_ms": 200)"),
        "cluster.json: heartbeat_ms: 200 must be shorter than the smallest election timeout (150, the "
        "default)");
    row("timeout reversed", exampleWith("[150, 300]", "[300, 150]"),
        "cluster.json: election_timeout_ms: min 300 must be less than max 150");
    row("timeout equal", exampleWith("[150, 300]", "[150, 150]"),
        "cluster.json: election_timeout_ms: min 150 must be less than max 150");
    row("timeout zero", exampleWith("[150, 300]", "[0, 300]"),
        "cluster.json: election_timeout_ms[0]: must be a whole number from 1 to 3600000, not 0");
    row("timeout text", exampleWith("[150, 300]", R"([150, "300"])"),
        "cluster.json: election_timeout_ms[1]: must be a whole number from 1 to 3600000, not \"300\"");
    row("timeout one", exampleWith("[150, 300]", "[150]"),
        "cluster.json: election_timeout_ms: must be [min, max] in milliseconds, not an array of 1");
    row("timeout string", exampleWith("[150, 300]", R"("150-300")"),
        "cluster.json: election_timeout_ms: must be [min, max] in milliseconds, not \"150-300\"");
    // Options.
    row("prevote string", exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "prevote": "no",)"),
        "cluster.json: prevote: must be true or false, not \"no\"");
    row("check_quorum number",
        exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "check_quorum": 0,)"),
        "cluster.json: check_quorum: must be true or false, not 0");
    row("snapshot_every zero",
        exampleWith(R"("heartbeat_ms": 50,)", R"("heartbeat_ms": 50, "snapshot_every": 0,)"),
        "cluster.json: snapshot_every: must be a whole number from 1 to 2147483647, not 0");
    // nodes
    row("no nodes", R"({"cluster": "c"})", "cluster.json: missing \"nodes\" (the cluster's members)");
    row("empty nodes", R"({"cluster": "c", "nodes": []})",
        "cluster.json: nodes: must be a non-empty array of nodes, not an empty array");
    row("nodes object", R"({"cluster": "c", "nodes": {}})",
        "cluster.json: nodes: must be a non-empty array of nodes, not an object");
    row("node not object", R"({"cluster": "c", "nodes": [1]})",
        "cluster.json: nodes[0]: must be an object like...");
    row("node unknown key", exampleWith(R"("http": "127.0.0.1:8102")", R"("htpp": "127.0.0.1:8102")"),
        "cluster.json: nodes[1]: unknown key \"htpp\" (expected id, raft, http)");
    row("node missing http", exampleWith(R"(, "http": "127.0.0.1:8103")", ""),
        "cluster.json: nodes[2]: missing \"http\"");
    row("node missing id", exampleWith(R"("id": 1, )", ""), "cluster.json: nodes[0]: missing \"id\"");
    row("id zero", exampleWith(R"("id": 2)", R"("id": 0)"),
        "cluster.json: nodes[1].id: must be a whole number from 1 to 1000000, not 0");
    row("id fraction", exampleWith(R"("id": 2)", R"("id": 2.5)"),
        "cluster.json: nodes[1].id: must be a whole number from 1 to 1000000, not 2.5");
    row("id string", exampleWith(R"("id": 2)", R"("id": "2")"),
        "cluster.json: nodes[1].id: must be a whole number from 1 to 1000000, not \"2\"");
    row("duplicate id", exampleWith(R"("id": 3)", R"("id": 1)"),
        "cluster.json: nodes[2].id: 1 is already the id of nodes[0]");
    // Addresses.
    row("port out of range", exampleWith("127.0.0.1:7103", "127.0.0.1:70000"),
        "cluster.json: nodes[2].raft: port 70000 is out of range 1..65535");
    row("port zero", exampleWith("127.0.0.1:7103", "127.0.0.1:0"),
        "cluster.json: nodes[2].raft: port 0 is out of range 1..65535");
    row("port huge", exampleWith("127.0.0.1:7103", "127.0.0.1:99999999999999999999"),
        "cluster.json: nodes[2].raft: port 99999999999999999999 is out of range 1..65535");
    row("port text", exampleWith("127.0.0.1:8101", "127.0.0.1:http"),
        "cluster.json: nodes[0].http: port \"http\" is not a number");
    row("port signed", exampleWith("127.0.0.1:8101", "127.0.0.1:+80"),
        "cluster.json: nodes[0].http: port \"+80\" is not a number");
    row("no port", exampleWith("127.0.0.1:8101", "127.0.0.1"),
        "cluster.json: nodes[0].http: \"127.0.0.1\" has no port (expected host:port)");
    row("empty port", exampleWith("127.0.0.1:8101", "127.0.0.1:"),
        "cluster.json: nodes[0].http: the port is missing");
    row("empty host", exampleWith("127.0.0.1:8101", ":8101"),
        "cluster.json: nodes[0].http: the host is empty");
    row("address not string", exampleWith(R"("127.0.0.1:7101")", "7101"),
        "cluster.json: nodes[0].raft: must be a \"host:port\" string, not 7101");
    row("bad ipv4", exampleWith("127.0.0.1:7101", "127.0.0.256:7101"),
        "cluster.json: nodes[0].raft: \"127.0.0.256\" is not a valid IPv4 address");
    row("short ipv4", exampleWith("127.0.0.1:7101", "127.1:7101"),
        "cluster.json: nodes[0].raft: \"127.1\" is not a valid IPv4 address");
    row("ipv4 of fullwidth digits", exampleWith("127.0.0.1:7101", "１.0.0.1:7101"),
        "cluster.json: nodes[0].raft: \"１.0.0.1\" is not a valid host name");
    row("any ipv4", exampleWith("127.0.0.1:7101", "0.0.0.0:7101"),
        "cluster.json: nodes[0].raft: 0.0.0.0 is not an address other nodes can connect to");
    row("bad name", exampleWith("127.0.0.1:7101", "my host:7101"),
        "cluster.json: nodes[0].raft: \"my host\" is not a valid host name");
    row("bare ipv6", exampleWith("127.0.0.1:7101", "::1:7101"),
        "cluster.json: nodes[0].raft: an IPv6 address must be in brackets, like \"[::1]:7101\"");
    row("unclosed ipv6", exampleWith("127.0.0.1:7101", "[::1:7101"),
        "cluster.json: nodes[0].raft: \"[::1:7101\" has no closing ']'");
    row("ipv6 without port", exampleWith("127.0.0.1:7101", "[::1]"),
        "cluster.json: nodes[0].raft: \"[::1]\" has no port after the ']' (expected [host]:port)");
    row("ipv4 in brackets", exampleWith("127.0.0.1:7101", "[127.0.0.1]:7101"),
        "cluster.json: nodes[0].raft: \"127.0.0.1\" is not an IPv6 address");
    row("duplicate raft", exampleWith("127.0.0.1:7103", "127.0.0.1:7101"),
        "cluster.json: nodes[2].raft: 127.0.0.1:7101 is already used by nodes[0].raft");
    row("duplicate http", exampleWith("127.0.0.1:8102", "127.0.0.1:8101"),
        "cluster.json: nodes[1].http: 127.0.0.1:8101 is already used by nodes[0].http");
    row("raft equals another's http", exampleWith("127.0.0.1:7102", "127.0.0.1:8101"),
        "cluster.json: nodes[1].raft: 127.0.0.1:8101 is already used by nodes[0].http");
    row("raft equals own http", exampleWith("127.0.0.1:8101", "127.0.0.1:7101"),
        "cluster.json: nodes[0].http: 127.0.0.1:7101 is already used by nodes[0].raft");
    row("duplicate name differing in case",
        R"({"cluster": "c", "nodes": [{"id": 1, "raft": "Node1:7101", "http": "node1:8101"},
                                       {"id": 2, "raft": "NODE1:7101", "http": "node2:8101"}]})",
        "cluster.json: nodes[1].raft: NODE1:7101 is already used by nodes[0].raft");
    row("duplicate ipv6 spelled differently",
        R"({"cluster": "c", "nodes": [{"id": 1, "raft": "[::1]:7101", "http": "[::1]:8101"},
                                       {"id": 2, "raft": "[0:0::1]:7101", "http": "[::1]:8102"}]})",
        "cluster.json: nodes[1].raft: [0:0::1]:7101 is already used by nodes[0].raft");
}

void TestClusterConfig::rejectsBadFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);

    ClusterConfig config;
    const QString error = parse(json, config);
    QVERIFY2(!error.isEmpty(), "a bad file must be refused");
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(QStringLiteral("not one line: ") + error));
    QVERIFY2(error.startsWith(QStringLiteral("cluster.json: ")), qPrintable(error));
    if (expected.endsWith(QStringLiteral("..."))) {
        expected.chop(3);
        QVERIFY2(error.startsWith(expected), qPrintable(error));
    } else {
        QCOMPARE(error, expected);
    }
}

void TestClusterConfig::failureLeavesOutputUnchanged()
{
    ClusterConfig config;
    config.name = QStringLiteral("before");
    QVERIFY(!parse(exampleWith(R"("id": 3)", R"("id": 1)"), config).isEmpty());
    QCOMPARE(config.name, QStringLiteral("before"));
    QVERIFY(config.members.empty());
}

void TestClusterConfig::nodeAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");

    QTest::newRow("ipv4") << "127.0.0.1:7101" << true << "127.0.0.1" << 7101;
    QTest::newRow("name") << "node-2.lab.example:7101" << true << "node-2.lab.example" << 7101;
    QTest::newRow("localhost") << "localhost:1" << true << "localhost" << 1;
    QTest::newRow("max port") << "h:65535" << true << "h" << 65535;
    QTest::newRow("ipv6 loopback") << "[::1]:7101" << true << "::1" << 7101;
    QTest::newRow("ipv6 full") << "[2001:db8::42]:80" << true << "2001:db8::42" << 80;
    QTest::newRow("ipv4-mapped ipv6") << "[::ffff:10.0.0.1]:80" << true << "::ffff:10.0.0.1" << 80;
    QTest::newRow("port 0") << "h:0" << false << "" << 0;
    QTest::newRow("port 65536") << "h:65536" << false << "" << 0;
    QTest::newRow("no port") << "h" << false << "" << 0;
    QTest::newRow("bare ipv6") << "::1:80" << false << "" << 0;
    QTest::newRow("bad ipv6") << "[::g]:80" << false << "" << 0;
    QTest::newRow("any ipv6") << "[::]:80" << false << "" << 0;
    QTest::newRow("leading zero ipv4") << "010.0.0.1:80" << false << "" << 0;
    QTest::newRow("trailing dot") << "host.:80" << false << "" << 0;
    QTest::newRow("label starting with dash") << "-host:80" << false << "" << 0;
    QTest::newRow("non-ascii digit port") << QStringLiteral("h:8\u0661") << false << "" << 0;
    QTest::newRow("empty") << "" << false << "" << 0;
}

void TestClusterConfig::nodeAddress()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, host);
    QFETCH(int, port);

    const std::optional<NodeAddress> address = parseNodeAddress(text);
    QCOMPARE(address.has_value(), valid);
    if (!valid)
        return;
    QCOMPARE(address->host, host);
    QCOMPARE(int(address->port), port);
    QCOMPARE(address->toString(), text);
    QCOMPARE(parseNodeAddress(address->toString()), address);
}

void TestClusterConfig::acceptsIpv6AndNames()
{
    ClusterConfig config;
    const QString error = parse(R"({"cluster": "lab", "nodes": [
        {"id": 1, "raft": "[::1]:7101", "http": "[::1]:8101"},
        {"id": 2, "raft": "[fe80::1]:7101", "http": "node2.lab:8101"},
        {"id": 3, "raft": "192.168.1.3:7101", "http": "192.168.1.3:8101"}]})",
                                config);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(config.members.size(), std::size_t(3));
    QCOMPARE(config.members[0].raft.host, QStringLiteral("::1"));
    QCOMPARE(config.members[0].raft.toString(), QStringLiteral("[::1]:7101"));
    QCOMPARE(config.members[1].raft.host, QStringLiteral("fe80::1"));
    QCOMPARE(config.members[1].http.host, QStringLiteral("node2.lab"));
    QCOMPARE(config.members[2].http.port, quint16(8101));
}

void TestClusterConfig::toJsonRoundTrips_data()
{
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("interface example") << interfaceExample;
    QTest::newRow("escaped quotes and brackets in the name")
        << QByteArray(R"({"cluster": "a\"{[,:b", "nodes": [{"id": 1, "raft": "h:1", "http": "h:2"}]})");
    QTest::newRow("placeholders in the name")
        << QByteArray(R"({"cluster": "lab %2 %8 %1", "nodes": [{"id": 1, "raft": "h:1", "http": "h:2"}]})");
    QTest::newRow("members") << QByteArray(R"({"cluster": "grow", "members": [1, 3],
        "nodes": [{"id": 1, "raft": "h:1", "http": "h:2"}, {"id": 2, "raft": "h:3", "http": "h:4"},
                  {"id": 3, "raft": "h:5", "http": "h:6"}]})");
    QTest::newRow("every option set") << QByteArray(R"({"cluster": "class \"B\" \\ ü", "heartbeat_ms": 500,
        "election_timeout_ms": [3000, 6000], "prevote": false, "check_quorum": false, "snapshot_every": 7,
        "secret_file": "/etc/raftlab/%8 \"key\"",
        "nodes": [{"id": 9, "raft": "[2001:db8::1]:7101", "http": "host.lab:80"},
                  {"id": 4, "raft": "10.0.0.4:7101", "http": "[::1]:8104"}]})");
}

void TestClusterConfig::toJsonRoundTrips()
{
    QFETCH(QByteArray, json);

    ClusterConfig original;
    QString error = parse(json, original);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QByteArray written = original.toJson();
    ClusterConfig reread;
    error = parse(written, reread);
    QVERIFY2(error.isEmpty(), qPrintable(error + QStringLiteral("\n") + QString::fromUtf8(written)));
    QVERIFY2(reread == original, written.constData());
    QCOMPARE(reread.toJson(), written);
}

void TestClusterConfig::loadsFromFile()
{
    QTemporaryDir dir;
    QVERIFY2(dir.isValid(), qPrintable(dir.errorString()));
    const QString path = dir.filePath(QStringLiteral("cluster.json"));
    ClusterConfig config;
    QVERIFY(parse(interfaceExample, config).isEmpty());
    {
        QFile file(path);
        QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(file.errorString()));
        QCOMPARE(file.write(config.toJson()), qint64(config.toJson().size()));
    }
    ClusterConfig loaded;
    const QString error = loadClusterConfig(path, loaded);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(loaded == config);

    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(exampleWith("127.0.0.1:7103", "127.0.0.1:70000"));
    file.close();
    QCOMPARE(loadClusterConfig(path, loaded),
             path + QStringLiteral(": nodes[2].raft: port 70000 is out of range 1..65535"));
}

void TestClusterConfig::loadNamesAMissingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("missing.json"));
    ClusterConfig config;
    const QString error = loadClusterConfig(path, config);
    QVERIFY2(error.startsWith(path + QStringLiteral(": cannot read: ")), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
}

QTEST_GUILESS_MAIN(TestClusterConfig)
#include "tst_clusterconfig.moc"
