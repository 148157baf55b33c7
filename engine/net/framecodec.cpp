#include "framecodec.h"

#include <QtEndian>

namespace raftlab {

FrameDecoder::Status FrameDecoder::take(QByteArray &frame)
{
    if (m_corrupt)
        return Status::Corrupt;
    const qsizetype available = m_buffer.size() - m_consumed;
    if (available < 4) {
        if (m_consumed > 0 && available == 0) {
            m_buffer.clear();
            m_consumed = 0;
        }
        return Status::Incomplete;
    }
    const auto length = qFromBigEndian<quint32>(m_buffer.constData() + m_consumed);
    if (length == 0 || length > m_maxFrameBytes) {
        m_corrupt = true;
        return Status::Corrupt;
    }
    if (available - 4 < static_cast<qsizetype>(length)) {
        // Keep the partial frame at the front so the buffer does not grow without bound.
        if (m_consumed > 0) {
            m_buffer.remove(0, m_consumed);
            m_consumed = 0;
        }
        return Status::Incomplete;
    }
    frame = m_buffer.mid(m_consumed + 4, length);
    m_consumed += 4 + static_cast<qsizetype>(length);
    return Status::Frame;
}

void appendFrame(QByteArray &out, const QByteArray &payload)
{
    char prefix[4];
    qToBigEndian<quint32>(static_cast<quint32>(payload.size()), prefix);
    out.append(prefix, 4);
    out.append(payload);
}

} // namespace raftlab
