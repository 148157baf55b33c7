#pragma once

// LessonSession: one lesson played in the app. It starts the lesson's own cluster (its node count and
// settings) through the ClusterController, waits until every node has said who it is, then plays the
// scenario step by step, stopping before each step marked "pause" until the teacher says Next. It
// keeps what each step showed (a tick, a cross, or nothing for an action) for the lesson panel.
//
// Previous restarts the lesson on a fresh cluster and runs, without pausing, up to the step before
// the one it waited at: a real cluster cannot go back in time, but it can be replayed.

#include "model/lessonprogress.h"

#include <vector>

namespace raftlab {

class ClusterController;
class ControllerTarget;

class LessonSession final : public LessonProgress
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LessonSession)

public:
    static constexpr int startupTimeoutMs = 60'000;

    explicit LessonSession(ClusterController *controller, QObject *parent = nullptr);
    ~LessonSession() override;

    // The lessons built into the app, in the order of their file names. A file that does not parse is
    // a bug of ours, caught by the test suite; it is left out here.
    static std::vector<LessonFile> shippedLessons();

    void next() override;
    void stop() override;

    bool isSimulated() const override { return false; }

private:
    void launch(int fastForwardTo) override;
    void waitForNodes(qint64 remainingMs, quint64 attempt);
    void play();

    ClusterController *m_controller;
    ControllerTarget *m_target = nullptr; // child
    scenario::ScenarioRunner *m_runner = nullptr; // child; a new one per run
    int m_fastForwardTo = 0; // the step the next run waits at first (Previous)
    quint64 m_attempt = 0; // bumped per launch: a late start-up poll of an earlier run is ignored
};

} // namespace raftlab
