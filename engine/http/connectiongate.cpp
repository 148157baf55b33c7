#include "connectiongate.h"

#include "httpresponses.h"
#include "kvfastpath.h"
#include "node/writetrace.h"

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

void ConnectionGate::serveFast(FastHandler handler, HandOver handOver)
{
    m_mode = Mode::Fast;
    m_fastHandler = std::move(handler);
    m_handOver = std::move(handOver);
    m_sequence = std::make_shared<ResponseSequence>(m_socket);
    // QHttpServer deletes the sockets it owns once they disconnect; until it owns this one, the gate does.
    m_deleteOnDisconnect = connect(m_socket, &QTcpSocket::disconnected, m_socket, &QObject::deleteLater);
}

void ConnectionGate::scanFast()
{
    // The buffer starts at the current request: the gate reads each fast request whole, and nobody else
    // reads. Its first m_fastScanned bytes were fed to the scanner.
    for (;;) {
        const qint64 available = m_socket->bytesAvailable();
        if (m_fastHeadBytes > 0) {
            // The body: counted, not looked at, until all of it is here.
            const qint64 skip = std::min(m_scanner.opaqueBytesAhead(), available - m_fastScanned);
            if (skip > 0) {
                m_scanner.skipOpaque(skip);
                m_fastScanned += skip;
            }
            if (available < m_fastHeadBytes + m_fastBodyBytes)
                return;
            serveFastRequest();
            continue;
        }
        if (m_fastScanned >= available)
            return;
        char small[4096];
        QByteArray large;
        QByteArrayView buffered;
        if (available <= qint64(sizeof small)) {
            buffered = QByteArrayView(small, std::max<qint64>(0, m_socket->peek(small, available)));
        } else {
            large = m_socket->peek(available);
            buffered = large;
        }
        if (m_fastScanned >= buffered.size())
            return;
        const RequestStreamScanner::Step step = m_scanner.feed(buffered.sliced(m_fastScanned));
        m_fastScanned += step.consumed;
        switch (step.kind) {
        case RequestStreamScanner::Step::Kind::NeedMore:
            return;
        case RequestStreamScanner::Step::Kind::Refused:
            refuse(step.refusal);
            return;
        case RequestStreamScanner::Step::Kind::HeadComplete:
            break;
        }
        if (const std::optional<Refusal> refusal = m_policy->check(step.head)) {
            refuse(*refusal);
            return;
        }
        if (!step.head.chunked && !step.head.expectContinue)
            m_fastRequest = KvFastPath::parseHead(buffered.first(m_fastScanned));
        if (!m_fastRequest) {
            // This request, and every one after it, is QHttpServer's.
            handOverWhenAnswered(step.head.expectContinue && step.head.hasBody());
            return;
        }
        m_fastHeadBytes = m_fastScanned;
        m_fastBodyBytes = step.head.contentLength;
    }
}

void ConnectionGate::serveFastRequest()
{
    WriteTrace::stamp(WriteTrace::Stage::RequestParsed);
    HttpRequest request = std::move(*m_fastRequest);
    m_socket->skip(m_fastHeadBytes);
    if (m_fastBodyBytes > 0)
        request.setBody(m_socket->read(m_fastBodyBytes));
    m_fastRequest.reset();
    m_fastScanned = 0;
    m_fastHeadBytes = 0;
    m_fastBodyBytes = 0;
    m_fastHandler(std::move(request), HttpResponder(m_sequence, m_sequence->reserve()));
}

void ConnectionGate::handOverWhenAnswered(bool expectsContinue)
{
    m_mode = Mode::HandingOver;
    m_sequence->whenDrained([this, expectsContinue] {
        if (m_refused)
            return;
        // As scanArrivals() does for QHttpServer, which never answers "Expect: 100-continue".
        if (expectsContinue && m_socket->bytesAvailable() == m_fastScanned)
            m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
        m_mode = Mode::Server;
        // The head of the request QHttpServer reads first was scanned already.
        m_unreadByServer = m_fastScanned;
        m_fastScanned = 0;
        disconnect(m_deleteOnDisconnect);
        m_handOver(m_socket);
    });
}

void ConnectionGate::scanArrivals()
{
    if (m_mode == Mode::Fast) {
        scanFast();
        return;
    }
    if (m_mode == Mode::HandingOver)
        return; // nothing more is read until QHttpServer has the connection
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
    if (m_sequence && m_sequence->outstanding() > 0) {
        // After the answers of the requests before it, in their order.
        m_refusalQueued = true;
        m_sequence->fill(m_sequence->reserve(), refusalResponse(refusal));
        m_sequence->whenDrained([this] {
            m_refusalQueued = false;
            shutDownSendingWhenFlushed();
        });
    } else {
        m_socket->write(refusalResponse(refusal));
    }
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
    if (m_sendingShutDown || m_refusalQueued || m_socket->bytesToWrite() > 0)
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
