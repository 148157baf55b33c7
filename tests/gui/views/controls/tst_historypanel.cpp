// The History tab and the safety banner, offscreen and without a cluster: the banner raised by recorded
// event streams that break each Raft safety invariant (and not by a real run's recording), with a marker
// on the charts; the History tab's bars (colour by result, the operation on hover) and a violation's
// operations highlighted with the checker's sentence.
#include "views/cluster/clusterview.h"
#include "views/controls/historypanel.h"
#include "views/controls/safetybanner.h"

#include "app/mainwindow.h"

#include "check/historyjson.h"
#include "check/linearizability.h"
#include "cluster/clustercontroller.h"
#include "model/clienthistory.h"
#include "safetystreams.h"
#include "support/screenshots.h"

#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

using namespace raftlab;
using namespace raftlab::testing;

namespace {

KvResult http(int status, QByteArray body = {})
{
    KvResult result;
    result.httpStatus = status;
    result.body = body;
    if (status == 404)
        result.error = QStringLiteral("not_found");
    return result;
}

} // namespace

class TestHistoryPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aBrokenInvariantRaisesTheBanner_data();
    void aBrokenInvariantRaisesTheBanner();
    void aRealRunRaisesNoBanner();
    void barsShowEachClientsOperations();
    void aViolationIsHighlightedAndExplained();
    void theWindowHasAHistoryTabAndABannerOverTheRing();
};

void TestHistoryPanel::aBrokenInvariantRaisesTheBanner_data()
{
    QTest::addColumn<QList<QJsonObject>>("events");
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("words");
    QTest::newRow("two leaders in one term")
        << QList<QJsonObject>{leaderEvent(1, 4), leaderEvent(3, 4)} << "Two leaders in one term"
        << "Nodes 1, 3";
    QTest::newRow("committed entries differ")
        << QList<QJsonObject>{appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 3, 222),
                              commitEvent(2, 5)}
        << "Committed entries differ"
        << "index 5";
    QTest::newRow("commit goes back")
        << QList<QJsonObject>{commitEvent(2, 7), commitEvent(2, 6)} << "A commit index went back"
        << "Nodes 2";
    QTest::newRow("a committed entry removed")
        << QList<QJsonObject>{appendEvent(1, 5, 2, 111), commitEvent(1, 5), truncateEvent(1, 3, 4)}
        << "A committed entry was removed"
        << "index 4";
    QTest::newRow("applied sequences diverge")
        << QList<QJsonObject>{appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 3, 222),
                              applyEvent(2, 5, 5)}
        << "Applied sequences diverge"
        << "index 5";
}

void TestHistoryPanel::aBrokenInvariantRaisesTheBanner()
{
    QFETCH(QList<QJsonObject>, events);
    QFETCH(QString, rule);
    QFETCH(QString, words);
    ClusterController controller;
    QWidget host;
    host.resize(900, 600);
    SafetyBanner banner(&host);
    banner.applyTheme(Theme::standard());
    connect(&controller, &ClusterController::safetyViolated, &banner, &SafetyBanner::showViolation);
    QSignalSpy violated(&controller, &ClusterController::safetyViolated);
    host.show();
    QVERIFY(QTest::qWaitForWindowExposed(&host));
    const std::size_t markersBefore = controller.model()->history().faultMarkers().size();
    for (const QJsonObject &event : events)
        controller.foldSafety(event);
    QCOMPARE(violated.size(), 1);
    QVERIFY(banner.isVisible());
    QVERIFY2(banner.text().contains(rule), qPrintable(banner.text()));
    QVERIFY2(banner.text().contains(words), qPrintable(banner.text()));
    QVERIFY2(banner.text().contains(QStringLiteral("\"type\"")), "the events are named");
    controller.model()->foldPending();
    QCOMPARE(controller.model()->history().faultMarkers().size(), markersBefore + 1);
    QCOMPARE(controller.model()->history().faultMarkers().at(markersBefore).label,
             QStringLiteral("safety violated"));
    if (QTest::currentDataTag() == QByteArray("two leaders in one term"))
        QVERIFY(saveScreenshot(host, QStringLiteral("safety_banner.png")));
    QTest::mouseClick(&banner, Qt::LeftButton);
    QVERIFY(!banner.isVisible()); // dismissed
}

void TestHistoryPanel::aRealRunRaisesNoBanner()
{
    ClusterController controller;
    QSignalSpy violated(&controller, &ClusterController::safetyViolated);
    int events = 0;
    for (const QJsonObject &event :
         recordedStream(QStringLiteral(RAFTLAB_FIXTURE_DIR "/three_nodes.jsonl"))) {
        controller.foldSafety(event);
        ++events;
    }
    QVERIFY(events > 100);
    QCOMPARE(violated.size(), 0);
}

