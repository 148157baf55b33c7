#pragma once

#include "connectiongate.h"
#include "node/kvstore.h"

#include <QTcpServer>

#include <map>
#include <memory>

class QTimer;

namespace raftlab {

// The TCP server under the node's QHttpServer (bound with QHttpServer::bind()). It caps the number of
// open HTTP connections, and puts a ConnectionGate in front of QHttpServer on every connection.
class HttpListener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpListener)

public:
    struct Options
    {
        // The largest value, plus room for the key of POST / and for admin JSON.
        static constexpr qint64 maxBodyBytes = KvStore::maxValueBytes + 64 * 1024;

        // Within the 1024 descriptors a process gets by default, with room left for Raft peers and
        // files: a flood of HTTP clients must not take the descriptors the node needs to stay a member.
        int maxConnections = 256;
        // Bounds what a client can make QHttpServer buffer: one whole request at the limits fits.
        qint64 readBufferBytes = 2 * 1024 * 1024;
        int sweepIntervalMs = 15'000; // a half-received request stalled this long (up to twice) gets 408
        ConnectionGate::Options gate{RequestStreamScanner::Limits{.maxBodyBytes = maxBodyBytes}};
    };

    explicit HttpListener(Options options, QObject *parent = nullptr);
    ~HttpListener() override;

    // Before the first connection arrives (the policy needs the port listen() picked).
    void setPolicy(std::shared_ptr<const OriginPolicy> policy) { m_policy = std::move(policy); }
    // Before the first connection arrives: key-value requests go to `handler` without QHttpServer
    // (ConnectionGate's fast path); without one, QHttpServer reads every request.
    void setFastHandler(ConnectionGate::FastHandler handler) { m_fastHandler = std::move(handler); }
    int connectionCount() const { return m_connections; }
    // Requests and connections refused before QHttpServer saw them, by error code.
    const std::map<QByteArray, quint64> &refusals() const { return m_refusals; }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void sweep();
    void handOverToServer(QTcpSocket *socket);

    Options m_options;
    std::shared_ptr<const OriginPolicy> m_policy;
    ConnectionGate::FastHandler m_fastHandler;
    QTimer *m_sweepTimer;
    int m_connections = 0;
    std::map<QByteArray, quint64> m_refusals;
};

} // namespace raftlab
