#pragma once

#include <QHttpServerResponder>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <vector>

class QTimer;

namespace raftlab {

// The subscribers of GET /events (Server-Sent Events). An event is serialised once, only when there is
// someone to send it to, and written to every subscriber. A subscriber whose socket holds more than
// `maxBufferedBytes` unsent is too slow: it is disconnected, so it can never slow the node down. At most
// `maxSubscribers` at a time: each costs a serialisation's write per event and up to `maxBufferedBytes`.
class EventStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventStream)

public:
    static constexpr std::size_t defaultMaxSubscribers = 64;

    explicit EventStream(QObject *parent = nullptr, qint64 maxBufferedBytes = 8 << 20,
                         std::size_t maxSubscribers = defaultMaxSubscribers);

    // True when another subscriber would be one too many (subscribers that went away do not count).
    bool isFull();
    std::size_t maxSubscribers() const { return m_maxSubscribers; }
    // Starts the stream on this response: headers, then `first` (the node's whole state).
    void subscribe(QHttpServerResponder &&responder, const QJsonObject &first);
    bool hasSubscribers() const { return !m_subscribers.empty(); }
    std::size_t subscriberCount() const { return m_subscribers.size(); }
    void publish(const QJsonObject &event);
    quint64 droppedSubscribers() const { return m_droppedSubscribers; }

private:
    void write(const QByteArray &chunk);

    std::vector<QPointer<QTcpSocket>> m_subscribers;
    qint64 m_lastTimeUs = 0; // the latest t_us written: no event goes out stamped earlier
    qint64 m_maxBufferedBytes;
    std::size_t m_maxSubscribers;
    QTimer *m_keepAlive;
    quint64 m_droppedSubscribers = 0;
};

} // namespace raftlab
