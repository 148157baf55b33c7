// `raftlab --headless --simulate`: run as a user would. Bad flags exit 2 with one line; the same seed
// gives a byte-identical trace file; a simulated lesson passes; a sabotaged run exits 1 naming the
// broken property and the step.
#include "processrun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

ProcessRun run(const QStringList &arguments)
{
    return runProcess(QStringLiteral(RAFTLAB_GUI_BINARY), arguments, 120'000);
}

QByteArray contentsOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

const QString figure8 = QStringLiteral(RAFTLAB_SCENARIO_DIR "/13-figure-8.json");

} // namespace

class TestSimulate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badFlagsExitTwoWithOneLine_data();
    void badFlagsExitTwoWithOneLine();
    void sameSeedGivesAByteIdenticalTrace();
    void figure8PassesInTheSimulator();
    void aSabotagedRunExitsOneNamingTheViolation();
    void aSimulatedLessonIsRefusedOnRealNodes();
    void aMembershipStepFailsInTheSimulatorNamingIt();
};

void TestSimulate::badFlagsExitTwoWithOneLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    const QString h = QStringLiteral("--headless");
    const QString s = QStringLiteral("--simulate");
    QTest::newRow("no length") << QStringList{h, s} << QStringLiteral("needs --steps N");
    QTest::newRow("without headless") << QStringList{s, QStringLiteral("--steps"), QStringLiteral("5")}
                                      << QStringLiteral("--simulate runs with --headless");
    QTest::newRow("both lengths") << QStringList{h,
                                                 s,
                                                 QStringLiteral("--steps"),
                                                 QStringLiteral("5"),
                                                 QStringLiteral("--virtual-ms"),
                                                 QStringLiteral("5")}
                                  << QStringLiteral("not both");
    QTest::newRow("bad seed") << QStringList{h,
                                             s,
                                             QStringLiteral("--steps"),
                                             QStringLiteral("5"),
                                             QStringLiteral("--seed"),
                                             QStringLiteral("x")}
                              << QStringLiteral("--seed must be");
    QTest::newRow("zero steps") << QStringList{h, s, QStringLiteral("--steps"), QStringLiteral("0")}
                                << QStringLiteral("--steps must be");
    QTest::newRow("seed without simulate")
        << QStringList{h, QStringLiteral("--scenario"), figure8, QStringLiteral("--seed"),
                       QStringLiteral("3")}
        << QStringLiteral("--seed goes with --headless --chaos or --simulate");
    QTest::newRow("workspace") << QStringList{h,
                                              s,
                                              QStringLiteral("--steps"),
                                              QStringLiteral("5"),
                                              QStringLiteral("--workspace"),
                                              QStringLiteral("/tmp/x")}
                               << QStringLiteral("no --workspace");
    QTest::newRow("unknown sabotage") << QStringList{h,
                                                     s,
                                                     QStringLiteral("--steps"),
                                                     QStringLiteral("5"),
                                                     QStringLiteral("--sabotage"),
                                                     QStringLiteral("nope")}
                                      << QStringLiteral("--sabotage must be");
    QTest::newRow("missing scenario")
        << QStringList{h, s, QStringLiteral("--scenario"), QStringLiteral("/nonexistent/lesson.json")}
        << QStringLiteral("lesson.json");
    QTest::newRow("too many nodes") << QStringList{h,
                                                   s,
                                                   QStringLiteral("--steps"),
                                                   QStringLiteral("5"),
                                                   QStringLiteral("--nodes"),
                                                   QStringLiteral("40")}
                                    << QStringLiteral("--nodes");
}

void TestSimulate::badFlagsExitTwoWithOneLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const ProcessRun finished = run(arguments);
    QCOMPARE(finished.exitCode, 2);
    QVERIFY2(finished.err.contains(expected), qPrintable(finished.err));
    QCOMPARE(finished.err.count(QLatin1Char('\n')), 1);
}

