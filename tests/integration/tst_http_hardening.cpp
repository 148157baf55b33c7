// The HTTP API against web pages and greedy clients, on real processes and raw sockets: requests from
// other origins and rebound host names are refused (403) and change nothing, no answer invites other
// origins to read it, a body over the limit is refused from its headers while the node's memory stays
// flat (Content-Length and chunked), "Expect: 100-continue" is answered, malformed framing is refused,
// and /events subscribers and connections are capped. The node keeps serving throughout.
#include "clusterharness.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace raftlab::integration;

namespace {

constexpr qint64 mebibyte = 1024 * 1024;

// One HTTP answer read off a raw socket.
struct RawAnswer
{
    int status = 0; // 0: no complete answer
    QByteArray head;
    QByteArray body;
    bool sawContinue = false; // a "100 Continue" came first

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString error() const { return json().value(QStringLiteral("error")).toString(); }
    bool hasHeader(const QByteArray &name) const
    {
        return head.toLower().contains("\r\n" + name.toLower() + ':');
    }
    QString describe() const
    {
        return status == 0 ? QStringLiteral("no answer")
                           : QStringLiteral("%1 %2").arg(status).arg(QString::fromUtf8(body.trimmed()));
    }
};

// Takes the next final answer off the front of `buffer` (interim 1xx answers skipped); false until one
// is complete.
bool takeAnswerFrom(QByteArray &buffer, RawAnswer &answer)
{
    bool sawContinue = false;
    qsizetype start = 0;
    while (buffer.mid(start).startsWith("HTTP/1.1 1")) { // interim answers
        const qsizetype end = buffer.indexOf("\r\n\r\n", start);
        if (end < 0)
            return false;
        sawContinue = sawContinue || buffer.mid(start).startsWith("HTTP/1.1 100");
        start = end + 4;
    }
    const qsizetype end = buffer.indexOf("\r\n\r\n", start);
    if (end < 0)
        return false;
    const QByteArray head = buffer.mid(start, end + 2 - start);
    qsizetype length = 0;
    for (const QByteArray &line : head.split('\n'))
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    if (buffer.size() < end + 4 + length)
        return false;
    answer.status = head.mid(9, 3).toInt();
    answer.head = head;
    answer.body = buffer.mid(end + 4, length);
    answer.sawContinue = sawContinue;
    buffer.remove(0, end + 4 + length);
    return true;
}

// A client that writes exactly the bytes a test gives it, as a browser, curl or a hostile program
// could, and reads the answers.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(5000);
    }

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    qint64 bytesToWrite() const { return m_socket.bytesToWrite(); }
    void close() { m_socket.abort(); }

    // True once a "100 Continue" or a final answer arrived.
    bool waitForContinue(int deadlineMs)
    {
        return waitUntil(
            [this] {
                readSome();
                return m_buffer.startsWith("HTTP/1.1 100") || m_buffer.contains("\r\n\r\n");
            },
            deadlineMs, 5);
    }

    // The next final answer (interim 1xx answers skipped), waiting up to `deadlineMs`.
    RawAnswer readAnswer(int deadlineMs)
    {
        RawAnswer answer;
        waitUntil([&] { return takeAnswer(answer); }, deadlineMs, 5);
        return answer;
    }

    // Pumps the socket without waiting: reads what arrived, returns whether an answer is complete.
    bool poll(RawAnswer &answer) { return takeAnswer(answer); }

    // True once the node closed the connection (or reset it).
    bool waitClosed(int deadlineMs)
    {
        return waitUntil(
            [this] {
                readSome();
                return m_socket.state() != QAbstractSocket::ConnectedState;
            },
            deadlineMs);
    }

