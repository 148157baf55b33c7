#pragma once

// Runs the linearizability checker on a copy of a history in a thread of its own, so the window keeps
// drawing while a long history is checked; the verdict arrives by signal on the owner's thread. One
// check at a time: a request while one runs is remembered and runs after it, on the history as it is
// then.

#include "check/history.h"
#include "check/linearizability.h"

#include <QObject>

#include <chrono>
#include <memory>

class QThread;

namespace raftlab {

class BackgroundCheck final : public QObject
{
    Q_OBJECT

public:
    explicit BackgroundCheck(QObject *parent = nullptr);
    ~BackgroundCheck() override; // waits for a running check (its budget bounds the wait)

    // Starts checking `history` now, or once the running check ends (then the latest history asked wins).
    void start(check::History history, check::CheckOptions options);
    bool isRunning() const { return m_thread != nullptr; }

Q_SIGNALS:
    // `operations`: how many operations the checked history held.
    void finished(const raftlab::check::CheckReport &report, qsizetype operations);

private:
    void launch(check::History history, check::CheckOptions options);

    QThread *m_thread = nullptr;
    struct Queued
    {
        check::History history;
        check::CheckOptions options;
    };
    std::unique_ptr<Queued> m_queued;
};

} // namespace raftlab