void TestSimulate::sameSeedGivesAByteIdenticalTrace()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto traced = [&dir](const QString &name, const QString &seed) {
        const QString path = dir.filePath(name);
        const ProcessRun finished =
            run({QStringLiteral("--headless"), QStringLiteral("--simulate"), QStringLiteral("--virtual-ms"),
                 QStringLiteral("10000"), QStringLiteral("--seed"), seed, QStringLiteral("--trace"), path});
        if (finished.exitCode != 0)
            qWarning("%s", qPrintable(finished.err));
        return contentsOf(path);
    };
    const QByteArray first = traced(QStringLiteral("a.jsonl"), QStringLiteral("17"));
    const QByteArray second = traced(QStringLiteral("b.jsonl"), QStringLiteral("17"));
    const QByteArray other = traced(QStringLiteral("c.jsonl"), QStringLiteral("18"));
    QVERIFY(first.count('\n') > 1000);
    QVERIFY(first.startsWith("{\"blocked_peers\""));
    QVERIFY(first.contains("\"type\":\"send\"") && first.contains("\"type\":\"recv\"") &&
            first.contains("\"type\":\"timer\"") && first.contains("\"type\":\"role\""));
    QCOMPARE(first, second);
    QVERIFY(first != other);

    // A scenario's trace too.
    const QString one = dir.filePath(QStringLiteral("f1.jsonl"));
    const QString two = dir.filePath(QStringLiteral("f2.jsonl"));
    for (const QString &path : {one, two})
        QCOMPARE(run({QStringLiteral("--headless"), QStringLiteral("--simulate"),
                      QStringLiteral("--scenario"), figure8, QStringLiteral("--trace"), path})
                     .exitCode,
                 0);
    QVERIFY(!contentsOf(one).isEmpty());
    QCOMPARE(contentsOf(one), contentsOf(two));
}

void TestSimulate::figure8PassesInTheSimulator()
{
    const ProcessRun finished = run(
        {QStringLiteral("--headless"), QStringLiteral("--simulate"), QStringLiteral("--scenario"), figure8});
    QCOMPARE(finished.exitCode, 0);
    QVERIFY2(finished.out.contains(QLatin1String("PASS: every expectation held")), qPrintable(finished.out));
    QVERIFY(finished.err.isEmpty());
}

void TestSimulate::aSabotagedRunExitsOneNamingTheViolation()
{
    const ProcessRun finished =
        run({QStringLiteral("--headless"), QStringLiteral("--simulate"), QStringLiteral("--scenario"),
             figure8, QStringLiteral("--sabotage"), QStringLiteral("commit-old-term-entries")});
    QCOMPARE(finished.exitCode, 1);
    QVERIFY2(finished.err.contains(QLatin1String("safety violated at step")), qPrintable(finished.err));
    QVERIFY2(finished.err.contains(QLatin1String("Leader Completeness")) ||
                 finished.err.contains(QLatin1String("State Machine Safety")),
             qPrintable(finished.err));

    // The trace's violation event names the node and the entry, as the app's highlight needs; its
    // state events carry the configuration, as a real node's do.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("sabotaged.jsonl"));
    QCOMPARE(run({QStringLiteral("--headless"), QStringLiteral("--simulate"), QStringLiteral("--scenario"),
                  figure8, QStringLiteral("--sabotage"), QStringLiteral("commit-old-term-entries"),
                  QStringLiteral("--trace"), path})
                 .exitCode,
             1);
    QJsonObject violation;
    QJsonObject firstState;
    for (const QByteArray &line : contentsOf(path).split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (firstState.isEmpty() && event.value(QStringLiteral("type")).toString() == QLatin1String("state"))
            firstState = event;
        if (event.value(QStringLiteral("type")).toString() == QLatin1String("violation"))
            violation = event;
    }
    QVERIFY2(!violation.isEmpty(), "no violation event in the trace");
    QVERIFY2(!violation.value(QStringLiteral("nodes")).toArray().isEmpty(),
             qPrintable(QString::fromUtf8(QJsonDocument(violation).toJson(QJsonDocument::Compact))));
    QVERIFY2(violation.value(QStringLiteral("index")).toInteger() > 0,
             qPrintable(QString::fromUtf8(QJsonDocument(violation).toJson(QJsonDocument::Compact))));
    QVERIFY(firstState.value(QStringLiteral("learners")).isArray());
    QVERIFY(firstState.contains(QStringLiteral("config_index")));
}

void TestSimulate::aSimulatedLessonIsRefusedOnRealNodes()
{
    const ProcessRun finished = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), figure8});
    QCOMPARE(finished.exitCode, 2);
    QVERIFY2(finished.err.contains(QLatin1String("--simulate")), qPrintable(finished.err));
}

void TestSimulate::aMembershipStepFailsInTheSimulatorNamingIt()
{
    const ProcessRun finished =
        run({QStringLiteral("--headless"), QStringLiteral("--simulate"), QStringLiteral("--scenario"),
             QStringLiteral(RAFTLAB_SCENARIO_DIR "/14-growing-and-shrinking.json")});
    QCOMPARE(finished.exitCode, 1);
    QVERIFY2(
        finished.out.contains(QLatin1String("FAIL step 5/18 add a node (as N4): add_node: the step-by-step "
                                            "simulator's clusters keep their first members")),
        qPrintable(finished.out));
}

QTEST_GUILESS_MAIN(TestSimulate)
#include "tst_simulate.moc"
