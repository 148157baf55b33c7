#include "httpresponses.h"

#include "eventjson.h"

#include "node/commandlinehelp.h"

#include <QJsonDocument>
#include <QUrlQuery>

#include <charconv>
#include <cstring>

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

void respondNow(HttpResponder &&responder, QHttpServerResponder::StatusCode status, const QJsonObject &body)
{
    writeAnswer(responder, jsonAnswer(status, body));
}

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Request Entity Too Large";
    case 414:
        return "Request-URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Entity";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return {};
    }
}

QByteArray httpResponse(const PendingRequests::Answer &answer)
{
    // Every write's answer: sized once and copied in, without QByteArray::append()'s checks per piece
    // or QByteArray::number()'s temporaries (together more than the rest of answering a write).
    const int status = static_cast<int>(answer.status);
    const QByteArrayView phrase = reasonPhrase(status);
    char statusText[12];
    const auto statusEnd = std::to_chars(statusText, statusText + sizeof statusText, status).ptr;
    char lengthText[24];
    const auto lengthEnd = std::to_chars(lengthText, lengthText + sizeof lengthText, answer.body.size()).ptr;
    const QByteArrayView pieces[] = {"HTTP/1.1 ",
                                     QByteArrayView(statusText, statusEnd - statusText),
                                     " ",
                                     phrase,
                                     "\r\nContent-Type: ",
                                     answer.mime,
                                     "\r\nContent-Length: ",
                                     QByteArrayView(lengthText, lengthEnd - lengthText),
                                     "\r\n\r\n",
                                     answer.body};
    qsizetype size = 0;
    for (const QByteArrayView piece : pieces)
        size += piece.size();
    QByteArray bytes(size, Qt::Uninitialized);
    char *out = bytes.data();
    for (const QByteArrayView piece : pieces) {
        if (piece.isEmpty())
            continue; // an empty body's data() is null, which memcpy must never see
        std::memcpy(out, piece.data(), static_cast<std::size_t>(piece.size()));
        out += piece.size();
    }
    return bytes;
}

void writeAnswer(HttpResponder &responder, const PendingRequests::Answer &answer)
{
    // What QHttpServerResponder::write() sends, in one piece (tst_httpresponses compares the bytes).
    responder.write(httpResponse(answer));
}

std::optional<int> timeoutFrom(const HttpRequest &request)
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
