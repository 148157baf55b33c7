#include "simulationwindow.h"

#include "newsimulationdialog.h"
#include "pendingeventsview.h"
#include "simulationcontrols.h"
#include "timelinepanel.h"
#include "violationbanner.h"

#include "bindings/clientpanelbinding.h"
#include "bindings/lessonpanelbinding.h"
#include "model/processstate.h"
#include "sim/simclientsession.h"
#include "sim/simlessonsession.h"
#include "sim/simulationcontroller.h"
#include "views/cluster/clusterview.h"
#include "views/controls/captionoverlay.h"
#include "views/controls/clientpanel.h"
#include "views/controls/eventfeed.h"
#include "views/controls/historypanel.h"
#include "views/controls/lessonpanel.h"
#include "views/panels/chartspanel.h"
#include "views/panels/logview.h"
#include "views/theme.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QGuiApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace raftlab {

namespace {

constexpr int messageTimeoutMs = 6000;

QString onOff(bool on)
{
    return on ? QObject::tr("on") : QObject::tr("off");
}

} // namespace

SimulationWindow::SimulationWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_controller(new SimulationController(this))
    , m_lesson(new SimLessonSession(m_controller, this))
    , m_clients(new SimClientSession(m_controller, this))
{
    setWindowFlag(Qt::Window); // its own window beside the real cluster's, whoever its parent is
    setAttribute(Qt::WA_DeleteOnClose);
    buildViews();
    buildMenus();
    connectController();
    connectLesson();
    connectClients();
    refreshTitle();
    QSize size(1280, 860);
    if (const QScreen *screen = QGuiApplication::primaryScreen()) {
        if (screen->availableSize().width() > 1400)
            size = screen->availableSize() * 0.92;
        size = size.boundedTo(screen->availableSize());
    }
    resize(size);
}

SimulationWindow::~SimulationWindow()
{
    m_controller->pause();
    m_controller->disconnect(this);
    m_lesson->disconnect(this);
    m_clients->disconnect(this);
    delete centralWidget(); // the views read the controller's model: they go first
}

SimulationWindow *SimulationWindow::askAndOpen(QWidget *parent)
{
    NewSimulationDialog dialog(parent);
    if (dialog.exec() != QDialog::Accepted)
        return nullptr;
    auto *window = new SimulationWindow(parent);
    if (const QString error = window->start(dialog.config(), dialog.seed()); !error.isEmpty()) {
        QMessageBox::warning(parent, tr("Cannot simulate this cluster"), error);
        delete window;
        return nullptr;
    }
    window->show();
    return window;
}

SimulationWindow *SimulationWindow::openRunFile(QWidget *parent, const QString &path)
{
    const QString file = path.isEmpty()
        ? QFileDialog::getOpenFileName(parent, tr("Open a simulated run"), QString(),
                                       tr("Simulated runs (*.json)"))
        : path;
    if (file.isEmpty())
        return nullptr;
    auto *window = new SimulationWindow(parent);
    if (const QString error = window->openRun(file); !error.isEmpty()) {
        QMessageBox::warning(parent, tr("Cannot open the run"), error);
        delete window;
        return nullptr;
    }
    window->show();
    return window;
}

SimulationWindow *SimulationWindow::openLesson(QWidget *parent, const scenario::Scenario &lesson)
{
    auto *window = new SimulationWindow(parent);
    if (const QString error = window->startLesson(lesson); !error.isEmpty()) {
        QMessageBox::warning(parent, tr("Cannot play this lesson"), error);
        delete window;
        return nullptr;
    }
    window->show();
    return window;
}

QString SimulationWindow::startLesson(const scenario::Scenario &lesson)
{
    m_lesson->start(lesson);
    if (m_lesson->state() == SimLessonSession::State::Failed)
        return m_lesson->problem();
    statusBar()->showMessage(
        tr("%1: press Next to go on, or move the timeline to see how it got here.").arg(lesson.title),
        messageTimeoutMs);
    return QString();
}

QString SimulationWindow::start(const sim::SimulatedClusterConfig &config, std::uint64_t seed)
{
    const QString error = m_controller->start(config, seed);
    if (error.isEmpty())
        statusBar()->showMessage(tr("A simulated cluster of %1 nodes: press Step or Play.").arg(config.nodes),
                                 messageTimeoutMs);
    return error;
}

