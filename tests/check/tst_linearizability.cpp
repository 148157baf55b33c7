// The linearizability checker (engine/check) against a brute-force reference on thousands of random
// histories, on the classic anomalies written by hand, and within its time budget.
#include "bruteforce.h"
#include "historygenerator.h"
#include "markingtranslator.h"

#include "check/keyhistory.h"
#include "check/linearizability.h"
#include "check/linearsearch.h"

#include <QElapsedTimer>
#include <QTest>

using namespace raftlab;
using namespace raftlab::check;
using namespace raftlab::check::testing;
using raftlab::testing::MarkedTranslations;
using raftlab::testing::MarkingTranslator;
using Verdict = CheckReport::Verdict;

Q_DECLARE_METATYPE(raftlab::check::History)
Q_DECLARE_METATYPE(raftlab::check::CheckReport::Verdict)

namespace {

// Operation builders for hand-written histories: times in microseconds.
Operation put(const QString &key, const QString &value, qint64 invokeUs, qint64 completeUs, qint64 client = 1)
{
    return Operation{client, OpKind::Put, key, value, {}, {}, invokeUs, completeUs, OpResult::Ok};
}
Operation get(const QString &key, std::optional<QString> value, qint64 invokeUs, qint64 completeUs,
              qint64 client = 2)
{
    return Operation{client, OpKind::Get, key, std::move(value), {}, {}, invokeUs, completeUs, OpResult::Ok};
}
Operation del(const QString &key, qint64 invokeUs, qint64 completeUs, qint64 client = 3)
{
    return Operation{client, OpKind::Delete, key, {}, {}, {}, invokeUs, completeUs, OpResult::Ok};
}
Operation cas(const QString &key, std::optional<QString> expect, std::optional<QString> value, bool swapped,
              qint64 invokeUs, qint64 completeUs, qint64 client = 4)
{
    return Operation{client,  OpKind::Cas, key,        std::move(value), std::move(expect),
                     swapped, invokeUs,    completeUs, OpResult::Ok};
}
Operation unknown(Operation op, std::optional<qint64> completeUs = std::nullopt)
{
    op.result = OpResult::Unknown;
    op.completeUs = completeUs;
    op.swapped.reset();
    return op;
}
Operation failed(Operation op)
{
    op.result = OpResult::Fail;
    op.swapped.reset();
    return op;
}

QString describe(const History &history)
{
    QString text;
    for (const Operation &op : history.operations()) {
        text += QStringLiteral("  c%1 %2 %3 value=%4 expect=%5 swapped=%6 [%7, %8] %9\n")
                    .arg(op.client)
                    .arg(opKindName(op.kind), op.key, op.value.value_or(QStringLiteral("null")),
                         op.expect.value_or(QStringLiteral("null")),
                         op.swapped ? (*op.swapped ? QStringLiteral("true") : QStringLiteral("false"))
                                    : QStringLiteral("-"))
                    .arg(op.invokeUs)
                    .arg(op.completeUs ? QString::number(*op.completeUs) : QStringLiteral("null"))
                    .arg(opResultName(op.result));
    }
    return text;
}

bool contains(const std::vector<History::Id> &ids, History::Id id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

} // namespace

class TestLinearizability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void agreesWithBruteForce_data();
    void agreesWithBruteForce();
    void classics_data();
    void classics();
    void witnessOfAStaleReadInALongHistory();
    void agreesWithTheWholeSearchOnLongHistories();
    void reportsTheViolatingKeyAmongMany();
    void undecidedWithinTheBudget();
    void emptyHistoryIsLinearizable();

private:
    // The witness of a violation is a non-linearizable, closed, 1-minimal set of operations of one key.
    void verifyWitness(const History &history, const CheckReport &report, const QString &context);
};

