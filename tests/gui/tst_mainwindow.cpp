// The whole app on real raftlab-node processes: start-up with 3 nodes, the views agree
// with the model, the menu's own actions kill, restart and cut, slow motion reaches the nodes, and
// closing the window leaves no node behind.
#include "app/mainwindow.h"
#include "cluster/clustersupervisor.h"
#include "support/nodestatus.h"
#include "views/cluster/clusterview.h"
#include "views/panels/logview.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

#include <csignal>
#include <optional>

#include <sys/types.h>

using namespace raftlab;
using raftlab::testing::idsIn;

namespace {

constexpr int deadlineMs = 30'000; // a loaded 2-core CI machine starts several processes per test

bool processExists(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void showsWhichClusterItIsAbout();
    void startsThreeNodesAndShowsThem();
    void killAndRestartThroughTheNodeMenu();
    void statusBarCountsFrozenAndPausedNodes();
    void cuttingALinkInTheViewBlocksBothEnds();
    void slowMotionReachesTheNodes();
    void projectorModeEnlargesTheText();
    void theCommandLineOpensInProjectorModeOrPresenting();
    void closingLeavesNoNodeBehind();
    void quittingLogsNoStreamErrors();
    void attachedClusterCannotBeKilledFromHere();

private:
    void start(int nodes = 3);
    QJsonObject statusOf(NodeId id);
    NodeId leader() const { return m_window->controller()->model()->summary().leader; }
    NodeId follower() const;

    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::init()
{
    GuiOptions options;
    options.nodeCount = 3;
    m_window = std::make_unique<MainWindow>(options);
    ClusterSupervisor *supervisor = m_window->controller()->supervisor();
    supervisor->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    supervisor->setExtraNodeArguments({QStringLiteral("--fsync"), QStringLiteral("never")});
}

void TestMainWindow::cleanup()
{
    m_window.reset();
}

void TestMainWindow::start(int nodes)
{
    QCOMPARE(nodes, 3);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    const QString error = m_window->startCluster();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->controller()->model()->summary().nodesUp, nodes, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone(), deadlineMs);
}

QJsonObject TestMainWindow::statusOf(NodeId id)
{
    return testing::statusOf(m_window ? m_window->controller()->client(id) : nullptr, deadlineMs);
}

NodeId TestMainWindow::follower() const
{
    for (const NodeId id : m_window->controller()->model()->nodeIds()) {
        if (id != leader())
            return id;
    }
    return NodeId{};
}

void TestMainWindow::showsWhichClusterItIsAbout()
{
    GuiOptions options;
    options.nodeCount = 3;
    options.workspaceDir = QStringLiteral("/tmp/class");
    MainWindow window(options);
    QVERIFY2(window.windowTitle().contains(QStringLiteral("3 local nodes in workspace /tmp/class")),
             qPrintable(window.windowTitle()));
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("3 local nodes")));

    GuiOptions attached;
    attached.attachFile = QStringLiteral("remote.json");
    QVERIFY(MainWindow::clusterDescription(attached).contains(QStringLiteral("attached")));
}

