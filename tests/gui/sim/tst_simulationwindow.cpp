// SimulationWindow: a simulated cluster in the app's layout, labelled as simulated; the pending list, the
// timeline and the violation banner follow the controller; Jump to violation moves the timeline.

#include "sim/simulationcontroller.h"
#include "views/sim/pendingeventsview.h"
#include "views/sim/simulationcontrols.h"
#include "views/sim/simulationwindow.h"
#include "views/sim/timelinepanel.h"
#include "views/sim/violationbanner.h"

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
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

QTEST_MAIN(TestSimulationWindow)
#include "tst_simulationwindow.moc"
