#pragma once

// LessonProgress: where a lesson being played stands — its scenario, the step running or waited at, its
// chapter and caption, and what each step showed once it ran (a tick, a cross, or nothing for an action).
// A lesson on real processes (LessonSession) and one in the simulator (SimLessonSession) keep it alike,
// and take the teacher's start, Next, Previous, Restart and Stop alike, so one binding (bindLessonPanel)
// serves both and the lesson panel and the caption read either one the same way.

#include "scenario/scenario.h"
#include "scenario/scenariorunner.h"

#include <QObject>

#include <map>
#include <optional>
#include <vector>

namespace raftlab {

// A lesson the app ships (or the user opened): where it came from and what it is.
struct LessonFile
{
    QString path;
    scenario::Scenario scenario;
};

class LessonProgress : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LessonProgress)

public:
    enum class State {
        Idle, // no lesson
        Starting, // its cluster is coming up
        Running, // a step runs
        Waiting, // paused before a step, for Next
        Finished,
        Failed, // the cluster did not start
    };

    explicit LessonProgress(QObject *parent = nullptr);
    ~LessonProgress() override;

    State state() const { return m_state; }
    bool isActive() const { return m_state != State::Idle; }
    const scenario::Scenario &scenario() const { return m_scenario; }
    int currentIndex() const { return m_index; } // the step running or waited at; -1 before the first
    QString chapter() const { return m_chapter; }
    // The line above the caption: the chapter, and while the lesson waits, that it waits for Next.
    QString heading() const;
    // The sentence for the class: the narration of the last step that ran or runs (a step waited at is
    // not running yet: its sentence comes with Next).
    QString caption() const;
    // What each step showed once it ran; nullopt for steps not run (yet).
    const std::vector<std::optional<scenario::StepResult>> &results() const { return m_results; }
    // Step `index` in a few words, with each node name a step gave that it uses ("kill L1") told as the
    // node it stands for ("kill L1 (node 3)"), once known.
    QString describeStep(int index) const;
    QString problem() const { return m_problem; } // why the lesson could not start
    // Whether the lesson's cluster is simulated (it plays in virtual time, one message at a time).
    virtual bool isSimulated() const = 0;

    // Starts `scenario` from its first step, on a fresh cluster of its own.
    void start(const scenario::Scenario &scenario);
    // Plays the lesson again from its first step; nothing when no lesson is active.
    void restart();
    // Plays the lesson again on a fresh cluster, without pausing, up to the step before the one waited at
    // (or running): neither cluster goes back in time, but both replay. Nothing when no lesson is active.
    void previous();
    // Runs the step waited at; nothing unless the lesson waits.
    virtual void next() = 0;
    // Ends the lesson: its progress is cleared and the state is Idle.
    virtual void stop() = 0;

Q_SIGNALS:
    void changed();
    void focusRequested(std::optional<raftlab::NodeId> node, std::optional<std::uint64_t> logIndex);

protected:
    // Starts a new run of the lesson's scenario that waits first at step `fastForwardTo` (0: the first
    // pause), running the steps before it without pausing.
    virtual void launch(int fastForwardTo) = 0;
    // A new run of the lesson: no step run yet.
    void clearProgress();
    void setProblem(const QString &problem) { m_problem = problem; }
    void setState(State state);
    // Keeps this progress up to date from the runner's signals (a new runner per run of the lesson).
    void follow(scenario::ScenarioRunner *runner);

private:
    scenario::Scenario m_scenario;
    State m_state = State::Idle;
    int m_index = -1;
    QString m_chapter;
    QString m_problem;
    std::vector<std::optional<scenario::StepResult>> m_results;
    std::map<QString, NodeId> m_nodeLabels; // of this run
};

} // namespace raftlab
