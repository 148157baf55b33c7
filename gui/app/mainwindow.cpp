#include "mainwindow.h"

#include "bindings/clientpanelbinding.h"
#include "bindings/lessonpanelbinding.h"
#include "check/historyjson.h"
#include "cluster/chaossession.h"
#include "cluster/clientsession.h"
#include "cluster/lessonsession.h"
#include "model/clienthistory.h"
#include "views/cluster/clusterview.h"
#include "views/controls/captionoverlay.h"
#include "views/controls/clientpanel.h"
#include "views/controls/eventfeed.h"
#include "views/controls/fittingscrollarea.h"
#include "views/controls/historypanel.h"
#include "views/controls/howtoread.h"
#include "views/controls/lessonchooser.h"
#include "views/controls/lessonpanel.h"
#include "views/controls/safetybanner.h"
#include "views/controls/statusline.h"
#include "views/panels/chartspanel.h"
#include "views/panels/logview.h"
#include "views/sim/simulationwindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFontMetrics>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QScreen>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include <algorithm>
#include <array>

namespace raftlab {

namespace {

// How long an action's sentence stays in the status bar.
constexpr int messageTimeoutMs = 6000;

QString onOff(bool on)
{
    return on ? MainWindow::tr("on") : MainWindow::tr("off");
}

} // namespace

MainWindow::MainWindow(const GuiOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_controller(new ClusterController(this))
    , m_lessons(new LessonSession(m_controller, this))
{
    setWindowTitle(tr("RaftLab — %1").arg(clusterDescription(options)));
    buildViews();
    buildActions();
    buildLessons();
    buildHistory();
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
    // raftlab --projector / --presentation: the class sees the big type from the first frame.
    // Presenting from the start keeps projector mode once Esc leaves the presentation.
    if (options.projector || options.presentation)
        m_projectorAction->setChecked(true);
    if (options.presentation)
        m_presentationAction->setChecked(true);
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
        return tr("attached to the cluster in %1").arg(options.attachFile);
    const QString nodes =
        options.nodeCount == 1 ? tr("1 local node") : tr("%1 local nodes").arg(options.nodeCount);
    if (options.workspaceDir.isEmpty())
        return nodes + tr(" in a fresh workspace");
    return nodes + tr(" in workspace %1").arg(options.workspaceDir);
}

QString MainWindow::startCluster()
{
    const QString error = m_options.attachFile.isEmpty()
        ? m_controller->startLocal(
              m_options.nodeCount, m_options.workspaceDir,
              ProtocolOptions{m_preVoteAction->isChecked(), m_checkQuorumAction->isChecked()})
        : m_controller->attach(m_options.attachFile);
    if (!error.isEmpty()) {
        statusBar()->showMessage(tr("Could not start the cluster: %1").arg(error));
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
    statusBar()->showMessage(m_controller->canControlProcesses()
                                 ? tr("Starting %1 nodes…").arg(m_options.nodeCount)
                                 : tr("Connecting to the nodes of %1…").arg(m_options.attachFile));
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
    bindClientPanel(m_clientPanel, m_controller->clientSession(), m_controller->loadGenerator());
    m_logView = new LogView(model);
    m_chartsPanel = new ChartsPanel(model);

    // The explaining column (sentences, then the client) runs the full height on the right; the ring
    // and, under it, the logs and charts (which need a row per node and a readable height) on the left.
    m_lessonPanel = new LessonPanel(m_lessons);
    m_lessonPanel->hide(); // until a lesson starts
    m_lessonPanel->installEventFilter(this); // the client's share of the column depends on it
    // A lesson's steps arrive after its panel shows: share the column out again for them (once a lesson,
    // not at every step, which would undo a divider the teacher dragged).
    connect(
        m_lessons, &LessonSession::changed, this,
        [this] {
            if (m_lessons->scenario().steps.size() != std::size_t(m_fittedLessonSteps))
                fitSidePanels();
        },
        Qt::QueuedConnection);
    m_caption = new CaptionOverlay(m_clusterView);

    auto *side = m_side = new QSplitter(Qt::Vertical);
    side->addWidget(m_lessonPanel);
    side->addWidget(m_eventFeed);
    // The client asks for the height it needs (a lesson panel opening above does not cut its controls
    // off), up to a share of the window that leaves the feed readable (fitSidePanels()).
    auto *clientScroll = m_clientScroll = new FittingScrollArea;
    clientScroll->setPanel(m_clientPanel);
    connect(clientScroll, &FittingScrollArea::neededSizeChanged, this, &MainWindow::fitSidePanels,
            Qt::QueuedConnection);
    side->addWidget(clientScroll);
    // Panels fold only through the View menu: dragging a splitter handle never shrinks one to nothing.
    side->setChildrenCollapsible(false);
    // The lesson panel (hidden until a lesson), the feed, the client: one size per widget, or the last
    // one starts folded to nothing.
    side->setStretchFactor(0, 1);
    side->setStretchFactor(1, 3);
    side->setStretchFactor(2, 2);
    side->setSizes({300, 500, 400});

    m_bottomTabs = new QTabWidget;
    m_bottomTabs->addTab(m_logView, tr("Logs"));
    m_bottomTabs->addTab(m_chartsPanel, tr("Charts"));
    m_historyPanel = new HistoryPanel(m_controller->clientHistory());
    m_bottomTabs->addTab(m_historyPanel, tr("History"));
    m_safetyBanner = new SafetyBanner(m_clusterView);

    auto *left = m_left = new QSplitter(Qt::Vertical);
    left->addWidget(m_clusterView);
    left->addWidget(m_bottomTabs);
    left->setStretchFactor(0, 11);
    left->setStretchFactor(1, 9);
    left->setSizes({550, 450});
    left->setChildrenCollapsible(false);

    auto *whole = m_whole = new QSplitter(Qt::Horizontal);
    whole->addWidget(left);
    whole->addWidget(side);
    whole->setStretchFactor(0, 5);
    whole->setStretchFactor(1, 2);
    whole->setSizes({1000, 400});
    whole->setChildrenCollapsible(false);
    setCentralWidget(whole);
    fitSidePanels();

    setStatusBar(m_statusLine = new StatusLine);
}

void MainWindow::buildActions()
{
    QToolBar *time = m_timeBar = addToolBar(tr("Time"));
    time->setObjectName(QStringLiteral("timeToolBar"));
    time->addWidget(new QLabel(tr(" Speed: ")));
    m_speedGroup = new QActionGroup(this);
    for (const int factor : ClusterController::speedFactors) {
        QAction *action = time->addAction(factor == 1 ? tr("×1 real time") : tr("×%1 slower").arg(factor));
        action->setCheckable(true);
        action->setChecked(factor == 1);
        action->setData(factor);
        action->setToolTip(factor == 1 ? tr("Timers as configured, no added delay")
                                       : tr("Heartbeats and election timeouts %1 times longer, and "
                                            "every message delayed so that it can be watched")
                                             .arg(factor));
        m_speedGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, factor] { m_controller->setSpeed(factor); });
    }
    time->addSeparator();
    m_pauseAction = time->addAction(tr("Pause all"), m_controller, &ClusterController::pauseAll);
    m_pauseAction->setToolTip(tr("Freeze every node (SIGSTOP): time stands still"));
    m_resumeAction = time->addAction(tr("Resume"), m_controller, &ClusterController::resumeAll);
    m_resumeAction->setToolTip(tr("Thaw every frozen node (SIGCONT)"));

    // A second row when the first is full (wrapToolBars): nothing hides behind the » extension.
    QToolBar *faults = m_clusterBar = addToolBar(tr("Cluster"));
    faults->setObjectName(QStringLiteral("clusterToolBar"));
    m_healAction = faults->addAction(tr("Heal all links"), m_controller, &ClusterController::healAll);
    m_resetAction = faults->addAction(tr("Reset cluster…"), this, &MainWindow::confirmReset);
    m_resetAction->setToolTip(tr("Kill every node, wipe its data, start again"));
    QAction *addNode = faults->addAction(tr("Add node"), m_controller, [this] { m_controller->addNode(); });
    addNode->setToolTip(tr("Start a new node and add it to the cluster: a learner until it has caught up"));
    faults->addSeparator();
    m_preVoteAction = faults->addAction(tr("PreVote"));
    m_preVoteAction->setCheckable(true);
    m_preVoteAction->setChecked(true);
    m_preVoteAction->setToolTip(tr("Candidates first ask whether they could win (thesis §9.6). "
                                   "Takes effect when the cluster is reset."));
    m_checkQuorumAction = faults->addAction(tr("CheckQuorum"));
    m_checkQuorumAction->setCheckable(true);
    m_checkQuorumAction->setChecked(true);
    m_checkQuorumAction->setToolTip(tr("A leader that stops hearing a majority steps down. "
                                       "Takes effect when the cluster is reset."));
    for (QAction *option : {m_preVoteAction, m_checkQuorumAction}) {
        connect(option, &QAction::toggled, this, [this] {
            statusBar()->showMessage(
                tr("PreVote %1, CheckQuorum %2 from the next reset of the cluster.")
                    .arg(onOff(m_preVoteAction->isChecked()), onOff(m_checkQuorumAction->isChecked())),
                messageTimeoutMs);
        });
    }
    faults->addSeparator();
    m_projectorAction = faults->addAction(tr("Projector mode"));
    m_projectorAction->setCheckable(true);
    m_projectorAction->setToolTip(tr("Larger type, thicker lines, stronger colours; the ring takes the "
                                     "room, the logs and charts fold away (View menu)"));
    connect(m_projectorAction, &QAction::toggled, this, &MainWindow::setProjector);
    m_presentationAction = faults->addAction(tr("Present"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setToolTip(tr("The ring alone, full screen, with a caption line (Esc leaves)"));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentation);

    // A simulated cluster opens in a window of its own; the real processes stay here.
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("New simulated cluster…"), this, [this] { SimulationWindow::askAndOpen(this); });
    file->addAction(tr("Open simulated run…"), this, [this] { SimulationWindow::openRunFile(this); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu *cluster = menuBar()->addMenu(tr("&Cluster"));
    cluster->addAction(m_pauseAction);
    cluster->addAction(m_resumeAction);
    cluster->addAction(m_healAction);
    cluster->addAction(m_resetAction);
    cluster->addAction(tr("Node &addresses (for curl)…"), this, &MainWindow::showNodeAddresses);
    cluster->addSeparator();
    cluster->addAction(m_preVoteAction);
    cluster->addAction(m_checkQuorumAction);
    QMenu *speed = menuBar()->addMenu(tr("&Speed"));
    speed->addActions(m_speedGroup->actions());
    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_projectorAction->setShortcut(QKeySequence(Qt::Key_F11));
    view->addAction(m_projectorAction);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F5));
    view->addAction(m_presentationAction);
    // The menu bar and tool bars hide while presenting: the window itself keeps the shortcuts alive.
    addAction(m_presentationAction);
    addAction(m_projectorAction);
    auto *leave = new QAction(tr("Leave the presentation"), this);
    leave->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(leave, &QAction::triggered, this, [this] { m_presentationAction->setChecked(false); });
    addAction(leave);
    view->addSeparator();
    m_sidePanelAction = view->addAction(tr("Events and client panel"));
    m_sidePanelAction->setCheckable(true);
    m_sidePanelAction->setChecked(true);
    connect(m_sidePanelAction, &QAction::toggled, m_side, &QWidget::setVisible);
    m_bottomPanelAction = view->addAction(tr("Logs and charts panel"));
    m_bottomPanelAction->setCheckable(true);
    m_bottomPanelAction->setChecked(true);
    connect(m_bottomPanelAction, &QAction::toggled, m_bottomTabs, &QWidget::setVisible);
    view->addAction(m_clusterView->legendAction());
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("How to read this screen"), QKeySequence::HelpContents, this,
                    &MainWindow::showHowToRead);
}