private:
    void readSome() { m_buffer += m_socket.readAll(); }

    bool takeAnswer(RawAnswer &answer)
    {
        readSome();
        return takeAnswerFrom(m_buffer, answer);
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QByteArray requestBytes(const QByteArray &verb, const QByteArray &path, const QByteArray &body,
                        const QList<QByteArray> &headers)
{
    QByteArray out = verb + ' ' + path + " HTTP/1.1\r\n";
    for (const QByteArray &header : headers)
        out += header + "\r\n";
    if (!body.isEmpty() || verb == "PUT" || verb == "POST")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

// One request on a fresh connection.
RawAnswer exchange(quint16 port, const QByteArray &request, int deadlineMs = 8000)
{
    RawClient client(port);
    client.send(request);
    return client.readAnswer(deadlineMs);
}

// The node's resident memory, from /proc (the node runs on this machine).
qint64 residentKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    return -1;
}

} // namespace

class TestHttpHardening : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void foreignOriginIs403AndChangesNothing_data();
    void foreignOriginIs403AndChangesNothing();
    void ownOriginIsServed_data();
    void ownOriginIsServed();
    void noAnswerInvitesOtherOrigins();
    void hostHeaderAgainstDnsRebinding_data();
    void hostHeaderAgainstDnsRebinding();
    void hugeContentLengthIsRefusedFromItsHeaders();
    void endlessChunkedBodyIsCutAtTheLimit();
    void chunkedBodyWithinTheLimitIsServed();
    void expectContinueIsAnswered();
    void malformedFramingIsRefused_data();
    void malformedFramingIsRefused();
    void malformedRequestLineIsRefused_data();
    void malformedRequestLineIsRefused();
    void eventSubscribersAreCapped();
    void connectionsAreCapped();

private:
    quint16 port(int id) const { return m_cluster->httpPort(id); }
    QByteArray hostHeader(int id) const { return "Host: 127.0.0.1:" + QByteArray::number(port(id)); }
    // A write through `via` commits and reads back: the node still serves.
    void checkStillServes(int via);
    // Streams `head`, then `chunk` again and again, ignoring the node's answer; returns that answer (none
    // if another client was not served meanwhile) and how many bytes went out.
    RawAnswer flood(int id, const QByteArray &head, const QByteArray &chunk, qint64 &sent);

    std::unique_ptr<ClusterHarness> m_cluster;
    int m_writes = 0;
};

void TestHttpHardening::initTestCase()
{
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer holds freed memory back (256 MiB by default) to catch late uses: the nodes' RSS
    // would grow by that much whatever they buffer. They get a small quarantine instead.
    const QByteArray asanOptions = qgetenv("ASAN_OPTIONS");
    qputenv("ASAN_OPTIONS", asanOptions + (asanOptions.isEmpty() ? "" : ":") + "quarantine_size_mb=8");
#endif
    m_cluster = std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = 3});
    const QString error = m_cluster->startAll();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(m_cluster->waitForLeader(10'000) != 0, "no leader");
}

void TestHttpHardening::cleanupTestCase()
{
    m_cluster.reset();
}

void TestHttpHardening::checkStillServes(int via)
{
    const QByteArray key = "still-serves-" + QByteArray::number(++m_writes);
    const HttpReply written = m_cluster->put(via, ClusterHarness::kvPath(key), "yes");
    QVERIFY2(written.ok(),
             qPrintable(QStringLiteral("write via node %1: %2").arg(via).arg(written.describe())));
    const HttpReply read = m_cluster->get(via, ClusterHarness::kvPath(key));
    QVERIFY2(read.ok() && read.body == "yes", qPrintable(read.describe()));
}

// ---------------------------------------------------------------------------------------------
// Web pages

void TestHttpHardening::foreignOriginIs403AndChangesNothing_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("PUT /kv") << QByteArray("PUT") << QByteArray("/kv/from-a-page") << QByteArray("x");
    QTest::newRow("DELETE /kv") << QByteArray("DELETE") << QByteArray("/kv/from-a-page") << QByteArray();
    QTest::newRow("POST /") << QByteArray("POST") << QByteArray("/") << QByteArray("from-a-page=x");
    QTest::newRow("POST /admin/partition")
        << QByteArray("POST") << QByteArray("/admin/partition") << QByteArray(R"({"peers":[2,3]})");
    QTest::newRow("POST /admin/net") << QByteArray("POST") << QByteArray("/admin/net")
                                     << QByteArray(R"({"loss":1})");
    QTest::newRow("GET /kv") << QByteArray("GET") << QByteArray("/kv/from-a-page") << QByteArray();
    QTest::newRow("GET /status") << QByteArray("GET") << QByteArray("/status") << QByteArray();
    QTest::newRow("GET /events") << QByteArray("GET") << QByteArray("/events") << QByteArray();
}

