#include "connectiongate.h"

#include "httpresponses.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace raftlab {

QByteArray refusalResponse(const Refusal &refusal)
{
    const QByteArray body = QJsonDocument(errorJson(QString::fromLatin1(refusal.error), refusal.message))
                                .toJson(QJsonDocument::Compact) +
        '\n';
    return "HTTP/1.1 " + QByteArray::number(refusal.status) + ' ' +
        reasonPhrase(refusal.status).toByteArray() +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
}

ConnectionGate::ConnectionGate(QTcpSocket *socket, std::shared_ptr<const OriginPolicy> policy,
                               Options options)
    : QObject(socket)
    , m_socket(socket)
    , m_policy(std::move(policy))
    , m_options(options)
    , m_scanner(options.limits)
{
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGate::scanArrivals);
}

void ConnectionGate::followServer()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGate::noteServerRead);
}

void ConnectionGate::scanArrivals()
{
    // Everything buffered past m_unreadByServer arrived since the last scan: only QHttpServer reads
    // (consumes) the buffer, and it reads from the front.
    const qint64 available = m_socket->bytesAvailable();
    qint64 offset = std::min(m_unreadByServer, available);
    m_unreadByServer = available;
    // Peeked only when bytes other than a body's must be looked at; a small arrival (a whole request,
    // mostly) without a heap allocation.
    char small[4096];
    QByteArray large;
    QByteArrayView buffered;
    bool peeked = false;
    while (offset < available) {
        if (const qint64 opaque = m_scanner.opaqueBytesAhead(); opaque > 0) {
            const qint64 count = std::min(opaque, available - offset);
            m_scanner.skipOpaque(count);
            offset += count;
            continue;
        }
        if (!peeked) {
            peeked = true;
            if (available <= qint64(sizeof small)) {
                buffered = QByteArrayView(small, std::max<qint64>(0, m_socket->peek(small, available)));
            } else {
                large = m_socket->peek(available);
                buffered = large;
            }
        }
        if (offset >= buffered.size())
            return;
        const RequestStreamScanner::Step step = m_scanner.feed(QByteArrayView(buffered).sliced(offset));
        offset += step.consumed;
        if (step.kind == RequestStreamScanner::Step::Kind::Refused) {
            refuse(step.refusal);
            return;
        }
        if (step.kind == RequestStreamScanner::Step::Kind::HeadComplete) {
            if (const std::optional<Refusal> refusal = m_policy->check(step.head)) {
                refuse(*refusal);
                return;
            }
            // QHttpServer 6.4 never answers "Expect: 100-continue"; the client waits for this before it
            // sends the body (curl for a second, then sends anyway).
            if (step.head.expectContinue && step.head.hasBody() && offset == available)
                m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
        }
    }
}

void ConnectionGate::noteServerRead()
{
    m_unreadByServer = m_socket->bytesAvailable();
}

void ConnectionGate::refuse(const Refusal &refusal)
{
    if (m_refused)
        return;
    m_refused = true;
    // Every receiver, QHttpServer's included: the rest of this emission must not parse these bytes.
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGate::discardInput);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ConnectionGate::shutDownSendingWhenFlushed);
    m_socket->write(refusalResponse(refusal));
    discardInput();
    QTimer::singleShot(m_options.lingerMs, m_socket, [socket = m_socket] {
        socket->abort();
        socket->deleteLater();
    });
    Q_EMIT refused(refusal.error);
}

void ConnectionGate::discardInput()
{
    // QHttpServer may have left a read transaction open: bytes read inside it stay buffered.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    char scratch[16 * 1024];
    while (m_socket->read(scratch, sizeof scratch) > 0) { }
}

void ConnectionGate::shutDownSendingWhenFlushed()
{
    if (m_sendingShutDown || m_socket->bytesToWrite() > 0)
        return;
    m_sendingShutDown = true;
#ifdef Q_OS_UNIX
    // The client reads the answer, then the end of the stream; closing instead while it still sends
    // would answer its next bytes with a reset, which can destroy the unread answer on its side.
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
#endif
}

void ConnectionGate::sweep()
{
    if (m_refused)
        return;
    const bool stalled =
        m_scanner.isMidRequest() && m_midRequestAtSweep && m_scanner.bytesScanned() == m_bytesAtSweep;
    m_midRequestAtSweep = m_scanner.isMidRequest();
    m_bytesAtSweep = m_scanner.bytesScanned();
    if (stalled)
        refuse(Refusal{408, QByteArrayLiteral("request_timeout"),
                       QStringLiteral("the rest of the request did not arrive in time")});
}

} // namespace raftlab