QWidget *MainWindow::bottomPanel() const
{
    return m_bottomTabs;
}

QWidget *MainWindow::sidePanel() const
{
    return m_side;
}

void MainWindow::setProjector(bool on)
{
    m_theme = on ? Theme::projector() : Theme::standard();
    applyTheme();
    // The ring is what the class looks at: the logs and charts fold away (View menu, or drag the
    // splitter, brings them back) and the explaining column takes a little over a quarter.
    m_bottomPanelAction->setChecked(!on);
    const int width = std::max(m_whole->width(), 400);
    m_whole->setSizes(on ? QList<int>{width * 70 / 100, width * 30 / 100}
                         : QList<int>{width * 5 / 7, width * 2 / 7});
    wrapToolBars();
}

void MainWindow::setPresentation(bool on)
{
    // Esc shares the shortcut: it only ever leaves.
    if (on == m_presenting)
        return;
    m_presenting = on;
    if (on) {
        m_projectorBeforePresentation = m_projectorAction->isChecked();
        m_maximizedBeforePresentation = isMaximized();
        m_projectorAction->setChecked(true);
    }
    menuBar()->setVisible(!on);
    m_timeBar->setVisible(!on);
    m_clusterBar->setVisible(!on);
    statusBar()->setVisible(!on);
    // The caption line takes the bottom of the screen: the hint gives way (refreshCaption keeps the
    // ring clear of it).
    m_clusterView->setHintVisible(!on);
    m_side->setVisible(!on && m_sidePanelAction->isChecked());
    m_bottomTabs->setVisible(!on && m_bottomPanelAction->isChecked());
    if (on) {
        m_geometryBeforePresentation = geometry();
        showFullScreen();
        // Without a window manager (a bare X server, a kiosk) "full screen" is only a wish: take the
        // screen's geometry as well.
        if (const QScreen *here = screen())
            setGeometry(here->geometry());
    } else {
        m_projectorAction->setChecked(m_projectorBeforePresentation);
        if (m_maximizedBeforePresentation) {
            showMaximized();
        } else {
            showNormal();
            setGeometry(m_geometryBeforePresentation);
        }
    }
    refreshCaption();
}