void TestMainWindow::startsThreeNodesAndShowsThem()
{
    start();
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->statusBar()->currentMessage().contains(QStringLiteral("All 3 nodes are up")), deadlineMs);
    ClusterView *view = m_window->clusterView();
    QTRY_COMPARE_WITH_TIMEOUT(view->nodeItemCount(), 3, deadlineMs);
    const NodeId leading = leader();
    QTRY_COMPARE_WITH_TIMEOUT(view->roleLabel(leading), QStringLiteral("leader"), deadlineMs);
    for (const NodeId id : m_window->controller()->model()->nodeIds()) {
        if (id != leading)
            QTRY_COMPARE_WITH_TIMEOUT(view->roleLabel(id), QStringLiteral("follower"), deadlineMs);
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->statusSummary().startsWith(QStringLiteral("Leader: node %1").arg(leading.value)),
        deadlineMs);
    QVERIFY2(m_window->statusSummary().contains(QStringLiteral("3 of 3 nodes up")),
             qPrintable(m_window->statusSummary()));

    // Where the nodes answer, for a terminal: each node's HTTP address, a curl line, the cluster file
    // (in the fresh workspace the title names).
    const ClusterSupervisor *supervisor = m_window->controller()->supervisor();
    const QString addresses = m_window->nodeAddressesText();
    for (const ClusterMember &member : supervisor->config().members)
        QVERIFY2(addresses.contains(
                     QStringLiteral("node %1   http://%2").arg(member.id.value).arg(member.http.toString())),
                 qPrintable(addresses));
    QVERIFY2(addresses.contains(QStringLiteral("curl -X PUT --data hello http://")), qPrintable(addresses));
    const QString clusterFile = QDir(supervisor->workspaceDir()).filePath(QStringLiteral("cluster.json"));
    QVERIFY(QFile::exists(clusterFile));
    QVERIFY2(addresses.contains(QDir::toNativeSeparators(clusterFile)), qPrintable(addresses));
    QVERIFY2(m_window->windowTitle().contains(QDir::toNativeSeparators(supervisor->workspaceDir())),
             qPrintable(m_window->windowTitle()));

    // A put through a follower: committed on every node's row of the logs view.
    std::optional<NodeClient::KvResult> put;
    m_window->controller()
        ->client(follower())
        ->put("colour", "blue", [&](const NodeClient::KvResult &result) { put = result; });
    QTRY_VERIFY_WITH_TIMEOUT(put.has_value(), deadlineMs);
    QVERIFY2(put->ok(), qPrintable(put->message));
    QVERIFY(put->index.has_value());
    const LogIndex index(quint64(*put->index));
    for (const NodeId id : m_window->controller()->model()->nodeIds()) {
        QTRY_VERIFY_WITH_TIMEOUT(m_window->controller()->model()->log(id)->isCommitted(index), deadlineMs);
        const LogCell *cell = m_window->controller()->model()->log(id)->entry(index);
        QVERIFY(cell);
        QVERIFY2(cell->command.contains(QStringLiteral("colour=blue")), qPrintable(cell->command));
    }
    LogView *logs = m_window->logView();
    QTRY_VERIFY_WITH_TIMEOUT(logs->lastVisibleIndex() >= int(index.value), deadlineMs);
    for (const NodeId id : m_window->controller()->model()->nodeIds())
        QVERIFY(!logs->cellRect(id, index).isNull());

    const QImage image = m_window->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY2(image.width() >= 800 && image.height() >= 600, "the window opens at a usable size");
}

void TestMainWindow::killAndRestartThroughTheNodeMenu()
{
    start();
    const NodeId victim = follower();
    ClusterSupervisor *supervisor = m_window->controller()->supervisor();
    const qint64 pid = supervisor->pid(victim);
    QVERIFY(processExists(pid));

    QAction *kill = m_window->clusterView()->nodeAction(victim, NodeAction::Kill);
    QVERIFY(kill && kill->isEnabled());
    kill->trigger();
    QCOMPARE(supervisor->nodeState(victim), ClusterSupervisor::NodeState::Killed);
    QVERIFY2(!processExists(pid), "SIGKILL, and reaped");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->clusterView()->processLabel(victim), QStringLiteral("killed"),
                              deadlineMs);
    QVERIFY(!m_window->clusterView()->nodeAction(victim, NodeAction::Kill)->isEnabled());

    QAction *restart = m_window->clusterView()->nodeAction(victim, NodeAction::Restart);
    QVERIFY(restart->isEnabled());
    restart->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor->nodeState(victim), ClusterSupervisor::NodeState::Running,
                              deadlineMs);
    QVERIFY(supervisor->pid(victim) != pid);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->controller()->model()->node(victim)->connected, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->clusterView()->processLabel(victim).isEmpty(), deadlineMs);
    // Both faults are on the charts' time axis.
    QVERIFY(m_window->controller()->model()->history().faultMarkers().size() >= 2);
}