void TestLinearizability::verifyWitness(const History &history, const CheckReport &report,
                                        const QString &context)
{
    QVERIFY2(!report.witness.empty(), qPrintable(context));
    QVERIFY2(report.witnessMinimal, qPrintable(context));
    QVERIFY2(!report.explanation.isEmpty(), qPrintable(context));
    for (const History::Id id : report.witness)
        QVERIFY2(history.at(id).key == report.key, qPrintable(context));
    QVERIFY2(std::is_sorted(report.witness.begin(), report.witness.end()), qPrintable(context));
    QVERIFY2(!bruteForceLinearizable(subHistory(history, report.witness)),
             qPrintable(QStringLiteral("the witness admits an order\n%1").arg(context)));
    QVERIFY2(isClosedWitness(history, report.witness),
             qPrintable(QStringLiteral("the witness leaves out a write one of its operations could see\n%1")
                            .arg(context)));
    for (std::size_t drop = 0; drop < report.witness.size(); ++drop) {
        std::vector<History::Id> smaller = report.witness;
        smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(drop));
        const bool stillAWitness =
            isClosedWitness(history, smaller) && !bruteForceLinearizable(subHistory(history, smaller));
        QVERIFY2(!stillAWitness,
                 qPrintable(QStringLiteral("the witness is not minimal: operation %1 can go\n%2")
                                .arg(report.witness[drop])
                                .arg(context)));
    }
}

void TestLinearizability::agreesWithBruteForce_data()
{
    QTest::addColumn<int>("clients");
    QTest::addColumn<int>("keys");
    QTest::addColumn<int>("operations");
    QTest::addColumn<int>("values");
    QTest::addColumn<double>("unknownRate");
    QTest::addColumn<int>("histories");
    QTest::addColumn<quint64>("seed");

    QTest::newRow("2 clients, 4 operations") << 2 << 1 << 4 << 2 << 0.1 << 1500 << 11ull;
    QTest::newRow("3 clients, 6 operations") << 3 << 1 << 6 << 3 << 0.15 << 1500 << 12ull;
    QTest::newRow("4 clients, 7 operations, 2 keys") << 4 << 2 << 7 << 2 << 0.1 << 1000 << 13ull;
    QTest::newRow("3 clients, 8 operations, many unknown") << 3 << 1 << 8 << 3 << 0.4 << 600 << 14ull;
    QTest::newRow("5 clients, 8 operations, 2 values") << 5 << 1 << 8 << 2 << 0.1 << 600 << 15ull;
    // Distinct values and many unknown writes nobody reads: the interchangeable writes of the search.
    QTest::newRow("4 clients, 8 operations, distinct values, many unknown")
        << 4 << 1 << 8 << 1000 << 0.45 << 800 << 16ull;
    QTest::newRow("3 clients, 9 operations, 3 values, many unknown")
        << 3 << 1 << 9 << 3 << 0.35 << 300 << 17ull;
}

void TestLinearizability::agreesWithBruteForce()
{
    QFETCH(int, clients);
    QFETCH(int, keys);
    QFETCH(int, operations);
    QFETCH(int, values);
    QFETCH(double, unknownRate);
    QFETCH(int, histories);
    QFETCH(quint64, seed);

    GeneratorConfig config;
    config.clients = clients;
    config.keys = keys;
    config.operations = operations;
    config.values = values;
    config.unknownRate = unknownRate;
    Random random(seed);
    int violations = 0;
    int witnessesChecked = 0;
    for (int n = 0; n < histories; ++n) {
        History history = generateLinearizable(random, config);
        const CheckReport original = checkLinearizability(history);
        QVERIFY2(original.verdict == Verdict::Linearizable,
                 qPrintable(QStringLiteral("history %1, generated linearizable, was judged otherwise\n%2")
                                .arg(n)
                                .arg(describe(history))));
        QVERIFY2(bruteForceLinearizable(history),
                 qPrintable(QStringLiteral("history %1: the generator or the reference is wrong\n%2")
                                .arg(n)
                                .arg(describe(history))));

        QString mutations;
        const int count = 1 + int(random.between(0, 2));
        for (int m = 0; m < count; ++m)
            mutations += mutate(random, history, values) + QStringLiteral("; ");
        const bool expected = bruteForceLinearizable(history);
        const CheckReport report = checkLinearizability(history);
        const QString context =
            QStringLiteral("history %1 (%2)\n%3").arg(n).arg(mutations).arg(describe(history));
        QVERIFY2(report.verdict != Verdict::Undecided, qPrintable(context));
        QVERIFY2((report.verdict == Verdict::Linearizable) == expected,
                 qPrintable(QStringLiteral("brute force says %1, the checker %2: %3")
                                .arg(expected ? QStringLiteral("linearizable") : QStringLiteral("not"))
                                .arg(expected ? QStringLiteral("not") : QStringLiteral("linearizable"))
                                .arg(context)));
        if (!expected) {
            ++violations;
            verifyWitness(history, report, context);
            ++witnessesChecked;
        }
    }
    qInfo("%d histories, %d of them not linearizable after mutation; every witness checked", histories,
          violations);
    // The mutations must break a fair share of histories, or the comparison proves little.
    QVERIFY2(violations > histories / 5, qPrintable(QStringLiteral("only %1 violations").arg(violations)));
    QCOMPARE(witnessesChecked, violations);
}

