#include "storageworker.h"

#include <QElapsedTimer>
#include <QPointer>

namespace raftlab {

StorageWorker::StorageWorker(const QString &threadName, QObject *parent)
    : QObject(parent)
    , m_executor(new QObject)
{
    m_thread.setObjectName(threadName);
    m_executor->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_executor, &QObject::deleteLater);
    m_thread.start();
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
