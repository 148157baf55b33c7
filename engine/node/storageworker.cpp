#include "storageworker.h"

#include <QElapsedTimer>
#include <QPointer>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace raftlab {

StorageWorker::StorageWorker(const QString &threadName, Priority priority, QObject *parent)
    : QObject(parent)
    , m_executor(new QObject)
{
    m_thread.setObjectName(threadName);
    m_executor->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_executor, &QObject::deleteLater);
    m_thread.start();
    if (priority == Priority::Background) {
        // QThread::LowPriority does nothing under Linux's default scheduler (SCHED_OTHER has a single
        // static priority), and IdlePriority (SCHED_IDLE) could starve the job for as long as the
        // machine is saturated. A nice value on the thread's own id weighs it against the loop instead
        // (+10: about a tenth of a normal thread's share when both want the CPU), and it is best
        // effort: a failure leaves the thread at normal priority.
#ifdef Q_OS_LINUX
        QMetaObject::invokeMethod(
            m_executor, [] { (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10); },
            Qt::QueuedConnection);
#endif
    }
}

StorageWorker::~StorageWorker()
{
    m_thread.quit();
    m_thread.wait();
}

void StorageWorker::run(Job job, Done done)
{
    QMetaObject::invokeMethod(
        m_executor,
        [job = std::move(job), done = std::move(done), owner = QPointer<StorageWorker>(this)] {
            QElapsedTimer clock;
            clock.start();
            const StorageStatus status = job();
            const qint64 durationUs = clock.nsecsElapsed() / 1000;
            // The owner outlives every job: its destructor waits for this thread to finish.
            if (owner)
                QMetaObject::invokeMethod(
                    owner.data(), [done, status, durationUs] { done(status, durationUs); },
                    Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace raftlab