void MainWindow::wrapToolBars()
{
    // One row when both fit, else two: an action behind the » extension is an action nobody finds.
    const int needed = m_timeBar->sizeHint().width() + m_clusterBar->sizeHint().width() + 16;
    const bool wrapped = toolBarBreak(m_clusterBar);
    if (needed > width() && !wrapped)
        insertToolBarBreak(m_clusterBar);
    else if (needed <= width() && wrapped)
        removeToolBarBreak(m_clusterBar);
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    wrapToolBars();
    fitSidePanels();
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_lessonPanel && (event->type() == QEvent::Show || event->type() == QEvent::Hide))
        fitSidePanels();
    return QMainWindow::eventFilter(watched, event);
}

namespace {

// One panel's claim on the explaining column's height: it gets up to `upTo` pixels in all, once the
// claims before it are served.
struct ColumnClaim
{
    int panel; // 0 the lesson, 1 the feed, 2 the client
    int upTo;
};

// Hands out `total` pixels claim by claim, in order, each up to its amount and as far as they last; the
// last panel gets what is left over.
std::array<int, 3> shareColumn(int total, std::initializer_list<ColumnClaim> claims, int lastPanel)
{
    std::array<int, 3> heights{};
    int left = std::max(0, total);
    for (const ColumnClaim &claim : claims) {
        const int more = std::clamp(claim.upTo - heights[claim.panel], 0, left);
        heights[claim.panel] += more;
        left -= more;
    }
    heights[lastPanel] += left;
    return heights;
}

} // namespace

