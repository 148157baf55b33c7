// `raftlab --headless --scenario`: a bad file is refused before anything starts (exit 2, the step and
// field named); a scenario plays on real nodes without a display and its verdict is the exit status.
#include "processrun.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

class TestHeadless : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void aBadFileIsRefusedBeforeAnythingStarts_data();
    void aBadFileIsRefusedBeforeAnythingStarts();
    void headlessNeedsAScenario();
    void aScenarioThatHoldsExitsZeroWithoutADisplay();
    void aFailedExpectationExitsOneNamingItsStep();
    void anInterruptedRunStopsItsNodesAndRemovesItsWorkspace();

private:
    ProcessRun play(const QByteArray &scenario, const QStringList &extra = {});

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestHeadless::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

ProcessRun TestHeadless::play(const QByteArray &scenario, const QStringList &extra)
{
    const QString path = m_dir->filePath(QStringLiteral("scenario.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(scenario) != scenario.size())
        qFatal("cannot write %s", qPrintable(path));
    file.close();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QString::fromLatin1(name));
    // A loaded CI machine starts nodes slowly.
    return runProcess(QStringLiteral(RAFTLAB_GUI_BINARY),
                      QStringList{QStringLiteral("--headless"), QStringLiteral("--scenario"), path} + extra,
                      240'000, environment);
}

void TestHeadless::aBadFileIsRefusedBeforeAnythingStarts_data()
{
    QTest::addColumn<QByteArray>("scenario");
    QTest::addColumn<QString>("expected");
    QTest::newRow("typo in step 2")
        << QByteArray(R"({"title":"t","steps":[{"do":"heal"},{"do":"sleep","msec":5}]})")
        << QStringLiteral(
               "step 2 (sleep): field 'ms': is required (found 'msec', which is not a field here)");
    QTest::newRow("not json") << QByteArray("{\"title\":") << QStringLiteral("not JSON");
}

void TestHeadless::aBadFileIsRefusedBeforeAnythingStarts()
{
    QFETCH(QByteArray, scenario);
    QFETCH(QString, expected);
    const ProcessRun finished = play(scenario);
    QCOMPARE(finished.exitCode, 2);
    QVERIFY2(finished.err.contains(expected), qPrintable(finished.err));
    QCOMPARE(finished.err.count(QLatin1Char('\n')), 1);
    QVERIFY2(finished.out.isEmpty(), qPrintable(finished.out)); // not one step played
}

void TestHeadless::headlessNeedsAScenario()
{
    const ProcessRun run =
        runProcess(QStringLiteral(RAFTLAB_GUI_BINARY), {QStringLiteral("--headless")}, 30'000);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(
        run.err.contains(QStringLiteral("--headless needs --scenario FILE, --chaos SECONDS or --simulate")),
        qPrintable(run.err));
}

void TestHeadless::aScenarioThatHoldsExitsZeroWithoutADisplay()
{
    const ProcessRun finished = play(R"({"title":"Write and read","nodes":3,"steps":[
        {"do":"wait_leader","within_ms":30000},
        {"do":"put","key":"k","value":"v","timeout_ms":20000},
        {"do":"get","node":2,"key":"k","expect_value":"v","timeout_ms":20000},
        {"do":"expect","value_on_all":{"key":"k","value":"v"},"within_ms":20000}]})");
    QVERIFY2(finished.exitCode == 0, qPrintable(finished.out + finished.err));
    QVERIFY2(
        finished.out.contains(QStringLiteral("ok   step 3/4 linearizable read k via node 2: read \"v\"")),
        qPrintable(finished.out));
    QVERIFY(finished.out.endsWith(QStringLiteral("PASS: every expectation held\n")));
}

void TestHeadless::aFailedExpectationExitsOneNamingItsStep()
{
    const ProcessRun finished = play(R"({"title":"Wrong","nodes":1,"steps":[
        {"do":"wait_leader","within_ms":30000},
        {"do":"expect","role_of":1,"role":"candidate","within_ms":300},
        {"do":"heal"}]})");
    QVERIFY2(finished.exitCode == 1, qPrintable(finished.out + finished.err));
    QVERIFY2(finished.out.contains(
                 QStringLiteral("FAIL step 2/3 expect node 1 to be candidate: node 1 is leader")),
             qPrintable(finished.out));
    QVERIFY2(!finished.out.contains(QStringLiteral("step 3/3")), "stops at the failure");
}

void TestHeadless::anInterruptedRunStopsItsNodesAndRemovesItsWorkspace()
{
    // Ctrl+C used to end the app by the signal's default action: its nodes died with it (they are told
    // by the kernel), but its fresh workspace, data dirs and all, stayed in the temporary folder.
    const QString path = m_dir->filePath(QStringLiteral("long.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"title":"Long","nodes":3,"steps":[
        {"do":"wait_leader","within_ms":60000},
        {"do":"sleep","ms":600000}]})");
    file.close();
    QTemporaryDir temporary; // the run's TMPDIR: its fresh workspace is made in here
    QVERIFY(temporary.isValid());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QString::fromLatin1(name));
    environment.insert(QStringLiteral("TMPDIR"), temporary.path());
    QProcess app;
    app.setProcessEnvironment(environment);
    app.start(QStringLiteral(RAFTLAB_GUI_BINARY),
              {QStringLiteral("--headless"), QStringLiteral("--scenario"), path});
    QVERIFY(app.waitForStarted(10'000));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += app.readAllStandardOutput()).contains("step 1/2"), 120'000);
    const QStringList workspaces =
        QDir(temporary.path()).entryList({QStringLiteral("raftlab-*")}, QDir::Dirs);
    QCOMPARE(workspaces.size(), 1);
    const QString workspace = QDir(temporary.path()).filePath(workspaces.first());
    QVERIFY(QFile::exists(QDir(workspace).filePath(QStringLiteral("cluster.json"))));

    ::kill(pid_t(app.processId()), SIGINT);
    QVERIFY(app.waitForFinished(60'000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 128 + SIGINT);
    QVERIFY2(!QFileInfo::exists(workspace), qPrintable(workspace));
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
