#pragma once

#include "originpolicy.h"
#include "requeststreamscanner.h"

#include <QObject>

#include <memory>

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
// A refusal answers at once and closes the connection: any request still pending on it (a pipelining
// client) loses its answer. Then it reads and drops what the client still sends, shuts the sending
// side once the answer is out (the client sees the end of the answer, not a reset), and aborts the
// connection after `lingerMs` at the latest.
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
    // Call once QHttpServer has connected to the socket.
    void followServer();
    // Answers `refusal`, and QHttpServer reads nothing more from this connection.
    void refuse(const Refusal &refusal);
    // Called at a fixed interval: a request that has been half-received, without a byte more, since the
    // previous call is refused with 408 (a stalled or malicious client does not keep a connection).
    void sweep();

Q_SIGNALS:
    void refused(const QByteArray &error);

private:
    void scanArrivals();
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
};

} // namespace raftlab