void MainWindow::fitSidePanels()
{
    // Least sizes, in the theme's type: a few lines of each panel, so that none is dragged to nothing.
    const QFontMetrics metrics(m_theme.font());
    const int line = metrics.lineSpacing();
    m_side->setMinimumWidth(metrics.averageCharWidth() * 22);
    m_bottomTabs->setMinimumHeight(line * 6);
    m_clusterView->setMinimumSize(line * 12, line * 10);
    m_clientScroll->setMinimumHeight(line * 6);
    const bool lesson = m_lessonPanel->isVisibleTo(m_side);
    m_fittedLessonSteps = int(m_lessons->scenario().steps.size());
    const int column =
        (m_side->isVisible() ? m_side->height() : height() * 3 / 4) - 2 * m_side->handleWidth();
    const int feedLeast = m_eventFeed->minimumSizeHint().height();
    // The lesson panel's least height holds its title, counter and buttons whole (the splitter keeps
    // to it); its steps come after.
    const int lessonLeast = lesson ? m_lessonPanel->minimumSizeHint().height() : 0;
    // The client fits whole unless that would leave the feed (and a lesson's panel) less than their
    // least: then it scrolls.
    const int clientRoom = std::max(line * 6, column - feedLeast - lessonLeast);
    m_clientScroll->setMaximumFittingHeight(clientRoom);
    const int clientWhole = std::min(m_clientScroll->sizeHint().height(), clientRoom);
    // Where the column is short, what explains comes before the client's table and load generator: the
    // request and its answer, then six of a lesson's steps and a dozen lines of sentences, then the rest
    // of the client, then every step; the feed takes what remains.
    const int clientRequest = std::min(m_clientPanel->requestPartHeight(), clientWhole);
    const int lessonFair = lesson ? m_lessonPanel->heightShowingSteps(6) : 0;
    const int lessonWhole = lesson ? m_lessonPanel->heightShowingSteps(m_fittedLessonSteps) : 0;
    const int feedFair = feedLeast + 8 * line;
    enum { Lesson, Feed, Client };
    const std::array<int, 3> heights = shareColumn(column,
                                                   {{Lesson, lessonLeast},
                                                    {Feed, feedLeast},
                                                    {Client, std::max(line * 6, clientRequest)},
                                                    {Lesson, lessonFair},
                                                    {Feed, feedFair},
                                                    {Client, clientWhole},
                                                    {Lesson, lessonWhole}},
                                                   Feed);
    m_side->setSizes({heights[Lesson], heights[Feed], heights[Client]});
}

