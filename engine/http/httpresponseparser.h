#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace raftlab {

// Reads HTTP/1.1 responses, one after another, from the bytes of one connection: the leader's answers
// to the requests a follower forwards. Pure and incremental: feed() what arrived, take() each response
// once complete. A body is framed by Content-Length, by chunked transfer coding, or by the end of the
// connection (finish()). Interim 1xx answers are skipped.
class HttpResponseParser
{
public:
    static constexpr qsizetype maxHeadBytes = 64 * 1024;
    static constexpr qsizetype maxBodyBytes = 16 * 1024 * 1024;

    struct Response
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
        bool keepAlive = true; // false: the server closes the connection after this response
    };
    enum class State { Incomplete, Complete, Malformed };

    // Takes the bytes that arrived; Complete once a whole response is there (more may follow it).
    State feed(QByteArrayView bytes);
    // The peer closed the connection: completes a body that runs until the end, else Malformed if a
    // response was begun.
    State finish();
    // The complete response; the parser then goes on with the bytes after it.
    Response take();
    State state() const { return m_state; }
    // Why it is Malformed.
    const QString &error() const { return m_error; }
    // True when no byte of a next response has arrived.
    bool isIdle() const
    {
        return m_state == State::Incomplete && m_phase == Phase::Head && m_buffer.isEmpty();
    }

private:
    enum class Phase { Head, Body, ChunkSize, ChunkData, Trailers, UntilClose };
    State parse();
    bool parseHead(QByteArrayView head);
    State fail(const QString &why);

    QByteArray m_buffer; // bytes not parsed yet
    Phase m_phase = Phase::Head;
    State m_state = State::Incomplete;
    Response m_response;
    qsizetype m_remaining = 0; // body or chunk bytes still to come
    QString m_error;
};

} // namespace raftlab
