#pragma once

// SseParser: the incremental, pure reader of a Server-Sent Events stream (the WHATWG "event stream"
// format that GET /events speaks, docs/http-api.md). It owns no socket: feed() takes the
// bytes as they arrive, split anywhere, and returns the events completed by them.
//
// What it understands, after the HTML standard (§9.2.6 "Interpreting an event stream"):
//   - lines end with LF, CRLF or CR (a CRLF split across two feeds counts once);
//   - a line starting with ':' is a comment (the node's keep-alive) and is skipped;
//   - "data: x" or "data:x" appends x to the event's data; several data lines join with '\n';
//   - a blank line ends the event; an event without any data line is no event;
//   - other fields (event, id, retry) and lines that are no field at all are ignored.
// The node sends one JSON object per event. Data that is not a JSON object is counted in
// ignoredEvents() and dropped: a damaged event must not stop the stream.

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>

namespace raftlab {

class SseParser final
{
public:
    // A line longer than this is no event of ours: it is dropped, and so is the event it belongs to.
    static constexpr qsizetype defaultMaxLineBytes = 16 * 1024 * 1024;

    explicit SseParser(qsizetype maxLineBytes = defaultMaxLineBytes);

    // The events that `bytes` completes, in stream order; data kept for the next call otherwise.
    QList<QJsonObject> feed(QByteArrayView bytes);

    // Forgets everything buffered: for a new connection, whose stream starts afresh.
    void reset();

    // Events whose data was not one JSON object, and lines dropped for being too long.
    quint64 ignoredEvents() const { return m_ignoredEvents; }
    quint64 oversizedLines() const { return m_oversizedLines; }
    // Bytes held for a line or an event not yet complete.
    qsizetype bufferedBytes() const { return m_line.size() + m_data.size(); }

private:
    void processLine(QByteArrayView line, QList<QJsonObject> &out);
    void dispatch(QList<QJsonObject> &out);

    qsizetype m_maxLineBytes;
    QByteArray m_line; // the unfinished last line
    QByteArray m_data; // the current event's data lines, joined by '\n'
    bool m_hasData = false; // a data line was seen (data may still be empty)
    bool m_skipLineFeed = false; // the last feed ended on CR: a leading LF belongs to it
    bool m_discardingLine = false; // inside a line that grew past m_maxLineBytes
    bool m_discardingEvent = false; // the current event lost a line or grew too big: drop it whole
    bool m_atStreamStart = true; // a UTF-8 byte order mark may come first
    quint64 m_ignoredEvents = 0;
    quint64 m_oversizedLines = 0;
};

} // namespace raftlab