void MainWindow::buildHistory()
{
    m_chaos = new ChaosSession(m_controller, this);
    m_chaosAction = new QAction(tr("Chaos"), this);
    m_chaosAction->setObjectName(QStringLiteral("chaosAction"));
    m_chaosAction->setCheckable(true);
    m_chaosAction->setToolTip(
        tr("Random faults (kill -9, freeze, partitions, one-way cuts, delay and loss) and "
           "concurrent clients until switched off; then every fault is undone and the "
           "History tab checks what the clients saw"));
    connect(m_chaosAction, &QAction::toggled, this, [this](bool on) {
        if (on == m_chaos->isRunning())
            return;
        if (on) {
            m_chaos->start(QRandomGenerator::global()->bounded(1'000'000U));
            m_bottomTabs->setCurrentWidget(m_historyPanel);
        } else {
            m_chaos->stop();
        }
    });
    connect(m_chaos, &ChaosSession::runningChanged, this, [this](bool running) {
        const QSignalBlocker quiet(m_chaosAction);
        m_chaosAction->setChecked(running);
        refreshControls();
    });

    QMenu *history = menuBar()->addMenu(tr("&History"));
    history->addAction(m_chaosAction);
    history->addSeparator();
    history->addAction(tr("&Check the history"), this, [this] { m_controller->checkHistoryInBackground(); });
    history->addAction(tr("&Export history (JSON Lines)…"), this, &MainWindow::exportHistory);
    history->addAction(tr("Export &verdict…"), this, &MainWindow::exportVerdict);
    connect(m_historyPanel, &HistoryPanel::checkWanted, this,
            [this] { m_controller->checkHistoryInBackground(); });
    connect(m_historyPanel, &HistoryPanel::exportHistoryWanted, this, &MainWindow::exportHistory);
    connect(m_historyPanel, &HistoryPanel::exportVerdictWanted, this, &MainWindow::exportVerdict);
    connect(m_controller, &ClusterController::safetyViolated, m_safetyBanner, &SafetyBanner::showViolation);
    // A lesson that ends is checked as a chaos run is: was every answer its clients got explainable?
    connect(m_lessons, &LessonSession::changed, this, [this] {
        // A lesson plays on a cluster of its own, which stays once the lesson is closed: the title and
        // the status bar say which cluster the window shows (the one before it is no longer running).
        const bool active = m_lessons->isActive();
        if (active != m_lessonWasActive) {
            m_lessonWasActive = active;
            refreshTitle();
            const ClusterConfig &config = m_controller->supervisor()->config();
            if (!active && !config.members.empty())
                statusBar()->showMessage(
                    tr("The lesson's cluster keeps running (heartbeat %1 ms, election timeout %2–%3 ms); "
                       "Reset cluster… starts a fresh one")
                        .arg(config.heartbeatMs)
                        .arg(config.electionTimeoutMs.minMs)
                        .arg(config.electionTimeoutMs.maxMs),
                    2 * messageTimeoutMs);
        }
        const bool finished = m_lessons->state() == LessonSession::State::Finished;
        if (finished && !m_lessonChecked && !m_controller->clientHistory()->history().isEmpty())
            m_controller->checkHistoryInBackground();
        m_lessonChecked = finished;
    });
}

