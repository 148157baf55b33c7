// LoopPass: a callback run once after the event-loop pass that asked for it, without posting an event.
// Run twice by ctest: with glib's event dispatcher (Qt's default here) and with Qt's own
// (QT_NO_GLIB=1, as raftlab-node runs), since the two emit aboutToBlock and awake at different points.

#include "node/looppass.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTest>
#include <QTimer>

#include <sys/eventfd.h>
#include <unistd.h>

using namespace raftlab;

class TestLoopPass : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestsOfOnePassShareOneRunAfterIt();
    void aRunThatAsksAgainRunsAgainWithoutAWakeUp();
    void runsWhileSomeoneProcessesEventsWithoutWaiting();
    void runsBeforeTheLoopBlocksOnTheNextEvent();
    void asksNothingOfTheLoopWhenRunsAreNotRequested();
};

void TestLoopPass::requestsOfOnePassShareOneRunAfterIt()
{
    int runs = 0;
    LoopPass pass(this, [&] { ++runs; });
    pass.request();
    pass.request();
    QCOMPARE(runs, 0); // never from inside request()
    QVERIFY(pass.requested());
    QTRY_COMPARE_WITH_TIMEOUT(runs, 1, 10'000);
    QVERIFY(!pass.requested());
    QTest::qWait(50);
    QCOMPARE(runs, 1);
}

void TestLoopPass::aRunThatAsksAgainRunsAgainWithoutAWakeUp()
{
    // The second request comes from inside the first run, possibly as the loop is about to block with
    // nothing else to wake it: it must still run, long before the 10 s the loop would otherwise sleep.
    int runs = 0;
    LoopPass *pass = nullptr;
    LoopPass owned(this, [&] {
        if (++runs < 5)
            pass->request();
    });
    pass = &owned;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    pass->request();
    deadline.start(10'000);
    QTimer::singleShot(0, &loop, [&] {
        // Looks for the fifth run each time the loop is about to block: a polling timer would wake the loop
        // itself, and so hide a run left waiting.
        connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::aboutToBlock, &loop, [&] {
            if (runs >= 5)
                loop.quit();
        });
    });
    loop.exec();
    QCOMPARE(runs, 5);
    QVERIFY2(clock.elapsed() < 5'000, qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
}

void TestLoopPass::runsWhileSomeoneProcessesEventsWithoutWaiting()
{
    // QTest::qWait and QCoreApplication::processEvents(flags, ms) never let the loop block.
    int runs = 0;
    LoopPass pass(this, [&] { ++runs; });
    pass.request();
    QCoreApplication::processEvents(QEventLoop::AllEvents);
    QCoreApplication::processEvents(QEventLoop::AllEvents);
    QCOMPARE(runs, 1);
}

void TestLoopPass::runsBeforeTheLoopBlocksOnTheNextEvent()
{
    // A request made by a socket's notifier (the way inputs arrive) runs once that pass ends, before the
    // loop sleeps until the next event: the run must come before the second notification.
    const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    QVERIFY(fd >= 0);
    QSocketNotifier notifier(fd, QSocketNotifier::Read);
    QStringList order;
    LoopPass pass(this, [&] { order << QStringLiteral("run"); });
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        eventfd_t value = 0;
        ::eventfd_read(fd, &value);
        order << QStringLiteral("input");
        pass.request();
    });
    QTimer second; // the next input, 200 ms later: the loop blocks in between
    second.setSingleShot(true);
    connect(&second, &QTimer::timeout, this, [fd] { ::eventfd_write(fd, 1); });
    ::eventfd_write(fd, 1);
    second.start(200);
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 4, 10'000);
    QCOMPARE(order.join(QLatin1Char(' ')), QStringLiteral("input run input run"));
    ::close(fd);
}

void TestLoopPass::asksNothingOfTheLoopWhenRunsAreNotRequested()
{
    int runs = 0;
    LoopPass pass(this, [&] { ++runs; });
    QTest::qWait(100);
    QCOMPARE(runs, 0);
    QVERIFY(!pass.requested());
}

QTEST_GUILESS_MAIN(TestLoopPass)
#include "tst_looppass.moc"
