#pragma once

#include "httpresponder.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <functional>
#include <map>
#include <memory>

class QTimer;

namespace raftlab {

// HTTP requests that answer later (a write answers once applied). Each is answered exactly once: by
// whoever finishes first — the node, or the deadline, which then answers `onTimeout`'s response. One
// timer serves every deadline (armed for the earliest), not one QTimer per request: creating, starting
// and deleting a timer per write cost more than the rest of the bookkeeping together. The
// responder is only written while its socket is still connected (Qt 6.4 deletes the socket
// of a client that went away, and writing then would crash).
class PendingRequests final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PendingRequests)

public:
    struct Answer
    {
        QByteArray body;
        QByteArray mime = "application/json";
        QHttpServerResponder::StatusCode status = QHttpServerResponder::StatusCode::Ok;
    };
    using Id = std::uint64_t;

    explicit PendingRequests(QObject *parent = nullptr);
    ~PendingRequests() override;

    Id add(HttpResponder &&responder, int timeoutMs, std::function<Answer()> onTimeout);
    // False when the request was already answered (timed out, or its client left).
    bool answer(Id id, const Answer &answer);
    std::size_t size() const { return m_pending.size(); }
    // False once the request was answered (by the node, or by its deadline).
    bool isPending(Id id) const { return m_pending.count(id) != 0; }

Q_SIGNALS:
    void answered(qint64 latencyUs, int status);

private:
    using Deadlines = std::multimap<qint64, Id>; // milliseconds on m_clock -> request
    struct Pending
    {
        Pending(HttpResponder &&r)
            : responder(std::move(r))
        { }
        HttpResponder responder;
        QPointer<QTcpSocket> socket;
        Deadlines::iterator deadline;
        std::function<Answer()> onTimeout;
        QElapsedTimer clock;
    };
    void expire();
    void armFor(qint64 deadlineMs);

    std::map<Id, std::unique_ptr<Pending>> m_pending;
    Deadlines m_deadlines;
    QElapsedTimer m_clock;
    QTimer *m_timer;
    qint64 m_armedForMs = 0; // the deadline m_timer fires for, while active
    Id m_nextId = 1;
};

} // namespace raftlab