void MainWindow::exportHistory()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export the client history"), QStringLiteral("history.jsonl"),
                                     tr("JSON Lines (*.jsonl);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(check::toJsonLines(m_controller->clientHistory()->history())) < 0)
        statusBar()->showMessage(tr("Could not write %1: %2").arg(path, file.errorString()),
                                 2 * messageTimeoutMs);
    else
        statusBar()->showMessage(tr("History written to %1").arg(path), messageTimeoutMs);
}

void MainWindow::exportVerdict()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the verdict"), QStringLiteral("verdict.txt"), tr("Text (*.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text) ||
        file.write(m_controller->clientHistory()->verdictText().toUtf8() + '\n') < 0)
        statusBar()->showMessage(tr("Could not write %1: %2").arg(path, file.errorString()),
                                 2 * messageTimeoutMs);
    else
        statusBar()->showMessage(tr("Verdict written to %1").arg(path), messageTimeoutMs);
}

void MainWindow::connectController()
{
    ClusterController *controller = m_controller;
    connect(m_clusterView, &ClusterView::killRequested, controller, &ClusterController::kill);
    connect(m_clusterView, &ClusterView::removeRequested, controller,
            [controller](NodeId id) { controller->removeNode(id); });
    connect(m_clusterView, &ClusterView::restartRequested, controller, &ClusterController::restart);
    connect(m_clusterView, &ClusterView::freezeRequested, controller, &ClusterController::freeze);
    connect(m_clusterView, &ClusterView::thawRequested, controller, &ClusterController::thaw);
    connect(m_clusterView, &ClusterView::isolateRequested, controller, &ClusterController::isolate);
    connect(m_clusterView, &ClusterView::transferRequested, controller, &ClusterController::makeLeader);
    connect(m_clusterView, &ClusterView::linkCutRequested, controller, &ClusterController::setLinkCut);
    connect(m_clusterView, &ClusterView::oneWayCutRequested, controller,
            [controller](NodeId from, NodeId to) { controller->setOneWayCut(from, to, true); });

    connect(controller, &ClusterController::processStateChanged, this,
            [this](NodeId id, ClusterSupervisor::NodeState state) {
                m_clusterView->setProcessState(id, state);
                refreshControls();
                refreshStatus(); // frozen and thawed nodes count differently
            });
    connect(controller->supervisor(), &ClusterSupervisor::configChanged, m_clientPanel,
            &ClientPanel::forgetRequests);
    connect(controller, &ClusterController::clientsChanged, this, [this] {
        refreshTitle(); // a new cluster: a lesson's, a reset one
        QList<NodeId> ids;
        for (const NodeClient *client : m_controller->clients())
            ids.append(client->id());
        m_clientPanel->setNodeIds(ids);
    });
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
    connect(controller->model(), &ClusterModel::changed, this, [this] {
        if (m_presenting && !m_lessons->isActive())
            refreshCaption();
    });
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
    fitSidePanels();
    QFont font = QApplication::font();
    font.setPointSizeF(font.pointSizeF() * m_theme.fontScale());
    setFont(font);
    // Menus are windows of their own: the window's font does not reach them by itself.
    for (QMenu *menu : menuBar()->findChildren<QMenu *>())
        menu->setFont(font);
    m_clusterView->setTheme(m_theme);
    m_logView->setTheme(m_theme);
    m_chartsPanel->setTheme(m_theme);
    m_eventFeed->setTheme(m_theme);
    m_clientPanel->setTheme(m_theme);
    m_lessonPanel->applyTheme(m_theme);
    m_caption->applyTheme(m_theme);
    m_historyPanel->setTheme(m_theme);
    m_safetyBanner->applyTheme(m_theme);
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
    m_chaosAction->setEnabled(local || m_chaos->isRunning()); // it kills and restarts processes
}