QString SimulationWindow::openRun(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return tr("%1: %2").arg(path, file.errorString());
    const QString error = m_controller->openRun(file.readAll());
    if (!error.isEmpty())
        return tr("%1: %2").arg(path, error);
    statusBar()->showMessage(tr("Opened %1 at its last step (%2).").arg(path).arg(m_controller->length()),
                             messageTimeoutMs);
    return QString();
}

QString SimulationWindow::saveRun(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(m_controller->saveRun()) < 0)
        return tr("%1: %2").arg(path, file.errorString());
    statusBar()->showMessage(tr("Saved the run to %1.").arg(path), messageTimeoutMs);
    return QString();
}

// ---------------------------------------------------------------------------------------------
// Layout: the main window's, with the timeline under the ring and the pending events beside the feed.

void SimulationWindow::buildViews()
{
    ClusterModel *model = m_controller->model();
    m_clusterView = new ClusterView(model);
    m_clusterView->setProcessControlEnabled(true);
    m_clusterView->setSimulated(true);
    m_eventFeed = new EventFeed(model);
    m_logView = new LogView(model);
    m_chartsPanel = new ChartsPanel(model);
    m_pending = new PendingEventsView(m_controller);
    m_timeline = new TimelinePanel(m_controller);
    m_controls = new SimulationControls(m_controller);
    m_violation = new ViolationBanner(m_controller);
    m_banner = new QLabel;
    m_banner->setObjectName(QStringLiteral("simulatedBanner"));
    m_banner->setStyleSheet(QStringLiteral("#simulatedBanner { background: #283593; color: white; "
                                           "font-weight: bold; padding: 4px 8px; }"));
    const Theme theme = Theme::standard();
    m_clusterView->setTheme(theme);
    m_logView->setTheme(theme);
    m_chartsPanel->setTheme(theme);
    m_eventFeed->setTheme(theme);

    m_clientPanel = new ClientPanel(model);
    m_clientPanel->setTheme(theme);

    auto *tabs = new QTabWidget;
    tabs->addTab(m_logView, tr("Logs"));
    tabs->addTab(m_chartsPanel, tr("Charts"));
    tabs->addTab(new HistoryPanel(m_clients->history()), tr("History"));

    auto *left = new QSplitter(Qt::Vertical);
    left->addWidget(m_clusterView);
    left->addWidget(m_timeline);
    left->addWidget(tabs);
    left->setStretchFactor(0, 10);
    left->setStretchFactor(1, 0);
    left->setStretchFactor(2, 7);
    left->setSizes({500, 120, 350});

    m_lessonPanel = new LessonPanel(m_lesson);
    m_lessonPanel->applyTheme(theme);
    m_lessonPanel->hide(); // until a lesson starts
    m_caption = new CaptionOverlay(m_clusterView);
    m_caption->applyTheme(theme);

    auto *side = m_side = new QSplitter(Qt::Vertical);
    side->addWidget(m_lessonPanel);
    side->addWidget(m_pending);
    side->addWidget(m_eventFeed);
    side->addWidget(m_clientPanel);
    side->setSizes({300, 300, 300, 300});

    auto *whole = new QSplitter(Qt::Horizontal);
    whole->addWidget(left);
    whole->addWidget(side);
    whole->setStretchFactor(0, 5);
    whole->setStretchFactor(1, 3);
    whole->setSizes({1000, 600});

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_violation);
    layout->addWidget(m_controls);
    layout->addWidget(whole, 1);
    setCentralWidget(central);

    m_statusLabel = new QLabel;
    m_statusLabel->setObjectName(QStringLiteral("clusterSummary"));
    statusBar()->addPermanentWidget(m_statusLabel);
}

void SimulationWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("New simulated cluster…"), QKeySequence::New, this, &SimulationWindow::newRun);
    file->addAction(tr("Open run…"), QKeySequence::Open, this, &SimulationWindow::chooseRunToOpen);
    file->addAction(tr("Save run…"), QKeySequence::Save, this, &SimulationWindow::chooseWhereToSave);
    file->addSeparator();
    file->addAction(tr("Close"), QKeySequence::Close, this, &QWidget::close);
    QMenu *run = menuBar()->addMenu(tr("&Simulation"));
    run->addAction(tr("Play / pause"), QKeySequence(Qt::Key_Space), this,
                   [this] { m_controller->isPlaying() ? m_controller->pause() : m_controller->play(); });
    run->addAction(tr("Step"), QKeySequence(Qt::Key_N), this, [this] { m_controller->step(); });
    run->addAction(tr("Heal all links"), this, [this] { m_controller->heal(); });
    run->addAction(tr("Jump to violation"), this, [this] { m_controller->jumpToViolation(); });
}

