#include "mainwindow.h"

#include "cluster/lessonsession.h"
#include "views/cluster/clusterview.h"
#include "views/controls/captionoverlay.h"
#include "views/controls/clientpanel.h"
#include "views/controls/eventfeed.h"
#include "views/controls/lessonchooser.h"
#include "views/controls/lessonpanel.h"
#include "views/panels/chartspanel.h"
#include "views/panels/logview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

namespace raftlab {

namespace {

// How long an action's sentence stays in the status bar.
constexpr int messageTimeoutMs = 6000;

QString onOff(bool on)
{
    return on ? QStringLiteral("on") : QStringLiteral("off");
}

} // namespace

MainWindow::MainWindow(const GuiOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_controller(new ClusterController(this))
    , m_lessons(new LessonSession(m_controller, this))
{
    setWindowTitle(QStringLiteral("RaftLab — %1").arg(clusterDescription(options)));
    buildViews();
    buildActions();
    buildLessons();
    connectController();
    applyTheme();
    refreshControls();
    refreshStatus();
    statusBar()->showMessage(clusterDescription(options));
    // Most of the screen: a projector's 1920×1080 is all the class sees; a 1024×768 one is not overflowed.
    QSize size(1280, 800);
    if (const QScreen *screen = QGuiApplication::primaryScreen()) {
        if (screen->availableSize().width() > 1400)
            size = screen->availableSize() * 0.92;
        size = size.boundedTo(screen->availableSize());
    }
    resize(size);
}

MainWindow::~MainWindow()
{
    // Stopping the nodes reports each one's end; nobody here listens any more. Then the views, which
    // read the model the controller owns, go before it.
    m_controller->disconnect(this);
    m_controller->shutDown();
    delete centralWidget();
}

QString MainWindow::clusterDescription(const GuiOptions &options)
{
    if (!options.attachFile.isEmpty())
        return QStringLiteral("attached to the cluster in %1").arg(options.attachFile);
    const QString nodes = options.nodeCount == 1 ? QStringLiteral("1 local node")
                                                 : QStringLiteral("%1 local nodes").arg(options.nodeCount);
    if (options.workspaceDir.isEmpty())
        return nodes + QStringLiteral(" in a fresh workspace");
    return nodes + QStringLiteral(" in workspace %1").arg(options.workspaceDir);
}

QString MainWindow::startCluster()
{
    const QString error = m_options.attachFile.isEmpty()
        ? m_controller->startLocal(
              m_options.nodeCount, m_options.workspaceDir,
              ProtocolOptions{m_preVoteAction->isChecked(), m_checkQuorumAction->isChecked()})
        : m_controller->attach(m_options.attachFile);
    if (!error.isEmpty()) {
        statusBar()->showMessage(QStringLiteral("Could not start the cluster: %1").arg(error));
        return error;
    }
    if (const QString notice = m_controller->supervisor()->workspaceNotice(); !notice.isEmpty()) {
        // The user's earlier cluster was moved aside: say so where it cannot be missed, without blocking.
        auto *box = new QMessageBox(QMessageBox::Information, tr("An earlier cluster was moved aside"),
                                    notice, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    // Stays until every node has answered once (refreshStatus).
    m_waitingForNodes = true;
    statusBar()->showMessage(
        m_controller->canControlProcesses()
            ? QStringLiteral("Starting %1 nodes…").arg(m_options.nodeCount)
            : QStringLiteral("Connecting to the nodes of %1…").arg(m_options.attachFile));
    refreshControls();
    return QString();
}

// ---------------------------------------------------------------------------------------------
// Layout: the ring is the biggest thing on the screen (it is what a class looks at); the sentences
// that explain it sit beside it; the logs, which need width, run along the bottom.

void MainWindow::buildViews()
{
    ClusterModel *model = m_controller->model();
    m_clusterView = new ClusterView(model);
    m_eventFeed = new EventFeed(model);
    m_clientPanel = new ClientPanel(model);
    m_logView = new LogView(model);
    m_chartsPanel = new ChartsPanel(model);

    // The explaining column (sentences, then the client) runs the full height on the right; the ring
    // and, under it, the logs and charts (which need a row per node and a readable height) on the left.
    m_lessonPanel = new LessonPanel(m_lessons);
    m_lessonPanel->hide(); // until a lesson starts
    m_caption = new CaptionOverlay(m_clusterView);

    auto *side = new QSplitter(Qt::Vertical);
    side->addWidget(m_lessonPanel);
    side->addWidget(m_eventFeed);
    side->addWidget(m_clientPanel);
    side->setStretchFactor(0, 1);
    side->setStretchFactor(1, 1);
    side->setSizes({500, 500});

    m_bottomTabs = new QTabWidget;
    m_bottomTabs->addTab(m_logView, QStringLiteral("Logs"));
    m_bottomTabs->addTab(m_chartsPanel, QStringLiteral("Charts"));

    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(m_clusterView);
    left->addWidget(m_bottomTabs);
    left->setStretchFactor(0, 11);
    left->setStretchFactor(1, 9);
    left->setSizes({550, 450});

    auto *whole = new QSplitter(Qt::Horizontal);
    whole->addWidget(left);
    whole->addWidget(side);
    whole->setStretchFactor(0, 5);
    whole->setStretchFactor(1, 2);
    whole->setSizes({1000, 400});
    setCentralWidget(whole);

    m_statusLabel = new QLabel;
    m_statusLabel->setObjectName(QStringLiteral("clusterSummary"));
    statusBar()->addPermanentWidget(m_statusLabel);
}

void MainWindow::buildActions()
{
    QToolBar *time = addToolBar(QStringLiteral("Time"));
    time->setObjectName(QStringLiteral("timeToolBar"));
    time->addWidget(new QLabel(QStringLiteral(" Speed: ")));
    m_speedGroup = new QActionGroup(this);
    for (const int factor : ClusterController::speedFactors) {
        QAction *action = time->addAction(factor == 1 ? QStringLiteral("×1 real time")
                                                      : QStringLiteral("×%1 slower").arg(factor));
        action->setCheckable(true);
        action->setChecked(factor == 1);
        action->setData(factor);
        action->setToolTip(factor == 1
                               ? QStringLiteral("Timers as configured, no added delay")
                               : QStringLiteral("Heartbeats and election timeouts %1 times longer, and "
                                                "every message delayed so that it can be watched")
                                     .arg(factor));
        m_speedGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, factor] { m_controller->setSpeed(factor); });
    }
    time->addSeparator();
    m_pauseAction = time->addAction(QStringLiteral("Pause all"), m_controller, &ClusterController::pauseAll);
    m_pauseAction->setToolTip(QStringLiteral("Freeze every node (SIGSTOP): time stands still"));
    m_resumeAction = time->addAction(QStringLiteral("Resume"), m_controller, &ClusterController::resumeAll);
    m_resumeAction->setToolTip(QStringLiteral("Thaw every frozen node (SIGCONT)"));

    QToolBar *faults = addToolBar(QStringLiteral("Cluster"));
    faults->setObjectName(QStringLiteral("clusterToolBar"));
    m_healAction =
        faults->addAction(QStringLiteral("Heal all links"), m_controller, &ClusterController::healAll);
    m_resetAction = faults->addAction(QStringLiteral("Reset cluster…"), this, &MainWindow::confirmReset);
    m_resetAction->setToolTip(QStringLiteral("Kill every node, wipe its data, start again"));
    QAction *addNode = faults->addAction(tr("Add node"), m_controller, &ClusterController::addNode);
    addNode->setToolTip(tr("Start a new node and add it to the cluster: a learner until it has caught up"));
    faults->addSeparator();
    m_preVoteAction = faults->addAction(QStringLiteral("PreVote"));
    m_preVoteAction->setCheckable(true);
    m_preVoteAction->setChecked(true);
    m_preVoteAction->setToolTip(QStringLiteral("Candidates first ask whether they could win (thesis §9.6). "
                                               "Takes effect when the cluster is reset."));
    m_checkQuorumAction = faults->addAction(QStringLiteral("CheckQuorum"));
    m_checkQuorumAction->setCheckable(true);
    m_checkQuorumAction->setChecked(true);
    m_checkQuorumAction->setToolTip(QStringLiteral("A leader that stops hearing a majority steps down. "
                                                   "Takes effect when the cluster is reset."));
    for (QAction *option : {m_preVoteAction, m_checkQuorumAction}) {
        connect(option, &QAction::toggled, this, [this] {
            statusBar()->showMessage(
                QStringLiteral("PreVote %1, CheckQuorum %2 from the next reset of the cluster.")
                    .arg(onOff(m_preVoteAction->isChecked()), onOff(m_checkQuorumAction->isChecked())),
                messageTimeoutMs);
        });
    }
    faults->addSeparator();
    m_projectorAction = faults->addAction(QStringLiteral("Projector mode"));
    m_projectorAction->setCheckable(true);
    m_projectorAction->setToolTip(QStringLiteral("Larger type, thicker lines, stronger colours"));
    connect(m_projectorAction, &QAction::toggled, this, [this](bool on) {
        m_theme = on ? Theme::projector() : Theme::standard();
        applyTheme();
    });

    QMenu *cluster = menuBar()->addMenu(QStringLiteral("&Cluster"));
    cluster->addAction(m_pauseAction);
    cluster->addAction(m_resumeAction);
    cluster->addAction(m_healAction);
    cluster->addAction(m_resetAction);
    cluster->addSeparator();
    cluster->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu *speed = menuBar()->addMenu(QStringLiteral("&Speed"));
    speed->addActions(m_speedGroup->actions());
    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    m_projectorAction->setShortcut(QKeySequence(Qt::Key_F11));
    view->addAction(m_projectorAction);
    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("How to read this screen"), QKeySequence::HelpContents, this,
                    &MainWindow::showHowToRead);
}

void MainWindow::connectController()
{
    ClusterController *controller = m_controller;
    connect(m_clusterView, &ClusterView::killRequested, controller, &ClusterController::kill);
    connect(m_clusterView, &ClusterView::removeRequested, controller, &ClusterController::removeNode);
    connect(m_clusterView, &ClusterView::restartRequested, controller, &ClusterController::restart);
    connect(m_clusterView, &ClusterView::freezeRequested, controller, &ClusterController::freeze);
    connect(m_clusterView, &ClusterView::thawRequested, controller, &ClusterController::thaw);
    connect(m_clusterView, &ClusterView::isolateRequested, controller, &ClusterController::isolate);
    connect(m_clusterView, &ClusterView::transferRequested, controller, &ClusterController::makeLeader);
    connect(m_clusterView, &ClusterView::linkCutRequested, controller, &ClusterController::setLinkCut);

    connect(controller, &ClusterController::processStateChanged, this,
            [this](NodeId id, ClusterSupervisor::NodeState state) {
                m_clusterView->setProcessState(id, state);
                refreshControls();
                refreshStatus(); // frozen and thawed nodes count differently
            });
    connect(controller, &ClusterController::clientsChanged, this,
            [this] { m_clientPanel->setClients(m_controller->clients()); });
    connect(controller, &ClusterController::actionDone, this,
            [this](const QString &message) { statusBar()->showMessage(message, messageTimeoutMs); });
    connect(controller, &ClusterController::actionFailed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 2 * messageTimeoutMs); });
    connect(controller, &ClusterController::speedChanged, this, [this](int factor) {
        if (QAction *action = speedAction(factor))
            action->setChecked(true);
        refreshStatus();
    });
    connect(controller->model(), &ClusterModel::changed, this, &MainWindow::refreshStatus);
}

