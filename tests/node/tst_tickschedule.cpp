// TickSchedule: logical ticks from the monotonic clock for a node whose tick timer sleeps until the next
// tick at which something is due. On time, logical time follows the clock; late, it slows and never jumps.
#include "node/tickschedule.h"

#include <QTest>

using namespace raftlab;

namespace {

constexpr qint64 tickUs = 10'000;

} // namespace

class TestTickSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theTimerWakesAtTheDueTick();
    void inputsCatchUpButNeverFireTheTimer();
    void anEarlierDueTickRearmsALaterOneDoesNot();
    void aLateWakeGivesNoMoreThanPlanned();
    void inputsAfterALateWakeDoNotReplayTheLostTime();
    void anInputWhileTheTimerIsOverdueKeepsThePlan();
    void aLateWakeHoldsTheFiringTickBack();
    void aHeldFiringIsNotHeldTwice();
    void anInputDuringTheHoldCanResetTheTimer();
    void anOnTimeWakeFiresWithAHold();
};

void TestTickSchedule::theTimerWakesAtTheDueTick()
{
    TickSchedule schedule(tickUs);
    schedule.start(1'000'000);
    QCOMPARE(schedule.armFor(5), std::optional<qint64>(1'050'000));
    QVERIFY(!schedule.armFor(5)); // armed already, for the same tick
    QCOMPARE(schedule.ticksAtWake(1'050'400, 5), 5);
    QVERIFY(!schedule.isArmed());
    // The phase is kept: the next tick is due 10 ms after the last one was, not after the wake-up.
    QCOMPARE(schedule.armFor(3), std::optional<qint64>(1'080'000));
}

void TestTickSchedule::inputsCatchUpButNeverFireTheTimer()
{
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(5);
    QCOMPARE(schedule.ticksBeforeInput(25'000, 5), 2); // two whole ticks went by
    QCOMPARE(schedule.ticksBeforeInput(29'000, 3), 0);
    // Overdue (the loop is late): an input gets every tick but the one that fires.
    QCOMPARE(schedule.ticksBeforeInput(200'000, 3), 2);
    QCOMPARE(schedule.ticksBeforeInput(210'000, 1), 0);
    QCOMPARE(schedule.ticksAtWake(210'000, 1), 1);
}

void TestTickSchedule::anEarlierDueTickRearmsALaterOneDoesNot()
{
    TickSchedule schedule(tickUs);
    schedule.start(0);
    QCOMPARE(schedule.armFor(20), std::optional<qint64>(200'000));
    QVERIFY(!schedule.armFor(30)); // a heard leader pushed the timeout back: the early wake-up re-plans
    QCOMPARE(schedule.armFor(1), std::optional<qint64>(10'000)); // a commit to announce at the next tick
    // The wake-up gives the elapsed ticks short of the core's timer, and plans the rest.
    QCOMPARE(schedule.ticksAtWake(10'000, 1), 1);
    QCOMPARE(schedule.armFor(29), std::optional<qint64>(300'000));
}

void TestTickSchedule::aLateWakeGivesNoMoreThanPlanned()
{
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(3);
    // The loop wakes 500 ms late: three ticks, not fifty-three.
    QCOMPARE(schedule.ticksAtWake(530'000, 3), 3);
    // Logical time resumes from the wake-up: the next tick is a whole tick after it.
    QCOMPARE(schedule.armFor(2), std::optional<qint64>(550'000));
    QCOMPARE(schedule.ticksBeforeInput(545'000, 2), 1);
}

void TestTickSchedule::inputsAfterALateWakeDoNotReplayTheLostTime()
{
    // A follower's election timer is 3 ticks away; the loop stalls 100 ms; a heartbeat waiting in the
    // socket is taken first and pushes the timer back to 15 ticks. The ticks given before the timer's
    // late wake-up and at it stay within the 3 planned.
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(3);
    const int beforeHeartbeat = schedule.ticksBeforeInput(100'000, 3);
    QCOMPARE(beforeHeartbeat, 2);
    QVERIFY(!schedule.armFor(15));
    const int secondInput = schedule.ticksBeforeInput(100'500, 15);
    const int atWake = schedule.ticksAtWake(101'000, 15);
    QCOMPARE(beforeHeartbeat + secondInput + atWake, 3);
    QCOMPARE(schedule.ticksBeforeInput(105'000, 14), 0);
}

void TestTickSchedule::anInputWhileTheTimerIsOverdueKeepsThePlan()
{
    // Inputs keep arriving while the wake-up is overdue (a leader under load): they never push the
    // wake-up back, so the heartbeat still goes out.
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(5);
    int due = 5;
    for (qint64 now = 60'000; now < 90'000; now += 5'000) {
        due -= schedule.ticksBeforeInput(now, due);
        QCOMPARE(due, 1);
        QVERIFY(!schedule.armFor(due));
        QCOMPARE(schedule.plannedWakeUs(), 50'000);
    }
}

void TestTickSchedule::aLateWakeHoldsTheFiringTickBack()
{
    // A follower's election timer is 20 ticks away; the whole machine stops for a second. At the
    // wake-up nobody's heartbeat had a chance to arrive: every tick but the firing one is given, and the
    // firing one waits 5 ticks after the wake-up, time for the leader to send a heartbeat.
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(20);
    QCOMPARE(schedule.ticksAtWake(1'200'000, 20, 5), 19);
    QVERIFY(schedule.isHoldingFiring());
    QCOMPARE(schedule.armFor(1), std::optional<qint64>(1'250'000));
    // Inputs meanwhile give no tick: the one left fires.
    QCOMPARE(schedule.ticksBeforeInput(1'240'000, 1), 0);
    QCOMPARE(schedule.ticksAtWake(1'250'000, 1, 5), 1);
    QVERIFY(!schedule.isHoldingFiring());
}

void TestTickSchedule::aHeldFiringIsNotHeldTwice()
{
    // A starved node whose every wake-up is late still times out, one hold later.
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(3);
    QCOMPARE(schedule.ticksAtWake(100'000, 3, 5), 2);
    QCOMPARE(schedule.armFor(1), std::optional<qint64>(150'000));
    QCOMPARE(schedule.ticksAtWake(400'000, 1, 5), 1);
}

void TestTickSchedule::anInputDuringTheHoldCanResetTheTimer()
{
    // The heartbeat arrives during the hold and pushes the timeout back: the held tick never fires.
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(20);
    QCOMPARE(schedule.ticksAtWake(1'000'000, 20, 5), 19);
    QCOMPARE(schedule.armFor(1), std::optional<qint64>(1'050'000));
    QCOMPARE(schedule.ticksBeforeInput(1'020'000, 1), 0);
    QVERIFY(!schedule.armFor(20)); // the heartbeat reset the core's timer: the wake-up stays planned
    const int atWake = schedule.ticksAtWake(1'050'000, 20, 5);
    QVERIFY2(atWake < 20, "the held tick fired although a heartbeat reset the timer");
    QVERIFY(!schedule.isHoldingFiring());
}

void TestTickSchedule::anOnTimeWakeFiresWithAHold()
{
    // Waking within a tick of the plan is not a stall: the timer fires as planned.
    TickSchedule schedule(tickUs);
    schedule.start(0);
    schedule.armFor(20);
    QCOMPARE(schedule.ticksAtWake(200'900, 20, 5), 20);
    QVERIFY(!schedule.isHoldingFiring());
}

QTEST_GUILESS_MAIN(TestTickSchedule)
#include "tst_tickschedule.moc"
