#include "nodeclient.h"

#include "noanswer.h"
#include "singleshotrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

namespace raftlab {

namespace {

Q_LOGGING_CATEGORY(lcNodeClient, "raftlab.gui")

// The body as a JSON object when the node said it is JSON.
QJsonObject jsonBody(const QByteArray &contentType, const QByteArray &body)
{
    if (!contentType.startsWith("application/json"))
        return QJsonObject();
    return QJsonDocument::fromJson(body).object();
}

QJsonObject jsonBody(QNetworkReply *reply, const QByteArray &body)
{
    return jsonBody(reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), body);
}

std::optional<qint64> integer(const QJsonObject &json, const QString &key)
{
    const QJsonValue value = json.value(key);
    if (!value.isDouble())
        return std::nullopt;
    return value.toInteger();
}

// What arrived; a refused request never opened, and reading it would only warn.
QByteArray bodyOf(QNetworkReply *reply)
{
    return reply->isOpen() ? reply->readAll() : QByteArray();
}

int httpStatusOf(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// One sentence for a request that got no HTTP answer.
QString networkFailure(QNetworkReply *reply)
{
    if (reply->error() == QNetworkReply::OperationCanceledError)
        return NoAnswer::timedOut();
    if (reply->error() == QNetworkReply::ConnectionRefusedError)
        return NoAnswer::connectionRefused();
    if (reply->error() == QNetworkReply::NoError || reply->error() == QNetworkReply::RemoteHostClosedError)
        return NoAnswer::connectionClosed();
    return reply->errorString();
}

} // namespace

NodeClient::NodeClient(NodeId id, const NodeAddress &http, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_network(new QNetworkAccessManager(this))
    , m_reconnectTimer(new QTimer(this))
{
    m_baseUrl.setScheme(QStringLiteral("http"));
    m_baseUrl.setHost(http.host);
    m_baseUrl.setPort(http.port);
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &NodeClient::subscribe);
}

NodeClient::~NodeClient()
{
    // Replies are children of m_network and go with it; they must not call back into a half-destroyed
    // object, so the stream is let go of first.
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->abort();
    }
}

void NodeClient::setReconnectDelays(int minMs, int maxMs)
{
    m_minReconnectDelayMs = std::max(1, minMs);
    m_maxReconnectDelayMs = std::max(m_minReconnectDelayMs, maxMs);
    m_reconnectDelayMs = m_minReconnectDelayMs;
}

void NodeClient::start()
{
    if (m_started)
        return;
    m_started = true;
    m_reconnectDelayMs = m_minReconnectDelayMs;
    subscribe();
}

void NodeClient::stop()
{
    m_started = false;
    m_reconnectTimer->stop();
    if (m_stream) {
        QNetworkReply *stream = m_stream;
        m_stream = nullptr;
        stream->disconnect(this);
        stream->abort();
        stream->deleteLater();
    }
    setConnected(false);
}

QNetworkRequest NodeClient::request(const QString &encodedPath,
                                    const QList<std::pair<QString, QString>> &query) const
{
    QUrl url = m_baseUrl;
    url.setPath(encodedPath, QUrl::StrictMode);
    if (!query.isEmpty()) {
        QUrlQuery urlQuery;
        for (const auto &[key, value] : query)
            urlQuery.addQueryItem(key, value);
        url.setQuery(urlQuery);
    }
    QNetworkRequest request(url);
    // QNAM does not send "Expect: 100-continue" today; say so explicitly, whatever a future Qt defaults
    // to, so that no request waits for a "100 Continue" first.
    request.setRawHeader("Expect", QByteArray(""));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(requestTimeoutMs());
    return request;
}

// ---------------------------------------------------------------------------------------------
// The event stream.

void NodeClient::subscribe()
{
    if (!m_started || m_stream)
        return;
    QNetworkRequest events = request(QStringLiteral("/events"));
    events.setTransferTimeout(0); // a stream may be silent for long (a frozen node, a quiet follower)
    events.setRawHeader("Accept", "text/event-stream");
    events.setRawHeader("Cache-Control", "no-cache");
    events.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    m_parser.reset();
    m_stream = m_network->get(events);
    connect(m_stream, &QNetworkReply::readyRead, this, &NodeClient::onStreamData);
    connect(m_stream, &QNetworkReply::finished, this, &NodeClient::onStreamFinished);
}

void NodeClient::onStreamData()
{
    if (!m_stream)
        return;
    const int status = httpStatusOf(m_stream);
    if (status != 200) {
        m_stream->readAll(); // an error page: finished() follows and reconnects
        return;
    }
    const QList<QJsonObject> events = m_parser.feed(m_stream->readAll());
    for (const QJsonObject &event : events) {
        if (!m_connected) {
            m_reconnectDelayMs = m_minReconnectDelayMs;
            setConnected(true);
        }
        ++m_eventCount;
        Q_EMIT eventReceived(event);
        if (!m_stream)
            return; // a slot stopped us
    }
}

