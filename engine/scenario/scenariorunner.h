#pragma once

// ScenarioRunner: plays a Scenario on a ScenarioTarget, one step after another, and checks its
// expectations. It only decides what to do next; the target acts and the app or the headless runner
// shows what happened from the runner's signals.
//
// Expectations are polled on the target's clock (every `pollIntervalMs`) until they hold or their
// `within_ms` runs out, so a lesson waits for the cluster instead of guessing how long things take.

#include "scenario.h"
#include "scenariotarget.h"

#include <QObject>

#include <map>

namespace raftlab::scenario {

struct StepResult
{
    enum class Verdict {
        Done, // an action was carried out (nothing to check)
        Held, // an expectation held
        Failed, // an expectation failed, or an action could not be carried out
    };
    Verdict verdict = Verdict::Done;
    QString seen; // what was seen, in a few words
};

class ScenarioRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioRunner)

public:
    static constexpr int pollIntervalMs = 20;
    // How long the nodes may take to apply a cut or a heal (an admin request each) on a busy machine.
    static constexpr int linkSettleTimeoutMs = 15'000;
    static constexpr int resetTimeoutMs = 60'000; // a loaded machine starts nodes slowly

    enum class Pauses {
        Honour, // wait for next() before every step marked "pause"
        Skip, // headless: go on
    };

    ScenarioRunner(Scenario scenario, ScenarioTarget *target, QObject *parent = nullptr);

    const Scenario &scenario() const { return m_scenario; }
    void setPauses(Pauses pauses) { m_pauses = pauses; }
    // Stop at a failed expectation (headless) or note it and go on (a lesson in front of a class).
    void setStopOnFailure(bool stop) { m_stopOnFailure = stop; }
    // Runs steps before `index` (0-based) without pausing, then waits for next() there: how the app
    // goes back one step (it restarts the lesson on a fresh cluster and fast-forwards).
    void setFastForwardTo(int index) { m_fastForwardTo = index; }

    void start();
    // Runs the step the runner waits at.
    void next();
    // Stops after the step in progress; no signal comes after this.
    void stop();

    bool isWaiting() const { return m_waiting; }
    bool isFinished() const { return m_finished; }
    int currentIndex() const { return m_index; } // the step running or waited at
    int failures() const { return m_failures; }

Q_SIGNALS:
    void stepStarted(int index); // index into scenario().steps
    void stepFinished(int index, const raftlab::scenario::StepResult &result);
    void waitingForNext(int index); // paused before this step
    void chapterChanged(const QString &title);
    void focusRequested(std::optional<raftlab::NodeId> node, std::optional<std::uint64_t> logIndex);
    // A step gave a node a name ("as": "L1"): later steps say the name, a student needs the node.
    void nodeLabelled(const QString &label, raftlab::NodeId node);
    void finished(bool everyExpectationHeld);

private:
    void runNext();
    void runStep(const Step &step);
    void finishStep(StepResult result);
    void fail(const QString &seen) { finishStep(StepResult{StepResult::Verdict::Failed, seen}); }
    void done(const QString &seen = {}) { finishStep(StepResult{StepResult::Verdict::Done, seen}); }

    // Resolving names. nullopt when the name cannot be resolved now (no leader, a label never given).
    std::optional<NodeId> resolve(const NodeRef &ref) const;
    std::optional<NodeId> currentLeader() const;
    std::uint64_t highestTerm() const;
    QString describeNodes() const;
    // The configuration in force as the current leader holds it; nullopt without a leader.
    std::optional<NodeView> leaderView() const;
    // Whether `id` is a voter or learner of the leader's configuration (true when there is no leader to
    // ask, or the leader's configuration is not known): the nodes a whole-cluster check looks at.
    bool inConfiguration(NodeId id) const;
    void remember(const Step &step, NodeId id);

    // Polls `check` until it holds or `withinMs` has passed; `check` answers asynchronously.
    using Check = std::function<void(std::function<void(bool held, QString seen)>)>;
    void pollUntil(int withinMs, Check check, StepResult::Verdict whenHeld = StepResult::Verdict::Held);
    // Ends an action on links once the nodes apply it (ScenarioTarget::unsettledLinks), or fails.
    void doneOnceLinksSettle(const QString &seen = {});
    void pollAgain(qint64 deadline, const std::shared_ptr<Check> &check, StepResult::Verdict whenHeld);
    // Fails as soon as `violated` says so during `durationMs`, holds at the end.
    void watchFor(int durationMs, std::function<QString()> violated, const QString &heldText);

    void runWrite(const Step &step, const ClientWrite &write);
    void runRead(const ClientRead &read);
    void runExpect(const Expect &expect);
    void runMembershipExpect(const Expect &expect);
    void runMembershipChange(const Step &step);
    void runPartition(const Partition &partition);
    void checkValueOnAll(const Expect &expect, std::function<void(bool, QString)> answer);

    // A callback of this run's: ignored once the run was stopped or moved past the step it belongs to.
    std::function<void()> guarded(std::function<void()> f);

    Scenario m_scenario;
    ScenarioTarget *m_target;
    Pauses m_pauses = Pauses::Honour;
    bool m_stopOnFailure = true;
    int m_fastForwardTo = 0;
    int m_index = -1;
    bool m_waiting = false;
    bool m_finished = false;
    bool m_stopped = false;
    int m_failures = 0;
    quint64 m_stepGeneration = 0; // bumped at every step: late answers of a finished step are ignored
    std::map<QString, NodeId> m_nodeLabels;
    std::map<QString, std::uint64_t> m_termLabels;
    std::map<QString, std::optional<ClientAnswer>> m_writes; // non-waiting writes: nullopt until answered
};

} // namespace raftlab::scenario

Q_DECLARE_METATYPE(raftlab::scenario::StepResult)
