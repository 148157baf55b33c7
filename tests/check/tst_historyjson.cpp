// Histories as JSON Lines (engine/check/historyjson.h): the lines of the documented format read into the
// right operations and written back byte for byte, random histories survive a round trip, a recorder
// builds the same operations step by step, and every kind of bad line is refused with its line number and
// field.
#include "documentedhistory.h"
#include "historygenerator.h"
#include "markingtranslator.h"

#include "check/historyjson.h"

#include <QTest>

using namespace raftlab;
using namespace raftlab::check;
using namespace raftlab::check::testing;
using raftlab::testing::MarkedTranslations;
using raftlab::testing::MarkingTranslator;

Q_DECLARE_METATYPE(raftlab::check::Operation)

class TestHistoryJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsTheDocumentedLines();
    void writesTheDocumentedLinesBack();
    void roundTripsRandomHistories();
    void escapesStrings();
    void skipsBlankLinesAndCarriageReturns();
    void ignoresUnknownFields();
    void acceptsWhatTheFormatAllows_data();
    void acceptsWhatTheFormatAllows();
    void refusesBadLines_data();
    void refusesBadLines();
    void namesTheLineOfTheFirstBadOne();
    void recorderBuildsOperationsAsTheyHappen();
};

void TestHistoryJson::readsTheDocumentedLines()
{
    History history;
    std::vector<qsizetype> lines;
    const std::optional<HistoryError> error = readJsonLines(documentedHistory, history, &lines);
    QVERIFY2(!error, error ? qPrintable(error->toString()) : "");
    QCOMPARE(history.size(), 4);
    QCOMPARE(lines, (std::vector<qsizetype>{1, 2, 3, 4}));

    const Operation put{3,    OpKind::Put, QStringLiteral("k"), QStringLiteral("v"), {}, {},
                        1200, 1900,        OpResult::Ok};
    const Operation get{1, OpKind::Get, QStringLiteral("k"), std::nullopt, {}, {}, 1300, 1500, OpResult::Ok};
    const Operation cas{
        2,    OpKind::Cas, QStringLiteral("k"), QStringLiteral("w"), QStringLiteral("v"), false,
        1400, 2100,        OpResult::Ok};
    const Operation del{4,    OpKind::Delete, QStringLiteral("k"), {}, {}, {},
                        2000, std::nullopt,   OpResult::Unknown};
    QCOMPARE(history.at(0), put);
    QCOMPARE(history.at(1), get);
    QCOMPARE(history.at(2), cas);
    QCOMPARE(history.at(3), del);
}

void TestHistoryJson::writesTheDocumentedLinesBack()
{
    History history;
    QVERIFY(!readJsonLines(documentedHistory, history));
    QCOMPARE(toJsonLines(history), documentedHistory);
}

void TestHistoryJson::roundTripsRandomHistories()
{
    Random random(3);
    GeneratorConfig config;
    config.clients = 5;
    config.keys = 4;
    config.operations = 300;
    config.unknownRate = 0.2;
    config.failRate = 0.1;
    for (int n = 0; n < 20; ++n) {
        const History original = generateLinearizable(random, config);
        const QByteArray text = toJsonLines(original);
        History read;
        const std::optional<HistoryError> error = readJsonLines(text, read);
        QVERIFY2(!error, error ? qPrintable(error->toString()) : "");
        QVERIFY(read == original);
        QCOMPARE(toJsonLines(read), text);
    }
}

