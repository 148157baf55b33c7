// DirectAppender: what it writes reads back exactly, from whatever end the file had, with zeros after the
// end; a failed write is reported with the file's name; and FileLog uses it for durable appends where the
// file system allows direct I/O.
#include "core/random.h"
#include "storage/directappender.h"
#include "storage/filelog.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

using namespace raftlab;

namespace {

// Whether files in `dir` can be opened for direct I/O at all (a tmpfs refuses).
bool directIoWorksIn(const QString &dir)
{
    const QByteArray path = QFile::encodeName(dir + QStringLiteral("/probe"));
    const int fd = ::open(path.constData(), O_CREAT | O_WRONLY | O_DIRECT, 0644);
    if (fd >= 0)
        ::close(fd);
    ::unlink(path.constData());
    return fd >= 0;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray randomBytes(Random &random, std::size_t size)
{
    QByteArray bytes(static_cast<qsizetype>(size), Qt::Uninitialized);
    for (char &byte : bytes)
        byte = static_cast<char>(random.between(1, 255)); // never zero: a lost byte shows
    return bytes;
}

} // namespace

class TestDirectAppender : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { injectWriteFailureForTesting(-1, 0); }
    void appendsReadBackExactlyFromAnUnalignedEnd();
    void aFailedWriteNamesTheFile();
    void durableFileLogAppendsWriteDirectly();
    void aLogWhoseDirectWriteIsRefusedGoesOnThroughThePageCache();

private:
    QTemporaryDir m_dir;
};

void TestDirectAppender::init()
{
    if (!directIoWorksIn(m_dir.path()))
        QSKIP("this file system refuses direct I/O; FileLog writes through the page cache here");
}

void TestDirectAppender::appendsReadBackExactlyFromAnUnalignedEnd()
{
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        Random random(seed);
        const QString path = m_dir.filePath(QStringLiteral("file-%1").arg(seed));
        // What an earlier writer left: some bytes, then zeros past the end (a preallocated segment).
        QByteArray expected = randomBytes(random, static_cast<std::size_t>(random.between(0, 9000)));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(expected);
            file.write(QByteArray(3000, '\0'));
        }
        StorageStatus status;
        std::unique_ptr<DirectAppender> appender =
            DirectAppender::open(path, static_cast<std::uint64_t>(expected.size()), status);
        QVERIFY2(status.ok(), qPrintable(status.message));
        QVERIFY(appender);
        for (int i = 0; i < 60; ++i) {
            // Sizes from one byte to several blocks, so that appends end anywhere in a block, at its very
            // end, and a few blocks on; once, more than the buffer keeps afterwards (maxKeptCapacity).
            const auto size = i == 30
                ? DirectAppender::maxKeptCapacity + 5000
                : static_cast<std::size_t>(random.chance(0.2) ? random.between(4000, 13000)
                                                              : random.between(1, 2500));
            const QByteArray bytes = randomBytes(random, size);
            QVERIFY2(appender->append(bytes.constData(), size).ok(), qPrintable(path));
            expected += bytes;
            QCOMPARE(appender->end(), static_cast<std::uint64_t>(expected.size()));
            const QByteArray onDisk = readAll(path);
            QVERIFY(onDisk.size() >= expected.size());
            QVERIFY2(onDisk.first(expected.size()) == expected,
                     qPrintable(QStringLiteral("seed %1, append %2: the file differs").arg(seed).arg(i)));
            QVERIFY2(onDisk.sliced(expected.size()).count('\0') == onDisk.size() - expected.size(),
                     "the file is not zeros past its end");
        }
    }
}

void TestDirectAppender::aFailedWriteNamesTheFile()
{
    const QString path = m_dir.filePath(QStringLiteral("full"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    StorageStatus status;
    std::unique_ptr<DirectAppender> appender = DirectAppender::open(path, 0, status);
    QVERIFY(appender);
    const QByteArray bytes(100, 'x');
    injectWriteFailureForTesting(0, ENOSPC);
    const StorageStatus failed = appender->append(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    QVERIFY(!failed.ok());
    QVERIFY2(failed.message.contains(path), qPrintable(failed.message));
    QVERIFY2(failed.message.contains(QString::fromLocal8Bit(std::strerror(ENOSPC))),
             qPrintable(failed.message));
    QVERIFY(!appender->refusedDirectIo()); // a full disk is no reason to try the page cache
    injectWriteFailureForTesting(0, EINVAL, true);
    QVERIFY(!appender->append(bytes.constData(), static_cast<std::size_t>(bytes.size())).ok());
    QVERIFY(appender->refusedDirectIo());
}

void TestDirectAppender::durableFileLogAppendsWriteDirectly()
{
    const auto entries = [](std::uint64_t first, std::uint64_t last) {
        Entries result;
        for (std::uint64_t i = first; i <= last; ++i)
            result.push_back(Entry{LogIndex(i), Term(1), EntryType::Command, QByteArray(300, 'a')});
        return result;
    };
    for (bool direct : {true, false}) {
        QTemporaryDir dir;
        FileLog::Options options{SyncMode::Always, 64ull << 20};
        options.directWrites = direct;
        FileLog::Opened opened;
        QVERIFY(FileLog::open(dir.path(), options, LogIndex{}, opened).ok());
        QVERIFY(opened.log->append(entries(1, 5)).ok());
        QVERIFY(opened.log->append(entries(6, 6)).ok());
        QCOMPARE(opened.log->writesDirectly(), direct);
        opened.log.reset();
        FileLog::Opened reopened;
        QVERIFY(FileLog::open(dir.path(), options, LogIndex{}, reopened).ok());
        QCOMPARE(reopened.entries, entries(1, 6));
    }
}

void TestDirectAppender::aLogWhoseDirectWriteIsRefusedGoesOnThroughThePageCache()
{
    Entries written;
    const auto batch = [&written](std::uint64_t first, std::uint64_t last) {
        Entries result;
        for (std::uint64_t i = first; i <= last; ++i)
            result.push_back(
                Entry{LogIndex(i), Term(2), EntryType::Command, QByteArray::number(i).repeated(40)});
        written.insert(written.end(), result.begin(), result.end());
        return result;
    };
    QTemporaryDir dir;
    const FileLog::Options options{SyncMode::Always, 64ull << 20};
    FileLog::Opened opened;
    QVERIFY(FileLog::open(dir.path(), options, LogIndex{}, opened).ok());
    QVERIFY(opened.log->append(batch(1, 5)).ok());
    QVERIFY(opened.log->writesDirectly());
    // As a device whose logical block is larger than a page would: EINVAL, nothing written.
    injectWriteFailureForTesting(0, EINVAL, true);
    QVERIFY(opened.log->append(batch(6, 9)).ok());
    QVERIFY(!opened.log->writesDirectly());
    QVERIFY(opened.log->failure().isEmpty());
    QVERIFY(opened.log->append(batch(10, 10)).ok());
    QVERIFY(!opened.log->writesDirectly());
    opened.log.reset();
    FileLog::Opened reopened;
    QVERIFY(FileLog::open(dir.path(), options, LogIndex{}, reopened).ok());
    QCOMPARE(reopened.entries, written);
    QVERIFY(reopened.warnings.isEmpty());
}

QTEST_GUILESS_MAIN(TestDirectAppender)
#include "tst_directappender.moc"
