// engine/core/ stays pure (docs/architecture.md): no QObject, timer, socket, file,
// thread, clock or global random source; no test-only branches in the protocol; and no bare abort or
// assert: a broken invariant goes through reportBrokenInvariant(), which names the node and the rule. Each
// file of the folder is read and every line is checked; fabricated lines prove the check fails when it
// should.
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include <vector>

namespace {

struct Rule
{
    const char *pattern;
    const char *why;
};

// Includes are matched on the whole line; calls on the line without its // comment.
const Rule includeRules[] = {
    {R"(^\s*#\s*include\s*[<"](QObject|QTimer|QTcpSocket|QFile|QDir)[>"])", "Qt I/O, timers or QObject"},
    {R"(^\s*#\s*include\s*[<"](QtNetwork(/.*)?|QTcpServer|QUdpSocket|QAbstractSocket|QSslSocket|QLocalSocket|QLocalServer|QHostAddress|QHostInfo|QNetwork\w*|QDnsLookup|QSctpSocket|QSctpServer|QDtls|QHttp\w*)[>"])",
     "a QtNetwork header"},
    {R"(^\s*#\s*include\s*[<"](fstream|chrono|random|thread|ctime|time\.h)[>"])",
     "files, clocks, threads or std randomness"},
};
const Rule callRules[] = {
    {R"((^|[^\w:.>])(std::)?s?rand\s*\()", "rand() is a global random source"},
    {R"((^|[^\w.>])(std::|::)?time\s*\()", "time() reads the clock"},
    {R"(std\s*::\s*chrono)", "std::chrono reads the clock"},
    {R"([Ss]abotage)", "test-only branches belong in test doubles, not in the protocol"},
};
// Everywhere but in the reporter itself (invariants.cpp).
const Rule stopRules[] = {
    {R"((^|[^\w])(assert|abort|qFatal|Q_ASSERT|Q_ASSERT_X)\s*\()",
     "a broken invariant goes through reportBrokenInvariant() or RAFTLAB_EXPECT: node and rule"},
};
const char *const reporterFile = "invariants.cpp";

struct CompiledRule
{
    QRegularExpression pattern;
    QString why;
};

template<std::size_t N>
std::vector<CompiledRule> compile(const Rule (&rules)[N])
{
    std::vector<CompiledRule> compiled;
    for (const Rule &rule : rules)
        compiled.push_back(
            {QRegularExpression(QString::fromLatin1(rule.pattern)), QString::fromLatin1(rule.why)});
    return compiled;
}

// The reasons `line` of `file` breaks purity; empty when it is clean.
QStringList violations(const QString &line, const QString &file = QString())
{
    static const std::vector<CompiledRule> includes = compile(includeRules);
    static const std::vector<CompiledRule> calls = compile(callRules);
    static const std::vector<CompiledRule> stops = compile(stopRules);
    QStringList found;
    for (const CompiledRule &rule : includes)
        if (line.contains(rule.pattern))
            found << rule.why;
    const qsizetype comment = line.indexOf(QLatin1String("//"));
    const QString code = comment < 0 ? line : line.left(comment);
    for (const CompiledRule &rule : calls)
        if (code.contains(rule.pattern))
            found << rule.why;
    if (file != QLatin1String(reporterFile)) {
        for (const CompiledRule &rule : stops)
            if (code.contains(rule.pattern))
                found << rule.why;
    }
    return found;
}

QStringList coreFiles()
{
    const QDir dir(QStringLiteral(RAFTLAB_CORE_DIR));
    return dir.entryList({QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files, QDir::Name);
}

} // namespace

class TestPurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsTheCore();
    void coreFileIsPure_data();
    void coreFileIsPure();
    void checkCatchesFabricatedLines_data();
    void checkCatchesFabricatedLines();
};

void TestPurity::findsTheCore()
{
    const QStringList files = coreFiles();
    QVERIFY2(
        files.size() >= 10,
        qPrintable(
            QStringLiteral("only %1 files in %2").arg(files.size()).arg(QStringLiteral(RAFTLAB_CORE_DIR))));
    QVERIFY2(files.contains(QStringLiteral("raftcore.cpp")) && files.contains(QStringLiteral("raftcore.h")),
             "the core itself is among them");
}

void TestPurity::coreFileIsPure_data()
{
    QTest::addColumn<QString>("file");
    for (const QString &file : coreFiles())
        QTest::newRow(qPrintable(file)) << file;
}

void TestPurity::coreFileIsPure()
{
    QFETCH(QString, file);
    QFile source(QDir(QStringLiteral(RAFTLAB_CORE_DIR)).filePath(file));
    QVERIFY2(source.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(source.errorString()));
    const QStringList lines = QString::fromUtf8(source.readAll()).split(QLatin1Char('\n'));
    QVERIFY2(lines.size() > 1, "the file has content");
    QStringList problems;
    for (int i = 0; i < lines.size(); ++i) {
        for (const QString &why : violations(lines[i], file))
            problems << QStringLiteral("%1:%2: %3: %4").arg(file).arg(i + 1).arg(why, lines[i].trimmed());
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void TestPurity::checkCatchesFabricatedLines_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("impure");
    const auto row = [](const char *line, bool impure) {
        QTest::newRow(line) << QString::fromLatin1(line) << impure;
    };
    row("#include <QObject>", true);
    row("#include <QTimer>", true);
    row("#include <QTcpSocket>", true);
    row("#  include <QFile>", true);
    row("#include <QDir>", true);
    row("#include <QtNetwork>", true);
    row("#include <QtNetwork/QTcpServer>", true);
    row("#include <QUdpSocket>", true);
    row("#include <QHostAddress>", true);
    row("#include <QNetworkAccessManager>", true);
    row("#include <fstream>", true);
    row("#include <chrono>", true);
    row("#include <random>", true);
    row("#include <thread>", true);
    row("#include <ctime>", true);
    row("    const int r = rand() % 6;", true);
    row("    std::srand(42);", true);
    row("    const auto now = time(nullptr);", true);
    row("    const auto now = std::time(nullptr);", true);
    row("    auto t = std::chrono::steady_clock::now();", true);
    row("    using namespace std::chrono;", true);
    row("    if (m_config.sabotage == Sabotage::VoteTwicePerTerm)", true);
    row("    assert(index <= lastIndex());", true);
    row("    std::abort();", true);
    row("    qFatal(\"broken\");", true);
    row("    Q_ASSERT(m_awaitingAdvance);", true);
    // Clean lines the core really has: they must not trip the check.
    row("#include <QByteArray>", false);
    row("#include <QString>", false);
    row("#include \"random.h\"", false);
    row("    m_random.between(min, max);", false);
    row("    const auto ticks = status.electionTimeoutTicks;", false);
    row("    resetElectionTimer();", false);
    row("    int runtime(int x);", false);
    row("// rand() and time() are never called here", false);
    row("    abortTransfer(Reason::Requested);", false);
    row("    static_assert(sizeof(Term) == 8);", false);
    row("    RAFTLAB_EXPECT(m_owner, index <= lastIndex(), \"the commit index never passes the last "
        "entry\");",
        false);
}

void TestPurity::checkCatchesFabricatedLines()
{
    QFETCH(QString, line);
    QFETCH(bool, impure);
    const QStringList found = violations(line);
    QVERIFY2(
        found.isEmpty() != impure,
        qPrintable(
            QStringLiteral("'%1': %2")
                .arg(line, found.isEmpty() ? QStringLiteral("clean") : found.join(QLatin1String(", ")))));
}

QTEST_GUILESS_MAIN(TestPurity)
#include "tst_purity.moc"
