#pragma once

// A client socket for in-process HTTP server tests: it sends raw bytes (so a test can write requests
// that no well-behaved client would) and collects everything the server sends back.

#include <QHostAddress>
#include <QTcpSocket>

class RawHttpClient
{
public:
    explicit RawHttpClient(quint16 port) { m_socket.connectToHost(QHostAddress::LocalHost, port); }

    bool waitConnected() { return m_socket.waitForConnected(5000); }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    QByteArray received()
    {
        m_received += m_socket.readAll();
        return m_received;
    }
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};
