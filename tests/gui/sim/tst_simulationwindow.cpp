// SimulationWindow: a simulated cluster in the app's layout, labelled as simulated; the pending list, the
// timeline and the violation banner follow the controller; Jump to violation moves the timeline.

#include "sim/simulationcontroller.h"
#include "support/screenshots.h"
#include "views/cluster/clusterview.h"
#include "views/sim/pendingeventsview.h"
#include "views/sim/simulationcontrols.h"
#include "views/sim/simulationwindow.h"
#include "views/sim/timelinepanel.h"
#include "views/sim/violationbanner.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace raftlab;
using raftlab::sim::Choice;
using raftlab::sim::PendingEvent;

class TestSimulationWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isLabelledAsSimulated();
    void pendingListFollowsTheSteps();
    void timelineSeeksAndListsBranches();
    void adversaryRaisesTheBannerAndJumpMovesTheTimeline();
    void saveAndOpenThroughFiles();
    void rightClickOnAMessageDotDropsDeliversOrDuplicatesIt();
    void aNodesMenuFiresItsTimerEarly();
    void theReadmeScreenshots();
};

void TestSimulationWindow::isLabelledAsSimulated()
{
    SimulationWindow window;
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    QCOMPARE(window.start(config, 42), QString());
    QVERIFY(window.windowTitle().contains(QStringLiteral("simulated")));
    QVERIFY(window.simulatedBanner()->text().startsWith(QStringLiteral("Simulated — virtual time")));
    QVERIFY(window.simulatedBanner()->text().contains(QStringLiteral("seed 42")));
    QVERIFY(window.violationBanner()->isHidden());
}

void TestSimulationWindow::pendingListFollowsTheSteps()
{
    SimulationWindow window;
    QCOMPARE(window.start(sim::SimulatedClusterConfig{}, 7), QString());
    QTreeWidget *list = window.pendingView()->list();
    QCOMPARE(list->topLevelItemCount(), 5); // five election timers
    QTest::mouseClick(window.controls()->stepButton(), Qt::LeftButton);
    QCOMPARE(window.controller()->position(), std::uint64_t(1));
    // The first timer fired: its node's (pre-)vote requests are now in flight, first in the list.
    QCOMPARE(list->topLevelItemCount(), int(window.controller()->pendingEvents().size()));
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("message"));
    // Select a message and drop it: one row fewer.
    const int rows = list->topLevelItemCount();
    list->setCurrentItem(list->topLevelItem(0));
    auto *drop = window.pendingView()->findChild<QPushButton *>(QString(), Qt::FindChildrenRecursively);
    static_cast<void>(drop);
    const quint64 id = list->topLevelItem(0)->data(0, Qt::UserRole).value<quint64>();
    QVERIFY(window.controller()->drop(id));
    QCOMPARE(list->topLevelItemCount(), rows - 1);
}

void TestSimulationWindow::timelineSeeksAndListsBranches()
{
    SimulationWindow window;
    QCOMPARE(window.start(sim::SimulatedClusterConfig{}, 7), QString());
    QVERIFY(window.controller()->step(300));
    QSlider *slider = window.timeline()->slider();
    QCOMPARE(slider->maximum(), 300);
    QCOMPARE(slider->value(), 300);
    slider->setValue(120);
    QTRY_COMPARE(window.controller()->position(), std::uint64_t(120));
    QCOMPARE(window.controller()->length(), std::uint64_t(300));
    QVERIFY(window.controller()->crash(NodeId(1)));
    QCOMPARE(window.timeline()->branchList()->count(), 1);
    window.timeline()->branchList()->setCurrentRow(0);
    QVERIFY(window.controller()->switchToBranch(0));
    QCOMPARE(slider->maximum(), 300);
    QCOMPARE(slider->value(), 300);
}

