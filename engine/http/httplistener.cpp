#include "httplistener.h"

#include <QTcpSocket>
#include <QTimer>

namespace raftlab {

HttpListener::HttpListener(Options options, QObject *parent)
    : QTcpServer(parent)
    , m_options(options)
    , m_sweepTimer(new QTimer(this))
{
    // A request QHttpServer has not finished reading stays in the socket's buffer whole: the buffer must
    // hold the largest request the gate lets through, or that request would stall.
    const RequestStreamScanner::Limits &limits = m_options.gate.limits;
    Q_ASSERT(m_options.readBufferBytes >=
             limits.maxHeadBytes + limits.maxBodyBytes + limits.maxChunkFramingBytes);
    connect(m_sweepTimer, &QTimer::timeout, this, &HttpListener::sweep);
    m_sweepTimer->start(m_options.sweepIntervalMs);
}

HttpListener::~HttpListener() = default;

void HttpListener::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    auto *gate = new ConnectionGate(socket, m_policy, m_options.gate);
    connect(gate, &ConnectionGate::refused, this, [this](const QByteArray &error) { ++m_refusals[error]; });
    if (m_connections >= m_options.maxConnections) {
        // QHttpServer never sees this one: the gate answers, and the socket is ours to delete.
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        gate->refuse(Refusal{503, QByteArrayLiteral("too_many_connections"),
                             QStringLiteral("this node serves at most %1 HTTP connections at a time; "
                                            "retry once one has closed")
                                 .arg(m_options.maxConnections)});
        return;
    }
    ++m_connections;
    connect(socket, &QObject::destroyed, this, [this] { --m_connections; });
    socket->setReadBufferSize(m_options.readBufferBytes);
    if (m_fastHandler) {
        gate->serveFast(m_fastHandler, [this](QTcpSocket *handed) { handOverToServer(handed); });
        return;
    }
    handOverToServer(socket);
}

void HttpListener::handOverToServer(QTcpSocket *socket)
{
    // QHttpServer takes the socket here (pendingConnectionAvailable is a direct signal) and connects
    // to its readyRead after the gate did: the gate scans every arrival before QHttpServer parses it.
    addPendingConnection(socket);
    Q_ASSERT(!hasPendingConnections());
    auto *gate = socket->findChild<ConnectionGate *>(QString(), Qt::FindDirectChildrenOnly);
    gate->followServer();
    // Bytes the fast path left unread (the request it handed over) are parsed without waiting for more.
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(
            socket, [socket] { Q_EMIT socket->readyRead(); }, Qt::QueuedConnection);
}

void HttpListener::sweep()
{
    for (QTcpSocket *socket : findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly)) {
        if (auto *gate = socket->findChild<ConnectionGate *>(QString(), Qt::FindDirectChildrenOnly))
            gate->sweep();
    }
}

} // namespace raftlab