void SimulationWindow::connectController()
{
    SimulationController *controller = m_controller;
    connect(m_clusterView, &ClusterView::killRequested, controller, &SimulationController::crash);
    connect(m_clusterView, &ClusterView::restartRequested, controller, &SimulationController::restart);
    connect(m_clusterView, &ClusterView::freezeRequested, controller, &SimulationController::freeze);
    connect(m_clusterView, &ClusterView::thawRequested, controller, &SimulationController::thaw);
    connect(m_clusterView, &ClusterView::isolateRequested, controller, &SimulationController::isolate);
    connect(m_clusterView, &ClusterView::transferRequested, controller,
            &SimulationController::transferLeadership);
    connect(m_clusterView, &ClusterView::linkCutRequested, controller, &SimulationController::setLinkCut);
    connect(m_clusterView, &ClusterView::fireTimerRequested, controller, &SimulationController::fireTimer);
    // A dot may have arrived between the right-click and the choice: then there is nothing to act on.
    const auto onMessage = [this](bool (SimulationController::*act)(sim::SimEventId)) {
        return [this, act](qint64 id) {
            if (!(m_controller->*act)(sim::SimEventId(id)))
                statusBar()->showMessage(tr("That message is no longer in flight."), messageTimeoutMs);
        };
    };
    connect(m_clusterView, &ClusterView::deliverMessageRequested, this,
            onMessage(&SimulationController::deliver));
    connect(m_clusterView, &ClusterView::dropMessageRequested, this, onMessage(&SimulationController::drop));
    connect(m_clusterView, &ClusterView::duplicateMessageRequested, this,
            onMessage(&SimulationController::duplicate));
    connect(m_clusterView, &ClusterView::oneWayCutRequested, controller, &SimulationController::cutOneWay);
    connect(controller, &SimulationController::changed, this, &SimulationWindow::refresh);
    connect(controller, &SimulationController::runChanged, this, &SimulationWindow::refreshTitle);
    connect(controller->model(), &ClusterModel::changed, this, &SimulationWindow::refresh);
    connect(controller, &SimulationController::actionDone, this,
            [this](const QString &message) { statusBar()->showMessage(message, messageTimeoutMs); });
    connect(controller, &SimulationController::actionFailed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 2 * messageTimeoutMs); });
    connect(controller, &SimulationController::violationFound, this, [this](const sim::Violation &violation) {
        statusBar()->showMessage(tr("Safety violation: %1").arg(violation.invariant), 2 * messageTimeoutMs);
    });
}

void SimulationWindow::connectClients()
{
    bindClientPanel(m_clientPanel, m_clients);
    connect(m_clients, &ClientRequests::requestAnswered, this,
            [this] { m_lastAnswerStep = m_controller->position(); });
    connect(m_controller, &SimulationController::changed, this, [this] {
        if (m_controller->position() < m_lastAnswerStep) {
            m_clientPanel->forgetRequests();
            m_lastAnswerStep = 0;
        }
    });
    connect(m_controller, &SimulationController::runChanged, this, [this] {
        m_clientPanel->forgetRequests();
        m_lastAnswerStep = 0;
        QList<NodeId> ids;
        if (const sim::SimulatedCluster *cluster = m_controller->cluster()) {
            for (NodeId id : cluster->nodeIds())
                ids.append(id);
        }
        m_clientPanel->setNodeIds(ids);
    });
}

void SimulationWindow::connectLesson()
{
    bindLessonPanel(m_lessonPanel, m_lesson);
    connect(m_lesson, &SimLessonSession::changed, this, &SimulationWindow::refreshLesson);
    connect(m_lesson, &SimLessonSession::focusRequested, this,
            [this](std::optional<NodeId> node, std::optional<std::uint64_t> logIndex) {
                m_clusterView->setFocusNode(node);
                m_logView->setFocusIndex(logIndex);
            });
    addActions(lessonStepActions(m_lesson, this));
}