void TestSimulationWindow::adversaryRaisesTheBannerAndJumpMovesTheTimeline()
{
    SimulationWindow window;
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    config.preVote = false;
    config.adversary = sim::AdversarialFault::ForgetVoteOnRestart;
    QCOMPARE(window.start(config, 1), QString());
    SimulationController *controller = window.controller();
    const auto request = [&](NodeId from, NodeId to) {
        for (const PendingEvent &event : controller->pendingEvents())
            if (event.kind == PendingEvent::Kind::Message && event.messageType == MessageType::RequestVote &&
                event.from == from && event.to == to)
                return event.id;
        return sim::SimEventId(0);
    };
    QVERIFY(controller->fireTimer(NodeId(1)));
    QVERIFY(controller->apply(Choice{.kind = Choice::Kind::DropType,
                                     .node = NodeId(1),
                                     .peer = NodeId(3),
                                     .messageType = MessageType::RequestVote}));
    QVERIFY(controller->deliver(request(NodeId(1), NodeId(2))));
    QVERIFY(controller->crash(NodeId(2)));
    QVERIFY(controller->restart(NodeId(2)));
    QVERIFY(controller->fireTimer(NodeId(3)));
    QVERIFY(window.violationBanner()->isHidden());
    QVERIFY(controller->deliver(request(NodeId(3), NodeId(2))));
    const std::uint64_t violationStep = controller->violation()->step;
    QVERIFY(!window.violationBanner()->isHidden());
    const QString text = window.violationBanner()->text();
    QVERIFY2(text.contains(controller->violation()->invariant), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("step %1").arg(violationStep)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("node")), qPrintable(text));
    QVERIFY(!window.controls()->stepButton()->isEnabled()); // the run stopped

    if (const QString dir = qEnvironmentVariable("RAFTLAB_SCREENSHOT_DIR"); !dir.isEmpty()) {
        window.resize(1600, 1000);
        controller->model()->foldPending();
        window.grab().save(dir + QStringLiteral("/sim-violation.png"));
    }
    window.timeline()->slider()->setValue(2);
    QTRY_COMPARE(controller->position(), std::uint64_t(2));
    QVERIFY(window.violationBanner()->jumpButton()->isEnabled());
    QTest::mouseClick(window.violationBanner()->jumpButton(), Qt::LeftButton);
    QCOMPARE(controller->position(), violationStep);
    QCOMPARE(window.timeline()->slider()->value(), int(violationStep));
}

void TestSimulationWindow::saveAndOpenThroughFiles()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.json"));
    SimulationWindow window;
    QCOMPARE(window.start(sim::SimulatedClusterConfig{}, 3), QString());
    QVERIFY(window.controller()->step(200));
    QCOMPARE(window.saveRun(path), QString());
    SimulationWindow opened;
    QCOMPARE(opened.openRun(path), QString());
    QCOMPARE(opened.controller()->saveRun(), window.controller()->saveRun());
    QCOMPARE(opened.controller()->model()->summary().leader, window.controller()->model()->summary().leader);
    QVERIFY(!opened.openRun(dir.filePath(QStringLiteral("missing.json"))).isEmpty());
}

namespace {

// Right-clicks `at` on the ring and chooses `choice` in the menu that opens; returns the menu's entries.
QStringList rightClickAndChoose(ClusterView *view, QPoint at, const QString &choice)
{
    QStringList entries;
    QTimer::singleShot(0, view, [&entries, choice] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (QAction *action : menu->actions()) {
            entries << action->text();
            if (action->text() == choice)
                action->trigger();
        }
        menu->close();
    });
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, view->viewport()->mapToGlobal(at));
    QCoreApplication::sendEvent(view->viewport(), &event);
    return entries;
}

// The dots of the moment shown: one frame drawn.
std::vector<MessageDot> drawnDots(ClusterView *view, SimulationController *controller)
{
    controller->model()->foldPending();
    QImage image(view->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    view->renderFrame(&painter);
    std::vector<MessageDot> dots;
    for (const MessageDot &dot : view->messageDots()) {
        if (dot.burst < 0)
            dots.push_back(dot);
    }
    return dots;
}

bool isPending(const SimulationController &controller, qint64 id)
{
    for (const PendingEvent &event : controller.pendingEvents()) {
        if (event.kind == PendingEvent::Kind::Message && event.id == sim::SimEventId(id))
            return true;
    }
    return false;
}

} // namespace

