// Check runs off the GUI thread: the event loop keeps turning while a long history is checked, the
// verdict arrives by signal, a request during a check runs after it, and a verdict on a history cleared
// meanwhile is dropped. No cluster.
#include "cluster/backgroundcheck.h"
#include "cluster/clustercontroller.h"
#include "model/clienthistory.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace raftlab;

namespace {

constexpr int deadlineMs = 60'000;

// Sequential puts and reads of them over `keys` keys: linearizable, and long enough to take a while.
check::History longHistory(int operations, int keys)
{
    check::History history;
    qint64 now = 0;
    for (int i = 0; i < operations; ++i) {
        check::Operation op;
        op.client = 1 + i % 8;
        op.key = QStringLiteral("k%1").arg(i % keys);
        op.invokeUs = now;
        op.completeUs = now + 5;
        op.result = check::OpResult::Ok;
        if ((i / keys) % 2 == 0) {
            op.kind = check::OpKind::Put;
            op.value = QString::number(i);
        } else {
            op.kind = check::OpKind::Get;
            op.value = QString::number(i - keys);
        }
        history.append(op);
        now += 10;
    }
    return history;
}

void recordOnePut(ClientHistory *history)
{
    const KvRequest put{.operation = KvOperation::Put, .key = "k", .value = "v"};
    KvResult ok;
    ok.httpStatus = 200;
    history->finish(history->begin(put), put, ok);
}

} // namespace

class TestBackgroundCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theLoopTurnsWhileAHistoryIsChecked();
    void aCheckAskedDuringOneRunsAfterIt();
    void theControllersVerdictArrivesBySignal();
    void aVerdictOnAClearedHistoryIsDropped();
};

void TestBackgroundCheck::theLoopTurnsWhileAHistoryIsChecked()
{
    BackgroundCheck runner;
    QSignalSpy finished(&runner, &BackgroundCheck::finished);
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start(1);
    runner.start(longHistory(200'000, 1'000), check::CheckOptions{});
    // start() returned before the verdict: a check on this thread would have emitted it already.
    QCOMPARE(finished.size(), 0);
    QVERIFY(runner.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, deadlineMs);
    QVERIFY(!runner.isRunning());
    const auto report = finished.first().at(0).value<check::CheckReport>();
    QVERIFY(report.verdict == check::CheckReport::Verdict::Linearizable);
    QCOMPARE(finished.first().at(1).value<qsizetype>(), qsizetype(200'000));
    QVERIFY2(ticks > 1, qPrintable(QString::number(ticks))); // the loop ran during the check
}

void TestBackgroundCheck::aCheckAskedDuringOneRunsAfterIt()
{
    BackgroundCheck runner;
    QSignalSpy finished(&runner, &BackgroundCheck::finished);
    runner.start(longHistory(100'000, 500), check::CheckOptions{});
    runner.start(longHistory(10, 2), check::CheckOptions{}); // waits its turn
    runner.start(longHistory(20, 2), check::CheckOptions{}); // the latest asked wins
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, deadlineMs);
    QCOMPARE(finished.at(0).at(1).value<qsizetype>(), qsizetype(100'000));
    QCOMPARE(finished.at(1).at(1).value<qsizetype>(), qsizetype(20));
}

void TestBackgroundCheck::theControllersVerdictArrivesBySignal()
{
    ClusterController controller;
    ClientHistory *history = controller.clientHistory();
    recordOnePut(history);
    QSignalSpy checked(&controller, &ClusterController::historyChecked);
    controller.checkHistoryInBackground();
    QCOMPARE(checked.size(), 0); // not on this thread
    QTRY_COMPARE_WITH_TIMEOUT(checked.size(), 1, deadlineMs);
    QVERIFY(history->report());
    QCOMPARE(history->checkedOperations(), qsizetype(1));
    QVERIFY(!controller.isCheckingHistory());
}

void TestBackgroundCheck::aVerdictOnAClearedHistoryIsDropped()
{
    ClusterController controller;
    ClientHistory *history = controller.clientHistory();
    recordOnePut(history);
    QSignalSpy checked(&controller, &ClusterController::historyChecked);
    controller.checkHistoryInBackground();
    history->clear();
    QTRY_VERIFY_WITH_TIMEOUT(!controller.isCheckingHistory(), deadlineMs);
    QTest::qWait(50);
    QCOMPARE(checked.size(), 0);
    QVERIFY(!history->report());
}

QTEST_GUILESS_MAIN(TestBackgroundCheck)
#include "tst_backgroundcheck.moc"
