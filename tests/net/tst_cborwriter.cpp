#include "net/cborwriter.h"

#include <QCborStreamWriter>
#include <QTest>

#include <type_traits>

using namespace raftlab;

// CborWriter must write exactly what QCborStreamWriter writes for the same items: messages and snapshots
// encoded by either are read by the same readers, and equal stores must give byte-identical snapshots.
class TestCborWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void integersAndLengthsAtEveryBoundary_data();
    void integersAndLengthsAtEveryBoundary();
    void stringsMapsAndArraysMatchQt();
};

namespace {

template<typename Write>
QByteArray written(qsizetype capacity, Write &&write)
{
    QByteArray bytes(capacity, '\0');
    CborWriter writer(bytes.data());
    write(writer);
    bytes.truncate(writer.end() - bytes.constData());
    return bytes;
}

template<typename Write>
QByteArray writtenByQt(Write &&write)
{
    QByteArray bytes;
    QCborStreamWriter writer(&bytes);
    write(writer);
    return bytes;
}

} // namespace

void TestCborWriter::integersAndLengthsAtEveryBoundary_data()
{
    QTest::addColumn<quint64>("value");
    for (quint64 value :
         {0ull, 1ull, 23ull, 24ull, 255ull, 256ull, 65535ull, 65536ull, 0xFFFFFFFFull, 0x100000000ull, ~0ull})
        QTest::newRow(qPrintable(QString::number(value))) << value;
}

void TestCborWriter::integersAndLengthsAtEveryBoundary()
{
    QFETCH(quint64, value);
    const QByteArray ours = written(16, [value](CborWriter &w) { w.append(value); });
    QCOMPARE(ours, writtenByQt([value](QCborStreamWriter &w) { w.append(value); }));
    QCOMPARE(ours.size(), CborWriter::headBytes(value));

    if (value == ~0ull)
        return; // QCborStreamWriter takes this length for "indefinite"; no map or array is that long
    QCOMPARE(written(16, [value](CborWriter &w) { w.startMap(value); }),
             writtenByQt([value](QCborStreamWriter &w) { w.startMap(value); }));
    QCOMPARE(written(16, [value](CborWriter &w) { w.startArray(value); }),
             writtenByQt([value](QCborStreamWriter &w) { w.startArray(value); }));
}

void TestCborWriter::stringsMapsAndArraysMatchQt()
{
    // Strings whose lengths cross each head size, in a definite and an indefinite map.
    QList<QByteArray> strings;
    for (qsizetype size : {0, 1, 23, 24, 255, 256, 65535, 65536})
        strings << QByteArray(size, static_cast<char>('a' + size % 26));
    qsizetype capacity = 16;
    for (const QByteArray &s : strings)
        capacity += 2 * CborWriter::bytesFor(s.size()) + 2;

    // The same items through either writer. QCborStreamWriter closes every map, CborWriter only an
    // indefinite-length one; and it takes ASCII text as appendAscii().
    const auto items = [&strings](auto &w) {
        constexpr bool isQt = std::is_same_v<std::decay_t<decltype(w)>, QCborStreamWriter>;
        const auto text = [&w](const char *ascii) {
            if constexpr (isQt)
                w.append(QLatin1StringView(ascii));
            else
                w.appendAscii(QLatin1StringView(ascii));
        };
        w.startMap(2);
        text("pairs");
        w.startMap(static_cast<quint64>(strings.size()));
        for (const QByteArray &s : strings) {
            w.append(s);
            w.append(s);
        }
        if constexpr (isQt)
            w.endMap();
        text("more");
        w.startMap();
        w.append(quint64(7));
        w.append(true);
        w.append(quint64(8));
        w.append(false);
        w.endMap();
        if constexpr (isQt)
            w.endMap();
    };
    const QByteArray ours = written(capacity, items);
    const QByteArray qts = writtenByQt(items);
    QCOMPARE(ours, qts);
    qsizetype stringBytes = 0;
    for (const QByteArray &s : strings)
        stringBytes += CborWriter::bytesFor(s.size());
    QCOMPARE(stringBytes, qsizetype(1 + 2 + 24 + 26 + 257 + 259 + 65538 + 65541));
}

QTEST_GUILESS_MAIN(TestCborWriter)
#include "tst_cborwriter.moc"
