#include "backgroundcheck.h"

#include <QThread>

namespace raftlab {

BackgroundCheck::BackgroundCheck(QObject *parent)
    : QObject(parent)
{ }

BackgroundCheck::~BackgroundCheck()
{
    if (m_thread) {
        m_thread->disconnect(this);
        m_thread->wait();
        delete m_thread;
    }
}

void BackgroundCheck::start(check::History history, check::CheckOptions options)
{
    if (m_thread) {
        m_queued = std::make_unique<Queued>(Queued{std::move(history), options});
        return;
    }
    launch(std::move(history), options);
}

void BackgroundCheck::launch(check::History history, check::CheckOptions options)
{
    auto report = std::make_shared<check::CheckReport>();
    const qsizetype operations = history.size();
    m_thread = QThread::create([report, history = std::move(history), options] {
        *report = check::checkLinearizability(history, options);
    });
    // QThread::finished is emitted in the worker thread: this connection runs the slot in ours.
    connect(m_thread, &QThread::finished, this, [this, report, operations] {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        Q_EMIT finished(*report, operations);
        if (m_queued) {
            std::unique_ptr<Queued> next = std::move(m_queued);
            launch(std::move(next->history), next->options);
        }
    });
    m_thread->start(QThread::LowPriority);
}

} // namespace raftlab
