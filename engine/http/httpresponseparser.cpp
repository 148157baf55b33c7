#include "httpresponseparser.h"

namespace raftlab {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

// A whole, non-negative decimal number of at most 15 digits; -1 otherwise.
qint64 decimal(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 15)
        return -1;
    qint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

} // namespace

HttpResponseParser::State HttpResponseParser::feed(QByteArrayView bytes)
{
    if (m_state == State::Malformed)
        return m_state;
    m_buffer.append(bytes.data(), bytes.size());
    if (m_state == State::Complete)
        return m_state; // the caller takes it first
    return parse();
}

HttpResponseParser::State HttpResponseParser::finish()
{
    if (m_state != State::Incomplete)
        return m_state;
    if (m_phase == Phase::UntilClose) {
        m_response.body = std::exchange(m_buffer, {});
        m_response.keepAlive = false;
        return m_state = State::Complete;
    }
    if (isIdle())
        return m_state;
    return fail(QStringLiteral("the connection closed in the middle of a response"));
}

HttpResponseParser::Response HttpResponseParser::take()
{
    Response response = std::exchange(m_response, {});
    m_phase = Phase::Head;
    m_state = State::Incomplete;
    if (!m_buffer.isEmpty())
        parse();
    return response;
}

HttpResponseParser::State HttpResponseParser::fail(const QString &why)
{
    m_error = why;
    m_buffer.clear();
    return m_state = State::Malformed;
}

HttpResponseParser::State HttpResponseParser::parse()
{
    for (;;) {
        switch (m_phase) {
        case Phase::Head: {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0 || end > maxHeadBytes) {
                if (end > maxHeadBytes || m_buffer.size() > maxHeadBytes)
                    return fail(QStringLiteral("a response head longer than %1 bytes").arg(maxHeadBytes));
                return m_state;
            }
            if (!parseHead(QByteArrayView(m_buffer).first(end)))
                return m_state;
            m_buffer.remove(0, end + 4);
            if (m_response.status < 200) { // an interim answer: the real one follows
                m_response = {};
                m_phase = Phase::Head;
            }
            continue;
        }
        case Phase::Body:
            if (m_buffer.size() < m_remaining)
                return m_state;
            m_response.body = m_buffer.first(m_remaining);
            m_buffer.remove(0, m_remaining);
            return m_state = State::Complete;
        case Phase::ChunkSize: {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end < 0)
                return m_buffer.size() > 1024 ? fail(QStringLiteral("a chunk size line too long")) : m_state;
            QByteArrayView line = QByteArrayView(m_buffer).first(end);
            if (const qsizetype semicolon = line.indexOf(';'); semicolon >= 0)
                line = line.first(semicolon); // chunk extensions are ignored
            bool ok = false;
            const qint64 size = line.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0 || m_response.body.size() + size > maxBodyBytes)
                return fail(QStringLiteral("a bad chunk size"));
            m_buffer.remove(0, end + 2);
            m_remaining = size;
            m_phase = size == 0 ? Phase::Trailers : Phase::ChunkData;
            continue;
        }
        case Phase::ChunkData:
            if (m_buffer.size() < m_remaining + 2)
                return m_state;
            if (m_buffer.at(m_remaining) != '\r' || m_buffer.at(m_remaining + 1) != '\n')
                return fail(QStringLiteral("a chunk not followed by CRLF"));
            m_response.body.append(m_buffer.constData(), m_remaining);
            m_buffer.remove(0, m_remaining + 2);
            m_phase = Phase::ChunkSize;
            continue;
        case Phase::Trailers: {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end < 0)
                return m_buffer.size() > maxHeadBytes ? fail(QStringLiteral("trailers too long")) : m_state;
            m_buffer.remove(0, end + 2);
            if (end == 0)
                return m_state = State::Complete;
            continue;
        }
        case Phase::UntilClose:
            if (m_buffer.size() > maxBodyBytes)
                return fail(QStringLiteral("a body larger than %1 bytes").arg(maxBodyBytes));
            return m_state;
        }
    }
}

bool HttpResponseParser::parseHead(QByteArrayView head)
{
    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView statusLine = lineEnd < 0 ? head : head.first(lineEnd);
    // "HTTP/1.1 200 OK": the version, a space, three digits, then a space or the end.
    if (statusLine.size() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.at(8) != ' ' ||
        (statusLine.size() > 12 && statusLine.at(12) != ' ')) {
        fail(QStringLiteral("not an HTTP/1.x status line"));
        return false;
    }
    const qint64 status = decimal(statusLine.sliced(9, 3));
    if (status < 100) {
        fail(QStringLiteral("a bad status code"));
        return false;
    }
    m_response.status = int(status);
    m_response.keepAlive = statusLine.at(7) == '1'; // HTTP/1.0 closes unless it says otherwise
    qint64 contentLength = -1;
    bool chunked = false;
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = head.indexOf("\r\n", start);
        const QByteArrayView line = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail(QStringLiteral("a header line without a name"));
            return false;
        }
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (equalsIgnoringCase(name, "content-length")) {
            const qint64 length = decimal(value);
            if (length < 0 || length > maxBodyBytes || (contentLength >= 0 && contentLength != length)) {
                fail(QStringLiteral("a bad Content-Length"));
                return false;
            }
            contentLength = length;
        } else if (equalsIgnoringCase(name, "content-type")) {
            m_response.contentType = value.toByteArray();
        } else if (equalsIgnoringCase(name, "transfer-encoding")) {
            chunked = value.toByteArray().toLower().endsWith("chunked");
        } else if (equalsIgnoringCase(name, "connection")) {
            if (equalsIgnoringCase(value, "close"))
                m_response.keepAlive = false;
            else if (equalsIgnoringCase(value, "keep-alive"))
                m_response.keepAlive = true;
        }
    }
    if (m_response.status < 200 || m_response.status == 204 || m_response.status == 304) {
        m_phase = Phase::Body;
        m_remaining = 0;
    } else if (chunked) {
        m_phase = Phase::ChunkSize;
    } else if (contentLength >= 0) {
        m_phase = Phase::Body;
        m_remaining = contentLength;
    } else {
        m_phase = Phase::UntilClose;
        m_response.keepAlive = false;
    }
    return true;
}

} // namespace raftlab