void TestHttpHardening::foreignOriginIs403AndChangesNothing()
{
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    constexpr int id = 1;
    const QByteArray portText = QByteArray::number(port(id));
    const QList<QByteArray> origins{
        "http://evil.example", "null", "http://127.0.0.1:" + QByteArray::number(port(2)),
        "https://127.0.0.1:" + portText, "http://127.0.0.1:" + portText + ".evil.example"};
    for (const QByteArray &origin : origins) {
        const RawAnswer answer =
            exchange(port(id), requestBytes(verb, path, body, {hostHeader(id), "Origin: " + origin}));
        QVERIFY2(answer.status == 403, qPrintable(origin + ": " + answer.describe().toUtf8()));
        QCOMPARE(answer.error(), QStringLiteral("forbidden_origin"));
        QVERIFY(!answer.json().value(QStringLiteral("message")).toString().isEmpty());
    }
    // Nothing happened: the key is not there, no link is cut, no message is lost.
    QCOMPARE(m_cluster->get(id, QStringLiteral("/kv/from-a-page?consistency=local")).status, 404);
    const auto status = m_cluster->status(id);
    QVERIFY(status);
    QCOMPARE(status->json.value(QStringLiteral("blocked_peers")).toArray().size(), 0);
    QCOMPARE(status->json.value(QStringLiteral("net")).toObject().value(QStringLiteral("loss")).toDouble(),
             0.0);
}

void TestHttpHardening::ownOriginIsServed_data()
{
    QTest::addColumn<QByteArray>("host"); // the origin's host; the node's port follows
    QTest::newRow("127.0.0.1 (cluster.json)") << QByteArray("127.0.0.1");
    QTest::newRow("localhost") << QByteArray("localhost");
    QTest::newRow("[::1]") << QByteArray("[::1]");
    QTest::newRow("LOCALHOST") << QByteArray("LOCALHOST");
}

void TestHttpHardening::ownOriginIsServed()
{
    QFETCH(QByteArray, host);
    constexpr int id = 2;
    const QByteArray origin = "Origin: http://" + host + ':' + QByteArray::number(port(id));
    const RawAnswer status = exchange(port(id), requestBytes("GET", "/status", {}, {hostHeader(id), origin}));
    QVERIFY2(status.status == 200, qPrintable(status.describe()));
    const QByteArray key = "own-origin-" + QByteArray::number(++m_writes);
    const RawAnswer written =
        exchange(port(id), requestBytes("PUT", "/kv/" + key, "mine", {hostHeader(id), origin}));
    QVERIFY2(written.status == 200, qPrintable(written.describe()));
    QCOMPARE(m_cluster->get(id, ClusterHarness::kvPath(key)).body, QByteArray("mine"));
}

void TestHttpHardening::noAnswerInvitesOtherOrigins()
{
    constexpr int id = 1;
    EventSubscriber events(port(id));
    QVERIFY2(events.waitConnected(5000), events.responseHeaders().constData());
    QVERIFY2(!events.responseHeaders().toLower().contains("access-control-"),
             events.responseHeaders().constData());
    for (const QByteArray &path : {QByteArray("/status"), QByteArray("/metrics"), QByteArray("/kv/none")}) {
        const RawAnswer answer = exchange(port(id), requestBytes("GET", path, {}, {hostHeader(id)}));
        QVERIFY2(answer.status != 0, path.constData());
        QVERIFY2(!answer.hasHeader("access-control-allow-origin"), answer.head.constData());
    }
}

