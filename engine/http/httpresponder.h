#pragma once

#include <QByteArray>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace raftlab {

// The answers of one connection served by the key-value fast path, written in the order their requests
// arrived (HTTP/1.1 answers a connection's requests in order), whatever order they are ready in: a
// read may be ready before the write that came first. A request takes a place with reserve(); its
// answer goes into that place with fill() and leaves once every earlier one has left.
class ResponseSequence
{
public:
    using Place = std::uint64_t;

    explicit ResponseSequence(QTcpSocket *socket)
        : m_socket(socket)
    { }

    Place reserve();
    void fill(Place place, QByteArray bytes);
    // Places reserved and not yet written.
    std::size_t outstanding() const { return m_waiting.size(); }
    // Runs `then` once every reserved place has been written (at once when none is outstanding).
    void whenDrained(std::function<void()> then);
    QTcpSocket *socket() const { return m_socket; }

private:
    void flush();

    QPointer<QTcpSocket> m_socket;
    Place m_first = 0; // the place of m_waiting.front()
    std::deque<std::optional<QByteArray>> m_waiting;
    std::function<void()> m_whenDrained;
};

// Where a handler sends its one answer: a QHttpServerResponder (requests QHttpServer read), or a place
// in a fast-path connection's ResponseSequence. Converts implicitly from a QHttpServerResponder, so
// that a handler serves both kinds through one signature. Move-only; an answer it never sent is sent
// as 500 when it goes away, so that the answers after it on its connection are not held forever.
class HttpResponder
{
public:
    HttpResponder(QHttpServerResponder &&responder); // NOLINT(google-explicit-constructor): an adapter
    HttpResponder(std::shared_ptr<ResponseSequence> sequence, ResponseSequence::Place place);
    HttpResponder(HttpResponder &&other) noexcept;
    HttpResponder &operator=(HttpResponder &&other) = delete;
    HttpResponder(const HttpResponder &) = delete;
    HttpResponder &operator=(const HttpResponder &) = delete;
    ~HttpResponder();

    // A whole answer (status line, headers, body: httpResponse()), sent once.
    void write(const QByteArray &bytes);
    QTcpSocket *socket() const;

private:
    std::optional<QHttpServerResponder> m_qt;
    std::shared_ptr<ResponseSequence> m_sequence;
    ResponseSequence::Place m_place = 0;
    bool m_sent = false;
};

} // namespace raftlab
