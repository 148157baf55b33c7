#include "httprequest.h"

namespace raftlab {

namespace {

constexpr QUrl::FormattingOptions targetOnly =
    QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment;

} // namespace

HttpRequest::HttpRequest(const QHttpServerRequest &request)
    : m_method(request.method())
    , m_url(request.url())
    , m_headers(request.headers())
    , m_body(request.body())
{ }

HttpRequest::HttpRequest(Method method, QByteArray target, Headers headers, QByteArray body)
    : m_method(method)
    , m_target(std::move(target))
    , m_headers(std::move(headers))
    , m_body(std::move(body))
{ }

const QUrl &HttpRequest::url() const
{
    if (!m_url)
        m_url = QUrl::fromEncoded(m_target);
    return *m_url;
}

QByteArray HttpRequest::encodedPath() const
{
    if (m_target.isEmpty())
        return m_url->path(QUrl::FullyEncoded).toLatin1();
    const qsizetype queryAt = m_target.indexOf('?');
    return queryAt < 0 ? m_target : m_target.first(queryAt);
}

QByteArray HttpRequest::encodedQuery() const
{
    if (m_target.isEmpty())
        return m_url->query(QUrl::FullyEncoded).toLatin1();
    const qsizetype queryAt = m_target.indexOf('?');
    return queryAt < 0 ? QByteArray() : m_target.sliced(queryAt + 1);
}

bool HttpRequest::hasQuery() const
{
    return m_target.isEmpty() ? m_url->hasQuery() : m_target.contains('?');
}

QByteArray HttpRequest::encodedTarget() const
{
    return m_target.isEmpty() ? m_url->toEncoded(targetOnly) : m_target;
}

QByteArray HttpRequest::value(QByteArrayView name) const
{
    for (const auto &[key, value] : m_headers) {
        if (key.size() == name.size() &&
            qstrnicmp(key.constData(), key.size(), name.data(), name.size()) == 0)
            return value;
    }
    return {};
}

} // namespace raftlab
