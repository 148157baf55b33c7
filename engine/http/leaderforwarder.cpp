#include "leaderforwarder.h"

#include "httpresponseparser.h"

#include <QNetworkProxy>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

namespace raftlab {

// One keep-alive connection to a server: one request at a time, its answer read by HttpResponseParser.
class ForwardConnection final : public QObject
{
public:
    ForwardConnection(LeaderForwarder *owner, const QString &key, const QString &host, quint16 port)
        : QObject(owner)
        , m_owner(owner)
        , m_key(key)
        , m_socket(new QTcpSocket(this))
    {
        connect(m_socket, &QTcpSocket::connected, this, &ForwardConnection::onConnected);
        connect(m_socket, &QTcpSocket::readyRead, this, &ForwardConnection::onReadyRead);
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { onGone(QString()); });
        connect(m_socket, &QTcpSocket::errorOccurred, this,
                [this](QAbstractSocket::SocketError) { onGone(m_socket->errorString()); });
        // Direct, whatever http_proxy says: the nodes talk to each other on addresses they were given.
        m_socket->setProxy(QNetworkProxy::NoProxy);
        m_socket->connectToHost(host, port);
    }

    const QString &key() const { return m_key; }
    bool isBusy() const { return bool(m_done); }
    qint64 deadlineMs() const { return m_deadlineMs; }
    qint64 idleSinceMs() const { return m_idleSinceMs; }

    void send(const QByteArray &bytes, qint64 deadlineMs, LeaderForwarder::Done done)
    {
        m_done = std::move(done);
        m_deadlineMs = deadlineMs;
        if (m_socket->state() == QAbstractSocket::ConnectedState)
            m_socket->write(bytes);
        else
            m_unsent = bytes;
    }
    void becameIdle(qint64 nowMs) { m_idleSinceMs = nowMs; }
    // Ends the connection; a request on it learns `why`.
    void close(const QString &why) { onGone(why); }

private:
    void onConnected()
    {
        // Set once connected: Qt drops socket options set before.
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (!m_unsent.isEmpty())
            m_socket->write(std::exchange(m_unsent, {}));
    }

    void onReadyRead()
    {
        if (m_gone)
            return;
        const QByteArray bytes = m_socket->readAll();
        if (!isBusy()) {
            onGone(QString()); // nothing was asked: a server that talks unasked is not one to reuse
            return;
        }
        switch (m_parser.feed(bytes)) {
        case HttpResponseParser::State::Incomplete:
            return;
        case HttpResponseParser::State::Malformed:
            onGone(QStringLiteral("a malformed answer: %1").arg(m_parser.error()));
            return;
        case HttpResponseParser::State::Complete:
            break;
        }
        HttpResponseParser::Response response = m_parser.take();
        const LeaderForwarder::Done done = std::exchange(m_done, {});
        if (response.keepAlive && m_parser.isIdle())
            m_owner->released(this);
        else
            finish();
        done(LeaderForwarder::Reply{
            response.status, std::move(response.contentType), std::move(response.body), {}});
    }

    // The connection closed or failed: the request on it, if any, gets the answer that ended with the
    // connection or learns why there is none.
    void onGone(const QString &why)
    {
        if (m_gone)
            return;
        const LeaderForwarder::Done done = std::exchange(m_done, {});
        LeaderForwarder::Reply reply;
        if (done && m_parser.finish() == HttpResponseParser::State::Complete) {
            HttpResponseParser::Response response = m_parser.take();
            reply = LeaderForwarder::Reply{
                response.status, std::move(response.contentType), std::move(response.body), {}};
        } else {
            reply.error = !why.isEmpty() ? why : QStringLiteral("the connection closed before an answer");
        }
        finish();
        if (done)
            done(reply);
    }

    void finish()
    {
        m_gone = true;
        m_socket->disconnect(this);
        m_socket->abort();
        m_owner->closed(this);
    }

    LeaderForwarder *m_owner;
    QString m_key;
    QTcpSocket *m_socket;
    HttpResponseParser m_parser;
    LeaderForwarder::Done m_done;
    QByteArray m_unsent;
    qint64 m_deadlineMs = 0;
    qint64 m_idleSinceMs = 0;
    bool m_gone = false;
};