void TestHistoryJson::escapesStrings()
{
    // Quotes, backslashes, control characters, non-ASCII text and a key with spaces survive the trip and
    // stay on one line.
    const QString tricky = QStringLiteral("a \"quoted\" \\ back\nnew\tline\r\x01\x1f é 日本 🙂");
    Operation op{7, OpKind::Cas, QStringLiteral("key with spaces/ü"), tricky, QStringLiteral("\x7f"), true, 0,
                 5, OpResult::Ok};
    const QByteArray line = toJsonLine(op);
    QCOMPARE(line.count('\n'), 1);
    QVERIFY(line.endsWith('\n'));
    QVERIFY2(line.contains(R"(\"quoted\" \\ back\nnew\tline\r\u0001\u001f)"), line.constData());
    Operation read;
    const std::optional<HistoryError> error = operationFromJsonLine(QByteArrayView(line).chopped(1), read);
    QVERIFY2(!error, error ? qPrintable(error->toString()) : "");
    QCOMPARE(read, op);
}

void TestHistoryJson::skipsBlankLinesAndCarriageReturns()
{
    const QByteArray text =
        "\n"
        R"({"client":1,"op":"put","key":"k","value":"v","invoke_us":1,"complete_us":2,"result":"ok"})"
        "\r\n   \r\n\t\n"
        R"({"client":1,"op":"get","key":"k","value":"v","invoke_us":3,"complete_us":4,"result":"ok"})";
    History history;
    std::vector<qsizetype> lines;
    QVERIFY(!readJsonLines(text, history, &lines));
    QCOMPARE(history.size(), 2);
    QCOMPARE(lines, (std::vector<qsizetype>{2, 5}));
    QCOMPARE(history.at(1).value, std::optional<QString>(QStringLiteral("v")));
}

void TestHistoryJson::ignoresUnknownFields()
{
    Operation op;
    QVERIFY(!operationFromJsonLine(
        R"({"client":1,"op":"put","key":"k","value":"v","invoke_us":1,"complete_us":2,"result":"ok","node":3,"error":null})",
        op));
    QCOMPARE(op.value, std::optional<QString>(QStringLiteral("v")));
}

void TestHistoryJson::acceptsWhatTheFormatAllows_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<Operation>("expected");

    QTest::newRow("get not found")
        << QByteArray(
               R"({"client":0,"op":"get","key":"k","value":null,"invoke_us":0,"complete_us":0,"result":"ok"})")
        << Operation{0, OpKind::Get, QStringLiteral("k"), std::nullopt, {}, {}, 0, 0, OpResult::Ok};
    QTest::newRow("unknown get without value")
        << QByteArray(R"({"client":1,"op":"get","key":"k","invoke_us":5,"result":"unknown"})")
        << Operation{1,  OpKind::Get, QStringLiteral("k"), std::nullopt,     {},
                     {}, 5,           std::nullopt,        OpResult::Unknown};
    QTest::newRow("failed put")
        << QByteArray(
               R"({"client":1,"op":"put","key":"k","value":"v","invoke_us":5,"complete_us":9,"result":"fail"})")
        << Operation{1, OpKind::Put, QStringLiteral("k"), QStringLiteral("v"), {}, {}, 5, 9, OpResult::Fail};
    QTest::newRow("put-if-absent")
        << QByteArray(
               R"({"client":1,"op":"cas","key":"k","expect":null,"value":"v","swapped":true,"invoke_us":5,"complete_us":9,"result":"ok"})")
        << Operation{1, OpKind::Cas, QStringLiteral("k"), QStringLiteral("v"), std::nullopt, true,
                     5, 9,           OpResult::Ok};
    QTest::newRow("compare-and-delete, unknown")
        << QByteArray(
               R"({"client":1,"op":"cas","key":"k","expect":"v","value":null,"swapped":null,"invoke_us":5,"complete_us":null,"result":"unknown"})")
        << Operation{1, OpKind::Cas,  QStringLiteral("k"), std::nullopt, QStringLiteral("v"), std::nullopt,
                     5, std::nullopt, OpResult::Unknown};
    QTest::newRow("delete with value null")
        << QByteArray(
               R"({"client":1,"op":"delete","key":"k","value":null,"invoke_us":5,"complete_us":5,"result":"ok"})")
        << Operation{1, OpKind::Delete, QStringLiteral("k"), {}, {}, {}, 5, 5, OpResult::Ok};
    QTest::newRow("large times and negative")
        << QByteArray(
               R"({"client":9007199254740992,"op":"delete","key":"k","invoke_us":-5,"complete_us":9007199254740992,"result":"ok"})")
        << Operation{9007199254740992, OpKind::Delete, QStringLiteral("k"), {}, {}, {}, -5,
                     9007199254740992, OpResult::Ok};
}

