#include "leaderforwarder.h"

#include "httpresponseparser.h"
#include "net/socketwrite.h"

#include <QNetworkProxy>
#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <limits>
#include <optional>

namespace raftlab {

// One keep-alive connection to a server. Key-value requests are pipelined on it, up to
// `maxInFlight` at a time: the leader reads them together and answers them in order, which
// HttpResponseParser reads one after another. Any other request goes alone on a connection that then
// takes nothing more (the leader hands such a connection to QHttpServer for good, which this forwarder
// does not pipeline into).
class ForwardConnection final : public QObject
{
public:
    ForwardConnection(LeaderForwarder *owner, const QString &key, const QString &host, quint16 port,
                      int maxInFlight)
        : QObject(owner)
        , m_owner(owner)
        , m_key(key)
        , m_socket(new QTcpSocket(this))
        , m_maxInFlight(maxInFlight)
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
    bool isBusy() const { return !m_inFlight.empty(); }
    int inFlight() const { return int(m_inFlight.size()); }
    // Whether a pipelinable request may go next on this connection now.
    bool hasRoom() const { return !m_gone && !m_exclusive && inFlight() < m_maxInFlight; }
    // The earliest deadline of the requests in flight (answers come in order: one late answer holds up
    // all after it).
    qint64 deadlineMs() const
    {
        qint64 earliest = std::numeric_limits<qint64>::max();
        for (const InFlight &request : m_inFlight)
            earliest = std::min(earliest, request.deadlineMs);
        return earliest;
    }
    qint64 idleSinceMs() const { return m_idleSinceMs; }

