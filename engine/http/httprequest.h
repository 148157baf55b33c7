#pragma once

#include <QByteArray>
#include <QHttpServerRequest>
#include <QList>
#include <QPair>
#include <QUrl>
#include <QUrlQuery>

namespace raftlab {

// One HTTP request as the node's handlers see it, whether QHttpServer read it or the key-value fast
// path did (ConnectionGate): its method, URL (path and query), headers and body. Converts implicitly
// from a QHttpServerRequest, so that a handler serves both kinds through one signature.
class HttpRequest
{
public:
    using Method = QHttpServerRequest::Method;
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    HttpRequest(const QHttpServerRequest &request); // NOLINT(google-explicit-constructor): an adapter
    HttpRequest(Method method, QUrl url, Headers headers, QByteArray body);

    Method method() const { return m_method; }
    const QUrl &url() const { return m_url; }
    QUrlQuery query() const { return QUrlQuery(m_url); }
    const Headers &headers() const { return m_headers; }
    const QByteArray &body() const { return m_body; }
    void setBody(QByteArray body) { m_body = std::move(body); }
    // The value of the first header named `name` (any case), or empty.
    QByteArray value(QByteArrayView name) const;

private:
    Method m_method;
    QUrl m_url;
    Headers m_headers;
    QByteArray m_body;
};

} // namespace raftlab