void TestLinearizability::classics_data()
{
    QTest::addColumn<History>("history");
    QTest::addColumn<Verdict>("verdict");
    QTest::addColumn<QString>("explanation"); // for a violation: the sentence, or a part of it

    const QString k = QStringLiteral("k");
    const auto h = [](std::vector<Operation> ops) {
        return History(std::move(ops));
    };
    const QString v1 = QStringLiteral("1");
    const QString v2 = QStringLiteral("2");

    QTest::newRow("sequential put and get")
        << h({put(k, v1, 0, 10), get(k, v1, 20, 30)}) << Verdict::Linearizable << QString();
    QTest::newRow("stale read") << h({put(k, v1, 0, 10), put(k, v2, 20, 30), get(k, v1, 40, 50)})
                                << Verdict::NotLinearizable
                                << QStringLiteral(
                                       "get k returned 1 after put k=2 had completed; no order explains it.");
    QTest::newRow("stale read, writes overlapping the read is fine")
        << h({put(k, v1, 0, 10), put(k, v2, 20, 45), get(k, v1, 40, 50)}) << Verdict::Linearizable
        << QString();
    QTest::newRow("lost write") << h({put(k, v1, 0, 10), get(k, std::nullopt, 20, 30)})
                                << Verdict::NotLinearizable
                                << QStringLiteral(
                                       "get k returned nothing after put k=1 had completed; no order "
                                       "explains it.");
    QTest::newRow("read of a value never written")
        << h({put(k, v1, 0, 10), get(k, QStringLiteral("7"), 20, 30)}) << Verdict::NotLinearizable
        << QStringLiteral("get k returned 7, a value no operation wrote; no order explains it.");
    QTest::newRow("read from the future")
        << h({get(k, v1, 0, 10), put(k, v1, 20, 30)}) << Verdict::NotLinearizable
        << QStringLiteral("before any operation that writes 1 began");
    QTest::newRow("touching intervals are concurrent")
        << h({put(k, v1, 0, 10), get(k, std::nullopt, 10, 20)}) << Verdict::Linearizable << QString();
    QTest::newRow("unknown write that appears later")
        << h({unknown(put(k, v1, 0, 10)), get(k, std::nullopt, 20, 30), get(k, v1, 500, 510)})
        << Verdict::Linearizable << QString();
    QTest::newRow("unknown write that never appears")
        << h({unknown(put(k, v1, 0, 10), 3000), get(k, std::nullopt, 20, 30), get(k, std::nullopt, 500, 510)})
        << Verdict::Linearizable << QString();
    QTest::newRow("unknown write that appears, then vanishes")
        << h({put(k, v1, 0, 5), unknown(put(k, v2, 10, 15)), get(k, v2, 20, 30), get(k, v1, 40, 50)})
        << Verdict::NotLinearizable << QStringLiteral("get k returned 2, then a later get k returned 1");
    QTest::newRow("failed write never took effect")
        << h({failed(put(k, v1, 0, 10)), get(k, v1, 20, 30)}) << Verdict::NotLinearizable
        << QStringLiteral("a value no operation wrote");
    QTest::newRow("unknown get constrains nothing")
        << h({unknown(get(k, QStringLiteral("9"), 0, 10))}) << Verdict::Linearizable << QString();
    QTest::newRow("failed cas after the write it should have seen")
        << h({put(k, v1, 0, 10), cas(k, v1, v2, false, 20, 30)}) << Verdict::NotLinearizable
        << QStringLiteral(
               "cas k from 1 to 2 did not swap, although put k=1 had completed before it began and "
               "nothing else wrote k; no order explains it.");
    QTest::newRow("failed cas concurrent with the write")
        << h({put(k, v1, 0, 30), cas(k, v1, v2, false, 10, 20)}) << Verdict::Linearizable << QString();
    QTest::newRow("failed cas that constrains the order of two writes")
        << h({put(k, v1, 0, 10), put(k, v2, 5, 15), cas(k, v1, QStringLiteral("3"), false, 20, 30),
              get(k, v1, 40, 50)})
        << Verdict::NotLinearizable << QString();
    QTest::newRow("failed cas orders two writes, consistently")
        << h({put(k, v1, 0, 10), put(k, v2, 5, 15), cas(k, v1, QStringLiteral("3"), false, 20, 30),
              get(k, v2, 40, 50)})
        << Verdict::Linearizable << QString();
    QTest::newRow("an unknown write explains a failed cas")
        << h({put(k, QStringLiteral("a"), 0, 10), unknown(put(k, QStringLiteral("x"), 5, 6)),
              unknown(put(k, QStringLiteral("y"), 50, 51)),
              cas(k, QStringLiteral("a"), QStringLiteral("b"), false, 20, 30),
              get(k, QStringLiteral("a"), 60, 70)})
        << Verdict::NotLinearizable << QString();
    QTest::newRow("an unknown write explains a failed cas, then is overwritten")
        << h({put(k, QStringLiteral("a"), 0, 10), unknown(put(k, QStringLiteral("x"), 5, 6)),
              unknown(put(k, QStringLiteral("y"), 50, 51)),
              cas(k, QStringLiteral("a"), QStringLiteral("b"), false, 20, 30),
              put(k, QStringLiteral("c"), 40, 45), get(k, QStringLiteral("c"), 60, 70)})
        << Verdict::Linearizable << QString();
    QTest::newRow("two unknown writes explain two failed cas operations, in turn")
        << h({put(k, QStringLiteral("a"), 0, 10), unknown(put(k, QStringLiteral("x"), 5, 6)),
              cas(k, QStringLiteral("a"), QStringLiteral("b"), false, 12, 14),
              put(k, QStringLiteral("a"), 16, 18), unknown(put(k, QStringLiteral("y"), 20, 21)),
              cas(k, QStringLiteral("a"), QStringLiteral("b"), false, 25, 30)})
        << Verdict::Linearizable << QString();
    QTest::newRow("an unknown write begun too late to explain a failed cas")
        << h({put(k, QStringLiteral("a"), 0, 10), unknown(put(k, QStringLiteral("y"), 50, 51)),
              cas(k, QStringLiteral("a"), QStringLiteral("b"), false, 20, 30)})
        << Verdict::NotLinearizable << QStringLiteral("did not swap, although put k=a had completed");
    QTest::newRow("cas swapped twice from the same value")
        << h({put(k, v1, 0, 10), cas(k, v1, v2, true, 20, 30), cas(k, v1, QStringLiteral("3"), true, 40, 50)})
        << Verdict::NotLinearizable << QString();
    QTest::newRow("put-if-absent once") << h({cas(k, std::nullopt, v1, true, 0, 10), get(k, v1, 20, 30)})
                                        << Verdict::Linearizable << QString();
    QTest::newRow("put-if-absent twice")
        << h({cas(k, std::nullopt, v1, true, 0, 10), cas(k, std::nullopt, v2, true, 20, 30)})
        << Verdict::NotLinearizable << QString();
    QTest::newRow("failed put-if-absent on an empty key")
        << h({cas(k, std::nullopt, v1, false, 0, 10)}) << Verdict::NotLinearizable
        << QStringLiteral("did not swap, but nothing had written k before it completed");
    QTest::newRow("compare-and-delete")
        << h({put(k, v1, 0, 10), cas(k, v1, std::nullopt, true, 20, 30), get(k, std::nullopt, 40, 50)})
        << Verdict::Linearizable << QString();
    QTest::newRow("delete then get null")
        << h({put(k, v1, 0, 10), del(k, 20, 30), get(k, std::nullopt, 40, 50)}) << Verdict::Linearizable
        << QString();
    QTest::newRow("delete then get the old value")
        << h({put(k, v1, 0, 10), del(k, 20, 30), get(k, v1, 40, 50)}) << Verdict::NotLinearizable
        << QStringLiteral("get k returned 1 after delete k had completed; no order explains it.");
    QTest::newRow("concurrent writes, read one")
        << h({put(k, v1, 0, 10), put(k, v2, 0, 10), get(k, v1, 20, 30)}) << Verdict::Linearizable
        << QString();
    QTest::newRow("concurrent writes, read the other")
        << h({put(k, v1, 0, 10), put(k, v2, 0, 10), get(k, v2, 20, 30)}) << Verdict::Linearizable
        << QString();
    QTest::newRow("concurrent writes, read in both orders")
        << h({put(k, v1, 0, 10), put(k, v2, 0, 10), get(k, v1, 20, 30), get(k, v2, 40, 50),
              get(k, v1, 60, 70)})
        << Verdict::NotLinearizable << QString();
    QTest::newRow("keys are independent")
        << h({put(QStringLiteral("a"), v1, 0, 10), put(QStringLiteral("b"), v2, 0, 10),
              get(QStringLiteral("a"), v1, 20, 30), get(QStringLiteral("b"), v2, 20, 30)})
        << Verdict::Linearizable << QString();
    QTest::newRow("a value of another key")
        << h({put(QStringLiteral("a"), v1, 0, 10), get(QStringLiteral("b"), v1, 20, 30)})
        << Verdict::NotLinearizable << QStringLiteral("a value no operation wrote");
}

