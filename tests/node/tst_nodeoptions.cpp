#include "node/nodeoptions.h"

#include <QTest>

using namespace raftlab;
using Action = NodeCommandLine::Action;

class TestNodeOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsTheInterfaceExample();
    void rejectsBadCommandLines_data();
    void rejectsBadCommandLines();
    void helpListsEveryOption();
    void versionNamesTheProgram();
    void millisecondRange_data();
    void millisecondRange();
};

static NodeCommandLine parse(const QStringList &arguments)
{
    return parseNodeCommandLine(QStringList{QStringLiteral("raftlab-node")} + arguments);
}

void TestNodeOptions::acceptsTheInterfaceExample()
{
    const NodeCommandLine result =
        parse({"--cluster", "cluster.json", "--id", "2", "--data-dir", "./data/n2", "--heartbeat-ms", "50",
               "--election-timeout-ms", "150-300", "--fsync", "never", "--commit-notice", "at-once"});
    QCOMPARE(result.action, Action::Run);
    QCOMPARE(result.options.clusterFile, QStringLiteral("cluster.json"));
    QCOMPARE(result.options.nodeId, 2);
    QCOMPARE(result.options.dataDir, QStringLiteral("./data/n2"));
    QCOMPARE(result.options.heartbeatMs, std::optional<int>(50));
    QVERIFY(result.options.electionTimeoutMs.has_value());
    QCOMPARE(result.options.electionTimeoutMs->minMs, 150);
    QCOMPARE(result.options.electionTimeoutMs->maxMs, 300);
    QCOMPARE(result.options.fsyncMode, FsyncMode::Never);
    QCOMPARE(result.options.commitNotice, CommitNoticeMode::AtOnce);

    const NodeCommandLine defaults = parse({"--cluster=c.json", "--id=1", "--data-dir=d"});
    QCOMPARE(defaults.action, Action::Run);
    QVERIFY2(!defaults.options.heartbeatMs && !defaults.options.electionTimeoutMs,
             "timing flags not given must stay unset so that the cluster file decides");
    QCOMPARE(defaults.options.fsyncMode, FsyncMode::Always);
    QCOMPARE(defaults.options.commitNotice, CommitNoticeMode::NextTick);
    QVERIFY(defaults.options.clusterSecretFile.isEmpty());

    const NodeCommandLine withSecret = parse(
        {"--cluster=c.json", "--id=1", "--data-dir=d", "--cluster-secret-file", "/etc/raftlab/demo.key"});
    QCOMPARE(withSecret.action, Action::Run);
    QCOMPARE(withSecret.options.clusterSecretFile, QStringLiteral("/etc/raftlab/demo.key"));
}

