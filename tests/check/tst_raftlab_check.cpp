// raftlab-check as a user runs it: small history files for each exit status (0 linearizable, 1 not, 4
// undecided, 2 bad flag, file or line), what it prints for each, and several files at once.
#include "documentedhistory.h"
#include "processrun.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

ProcessRun run(const QStringList &arguments, const QByteArray &input = {})
{
    return runProcess(QStringLiteral(RAFTLAB_CHECK_BINARY), arguments, 60'000,
                      QProcessEnvironment::systemEnvironment(), input);
}

const QByteArray &linearizable = raftlab::check::testing::documentedHistory;

// A stale read on k, among operations on another key and a read that is fine.
const QByteArray staleRead =
    R"({"client":1,"op":"put","key":"k","value":"3","invoke_us":100,"complete_us":200,"result":"ok"}
{"client":2,"op":"put","key":"other","value":"x","invoke_us":150,"complete_us":250,"result":"ok"}
{"client":1,"op":"put","key":"k","value":"4","invoke_us":300,"complete_us":400,"result":"ok"}
{"client":2,"op":"get","key":"k","value":"4","invoke_us":410,"complete_us":420,"result":"ok"}
{"client":3,"op":"get","key":"k","value":"3","invoke_us":500,"complete_us":600,"result":"ok"}
)";

// Forty unknown writes pending at once, reads of each in turn, then of the first again: far too many
// orders to try in a fraction of a second.
QByteArray tooHard()
{
    QByteArray text;
    for (int i = 0; i < 40; ++i)
        text +=
            QStringLiteral(
                R"({"client":%1,"op":"put","key":"k","value":"%2","invoke_us":0,"complete_us":null,"result":"unknown"})"
                "\n")
                .arg(i + 1)
                .arg(i)
                .toUtf8();
    for (int i = 0; i <= 40; ++i)
        text +=
            QStringLiteral(
                R"({"client":100,"op":"get","key":"k","value":"%1","invoke_us":%2,"complete_us":%3,"result":"ok"})"
                "\n")
                .arg(i % 40)
                .arg(100 + 10 * i)
                .arg(105 + 10 * i)
                .toUtf8();
    return text;
}

} // namespace

class TestRaftlabCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void helpAndVersion();
    void linearizableExitsZeroWithOneLine();
    void emptyHistoryIsLinearizable();
    void violationExitsOneWithTheWitness();
    void undecidedExitsFourWithinTheBudget();
    void badLineExitsTwoNamingFileLineAndField();
    void badArgumentsExitTwo_data();
    void badArgumentsExitTwo();
    void severalFiles();
    void readsStandardInput();

private:
    QString write(const QString &name, const QByteArray &text);

    QTemporaryDir m_dir;
};

void TestRaftlabCheck::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QString TestRaftlabCheck::write(const QString &name, const QByteArray &text)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestRaftlabCheck::helpAndVersion()
{
    const ProcessRun help = run({QStringLiteral("--help")});
    QCOMPARE(help.status, QProcess::NormalExit);
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.out.startsWith(QStringLiteral("Usage: raftlab-check")), qPrintable(help.out));
    QVERIFY(help.out.contains(QStringLiteral("--budget-s")));
    QVERIFY(help.err.isEmpty());

    const ProcessRun version = run({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out, QStringLiteral("raftlab-check " RAFTLAB_VERSION "\n"));
}

void TestRaftlabCheck::linearizableExitsZeroWithOneLine()
{
    const QString path = write(QStringLiteral("ok.jsonl"), linearizable);
    const ProcessRun result = run({path});
    QCOMPARE(result.status, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.outLines().size(), 1);
    QVERIFY2(result.out.startsWith(path + QStringLiteral(": linearizable: 4 operations, 1 key, checked in ")),
             qPrintable(result.out));
    QVERIFY(result.err.isEmpty());
}

void TestRaftlabCheck::emptyHistoryIsLinearizable()
{
    const ProcessRun result = run({write(QStringLiteral("empty.jsonl"), "\n\n")});
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains(QStringLiteral(": linearizable: 0 operations, 0 keys")),
             qPrintable(result.out));
}

void TestRaftlabCheck::violationExitsOneWithTheWitness()
{
    const QString path = write(QStringLiteral("stale.jsonl"), staleRead);
    const ProcessRun result = run({path});
    QCOMPARE(result.status, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 1);
    const QStringList lines = result.outLines();
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0],
             path + QStringLiteral(": not linearizable: key \"k\": 3 of its 4 operations admit no order"));
    const QStringList fileLines = QString::fromUtf8(staleRead).split(QLatin1Char('\n'));
    // The operations by their line in the file, as written there.
    QCOMPARE(lines[1], QStringLiteral("  line 1: ") + fileLines[0]);
    QCOMPARE(lines[2], QStringLiteral("  line 3: ") + fileLines[2]);
    QCOMPARE(lines[3], QStringLiteral("  line 5: ") + fileLines[4]);
    QCOMPARE(lines[4], QStringLiteral("get k returned 3 after put k=4 had completed; no order explains it."));
    QVERIFY(result.err.isEmpty());
}