void TestHistoryJson::acceptsWhatTheFormatAllows()
{
    QFETCH(QByteArray, line);
    QFETCH(Operation, expected);
    Operation op;
    const std::optional<HistoryError> error = operationFromJsonLine(line, op);
    QVERIFY2(!error, error ? qPrintable(error->toString()) : "");
    QCOMPARE(op, expected);
}

void TestHistoryJson::refusesBadLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("field"); // empty: the line as a whole

    const auto put = [](const QByteArray &fields) {
        return "{" + fields + "}";
    };
    const QByteArray ok = R"("invoke_us":1,"complete_us":2,"result":"ok")";
    QTest::newRow("not json") << QByteArray("{\"client\":1,") << QString();
    QTest::newRow("garbage") << QByteArray("hello") << QString();
    QTest::newRow("an array") << QByteArray(R"([1,2])") << QString();
    QTest::newRow("a string") << QByteArray(R"("put")") << QString();
    QTest::newRow("client missing") << put(R"("op":"put","key":"k","value":"v",)" + ok)
                                    << QStringLiteral("client");
    QTest::newRow("client negative") << put(R"("client":-1,"op":"put","key":"k","value":"v",)" + ok)
                                     << QStringLiteral("client");
    QTest::newRow("client fractional")
        << put(R"("client":1.5,"op":"put","key":"k","value":"v",)" + ok) << QStringLiteral("client");
    QTest::newRow("client a string") << put(R"("client":"1","op":"put","key":"k","value":"v",)" + ok)
                                     << QStringLiteral("client");
    QTest::newRow("op missing") << put(R"("client":1,"key":"k","value":"v",)" + ok) << QStringLiteral("op");
    QTest::newRow("op unknown") << put(R"("client":1,"op":"append","key":"k","value":"v",)" + ok)
                                << QStringLiteral("op");
    QTest::newRow("op in capitals") << put(R"("client":1,"op":"PUT","key":"k","value":"v",)" + ok)
                                    << QStringLiteral("op");
    QTest::newRow("key missing") << put(R"("client":1,"op":"put","value":"v",)" + ok)
                                 << QStringLiteral("key");
    QTest::newRow("key empty") << put(R"("client":1,"op":"put","key":"","value":"v",)" + ok)
                               << QStringLiteral("key");
    QTest::newRow("key a number") << put(R"("client":1,"op":"put","key":7,"value":"v",)" + ok)
                                  << QStringLiteral("key");
    QTest::newRow("result missing")
        << put(R"("client":1,"op":"put","key":"k","value":"v","invoke_us":1,"complete_us":2)")
        << QStringLiteral("result");
    QTest::newRow("result unknown word")
        << put(R"("client":1,"op":"put","key":"k","value":"v","invoke_us":1,"complete_us":2,"result":"maybe")")
        << QStringLiteral("result");
    QTest::newRow("invoke_us missing")
        << put(R"("client":1,"op":"put","key":"k","value":"v","complete_us":2,"result":"ok")")
        << QStringLiteral("invoke_us");
    QTest::newRow("invoke_us fractional")
        << put(R"("client":1,"op":"put","key":"k","value":"v","invoke_us":1.25,"complete_us":2,"result":"ok")")
        << QStringLiteral("invoke_us");
    QTest::newRow("invoke_us beyond exact doubles")
        << put(R"("client":1,"op":"put","key":"k","value":"v","invoke_us":1e300,"complete_us":2,"result":"ok")")
        << QStringLiteral("invoke_us");
    QTest::newRow("complete_us a string")
        << put(R"("client":1,"op":"put","key":"k","value":"v","invoke_us":1,"complete_us":"2","result":"ok")")
        << QStringLiteral("complete_us");
    QTest::newRow("complete_us before invoke_us")
        << put(R"("client":1,"op":"put","key":"k","value":"v","invoke_us":5,"complete_us":4,"result":"ok")")
        << QStringLiteral("complete_us");
    QTest::newRow("ok without complete_us")
        << put(R"("client":1,"op":"put","key":"k","value":"v","invoke_us":5,"complete_us":null,"result":"ok")")
        << QStringLiteral("complete_us");
    QTest::newRow("put without value")
        << put(R"("client":1,"op":"put","key":"k",)" + ok) << QStringLiteral("value");
    QTest::newRow("put of null") << put(R"("client":1,"op":"put","key":"k","value":null,)" + ok)
                                 << QStringLiteral("value");
    QTest::newRow("put of a number") << put(R"("client":1,"op":"put","key":"k","value":3,)" + ok)
                                     << QStringLiteral("value");
    QTest::newRow("ok get without value")
        << put(R"("client":1,"op":"get","key":"k",)" + ok) << QStringLiteral("value");
    QTest::newRow("get of a number") << put(R"("client":1,"op":"get","key":"k","value":3,)" + ok)
                                     << QStringLiteral("value");
    QTest::newRow("delete with a value")
        << put(R"("client":1,"op":"delete","key":"k","value":"v",)" + ok) << QStringLiteral("value");
    QTest::newRow("cas without expect")
        << put(R"("client":1,"op":"cas","key":"k","value":"v","swapped":true,)" + ok)
        << QStringLiteral("expect");
    QTest::newRow("cas without value")
        << put(R"("client":1,"op":"cas","key":"k","expect":"v","swapped":true,)" + ok)
        << QStringLiteral("value");
    QTest::newRow("ok cas without swapped")
        << put(R"("client":1,"op":"cas","key":"k","expect":"v","value":"w",)" + ok)
        << QStringLiteral("swapped");
    QTest::newRow("ok cas with swapped a string")
        << put(R"("client":1,"op":"cas","key":"k","expect":"v","value":"w","swapped":"yes",)" + ok)
        << QStringLiteral("swapped");
    QTest::newRow("unknown cas that says it swapped")
        << put(R"("client":1,"op":"cas","key":"k","expect":"v","value":"w","swapped":true,"invoke_us":1,"result":"unknown")")
        << QStringLiteral("swapped");
    QTest::newRow("expect on a put") << put(R"("client":1,"op":"put","key":"k","value":"v","expect":"u",)" +
                                            ok)
                                     << QStringLiteral("expect");
    QTest::newRow("swapped on a get")
        << put(R"("client":1,"op":"get","key":"k","value":"v","swapped":false,)" + ok)
        << QStringLiteral("swapped");
}

