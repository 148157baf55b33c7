#pragma once

#include "scenario/scenario.h"
#include "sim/simulatedcluster.h"

#include <QMainWindow>

class QLabel;
class QSplitter;

namespace raftlab {

class CaptionOverlay;
class ChartsPanel;
class ClientPanel;
class ClusterView;
class EventFeed;
class LessonPanel;
class LogView;
class PendingEventsView;
class SimClientSession;
class SimLessonSession;
class SimulationController;
class SimulationControls;
class TimelinePanel;
class ViolationBanner;

// A simulated cluster in the app's usual layout (the ring, the logs, the charts, the feed) with what only
// a simulation has: play/pause/step, the pending events, the timeline and its branches, Save/Open run,
// and the banner of a safety violation. Labelled as simulated everywhere: the title, a banner, the status.
class SimulationWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulationWindow)

public:
    explicit SimulationWindow(QWidget *parent = nullptr);
    ~SimulationWindow() override;

    // File › New simulated cluster…: asks for the configuration, then opens a window (nullptr: cancelled).
    static SimulationWindow *askAndOpen(QWidget *parent);
    // File › Open run…: a saved run in a new window (nullptr: cancelled or unreadable, said in a box).
    static SimulationWindow *openRunFile(QWidget *parent, const QString &path = QString());

    // A simulation-only lesson (Lessons menu) in a new window, played with the lesson panel and caption.
    static SimulationWindow *openLesson(QWidget *parent, const scenario::Scenario &lesson);

    QString start(const sim::SimulatedClusterConfig &config, std::uint64_t seed);
    // Plays `lesson` on a new run of its own cluster: empty, or why it cannot.
    QString startLesson(const scenario::Scenario &lesson);
    QString openRun(const QString &path);
    QString saveRun(const QString &path);

    SimulationController *controller() const { return m_controller; }
    ClusterView *clusterView() const { return m_clusterView; }
    PendingEventsView *pendingView() const { return m_pending; }
    TimelinePanel *timeline() const { return m_timeline; }
    SimulationControls *controls() const { return m_controls; }
    ViolationBanner *violationBanner() const { return m_violation; }
    LogView *logView() const { return m_logView; }
    QLabel *simulatedBanner() const { return m_banner; }
    SimLessonSession *lesson() const { return m_lesson; }
    ClientPanel *clientPanel() const { return m_clientPanel; }
    SimClientSession *clients() const { return m_clients; }
    LessonPanel *lessonPanel() const { return m_lessonPanel; }
    CaptionOverlay *caption() const { return m_caption; }

private:
    void buildViews();
    void buildMenus();
    void connectController();
    void refresh();
    void refreshTitle();
    void connectLesson();
    void connectClients();
    void refreshLesson();
    void newRun();
    void chooseRunToOpen();
    void chooseWhereToSave();

    SimulationController *m_controller;
    SimLessonSession *m_lesson;
    SimClientSession *m_clients;
    ClientPanel *m_clientPanel = nullptr;
    // The step at which the client panel's latest answer came: shown from an earlier step, it would be
    // an answer from the future ("committed at index 2" beside an entry not yet committed).
    std::uint64_t m_lastAnswerStep = 0;
    LessonPanel *m_lessonPanel = nullptr;
    QSplitter *m_side = nullptr; // the lesson, the pending messages, the feed, the client
    CaptionOverlay *m_caption = nullptr;
    ClusterView *m_clusterView = nullptr;
    LogView *m_logView = nullptr;
    ChartsPanel *m_chartsPanel = nullptr;
    EventFeed *m_eventFeed = nullptr;
    PendingEventsView *m_pending = nullptr;
    TimelinePanel *m_timeline = nullptr;
    SimulationControls *m_controls = nullptr;
    ViolationBanner *m_violation = nullptr;
    QLabel *m_banner = nullptr;
    QLabel *m_statusLabel = nullptr;
};

} // namespace raftlab
