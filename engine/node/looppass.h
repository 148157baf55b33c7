#pragma once

#include <QObject>

#include <functional>

namespace raftlab {

// Runs a callback once after the event-loop pass in which it was asked for: as the loop is about to
// block, or as it starts its next pass, whichever comes first. Every request made before then shares
// that one run, as with a queued call (this is how a node groups the inputs of one pass into one Ready).
//
// A queued call posts an event, and posting wakes the loop through its eventfd: a write, then a read and
// one more poll that does not block, on every pass that asks (the leader asked on most of them, some
// 5,500 times a second at 16 connections). Here a request only sets a flag, and the owning thread's
// event dispatcher says when the pass ends (QAbstractEventDispatcher::aboutToBlock and awake, which
// Qt's own dispatcher and glib's both emit). Where there is no dispatcher yet, and when the callback
// asks again from inside a run at aboutToBlock (the loop would then block with the request unseen), it
// falls back to a queued call.
class LoopPass : public QObject
{
    Q_OBJECT
public:
    LoopPass(QObject *owner, std::function<void()> run);

    // Idempotent until the run: asking twice in one pass runs once.
    void request();
    bool requested() const { return m_requested; }

private:
    void runIfRequested(bool loopAboutToBlock);
    void postFallback();

    std::function<void()> m_run;
    bool m_hooked = false; // connected to the dispatcher of the owner's thread
    bool m_requested = false;
    bool m_running = false;
    bool m_fallbackPosted = false;
};

} // namespace raftlab
