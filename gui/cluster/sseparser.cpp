#include "sseparser.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace raftlab {

SseParser::SseParser(qsizetype maxLineBytes)
    : m_maxLineBytes(maxLineBytes)
{ }

void SseParser::reset()
{
    m_line.clear();
    m_data.clear();
    m_hasData = false;
    m_skipLineFeed = false;
    m_discardingLine = false;
    m_discardingEvent = false;
    m_atStreamStart = true;
}

QList<QJsonObject> SseParser::feed(QByteArrayView bytes)
{
    QList<QJsonObject> out;
    qsizetype position = 0;
    if (m_skipLineFeed && !bytes.isEmpty()) {
        m_skipLineFeed = false;
        if (bytes.front() == '\n')
            position = 1;
    }
    while (position < bytes.size()) {
        // The next line end, CR or LF, from `position`.
        qsizetype end = position;
        while (end < bytes.size() && bytes[end] != '\n' && bytes[end] != '\r')
            ++end;
        const QByteArrayView piece = bytes.sliced(position, end - position);
        if (end == bytes.size()) {
            // No line end yet: keep the piece, unless the line is already too long to be ours.
            if (!m_discardingLine && m_line.size() + piece.size() > m_maxLineBytes) {
                m_discardingLine = true;
                m_line.clear();
            }
            if (!m_discardingLine)
                m_line.append(piece);
            break;
        }
        if (m_discardingLine) {
            m_discardingLine = false;
            ++m_oversizedLines;
            // The event lost a line: drop what it had so far, and whatever else it gets.
            m_discardingEvent = true;
        } else if (m_line.isEmpty()) {
            processLine(piece, out);
        } else {
            m_line.append(piece);
            processLine(m_line, out);
            m_line.clear();
        }
        position = end + 1;
        if (bytes[end] == '\r') {
            if (position < bytes.size()) {
                if (bytes[position] == '\n')
                    ++position;
            } else {
                m_skipLineFeed = true;
            }
        }
    }
    return out;
}

void SseParser::processLine(QByteArrayView line, QList<QJsonObject> &out)
{
    if (m_atStreamStart) {
        m_atStreamStart = false;
        if (line.startsWith("\xEF\xBB\xBF"))
            line = line.sliced(3);
    }
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':')
        return; // a comment: the node's keep-alive
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView field = colon < 0 ? line : line.first(colon);
    if (field != QByteArrayView("data") || m_discardingEvent)
        return; // event, id, retry and unknown fields: nothing the GUI uses
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (m_hasData)
        m_data.append('\n');
    m_data.append(value);
    m_hasData = true;
    if (m_data.size() > m_maxLineBytes) {
        ++m_oversizedLines;
        m_discardingEvent = true;
        m_data.clear();
    }
}

void SseParser::dispatch(QList<QJsonObject> &out)
{
    if (m_discardingEvent) {
        m_discardingEvent = false;
        m_data.clear();
        m_hasData = false;
        return;
    }
    if (!m_hasData)
        return;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(m_data, &error);
    if (error.error == QJsonParseError::NoError && document.isObject())
        out.append(document.object());
    else
        ++m_ignoredEvents;
    m_data.clear();
    m_hasData = false;
}

} // namespace raftlab
