// Fuzz entry for the HTTP API: raw bytes from one client to a real node in this process.
#include "fuzzentries.h"

#include "http/httpapi.h"
#include "net/tcptransport.h"
#include "node/raftnode.h"
#include "storage/nodestorage.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace raftlab::fuzz {

namespace {

// However odd the request, the node answers and closes the connection within this.
constexpr int answerDeadlineMs = 10'000;
// An answer larger than this is one that grows without bound.
constexpr qsizetype maxAnswerBytes = 64 * 1024 * 1024;

// A one-node cluster with its HTTP API, as raftlab-node runs it, but with fast timers (it leads within
// a few milliseconds of event-loop time), no fsync and small segments. Created on first use and kept:
// the fuzzer's requests meet a node in whatever state the earlier ones left it, as a real node's do.
class OneNode
{
public:
    OneNode()
    {
        ClusterConfig cluster;
        cluster.name = QStringLiteral("fuzz");
        cluster.members.push_back(ClusterMember{NodeId(1), NodeAddress{QStringLiteral("127.0.0.1"), 1},
                                                NodeAddress{QStringLiteral("127.0.0.1"), 2}});
        NodeStorage::Opened opened;
        const StorageStatus status =
            NodeStorage::open(m_dir.path(), NodeStorage::Options{SyncMode::Never, 1u << 20}, opened);
        if (!status.ok()) {
            m_failure = status.message;
            return;
        }
        NodeSettings settings;
        settings.tickMs = 1;
        settings.snapshotEvery = 500;
        settings.core.id = NodeId(1);
        settings.core.members = {NodeId(1)};
        settings.core.heartbeatTicks = 2;
        settings.core.electionTimeoutTicksMin = 5;
        settings.core.electionTimeoutTicksMax = 10;
        TcpTransport::Options transport;
        transport.cluster = cluster.name;
        transport.self = NodeId(1);
        transport.listenHost = QStringLiteral("127.0.0.1");
        m_transport = std::make_unique<TcpTransport>(transport); // never started: no peers to talk to
        m_node = RaftNode::create(settings, std::move(opened), m_transport.get(), m_failure);
        if (!m_node)
            return;
        m_api = std::make_unique<HttpApi>(
            HttpApi::Options{cluster, QStringLiteral("127.0.0.1"), 0, QString(), false}, m_node.get());
        if (m_failure = m_api->listen(); !m_failure.isEmpty())
            return;
        m_port = m_api->port();
        m_node->start();
    }
    ~OneNode()
    {
        m_api.reset();
        m_node.reset();
        m_transport.reset();
    }
    Q_DISABLE_COPY_MOVE(OneNode)

    quint16 port() const { return m_port; }
    const QString &failure() const { return m_failure; }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TcpTransport> m_transport;
    std::unique_ptr<RaftNode> m_node;
    std::unique_ptr<HttpApi> m_api;
    quint16 m_port = 0;
    QString m_failure;
};

OneNode *g_oneNode = nullptr;

OneNode &oneNode()
{
    if (!g_oneNode) {
        g_oneNode = new OneNode;
        // Torn down with the application (the regression test's); the fuzzer's never ends.
        qAddPostRoutine([] {
            delete g_oneNode;
            g_oneNode = nullptr;
        });
    }
    return *g_oneNode;
}

class Descriptor
{
public:
    explicit Descriptor(int fd)
        : m_fd(fd)
    { }
    ~Descriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

int connectTo(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Reset rather than TIME_WAIT on close: thousands of connections a second would use up the ports.
    const linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0)
        return fd;
    if (errno == EINTR) {
        // A signal (libFuzzer's timer) interrupted the call; the connection goes on being made.
        pollfd connecting{fd, POLLOUT, 0};
        while (::poll(&connecting, 1, answerDeadlineMs) < 0 && errno == EINTR) { }
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0 &&
            (connecting.revents & POLLOUT))
            return fd;
        errno = error ? error : ETIMEDOUT;
    }
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
}

bool isPeerOf(int fd, const sockaddr_in &client)
{
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    return ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) == 0 && length == sizeof peer &&
        peer.sin_family == AF_INET && peer.sin_port == client.sin_port &&
        peer.sin_addr.s_addr == client.sin_addr.s_addr;
}

// The node's end of the connection from `client`: the socket of this process whose peer it is, or -1
// before the node has accepted the connection.
int nodeEndOf(const sockaddr_in &client)
{
    DIR *fds = ::opendir("/proc/self/fd");
    if (!fds)
        return -1;
    int found = -1;
    while (const dirent *entry = ::readdir(fds)) {
        char *end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (*end == '\0' && end != entry->d_name && isPeerOf(static_cast<int>(fd), client)) {
            found = static_cast<int>(fd);
            break;
        }
    }
    ::closedir(fds);
    return found;
}