void TestMainWindow::statusBarCountsFrozenAndPausedNodes()
{
    QCOMPARE(MainWindow::nodeCountsText({.known = 5, .up = 5, .frozen = 0}),
             QStringLiteral("5 of 5 nodes up"));
    QCOMPARE(MainWindow::nodeCountsText({.known = 5, .up = 4, .frozen = 1}),
             QStringLiteral("4 of 5 nodes up, 1 frozen"));
    QCOMPARE(MainWindow::nodeCountsText({.known = 5, .up = 3, .frozen = 1}),
             QStringLiteral("3 of 5 nodes up, 1 frozen, 1 down"));
    QCOMPARE(MainWindow::nodeCountsText({.known = 5, .up = 0, .frozen = 5}),
             QStringLiteral("all 5 nodes paused"));

    start();
    const NodeId cold = follower();
    QVERIFY(m_window->controller()->freeze(cold));
    QTRY_VERIFY2_WITH_TIMEOUT(m_window->statusSummary().contains(QStringLiteral("2 of 3 nodes up, 1 frozen")),
                              qPrintable(m_window->statusSummary()), deadlineMs);
    m_window->controller()->pauseAll();
    QTRY_VERIFY2_WITH_TIMEOUT(m_window->statusSummary().contains(QStringLiteral("all 3 nodes paused")),
                              qPrintable(m_window->statusSummary()), deadlineMs);
    QVERIFY2(m_window->statusSummary().contains(QStringLiteral("(frozen)")),
             qPrintable(m_window->statusSummary()));
    m_window->controller()->resumeAll();
    QTRY_VERIFY2_WITH_TIMEOUT(m_window->statusSummary().contains(QStringLiteral("3 of 3 nodes up")),
                              qPrintable(m_window->statusSummary()), deadlineMs);
}

void TestMainWindow::cuttingALinkInTheViewBlocksBothEnds()
{
    start();
    const NodeId a(1), b(2);
    m_window->clusterView()->toggleLink(a, b);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(a).value(u"blocked_peers")) == QList<qint64>{2}, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(b).value(u"blocked_peers")) == QList<qint64>{1}, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->clusterView()->isLinkDrawnCut(a, b), deadlineMs);

    m_window->clusterView()->toggleLink(b, a);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(a).value(u"blocked_peers")).isEmpty(), deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(idsIn(statusOf(b).value(u"blocked_peers")).isEmpty(), deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->clusterView()->isLinkDrawnCut(a, b), deadlineMs);
}