QAction *MainWindow::speedAction(int factor) const
{
    for (QAction *action : m_speedGroup->actions()) {
        if (action->data().toInt() == factor)
            return action;
    }
    return nullptr;
}

void MainWindow::applyTheme()
{
    QFont font = QApplication::font();
    font.setPointSizeF(font.pointSizeF() * m_theme.fontScale());
    setFont(font);
    m_clusterView->setTheme(m_theme);
    m_logView->setTheme(m_theme);
    m_chartsPanel->setTheme(m_theme);
    m_eventFeed->setTheme(m_theme);
    m_clientPanel->setTheme(m_theme);
    m_lessonPanel->applyTheme(m_theme);
    m_caption->applyTheme(m_theme);
}

void MainWindow::refreshControls()
{
    const bool local = m_controller->canControlProcesses();
    m_clusterView->setProcessControlEnabled(local);
    m_pauseAction->setEnabled(local);
    m_resumeAction->setEnabled(local);
    m_resetAction->setEnabled(local);
    m_preVoteAction->setEnabled(local);
    m_checkQuorumAction->setEnabled(local);
}

QString MainWindow::nodeCountsText(const NodeCounts &counts)
{
    if (counts.known > 0 && counts.frozen == counts.known)
        return counts.known == 1 ? QStringLiteral("the node is paused")
                                 : QStringLiteral("all %1 nodes paused").arg(counts.known);
    QString text = QStringLiteral("%1 of %2 nodes up").arg(counts.up).arg(counts.known);
    if (counts.frozen > 0)
        text += QStringLiteral(", %1 frozen").arg(counts.frozen);
    if (const int down = counts.known - counts.up - counts.frozen; down > 0)
        text += QStringLiteral(", %1 down").arg(down);
    return text;
}