void NodeClient::onStreamFinished()
{
    QNetworkReply *stream = m_stream;
    if (!stream)
        return;
    m_stream = nullptr;
    qCDebug(lcNodeClient).noquote() << QStringLiteral("%1: event stream of %2 ended: %3")
                                           .arg(m_id.value)
                                           .arg(m_baseUrl.toString(), networkFailure(stream));
    stream->deleteLater();
    setConnected(false);
    scheduleReconnect();
}

void NodeClient::setConnected(bool connected)
{
    if (m_connected == connected)
        return;
    m_connected = connected;
    Q_EMIT connectionChanged(connected);
}

void NodeClient::scheduleReconnect()
{
    if (!m_started)
        return;
    m_reconnectTimer->start(m_reconnectDelayMs);
    m_reconnectDelayMs = std::min(m_maxReconnectDelayMs, m_reconnectDelayMs * 2);
}

// ---------------------------------------------------------------------------------------------
// Status and admin.

void NodeClient::refreshStatus()
{
    QNetworkReply *reply = m_network->get(request(QStringLiteral("/status")));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const QByteArray body = bodyOf(reply);
        const int status = httpStatusOf(reply);
        if (status == 0) {
            Q_EMIT statusFailed(networkFailure(reply));
            return;
        }
        const QJsonObject json = jsonBody(reply, body);
        if (status != 200 || json.isEmpty()) {
            Q_EMIT statusFailed(NodeClient::tr("GET /status answered %1: %2")
                                    .arg(status)
                                    .arg(QString::fromUtf8(body.left(200)).trimmed()));
            return;
        }
        Q_EMIT statusReceived(json);
    });
}

void NodeClient::changeMembership(const QJsonObject &body, AdminCallback done)
{
    postAdmin(QStringLiteral("members"), body, std::move(done));
}

void NodeClient::postAdmin(const QString &action, const QJsonObject &body, AdminCallback done)
{
    QNetworkRequest post = request(QStringLiteral("/admin/") + action);
    post.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = m_network->post(post, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply, action, done = std::move(done)] {
        reply->deleteLater();
        const QByteArray answer = bodyOf(reply);
        AdminResult result;
        result.httpStatus = httpStatusOf(reply);
        result.json = jsonBody(reply, answer);
        result.ok = result.httpStatus >= 200 && result.httpStatus < 300;
        if (result.httpStatus == 0)
            result.message = networkFailure(reply);
        else if (!result.ok)
            result.message = result.json.value(QStringLiteral("message"))
                                 .toString(QStringLiteral("HTTP %1").arg(result.httpStatus));
        if (!result.ok)
            qCInfo(lcNodeClient).noquote()
                << QStringLiteral("%1: admin %2 failed: %3").arg(m_id.value).arg(action, result.message);
        Q_EMIT adminFinished(action, result.ok, result.message);
        if (done)
            done(result);
    });
}

void NodeClient::partition(const QList<NodeId> &blockedPeers, const QList<NodeId> &outgoingBlockedPeers,
                           AdminCallback done)
{
    const auto ids = [](const QList<NodeId> &list) {
        QJsonArray array;
        for (NodeId peer : list)
            array.append(qint64(peer.value));
        return array;
    };
    postAdmin(QStringLiteral("partition"),
              QJsonObject{{QStringLiteral("peers"), ids(blockedPeers)},
                          {QStringLiteral("outgoing"), ids(outgoingBlockedPeers)}},
              std::move(done));
}

void NodeClient::setNetworkFaults(int delayMs, int jitterMs, double loss, AdminCallback done)
{
    postAdmin(QStringLiteral("net"),
              QJsonObject{{QStringLiteral("delay_ms"), delayMs},
                          {QStringLiteral("jitter_ms"), jitterMs},
                          {QStringLiteral("loss"), loss}},
              std::move(done));
}

void NodeClient::setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs,
                           AdminCallback done)
{
    postAdmin(QStringLiteral("timing"),
              QJsonObject{{QStringLiteral("heartbeat_ms"), heartbeatMs},
                          {QStringLiteral("election_timeout_ms"),
                           QJsonArray{electionTimeoutMinMs, electionTimeoutMaxMs}}},
              std::move(done));
}

void NodeClient::transferLeadership(NodeId to, AdminCallback done)
{
    postAdmin(QStringLiteral("transfer"), QJsonObject{{QStringLiteral("to"), qint64(to.value)}},
              std::move(done));
}

void NodeClient::triggerTimeout(AdminCallback done)
{
    postAdmin(QStringLiteral("timeout"), QJsonObject(), std::move(done));
}

// ---------------------------------------------------------------------------------------------
// The key-value store.