void TestSimulationWindow::rightClickOnAMessageDotDropsDeliversOrDuplicatesIt()
{
    SimulationWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    config.preVote = false; // the first step sends vote requests at once
    QCOMPARE(window.start(config, 7), QString());
    SimulationController *controller = window.controller();
    ClusterView *view = window.clusterView();
    QVERIFY(controller->step()); // a timer fires: its node's vote requests are in flight
    std::vector<MessageDot> dots = drawnDots(view, controller);
    QVERIFY2(dots.size() >= 2, qPrintable(QString::number(dots.size())));
    const MessageDot first = dots[0];
    QVERIFY(isPending(*controller, first.messageId));
    QCOMPARE(view->messageDotAt(view->viewPositionOf(first))->messageId, first.messageId);

    // Drop: the message is no longer pending, and a lost message is no choice of the run's any more.
    const QStringList entries =
        rightClickAndChoose(view, view->viewPositionOf(first), QStringLiteral("Drop"));
    QVERIFY2(entries.contains(QStringLiteral("Deliver now")) && entries.contains(QStringLiteral("Duplicate")),
             qPrintable(entries.join(QStringLiteral(", "))));
    QVERIFY(!isPending(*controller, first.messageId));
    QCOMPARE(controller->cluster()->choices().back().kind, Choice::Kind::Drop);
    QCOMPARE(controller->cluster()->choices().back().event, sim::SimEventId(first.messageId));

    // Duplicate, then deliver now: the same menu, on another dot.
    // (A lost message's dot may still be drawn on its way to its burst: the next one that is in flight.)
    dots = drawnDots(view, controller);
    const auto inFlight = std::find_if(dots.begin(), dots.end(), [&](const MessageDot &dot) {
        return isPending(*controller, dot.messageId);
    });
    QVERIFY(inFlight != dots.end());
    const MessageDot second = *inFlight;
    QVERIFY(second.messageId != first.messageId);
    const std::size_t pendingBefore = controller->pendingEvents().size();
    rightClickAndChoose(view, view->viewPositionOf(second), QStringLiteral("Duplicate"));
    QCOMPARE(controller->cluster()->choices().back().kind, Choice::Kind::Duplicate);
    QCOMPARE(controller->pendingEvents().size(), pendingBefore + 1);
    rightClickAndChoose(view, view->viewPositionOf(second), QStringLiteral("Deliver now"));
    QCOMPARE(controller->cluster()->choices().back().kind, Choice::Kind::Deliver);
    QCOMPARE(controller->cluster()->choices().back().event, sim::SimEventId(second.messageId));

    // Away from any dot, the ring's own menu (the legend) opens instead.
    const QStringList elsewhere = rightClickAndChoose(view, QPoint(5, 5), QString());
    QVERIFY(!elsewhere.contains(QStringLiteral("Drop")));
}

void TestSimulationWindow::aNodesMenuFiresItsTimerEarly()
{
    SimulationWindow window;
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    QCOMPARE(window.start(config, 5), QString());
    ClusterView *view = window.clusterView();
    QAction *fire = view->nodeAction(NodeId(2), NodeAction::FireTimer);
    QVERIFY(fire);
    QVERIFY(fire->isVisible());
    QVERIFY(fire->isEnabled());
    fire->trigger();
    const Choice &last = window.controller()->cluster()->choices().back();
    QCOMPARE(last.kind, Choice::Kind::FireTimer);
    QCOMPARE(last.node, NodeId(2));
    // A crashed node's timer does not run; real nodes keep their own time: no such entry for them.
    QVERIFY(window.controller()->crash(NodeId(3)));
    window.controller()->model()->foldPending();
    QVERIFY(!view->nodeAction(NodeId(3), NodeAction::FireTimer)->isEnabled());
    view->setSimulated(false);
    QVERIFY(!view->nodeAction(NodeId(2), NodeAction::FireTimer)->isVisible());
}

// The README's two pictures of the simulated window (RAFTLAB_SCREENSHOT_DIR=resources/screenshots keeps
// them): the pending events with a message selected, and the timeline moved back with a branch kept.
void TestSimulationWindow::theReadmeScreenshots()
{
    SimulationWindow window;
    window.resize(1600, 1000);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.start(sim::SimulatedClusterConfig{}, 7), QString());
    SimulationController *controller = window.controller();
    for (int i = 0; i < 5000 && !controller->cluster()->leader(); ++i)
        controller->step();
    QVERIFY(controller->cluster()->leader());
    controller->step(12); // the first heartbeats and their answers on the way
    controller->model()->foldPending();
    QTreeWidget *pending = window.pendingView()->list();
    QVERIFY(pending->topLevelItemCount() > 2);
    pending->setCurrentItem(pending->topLevelItem(1));
    QTest::qWait(200); // a few frames of the ring
    QVERIFY(testing::saveScreenshot(window, QStringLiteral("sim-pending-events.png")));

    // A write, the run goes on; back a little, another future (a crash), then back again: a branch kept.
    QVERIFY(controller->put(QStringLiteral("x"), QStringLiteral("1")));
    controller->step(30);
    const std::uint64_t fork = controller->position() - 10;
    QVERIFY(controller->seek(fork));
    QVERIFY(controller->crash(NodeId(1)));
    controller->step(10);
    QVERIFY(controller->seek(fork - 5));
    QCOMPARE(window.timeline()->branchList()->count(), 1);
    QTest::qWait(200);
    QVERIFY(testing::saveScreenshot(window, QStringLiteral("sim-timeline.png")));
}

QTEST_MAIN(TestSimulationWindow)
#include "tst_simulationwindow.moc"