void TestHistoryPanel::barsShowEachClientsOperations()
{
    ClientHistory history;
    qint64 now = 1'000'000;
    history.setClock([&now] { return now; });
    history.clear(); // recording starts now
    const KvRequest put{.operation = KvOperation::Put, .key = "colour", .value = "blue"};
    const KvRequest get{.operation = KvOperation::Get, .key = "colour"};
    const auto a = history.begin(put);
    now += 200'000;
    const auto b = history.begin(get);
    now += 300'000;
    history.finish(a, put, http(200));
    now += 100'000;
    history.finish(b, get, http(200, "blue"));
    now += 100'000;
    const auto c = history.begin(put); // in flight
    now += 400'000;

    HistoryPanel panel(&history);
    panel.resize(800, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    HistoryTimeline *timeline = panel.timeline();
    const QRectF first = timeline->barRect(a.id);
    const QRectF second = timeline->barRect(b.id);
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    QVERIFY(second.top() > first.top()); // client 2 below client 1
    QVERIFY(first.left() < second.left()); // invoked earlier
    QCOMPARE(timeline->barAt(first.center().toPoint()), a.id);
    QCOMPARE(timeline->barAt(second.center().toPoint()), b.id);
    QVERIFY2(timeline->describeBar(b.id).contains(QStringLiteral("get colour → blue")),
             qPrintable(timeline->describeBar(b.id)));
    QVERIFY2(timeline->describeBar(c.id).contains(QStringLiteral("no answer yet")),
             qPrintable(timeline->describeBar(c.id)));
    QVERIFY2(panel.findChild<QLabel *>(QStringLiteral("historyCounts"))
                 ->text()
                 .contains(QStringLiteral("3 operations")),
             qPrintable(panel.findChild<QLabel *>(QStringLiteral("historyCounts"))->text()));
}

void TestHistoryPanel::aViolationIsHighlightedAndExplained()
{
    // A stale read: get returns the old value after the new one was written and acknowledged.
    ClientHistory history;
    qint64 now = 1'000'000;
    history.setClock([&now] { return now; });
    history.clear();
    const KvRequest first{.operation = KvOperation::Put, .key = "k", .value = "3"};
    const KvRequest second{.operation = KvOperation::Put, .key = "k", .value = "4"};
    const KvRequest read{.operation = KvOperation::Get, .key = "k"};
    const KvRequest other{.operation = KvOperation::Put, .key = "other", .value = "x"};
    auto o = history.begin(other);
    now += 50'000;
    history.finish(o, other, http(200));
    auto p = history.begin(first);
    now += 100'000;
    history.finish(p, first, http(200));
    now += 20'000; // apart: operations that touch are concurrent
    p = history.begin(second);
    now += 100'000;
    history.finish(p, second, http(200));
    now += 50'000;
    p = history.begin(read);
    now += 100'000;
    history.finish(p, read, http(200, "3"));

    HistoryPanel panel(&history);
    panel.resize(900, 320);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy wanted(&panel, &HistoryPanel::checkWanted);
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("historyCheck")), Qt::LeftButton);
    QCOMPARE(wanted.size(), 1);
    const check::CheckReport report = check::checkLinearizability(history.history());
    QVERIFY2(report.verdict == check::CheckReport::Verdict::NotLinearizable,
             check::toJsonLines(history.history()).constData());
    history.setReport(report, history.size()); // what the controller does on checkWanted()
    QVERIFY2(panel.verdictText().startsWith(QStringLiteral("NOT linearizable: key k.")),
             qPrintable(panel.verdictText()));
    QVERIFY2(panel.verdictText().contains(QStringLiteral("get k returned 3")),
             qPrintable(panel.verdictText()));
    QVERIFY(!panel.findChild<QCheckBox *>(QStringLiteral("historyLive"))->isChecked()); // shows the violation
    // The witness's operations are on show; the unrelated key's is not part of it.
    for (check::History::Id id : report.witness)
        QVERIFY(!panel.timeline()->barRect(id).isEmpty());
    QVERIFY(std::find(report.witness.begin(), report.witness.end(), 0) == report.witness.end());
    QCoreApplication::processEvents(); // the verdict takes its lines
    QVERIFY(saveScreenshot(panel, QStringLiteral("history_violation.png")));
}

void TestHistoryPanel::theWindowHasAHistoryTabAndABannerOverTheRing()
{
    MainWindow window{GuiOptions{}}; // no cluster started: the streams are recorded ones
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTabWidget *tabs = window.bottomTabs();
    QCOMPARE(tabs->tabText(tabs->indexOf(window.historyPanel())), QStringLiteral("History"));
    QVERIFY(window.chaosAction());
    QVERIFY(!window.safetyBanner()->isVisible());
    window.controller()->foldSafety(leaderEvent(2, 7));
    window.controller()->foldSafety(leaderEvent(4, 7));
    QVERIFY(window.safetyBanner()->isVisible());
    QCOMPARE(window.safetyBanner()->parentWidget(), window.clusterView());
    QVERIFY(window.safetyBanner()->text().contains(QStringLiteral("Nodes 2, 4")));
    QCoreApplication::processEvents();
    QVERIFY(saveScreenshot(window, QStringLiteral("app_safety_banner.png")));
}

QTEST_MAIN(TestHistoryPanel)
#include "tst_historypanel.moc"
