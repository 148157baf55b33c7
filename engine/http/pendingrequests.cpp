#include "pendingrequests.h"

#include <QTimer>

namespace raftlab {

PendingRequests::PendingRequests(QObject *parent)
    : QObject(parent)
{ }

PendingRequests::~PendingRequests()
{
    for (auto &[id, pending] : m_pending)
        delete pending->timer;
}

PendingRequests::Id PendingRequests::add(QHttpServerResponder &&responder, int timeoutMs,
                                         std::function<Answer()> onTimeout)
{
    const Id id = m_nextId++;
    auto pending = std::make_unique<Pending>(std::move(responder));
    pending->socket = pending->responder.socket();
    pending->onTimeout = std::move(onTimeout);
    pending->clock.start();
    pending->timer = new QTimer(this);
    pending->timer->setSingleShot(true);
    connect(pending->timer, &QTimer::timeout, this, [this, id] {
        const auto found = m_pending.find(id);
        if (found != m_pending.end())
            answer(id, found->second->onTimeout());
    });
    pending->timer->start(timeoutMs);
    m_pending.emplace(id, std::move(pending));
    return id;
}

bool PendingRequests::answer(Id id, const Answer &answer)
{
    auto node = m_pending.extract(id);
    if (!node)
        return false;
    Pending &pending = *node.mapped();
    pending.timer->deleteLater();
    if (!pending.socket || pending.socket->state() != QAbstractSocket::ConnectedState)
        return false;
    pending.responder.write(answer.body, answer.mime, answer.status);
    Q_EMIT answered(pending.clock.nsecsElapsed() / 1000, static_cast<int>(answer.status));
    return true;
}

} // namespace raftlab
