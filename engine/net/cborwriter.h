#pragma once

#include <QByteArray>
#include <QtEndian>

#include <cstring>

namespace raftlab {

// Writes CBOR items straight into memory the caller sized beforehand (bytesFor() tells how much), in the
// encoding QCborStreamWriter chooses: integers and lengths in their shortest form. A QCborStreamWriter on
// a QByteArray goes through a QBuffer, one virtual write and one QByteArray::insert() per item: it made
// encoding a tenth of a leader's instructions per write, and a snapshot's millions of pairs took seconds.
// What it writes reads back with QCborStreamReader, and equals QCborStreamWriter's bytes for the same
// items (tst_cborwriter).
class CborWriter
{
public:
    explicit CborWriter(char *at)
        : m_at(at)
    { }
    char *end() const { return m_at; }

    void startMap() { *m_at++ = char(0xBF); } // indefinite length
    void startMap(quint64 pairs) { head(MajorMap, pairs); }
    void endMap() { *m_at++ = char(0xFF); } // "break", after an indefinite-length map only
    void startArray(quint64 length) { head(MajorArray, length); }
    void append(quint64 value) { head(MajorUnsigned, value); }
    void append(bool value) { *m_at++ = char(value ? 0xF5 : 0xF4); }
    void append(const QByteArray &bytes) { string(MajorBytes, bytes.constData(), bytes.size()); }
    void append(const char *) = delete; // would be taken for append(bool)
    // A text string of ASCII characters, as QCborStreamWriter writes such a QLatin1String (it would
    // re-encode other Latin-1 characters as UTF-8).
    void appendAscii(QLatin1StringView text)
    {
        Q_ASSERT(QtPrivate::isAscii(text));
        string(MajorText, text.data(), text.size());
    }

    // A text string already encoded as UTF-8.
    void appendUtf8(const QByteArray &utf8) { string(MajorText, utf8.constData(), utf8.size()); }

    // Bytes of an item's head (its type and its length or value); of a byte string of `size` bytes.
    static constexpr qsizetype headBytes(quint64 value)
    {
        return value < 24 ? 1 : value <= 0xFF ? 2 : value <= 0xFFFF ? 3 : value <= 0xFFFFFFFFu ? 5 : 9;
    }
    static constexpr qsizetype bytesFor(qsizetype stringSize)
    {
        return headBytes(static_cast<quint64>(stringSize)) + stringSize;
    }

private:
    enum Major : unsigned char {
        MajorUnsigned = 0x00,
        MajorBytes = 0x40,
        MajorText = 0x60,
        MajorArray = 0x80,
        MajorMap = 0xA0
    };
    void string(Major major, const char *data, qsizetype size)
    {
        head(major, static_cast<quint64>(size));
        std::memcpy(m_at, data, static_cast<std::size_t>(size));
        m_at += size;
    }
    void head(Major major, quint64 value)
    {
        if (value < 24) {
            *m_at++ = char(major | value);
        } else if (value <= 0xFF) {
            *m_at++ = char(major | 24);
            *m_at++ = char(value);
        } else if (value <= 0xFFFF) {
            *m_at++ = char(major | 25);
            qToBigEndian<quint16>(static_cast<quint16>(value), m_at);
            m_at += 2;
        } else if (value <= 0xFFFFFFFFu) {
            *m_at++ = char(major | 26);
            qToBigEndian<quint32>(static_cast<quint32>(value), m_at);
            m_at += 4;
        } else {
            *m_at++ = char(major | 27);
            qToBigEndian<quint64>(value, m_at);
            m_at += 8;
        }
    }

    char *m_at;
};

} // namespace raftlab
