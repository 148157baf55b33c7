#pragma once

// One HTTP/1.1 request on a connection of its own, sent once. QNetworkAccessManager resends a request
// whose kept-alive connection closes before the answer, which for a write means the node may apply it
// twice and the client history records one operation where there were two. A key-value write goes
// through this class instead: a fresh connection, "Connection: close", no retry; and it tells apart a
// request that certainly never left (the connection was refused) from one that may have arrived.

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

class QTcpSocket;
class QTimer;

namespace raftlab {

class HttpResponseParser;

class SingleShotRequest final : public QObject
{
    Q_OBJECT

public:
    struct Result
    {
        int status = 0; // 0: no complete answer
        QByteArray contentType{};
        QByteArray body{};
        QString error{}; // why there is no answer (empty when there is one)
        bool sent = false; // some of the request was written: it may have reached the node
    };
    using Callback = std::function<void(const Result &)>;

    // Sends `method` `url` with `body` (and `contentType` when not empty); `done` runs once, with the
    // answer or with why there is none after `timeoutMs`. The object deletes itself afterwards.
    static void send(const QByteArray &method, const QUrl &url, const QByteArray &contentType,
                     const QByteArray &body, int timeoutMs, QObject *context, Callback done);

    ~SingleShotRequest() override;

private:
    SingleShotRequest(QByteArray request, int timeoutMs, QObject *parent, Callback done);
    void start(const QString &host, quint16 port);
    void onReadyRead();
    void onDisconnected();
    void finishAnswered(); // the parser holds a complete answer
    void finish(Result result);

    QByteArray m_request;
    QTcpSocket *m_socket;
    QTimer *m_timer;
    std::unique_ptr<HttpResponseParser> m_parser;
    Callback m_done;
    bool m_sent = false;
    bool m_finished = false;
};

} // namespace raftlab
