#include "storageworker.h"

#include "storage/nodestorage.h"

#include <QElapsedTimer>
#include <QPointer>

namespace raftlab {

StorageWorker::StorageWorker(NodeStorage *storage, QObject *parent)
    : QObject(parent)
    , m_storage(storage)
    , m_executor(new QObject)
{
    m_thread.setObjectName(QStringLiteral("raftlab-storage"));
    m_executor->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_executor, &QObject::deleteLater);
    m_thread.start();
}

StorageWorker::~StorageWorker()
{
    m_thread.quit();
    m_thread.wait();
}

void StorageWorker::persist(std::shared_ptr<const Ready> ready, Done done)
{
    // The storage is touched only from the storage thread while a write is in flight; the node starts
    // the next one only after `done`, so there is never more than one.
    QMetaObject::invokeMethod(
        m_executor,
        [storage = m_storage, ready = std::move(ready), done = std::move(done),
         owner = QPointer<StorageWorker>(this)] {
            QElapsedTimer clock;
            clock.start();
            const StorageStatus status = storage->persist(*ready);
            const qint64 durationUs = clock.nsecsElapsed() / 1000;
            if (owner)
                QMetaObject::invokeMethod(
                    owner.data(), [done, status, durationUs] { done(status, durationUs); },
                    Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace raftlab