void NodeClient::sendKv(KvMethod method, const QByteArray &key, const QByteArray &body,
                        const QList<std::pair<QString, QString>> &query, KvCallback done)
{
    // The key travels percent-encoded (a '/' in it stays %2F, and the node refuses it with a reason).
    QNetworkRequest kv =
        request(QStringLiteral("/kv/") + QString::fromLatin1(key.toPercentEncoding()), query);
    for (const auto &[name, value] : query) {
        if (name == QLatin1String("timeout_ms")) // the node answers by then: allow it that long, and more
            kv.setTransferTimeout(std::max(requestTimeoutMs(), value.toInt() + 2000 * m_timeScale));
    }

    QElapsedTimer clock;
    clock.start();
    // The node's answer, read from either kind of request.
    const auto answered = [](KvResult &result, const QByteArray &contentType) {
        result.json = jsonBody(contentType, result.body);
        result.index = integer(result.json, QStringLiteral("index"));
        result.term = integer(result.json, QStringLiteral("term"));
        result.error = result.json.value(QStringLiteral("error")).toString();
        result.message = result.json.value(QStringLiteral("message")).toString();
        if (const auto leader = integer(result.json, QStringLiteral("leader")); leader && *leader > 0)
            result.leader = NodeId(std::uint32_t(*leader));
    };
    if (method != KvMethod::Get) {
        // A write is sent exactly once (SingleShotRequest): a resend could apply it twice.
        SingleShotRequest::send(
            method == KvMethod::Put ? QByteArrayLiteral("PUT") : QByteArrayLiteral("DELETE"), kv.url(),
            method == KvMethod::Put ? QByteArrayLiteral("application/octet-stream") : QByteArray(), body,
            kv.transferTimeout(), this,
            [clock, answered, done = std::move(done)](const SingleShotRequest::Result &answer) {
                KvResult result;
                result.latencyUs = clock.nsecsElapsed() / 1000;
                result.httpStatus = answer.status;
                result.body = answer.body;
                if (answer.status == 0) {
                    result.networkError = answer.error;
                    result.message = answer.error;
                    result.neverSent = !answer.sent;
                } else {
                    answered(result, answer.contentType);
                }
                if (done)
                    done(result);
            });
        return;
    }
    QNetworkReply *reply = m_network->get(kv);
    connect(reply, &QNetworkReply::finished, this, [reply, clock, answered, done = std::move(done)] {
        KvResult result;
        result.latencyUs = clock.nsecsElapsed() / 1000;
        reply->deleteLater();
        result.body = bodyOf(reply);
        result.httpStatus = httpStatusOf(reply);
        if (result.httpStatus == 0) {
            result.networkError = networkFailure(reply);
            result.message = result.networkError;
        } else {
            answered(result, reply->header(QNetworkRequest::ContentTypeHeader).toByteArray());
        }
        if (done)
            done(result);
    });
}

void NodeClient::setTimeScale(int factor)
{
    m_timeScale = std::max(1, factor);
}

QList<std::pair<QString, QString>> NodeClient::timeoutQuery(int timeoutMs) const
{
    if (timeoutMs <= 0 && m_timeScale > 1)
        timeoutMs = kvTimeoutMs();
    if (timeoutMs <= 0)
        return {};
    return {{QStringLiteral("timeout_ms"), QString::number(timeoutMs)}};
}

void NodeClient::put(const QByteArray &key, const QByteArray &value, KvCallback done, int timeoutMs)
{
    sendKv(KvMethod::Put, key, value, timeoutQuery(timeoutMs), std::move(done));
}

void NodeClient::get(const QByteArray &key, KvCallback done, ReadConsistency consistency, int timeoutMs)
{
    QList<std::pair<QString, QString>> query = timeoutQuery(timeoutMs);
    if (consistency == ReadConsistency::Local)
        query.append({QStringLiteral("consistency"), QStringLiteral("local")});
    sendKv(KvMethod::Get, key, QByteArray(), query, std::move(done));
}

void NodeClient::remove(const QByteArray &key, KvCallback done, int timeoutMs)
{
    sendKv(KvMethod::Delete, key, QByteArray(), timeoutQuery(timeoutMs), std::move(done));
}

void NodeClient::compareAndSet(const QByteArray &key, const std::optional<QByteArray> &expected,
                               const std::optional<QByteArray> &value, KvCallback done, int timeoutMs)
{
    // The comparison is decided by the node when the entry applies; a failed one answers 412.
    QList<std::pair<QString, QString>> query = timeoutQuery(timeoutMs);
    if (expected)
        query.append({QStringLiteral("if_value"), QString::fromUtf8(*expected)});
    else
        query.append({QStringLiteral("if_absent"), QStringLiteral("true")});
    if (value)
        sendKv(KvMethod::Put, key, *value, query, std::move(done));
    else
        sendKv(KvMethod::Delete, key, QByteArray(), query, std::move(done));
}

} // namespace raftlab
