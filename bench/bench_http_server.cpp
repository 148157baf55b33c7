// QHttpServer in isolation: what one request costs the HTTP layer alone, with no Raft behind it.
//
//   bench_http_server qhttpserver PORT   Qt 6.4's QHttpServer, one route PUT /kv/<key> answering at once
//   bench_http_server raw PORT           the same answers from a QTcpServer that finds the head's end and
//                                        Content-Length in what arrived, reading it in one go
//
// Both answer {"index":1,"term":1} to every PUT /kv/<key>, as a node does once the write applied. Drive
// them with wrk and bench/kv_load.lua (raftlab-put), under callgrind for instructions per request.
#include <QCoreApplication>
#include <QHttpServer>
#include <QTcpServer>
#include <QTcpSocket>

#include <cstdio>
#include <memory>

namespace {

const QByteArray answerBody = "{\"index\":1,\"term\":1}\n";

int serveQHttpServer(quint16 port, QHttpServer &server)
{
    server.route(QStringLiteral("/kv/<arg>"), QHttpServerRequest::Method::Put,
                 [](const QString &, const QHttpServerRequest &, QHttpServerResponder &&responder) {
                     responder.write(answerBody, "application/json", QHttpServerResponder::StatusCode::Ok);
                 });
    if (server.listen(QHostAddress::LocalHost, port) == 0) {
        std::fprintf(stderr, "cannot listen on %u\n", unsigned(port));
        return 1;
    }
    return QCoreApplication::exec();
}

// One connection: requests framed by the end of the head and Content-Length, answered in order.
void serveRawConnection(QTcpSocket *socket)
{
    auto pending = std::make_shared<QByteArray>();
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, pending] {
        QByteArray &buffer = *pending;
        buffer += socket->readAll();
        for (;;) {
            const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            const QByteArrayView head = QByteArrayView(buffer).first(headEnd);
            qsizetype bodyBytes = 0;
            if (const qsizetype at = head.indexOf("Content-Length: "); at >= 0) {
                const qsizetype end = head.indexOf('\r', at);
                bodyBytes = head.sliced(at + 16, (end < 0 ? head.size() : end) - at - 16).toLongLong();
            }
            if (buffer.size() < headEnd + 4 + bodyBytes)
                return;
            const bool put = head.startsWith("PUT /kv/");
            socket->write(put ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                  QByteArray::number(answerBody.size()) + "\r\n\r\n" + answerBody
                              : QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
            buffer.remove(0, headEnd + 4 + bodyBytes);
        }
    });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

int serveRaw(quint16 port, QTcpServer &server)
{
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            serveRawConnection(socket);
        }
    });
    if (!server.listen(QHostAddress::LocalHost, port)) {
        std::fprintf(stderr, "cannot listen on %u\n", unsigned(port));
        return 1;
    }
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3 || (args[1] != QLatin1String("qhttpserver") && args[1] != QLatin1String("raw"))) {
        std::fprintf(stderr, "usage: bench_http_server qhttpserver|raw PORT\n");
        return 2;
    }
    const quint16 port = quint16(args[2].toUInt());
    if (args[1] == QLatin1String("qhttpserver")) {
        QHttpServer server;
        return serveQHttpServer(port, server);
    }
    QTcpServer server;
    return serveRaw(port, server);
}
