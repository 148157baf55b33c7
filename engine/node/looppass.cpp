#include "looppass.h"

#include <QAbstractEventDispatcher>
#include <QThread>

namespace raftlab {

LoopPass::LoopPass(QObject *owner, std::function<void()> run)
    : QObject(owner)
    , m_run(std::move(run))
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance(thread());
    if (!dispatcher)
        return;
    // Direct: the dispatcher lives in this thread and emits from inside processEvents().
    connect(
        dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [this] { runIfRequested(true); },
        Qt::DirectConnection);
    connect(
        dispatcher, &QAbstractEventDispatcher::awake, this, [this] { runIfRequested(false); },
        Qt::DirectConnection);
    m_hooked = true;
}

void LoopPass::request()
{
    if (m_requested)
        return;
    m_requested = true;
    if (!m_hooked)
        postFallback();
}

void LoopPass::runIfRequested(bool loopAboutToBlock)
{
    // m_running: a callback that spins a nested event loop does not run itself again from inside it.
    if (!m_requested || m_running)
        return;
    m_requested = false;
    m_running = true;
    m_run();
    m_running = false;
    if (m_requested && loopAboutToBlock)
        postFallback(); // asked again while the loop is about to block: wake it, or the run waits
}

void LoopPass::postFallback()
{
    if (m_fallbackPosted)
        return;
    m_fallbackPosted = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_fallbackPosted = false;
            runIfRequested(false);
        },
        Qt::QueuedConnection);
}

} // namespace raftlab
