#include "kvfastpath.h"

#include "httpresponses.h"

#include <cstring>

namespace raftlab::KvFastPath {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

std::optional<HttpRequest::Method> methodOf(QByteArrayView name)
{
    if (name == "GET")
        return HttpRequest::Method::Get;
    if (name == "PUT")
        return HttpRequest::Method::Put;
    if (name == "DELETE")
        return HttpRequest::Method::Delete;
    return std::nullopt;
}

// "/kv/{key}" with a key of at least one byte and no '/', then an optional query: the targets
// QHttpServer's route "/kv/<arg>" takes (others go to it, and its missing handler, unchanged).
bool isKeyTarget(QByteArrayView target)
{
    if (!target.startsWith("/kv/") || target.contains('#'))
        return false;
    const qsizetype queryAt = target.indexOf('?');
    const QByteArrayView key = target.sliced(4, (queryAt < 0 ? target.size() : queryAt) - 4);
    return !key.isEmpty() && !key.contains('/');
}

// The headers a key-value handler reads (HttpApi: the forwarding mark, and what a follower passes on to
// its leader, HttpApi::forwardToLeader()); the rest (Host, User-Agent, Content-Length, ...) have been
// checked already and are not copied.
bool isKeptHeader(QByteArrayView name)
{
    return equalsIgnoringCase(name, "content-type") || equalsIgnoringCase(name, "authorization") ||
        equalsIgnoringCase(name, forwardedHeader);
}

// Where the next "\r\n" at or after `from` starts, or -1: memchr for its '\r' instead of
// QByteArrayView::indexOf("\r\n"), a general substring search that cost more than the rest of the parse.
qsizetype lineEndFrom(QByteArrayView head, qsizetype from)
{
    while (from < head.size()) {
        const auto *cr = static_cast<const char *>(
            std::memchr(head.data() + from, '\r', static_cast<std::size_t>(head.size() - from)));
        if (!cr)
            return -1;
        const qsizetype at = cr - head.data();
        if (at + 1 < head.size() && head[at + 1] == '\n')
            return at;
        from = at + 1;
    }
    return -1;
}

} // namespace

std::optional<HttpRequest> parseHead(QByteArrayView head)
{
    while (head.size() >= 2 && head[head.size() - 2] == '\r' && head[head.size() - 1] == '\n')
        head.chop(2);
    qsizetype lineEnd = lineEndFrom(head, 0);
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    // METHOD SP target SP HTTP/1.1
    const qsizetype firstSpace = requestLine.indexOf(' ');
    const qsizetype lastSpace = requestLine.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || requestLine.sliced(lastSpace + 1) != "HTTP/1.1")
        return std::nullopt;
    const std::optional<HttpRequest::Method> method = methodOf(requestLine.first(firstSpace));
    const QByteArrayView target = requestLine.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    if (!method || target.contains(' ') || !isKeyTarget(target))
        return std::nullopt;

    HttpRequest::Headers headers;
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = lineEndFrom(head, start);
        const QByteArrayView line = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.startsWith(' ') || line.startsWith('\t'))
            return std::nullopt;
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (equalsIgnoringCase(name, "transfer-encoding") || equalsIgnoringCase(name, "expect") ||
            equalsIgnoringCase(name, "upgrade") ||
            (equalsIgnoringCase(name, "connection") && !equalsIgnoringCase(value, "keep-alive")))
            return std::nullopt;
        if (isKeptHeader(name))
            headers.append({name.toByteArray(), value.toByteArray()});
    }
    return HttpRequest(*method, target.toByteArray(), std::move(headers), QByteArray());
}

} // namespace raftlab::KvFastPath