QString MainWindow::statusSummary() const
{
    const ClusterModel *model = m_controller->model();
    const ClusterSupervisor *supervisor = m_controller->supervisor();
    const ClusterSummary summary = model->summary();
    // A frozen process keeps its event stream open: it counts as frozen, not as up.
    const auto isFrozen = [supervisor](NodeId id) {
        return supervisor->nodeState(id) == ClusterSupervisor::NodeState::Frozen;
    };
    NodeCounts counts{.known = summary.nodesKnown};
    for (const NodeId id : model->nodeIds()) {
        if (isFrozen(id))
            ++counts.frozen;
        else if (const NodeState *state = model->node(id); state && state->connected)
            ++counts.up;
    }
    QStringList parts;
    if (summary.leader.isNone())
        parts << QStringLiteral("No leader")
              << QStringLiteral("highest term %1").arg(summary.highestTerm.value);
    else
        parts << QStringLiteral("Leader: node %1%2")
                     .arg(summary.leader.value)
                     .arg(isFrozen(summary.leader) ? QStringLiteral(" (frozen)") : QString())
              << QStringLiteral("term %1").arg(summary.highestTerm.value)
              << QStringLiteral("commit %1").arg(summary.leaderCommitIndex.value);
    parts << nodeCountsText(counts);
    if (!summary.fsyncMode.isEmpty())
        parts << QStringLiteral("fsync %1").arg(summary.fsyncMode);
    const int speed = m_controller->speed();
    parts << (speed == 1 ? QStringLiteral("real time") : QStringLiteral("×%1 slow motion").arg(speed));
    return parts.join(QStringLiteral(" · "));
}