void TestLinearizability::classics()
{
    QFETCH(History, history);
    QFETCH(Verdict, verdict);
    QFETCH(QString, explanation);

    const CheckReport report = checkLinearizability(history);
    QCOMPARE(report.verdict, verdict);
    QVERIFY2(bruteForceLinearizable(history) == (verdict == Verdict::Linearizable),
             "the reference disagrees");
    if (verdict == Verdict::NotLinearizable) {
        verifyWitness(history, report, describe(history));
        QVERIFY2(report.explanation.contains(explanation), qPrintable(report.explanation));

        // The sentence is the user's: it passes through the translator.
        MarkedTranslations marked;
        const QString translated = checkLinearizability(history).explanation;
        QVERIFY2(translated.startsWith(MarkingTranslator::open), qPrintable(translated));
    }
}

void TestLinearizability::witnessOfAStaleReadInALongHistory()
{
    // 2,000 operations of 6 clients on one key, linearizable, some unknown, then a write in the middle
    // that a read at the very end returns although other writes completed in between: the witness is
    // the stale read, the write it read and one write in between, found well within the budget.
    GeneratorConfig config;
    config.clients = 6;
    config.operations = 2000;
    config.values = 1'000'000; // distinct values, as a chaos run writes them
    config.casRate = 0.1;
    config.unknownRate = 0.02;
    Random random(77);
    History history = generateLinearizable(random, config);
    QCOMPARE(checkLinearizability(history).verdict, Verdict::Linearizable);

    std::vector<Operation> ops = history.operations();
    const qint64 middle = ops[1000].invokeUs;
    const qint64 last = ops.back().completeUs.value_or(ops.back().invokeUs);
    ops.push_back(put(QStringLiteral("k0"), QStringLiteral("old"), middle, middle + 1, 10));
    ops.push_back(put(QStringLiteral("k0"), QStringLiteral("new"), middle + 2, middle + 3, 10));
    ops.push_back(get(QStringLiteral("k0"), QStringLiteral("old"), last + 10, last + 20, 11));
    history = History(std::move(ops));

    QElapsedTimer clock;
    clock.start();
    const CheckReport report = checkLinearizability(history);
    QCOMPARE(report.verdict, Verdict::NotLinearizable);
    QCOMPARE(report.key, QStringLiteral("k0"));
    QCOMPARE(report.keyOperations, qsizetype(2003));
    QVERIFY(report.witnessMinimal);
    // The stale read, the write it read, and one write that completed between them (the put of "new", or
    // any other that the clients completed in between).
    QCOMPARE(report.witness.size(), std::size_t(3));
    QVERIFY(contains(report.witness, 2000));
    QVERIFY(contains(report.witness, 2002));
    verifyWitness(history, report, QStringLiteral("the long history"));
    QVERIFY2(report.explanation.startsWith(QStringLiteral("get k0 returned old after ")) &&
                 report.explanation.endsWith(QStringLiteral(" had completed; no order explains it.")),
             qPrintable(report.explanation));
    qInfo("2,003 operations on one key: decided in %lld µs, shrunk to 3 in %lld µs (%lld ms in all)",
          report.checkUs, report.shrinkUs, clock.elapsed());
}

