#include "pendingrequests.h"

#include "httpresponses.h"

#include <QTimer>

namespace raftlab {

PendingRequests::PendingRequests(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_clock.start();
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &PendingRequests::expire);
}

PendingRequests::~PendingRequests() = default;

PendingRequests::Id PendingRequests::add(HttpResponder &&responder, int timeoutMs,
                                         std::function<Answer()> onTimeout)
{
    const Id id = m_nextId++;
    auto pending = std::make_unique<Pending>(std::move(responder));
    pending->socket = pending->responder.socket();
    pending->onTimeout = std::move(onTimeout);
    pending->clock.start();
    const qint64 deadlineMs = m_clock.elapsed() + timeoutMs;
    pending->deadline = m_deadlines.emplace(deadlineMs, id);
    m_pending.emplace(id, std::move(pending));
    // Requests mostly share one timeout, so a new deadline is rarely the earliest: the timer stays as is.
    if (!m_timer->isActive() || deadlineMs < m_armedForMs)
        armFor(deadlineMs);
    return id;
}

bool PendingRequests::answer(Id id, const Answer &answer)
{
    auto node = m_pending.extract(id);
    if (!node)
        return false;
    Pending &pending = *node.mapped();
    // The timer may stay armed for this deadline: it then finds nothing due and re-arms (expire()).
    m_deadlines.erase(pending.deadline);
    if (!pending.socket || pending.socket->state() != QAbstractSocket::ConnectedState)
        return false;
    writeAnswer(pending.responder, answer);
    Q_EMIT answered(pending.clock.nsecsElapsed() / 1000, static_cast<int>(answer.status));
    return true;
}

void PendingRequests::expire()
{
    // Bounded: each round answers (and so removes) the earliest request.
    while (!m_deadlines.empty() && m_deadlines.begin()->first <= m_clock.elapsed()) {
        const Id id = m_deadlines.begin()->second;
        answer(id, m_pending.at(id)->onTimeout());
    }
    if (!m_deadlines.empty())
        armFor(m_deadlines.begin()->first);
}

void PendingRequests::armFor(qint64 deadlineMs)
{
    m_armedForMs = deadlineMs;
    m_timer->start(static_cast<int>(std::max<qint64>(0, deadlineMs - m_clock.elapsed())));
}

} // namespace raftlab