void MainWindow::refreshStatus()
{
    m_statusLabel->setText(statusSummary());
    const int members = int(m_controller->supervisor()->config().members.size());
    if (m_waitingForNodes && members > 0 && m_controller->model()->summary().nodesUp >= members) {
        m_waitingForNodes = false;
        statusBar()->showMessage(QStringLiteral("All %1 nodes are up.").arg(members), messageTimeoutMs);
    }
}

void MainWindow::confirmReset()
{
    const auto answer = QMessageBox::question(
        this, QStringLiteral("Reset the cluster"),
        QStringLiteral("Kill every node, delete its log and state, and start them again with PreVote %1 and "
                       "CheckQuorum %2?")
            .arg(onOff(m_preVoteAction->isChecked()), onOff(m_checkQuorumAction->isChecked())));
    if (answer != QMessageBox::Yes)
        return;
    const QString error = m_controller->resetCluster(
        ProtocolOptions{m_preVoteAction->isChecked(), m_checkQuorumAction->isChecked()});
    if (!error.isEmpty())
        statusBar()->showMessage(error, 2 * messageTimeoutMs);
}

void MainWindow::showHowToRead()
{
    QMessageBox::information(
        this, QStringLiteral("How to read this screen"),
        QStringLiteral(
            "<p><b>Circles</b> are the nodes, real raftlab-node processes. The fill colour is the node's "
            "current <b>term</b> (same colour, same term); the badge says its <b>role</b>. The arc around a "
            "follower is its <b>election timer</b>: when it runs out, the node stands for election.</p>"
            "<p><b>Dots</b> are messages in flight, coloured by type; hollow dots are replies, a cross a "
            "refusal. A <b>dashed red link</b> is cut: messages die there.</p>"
            "<p><b>Right-click a node</b> to kill, restart, freeze or isolate it, or make it leader. "
            "<b>Click a link</b> to cut or heal it. Slow the cluster down with the speed buttons.</p>"
            "<p>The <b>logs</b> below show every node's entries by index: solid cells are committed, dashed "
            "ones are not yet. The <b>events</b> on the right say what happened, newest first.</p>"));
}

