#include "net/framecodec.h"

#include <QTest>

using namespace raftlab;

class TestFrameCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void framesArriveWhateverTheChunking_data();
    void framesArriveWhateverTheChunking();
    void badLengthsAreCorrupt_data();
    void badLengthsAreCorrupt();
    void theLimitCanGrowBetweenFrames();
};

void TestFrameCodec::framesArriveWhateverTheChunking_data()
{
    QTest::addColumn<int>("chunkBytes");
    for (int chunk : {1, 2, 3, 5, 7, 64, 1000, 100000})
        QTest::newRow(qPrintable(QString::number(chunk))) << chunk;
}

void TestFrameCodec::framesArriveWhateverTheChunking()
{
    QFETCH(int, chunkBytes);
    QList<QByteArray> payloads;
    QByteArray stream;
    for (int i = 1; i <= 50; ++i) {
        payloads << QByteArray(i * 13 % 301 + 1, static_cast<char>('a' + i % 26));
        appendFrame(stream, payloads.last());
    }
    FrameDecoder decoder(1 << 20);
    QList<QByteArray> received;
    for (qsizetype at = 0; at < stream.size(); at += chunkBytes) {
        decoder.feed(stream.mid(at, chunkBytes));
        QByteArray frame;
        FrameDecoder::Status status;
        while ((status = decoder.take(frame)) == FrameDecoder::Status::Frame)
            received << frame;
        QCOMPARE(status, FrameDecoder::Status::Incomplete);
    }
    QCOMPARE(received, payloads);
    QCOMPARE(decoder.bufferedBytes(), std::size_t(0));
}

void TestFrameCodec::badLengthsAreCorrupt_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("zero length") << QByteArray("\0\0\0\0xyz", 7);
    QTest::newRow("over the limit") << QByteArray("\0\x10\0\x01", 4);
    QTest::newRow("http request") << QByteArray("GET / HTTP/1.1\r\n\r\n");
    QTest::newRow("all ones") << QByteArray(8, '\xFF');
}

void TestFrameCodec::badLengthsAreCorrupt()
{
    QFETCH(QByteArray, bytes);
    FrameDecoder decoder(1 << 20);
    decoder.feed(bytes);
    QByteArray frame;
    QCOMPARE(decoder.take(frame), FrameDecoder::Status::Corrupt);
    decoder.feed(QByteArray("\0\0\0\x01z", 5));
    QCOMPARE(decoder.take(frame), FrameDecoder::Status::Corrupt); // stays corrupt: alignment is lost
}

void TestFrameCodec::theLimitCanGrowBetweenFrames()
{
    // A small hello and, in the same read, a frame too large for the hello's limit: the limit in force
    // when each header is read decides.
    QByteArray stream;
    appendFrame(stream, QByteArray(100, 'h'));
    appendFrame(stream, QByteArray(5000, 'm'));
    FrameDecoder decoder(4096);
    decoder.feed(stream);
    QByteArray frame;
    QCOMPARE(decoder.take(frame), FrameDecoder::Status::Frame);
    QCOMPARE(frame.size(), 100);
    decoder.setMaxFrameBytes(1 << 20);
    QCOMPARE(decoder.take(frame), FrameDecoder::Status::Frame);
    QCOMPARE(frame.size(), 5000);

    FrameDecoder strict(4096);
    strict.feed(stream);
    QCOMPARE(strict.take(frame), FrameDecoder::Status::Frame);
    QCOMPARE(strict.take(frame), FrameDecoder::Status::Corrupt);
}

QTEST_GUILESS_MAIN(TestFrameCodec)
#include "tst_framecodec.moc"
