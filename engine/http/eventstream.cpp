#include "eventstream.h"

#include <QJsonDocument>
#include <QTimer>

#include <algorithm>

namespace raftlab {

EventStream::EventStream(QObject *parent, qint64 maxBufferedBytes, std::size_t maxSubscribers)
    : QObject(parent)
    , m_maxBufferedBytes(maxBufferedBytes)
    , m_maxSubscribers(maxSubscribers)
    , m_keepAlive(new QTimer(this))
{
    // A comment line now and then finds subscribers that went away without closing.
    m_keepAlive->setInterval(15000);
    connect(m_keepAlive, &QTimer::timeout, this, [this] { write(QByteArrayLiteral(": keep-alive\n\n")); });
}

bool EventStream::isFull()
{
    std::erase_if(m_subscribers, [](const QPointer<QTcpSocket> &socket) {
        return !socket || socket->state() != QAbstractSocket::ConnectedState;
    });
    return m_subscribers.size() >= m_maxSubscribers;
}

void EventStream::subscribe(QHttpServerResponder &&responder, const QJsonObject &first)
{
    QTcpSocket *socket = responder.socket();
    responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    // No Access-Control-Allow-Origin: web pages of other origins must not read a node's events.
    responder.writeHeaders(
        {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}, {"Connection", "keep-alive"}});
    // writeBody() ends the header block (Qt 6.4 writes the blank line there); with no Content-Length
    // the body runs until either side closes, which is what an event stream is.
    m_lastTimeUs = std::max(m_lastTimeUs, first.value(QStringLiteral("t_us")).toInteger());
    responder.writeBody(QByteArrayLiteral("data: ") + QJsonDocument(first).toJson(QJsonDocument::Compact) +
                        QByteArrayLiteral("\n\n"));
    m_subscribers.emplace_back(socket);
    if (!m_keepAlive->isActive())
        m_keepAlive->start();
}

void EventStream::publish(const QJsonObject &event)
{
    if (m_subscribers.empty())
        return;
    // Events go out in the order things happened, but some carry the time their work began (a Ready's,
    // taken before the sends it caused went out): on the stream, time never runs backwards.
    const qint64 timeUs = event.value(QStringLiteral("t_us")).toInteger();
    if (timeUs >= m_lastTimeUs) {
        m_lastTimeUs = timeUs;
        write(QByteArrayLiteral("data: ") + QJsonDocument(event).toJson(QJsonDocument::Compact) +
              QByteArrayLiteral("\n\n"));
        return;
    }
    QJsonObject later = event;
    later.insert(QStringLiteral("t_us"), m_lastTimeUs);
    write(QByteArrayLiteral("data: ") + QJsonDocument(later).toJson(QJsonDocument::Compact) +
          QByteArrayLiteral("\n\n"));
}

void EventStream::write(const QByteArray &chunk)
{
    std::erase_if(m_subscribers, [this, &chunk](const QPointer<QTcpSocket> &socket) {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            return true;
        if (socket->bytesToWrite() > m_maxBufferedBytes) {
            ++m_droppedSubscribers;
            socket->disconnectFromHost();
            return true;
        }
        socket->write(chunk);
        return false;
    });
    if (m_subscribers.empty())
        m_keepAlive->stop();
}

} // namespace raftlab
