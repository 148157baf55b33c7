#include "httpresponder.h"

#include "net/socketwrite.h"

namespace raftlab {

namespace {

QByteArray unansweredResponse()
{
    const QByteArray body =
        "{\"error\":\"internal\",\"message\":\"the node dropped this request unanswered\"}\n";
    return "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: " +
        QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

ResponseSequence::Place ResponseSequence::reserve()
{
    m_waiting.emplace_back();
    return m_first + m_waiting.size() - 1;
}

void ResponseSequence::fill(Place place, QByteArray bytes)
{
    if (place < m_first || place - m_first >= m_waiting.size() || m_waiting[place - m_first])
        return; // not a place of this sequence, or filled already
    m_waiting[place - m_first] = std::move(bytes);
    flush();
}

void ResponseSequence::whenDrained(std::function<void()> then)
{
    m_whenDrained = std::move(then);
    flush();
}

void ResponseSequence::flush()
{
    while (!m_waiting.empty() && m_waiting.front()) {
        if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
            writeNowIfIdle(m_socket, *m_waiting.front());
        m_waiting.pop_front();
        ++m_first;
    }
    if (m_waiting.empty() && m_whenDrained)
        std::exchange(m_whenDrained, {})();
}

HttpResponder::HttpResponder(QHttpServerResponder &&responder)
    : m_qt(std::move(responder))
{ }

HttpResponder::HttpResponder(std::shared_ptr<ResponseSequence> sequence, ResponseSequence::Place place)
    : m_sequence(std::move(sequence))
    , m_place(place)
{ }

HttpResponder::HttpResponder(HttpResponder &&other) noexcept
    : m_qt(std::move(other.m_qt))
    , m_sequence(std::move(other.m_sequence))
    , m_place(other.m_place)
    , m_sent(std::exchange(other.m_sent, true))
{
    other.m_qt.reset();
}

HttpResponder::~HttpResponder()
{
    if (m_sequence && !m_sent)
        m_sequence->fill(m_place, unansweredResponse());
}

void HttpResponder::write(const QByteArray &bytes)
{
    if (m_sent)
        return;
    m_sent = true;
    if (m_sequence)
        m_sequence->fill(m_place, bytes);
    else if (m_qt)
        m_qt->socket()->write(bytes);
}

QTcpSocket *HttpResponder::socket() const
{
    if (m_sequence)
        return m_sequence->socket();
    return m_qt ? m_qt->socket() : nullptr;
}

} // namespace raftlab
