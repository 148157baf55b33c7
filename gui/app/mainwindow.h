#pragma once

#include "cluster/clustercontroller.h"
#include "guioptions.h"
#include "views/theme.h"

#include <QMainWindow>
#include <QRect>

class QAction;
class QActionGroup;
class QLabel;
class QSplitter;
class QTabWidget;
class QToolBar;

namespace raftlab {

class CaptionOverlay;
class ChaosSession;
class ChartsPanel;
class ClientPanel;
class ClusterView;
class EventFeed;
class FittingScrollArea;
class HistoryPanel;
class LessonPanel;
class LessonSession;
class LogView;
class SafetyBanner;
class StatusLine;

// The app's one window (docs/architecture.md): the cluster ring in the middle, the narration and the
// client on the right, the logs and charts below, the time and fault controls in the tool bar, and the
// cluster at a glance in the status bar. It owns the ClusterController; the views read its model and
// ask it for faults through their signals, so a menu entry and a click on the ring are the same action.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const GuiOptions &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts (or attaches to) the cluster the options name. An empty string, or the reason it failed
    // (also shown in the window).
    QString startCluster();

    // A line that says which cluster this window is about, shown in the title and status bar.
    static QString clusterDescription(const GuiOptions &options);
    // The cluster the window shows now: a lesson's own, or the one the options asked for.
    QString runningClusterDescription() const;

    ClusterController *controller() { return m_controller; }
    ClusterView *clusterView() const { return m_clusterView; }
    LogView *logView() const { return m_logView; }
    ChartsPanel *chartsPanel() const { return m_chartsPanel; }
    EventFeed *eventFeed() const { return m_eventFeed; }
    ClientPanel *clientPanel() const { return m_clientPanel; }
    LessonSession *lessons() const { return m_lessons; }
    LessonPanel *lessonPanel() const { return m_lessonPanel; }
    CaptionOverlay *caption() const { return m_caption; }
    HistoryPanel *historyPanel() const { return m_historyPanel; }
    SafetyBanner *safetyBanner() const { return m_safetyBanner; }
    StatusLine *statusLine() const { return m_statusLine; }
    ChaosSession *chaos() const { return m_chaos; }
    QAction *chaosAction() const { return m_chaosAction; }
    QTabWidget *bottomTabs() const { return m_bottomTabs; }
    // Starts a lesson from a scenario file; the reason it cannot, or empty.
    QString startLesson(const QString &path);
    QAction *speedAction(int factor) const; // the tool bar's ×1, ×5, ×20, ×100
    QAction *projectorAction() const { return m_projectorAction; }
    QAction *presentationAction() const { return m_presentationAction; }
    QAction *sidePanelAction() const { return m_sidePanelAction; } // the events and the client
    QAction *bottomPanelAction() const { return m_bottomPanelAction; } // the logs and charts
    QWidget *bottomPanel() const;
    QWidget *sidePanel() const;
    // The status bar's summary line, e.g. "Leader: node 3 · term 4 · commit 17 · 5 of 5 nodes up · fsync
    // always".
    QString statusSummary() const;
    // Each node's HTTP address, a curl command for it, and where the cluster file is: what a user needs
    // to talk to the nodes from a terminal (Cluster ▸ Node addresses).
    QString nodeAddressesText() const;

    // How many nodes do what, for the status bar: up (its stream is up and it runs), frozen (SIGSTOP),
    // the rest down. "5 of 5 nodes up", "4 of 5 nodes up, 1 frozen", "all 5 nodes paused".
    struct NodeCounts
    {
        int known = 0;
        int up = 0;
        int frozen = 0;
    };
    static QString nodeCountsText(const NodeCounts &counts);

protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildViews();
    void buildActions();
    void connectController();
    void applyTheme();
    void refreshStatus();
    void refreshTitle();
    void refreshControls();
    void confirmReset();
    void showHowToRead();
    void showNodeAddresses();
    void buildLessons();
    void chooseLesson();
    void openScenarioFile();
    void refreshLesson();
    void setProjector(bool on);
    void setPresentation(bool on);
    void refreshCaption();
    void wrapToolBars();
    void fitSidePanels(); // least sizes of the panels; the client gets the height it needs, up to a share
    void buildHistory(); // the History tab, its menu, the Chaos switch and the safety banner
    void exportHistory();
    void exportVerdict();

    GuiOptions m_options;
    ClusterController *m_controller;
    Theme m_theme = Theme::standard();

    ClusterView *m_clusterView = nullptr;
    LogView *m_logView = nullptr;
    ChartsPanel *m_chartsPanel = nullptr;
    EventFeed *m_eventFeed = nullptr;
    ClientPanel *m_clientPanel = nullptr;
    FittingScrollArea *m_clientScroll = nullptr;
    int m_fittedLessonSteps = 0; // the lesson's steps when the column was last shared out
    bool m_lessonWasActive = false;
    LessonSession *m_lessons = nullptr;
    LessonPanel *m_lessonPanel = nullptr;
    CaptionOverlay *m_caption = nullptr;
    QTabWidget *m_bottomTabs = nullptr;
    QSplitter *m_side = nullptr; // the events and the client, on the right
    QSplitter *m_left = nullptr; // the ring over the logs and charts
    QSplitter *m_whole = nullptr;
    QToolBar *m_timeBar = nullptr;
    QToolBar *m_clusterBar = nullptr;
    HistoryPanel *m_historyPanel = nullptr;
    SafetyBanner *m_safetyBanner = nullptr;
    ChaosSession *m_chaos = nullptr;
    QAction *m_chaosAction = nullptr;

    QActionGroup *m_speedGroup = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_resumeAction = nullptr;
    QAction *m_healAction = nullptr;
    QAction *m_resetAction = nullptr;
    QAction *m_preVoteAction = nullptr;
    QAction *m_checkQuorumAction = nullptr;
    QAction *m_projectorAction = nullptr;
    QAction *m_presentationAction = nullptr;
    QAction *m_sidePanelAction = nullptr;
    QAction *m_bottomPanelAction = nullptr;
    bool m_presenting = false;
    bool m_projectorBeforePresentation = false;
    bool m_maximizedBeforePresentation = false;
    QRect m_geometryBeforePresentation;
    StatusLine *m_statusLine = nullptr;
    bool m_lessonChecked = false; // the finished lesson's history is checked once
    bool m_waitingForNodes = false; // the start-up message stays until every node answered
};

} // namespace raftlab
