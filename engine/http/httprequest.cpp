#include "httprequest.h"

namespace raftlab {

HttpRequest::HttpRequest(const QHttpServerRequest &request)
    : m_method(request.method())
    , m_url(request.url())
    , m_headers(request.headers())
    , m_body(request.body())
{ }

HttpRequest::HttpRequest(Method method, QUrl url, Headers headers, QByteArray body)
    : m_method(method)
    , m_url(std::move(url))
    , m_headers(std::move(headers))
    , m_body(std::move(body))
{ }

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