void TestRaftlabCheck::undecidedExitsFourWithinTheBudget()
{
    const QString path = write(QStringLiteral("hard.jsonl"), tooHard());
    const ProcessRun result = run({QStringLiteral("--budget-s"), QStringLiteral("0.3"), path});
    QCOMPARE(result.status, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 4);
    QCOMPARE(result.outLines().size(), 1);
    QVERIFY2(result.out.startsWith(
                 path + QStringLiteral(": undecided: 1 of 1 key could not be decided within 0.3 s (\"k\")")),
             qPrintable(result.out));
    // "undecided" comes only from the budget running out: it stopped. How fast is no claim here (the
    // machine may be loaded); a search that never stopped would meet the test's timeout.
}

void TestRaftlabCheck::badLineExitsTwoNamingFileLineAndField()
{
    QByteArray text = linearizable;
    text.replace(R"("complete_us":1500)", R"("complete_us":1000)"); // before its invocation, on line 2
    const QString path = write(QStringLiteral("bad.jsonl"), text);
    const ProcessRun result = run({path});
    QCOMPARE(result.status, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QCOMPARE(result.err,
             QStringLiteral("raftlab-check: %1: line 2: complete_us: earlier than invoke_us\n").arg(path));

    const ProcessRun notJson = run({write(QStringLiteral("garbage.jsonl"), "hello\n")});
    QCOMPARE(notJson.exitCode, 2);
    QVERIFY2(notJson.err.contains(QStringLiteral("garbage.jsonl: line 1: not JSON")),
             qPrintable(notJson.err));
    QCOMPARE(notJson.err.count(QLatin1Char('\n')), 1);
}

void TestRaftlabCheck::badArgumentsExitTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");

    const QString ok = QStringLiteral("%1/ok.jsonl");
    QTest::newRow("no file") << QStringList{} << QStringLiteral("no history file");
    QTest::newRow("missing file") << QStringList{QStringLiteral("/nonexistent/h.jsonl")}
                                  << QStringLiteral("cannot read /nonexistent/h.jsonl");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--fast"), ok} << QStringLiteral("--fast");
    QTest::newRow("budget zero") << QStringList{QStringLiteral("--budget-s"), QStringLiteral("0"), ok}
                                 << QStringLiteral("--budget-s");
    QTest::newRow("budget negative") << QStringList{QStringLiteral("--budget-s=-1"), ok}
                                     << QStringLiteral("--budget-s");
    QTest::newRow("budget not a number")
        << QStringList{QStringLiteral("--budget-s"), QStringLiteral("ten"), ok} << QStringLiteral("'ten'");
    QTest::newRow("budget too large") << QStringList{QStringLiteral("--budget-s"), QStringLiteral("1e9"), ok}
                                      << QStringLiteral("--budget-s");
    QTest::newRow("budget without value")
        << QStringList{QStringLiteral("--budget-s")} << QStringLiteral("--budget-s needs");
}

void TestRaftlabCheck::badArgumentsExitTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    write(QStringLiteral("ok.jsonl"), linearizable);
    for (QString &argument : arguments)
        argument.replace(QStringLiteral("%1"), m_dir.path());
    const ProcessRun result = run(arguments);
    QCOMPARE(result.status, QProcess::NormalExit);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QCOMPARE(result.err.count(QLatin1Char('\n')), 1);
    QVERIFY2(result.err.startsWith(QStringLiteral("raftlab-check: ")) && result.err.contains(mentions),
             qPrintable(result.err));
}

void TestRaftlabCheck::severalFiles()
{
    const QString ok = write(QStringLiteral("ok.jsonl"), linearizable);
    const QString stale = write(QStringLiteral("stale.jsonl"), staleRead);
    const QString hard = write(QStringLiteral("hard.jsonl"), tooHard());
    QByteArray text = linearizable;
    text.replace(R"("op":"get")", R"("op":"read")");
    const QString bad = write(QStringLiteral("bad.jsonl"), text);

    // Each history gets its report; the worst verdict decides the status: a violation over an undecided one.
    const ProcessRun mixed = run({QStringLiteral("--budget-s"), QStringLiteral("0.3"), ok, hard, stale});
    QCOMPARE(mixed.exitCode, 1);
    QVERIFY(mixed.out.contains(ok + QStringLiteral(": linearizable")));
    QVERIFY(mixed.out.contains(hard + QStringLiteral(": undecided")));
    QVERIFY(mixed.out.contains(stale + QStringLiteral(": not linearizable")));

    const ProcessRun undecided = run({QStringLiteral("--budget-s"), QStringLiteral("0.3"), ok, hard});
    QCOMPARE(undecided.exitCode, 4);

    const ProcessRun bothFine = run({ok, ok});
    QCOMPARE(bothFine.exitCode, 0);
    QCOMPARE(bothFine.outLines().size(), 2);

    // A bad line anywhere: nothing is checked at all.
    const ProcessRun withBad = run({ok, stale, bad});
    QCOMPARE(withBad.exitCode, 2);
    QVERIFY(withBad.out.isEmpty());
    QCOMPARE(withBad.err,
             QStringLiteral("raftlab-check: %1: line 2: op: must be put, get, delete or cas\n").arg(bad));
}

void TestRaftlabCheck::readsStandardInput()
{
    const ProcessRun result = run({QStringLiteral("-")}, staleRead);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.out.startsWith(QStringLiteral("-: not linearizable: key \"k\"")), qPrintable(result.out));
}

QTEST_GUILESS_MAIN(TestRaftlabCheck)
#include "tst_raftlab_check.moc"