void TestNodeOptions::rejectsBadCommandLines_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason"); // a fragment the one-line error must contain

    const QStringList required{"--cluster", "c.json", "--id", "1", "--data-dir", "d"};
    QTest::newRow("unknown option") << (required + QStringList{"--bogus"}) << "unknown option '--bogus'";
    QTest::newRow("unknown short option") << (required + QStringList{"-x"}) << "unknown option '-x'";
    QTest::newRow("missing cluster") << QStringList{"--id", "1", "--data-dir", "d"} << "--cluster";
    QTest::newRow("missing id") << QStringList{"--cluster", "c.json", "--data-dir", "d"} << "--id";
    QTest::newRow("missing data dir") << QStringList{"--cluster", "c.json", "--id", "1"} << "--data-dir";
    QTest::newRow("id zero") << QStringList{"--cluster", "c", "--id", "0", "--data-dir", "d"} << "--id";
    QTest::newRow("id not a number") << QStringList{"--cluster", "c", "--id", "two", "--data-dir", "d"}
                                     << "two";
    QTest::newRow("id with sign") << QStringList{"--cluster", "c", "--id", "+2", "--data-dir", "d"} << "--id";
    QTest::newRow("missing value") << QStringList{"--cluster", "c", "--data-dir", "d", "--id"} << "id";
    QTest::newRow("heartbeat zero") << (required + QStringList{"--heartbeat-ms", "0"}) << "--heartbeat-ms";
    QTest::newRow("heartbeat text") << (required + QStringList{"--heartbeat-ms", "fast"}) << "fast";
    QTest::newRow("timeout reversed")
        << (required + QStringList{"--election-timeout-ms", "300-150"}) << "300-150";
    QTest::newRow("timeout equal") << (required + QStringList{"--election-timeout-ms", "150-150"})
                                   << "MIN < MAX";
    QTest::newRow("timeout single") << (required + QStringList{"--election-timeout-ms", "150"}) << "MIN-MAX";
    QTest::newRow("heartbeat above timeout")
        << (required + QStringList{"--heartbeat-ms", "200", "--election-timeout-ms", "150-300"})
        << "--heartbeat-ms 200 must be shorter than the smallest election timeout of --election-timeout-ms "
           "150-300";
    QTest::newRow("fsync sometimes") << (required + QStringList{"--fsync", "sometimes"}) << "sometimes";
    QTest::newRow("commit notice sometimes")
        << (required + QStringList{"--commit-notice", "sometimes"}) << "--commit-notice must be";
    QTest::newRow("stray argument") << (required + QStringList{"extra"}) << "extra";
    QTest::newRow("empty data dir") << QStringList{"--cluster", "c", "--id", "1", "--data-dir", ""}
                                    << "non-empty";
    QTest::newRow("empty secret file") << (required + QStringList{"--cluster-secret-file", ""})
                                       << "--cluster-secret-file needs a non-empty path";
    QTest::newRow("id twice") << (required + QStringList{"--id", "2"}) << "--id is given 2 times ('1', '2')";
    QTest::newRow("fsync twice") << (required + QStringList{"--fsync", "always", "--fsync", "never"})
                                 << "--fsync is given 2 times";
    QTest::newRow("empty admin token")
        << (required + QStringList{"--admin-token", ""}) << "--admin-token needs a non-empty token";
}

void TestNodeOptions::rejectsBadCommandLines()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);
    const NodeCommandLine result = parse(arguments);
    QCOMPARE(result.action, Action::Fail);
    QVERIFY2(result.text.contains(reason), qPrintable(result.text));
    QVERIFY2(!result.text.contains(QLatin1Char('\n')), "a failure is one line");
    QVERIFY(result.text.startsWith(QStringLiteral("raftlab-node: ")));
}

void TestNodeOptions::helpListsEveryOption()
{
    const NodeCommandLine result = parse({"--help"});
    QCOMPARE(result.action, Action::ShowHelp);
    for (const char *option :
         {"--cluster FILE", "--id N", "--data-dir DIR", "--heartbeat-ms", "--election-timeout-ms", "--fsync",
          "--commit-notice", "--admin-token", "--cluster-secret-file FILE", "--help", "--version"})
        QVERIFY2(result.text.contains(QLatin1String(option)), option);
}

void TestNodeOptions::versionNamesTheProgram()
{
    const NodeCommandLine result = parse({"--version"});
    QCOMPARE(result.action, Action::ShowVersion);
    QCOMPARE(result.text, QStringLiteral("raftlab-node " RAFTLAB_VERSION));
}

void TestNodeOptions::millisecondRange_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("min"); // 0: expected to be rejected
    QTest::addColumn<int>("max");
    QTest::newRow("default") << "150-300" << 150 << 300;
    QTest::newRow("slow motion") << "3000-6000" << 3000 << 6000;
    QTest::newRow("negative") << "-150-300" << 0 << 0;
    QTest::newRow("spaces") << "150 - 300" << 0 << 0;
    QTest::newRow("three parts") << "1-2-3" << 0 << 0;
    QTest::newRow("empty") << "" << 0 << 0;
}

void TestNodeOptions::millisecondRange()
{
    QFETCH(QString, text);
    QFETCH(int, min);
    QFETCH(int, max);
    const auto range = parseMillisecondRange(text);
    QCOMPARE(range.has_value(), min != 0);
    if (range) {
        QCOMPARE(range->minMs, min);
        QCOMPARE(range->maxMs, max);
    }
}

QTEST_GUILESS_MAIN(TestNodeOptions)
#include "tst_nodeoptions.moc"