void TestLinearizability::agreesWithTheWholeSearchOnLongHistories()
{
    // Keys long enough for the checker to look for violations in windows first: its verdict must be the
    // one of a plain whole-key search, and its witness a witness.
    GeneratorConfig config;
    config.clients = 5;
    config.operations = 400;
    config.values = 1'000'000; // as a chaos run writes them: each value once
    config.casExpectsRecentRate = 0.8; // read-modify-write
    config.unknownRate = 0.03;
    Random random(99);
    int violations = 0;
    constexpr int histories = 120;
    for (int n = 0; n < histories; ++n) {
        History history = generateLinearizable(random, config);
        QString mutations;
        for (int m = 0; m < 1 + int(random.between(0, 3)); ++m)
            mutations += mutate(random, history, config.values) + QStringLiteral("; ");
        const std::vector<KeyHistory> keys = splitByKey(history);
        QCOMPARE(keys.size(), std::size_t(1));
        const SearchVerdict whole = searchLinearization(keys.front().ops, SearchLimits{});
        const CheckReport report = checkLinearizability(history);
        const QString context = QStringLiteral("history %1 (%2)").arg(n).arg(mutations);
        QVERIFY2((whole == SearchVerdict::Linearizable) == (report.verdict == Verdict::Linearizable),
                 qPrintable(context));
        if (report.verdict != Verdict::NotLinearizable)
            continue;
        ++violations;
        QVERIFY2(isClosedWitness(history, report.witness), qPrintable(context));
        if (report.witness.size() <= 9)
            verifyWitness(history, report,
                          context + QLatin1Char('\n') + describe(subHistory(history, report.witness)));
        else
            QVERIFY2(checkLinearizability(subHistory(history, report.witness)).verdict ==
                         Verdict::NotLinearizable,
                     qPrintable(context));
    }
    qInfo("%d histories of 400 operations, %d not linearizable", histories, violations);
    QVERIFY(violations > histories / 5);
}