void SimulationWindow::refreshLesson()
{
    const bool active = m_lesson->isActive();
    if (active && m_lessonPanel->isHidden()) {
        // A panel shown in a splitter gets only its least height: give the lesson a third of the column,
        // its list of steps included.
        m_lessonPanel->show();
        QList<int> sizes = m_side->sizes();
        const int total = std::accumulate(sizes.begin(), sizes.end(), 0);
        const int lesson = std::max(m_lessonPanel->minimumSizeHint().height(), total / 3);
        for (qsizetype i = 1; i < sizes.size(); ++i)
            sizes[i] = (total - lesson) / int(sizes.size() - 1);
        sizes[0] = lesson;
        m_side->setSizes(sizes);
    }
    m_lessonPanel->setVisible(active);
    if (!active) { // a lesson's "look here" ends with it
        m_clusterView->setFocusNode(std::nullopt);
        m_logView->setFocusIndex(std::nullopt);
    }
    m_caption->setCaption(active ? m_lesson->heading() : QString(), active ? m_lesson->caption() : QString());
    // The ring keeps clear of the caption: three lines of it, so that it does not jump at every sentence.
    const int room = active ? m_caption->preferredRoom() : 0;
    m_caption->setRoom(room);
    m_clusterView->setBottomReserve(room);
}

void SimulationWindow::refreshTitle()
{
    const sim::SimulatedCluster *cluster = m_controller->cluster();
    if (!cluster) {
        setWindowTitle(tr("RaftLab — simulated cluster"));
        m_banner->setText(tr("Simulated — virtual time"));
        return;
    }
    const sim::SimulatedClusterConfig &config = cluster->config();
    // A dot crosses its link in the message's own virtual time: a step shows how far each one got.
    MessagePlanner::Timing timing;
    timing.minVisibleUs = qint64(config.delayMinMs) * 1000;
    timing.burstUs = qint64(config.heartbeatMs) * 1000 / 2;
    m_clusterView->setMessageTiming(timing);
    QString what = tr("%1 simulated nodes, seed %2").arg(config.nodes).arg(cluster->seed());
    setWindowTitle(tr("RaftLab — %1 (simulated, virtual time)").arg(what));
    QString banner =
        tr("Simulated — virtual time · %1 · PreVote %2 · CheckQuorum %3 · heartbeat %4 ms · election "
           "timeout %5–%6 ms")
            .arg(what, onOff(config.preVote), onOff(config.checkQuorum))
            .arg(config.heartbeatMs)
            .arg(config.electionTimeoutMinMs)
            .arg(config.electionTimeoutMaxMs);
    if (config.adversary != sim::AdversarialFault::None)
        banner += tr(" · sabotaged: %1").arg(QString::fromLatin1(sim::toString(config.adversary)));
    m_banner->setText(banner);
}

void SimulationWindow::refresh()
{
    for (NodeId id : m_controller->model()->nodeIds()) {
        using State = ProcessState;
        m_clusterView->setProcessState(id,
                                       m_controller->isFrozen(id)   ? State::Frozen
                                           : m_controller->isUp(id) ? State::Running
                                                                    : State::Killed);
    }
    const ClusterSummary summary = m_controller->model()->summary();
    QStringList parts;
    if (summary.leader.isNone())
        parts << tr("No leader") << tr("highest term %1").arg(summary.highestTerm.value);
    else
        parts << tr("Leader: node %1").arg(summary.leader.value)
              << tr("term %1").arg(summary.highestTerm.value)
              << tr("commit %1").arg(summary.leaderCommitIndex.value);
    parts << tr("%1 of %2 nodes up").arg(summary.nodesUp).arg(summary.nodesKnown);
    parts << tr("step %1 of %2").arg(m_controller->position()).arg(m_controller->length());
    parts << tr("virtual time %1 s").arg(double(m_controller->virtualNowUs()) / 1e6, 0, 'f', 3);
    m_statusLabel->setText(parts.join(QStringLiteral(" · ")));
}

void SimulationWindow::newRun()
{
    NewSimulationDialog dialog(this);
    if (const sim::SimulatedCluster *cluster = m_controller->cluster())
        dialog.setSeed(cluster->seed() + 1);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (const QString error = start(dialog.config(), dialog.seed()); !error.isEmpty())
        QMessageBox::warning(this, tr("Cannot simulate this cluster"), error);
}

void SimulationWindow::chooseRunToOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a simulated run"), QString(),
                                                      tr("Simulated runs (*.json)"));
    if (path.isEmpty())
        return;
    if (const QString error = openRun(path); !error.isEmpty())
        QMessageBox::warning(this, tr("Cannot open the run"), error);
}

void SimulationWindow::chooseWhereToSave()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save the run"), QStringLiteral("run.json"),
                                                tr("Simulated runs (*.json)"));
    if (path.isEmpty())
        return;
    if (const QString error = saveRun(path); !error.isEmpty())
        QMessageBox::warning(this, tr("Cannot save the run"), error);
}

} // namespace raftlab