void TestHttpHardening::hostHeaderAgainstDnsRebinding_data()
{
    QTest::addColumn<QByteArray>("host"); // "%1" is the node's port
    QTest::addColumn<int>("status");
    QTest::newRow("a rebound name") << QByteArray("Host: rebind.evil.example:%1") << 403;
    QTest::newRow("a rebound name without port") << QByteArray("Host: rebind.evil.example") << 403;
    QTest::newRow("a name ending like an address") << QByteArray("Host: 127.0.0.1.evil.example:%1") << 403;
    QTest::newRow("a name under localhost's name") << QByteArray("Host: localhost.evil.example:%1") << 403;
    QTest::newRow("the address") << QByteArray("Host: 127.0.0.1:%1") << 200;
    QTest::newRow("localhost") << QByteArray("Host: localhost:%1") << 200;
    QTest::newRow("Localhost.") << QByteArray("Host: Localhost.:%1") << 200;
    QTest::newRow("IPv6 loopback") << QByteArray("Host: [::1]:%1") << 200;
    QTest::newRow("another address") << QByteArray("Host: 10.1.2.3:%1") << 200;
    QTest::newRow("no Host") << QByteArray() << 200;
}

void TestHttpHardening::hostHeaderAgainstDnsRebinding()
{
    QFETCH(QByteArray, host);
    QFETCH(int, status);
    constexpr int id = 3;
    QList<QByteArray> headers;
    if (!host.isEmpty())
        headers << QByteArray(host).replace("%1", QByteArray::number(port(id)));
    const RawAnswer read = exchange(port(id), requestBytes("GET", "/status", {}, headers));
    QVERIFY2(read.status == status, qPrintable(read.describe()));
    const QByteArray key = "host-" + QByteArray::number(++m_writes);
    const RawAnswer written = exchange(port(id), requestBytes("PUT", "/kv/" + key, "v", headers));
    QVERIFY2(written.status == status, qPrintable(written.describe()));
    if (status == 403) {
        QCOMPARE(read.error(), QStringLiteral("forbidden_host"));
        QCOMPARE(
            m_cluster->get(id, ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local")).status,
            404);
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies over the limit

RawAnswer TestHttpHardening::flood(int id, const QByteArray &head, const QByteArray &chunk, qint64 &sent)
{
    // A plain socket: QTcpSocket would stop at the node's end-of-stream, and a hostile client does not.
    sent = 0;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port(id));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        qWarning("cannot connect: %s", strerror(errno));
        return {};
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    // Meanwhile, another client is served.
    auto other = std::make_shared<HttpReply>();
    m_cluster->requestAsync(id, "GET", QStringLiteral("/status"), {}, 8000,
                            [other](const HttpReply &reply) { *other = reply; });
    QByteArray received;
    const auto receive = [&] {
        char buffer[4096];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
            received.append(buffer, n);
    };
    // As fast as the node takes it, whatever it answers, until the node closes the connection, 4 s
    // pass, or 512 MiB went out: a node that buffered what it was sent would show it in its memory.
    QByteArray pending = head;
    qsizetype at = 0;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 4000 && sent < 512 * mebibyte) {
        if (at == pending.size()) {
            pending = chunk;
            at = 0;
        }
        const ssize_t n = ::send(fd, pending.constData() + at, size_t(pending.size() - at), MSG_NOSIGNAL);
        if (n > 0) {
            at += n;
            sent += n;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            break; // closed or reset by the node
        } else {
            pollfd writable{fd, POLLOUT, 0};
            ::poll(&writable, 1, 5);
            QCoreApplication::processEvents();
        }
        receive();
    }
    RawAnswer answer;
    waitUntil(
        [&] {
            receive();
            return takeAnswerFrom(received, answer);
        },
        2000, 5);
    ::close(fd);
    waitUntil([&] { return other->status != 0 || !other->error.isEmpty(); }, 10'000);
    if (!other->ok())
        qWarning("GET /status during the flood: %s", qPrintable(other->describe()));
    return other->ok() ? answer : RawAnswer{};
}

void TestHttpHardening::hugeContentLengthIsRefusedFromItsHeaders()
{
    constexpr int id = 1;
    const qint64 pid = m_cluster->pid(id);
    const qint64 before = residentKiB(pid);
    QVERIFY(before > 0);
    qint64 sent = 0;
    const RawAnswer answer = flood(id,
                                   requestBytes("PUT", "/kv/huge", {}, {hostHeader(id)})
                                       .replace("Content-Length: 0", "Content-Length: 2147483648"),
                                   QByteArray(mebibyte, 'x'), sent);
    const qint64 after = residentKiB(pid);
    qInfo("sent %lld MiB; the node's RSS went from %lld to %lld KiB", sent / mebibyte, before, after);
    QVERIFY2(answer.status == 413, qPrintable(answer.describe()));
    QCOMPARE(answer.error(), QStringLiteral("body_too_large"));
    QVERIFY2(after - before < 30 * 1024,
             qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(after - before)));
    checkStillServes(id);
    QCOMPARE(m_cluster->get(id, QStringLiteral("/kv/huge?consistency=local")).status, 404);
}

void TestHttpHardening::endlessChunkedBodyIsCutAtTheLimit()
{
    constexpr int id = 2;
    const qint64 pid = m_cluster->pid(id);
    const qint64 before = residentKiB(pid);
    QVERIFY(before > 0);
    const QByteArray head =
        "PUT /kv/endless HTTP/1.1\r\n" + hostHeader(id) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    const QByteArray chunk = "10000\r\n" + QByteArray(0x10000, 'c') + "\r\n"; // 64 KiB chunks, forever
    qint64 sent = 0;
    const RawAnswer answer = flood(id, head, chunk.repeated(16), sent);
    const qint64 after = residentKiB(pid);
    qInfo("sent %lld MiB; the node's RSS went from %lld to %lld KiB", sent / mebibyte, before, after);
    QVERIFY2(answer.status == 413, qPrintable(answer.describe()));
    QCOMPARE(answer.error(), QStringLiteral("body_too_large"));
    QVERIFY2(after - before < 30 * 1024,
             qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(after - before)));
    checkStillServes(id);
}