void TestLinearizability::reportsTheViolatingKeyAmongMany()
{
    GeneratorConfig config;
    config.clients = 8;
    config.keys = 50;
    config.operations = 5000;
    config.values = 1'000'000;
    Random random(5);
    History history = generateLinearizable(random, config);
    // A read of a value of k17 that nothing wrote, at the very end.
    history.append(get(QStringLiteral("k17"), QStringLiteral("phantom"), 1'000'000'000, 1'000'000'010));
    const CheckReport report = checkLinearizability(history);
    QCOMPARE(report.verdict, Verdict::NotLinearizable);
    QCOMPARE(report.key, QStringLiteral("k17"));
    QCOMPARE(report.keys, qsizetype(50));
    QCOMPARE(report.operations, qsizetype(5001));
    QCOMPARE(report.witness, std::vector<History::Id>{5000});
    QVERIFY(contains(report.witness, 5000));
}

void TestLinearizability::undecidedWithinTheBudget()
{
    // Forty unknown writes of distinct values, all pending at once, and reads that see each of them in
    // turn and then the first one again, which needs the first write twice. Every subset of the writes
    // applied before each read is a different search state: far too many to try, so the search must stop
    // at its deadline and say so.
    std::vector<Operation> ops;
    const QString k = QStringLiteral("k");
    constexpr int writes = 40;
    for (int i = 0; i < writes; ++i)
        ops.push_back(unknown(put(k, QString::number(i), 0, 1, i + 1)));
    for (int i = 0; i < writes; ++i)
        ops.push_back(get(k, QString::number(i), 100 + 10 * i, 105 + 10 * i, 100));
    ops.push_back(get(k, QString::number(0), 10'000, 10'005, 100));
    const History history(std::move(ops));

    CheckOptions options;
    options.budget = std::chrono::milliseconds(300);
    const CheckReport report = checkLinearizability(history, options);
    // Undecided comes only from the deadline: the search stopped there. How promptly is no claim here
    // (the machine may be loaded); a search that never stopped would meet the test's timeout.
    QCOMPARE(report.verdict, Verdict::Undecided);
    QCOMPARE(report.undecidedKeys, QStringList{k});

    // With no budget at all, nothing is decided, and that is said too.
    options.budget = std::chrono::milliseconds(0);
    QCOMPARE(checkLinearizability(history, options).verdict, Verdict::Undecided);
}

void TestLinearizability::emptyHistoryIsLinearizable()
{
    const CheckReport report = checkLinearizability(History());
    QCOMPARE(report.verdict, Verdict::Linearizable);
    QCOMPARE(report.operations, qsizetype(0));
    QCOMPARE(report.keys, qsizetype(0));
}

QTEST_GUILESS_MAIN(TestLinearizability)
#include "tst_linearizability.moc"
