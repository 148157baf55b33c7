#pragma once

#include "httprequest.h"
#include "httpresponder.h"
#include "originpolicy.h"
#include "requeststreamscanner.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QTcpSocket;

namespace raftlab {

// The whole answer to a refused request, with "Connection: close": status line, headers, and the JSON
// body {"error", "message"} every failure of the API has.
QByteArray refusalResponse(const Refusal &refusal);

// Stands in front of QHttpServer on one connection and refuses requests from their heads, before
// their bodies are read: QHttpServer 6.4 buffers a whole body (twice: in the socket, inside a
// transaction, and in the request) before any handler runs, so a 2 GiB PUT would otherwise grow the
// node by 4 GiB before the handler could say 413.
//
// It works because it is the socket's first readyRead receiver: each time bytes arrive it scans the
// new ones (RequestStreamScanner, peeking, never reading) before QHttpServer parses them, and a
// refusal disconnects QHttpServer from the socket in that same signal emission, so QHttpServer never
// sees the refused request or anything after it. A second receiver, after QHttpServer's, records how
// much QHttpServer left unread, which tells the next scan where the new bytes begin.
//
// A refusal answers once every earlier answer of the fast path (below) is out, and closes the
// connection: a request still pending in QHttpServer (a pipelining client) loses its answer. Then it
// reads and drops what the client still sends, shuts the sending side once the answer is out (the
// client sees the end of the answer, not a reset), and aborts the connection after `lingerMs` at the
// latest.
//
// The key-value fast path (serveFast()): a connection starts with the gate as its only reader. Each
// request of a shape KvFastPath takes is read whole by the gate itself and handed to the fast handler,
// its answer written in turn by a ResponseSequence. At the first request of any other shape the gate
// stops reading, waits until every answer so far is out, and hands the connection to QHttpServer for
// good, with that request unread (handOver). QHttpServer 6.4 reads a head byte by byte through
// QIODevice; the fast path reads it in one piece.
class ConnectionGate final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGate)

public:
    struct Options
    {
        RequestStreamScanner::Limits limits{};
        int lingerMs = 2000;
    };

    // Becomes a child of `socket` and its first reader: construct it before QHttpServer sees the socket.
    ConnectionGate(QTcpSocket *socket, std::shared_ptr<const OriginPolicy> policy, Options options);
    using FastHandler = std::function<void(HttpRequest, HttpResponder)>;
    using HandOver = std::function<void(QTcpSocket *)>;

    // Call once QHttpServer has connected to the socket.
    void followServer();
    // Serves the connection's key-value requests itself (see above) until the first other one; then
    // calls `handOver`, which must give the socket to QHttpServer and call followServer().
    void serveFast(FastHandler handler, HandOver handOver);
    // Answers `refusal`, and QHttpServer reads nothing more from this connection.
    void refuse(const Refusal &refusal);
    // Called at a fixed interval: a request that has been half-received, without a byte more, since the
    // previous call is refused with 408 (a stalled or malicious client does not keep a connection).
    void sweep();

Q_SIGNALS:
    void refused(const QByteArray &error);

private:
    void scanArrivals();
    void scanFast();
    // Reads the request whose head was scanned, and its body, and hands it to the fast handler.
    void serveFastRequest();
    // `expectsContinue`: the request handed over waits for "100 Continue" before it sends its body.
    void handOverWhenAnswered(bool expectsContinue);
    void noteServerRead();
    void discardInput();
    void shutDownSendingWhenFlushed();

    QTcpSocket *m_socket;
    std::shared_ptr<const OriginPolicy> m_policy;
    Options m_options;
    RequestStreamScanner m_scanner;
    qint64 m_unreadByServer = 0; // buffered bytes QHttpServer had not read when it last returned
    bool m_refused = false;
    bool m_sendingShutDown = false;
    bool m_midRequestAtSweep = false;
    quint64 m_bytesAtSweep = 0;

    // The fast path: Fast until the first other request, HandingOver until the answers so far are out,
    // then Server (QHttpServer reads).
    enum class Mode { Server, Fast, HandingOver };
    Mode m_mode = Mode::Server;
    FastHandler m_fastHandler;
    HandOver m_handOver;
    std::shared_ptr<ResponseSequence> m_sequence;
    QMetaObject::Connection m_deleteOnDisconnect; // ours while QHttpServer does not own the socket
    qint64 m_fastScanned = 0; // bytes of the current request fed to the scanner, from the buffer's front
    qint64 m_fastHeadBytes = 0; // the current request's head, once complete (0 before)
    qint64 m_fastBodyBytes = 0;
    std::optional<HttpRequest> m_fastRequest; // the current request, once its head is complete
    bool m_refusalQueued = false; // a refusal waits behind earlier answers of the fast path
};

} // namespace raftlab
