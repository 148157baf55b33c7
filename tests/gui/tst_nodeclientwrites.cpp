// NodeClient sends a key-value write exactly once. A server that reads each request and closes the
// connection without answering stands for a node killed after it read the write: Qt's network access
// manager would send the request again on a new connection (the node could then apply it twice, and the
// history would hold one operation where there were two); NodeClient must not. Its answer is honest:
// `unknown` when the write may have arrived, `fail` only when the connection was refused.
#include "cluster/nodeclient.h"
#include "model/clienthistory.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace raftlab;

namespace {

constexpr int deadlineMs = 15'000;

// Reads each request whole (head and Content-Length body), counts it, and hangs up without answering.
class HangUpServer final : public QObject
{
public:
    HangUpServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_buffers[socket] += socket->readAll();
                    const QByteArray &bytes = m_buffers[socket];
                    const qsizetype end = bytes.indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    qsizetype length = 0;
                    for (const QByteArray &line : bytes.left(end).split('\n')) {
                        if (line.toLower().startsWith("content-length:"))
                            length = line.mid(15).trimmed().toLongLong();
                    }
                    if (bytes.size() < end + 4 + length)
                        return;
                    ++requests;
                    lastRequest = bytes;
                    m_buffers.remove(socket);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
    }
    quint16 port() const { return m_server.serverPort(); }

    int requests = 0;
    QByteArray lastRequest;

private:
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

class TestNodeClientWrites : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aWriteIsSentOnceAndItsFateIsUnknown_data();
    void aWriteIsSentOnceAndItsFateIsUnknown();
    void aRefusedWriteCertainlyFailed();
};

void TestNodeClientWrites::aWriteIsSentOnceAndItsFateIsUnknown_data()
{
    QTest::addColumn<int>("operation");
    QTest::addRow("put") << int(KvOperation::Put);
    QTest::addRow("delete") << int(KvOperation::Delete);
    QTest::addRow("cas") << int(KvOperation::Cas);
}

void TestNodeClientWrites::aWriteIsSentOnceAndItsFateIsUnknown()
{
    QFETCH(int, operation);
    HangUpServer server;
    NodeClient client(NodeId(1), NodeAddress{QStringLiteral("127.0.0.1"), server.port()});
    std::optional<KvResult> answer;
    const auto done = [&](const KvResult &result) {
        answer = result;
    };
    KvRequest request{.operation = KvOperation(operation), .key = "k", .value = "v"};
    switch (request.operation) {
    case KvOperation::Put:
        client.put("k", "v", done);
        break;
    case KvOperation::Delete:
        client.remove("k", done);
        break;
    default:
        request.expected = QByteArray("u");
        client.compareAndSet("k", QByteArray("u"), QByteArray("v"), done);
        break;
    }
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), deadlineMs);
    QTest::qWait(300); // a resend would arrive by now
    QCOMPARE(server.requests, 1);
    QVERIFY(server.lastRequest.contains("/kv/k"));
    QCOMPARE(answer->httpStatus, 0);
    QVERIFY(!answer->networkError.isEmpty());
    QVERIFY(!answer->neverSent);
    QCOMPARE(classifyAnswer(request, *answer).result, check::OpResult::Unknown);
}

void TestNodeClientWrites::aRefusedWriteCertainlyFailed()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe; // a port nobody listens on once it closes
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        closedPort = probe.serverPort();
    }
    NodeClient client(NodeId(1), NodeAddress{QStringLiteral("127.0.0.1"), closedPort});
    std::optional<KvResult> answer;
    client.put("k", "v", [&](const KvResult &result) { answer = result; });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), deadlineMs);
    QCOMPARE(answer->httpStatus, 0);
    QVERIFY2(answer->neverSent, qPrintable(answer->networkError));
    QCOMPARE(
        classifyAnswer(KvRequest{.operation = KvOperation::Put, .key = "k", .value = "v"}, *answer).result,
        check::OpResult::Fail);
}

QTEST_GUILESS_MAIN(TestNodeClientWrites)
#include "tst_nodeclientwrites.moc"