void TestHistoryJson::refusesBadLines()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, field);
    Operation op;
    const std::optional<HistoryError> error = operationFromJsonLine(line, op);
    QVERIFY2(error, "a bad line must be refused");
    QCOMPARE(error->field, field);
    QVERIFY(!error->message.isEmpty());

    // The message is the user's: it passes through the translator.
    MarkedTranslations marked;
    const std::optional<HistoryError> translated = operationFromJsonLine(line, op);
    QVERIFY2(translated->message.startsWith(MarkingTranslator::open), qPrintable(translated->message));
    QVERIFY2(translated->toString().startsWith(MarkingTranslator::open), qPrintable(translated->toString()));
}

void TestHistoryJson::namesTheLineOfTheFirstBadOne()
{
    const QByteArray text =
        R"({"client":1,"op":"put","key":"k","value":"v","invoke_us":1,"complete_us":2,"result":"ok"})"
        "\n\n"
        R"({"client":1,"op":"put","key":"k","value":"v","invoke_us":5,"complete_us":4,"result":"ok"})"
        "\n"
        R"(not even json)"
        "\n";
    History history;
    const std::optional<HistoryError> error = readJsonLines(text, history);
    QVERIFY(error);
    QCOMPARE(error->line, qsizetype(3));
    QCOMPARE(error->field, QStringLiteral("complete_us"));
    QCOMPARE(error->toString(), QStringLiteral("line 3: complete_us: earlier than invoke_us"));
}

