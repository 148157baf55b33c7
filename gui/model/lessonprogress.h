#pragma once

// LessonProgress: what a lesson panel reads of a lesson being played — the scenario, the step it is
// at, what each step showed — whoever plays it (LessonSession plays one on real processes). Read-only:
// the panel emits intents (Next, Previous, …) and the window hands them to the player.

#include "scenario/scenario.h"
#include "scenario/scenariorunner.h"

#include <QObject>

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

    using QObject::QObject;
    ~LessonProgress() override = default;

    virtual State state() const = 0;
    bool isActive() const { return state() != State::Idle; }
    virtual const scenario::Scenario &scenario() const = 0;
    virtual int currentIndex() const = 0; // the step running or waited at; -1 before the first
    virtual QString chapter() const = 0;
    // What each step showed once it ran; nullopt for steps not run (yet).
    virtual const std::vector<std::optional<scenario::StepResult>> &results() const = 0;
    virtual QString problem() const = 0; // why the lesson could not start

Q_SIGNALS:
    void changed();
};

} // namespace raftlab