LeaderForwarder::LeaderForwarder(Options options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_sweepTimer(new QTimer(this))
{
    m_clock.start();
    connect(m_sweepTimer, &QTimer::timeout, this, &LeaderForwarder::sweep);
}

LeaderForwarder::~LeaderForwarder() = default;

int LeaderForwarder::openConnections() const
{
    return int(m_connections.size());
}

QByteArray LeaderForwarder::encode(const QString &host, quint16 port, const Request &request)
{
    const QByteArray hostName = host.contains(QLatin1Char(':')) ? '[' + host.toUtf8() + ']' : host.toUtf8();
    QByteArray bytes;
    bytes.reserve(256 + request.target.size() + request.body.size());
    bytes += request.method + ' ' + request.target + " HTTP/1.1\r\nHost: " + hostName + ':' +
        QByteArray::number(port) + "\r\nContent-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    for (const auto &[name, value] : request.headers)
        bytes += name + ": " + value + "\r\n";
    bytes += "\r\n";
    bytes += request.body;
    return bytes;
}

void LeaderForwarder::forward(const QString &host, quint16 port, Request request, Done done)
{
    const QString key = host + QLatin1Char(':') + QString::number(port);
    Server &server = m_servers[key];
    server.host = host;
    server.port = port;
    start(server, encode(host, port, request), nowMs() + request.timeoutMs, std::move(done));
    if (!m_sweepTimer->isActive())
        m_sweepTimer->start(m_options.sweepIntervalMs);
}

void LeaderForwarder::start(Server &server, QByteArray bytes, qint64 deadlineMs, Done done)
{
    if (!server.idle.empty()) {
        ForwardConnection *connection = server.idle.back();
        server.idle.pop_back();
        connection->send(bytes, deadlineMs, std::move(done));
        return;
    }
    if (server.open < m_options.maxConnectionsPerServer) {
        ++server.open;
        auto *connection = new ForwardConnection(
            this, server.host + QLatin1Char(':') + QString::number(server.port), server.host, server.port);
        m_connections.push_back(connection);
        connection->send(bytes, deadlineMs, std::move(done));
        return;
    }
    server.waiting.push_back(Waiting{std::move(bytes), deadlineMs, std::move(done)});
}

void LeaderForwarder::released(ForwardConnection *connection)
{
    Server &server = m_servers[connection->key()];
    if (!server.waiting.empty()) {
        Waiting next = std::move(server.waiting.front());
        server.waiting.pop_front();
        connection->send(next.bytes, next.deadlineMs, std::move(next.done));
        return;
    }
    connection->becameIdle(nowMs());
    server.idle.push_back(connection);
}

void LeaderForwarder::closed(ForwardConnection *connection)
{
    std::erase(m_connections, connection);
    Server &server = m_servers[connection->key()];
    std::erase(server.idle, connection);
    --server.open;
    connection->deleteLater();
    // A request waiting for a free connection gets a new one.
    if (!server.waiting.empty()) {
        Waiting next = std::move(server.waiting.front());
        server.waiting.pop_front();
        start(server, std::move(next.bytes), next.deadlineMs, std::move(next.done));
    }
}

void LeaderForwarder::sweep()
{
    const qint64 now = nowMs();
    // Copies: closing a connection changes the lists, and a request's `done` may forward again.
    const std::vector<ForwardConnection *> connections = m_connections;
    for (ForwardConnection *connection : connections) {
        if (connection->isBusy() && connection->deadlineMs() <= now)
            connection->close(QStringLiteral("no answer in time"));
        else if (!connection->isBusy() && now - connection->idleSinceMs() >= m_options.idleCloseMs)
            connection->close(QString());
    }
    std::vector<Done> expired;
    for (auto &[key, server] : m_servers) {
        std::erase_if(server.waiting, [now, &expired](Waiting &waiting) {
            if (waiting.deadlineMs > now)
                return false;
            expired.push_back(std::move(waiting.done));
            return true;
        });
    }
    for (const Done &done : expired)
        done(Reply{0, {}, {}, QStringLiteral("no connection to the leader was free in time")});
    if (m_connections.empty())
        m_sweepTimer->stop();
}

} // namespace raftlab
