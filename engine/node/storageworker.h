#pragma once

#include "core/ready.h"
#include "storage/storagestatus.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace raftlab {

class NodeStorage;

// Makes Readies durable on a thread of its own, one at a time and in order, so that the node's event
// loop keeps reading sockets and parsing requests while the disk syncs; whatever arrives meanwhile goes
// into the next Ready (group commit). `done` runs on the thread that owns this object.
class StorageWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StorageWorker)

public:
    using Done = std::function<void(const StorageStatus &status, qint64 durationUs)>;

    explicit StorageWorker(NodeStorage *storage, QObject *parent = nullptr);
    // Waits for a write in progress, then stops the thread.
    ~StorageWorker() override;

    void persist(std::shared_ptr<const Ready> ready, Done done);

private:
    NodeStorage *m_storage;
    QThread m_thread;
    QObject *m_executor; // lives on m_thread
};

} // namespace raftlab
