#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace raftlab {

// Why a request is refused before QHttpServer sees it: an HTTP status and the JSON error code and
// sentence of its answer.
struct Refusal
{
    int status = 400;
    QByteArray error; // "body_too_large", "forbidden_origin", ...
    QString message;
};

// What the acceptance checks need from one request's head. `origin` and `host` are views of the bytes
// the head came in: valid until the scanner is fed again.
struct RequestHead
{
    qint64 contentLength = 0; // 0 when absent
    bool chunked = false;
    bool expectContinue = false;
    std::optional<QByteArrayView> origin; // trimmed, as sent
    std::optional<QByteArrayView> host;

    bool hasBody() const { return chunked || contentLength > 0; }
};

// Follows one connection's request stream the way QHttpServer 6.4 reads it: where each request's head
// ends, how its body is framed, and how long the body is, so that a request can be refused from its
// head, before its body is read and buffered. Pure and incremental: feed() the bytes in the order they
// arrived; it stops after each complete head (so the caller can check it) and at the first refusal.
//
// It is stricter than QHttpServer on purpose: whatever the two might read differently (a header line
// QHttpServer's parser would drop, both Content-Length and chunked, a chunk size it would read
// leniently, trailers) is refused, so the request boundaries seen here are always QHttpServer's.
class RequestStreamScanner
{
public:
    struct Limits
    {
        qsizetype maxHeadBytes = 64 * 1024; // request line and headers
        int maxHeaderFields = 100; // QHttpServer's own parser drops every header beyond 100
        qint64 maxBodyBytes = 0;
        qint64 maxChunkFramingBytes = 64 * 1024; // chunk-size lines and CRLFs of one chunked body
    };

    struct Step
    {
        enum class Kind { NeedMore, HeadComplete, Refused };
        Kind kind = Kind::NeedMore;
        qsizetype consumed = 0; // bytes of the input this step used
        RequestHead head{}; // HeadComplete
        Refusal refusal{}; // Refused
    };

    explicit RequestStreamScanner(Limits limits);

    // NeedMore: every byte was used. HeadComplete: a head ended after `consumed` bytes; feed the rest
    // next. Refused: nothing after this request can be trusted to be aligned; stop reading.
    Step feed(QByteArrayView bytes);
    // Bytes coming next whose content does not matter (body bytes of a known length): they may be
    // counted with skipOpaque() instead of fed.
    qint64 opaqueBytesAhead() const;
    void skipOpaque(qint64 count);

    // True between the first byte of a request and the end of its body.
    bool isMidRequest() const { return m_state != State::Idle && m_state != State::Refused; }
    // Grows with every byte fed or skipped: a stalled request is one whose count stops moving.
    quint64 bytesScanned() const { return m_bytesScanned; }

private:
    enum class State { Idle, Head, Body, ChunkSize, ChunkData, ChunkDataEnd, LastChunkEnd, Refused };

    void passOpaque(qint64 count); // count <= opaqueBytesAhead()
    struct HeadFields
    {
        RequestHead head;
        std::optional<QByteArrayView> contentLength;
    };

    // Where the head in `text` ends (the offset after it), or -1 while it has not ended yet.
    qsizetype findHeadEnd(QByteArrayView text);
    Step feedHead(QByteArrayView bytes);
    Step finishHead(QByteArrayView text, qsizetype consumed);
    std::optional<Refusal> readField(QByteArrayView name, QByteArrayView value, HeadFields &fields) const;
    Step feedChunkSize(QByteArrayView bytes);
    Step feedCrlf(QByteArrayView bytes);
    Step refuse(qsizetype consumed, Refusal refusal);

    Limits m_limits;
    State m_state = State::Idle;
    QByteArray m_head; // the current head so far, when it came in pieces; kept until the next head
    qsizetype m_headSearchFrom = 0; // no head end starts before this offset of the head
    qsizetype m_requestLineEnd = -1; // offset of the request line's '\n' in the head
    QByteArray m_line; // the current chunk-size line so far
    qint64 m_remaining = 0; // Body, ChunkData: bytes left
    qint64 m_bodyBytes = 0; // chunked: data so far
    qint64 m_framingBytes = 0; // chunked: framing so far
    int m_crlfMatched = 0; // ChunkDataEnd, LastChunkEnd: bytes of "\r\n" seen
    quint64 m_bytesScanned = 0;
};

} // namespace raftlab