QString MainWindow::nodeCountsText(const NodeCounts &counts)
{
    if (counts.known > 0 && counts.frozen == counts.known)
        return counts.known == 1 ? tr("the node is paused") : tr("all %1 nodes paused").arg(counts.known);
    QString text = tr("%1 of %2 nodes up").arg(counts.up).arg(counts.known);
    if (counts.frozen > 0)
        text += tr(", %1 frozen").arg(counts.frozen);
    if (const int down = counts.known - counts.up - counts.frozen; down > 0)
        text += tr(", %1 down").arg(down);
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
        parts << tr("No leader") << tr("highest term %1").arg(summary.highestTerm.value);
    else
        parts << tr("Leader: node %1%2")
                     .arg(summary.leader.value)
                     .arg(isFrozen(summary.leader) ? tr(" (frozen)") : QString())
              << tr("term %1").arg(summary.highestTerm.value)
              << tr("commit %1").arg(summary.leaderCommitIndex.value);
    parts << nodeCountsText(counts);
    if (!summary.fsyncMode.isEmpty())
        parts << tr("fsync %1").arg(summary.fsyncMode);
    const int speed = m_controller->speed();
    parts << (speed == 1 ? tr("real time") : tr("×%1 slow motion").arg(speed));
    return parts.join(QStringLiteral(" · "));
}

QString MainWindow::runningClusterDescription() const
{
    const ClusterSupervisor *supervisor = m_controller->supervisor();
    const int members = int(supervisor->config().members.size());
    if (!m_options.attachFile.isEmpty() || members == 0)
        return clusterDescription(m_options);
    QString text = members == 1 ? tr("1 local node") : tr("%1 local nodes").arg(members);
    if (!supervisor->workspaceDir().isEmpty())
        text += tr(" in workspace %1").arg(QDir::toNativeSeparators(supervisor->workspaceDir()));
    if (m_lessons->isActive())
        text = tr("lesson %1 on %2").arg(m_lessons->scenario().title, text);
    return text;
}

void MainWindow::refreshTitle()
{
    setWindowTitle(tr("RaftLab — %1").arg(runningClusterDescription()));
}

void MainWindow::refreshStatus()
{
    m_statusLine->setSummary(statusSummary());
    const int members = int(m_controller->supervisor()->config().members.size());
    if (m_waitingForNodes && members > 0 && m_controller->model()->summary().nodesUp >= members) {
        m_waitingForNodes = false;
        statusBar()->showMessage(tr("All %1 nodes are up.").arg(members), messageTimeoutMs);
    }
}

void MainWindow::confirmReset()
{
    const auto answer = QMessageBox::question(
        this, tr("Reset the cluster"),
        tr("Kill every node, delete its log and state, and start them again with PreVote %1 and "
           "CheckQuorum %2?")
            .arg(onOff(m_preVoteAction->isChecked()), onOff(m_checkQuorumAction->isChecked())));
    if (answer != QMessageBox::Yes)
        return;
    const QString error = m_controller->resetCluster(
        ProtocolOptions{m_preVoteAction->isChecked(), m_checkQuorumAction->isChecked()});
    if (!error.isEmpty())
        statusBar()->showMessage(error, 2 * messageTimeoutMs);
}

QString MainWindow::nodeAddressesText() const
{
    const ClusterSupervisor *supervisor = m_controller->supervisor();
    const ClusterConfig &config = supervisor->config();
    if (config.members.empty())
        return tr("No cluster is running.");
    QStringList lines;
    for (const ClusterMember &member : config.members)
        lines << tr("node %1   http://%2   (Raft %3)")
                     .arg(member.id.value)
                     .arg(member.http.toString(), member.raft.toString());
    const ClusterMember &first = config.members.front();
    lines << QString() << tr("Any node answers and forwards a write to the leader:")
          << QStringLiteral("curl -X PUT --data hello http://%1/kv/greeting").arg(first.http.toString())
          << QStringLiteral("curl http://%1/kv/greeting").arg(first.http.toString())
          << QStringLiteral("curl http://%1/status").arg(first.http.toString());
    const QString file = supervisor->workspaceDir().isEmpty()
        ? m_options.attachFile
        : QDir(supervisor->workspaceDir()).filePath(QStringLiteral("cluster.json"));
    if (!file.isEmpty())
        lines << QString() << tr("The cluster file: %1").arg(QDir::toNativeSeparators(file));
    return lines.join(QLatin1Char('\n'));
}

void MainWindow::showNodeAddresses()
{
    QMessageBox box(QMessageBox::Information, tr("Node addresses"), nodeAddressesText(), QMessageBox::Close,
                    this);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse); // to copy a command into a terminal
    box.setFont(m_theme.font());
    box.exec();
}