struct Exchange
{
    QByteArray answer;
    bool readByNode = false; // every byte sent was read by the node, and it had time to answer
    bool closedByNode = false;
    bool tooLarge = false;
};

// Reads what the node sent so far; false once the exchange is over (the node closed, or too much).
bool receive(int fd, Exchange &result)
{
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            result.answer.append(buffer, n);
            if (result.answer.size() > maxAnswerBytes) {
                result.tooLarge = true;
                return false;
            }
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return true;
        result.closedByNode = true; // end of stream, or a reset
        return false;
    }
}

// Sends `request` and collects the answers until the node has read all of it and written what it answers
// at once, or closed the connection. The client never half-closes: Qt 6.4 drops what a socket has yet to
// write when it reads the end of the stream, so the answers would be lost. This runs the node's event
// loop too (the application's, from here; nothing else runs it).
Exchange exchange(int client, QByteArrayView request)
{
    Exchange result;
    sockaddr_in self{};
    socklen_t length = sizeof self;
    ::getsockname(client, reinterpret_cast<sockaddr *>(&self), &length);
    qsizetype sent = 0;
    int nodeEnd = -1;
    int quietPasses = 0;
    const QDeadlineTimer deadline(answerDeadlineMs);
    while (!deadline.hasExpired()) {
        while (sent < request.size()) {
            const ssize_t n =
                ::send(client, request.data() + sent, static_cast<std::size_t>(request.size() - sent),
                       MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n <= 0)
                break;
            sent += n;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents);
        if (!receive(client, result))
            return result;
        if (sent < request.size())
            continue;
        if (nodeEnd < 0 || !isPeerOf(nodeEnd, self))
            nodeEnd = nodeEndOf(self);
        int unread = 0;
        if (nodeEnd < 0 || ::ioctl(nodeEnd, FIONREAD, &unread) != 0 || unread > 0) {
            quietPasses = 0;
            continue;
        }
        // All read: a few more passes let the node's sockets write what it answered at once.
        if (++quietPasses == 3) {
            result.readByNode = true;
            return result;
        }
    }
    return result;
}

// Every answer in `stream` that is an error (4xx, 5xx) carries a JSON object with "error".
QString answersProblem(const QByteArray &stream)
{
    qsizetype at = 0;
    while (at < stream.size()) {
        const qsizetype headersEnd = stream.indexOf("\r\n\r\n", at);
        if (headersEnd < 0)
            return QString(); // a streaming answer (events) cut short by the close
        const QByteArray head = stream.mid(at, headersEnd - at);
        if (!head.startsWith("HTTP/1.1 ") || head.size() < 12)
            return QStringLiteral("the node answered something that is not HTTP/1.1: %1")
                .arg(QString::fromLatin1(head.left(40).toPercentEncoding(" /:.")));
        const int status = head.mid(9, 3).toInt();
        qsizetype bodyBytes = -1;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                bodyBytes = line.mid(15).trimmed().toLongLong();
        }
        if (bodyBytes < 0)
            return QString(); // no length: the event stream, which runs until the close
        const QByteArray body = stream.mid(headersEnd + 4, bodyBytes);
        if (status >= 400) {
            const QJsonObject json = QJsonDocument::fromJson(body).object();
            if (!json.value(QStringLiteral("error")).isString())
                return QStringLiteral("an answer %1 without a JSON error: %2")
                    .arg(status)
                    .arg(QString::fromUtf8(body.left(80)));
        }
        at = headersEnd + 4 + bodyBytes;
    }
    return QString();
}

} // namespace

QString httpRequest(QByteArrayView input)
{
    OneNode &node = oneNode();
    if (!node.failure().isEmpty())
        return QStringLiteral("the node did not start: %1").arg(node.failure());
    const Descriptor client(connectTo(node.port()));
    if (client.get() < 0)
        return QStringLiteral("cannot connect to the node: %1").arg(QString::fromLocal8Bit(strerror(errno)));
    const Exchange result = exchange(client.get(), input);
    // Whatever the node does with the closed connection (a reset) happens before the next exchange, and
    // so do the deletions it asks for: no event loop runs outside of the exchanges to do them.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    if (result.tooLarge)
        return QStringLiteral("the node answered more than %1 bytes").arg(maxAnswerBytes);
    if (!result.readByNode && !result.closedByNode)
        return QStringLiteral("the node neither read the request nor closed the connection within %1 ms")
            .arg(answerDeadlineMs);
    if (qEnvironmentVariableIsSet("RAFTLAB_FUZZ_VERBOSE")) // for looking into what a request got
        std::fprintf(stderr, "%s\n--\n", result.answer.constData());
    return answersProblem(result.answer);
}

} // namespace raftlab::fuzz
