#pragma once

#include <QByteArray>
#include <QCborStreamReader>
#include <QString>

namespace raftlab {

// A strict reader of the few CBOR shapes the node's frames use (messagecodec.cpp, relaycodec.cpp): each
// read checks the item's type, and a length is checked against the bytes left before it sizes anything.
// The first problem is kept; later reads then return nothing.
class CborReader
{
public:
    explicit CborReader(const QByteArray &bytes)
        : m_reader(bytes)
        , m_size(bytes.size())
    { }

    qsizetype bytesLeft() const { return m_size - m_reader.currentOffset(); }
    bool ok() const { return m_error.isEmpty() && m_reader.lastError() == QCborError::NoError; }
    QString error() const { return m_error.isEmpty() ? m_reader.lastError().toString() : m_error; }
    QCborStreamReader &stream() { return m_reader; }
    // Bytes from the current item to the end of the input: a bound on what any length read here can
    // describe, checked before a length sizes an allocation.
    quint64 remainingBytes() const { return static_cast<quint64>(m_size - m_reader.currentOffset()); }
    void fail(const QString &why)
    {
        if (m_error.isEmpty())
            m_error = why;
    }

    quint64 unsignedInteger(const char *what)
    {
        if (!m_reader.isUnsignedInteger()) {
            fail(QStringLiteral("%1 is not an unsigned integer").arg(QLatin1String(what)));
            return 0;
        }
        const quint64 value = m_reader.toUnsignedInteger();
        m_reader.next();
        return value;
    }

    bool boolean(const char *what)
    {
        if (!m_reader.isBool()) {
            fail(QStringLiteral("%1 is not a boolean").arg(QLatin1String(what)));
            return false;
        }
        const bool value = m_reader.toBool();
        m_reader.next();
        return value;
    }

    QByteArray bytes(const char *what)
    {
        return string<QByteArray>(what, "byte string", m_reader.isByteArray(),
                                  [this] { return m_reader.readByteArray(); });
    }

    QString text(const char *what)
    {
        return string<QString>(what, "text string", m_reader.isString(),
                               [this] { return m_reader.readString(); });
    }

    // Enters an array and returns its length (definite-length arrays only). Each element takes at least
    // `minElementBytes` of the input, so a length the remaining bytes cannot hold is refused here, before
    // anyone reserves room for it.
    quint64 enterArray(const char *what, quint64 maxLength, quint64 minElementBytes = 1)
    {
        if (!m_reader.isArray() || !m_reader.isLengthKnown() || m_reader.length() > maxLength) {
            fail(QStringLiteral("%1 is not an array of at most %2 elements")
                     .arg(QLatin1String(what))
                     .arg(maxLength));
            return 0;
        }
        if (m_reader.length() > remainingBytes() / minElementBytes) {
            fail(QStringLiteral("%1 claims %2 elements, more than the message holds")
                     .arg(QLatin1String(what))
                     .arg(m_reader.length()));
            return 0;
        }
        const quint64 length = m_reader.length();
        m_reader.enterContainer();
        return length;
    }
    void leave() { m_reader.leaveContainer(); }

private:
    // A byte or text string (`kind`), read chunk by chunk (`readChunk`: QCborStreamReader's readByteArray
    // or readString), its declared length checked against the bytes left first.
    template<typename Result, typename ReadChunk>
    Result string(const char *what, const char *kind, bool isKind, ReadChunk readChunk)
    {
        Result result;
        if (!isKind) {
            fail(QStringLiteral("%1 is not a %2").arg(QLatin1String(what), QLatin1String(kind)));
            return result;
        }
        if (m_reader.isLengthKnown() && m_reader.length() > remainingBytes()) {
            fail(QStringLiteral("%1 claims %2 bytes, more than the message holds")
                     .arg(QLatin1String(what))
                     .arg(m_reader.length()));
            return result;
        }
        for (auto chunk = readChunk(); ok(); chunk = readChunk()) {
            if (chunk.status == QCborStreamReader::EndOfString)
                return result;
            if (chunk.status == QCborStreamReader::Error)
                break;
            result += chunk.data;
        }
        fail(QStringLiteral("%1 is a broken %2").arg(QLatin1String(what), QLatin1String(kind)));
        return result;
    }

    mutable QCborStreamReader m_reader; // lastError() is not const in Qt 6.4
    qsizetype m_size;
    QString m_error;
};

} // namespace raftlab