void MainWindow::showHowToRead()
{
    // The pictures are the window's own widgets as they are now: what the words describe, on screen.
    using Picture = HowToReadDialog::Picture;
    std::map<Picture, QImage> pictures;
    const auto take = [&pictures](Picture picture, QWidget *widget) {
        if (widget && widget->isVisible() && widget->width() > 0)
            pictures[picture] = widget->grab().toImage();
    };
    take(Picture::Ring, m_clusterView);
    take(Picture::Logs, m_logView);
    take(Picture::Charts, m_chartsPanel);
    take(Picture::StatusBar, statusBar());
    take(Picture::Feed, m_eventFeed);
    pictures[Picture::Legend] = m_clusterView->legendPicture(); // whole, even while it is folded
    auto *dialog = new HowToReadDialog(pictures, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFont(font());
    dialog->show();
}

void MainWindow::buildLessons()
{
    QMenu *menu = menuBar()->addMenu(tr("&Lessons"));
    menu->addAction(tr("Choose a lesson…"), QKeySequence(Qt::CTRL | Qt::Key_L), this,
                    &MainWindow::chooseLesson);
    menu->addAction(tr("Open scenario…"), QKeySequence::Open, this, &MainWindow::openScenarioFile);
    menu->addSeparator();
    for (const LessonFile &lesson : LessonSession::shippedLessons()) {
        // A simulation-only lesson plays in a simulated window of its own; the menu says so.
        QAction *action =
            menu->addAction(lesson.scenario.simulationOnly ? tr("%1 (simulated)").arg(lesson.scenario.title)
                                                           : lesson.scenario.title);
        action->setStatusTip(lesson.scenario.summary);
        connect(action, &QAction::triggered, this, [this, path = lesson.path] { startLesson(path); });
    }
    // A presenter's clicker sends Page Down / Page Up: they step the lesson even while presenting, when
    // the lesson panel is hidden.
    const QList<QAction *> steps = lessonStepActions(m_lessons, this);
    menu->insertActions(menu->actions().value(2), steps);
    addActions(steps);
    bindLessonPanel(m_lessonPanel, m_lessons);
    connect(m_lessons, &LessonSession::changed, this, &MainWindow::refreshLesson);
    connect(m_lessons, &LessonSession::focusRequested, this,
            [this](std::optional<NodeId> node, std::optional<std::uint64_t> logIndex) {
                m_clusterView->setFocusNode(node);
                m_logView->setFocusIndex(logIndex);
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
    if (lesson.simulationOnly) // the real cluster here goes on as it is
        return SimulationWindow::openLesson(this, lesson) ? QString() : tr("the lesson could not start");
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
    m_lessonPanel->setVisible(active && !m_presenting);
    if (!active) { // a lesson's "look here" ends with it
        m_clusterView->setFocusNode(std::nullopt);
        m_logView->setFocusIndex(std::nullopt);
    }
    refreshCaption();
}

void MainWindow::refreshCaption()
{
    QString chapter;
    QString sentence;
    if (m_lessons->isActive()) {
        chapter = m_lessons->heading();
        sentence = m_lessons->caption();
    } else if (m_presenting) {
        // Presenting without a lesson: the caption line says what last happened, in the feed's words
        // (the steady heartbeats are no news).
        const Narration *narration = m_controller->model()->narration();
        for (std::size_t row = 0; row < std::min<std::size_t>(narration->size(), 50); ++row) {
            if (narration->item(row).type != QLatin1String("heartbeat")) {
                sentence = narration->item(row).shownText();
                break;
            }
        }
    }
    m_caption->setCaption(chapter, sentence);
    // The ring (and the hint under it) keep clear of the caption: its heading line and three lines of
    // sentence, whatever this one's length, so that the ring does not jump at every sentence.
    const bool captioned = m_presenting || m_lessons->isActive();
    // A lesson speaks through its caption: the hint for newcomers gives way, and the ring takes its room.
    m_clusterView->setHintVisible(!captioned);
    const int room = captioned ? m_caption->preferredRoom() : 0;
    m_caption->setRoom(room);
    m_clusterView->setBottomReserve(room);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // No node outlives the window (the destructor would do it too; doing it now frees the ports at once).
    m_controller->shutDown();
    event->accept();
}

} // namespace raftlab