void TestMainWindow::slowMotionReachesTheNodes()
{
    start();
    const Narration *feed = m_window->controller()->model()->narration();
    const auto actionLines = [feed] {
        return feed->items(NarrationFilter{.types = {QStringLiteral("fault"), QStringLiteral("faults")}},
                           10'000);
    };
    const std::size_t linesBefore = actionLines().size();
    QAction *slow = m_window->speedAction(20);
    QVERIFY(slow);
    slow->trigger();
    const SpeedSetting speed = m_window->controller()->speedSetting();
    QCOMPARE(speed.factor, 20);
    for (const NodeId id : m_window->controller()->model()->nodeIds()) {
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(id).value(u"heartbeat_ms").toInt(), speed.heartbeatMs, deadlineMs);
        QCOMPARE(statusOf(id).value(u"net").toObject().value(u"delay_ms").toInt(), speed.linkDelayMs);
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_window->statusSummary().contains(QStringLiteral("×20 slow motion")),
                             deadlineMs);
    // The model hears the new timers from the nodes themselves (a `faults` event).
    for (const NodeId id : m_window->controller()->model()->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(m_window->controller()->model()->node(id)->heartbeatMs, speed.heartbeatMs,
                                  deadlineMs);
    // One click, one sentence in the feed: the three nodes' six confirmations join it.
    QTRY_VERIFY2_WITH_TIMEOUT(
        actionLines().front().text.contains(QStringLiteral("confirmed by nodes 1, 2 and 3")),
        qPrintable(actionLines().front().text), deadlineMs);
    QCOMPARE(actionLines().size(), linesBefore + 1);
    QVERIFY2(actionLines().front().text.startsWith(QStringLiteral("You slowed the cluster down ×20")),
             qPrintable(actionLines().front().text));
}

void TestMainWindow::projectorModeEnlargesTheText()
{
    const qreal before = m_window->font().pointSizeF();
    m_window->projectorAction()->trigger();
    QVERIFY(m_window->font().pointSizeF() > before * 1.3);
    m_window->projectorAction()->trigger();
    QCOMPARE(m_window->font().pointSizeF(), before);
}

// raftlab --projector and --presentation (docs/cli.md): the window opens as F11 and F5 would leave it.
void TestMainWindow::theCommandLineOpensInProjectorModeOrPresenting()
{
    const qreal standard = m_window->font().pointSizeF();
    QVERIFY(!m_window->projectorAction()->isChecked());
    GuiOptions options;
    options.nodeCount = 3;
    options.projector = true;
    const MainWindow projector(options);
    QVERIFY(projector.projectorAction()->isChecked());
    QVERIFY(!projector.presentationAction()->isChecked());
    QVERIFY(projector.font().pointSizeF() > standard * 1.3);

    options.projector = false;
    options.presentation = true;
    MainWindow presenting(options);
    QVERIFY(presenting.presentationAction()->isChecked());
    QVERIFY(presenting.projectorAction()->isChecked());
    QVERIFY(presenting.menuBar()->isHidden());
    presenting.presentationAction()->setChecked(false); // Esc
    QVERIFY(!presenting.menuBar()->isHidden());
    QVERIFY(presenting.projectorAction()->isChecked());
}

void TestMainWindow::closingLeavesNoNodeBehind()
{
    start();
    QList<qint64> pids;
    for (const NodeId id : m_window->controller()->supervisor()->nodeIds())
        pids.append(m_window->controller()->supervisor()->pid(id));
    QCOMPARE(pids.size(), 3);
    for (const qint64 pid : pids)
        QVERIFY(processExists(pid));
    QVERIFY(m_window->close());
    for (const qint64 pid : pids)
        QVERIFY2(!processExists(pid),
                 qPrintable(QStringLiteral("node process %1 outlived the window").arg(pid)));
}

namespace {

QStringList capturedMessages;

void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    capturedMessages << message;
}

} // namespace

void TestMainWindow::quittingLogsNoStreamErrors()
{
    start();
    capturedMessages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    // Quit as the menu does; then give the closed streams time to report themselves, if they would.
    QVERIFY(m_window->close());
    QElapsedTimer settling;
    settling.start();
    while (settling.elapsed() < 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    m_window.reset();
    qInstallMessageHandler(previous);
    const QStringList noise = capturedMessages.filter(QStringLiteral("event stream"));
    QVERIFY2(noise.isEmpty(), qPrintable(noise.join(u'\n')));
}

void TestMainWindow::attachedClusterCannotBeKilledFromHere()
{
    // Someone else's cluster: this one, started by a second window, attached to by ours.
    start();
    const QString clusterFile = m_window->controller()->supervisor()->clusterFile();
    GuiOptions options;
    options.attachFile = clusterFile;
    MainWindow viewer(options);
    QVERIFY2(viewer.startCluster().isEmpty(), "attaches to a running cluster");
    QTRY_COMPARE_WITH_TIMEOUT(viewer.controller()->model()->summary().nodesUp, 3, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!viewer.controller()->model()->summary().leader.isNone(), deadlineMs);
    QVERIFY(!viewer.controller()->canControlProcesses());
    QVERIFY(!viewer.clusterView()->nodeAction(NodeId(1), NodeAction::Kill)->isEnabled());
    QVERIFY(!viewer.clusterView()->nodeAction(NodeId(1), NodeAction::Restart)->isEnabled());
    QVERIFY2(viewer.clusterView()->nodeAction(NodeId(1), NodeAction::Isolate)->isEnabled(),
             "links can still be cut on an attached cluster");
    // Closing the viewer stops nothing: the nodes are not its own.
    viewer.close();
    for (const NodeId id : m_window->controller()->supervisor()->nodeIds())
        QVERIFY(processExists(m_window->controller()->supervisor()->pid(id)));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
