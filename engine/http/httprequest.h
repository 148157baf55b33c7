#pragma once

#include <QByteArray>
#include <QHttpServerRequest>
#include <QList>
#include <QPair>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace raftlab {

// One HTTP request as the node's handlers see it, whether QHttpServer read it or the key-value fast
// path did (ConnectionGate): its method, target (path and query), headers and body. Converts implicitly
// from a QHttpServerRequest, so that a handler serves both kinds through one signature.
//
// A fast-path request keeps its target as the bytes the client sent and builds a QUrl only when a
// handler asks for one: parsing a URL costs more than the rest of reading the request, and the
// key-value handlers need only the encoded path and query.
class HttpRequest
{
public:
    using Method = QHttpServerRequest::Method;
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    HttpRequest(const QHttpServerRequest &request); // NOLINT(google-explicit-constructor): an adapter
    // `target`: the request line's origin-form target, percent-encoded as sent ("/kv/a?timeout_ms=5").
    HttpRequest(Method method, QByteArray target, Headers headers, QByteArray body);

    Method method() const { return m_method; }
    const QUrl &url() const;
    // The path and the query as sent, percent-encoded; the query without its '?', empty if there is none.
    QByteArray encodedPath() const;
    QByteArray encodedQuery() const;
    bool hasQuery() const;
    // Path and query, as they would appear on a request line to another server.
    QByteArray encodedTarget() const;
    QUrlQuery query() const { return hasQuery() ? QUrlQuery(url()) : QUrlQuery(); }
    const Headers &headers() const { return m_headers; }
    const QByteArray &body() const { return m_body; }
    void setBody(QByteArray body) { m_body = std::move(body); }
    // The value of the first header named `name` (any case), or empty.
    QByteArray value(QByteArrayView name) const;

private:
    Method m_method;
    QByteArray m_target; // fast path: as sent (never empty); empty when QHttpServer read the request
    mutable std::optional<QUrl> m_url; // QHttpServer's, or built from m_target on first use
    Headers m_headers;
    QByteArray m_body;
};

} // namespace raftlab
