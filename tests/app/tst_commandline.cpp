// The executables as a user meets them: --help, --version, and a bad option that exits 2 with one line.
#include "processrun.h"

#include <QProcess>
#include <QTest>

class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersion_data();
    void helpAndVersion();
    void badOptionExitsTwoWithOneLine_data();
    void badOptionExitsTwoWithOneLine();
#ifdef RAFTLAB_GUI_BINARY
    void guiWithoutDisplaySaysHowToRunIt();
#endif
};

static void addBinaryRows(const std::function<void(const char *, const QString &)> &addRow)
{
    addRow("raftlab-node", QStringLiteral(RAFTLAB_NODE_BINARY));
#ifdef RAFTLAB_GUI_BINARY
    addRow("raftlab", QStringLiteral(RAFTLAB_GUI_BINARY));
#endif
}

void TestCommandLine::helpAndVersion_data()
{
    QTest::addColumn<QString>("binary");
    QTest::addColumn<QStringList>("options"); // each must appear in --help
    addBinaryRows([](const char *name, const QString &binary) {
        const QStringList options = QString::fromLatin1(name) == QLatin1String("raftlab")
            ? QStringList{"--nodes", "--workspace", "--attach"}
            : QStringList{"--cluster", "--id", "--data-dir", "--heartbeat-ms", "--election-timeout-ms",
                          "--fsync"};
        QTest::newRow(name) << binary << options;
    });
}

void TestCommandLine::helpAndVersion()
{
    QFETCH(QString, binary);
    QFETCH(QStringList, options);
    const QString name = QFileInfo(binary).fileName();

    const ProcessRun help = runProcess(binary, {QStringLiteral("--help")}, 30'000);
    QCOMPARE(help.status, QProcess::NormalExit);
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.out.startsWith(QStringLiteral("Usage: ") + name), qPrintable(help.out));
    for (const QString &option : options)
        QVERIFY2(help.out.contains(option), qPrintable(option));

    const ProcessRun version = runProcess(binary, {QStringLiteral("--version")}, 30'000);
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out, name + QStringLiteral(" " RAFTLAB_VERSION "\n"));
}

void TestCommandLine::badOptionExitsTwoWithOneLine_data()
{
    QTest::addColumn<QString>("binary");
    addBinaryRows([](const char *name, const QString &binary) { QTest::newRow(name) << binary; });
}

void TestCommandLine::badOptionExitsTwoWithOneLine()
{
    QFETCH(QString, binary);
    const ProcessRun bad = runProcess(binary, {QStringLiteral("--no-such-option")}, 30'000);
    QCOMPARE(bad.status, QProcess::NormalExit);
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.count(QLatin1Char('\n')) == 1 && bad.err.endsWith(QLatin1Char('\n')),
             qPrintable(bad.err));
    QVERIFY2(bad.err.contains(QStringLiteral("no-such-option")), qPrintable(bad.err));
    QVERIFY(bad.out.isEmpty());
}

#ifdef RAFTLAB_GUI_BINARY
void TestCommandLine::guiWithoutDisplaySaysHowToRunIt()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QString::fromLatin1(name));
    const ProcessRun headless = runProcess(QStringLiteral(RAFTLAB_GUI_BINARY), {}, 30'000, environment);
    QCOMPARE(headless.status, QProcess::NormalExit); // not Qt's abort
    QCOMPARE(headless.exitCode, 1);
    QVERIFY2(headless.err.contains(QStringLiteral("xvfb-run -a raftlab")), qPrintable(headless.err));
}
#endif

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
