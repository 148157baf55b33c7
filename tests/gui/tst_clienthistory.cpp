// ClientHistory: how each answer a node can give enters the client history (ok, fail only when the
// operation certainly never reached a log, unknown whenever it may have), how concurrent requests get
// distinct clients, and that a request from before a clear() completes nothing. No cluster.
#include "model/clienthistory.h"

#include "check/historyjson.h"

#include <QJsonObject>
#include <QTest>

using namespace raftlab;
using check::OpResult;

namespace {

KvResult http(int status, QJsonObject json = {}, QByteArray body = {})
{
    KvResult result;
    result.httpStatus = status;
    result.json = json;
    result.body = body;
    result.error = json.value(QStringLiteral("error")).toString();
    return result;
}

KvResult noAnswer(bool refused)
{
    KvResult result;
    result.networkError = refused ? QStringLiteral("Connection refused") : QStringLiteral("timed out");
    return result;
}

KvRequest request(KvOperation operation)
{
    KvRequest kv{.operation = operation, .key = "k", .value = "v"};
    if (operation == KvOperation::Cas)
        kv.expected = QByteArray("u");
    return kv;
}

QJsonObject error(const char *code, const char *outcome = nullptr)
{
    QJsonObject json{{QStringLiteral("error"), QString::fromLatin1(code)}};
    if (outcome)
        json.insert(QStringLiteral("outcome"), QString::fromLatin1(outcome));
    return json;
}

} // namespace

class TestClientHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesAreClassifiedHonestly_data();
    void writesAreClassifiedHonestly();
    void readsConstrainOnlyWhenAnswered();
    void aCasThatDidNotSwapIsOk();
    void concurrentRequestsTakeDistinctClients();
    void aRequestFromBeforeAClearCompletesNothing();
    void theHistoryIsWrittenAsJsonLines();
    void aFullHistoryRecordsNoMoreAndItsReadsTurnUnknown();
    void aLocalReadIsNotRecorded();
};

// A read with consistency=local may be stale by contract: recorded as a get, it would make a correct
// run (a scenario's `value_on_all` reads every node's own store) look non-linearizable.
void TestClientHistory::aLocalReadIsNotRecorded()
{
    ClientHistory history;
    KvRequest local = request(KvOperation::Get);
    local.localRead = true;
    const auto ticket = history.begin(local);
    QCOMPARE(ticket.id, ClientHistory::Id(-1));
    history.finish(ticket, local, http(200));
    QCOMPARE(history.size(), 0);
    QCOMPARE(history.unrecorded(), 0); // not for want of room
    const auto linearizable = history.begin(request(KvOperation::Get));
    QCOMPARE(linearizable.id, ClientHistory::Id(0));
    QCOMPARE(history.size(), 1);
}

void TestClientHistory::aFullHistoryRecordsNoMoreAndItsReadsTurnUnknown()
{
    ClientHistory history;
    history.setCapacity(3);
    const auto put = history.begin(request(KvOperation::Put));
    const auto get = history.begin(request(KvOperation::Get));
    const auto cas = history.begin(request(KvOperation::Cas));
    QCOMPARE(history.size(), 3);
    QCOMPARE(history.unrecorded(), 0);
    const auto late = history.begin(request(KvOperation::Put)); // full: left out
    QCOMPARE(late.id, ClientHistory::Id(-1));
    QCOMPARE(history.size(), 3);
    QCOMPARE(history.unrecorded(), 1);
    history.finish(late, request(KvOperation::Put), http(200)); // finishes nothing
    // The read and the cas may have seen the write that was left out: they constrain nothing now. The put
    // that completed is still true.
    history.finish(put, request(KvOperation::Put), http(200));
    history.finish(get, request(KvOperation::Get), http(200, {}, "w"));
    history.finish(cas, request(KvOperation::Cas), http(200));
    QCOMPARE(history.history().at(put.id).result, OpResult::Ok);
    QCOMPARE(history.history().at(get.id).result, OpResult::Unknown);
    QCOMPARE(history.history().at(cas.id).result, OpResult::Unknown);
    history.setReport(check::CheckReport{}, history.size());
    QVERIFY2(history.verdictText().contains(QStringLiteral("1 later requests were not recorded")),
             qPrintable(history.verdictText()));
    history.clear();
    QCOMPARE(history.unrecorded(), 0);
}

void TestClientHistory::writesAreClassifiedHonestly_data()
{
    QTest::addColumn<int>("operation");
    QTest::addColumn<KvResult>("answer");
    QTest::addColumn<int>("expected");
    for (KvOperation op : {KvOperation::Put, KvOperation::Delete, KvOperation::Cas}) {
        const QByteArray name = check::opKindName(op == KvOperation::Put          ? check::OpKind::Put
                                                      : op == KvOperation::Delete ? check::OpKind::Delete
                                                                                  : check::OpKind::Cas)
                                    .toLatin1();
        QTest::newRow(name + " 200") << int(op) << http(200) << int(OpResult::Ok);
        QTest::newRow(name + " 400 refused")
            << int(op) << http(400, error("bad_request")) << int(OpResult::Fail);
        QTest::newRow(name + " 503 unavailable, failed")
            << int(op) << http(503, error("unavailable", "failed")) << int(OpResult::Fail);
        QTest::newRow(name + " 503 not committed, failed")
            << int(op) << http(503, error("not_committed", "failed")) << int(OpResult::Fail);
        QTest::newRow(name + " 503 timeout, unknown")
            << int(op) << http(503, error("timeout", "unknown")) << int(OpResult::Unknown);
        QTest::newRow(name + " 500 without an outcome")
            << int(op) << http(500, error("internal")) << int(OpResult::Unknown);
        QTest::newRow(name + " no answer after sending")
            << int(op) << noAnswer(false) << int(OpResult::Unknown);
        // A refused connection alone says nothing when the request may have been sent before (a resend);
        // only a write that certainly never left (NodeClient sends writes once) failed.
        QTest::newRow(name + " connection refused") << int(op) << noAnswer(true) << int(OpResult::Unknown);
        KvResult neverSent = noAnswer(true);
        neverSent.neverSent = true;
        QTest::newRow(name + " never sent") << int(op) << neverSent << int(OpResult::Fail);
    }
}

