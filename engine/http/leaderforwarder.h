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
// it reuses, one request at a time on each: as many requests in flight as the follower's clients have,
// up to `maxConnectionsPerServer` (QNetworkAccessManager holds six connections per server, so six
// forwarded requests at a time, whatever the number of clients). Beyond that cap requests wait in
// order for a connection. One timer bounds every request's wait, and closes connections idle too long.
class LeaderForwarder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LeaderForwarder)

public:
    struct Options
    {
        // Of a leader's 256 HTTP connections, two followers take at most half.
        int maxConnectionsPerServer = 64;
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
        qint64 deadlineMs;
        Done done;
    };
    struct Server
    {
        QString host;
        quint16 port = 0;
        std::vector<ForwardConnection *> idle;
        int open = 0;
        std::deque<Waiting> waiting;
    };
    static QByteArray encode(const QString &host, quint16 port, const Request &request);
    void start(Server &server, QByteArray bytes, qint64 deadlineMs, Done done);
    // A connection finished its request and may serve the next one.
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
