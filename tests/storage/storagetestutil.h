#pragma once

// Helpers shared by the storage tests: entries with recognisable payloads, and byte-level file surgery
// that simulates crashes (cutting a file short) and media damage (flipping one bit).

#include "core/entry.h"

#include <QFile>
#include <QTest>

namespace raftlab::testing {

inline Entry makeEntry(std::uint64_t index, std::uint64_t term, int payloadBytes = 100)
{
    QByteArray payload = QByteArray::number(index) + '@' + QByteArray::number(term) + ':';
    payload = payload.leftJustified(payloadBytes, 'x', true);
    return Entry{LogIndex(index), Term(term), EntryType::Command, payload};
}

inline Entries makeEntries(std::uint64_t from, std::uint64_t to, std::uint64_t term, int payloadBytes = 100)
{
    Entries entries;
    for (std::uint64_t i = from; i <= to; ++i)
        entries.push_back(makeEntry(i, term, payloadBytes));
    return entries;
}

inline void cutFile(const QString &path, qint64 size)
{
    QVERIFY2(QFile::resize(path, size), qPrintable(path));
}

inline void flipBit(const QString &path, qint64 offset, int bit = 3)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadWrite), qPrintable(path));
    QVERIFY(file.seek(offset));
    char byte = 0;
    QVERIFY(file.getChar(&byte));
    byte = static_cast<char>(byte ^ (1 << bit));
    QVERIFY(file.seek(offset));
    QVERIFY(file.putChar(byte));
}

} // namespace raftlab::testing
