#pragma once

#include <QtGlobal>

#include <optional>

namespace raftlab {

// Maps the monotonic clock onto the core's logical ticks for a node that sleeps until the next tick at
// which its core has something due (RaftCore::ticksUntilTimer()) instead of waking at every tick: an idle
// node wakes a few times per heartbeat or election timeout, not a hundred times a second.
//
// Logical time follows the clock while the event loop keeps up; a late loop slows it and never jumps it
// (a node that advanced by the clock after a late wake-up would time out on a heartbeat waiting in its
// socket, and a saturated machine would change leaders all the time):
//  - before an input, the node is given the ticks that elapsed since the last one, but never the tick at
//    which a timer fires: a timer fires only from the tick timer's wake-up, which the event loop delivers
//    after the socket input already waiting;
//  - between two armings of the timer, the ticks given never outnumber those planned when it was armed;
//    the clock time a late wake-up overslept beyond them is dropped;
//  - a wake-up a tick or more after its plan may hold the firing tick back (see ticksAtWake()): the
//    process was stopped or starved, perhaps the whole machine with it, and the messages that would have
//    reset the timer (the leader's heartbeats) may not be sent yet. The old 10 ms ticker lost the stalled
//    time the same way, one tick per missed wake-up.
// Pure arithmetic on the times it is given: the node owns the clock and the QTimer.
class TickSchedule
{
public:
    explicit TickSchedule(qint64 tickUs);

    // Logical time starts now, at a tick boundary; no timer is armed.
    void start(qint64 nowUs);
    // The ticks to give the core before an input at `nowUs`, its next timer `ticksUntilTimer` ticks away:
    // those that elapsed, short of the one that fires.
    int ticksBeforeInput(qint64 nowUs, int ticksUntilTimer);
    // The ticks to give the core at the timer's wake-up at `nowUs`: those that elapsed, up to the one
    // that fires (and no more than were planned). The timer is then disarmed.
    // With `holdTicks` > 0, a wake-up a tick or more late gives every tick but the firing one, logical
    // time resumes from the wake-up, and the next armFor() plans the firing `holdTicks` later: time for
    // the input a stall delayed to arrive and reset the timer. A held firing is not held again: the next
    // wake-up fires even if it is late too, so a starved node still times out, a little later.
    int ticksAtWake(qint64 nowUs, int ticksUntilTimer, int holdTicks = 0);
    // After the core took an input: when the timer must wake, if it must be (re)armed (it is not armed, or
    // the core's next timer is now due earlier than planned). A timer due later than planned is left alone:
    // its wake-up gives the ticks that elapsed and arms it again.
    std::optional<qint64> armFor(int ticksUntilTimer);
    void disarm() { m_armed = false; }
    bool isArmed() const { return m_armed; }
    bool isHoldingFiring() const { return m_holding; }
    qint64 plannedWakeUs() const { return m_plannedWakeUs; }

private:
    int elapsedTicks(qint64 nowUs) const;
    int plannedTicksLeft() const;

    qint64 m_tickUs;
    qint64 m_lastTickUs = 0; // when the last tick given was due
    qint64 m_plannedWakeUs = 0;
    bool m_armed = false;
    bool m_holding = false; // the last wake-up held its firing tick back, until m_holdUntilUs
    qint64 m_holdUntilUs = 0;
};

} // namespace raftlab
