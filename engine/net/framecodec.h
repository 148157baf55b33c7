#pragma once

#include <QByteArray>

#include <cstdint>
#include <optional>

namespace raftlab {

// Length-prefixed frames on a byte stream: u32 big-endian payload length, then the payload.
// Parsing is pure and incremental: feed() whatever bytes arrived, then take() whole frames until
// it says Incomplete. A frame larger than the limit (or empty) is Corrupt, and the connection that
// sent it should be closed: nothing after it can be trusted to be aligned.
class FrameDecoder
{
public:
    enum class Status { Frame, Incomplete, Corrupt };

    explicit FrameDecoder(std::uint32_t maxFrameBytes)
        : m_maxFrameBytes(maxFrameBytes)
    { }

    void feed(const QByteArray &bytes) { m_buffer.append(bytes); }
    // Applies from the next frame header read on: a connection allows small frames until its hello is
    // accepted, then full-sized ones.
    void setMaxFrameBytes(std::uint32_t maxFrameBytes) { m_maxFrameBytes = maxFrameBytes; }
    // Frame: `frame` holds the next payload. Incomplete: wait for more bytes. Corrupt: stop reading.
    Status take(QByteArray &frame);
    std::size_t bufferedBytes() const { return static_cast<std::size_t>(m_buffer.size() - m_consumed); }

private:
    std::uint32_t m_maxFrameBytes;
    QByteArray m_buffer;
    qsizetype m_consumed = 0; // bytes of m_buffer already taken; compacted lazily
    bool m_corrupt = false;
};

// Appends one frame (length prefix and payload) to `out`.
void appendFrame(QByteArray &out, const QByteArray &payload);

} // namespace raftlab