void TestClientHistory::writesAreClassifiedHonestly()
{
    QFETCH(int, operation);
    QFETCH(KvResult, answer);
    QFETCH(int, expected);
    const HistoryOutcome outcome = classifyAnswer(request(KvOperation(operation)), answer);
    QCOMPARE(int(outcome.result), expected);
}

void TestClientHistory::readsConstrainOnlyWhenAnswered()
{
    const HistoryOutcome found = classifyAnswer(request(KvOperation::Get), http(200, {}, "hello"));
    QCOMPARE(found.result, OpResult::Ok);
    QCOMPARE(found.value, std::optional<QString>(QStringLiteral("hello")));
    const HistoryOutcome absent = classifyAnswer(request(KvOperation::Get), http(404, error("not_found")));
    QCOMPARE(absent.result, OpResult::Ok);
    QVERIFY(!absent.value);
    QCOMPARE(classifyAnswer(request(KvOperation::Get), http(503, error("timeout"))).result,
             OpResult::Unknown);
    QCOMPARE(classifyAnswer(request(KvOperation::Get), noAnswer(false)).result, OpResult::Unknown);
    QCOMPARE(classifyAnswer(request(KvOperation::Get), noAnswer(true)).result, OpResult::Unknown);
}

void TestClientHistory::aCasThatDidNotSwapIsOk()
{
    const HistoryOutcome notSwapped =
        classifyAnswer(request(KvOperation::Cas), http(412, error("compare_failed")));
    QCOMPARE(notSwapped.result, OpResult::Ok);
    QCOMPARE(notSwapped.swapped, std::optional<bool>(false));
    QCOMPARE(classifyAnswer(request(KvOperation::Cas), http(200)).swapped, std::optional<bool>(true));
    // A 412 to a plain put is no comparison: the node refused it.
    QCOMPARE(classifyAnswer(request(KvOperation::Put), http(412, error("compare_failed"))).result,
             OpResult::Fail);
}

void TestClientHistory::concurrentRequestsTakeDistinctClients()
{
    ClientHistory history;
    qint64 now = 1000;
    history.setClock([&now] { return now; });
    const auto a = history.begin(request(KvOperation::Put));
    const auto b = history.begin(request(KvOperation::Get));
    QCOMPARE(history.history().at(a.id).client, 1);
    QCOMPARE(history.history().at(b.id).client, 2);
    now += 10;
    history.finish(a, request(KvOperation::Put), http(200));
    const auto c = history.begin(request(KvOperation::Put)); // client 1 is free again
    QCOMPARE(history.history().at(c.id).client, 1);
    now += 10;
    history.finish(b, request(KvOperation::Get), noAnswer(false)); // unknown, but answered: free
    history.finish(c, request(KvOperation::Put), http(200));
    QCOMPARE(history.history().at(b.id).result, OpResult::Unknown);
    QCOMPARE(history.history().at(b.id).completeUs, std::optional<qint64>(1020));
    QCOMPARE(history.clientCount(), 2);
    const auto d = history.begin(request(KvOperation::Put)); // never answered: keeps its client
    const auto e = history.begin(request(KvOperation::Put));
    QCOMPARE(history.history().at(d.id).client, 1);
    QCOMPARE(history.history().at(e.id).client, 2);
    QVERIFY(!history.history().at(d.id).completeUs);
}

void TestClientHistory::aRequestFromBeforeAClearCompletesNothing()
{
    ClientHistory history;
    const auto old = history.begin(request(KvOperation::Put));
    history.clear();
    const auto fresh = history.begin(request(KvOperation::Get));
    QCOMPARE(old.id, fresh.id); // the same index, another generation
    history.finish(old, request(KvOperation::Put), http(200));
    QCOMPARE(history.history().at(fresh.id).kind, check::OpKind::Get);
    QVERIFY(!history.history().at(fresh.id).completeUs);
}

void TestClientHistory::theHistoryIsWrittenAsJsonLines()
{
    ClientHistory history;
    qint64 now = 5;
    history.setClock([&now] { return now; });
    const auto put = history.begin(request(KvOperation::Put));
    now = 9;
    history.finish(put, request(KvOperation::Put), http(200));
    const auto cas = history.begin(request(KvOperation::Cas));
    now = 12;
    history.finish(cas, request(KvOperation::Cas), http(412, error("compare_failed")));
    const QByteArray lines = check::toJsonLines(history.history());
    check::History back;
    QVERIFY(!check::readJsonLines(lines, back));
    QCOMPARE(back, history.history());
    QVERIFY2(lines.contains(R"("op":"cas","key":"k","expect":"u","value":"v","swapped":false)"),
             lines.constData());
}

QTEST_GUILESS_MAIN(TestClientHistory)
#include "tst_clienthistory.moc"
