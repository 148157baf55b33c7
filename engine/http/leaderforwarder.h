#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <deque>
#include <functional>
#include <map>
#include <vector>

class QTimer;

namespace raftlab {

class ForwardConnection;

// Sends the requests a follower forwards to the leader's HTTP API, over keep-alive connections that
// it reuses. Key-value requests (the shapes the leader's fast path reads, which it answers in order) are
// pipelined: up to `maxInFlightPerConnection` on one connection, so the leader reads the requests of
// many clients in one go and a follower holds a few connections instead of one per client. Any other
// request takes a connection of its own. Up to `maxConnectionsPerServer` connections; beyond that,
// requests wait in order. One timer bounds every request's wait, and closes connections idle too long.
// A connection that fails fails every request on it: none is ever sent twice.
class LeaderForwarder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LeaderForwarder)

public:
    struct Options
    {
        // Of a leader's 256 HTTP connections, two followers take at most half.
        int maxConnectionsPerServer = 64;
        int maxInFlightPerConnection = 8;
        int idleCloseMs = 10'000;
        int sweepIntervalMs = 100;
    };
    struct Request
    {
        QByteArray method;
        QByteArray target; // path and query, percent-encoded
        QList<QPair<QByteArray, QByteArray>> headers; // besides Host and Content-Length
        QByteArray body;
        int timeoutMs = 3000;
    };
    // The leader's answer, or status 0 and `error` saying why there is none.
    struct Reply
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
        QString error;
        // False when the connection never opened (the leader's process is gone, or it refused us): the
        // leader never saw the request, so it may be sent again without being applied twice.
        bool sent = true;
    };
    using Done = std::function<void(const Reply &)>;

    explicit LeaderForwarder(QObject *parent = nullptr)
        : LeaderForwarder(Options{}, parent)
    { }
    explicit LeaderForwarder(Options options, QObject *parent = nullptr);
    ~LeaderForwarder() override;

    // `done` runs exactly once, never before forward() returns.
    void forward(const QString &host, quint16 port, Request request, Done done);
    int openConnections() const;

private:
    friend class ForwardConnection;
    struct Waiting
    {
        QByteArray bytes;
        bool pipelinable = false;
        qint64 deadlineMs = 0;
        Done done;
    };
    struct Server
    {
        QString host;
        quint16 port = 0;
        std::vector<ForwardConnection *> connections;
        std::deque<Waiting> waiting;
    };
    static QByteArray encode(const QString &host, quint16 port, const Request &request);
    static bool isPipelinable(const Request &request);
    void start(Server &server, Waiting request);
    ForwardConnection *connectionFor(const Server &server, bool pipelinable) const;
    // Sends `request` on a connection that may take it, opening one if the cap allows; false if none can.
    bool trySend(Server &server, Waiting &request);
    void sendWaiting(Server &server);
    // A connection answered a request: it may take more.
    void released(ForwardConnection *connection);
    // A connection is gone (closed, failed, or idle too long).
    void closed(ForwardConnection *connection);
    void sweep();
    qint64 nowMs() const { return m_clock.elapsed(); }

    Options m_options;
    std::map<QString, Server> m_servers; // by "host:port"
    std::vector<ForwardConnection *> m_connections;
    QElapsedTimer m_clock;
    QTimer *m_sweepTimer;
};

} // namespace raftlab
