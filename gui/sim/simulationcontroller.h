#pragma once

// SimulationController: the app's side of a simulated cluster (docs/architecture.md, "gui/sim"). It owns a
// SimulatedCluster and feeds its event stream, the same JSON objects as a node's /events, into a
// ClusterModel, so the ring, the logs, the charts and the feed draw a simulated cluster as they draw real
// nodes. Virtual time drives the model's clock.
//
// It is also the timeline. Every event is kept in a journal tagged with the step it belongs to; moving
// to an earlier step rewinds the cluster (its checkpoints plus replay) and rebuilds the model from the
// journal up to that step, so every view shows exactly that moment. Acting from an earlier step branches
// the run: the old future (its choices and journal) is kept in the branch list and can be returned to.

#include "model/clustermodel.h"
#include "sim/simulatedcluster.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace raftlab {

class SimulationController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulationController)

public:
    // One event of the stream and the step it belongs to (the events of step s+1 carry s).
    struct JournalEntry
    {
        std::uint64_t step = 0;
        QJsonObject event{};
    };
    using Journal = std::vector<JournalEntry>;

    // A run's other future, kept when acting from an earlier step replaced it.
    struct Branch
    {
        QString name{};
        std::uint64_t forkStep = 0; // where it and the run that replaced it part
        std::uint64_t length = 0; // its last step
        std::vector<sim::Choice> choices{};
        Journal journal{};
        std::optional<sim::Violation> violation{};
    };

    // Journal events replayed into the model at most, when a moment is redrawn: older ones are summed
    // up by the cluster's state at that moment (the charts and the feed then start later).
    static constexpr std::size_t defaultReplayWindow = 60'000;
    // ...and only those of this much virtual time before the moment: the charts' span, and some more.
    static constexpr qint64 replaySpanUs = 40'000'000;
    void setReplayWindow(std::size_t events) { m_replayWindow = std::max<std::size_t>(events, 1); }

    explicit SimulationController(QObject *parent = nullptr);
    ~SimulationController() override;

    ClusterModel *model() { return m_model; }
    const ClusterModel *model() const { return m_model; }
    const sim::SimulatedCluster *cluster() const { return m_cluster.get(); }
    bool hasCluster() const { return m_cluster != nullptr; }

    // --- runs ---------------------------------------------------------------------------------
    // A new run: empty, or one sentence saying what is wrong with `config`.
    QString start(const sim::SimulatedClusterConfig &config, std::uint64_t seed);
    // A run saved by saveRun(), at its end: empty, or why the file cannot be opened.
    QString openRun(const QByteArray &json);
    // The whole branch shown (seed, configuration and every choice up to its end), even while an
    // earlier step is shown.
    QByteArray saveRun() const;

    // --- time ---------------------------------------------------------------------------------
    bool isPlaying() const { return m_playTimer.isActive(); }
    void play();
    void pause();
    // Virtual milliseconds per real second while playing.
    void setSpeed(int virtualMsPerSecond);
    int speed() const { return m_speed; }
    qint64 virtualNowUs() const { return m_clockUs; }

    // --- actions (each one a choice; from an earlier step each one branches) --------------------
    bool step(std::uint64_t count = 1);
    bool deliver(sim::SimEventId id);
    bool drop(sim::SimEventId id);
    bool duplicate(sim::SimEventId id);
    bool fireTimer(NodeId node);
    bool crash(NodeId node);
    bool restart(NodeId node);
    bool freeze(NodeId node);
    bool thaw(NodeId node);
    bool isolate(NodeId node);
    void setLinkCut(NodeId a, NodeId b, bool cut);
    bool cutOneWay(NodeId from, NodeId to); // `to` stops hearing `from`
    bool heal();
    bool transferLeadership(NodeId to); // without a leader: `to` runs for election
    bool put(const QString &key, const QString &value); // at the leader
    bool get(const QString &key);
    bool putAt(NodeId node, const QString &key, const QString &value); // refused unless `node` leads
    bool getAt(NodeId node, const QString &key);
    bool apply(const sim::Choice &choice, const QString &sentence = QString());
    // Lets `act` drive the cluster itself (a lesson's scenario target does): what it does counts as
    // choices made here, forking the run first when an earlier step is shown. False, and `act` not
    // called, once the run stopped at a violation.
    bool actOnCluster(const std::function<void(sim::SimulatedCluster &cluster)> &act);
    // A marker in the feed and the charts, kept in the journal: what a lesson is about to do.
    void mark(const QString &label, const QString &text);

    std::vector<sim::PendingEvent> pendingEvents() const;
    bool isFrozen(NodeId node) const;
    bool isUp(NodeId node) const;

    // --- the timeline -------------------------------------------------------------------------
    std::uint64_t position() const; // the step shown
    std::uint64_t length() const { return m_length; } // the last step of the branch shown
    bool seek(std::uint64_t step); // any step in 0..length(); the model shows that moment
    const std::vector<Branch> &branches() const { return m_branches; }
    bool switchToBranch(std::size_t index); // the branch shown goes into the list in its place
    const Journal &journal() const { return m_journal; }

    // The violation that ended the branch shown (the checker stops a run at the first one).
    const std::optional<sim::Violation> &violation() const { return m_violation; }
    bool jumpToViolation();

    // How long the last seek took to rewind the cluster and rebuild the model (wall microseconds).
    qint64 lastSeekUs() const { return m_lastSeekUs; }

Q_SIGNALS:
    void runChanged(); // a new run (start, open): nodes and configuration may differ
    void changed(); // position, length, pending events, branches or play state
    void violationFound(const raftlab::sim::Violation &violation);
    void actionDone(const QString &sentence);
    void actionFailed(const QString &sentence);

private:
    void install(std::unique_ptr<sim::SimulatedCluster> cluster);
    void onEvent(const QJsonObject &event);
    void feed(const QJsonObject &event, bool live);
    void rebuildModel();
    void insertMarker(std::size_t at, std::uint64_t step, const QString &label, const QString &text);
    // Before an action: from an earlier step, the old future becomes a branch.
    void forkIfBehind();
    void afterAction(std::uint64_t stepsBefore);
    void playFrame();
    void forwardTo(std::uint64_t step);
    std::size_t journalCut(std::uint64_t step) const; // events of steps before `step`
    QString describe(const sim::Choice &choice) const;

    ClusterModel *m_model; // child
    std::unique_ptr<sim::SimulatedCluster> m_cluster;
    std::vector<sim::Choice> m_fullChoices; // the branch shown, to its end
    std::uint64_t m_length = 0;
    Journal m_journal;
    std::vector<Branch> m_branches;
    std::optional<sim::Violation> m_violation;
    bool m_quiet = false; // the cluster's events are not news (a seek replays what the journal has)
    qint64 m_clockUs = 0;
    qint64 m_rebuildClockUs = -1; // the clock while the model is rebuilt: the time of the event fed
    int m_speed = 200;
    QTimer m_playTimer;
    QElapsedTimer m_playClock;
    qint64 m_playOriginUs = 0;
    qint64 m_lastSeekUs = 0;
    int m_branchSerial = 0;
    std::size_t m_replayWindow = defaultReplayWindow;
    std::size_t m_initialEvents = 0; // the journal opens with the nodes' state and timers at step 0
};

} // namespace raftlab