    void send(const QByteArray &bytes, bool pipelinable, qint64 deadlineMs, LeaderForwarder::Done done)
    {
        m_exclusive = m_exclusive || !pipelinable;
        m_inFlight.push_back(InFlight{deadlineMs, std::move(done)});
        if (m_socket->state() == QAbstractSocket::ConnectedState)
            writeNowIfIdle(m_socket, bytes);
        else
            m_unsent += bytes;
    }
    void becameIdle(qint64 nowMs) { m_idleSinceMs = nowMs; }
    // An idle connection the server closed (its process stopped, say) reads as connected until the loop
    // reads the close; a request sent on it would be lost with it, so it is looked at first.
    bool closedByServer() const
    {
        if (isBusy() || m_gone || m_socket->state() != QAbstractSocket::ConnectedState)
            return false;
        char byte = 0;
        const ssize_t got = ::recv(int(m_socket->socketDescriptor()), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
    }
    // Ends the connection; every request on it learns `why`.
    void close(const QString &why) { onGone(why); }

private:
    struct InFlight
    {
        qint64 deadlineMs;
        LeaderForwarder::Done done;
    };

    void onConnected()
    {
        // Set once connected: Qt drops socket options set before.
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_opened = true;
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
        HttpResponseParser::State state = m_parser.feed(bytes);
        while (state == HttpResponseParser::State::Complete) {
            if (!isBusy()) {
                onGone(QString()); // more answers than questions
                return;
            }
            HttpResponseParser::Response response = m_parser.take();
            const LeaderForwarder::Done done = std::move(m_inFlight.front().done);
            m_inFlight.pop_front();
            if (!response.keepAlive)
                finish(QStringLiteral("the leader closed the connection before answering"));
            done(LeaderForwarder::Reply{
                response.status, std::move(response.contentType), std::move(response.body), {}});
            if (m_gone)
                return; // no keep-alive, or `done` ended this connection
            state = m_parser.state();
        }
        if (state == HttpResponseParser::State::Malformed) {
            onGone(QStringLiteral("a malformed answer: %1").arg(m_parser.error()));
            return;
        }
        m_owner->released(this);
    }

    // The connection closed or failed: the first request on it gets the answer that ended with the
    // connection, if one did, and every other learns why there is none.
    void onGone(const QString &why)
    {
        if (m_gone)
            return;
        std::optional<LeaderForwarder::Reply> last;
        if (isBusy() && m_parser.finish() == HttpResponseParser::State::Complete) {
            HttpResponseParser::Response response = m_parser.take();
            last = LeaderForwarder::Reply{
                response.status, std::move(response.contentType), std::move(response.body), {}};
        }
        const LeaderForwarder::Done first = isBusy() ? std::move(m_inFlight.front().done) : nullptr;
        if (first)
            m_inFlight.pop_front();
        finish(!why.isEmpty() ? why : QStringLiteral("the connection closed before an answer"));
        if (first) {
            LeaderForwarder::Reply reply;
            reply.error = !why.isEmpty() ? why : QStringLiteral("the connection closed before an answer");
            reply.sent = m_opened;
            first(last.value_or(reply));
        }
    }

    // Ends the connection; the requests still in flight learn `why`. Runs their callbacks last: one may
    // forward again, through the owner, which no longer lists this connection.
    void finish(const QString &why)
    {
        m_gone = true;
        m_socket->disconnect(this);
        m_socket->abort();
        std::deque<InFlight> orphans = std::exchange(m_inFlight, {});
        m_owner->closed(this);
        for (InFlight &orphan : orphans)
            orphan.done(LeaderForwarder::Reply{0, {}, {}, why, m_opened});
    }

    LeaderForwarder *m_owner;
    QString m_key;
    QTcpSocket *m_socket;
    int m_maxInFlight;
    HttpResponseParser m_parser;
    std::deque<InFlight> m_inFlight; // in the order sent, which is the order of the answers
    QByteArray m_unsent;
    qint64 m_idleSinceMs = 0;
    bool m_exclusive = false; // carries a request that is not pipelined: nothing joins it
    bool m_opened = false; // connected once: until then no byte of any request left this node
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

bool LeaderForwarder::isPipelinable(const Request &request)
{
    // The shapes the leader's key-value fast path reads itself, answering in order (ConnectionGate).
    const bool kvMethod = request.method == "GET" || request.method == "PUT" || request.method == "DELETE";
    return kvMethod && request.target.startsWith("/kv/") && request.target.size() > 4;
}

void LeaderForwarder::forward(const QString &host, quint16 port, Request request, Done done)
{
    const QString key = host + QLatin1Char(':') + QString::number(port);
    Server &server = m_servers[key];
    server.host = host;
    server.port = port;
    start(server,
          Waiting{encode(host, port, request), isPipelinable(request), nowMs() + request.timeoutMs,
                  std::move(done)});
    if (!m_sweepTimer->isActive())
        m_sweepTimer->start(m_options.sweepIntervalMs);
}

ForwardConnection *LeaderForwarder::connectionFor(const Server &server, bool pipelinable) const
{
    // The least busy connection that may take it: a pipelined request joins others before a new
    // connection opens; any other request needs a connection to itself.
    ForwardConnection *best = nullptr;
    for (ForwardConnection *connection : server.connections) {
        const bool fits = pipelinable ? connection->hasRoom() : !connection->isBusy();
        if (fits && (!best || connection->inFlight() < best->inFlight()))
            best = connection;
    }
    return best;
}

bool LeaderForwarder::trySend(Server &server, Waiting &request)
{
    ForwardConnection *connection = connectionFor(server, request.pipelinable);
    while (connection && connection->closedByServer()) {
        connection->close(QString()); // nothing in flight on it: no one is told
        connection = connectionFor(server, request.pipelinable);
    }
    if (!connection) {
        if (int(server.connections.size()) >= m_options.maxConnectionsPerServer)
            return false;
        connection =
            new ForwardConnection(this, server.host + QLatin1Char(':') + QString::number(server.port),
                                  server.host, server.port, m_options.maxInFlightPerConnection);
        server.connections.push_back(connection);
        m_connections.push_back(connection);
    }
    connection->send(request.bytes, request.pipelinable, request.deadlineMs, std::move(request.done));
    return true;
}

void LeaderForwarder::start(Server &server, Waiting request)
{
    // Requests leave in the order they came: none overtakes one already waiting.
    if (!server.waiting.empty() || !trySend(server, request))
        server.waiting.push_back(std::move(request));
}

void LeaderForwarder::sendWaiting(Server &server)
{
    while (!server.waiting.empty() && trySend(server, server.waiting.front()))
        server.waiting.pop_front();
}

void LeaderForwarder::released(ForwardConnection *connection)
{
    sendWaiting(m_servers[connection->key()]);
    if (!connection->isBusy())
        connection->becameIdle(nowMs());
}

void LeaderForwarder::closed(ForwardConnection *connection)
{
    std::erase(m_connections, connection);
    Server &server = m_servers[connection->key()];
    std::erase(server.connections, connection);
    connection->deleteLater();
    // A request waiting for a free connection gets a new one.
    sendWaiting(server);
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
        done(Reply{0, {}, {}, QStringLiteral("no connection to the leader was free in time"), false});
    if (m_connections.empty())
        m_sweepTimer->stop();
}

} // namespace raftlab
