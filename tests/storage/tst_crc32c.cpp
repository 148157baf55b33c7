#include "storage/crc32c.h"

#include <QTest>

using namespace raftlab;

class TestCrc32c : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void knownVectors_data();
    void knownVectors();
    void incrementalEqualsWhole();
};

void TestCrc32c::knownVectors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<quint32>("expected");
    // RFC 3720 §B.4 and the usual check value.
    QTest::newRow("check") << QByteArray("123456789") << quint32(0xE3069283);
    QTest::newRow("32 zeros") << QByteArray(32, '\0') << quint32(0x8A9136AA);
    QTest::newRow("32 ones") << QByteArray(32, '\xFF') << quint32(0x62A8AB43);
    QByteArray ascending;
    for (int i = 0; i < 32; ++i)
        ascending.append(static_cast<char>(i));
    QTest::newRow("ascending") << ascending << quint32(0x46DD794E);
    QTest::newRow("empty") << QByteArray() << quint32(0);
}

void TestCrc32c::knownVectors()
{
    QFETCH(QByteArray, input);
    QFETCH(quint32, expected);
    QCOMPARE(crc32c(input.constData(), static_cast<std::size_t>(input.size())), expected);
}

void TestCrc32c::incrementalEqualsWhole()
{
    QByteArray data;
    for (int i = 0; i < 1000; ++i)
        data.append(static_cast<char>(i * 7 + 3));
    const quint32 whole = crc32c(data.constData(), static_cast<std::size_t>(data.size()));
    for (int split : {0, 1, 7, 8, 9, 500, 999, 1000}) {
        const quint32 first = crc32c(data.constData(), static_cast<std::size_t>(split));
        const quint32 both =
            crc32c(data.constData() + split, static_cast<std::size_t>(data.size() - split), first);
        QCOMPARE(both, whole);
    }
}

QTEST_GUILESS_MAIN(TestCrc32c)
#include "tst_crc32c.moc"