void TestHistoryJson::recorderBuildsOperationsAsTheyHappen()
{
    // A recorder sees requests leave and answers come back in any order; what it holds at the end is the
    // history, with a request that never got an answer still unknown.
    History history;
    const History::Id put = history.invoke(Operation{.client = 1,
                                                     .kind = OpKind::Put,
                                                     .key = QStringLiteral("k"),
                                                     .value = QStringLiteral("v"),
                                                     .invokeUs = 100});
    const History::Id get = history.invoke(Operation{.client = 2,
                                                     .kind = OpKind::Get,
                                                     .key = QStringLiteral("k"),
                                                     .value = QStringLiteral("ignored until answered"),
                                                     .invokeUs = 110});
    const History::Id cas = history.invoke(Operation{.client = 3,
                                                     .kind = OpKind::Cas,
                                                     .key = QStringLiteral("k"),
                                                     .value = QStringLiteral("w"),
                                                     .expect = QStringLiteral("v"),
                                                     .invokeUs = 120});
    const History::Id del = history.invoke(
        Operation{.client = 4, .kind = OpKind::Delete, .key = QStringLiteral("k"), .invokeUs = 130});
    const History::Id lost = history.invoke(Operation{.client = 5,
                                                      .kind = OpKind::Put,
                                                      .key = QStringLiteral("k"),
                                                      .value = QStringLiteral("x"),
                                                      .invokeUs = 140});
    const History::Id refused = history.invoke(Operation{.client = 6,
                                                         .kind = OpKind::Put,
                                                         .key = QStringLiteral("k"),
                                                         .value = QStringLiteral("y"),
                                                         .invokeUs = 150});
    QCOMPARE(history.at(get).value, std::nullopt);
    QCOMPARE(history.at(put).result, OpResult::Unknown);

    history.completeCas(cas, 300, true);
    history.completeGet(get, 200, QStringLiteral("v"));
    history.completeWrite(put, 190);
    history.completeUnknown(del, 5000);
    history.completeFailed(refused, 160);
    // `lost` never answered.

    QCOMPARE(history.size(), 6);
    QCOMPARE(history.at(put),
             (Operation{
                 1, OpKind::Put, QStringLiteral("k"), QStringLiteral("v"), {}, {}, 100, 190, OpResult::Ok}));
    QCOMPARE(history.at(get),
             (Operation{
                 2, OpKind::Get, QStringLiteral("k"), QStringLiteral("v"), {}, {}, 110, 200, OpResult::Ok}));
    QCOMPARE(history.at(cas),
             (Operation{3, OpKind::Cas, QStringLiteral("k"), QStringLiteral("w"), QStringLiteral("v"), true,
                        120, 300, OpResult::Ok}));
    QCOMPARE(history.at(del),
             (Operation{4, OpKind::Delete, QStringLiteral("k"), {}, {}, {}, 130, 5000, OpResult::Unknown}));
    QCOMPARE(history.at(lost),
             (Operation{5,
                        OpKind::Put,
                        QStringLiteral("k"),
                        QStringLiteral("x"),
                        {},
                        {},
                        140,
                        std::nullopt,
                        OpResult::Unknown}));
    QCOMPARE(history.at(refused).result, OpResult::Fail);

    // What it holds reads back as it was written.
    History read;
    QVERIFY(!readJsonLines(toJsonLines(history), read));
    QVERIFY(read == history);
}

QTEST_GUILESS_MAIN(TestHistoryJson)
#include "tst_historyjson.moc"