void MainWindow::buildLessons()
{
    QMenu *menu = menuBar()->addMenu(tr("&Lessons"));
    menu->addAction(tr("Choose a lesson…"), QKeySequence(Qt::CTRL | Qt::Key_L), this,
                    &MainWindow::chooseLesson);
    menu->addAction(tr("Open scenario…"), QKeySequence::Open, this, &MainWindow::openScenarioFile);
    menu->addSeparator();
    for (const LessonFile &lesson : LessonSession::shippedLessons()) {
        QAction *action = menu->addAction(lesson.scenario.title);
        action->setStatusTip(lesson.scenario.summary);
        action->setEnabled(!lesson.scenario.simulationOnly);
        connect(action, &QAction::triggered, this, [this, path = lesson.path] { startLesson(path); });
    }
    connect(m_lessonPanel, &LessonPanel::nextRequested, m_lessons, &LessonSession::next);
    connect(m_lessonPanel, &LessonPanel::previousRequested, m_lessons, &LessonSession::previous);
    connect(m_lessonPanel, &LessonPanel::restartRequested, m_lessons, &LessonSession::restart);
    connect(m_lessonPanel, &LessonPanel::stopRequested, m_lessons, &LessonSession::stop);
    connect(m_lessons, &LessonSession::changed, this, &MainWindow::refreshLesson);
    connect(m_lessons, &LessonSession::focusRequested, this,
            [this](std::optional<NodeId> node, std::optional<std::uint64_t> logIndex) {
                QStringList where;
                if (node)
                    where << tr("node %1").arg(node->value);
                if (logIndex)
                    where << tr("log index %1").arg(*logIndex);
                statusBar()->showMessage(tr("Look at %1.").arg(where.join(tr(" and "))),
                                         2 * messageTimeoutMs);
            });
}

QString MainWindow::startLesson(const QString &path)
{
    scenario::Scenario lesson;
    if (const QString error = scenario::loadScenario(path, lesson); !error.isEmpty()) {
        QMessageBox::warning(this, tr("Cannot open the scenario"), error);
        return error;
    }
    if (lesson.simulationOnly) {
        const QString error = tr("%1 needs the step-by-step simulator.").arg(lesson.title);
        QMessageBox::information(this, tr("Cannot play this lesson here"), error);
        return error;
    }
    m_options.nodeCount = lesson.nodes;
    m_lessons->start(lesson);
    refreshControls();
    return m_lessons->state() == LessonSession::State::Failed ? m_lessons->problem() : QString();
}

void MainWindow::chooseLesson()
{
    LessonChooser chooser(LessonSession::shippedLessons(), this);
    connect(&chooser, &LessonChooser::openFileRequested, this, &MainWindow::openScenarioFile,
            Qt::QueuedConnection);
    if (chooser.exec() == QDialog::Accepted && chooser.chosen())
        startLesson(chooser.chosen()->path);
}

void MainWindow::openScenarioFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a scenario"), QString(), tr("Scenarios (*.json)"));
    if (!path.isEmpty())
        startLesson(path);
}

void MainWindow::refreshLesson()
{
    const bool active = m_lessons->isActive();
    m_lessonPanel->setVisible(active);
    m_caption->setCaption(m_lessons->chapter(), active ? m_lessons->caption() : QString());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // No node outlives the window (the destructor would do it too; doing it now frees the ports at once).
    m_controller->shutDown();
    event->accept();
}

} // namespace raftlab
