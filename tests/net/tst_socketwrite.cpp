// writeNowIfIdle() on a real loopback connection: bytes written to an idle socket reach the peer before
// the writer's event loop runs again, bytes written behind others keep their order, and a peer that reset
// the connection is reported from the event loop, never from inside the write.
#include "net/socketwrite.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <utility>

using namespace raftlab;

class TestSocketWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void bytesToAnIdleSocketLeaveWithoutTheEventLoop();
    void aPlainWriteWaitsForTheEventLoop();
    void bytesBehindOthersKeepTheirOrder();
    void aResetPeerIsReportedFromTheLoopNotFromTheWrite();

private:
    // What the peer has received within `ms`. The peer is a plain POSIX socket, read without Qt, so that
    // nothing but the kernel carries the bytes while the writer's loop does not run.
    QByteArray receivedWithin(int ms);

    int m_listener = -1;
    int m_peer = -1;
    std::unique_ptr<QTcpSocket> m_writer;
};

void TestSocketWrite::init()
{
    m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(m_listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    QCOMPARE(::bind(m_listener, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    QCOMPARE(::listen(m_listener, 1), 0);
    QCOMPARE(::getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &length), 0);
    m_writer = std::make_unique<QTcpSocket>();
    m_writer->connectToHost(QHostAddress::LocalHost, ntohs(address.sin_port));
    QVERIFY(m_writer->waitForConnected(10000));
    m_peer = ::accept(m_listener, nullptr, nullptr);
    QVERIFY(m_peer >= 0);
}

void TestSocketWrite::cleanup()
{
    m_writer.reset();
    for (int *fd : {&m_peer, &m_listener}) {
        if (*fd >= 0)
            ::close(*fd);
        *fd = -1;
    }
}

QByteArray TestSocketWrite::receivedWithin(int ms)
{
    QByteArray received;
    pollfd fd{m_peer, POLLIN, 0};
    while (::poll(&fd, 1, received.isEmpty() ? ms : 50) > 0) {
        char buffer[256];
        const ssize_t got = ::recv(fd.fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got <= 0)
            break;
        received.append(buffer, got);
    }
    return received;
}

void TestSocketWrite::bytesToAnIdleSocketLeaveWithoutTheEventLoop()
{
    writeNowIfIdle(m_writer.get(), QByteArrayLiteral("append"));
    QCOMPARE(m_writer->bytesToWrite(), 0);
    QCOMPARE(receivedWithin(5000), QByteArrayLiteral("append"));
}

void TestSocketWrite::aPlainWriteWaitsForTheEventLoop()
{
    // What writeNowIfIdle() saves: QAbstractSocket::write() alone sends at the loop's next poll.
    m_writer->write(QByteArrayLiteral("later"));
    QCOMPARE(receivedWithin(200), QByteArray());
    QTRY_COMPARE_WITH_TIMEOUT(m_writer->bytesToWrite(), 0, 10000);
    QCOMPARE(receivedWithin(5000), QByteArrayLiteral("later"));
}

void TestSocketWrite::bytesBehindOthersKeepTheirOrder()
{
    m_writer->write(QByteArrayLiteral("first,"));
    writeNowIfIdle(m_writer.get(), QByteArrayLiteral("second,"));
    QCOMPARE(receivedWithin(200), QByteArray()); // not sent ahead of what waits in Qt's buffer
    writeNowIfIdle(m_writer.get(), QByteArrayLiteral("third"));
    QTRY_COMPARE_WITH_TIMEOUT(m_writer->bytesToWrite(), 0, 10000);
    writeNowIfIdle(m_writer.get(), QByteArrayLiteral(",fourth"));
    QCOMPARE(receivedWithin(5000), QByteArrayLiteral("first,second,third,fourth"));
}

void TestSocketWrite::aResetPeerIsReportedFromTheLoopNotFromTheWrite()
{
    // The peer goes away with a reset (linger 0), as a killed process's connection may.
    const linger reset{1, 0};
    QCOMPARE(::setsockopt(m_peer, SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
    ::close(std::exchange(m_peer, -1));
    QSignalSpy disconnected(m_writer.get(), &QTcpSocket::disconnected);
    QSignalSpy errors(m_writer.get(), &QTcpSocket::errorOccurred);
    // The writer has not read the reset yet: its sends now fail, or go nowhere, without a signal.
    for (int i = 0; i < 3; ++i)
        writeNowIfIdle(m_writer.get(), QByteArray(64, 'x'));
    QCOMPARE(disconnected.count(), 0);
    QCOMPARE(errors.count(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_writer->state() == QAbstractSocket::UnconnectedState, 10000);
    QVERIFY(errors.count() + disconnected.count() > 0);
}

QTEST_GUILESS_MAIN(TestSocketWrite)
#include "tst_socketwrite.moc"
