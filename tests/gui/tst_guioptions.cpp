#include "app/guioptions.h"
#include "markingtranslator.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace raftlab;
using Action = GuiCommandLine::Action;

class TestGuiOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsToFiveFreshNodes();
    void acceptsEachOption();
    void rejectsBadCommandLines_data();
    void rejectsBadCommandLines();
    void helpListsEveryOption();
    void failuresPassThroughTheTranslator_data();
    void failuresPassThroughTheTranslator();
    void helpPassesThroughTheTranslator();
    void pathsTheUserTypedAreCheckedBeforeAnythingStarts();
};

static GuiCommandLine parse(const QStringList &arguments)
{
    return parseGuiCommandLine(QStringList{QStringLiteral("raftlab")} + arguments);
}

void TestGuiOptions::defaultsToFiveFreshNodes()
{
    const GuiCommandLine result = parse({});
    QCOMPARE(result.action, Action::Run);
    QCOMPARE(result.options.nodeCount, 5);
    QVERIFY(result.options.workspaceDir.isEmpty());
    QVERIFY(result.options.attachFile.isEmpty());
}

void TestGuiOptions::acceptsEachOption()
{
    const GuiCommandLine nine = parse({"--nodes", "9", "--workspace", "/tmp/ws"});
    QCOMPARE(nine.action, Action::Run);
    QCOMPARE(nine.options.nodeCount, 9);
    QCOMPARE(nine.options.workspaceDir, QStringLiteral("/tmp/ws"));

    const GuiCommandLine attached = parse({"--attach", "cluster.json"});
    QCOMPARE(attached.action, Action::Run);
    QCOMPARE(attached.options.attachFile, QStringLiteral("cluster.json"));

    const GuiCommandLine projector = parse({"--projector"});
    QCOMPARE(projector.action, Action::Run);
    QVERIFY(projector.options.projector);
    QVERIFY(!projector.options.presentation);
    const GuiCommandLine presenting = parse({"--presentation", "--nodes", "3"});
    QCOMPARE(presenting.action, Action::Run);
    QVERIFY(presenting.options.presentation);
    QVERIFY(!parse({}).options.projector);
    QVERIFY(!parse({}).options.presentation);

    const GuiCommandLine chaos =
        parse({"--headless", "--chaos", "30", "--seed", "42", "--clients", "8", "--history", "h.jsonl"});
    QCOMPARE(chaos.action, Action::Run);
    QCOMPARE(chaos.options.headless, GuiOptions::Headless::Chaos);
    QCOMPARE(chaos.options.chaosSeconds, 30);
    QCOMPARE(chaos.options.seed, std::optional<quint64>(42));
    QCOMPARE(chaos.options.chaosClients, 8);
    QCOMPARE(chaos.options.historyFile, QStringLiteral("h.jsonl"));
    const GuiCommandLine unseeded = parse({"--headless", "--chaos", "5"});
    QVERIFY(!unseeded.options.seed);
    QCOMPARE(unseeded.options.chaosClients, GuiOptions::defaultChaosClients);
}

void TestGuiOptions::rejectsBadCommandLines_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");
    QTest::newRow("unknown option") << QStringList{"--frobnicate"} << "frobnicate";
    QTest::newRow("zero nodes") << QStringList{"--nodes", "0"} << "1 to 9";
    QTest::newRow("ten nodes") << QStringList{"--nodes", "10"} << "'10'";
    QTest::newRow("nodes text") << QStringList{"--nodes", "five"} << "'five'";
    QTest::newRow("attach with nodes")
        << QStringList{"--attach", "c.json", "--nodes", "3"} << "cannot be combined";
    QTest::newRow("empty workspace") << QStringList{"--workspace", ""} << "non-empty";
    QTest::newRow("positional") << QStringList{"cluster.json"} << "cluster.json";
    QTest::newRow("chaos without headless") << QStringList{"--chaos", "30"} << "--headless";
    QTest::newRow("chaos and scenario")
        << QStringList{"--headless", "--chaos", "30", "--scenario", "s.json"} << "not two";
    QTest::newRow("chaos zero seconds") << QStringList{"--headless", "--chaos", "0"} << "'0'";
    QTest::newRow("seed text") << QStringList{"--headless", "--chaos", "3", "--seed", "x"} << "'x'";
    QTest::newRow("seed without chaos") << QStringList{"--seed", "3"} << "--headless --chaos";
    QTest::newRow("too many clients")
        << QStringList{"--headless", "--chaos", "3", "--clients", "65"} << "1 to 64";
    QTest::newRow("projector headless")
        << QStringList{"--headless", "--chaos", "3", "--projector"} << "belong to the window";
    QTest::newRow("presentation headless")
        << QStringList{"--headless", "--scenario", "s.json", "--presentation"} << "belong to the window";
    QTest::newRow("history without headless") << QStringList{"--history", "h.jsonl"} << "Export";
}

