#include "singleshotrequest.h"

#include "noanswer.h"

#include "http/httpresponseparser.h"

#include <QTcpSocket>
#include <QTimer>

namespace raftlab {

void SingleShotRequest::send(const QByteArray &method, const QUrl &url, const QByteArray &contentType,
                             const QByteArray &body, int timeoutMs, QObject *context, Callback done)
{
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    const QString host = url.host();
    const int port = url.port(80);
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: " + host.toLatin1() + ':' +
        QByteArray::number(port) +
        "\r\nConnection: close\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!contentType.isEmpty())
        request += "Content-Type: " + contentType + "\r\n";
    request += "\r\n" + body;
    auto *self = new SingleShotRequest(std::move(request), timeoutMs, context, std::move(done));
    self->start(host, quint16(port));
}

SingleShotRequest::SingleShotRequest(QByteArray request, int timeoutMs, QObject *parent, Callback done)
    : QObject(parent)
    , m_request(std::move(request))
    , m_socket(new QTcpSocket(this))
    , m_timer(new QTimer(this))
    , m_parser(std::make_unique<HttpResponseParser>())
    , m_done(std::move(done))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(timeoutMs);
}

SingleShotRequest::~SingleShotRequest() = default;

void SingleShotRequest::start(const QString &host, quint16 port)
{
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        m_sent = true; // from here on the node may read the request, whatever happens next
        m_socket->write(m_request);
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &SingleShotRequest::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &SingleShotRequest::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            return onDisconnected(); // the answer may have arrived just before the close
        finish(Result{.error = error == QAbstractSocket::ConnectionRefusedError
                          ? NoAnswer::connectionRefused()
                          : m_socket->errorString(),
                      .sent = m_sent});
    });
    connect(m_timer, &QTimer::timeout, this,
            [this] { finish(Result{.error = NoAnswer::timedOut(), .sent = m_sent}); });
    m_timer->start();
    m_socket->connectToHost(host, port);
}

void SingleShotRequest::onReadyRead()
{
    const HttpResponseParser::State state = m_parser->feed(m_socket->readAll());
    if (state == HttpResponseParser::State::Complete) {
        finishAnswered();
    } else if (state == HttpResponseParser::State::Malformed) {
        finish(Result{.error = tr("a malformed answer: %1").arg(m_parser->error()), .sent = true});
    }
}

void SingleShotRequest::onDisconnected()
{
    if (m_finished)
        return;
    onReadyRead(); // bytes that arrived with the close
    if (m_finished)
        return;
    if (m_parser->finish() == HttpResponseParser::State::Complete)
        return finishAnswered();
    finish(Result{.error = NoAnswer::connectionClosed(), .sent = m_sent});
}

void SingleShotRequest::finishAnswered()
{
    HttpResponseParser::Response response = m_parser->take();
    finish(Result{.status = response.status,
                  .contentType = std::move(response.contentType),
                  .body = std::move(response.body),
                  .sent = true});
}

void SingleShotRequest::finish(Result result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer->stop();
    m_socket->disconnect(this);
    m_socket->abort();
    if (m_done)
        m_done(result);
    deleteLater();
}

} // namespace raftlab