void TestHttpHardening::chunkedBodyWithinTheLimitIsServed()
{
    constexpr int id = 3;
    // Three chunks, one with an extension; then a second request on the same connection.
    RawClient client(port(id));
    client.send(
        "PUT /kv/chunked HTTP/1.1\r\n" + hostHeader(id) +
        "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n");
    const RawAnswer written = client.readAnswer(8000);
    QVERIFY2(written.status == 200, qPrintable(written.describe()));
    client.send(requestBytes("GET", "/kv/chunked", {}, {hostHeader(id)}));
    const RawAnswer read = client.readAnswer(8000);
    QVERIFY2(read.status == 200, qPrintable(read.describe()));
    QCOMPARE(read.body, QByteArray("hello 0123456789"));
    // The largest value still fits, sent in chunks.
    const QByteArray largest(mebibyte, 'L');
    QByteArray chunked;
    for (qsizetype at = 0; at < largest.size(); at += 100'000) {
        const QByteArray piece = largest.mid(at, 100'000);
        chunked += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
    }
    client.send("PUT /kv/chunked-largest HTTP/1.1\r\n" + hostHeader(id) +
                "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + "0\r\n\r\n");
    const RawAnswer largestWritten = client.readAnswer(20'000);
    QVERIFY2(largestWritten.status == 200, qPrintable(largestWritten.describe()));
    QVERIFY(m_cluster->get(id, QStringLiteral("/kv/chunked-largest"), 20'000).body == largest);
}

void TestHttpHardening::expectContinueIsAnswered()
{
    constexpr int id = 1;
    // Within the limit: "100 Continue" comes before the body is sent, then the answer.
    RawClient client(port(id));
    const QByteArray value(5000, 'e');
    client.send("PUT /kv/expect HTTP/1.1\r\n" + hostHeader(id) +
                "\r\nExpect: 100-continue\r\nContent-Length: " + QByteArray::number(value.size()) +
                "\r\n\r\n");
    QVERIFY2(client.waitForContinue(3000), "no 100 Continue");
    client.send(value);
    const RawAnswer written = client.readAnswer(8000);
    QVERIFY2(written.status == 200, qPrintable(written.describe()));
    QVERIFY(written.sawContinue);
    QCOMPARE(m_cluster->get(id, QStringLiteral("/kv/expect")).body, value);
    // Over the limit: the final answer at once, and the body is never sent.
    RawClient tooBig(port(id));
    tooBig.send("PUT /kv/expect-big HTTP/1.1\r\n" + hostHeader(id) +
                "\r\nExpect: 100-continue\r\nContent-Length: 2147483648\r\n\r\n");
    const RawAnswer refused = tooBig.readAnswer(3000);
    QVERIFY2(refused.status == 413, qPrintable(refused.describe()));
    QVERIFY(!refused.sawContinue);
    QVERIFY2(tooBig.waitClosed(5000), "the connection stayed open");
}

void TestHttpHardening::malformedFramingIsRefused_data()
{
    QTest::addColumn<QByteArray>("request"); // after the request line and Host
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("Content-Length and chunked")
        << QByteArray("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") << 400
        << "bad_request";
    QTest::newRow("two Content-Lengths")
        << QByteArray("Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!") << 400 << "bad_request";
    QTest::newRow("Content-Length not a number")
        << QByteArray("Content-Length: 5x\r\n\r\nhello") << 400 << "bad_request";
    QTest::newRow("a folded header") << QByteArray("X-A: 1\r\n  continued\r\nContent-Length: 1\r\n\r\nx")
                                     << 400 << "bad_request";
    QTest::newRow("a space before the colon")
        << QByteArray("Content-Length : 1\r\n\r\nx") << 400 << "bad_request";
    QTest::newRow("a chunk size not hex")
        << QByteArray("Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n") << 400 << "bad_request";
    QTest::newRow("trailers") << QByteArray("Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-T: 1\r\n\r\n")
                              << 400 << "bad_request";
    QTest::newRow("gzip transfer coding")
        << QByteArray("Transfer-Encoding: gzip\r\n\r\n") << 501 << "unsupported_transfer_encoding";
    QTest::newRow("an unknown expectation")
        << QByteArray("Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx") << 417 << "expectation_failed";
    QTest::newRow("headers over 64 KiB")
        << QByteArray("X-Big: " + QByteArray(70 * 1024, 'h') + "\r\n\r\n") << 431 << "headers_too_large";
    QByteArray manyFields;
    for (int i = 0; i < 101; ++i)
        manyFields += "X-" + QByteArray::number(i) + ": 1\r\n";
    QTest::newRow("101 header fields") << manyFields + "\r\n" << 431 << "headers_too_large";
}

void TestHttpHardening::malformedFramingIsRefused()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, error);
    constexpr int id = 2;
    RawClient client(port(id));
    client.send("PUT /kv/malformed HTTP/1.1\r\n" + hostHeader(id) + "\r\n" + request);
    const RawAnswer answer = client.readAnswer(8000);
    QVERIFY2(answer.status == status, qPrintable(answer.describe()));
    QCOMPARE(answer.error(), error);
    QVERIFY2(client.waitClosed(5000), "the connection stayed open");
    QCOMPARE(m_cluster->get(id, QStringLiteral("/kv/malformed?consistency=local")).status, 404);
}

void TestHttpHardening::malformedRequestLineIsRefused_data()
{
    QTest::addColumn<QByteArray>("requestLine");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("not a request line") << QByteArray("GARBAGE") << 400 << "bad_request";
    QTest::newRow("no version") << QByteArray("GET /status") << 400 << "bad_request";
    QTest::newRow("two spaces") << QByteArray("GET  /status HTTP/1.1") << 400 << "bad_request";
    QTest::newRow("HTTP/9.9") << QByteArray("GET /status HTTP/9.9") << 505 << "http_version_not_supported";
}

void TestHttpHardening::malformedRequestLineIsRefused()
{
    // QHttpServer closed such a connection without a word, and served any version.
    QFETCH(QByteArray, requestLine);
    QFETCH(int, status);
    QFETCH(QString, error);
    constexpr int id = 1;
    RawClient client(port(id));
    client.send(requestLine + "\r\n" + hostHeader(id) + "\r\n\r\n");
    const RawAnswer answer = client.readAnswer(8000);
    QVERIFY2(answer.status == status, qPrintable(answer.describe()));
    QCOMPARE(answer.error(), error);
    QVERIFY2(client.waitClosed(5000), "the connection stayed open");
    checkStillServes(id);
}

// ---------------------------------------------------------------------------------------------
// Caps

void TestHttpHardening::eventSubscribersAreCapped()
{
    constexpr int id = 3;
    constexpr int cap = 64;
    std::vector<std::unique_ptr<EventSubscriber>> subscribers;
    for (int i = 0; i < cap; ++i) {
        subscribers.push_back(std::make_unique<EventSubscriber>(port(id)));
        QVERIFY2(subscribers.back()->waitConnected(5000), qPrintable(QStringLiteral("subscriber %1").arg(i)));
    }
    const RawAnswer refused = exchange(port(id), requestBytes("GET", "/events", {}, {hostHeader(id)}));
    QVERIFY2(refused.status == 503, qPrintable(refused.describe()));
    QCOMPARE(refused.error(), QStringLiteral("too_many_subscribers"));
    checkStillServes(id);
    // One leaves: another may come.
    subscribers.pop_back();
    auto late = std::make_unique<EventSubscriber>(port(id));
    QVERIFY2(waitUntil(
                 [&] {
                     if (late->waitConnected(200))
                         return true;
                     late = std::make_unique<EventSubscriber>(port(id)); // refused while the node had
                                                                         // not yet seen the other go
                     return false;
                 },
                 10'000),
             late->responseHeaders().constData());
}

void TestHttpHardening::connectionsAreCapped()
{
    constexpr int id = 2;
    constexpr int cap = 256;
    // More idle connections than the cap (the harness holds a few of its own): the last ones are refused.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < cap + 20; ++i)
        clients.push_back(std::make_unique<RawClient>(port(id)));
    RawAnswer last = clients.back()->readAnswer(5000);
    QVERIFY2(last.status == 503, qPrintable(last.describe()));
    QCOMPARE(last.error(), QStringLiteral("too_many_connections"));
    // Closing them frees the node for everyone.
    clients.clear();
    HttpReply status;
    QVERIFY2(waitUntil(
                 [&] {
                     status = m_cluster->get(id, QStringLiteral("/status"));
                     return status.ok();
                 },
                 10'000),
             qPrintable(status.describe()));
    const HttpReply metrics = m_cluster->get(id, QStringLiteral("/metrics"));
    QVERIFY2(metrics.body.contains("raftlab_http_refused_total{error=\"too_many_connections\"}"),
             metrics.body.constData());
    checkStillServes(id);
}

QTEST_GUILESS_MAIN(TestHttpHardening)
#include "tst_http_hardening.moc"
