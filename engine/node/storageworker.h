#pragma once

#include "storage/storagestatus.h"

#include <QObject>
#include <QThread>

#include <functional>

namespace raftlab {

// Runs storage jobs on a thread of its own, one at a time and in order, so that the node's event loop
// keeps reading sockets and parsing requests while the disk syncs; whatever arrives meanwhile goes into
// the next Ready (group commit). `done` runs on the thread that owns this object. The node has two: one
// for the log (each Ready), one for its own snapshots, which can be large and must never delay the log.
class StorageWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StorageWorker)

public:
    using Job = std::function<StorageStatus()>;
    using Done = std::function<void(const StorageStatus &status, qint64 durationUs)>;

    enum class Priority {
        Normal,
        // Below the event loop's share of the CPU (Linux: nice +10 for this thread only): for work that
        // may take long and must not take the CPU from the loop while every core is busy.
        Background,
    };

    explicit StorageWorker(const QString &threadName, Priority priority = Priority::Normal,
                           QObject *parent = nullptr);
    // Waits for a write in progress, then stops the thread.
    ~StorageWorker() override;

    void run(Job job, Done done);

private:
    QThread m_thread;
    QObject *m_executor; // lives on m_thread
};

} // namespace raftlab
