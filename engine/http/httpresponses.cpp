#include "httpresponses.h"

#include "eventjson.h"

#include "node/commandlinehelp.h"

#include <QJsonDocument>
#include <QUrlQuery>

namespace raftlab {

QJsonObject errorJson(const QString &code, const QString &message)
{
    return QJsonObject{{QStringLiteral("error"), code}, {QStringLiteral("message"), message}};
}

PendingRequests::Answer jsonAnswer(QHttpServerResponder::StatusCode status, const QJsonObject &body)
{
    return PendingRequests::Answer{QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n',
                                   "application/json", status};
}

PendingRequests::Answer unavailableAnswer(const QString &code, const QString &message, NodeId leader,
                                          const QString &outcome)
{
    QJsonObject body = errorJson(code, message);
    body.insert(QStringLiteral("leader"), idOrNull(leader));
    if (!outcome.isEmpty())
        body.insert(QStringLiteral("outcome"), outcome);
    return jsonAnswer(QHttpServerResponder::StatusCode::ServiceUnavailable, body);
}

void respondNow(QHttpServerResponder &&responder, QHttpServerResponder::StatusCode status,
                const QJsonObject &body)
{
    const PendingRequests::Answer answer = jsonAnswer(status, body);
    responder.write(answer.body, answer.mime, answer.status);
}

std::optional<int> timeoutFrom(const QHttpServerRequest &request)
{
    const QUrlQuery query = request.query();
    if (!query.hasQueryItem(QStringLiteral("timeout_ms")))
        return defaultTimeoutMs;
    return parseBoundedInt(query.queryItemValue(QStringLiteral("timeout_ms")), 1, 600'000);
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "GET";
    }
}

} // namespace raftlab