void TestGuiOptions::rejectsBadCommandLines()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);
    const GuiCommandLine result = parse(arguments);
    QCOMPARE(result.action, Action::Fail);
    QVERIFY2(result.text.contains(reason), qPrintable(result.text));
    QVERIFY2(!result.text.contains(QLatin1Char('\n')), "a failure is one line");
}

void TestGuiOptions::helpListsEveryOption()
{
    const GuiCommandLine result = parse({"-h"});
    QCOMPARE(result.action, Action::ShowHelp);
    for (const char *option :
         {"--nodes N", "--workspace DIR", "--attach FILE", "--help", "--version", "--chaos SECONDS",
          "--seed S", "--clients N", "--history FILE", "--projector", "--presentation"})
        QVERIFY2(result.text.contains(QLatin1String(option)), option);
}

void TestGuiOptions::failuresPassThroughTheTranslator_data()
{
    rejectsBadCommandLines_data();
}

void TestGuiOptions::failuresPassThroughTheTranslator()
{
    QFETCH(QStringList, arguments);
    const testing::MarkedTranslations marked;
    const GuiCommandLine result = parse(arguments);
    QCOMPARE(result.action, Action::Fail);
    // The line ("raftlab: … (see raftlab --help)") and the reason inside it are both translated.
    QVERIFY2(result.text.startsWith(testing::MarkingTranslator::open), qPrintable(result.text));
    QVERIFY2(result.text.count(testing::MarkingTranslator::open) >= 2, qPrintable(result.text));
}

void TestGuiOptions::helpPassesThroughTheTranslator()
{
    const testing::MarkedTranslations marked;
    const GuiCommandLine result = parse({"--help"});
    QCOMPARE(result.action, Action::ShowHelp);
    // Every option's description is a sentence for the reader: each one comes out marked.
    const QStringList lines = result.text.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (line.trimmed().startsWith(QLatin1Char('-')))
            QVERIFY2(line.contains(testing::MarkingTranslator::open), qPrintable(line));
    }
}

// A wrong path stops the app at once (main() exits 2 with this sentence), not after a whole run.
void TestGuiOptions::pathsTheUserTypedAreCheckedBeforeAnythingStarts()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    GuiOptions fine;
    fine.workspaceDir = dir.filePath(QStringLiteral("new/ws")); // created
    fine.historyFile = dir.filePath(QStringLiteral("h.jsonl"));
    QCOMPARE(checkGuiPaths(fine), QString());
    QVERIFY(QDir(fine.workspaceDir).exists());

    GuiOptions missingAttach;
    missingAttach.attachFile = dir.filePath(QStringLiteral("none.json"));
    QVERIFY(checkGuiPaths(missingAttach).contains(QStringLiteral("none.json")));

    QFile broken(dir.filePath(QStringLiteral("broken.json")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"cluster\":");
    broken.close();
    GuiOptions badAttach;
    badAttach.attachFile = broken.fileName();
    QVERIFY(checkGuiPaths(badAttach).contains(QStringLiteral("broken.json")));

    GuiOptions badWorkspace;
    badWorkspace.workspaceDir = QStringLiteral("/proc/raftlab-cannot-be-here/ws");
    QVERIFY(checkGuiPaths(badWorkspace).contains(QStringLiteral("workspace")));

    GuiOptions badHistory;
    badHistory.historyFile = dir.filePath(QStringLiteral("no/such/dir/h.jsonl"));
    QVERIFY(checkGuiPaths(badHistory).contains(QStringLiteral("h.jsonl")));
}

QTEST_GUILESS_MAIN(TestGuiOptions)
#include "tst_guioptions.moc"
