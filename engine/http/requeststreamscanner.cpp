#include "requeststreamscanner.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace raftlab {

namespace {

constexpr qsizetype maxChunkSizeLineBytes = 1024;
constexpr int maxContentLengthDigits = 18; // fits a qint64; anything longer is too large anyway
constexpr int maxChunkSizeDigits = 15;

// What QHttpServer skips before a request line (whitespace left over from the previous request).
bool isLeadingSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

// RFC 9110 token characters: QHttpServer's header parser drops the whole head over any other.
constexpr std::array<bool, 256> tokenCharacters = [] {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[std::size_t(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[std::size_t(c)] = table[std::size_t(c - 'a' + 'A')] = true;
    for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
        table[std::size_t(c)] = true;
    return table;
}();

bool isToken(QByteArrayView name)
{
    return !name.isEmpty() &&
        std::all_of(name.begin(), name.end(), [](char c) { return tokenCharacters[std::size_t(uchar(c))]; });
}

bool isNamed(QByteArrayView name, QByteArrayView expected)
{
    return name.compare(expected, Qt::CaseInsensitive) == 0;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

Refusal badRequest(const QString &message)
{
    return Refusal{400, QByteArrayLiteral("bad_request"), message};
}

// The request line (RFC 9112 §3): method SP request-target SP HTTP-version, one space apart. QHttpServer
// 6.4 closes the connection without a word over one it cannot parse, and serves any version it is sent.
std::optional<Refusal> checkRequestLine(QByteArrayView line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype lastSpace = line.lastIndexOf(' ');
    const auto malformed = [] {
        return badRequest(QStringLiteral("a request line is a method, a path and the HTTP version, one "
                                         "space apart: 'GET /status HTTP/1.1'"));
    };
    if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || !isToken(line.first(firstSpace)) ||
        line.sliced(firstSpace + 1, lastSpace - firstSpace - 1).contains(' '))
        return malformed();
    const QByteArrayView version = line.sliced(lastSpace + 1);
    const auto isDigit = [](char c) {
        return c >= '0' && c <= '9';
    };
    if (version.size() != 8 || !version.startsWith("HTTP/") || !isDigit(version[5]) || version[6] != '.' ||
        !isDigit(version[7]))
        return malformed();
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return Refusal{
            505, QByteArrayLiteral("http_version_not_supported"),
            QStringLiteral("this node speaks HTTP/1.1 (and 1.0), not %1").arg(QString::fromLatin1(version))};
    return std::nullopt;
}

Refusal bodyTooLarge(qint64 maxBodyBytes)
{
    return Refusal{413, QByteArrayLiteral("body_too_large"),
                   QStringLiteral("a request body is at most %1 bytes (a value is at most 1 MiB); this one "
                                  "was refused before it was read")
                       .arg(maxBodyBytes)};
}

} // namespace

RequestStreamScanner::RequestStreamScanner(Limits limits)
    : m_limits(limits)
{ }

RequestStreamScanner::Step RequestStreamScanner::feed(QByteArrayView bytes)
{
    qsizetype used = 0;
    const auto stepAfter = [&used, this](Step step) {
        step.consumed += used;
        m_bytesScanned += quint64(step.consumed);
        return step;
    };
    while (used < bytes.size()) {
        const QByteArrayView rest = bytes.sliced(used);
        Step step;
        switch (m_state) {
        case State::Refused:
            return stepAfter(Step{Step::Kind::NeedMore, rest.size()});
        case State::Idle: {
            const auto first = std::find_if_not(rest.begin(), rest.end(), isLeadingSpace);
            step.consumed = first - rest.begin();
            if (first != rest.end()) {
                m_state = State::Head;
                m_head.clear();
                m_headSearchFrom = 0;
                m_requestLineEnd = -1;
            }
            break;
        }
        case State::Head:
            step = feedHead(rest);
            break;
        case State::Body:
        case State::ChunkData:
            step.consumed = qsizetype(std::min<qint64>(m_remaining, rest.size()));
            passOpaque(step.consumed);
            break;
        case State::ChunkSize:
            step = feedChunkSize(rest);
            break;
        case State::ChunkDataEnd:
        case State::LastChunkEnd:
            step = feedCrlf(rest);
            break;
        }
        if (step.kind != Step::Kind::NeedMore)
            return stepAfter(std::move(step));
        used += step.consumed;
    }
    return stepAfter(Step{Step::Kind::NeedMore, 0});
}

qint64 RequestStreamScanner::opaqueBytesAhead() const
{
    return m_state == State::Body || m_state == State::ChunkData ? m_remaining : 0;
}

void RequestStreamScanner::skipOpaque(qint64 count)
{
    count = std::min(count, opaqueBytesAhead());
    m_bytesScanned += quint64(count);
    passOpaque(count);
}

void RequestStreamScanner::passOpaque(qint64 count)
{
    m_remaining -= count;
    if (m_remaining > 0 || count == 0)
        return;
    if (m_state == State::Body) {
        m_state = State::Idle;
    } else {
        m_state = State::ChunkDataEnd;
        m_crlfMatched = 0;
    }
}

qsizetype RequestStreamScanner::findHeadEnd(QByteArrayView text)
{
    // QHttpServer reads the request line up to its '\n', then headers until a line break is followed
    // by an empty line ("\n\n" or "\n\r\n"; the request line's own '\n' counts, for a head without
    // headers).
    for (qsizetype p = text.indexOf('\n', m_headSearchFrom); p >= 0; p = text.indexOf('\n', p + 1)) {
        if (m_requestLineEnd < 0)
            m_requestLineEnd = p;
        if (p + 1 < text.size() && text[p + 1] == '\n')
            return p + 2;
        if (p + 2 < text.size() && text[p + 1] == '\r' && text[p + 2] == '\n')
            return p + 3;
        if (p + 2 >= text.size()) { // not enough bytes yet to tell: look again from here
            m_headSearchFrom = p;
            return -1;
        }
    }
    m_headSearchFrom = text.size();
    return -1;
}

RequestStreamScanner::Step RequestStreamScanner::feedHead(QByteArrayView bytes)
{
    if (m_head.isEmpty()) {
        // Mostly a whole head arrives at once: it is read where it is, not copied.
        const QByteArrayView window = bytes.first(std::min(bytes.size(), m_limits.maxHeadBytes));
        if (const qsizetype end = findHeadEnd(window); end >= 0)
            return finishHead(window.first(end), end);
    }
    const qsizetype before = m_head.size();
    const qsizetype taken = std::min(bytes.size(), m_limits.maxHeadBytes - before);
    m_head.append(bytes.first(taken));
    if (const qsizetype end = findHeadEnd(m_head); end >= 0) {
        m_head.truncate(end);
        return finishHead(m_head, end - before);
    }
    if (m_head.size() >= m_limits.maxHeadBytes)
        return refuse(taken,
                      Refusal{431, QByteArrayLiteral("headers_too_large"),
                              QStringLiteral("a request line and its headers are at most %1 bytes")
                                  .arg(m_limits.maxHeadBytes)});
    return Step{Step::Kind::NeedMore, taken};
}

std::optional<Refusal> RequestStreamScanner::readField(QByteArrayView name, QByteArrayView value,
                                                       HeadFields &fields) const
{
    // Only these names matter; their lengths tell most other names apart without comparing.
    switch (name.size()) {
    case 4:
        if (isNamed(name, "host")) {
            if (fields.head.host)
                return badRequest(QStringLiteral("more than one Host header"));
            fields.head.host = value;
        }
        return std::nullopt;
    case 6:
        if (isNamed(name, "origin")) {
            if (fields.head.origin) // a browser sends one
                return badRequest(QStringLiteral("more than one Origin header"));
            fields.head.origin = value;
        } else if (isNamed(name, "expect")) {
            if (isNamed(value, "100-continue"))
                fields.head.expectContinue = true;
            else if (!value.isEmpty())
                return Refusal{417, QByteArrayLiteral("expectation_failed"),
                               QStringLiteral("the only expectation met is '100-continue'")};
        }
        return std::nullopt;
    case 14:
        if (isNamed(name, "content-length")) {
            if (value.isEmpty() ||
                !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return badRequest(QStringLiteral("Content-Length must be a number of bytes"));
            if (fields.contentLength && *fields.contentLength != value)
                return badRequest(QStringLiteral("two different Content-Length headers"));
            fields.contentLength = value;
        }
        return std::nullopt;
    case 17:
        if (isNamed(name, "transfer-encoding")) {
            if (fields.head.chunked)
                return badRequest(QStringLiteral("more than one Transfer-Encoding header"));
            if (!isNamed(value, "chunked"))
                return Refusal{501, QByteArrayLiteral("unsupported_transfer_encoding"),
                               QStringLiteral("the only transfer coding accepted is 'chunked'")};
            fields.head.chunked = true;
        }
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

RequestStreamScanner::Step RequestStreamScanner::finishHead(QByteArrayView text, qsizetype consumed)
{
    HeadFields fields;
    RequestHead &head = fields.head;
    std::optional<QByteArrayView> &contentLength = fields.contentLength;
    if (std::optional<Refusal> refusal = checkRequestLine(text.first(m_requestLineEnd)))
        return refuse(consumed, std::move(*refusal));
    int count = 0;
    for (qsizetype pos = m_requestLineEnd + 1; pos < text.size();) {
        const qsizetype lineEnd = text.indexOf('\n', pos);
        QByteArrayView line = text.sliced(pos, lineEnd - pos);
        pos = lineEnd + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break; // the end of the head
        if (line.startsWith(' ') || line.startsWith('\t'))
            return refuse(consumed, badRequest(QStringLiteral("folded header lines are not accepted")));
        const qsizetype colon = line.indexOf(':');
        if (colon < 0 || !isToken(line.first(colon)))
            return refuse(consumed,
                          badRequest(QStringLiteral("a header line must be a name, ':' and a value")));
        if (++count > m_limits.maxHeaderFields)
            return refuse(
                consumed,
                Refusal{
                    431, QByteArrayLiteral("headers_too_large"),
                    QStringLiteral("a request has at most %1 header fields").arg(m_limits.maxHeaderFields)});
        if (std::optional<Refusal> refusal =
                readField(line.first(colon), line.sliced(colon + 1).trimmed(), fields))
            return refuse(consumed, std::move(*refusal));
    }
    if (contentLength && head.chunked)
        return refuse(consumed,
                      badRequest(QStringLiteral("Content-Length and Transfer-Encoding: chunked together")));
    if (contentLength) {
        if (contentLength->size() > maxContentLengthDigits)
            return refuse(consumed, bodyTooLarge(m_limits.maxBodyBytes));
        head.contentLength = 0;
        for (const char digit : *contentLength) // all digits, checked above
            head.contentLength = head.contentLength * 10 + (digit - '0');
        if (head.contentLength > m_limits.maxBodyBytes)
            return refuse(consumed, bodyTooLarge(m_limits.maxBodyBytes));
    }
    if (head.chunked) {
        m_state = State::ChunkSize;
        m_line.clear();
        m_bodyBytes = 0;
        m_framingBytes = 0;
    } else if (head.contentLength > 0) {
        m_state = State::Body;
        m_remaining = head.contentLength;
    } else {
        m_state = State::Idle;
    }
    return Step{Step::Kind::HeadComplete, consumed, std::move(head)};
}

RequestStreamScanner::Step RequestStreamScanner::feedChunkSize(QByteArrayView bytes)
{
    const qsizetype newline = bytes.indexOf('\n');
    const qsizetype taken = newline < 0 ? bytes.size() : newline + 1;
    if (m_line.size() + taken > maxChunkSizeLineBytes)
        return refuse(
            maxChunkSizeLineBytes - m_line.size() + 1,
            badRequest(QStringLiteral("a chunk-size line is at most %1 bytes").arg(maxChunkSizeLineBytes)));
    m_line.append(bytes.first(taken));
    if (newline < 0)
        return Step{Step::Kind::NeedMore, taken};
    m_framingBytes += m_line.size();
    if (m_framingBytes > m_limits.maxChunkFramingBytes)
        return refuse(taken, bodyTooLarge(m_limits.maxBodyBytes));
    if (!m_line.endsWith("\r\n"))
        return refuse(taken, badRequest(QStringLiteral("a chunk-size line must end with CRLF")));
    // 1*HEXDIG, then optional whitespace and chunk extensions (";name=value"), which are ignored.
    QByteArrayView sizeText = QByteArrayView(m_line).chopped(2);
    if (const qsizetype semicolon = sizeText.indexOf(';'); semicolon >= 0)
        sizeText = sizeText.first(semicolon);
    while (sizeText.endsWith(' ') || sizeText.endsWith('\t'))
        sizeText.chop(1);
    if (sizeText.isEmpty() ||
        !std::all_of(sizeText.begin(), sizeText.end(), [](char c) { return hexDigit(c) >= 0; }))
        return refuse(taken, badRequest(QStringLiteral("a chunk size must be hexadecimal digits")));
    if (sizeText.size() > maxChunkSizeDigits)
        return refuse(taken, bodyTooLarge(m_limits.maxBodyBytes));
    qint64 size = 0;
    for (const char c : sizeText)
        size = size * 16 + hexDigit(c);
    if (size > m_limits.maxBodyBytes - m_bodyBytes)
        return refuse(taken, bodyTooLarge(m_limits.maxBodyBytes));
    m_bodyBytes += size;
    m_line.clear();
    m_crlfMatched = 0;
    m_remaining = size;
    m_state = size == 0 ? State::LastChunkEnd : State::ChunkData;
    return Step{Step::Kind::NeedMore, taken};
}

RequestStreamScanner::Step RequestStreamScanner::feedCrlf(QByteArrayView bytes)
{
    qsizetype taken = 0;
    while (taken < bytes.size() && m_crlfMatched < 2) {
        if (bytes[taken] != (m_crlfMatched == 0 ? '\r' : '\n'))
            return refuse(taken,
                          badRequest(m_state == State::LastChunkEnd
                                         ? QStringLiteral("trailers after the last chunk are not accepted")
                                         : QStringLiteral("chunk data must end with CRLF")));
        ++m_crlfMatched;
        ++taken;
    }
    if (m_crlfMatched < 2)
        return Step{Step::Kind::NeedMore, taken};
    m_framingBytes += 2;
    if (m_framingBytes > m_limits.maxChunkFramingBytes)
        return refuse(taken, bodyTooLarge(m_limits.maxBodyBytes));
    m_state = m_state == State::LastChunkEnd ? State::Idle : State::ChunkSize;
    return Step{Step::Kind::NeedMore, taken};
}

RequestStreamScanner::Step RequestStreamScanner::refuse(qsizetype consumed, Refusal refusal)
{
    m_state = State::Refused;
    m_head.clear();
    m_line.clear();
    return Step{Step::Kind::Refused, consumed, {}, std::move(refusal)};
}

} // namespace raftlab
