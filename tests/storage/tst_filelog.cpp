#include "storage/filelog.h"
#include "storagetestutil.h"

#include <QDir>
#include <QTemporaryDir>

using namespace raftlab;
using namespace raftlab::testing;

class TestFileLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyDirOpensEmpty();
    void roundTripAcrossReopen();
    void segmentsRollOver();
    void tornTailAtEveryByteOffsetOfTheLastRecord();
    void emptyOrHalfWrittenNewSegmentIsRemoved();
    void flippedBitInTheMiddleIsNamedDamage_data();
    void flippedBitInTheMiddleIsNamedDamage();
    void flippedBitInTheFinalRecordIsATornTail();
    void damageInAnEarlierSegmentIsNeverATornTail();
    void missingSegmentIsAGap();
    void truncateSuffixWithinAndAcrossSegments();
    void compactPrefixDropsWholeSegmentsBelowTheSnapshot();
    void openSkipsEntriesCoveredByTheSnapshot();
};

static FileLog::Opened openLog(const QString &dir, std::uint64_t segmentBytes = 64ull << 20,
                               LogIndex snapshot = {})
{
    FileLog::Opened opened;
    const StorageStatus status = FileLog::open(dir, {SyncMode::Never, segmentBytes}, snapshot, opened);
    if (!status.ok())
        qWarning("open failed: %s", qPrintable(status.message));
    return opened;
}

static StorageStatus openStatus(const QString &dir, LogIndex snapshot = {})
{
    FileLog::Opened opened;
    return FileLog::open(dir, {SyncMode::Never, 64ull << 20}, snapshot, opened);
}

static QString onlySegment(const QString &dir)
{
    const QStringList names = QDir(dir).entryList({QStringLiteral("segment-*.log")}, QDir::Files, QDir::Name);
    return names.size() == 1 ? QDir(dir).filePath(names.first()) : QString();
}

void TestFileLog::emptyDirOpensEmpty()
{
    QTemporaryDir dir;
    FileLog::Opened opened = openLog(dir.path());
    QVERIFY(opened.log);
    QVERIFY(opened.entries.empty());
    QCOMPARE(opened.log->nextIndex(), LogIndex(1));
    QCOMPARE(opened.log->segmentCount(), std::size_t(0));
}

void TestFileLog::roundTripAcrossReopen()
{
    QTemporaryDir dir;
    Entries written;
    {
        FileLog::Opened opened = openLog(dir.path());
        for (std::uint64_t batch = 0; batch < 10; ++batch) {
            Entries entries = makeEntries(batch * 16 + 1, batch * 16 + 16, 1 + batch / 3);
            entries[3].type = EntryType::NoOp;
            entries[5].payload.clear(); // empty payloads survive too
            QVERIFY(opened.log->append(entries).ok());
            written.insert(written.end(), entries.begin(), entries.end());
        }
        QCOMPARE(opened.log->nextIndex(), LogIndex(161));
    }
    FileLog::Opened reopened = openLog(dir.path());
    QVERIFY(reopened.log);
    QVERIFY(reopened.warnings.isEmpty());
    QCOMPARE(reopened.entries.size(), written.size());
    QVERIFY(reopened.entries == written);
    QCOMPARE(reopened.log->nextIndex(), LogIndex(161));
    QVERIFY(reopened.log->append(makeEntries(161, 170, 5)).ok());
}

void TestFileLog::segmentsRollOver()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), 2000);
        for (std::uint64_t i = 1; i <= 100; i += 10)
            QVERIFY(opened.log->append(makeEntries(i, i + 9, 1)).ok());
        QVERIFY2(opened.log->segmentCount() >= 5, "about 1.3 KB per batch against 2 KB segments");
        QVERIFY(opened.log->segmentPaths().first().endsWith(FileLog::segmentFileName(LogIndex(1))));
    }
    FileLog::Opened reopened = openLog(dir.path(), 2000);
    QCOMPARE(reopened.entries.size(), std::size_t(100));
    QCOMPARE(reopened.entries.back().index, LogIndex(100));
}

void TestFileLog::tornTailAtEveryByteOffsetOfTheLastRecord()
{
    // Write 5 records in separate batches, then cut the file at every byte of the last one, as a crash
    // in the middle of its write would: opening must recover exactly the first 4 and warn.
    QTemporaryDir templateDir;
    qint64 beforeLast = 0;
    qint64 complete = 0;
    {
        FileLog::Opened opened = openLog(templateDir.path());
        for (std::uint64_t i = 1; i <= 4; ++i)
            QVERIFY(opened.log->append({makeEntry(i, 1)}).ok());
        beforeLast = QFileInfo(onlySegment(templateDir.path())).size();
        QVERIFY(opened.log->append({makeEntry(5, 2)}).ok());
        complete = QFileInfo(onlySegment(templateDir.path())).size();
    }
    QCOMPARE(complete - beforeLast, qint64(FileLog::recordHeaderBytes + FileLog::recordBodyFixedBytes + 100));
    const QByteArray original = [&] {
        QFile f(onlySegment(templateDir.path()));
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();
    for (qint64 cut = beforeLast; cut < complete; ++cut) {
        QTemporaryDir dir;
        QFile copy(QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1))));
        QVERIFY(copy.open(QIODevice::WriteOnly));
        copy.write(original.left(cut));
        copy.close();
        FileLog::Opened opened = openLog(dir.path());
        QVERIFY2(opened.log, qPrintable(QStringLiteral("cut at %1").arg(cut)));
        QCOMPARE(opened.entries.size(), std::size_t(4));
        QCOMPARE(opened.entries.back(), makeEntry(4, 1));
        QCOMPARE(opened.warnings.size(), cut == beforeLast ? 0 : 1);
        if (cut > beforeLast)
            QVERIFY2(opened.warnings.first().contains(QStringLiteral("offset %1").arg(beforeLast)),
                     qPrintable(opened.warnings.first()));
        QCOMPARE(QFileInfo(copy.fileName()).size(), beforeLast); // the torn bytes are gone from disk
        QVERIFY(opened.log->append({makeEntry(5, 3)}).ok()); // and appending goes on after them
    }
}

void TestFileLog::emptyOrHalfWrittenNewSegmentIsRemoved()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), 100);
        QVERIFY(opened.log->append(makeEntries(1, 3, 1)).ok());
    }
    // A crash right after creating the next segment: only 5 bytes of its header reached the disk.
    QFile half(QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(4))));
    QVERIFY(half.open(QIODevice::WriteOnly));
    half.write("RAFTL");
    half.close();
    FileLog::Opened opened = openLog(dir.path(), 100);
    QVERIFY(opened.log);
    QCOMPARE(opened.entries.size(), std::size_t(3));
    QVERIFY(!half.exists());
    QCOMPARE(opened.warnings.size(), 1);
}

void TestFileLog::flippedBitInTheMiddleIsNamedDamage_data()
{
    QTest::addColumn<int>("byteInRecord");
    QTest::addColumn<QString>("expected");
    QTest::newRow("length") << 1 << "damaged record header";
    QTest::newRow("body checksum field") << 5 << "damaged record header"; // covered by the header checksum
    QTest::newRow("header checksum") << 9 << "damaged record header";
    QTest::newRow("index") << 12 << "checksum mismatch";
    QTest::newRow("payload") << 60 << "checksum mismatch";
}

void TestFileLog::flippedBitInTheMiddleIsNamedDamage()
{
    QFETCH(int, byteInRecord);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const qint64 recordBytes = FileLog::recordHeaderBytes + FileLog::recordBodyFixedBytes + 100;
    {
        FileLog::Opened opened = openLog(dir.path());
        QVERIFY(opened.log->append(makeEntries(1, 10, 1)).ok());
    }
    const QString segment = onlySegment(dir.path());
    const qint64 fifthRecord = FileLog::segmentHeaderBytes + 4 * recordBytes;
    flipBit(segment, fifthRecord + byteInRecord);
    const StorageStatus status = openStatus(dir.path());
    QCOMPARE(status.code, StorageStatus::Code::Damaged);
    QVERIFY2(status.message.contains(segment), qPrintable(status.message));
    QVERIFY2(status.message.contains(QStringLiteral("byte offset %1").arg(fifthRecord)),
             qPrintable(status.message));
    QVERIFY2(status.message.contains(expected), qPrintable(status.message));
}

void TestFileLog::flippedBitInTheFinalRecordIsATornTail()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path());
        QVERIFY(opened.log->append(makeEntries(1, 10, 1)).ok());
    }
    const QString segment = onlySegment(dir.path());
    flipBit(segment, QFileInfo(segment).size() - 10);
    FileLog::Opened opened = openLog(dir.path());
    QVERIFY(opened.log);
    QCOMPARE(opened.entries.size(), std::size_t(9));
    QCOMPARE(opened.warnings.size(), 1);
}

void TestFileLog::damageInAnEarlierSegmentIsNeverATornTail()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), 500);
        for (std::uint64_t i = 1; i <= 30; i += 3)
            QVERIFY(opened.log->append(makeEntries(i, i + 2, 1)).ok());
        QVERIFY(opened.log->segmentCount() > 2);
    }
    const QStringList names =
        QDir(dir.path()).entryList({QStringLiteral("segment-*.log")}, QDir::Files, QDir::Name);
    const QString first = QDir(dir.path()).filePath(names.first());
    flipBit(first, QFileInfo(first).size() - 10); // the last record of a closed segment
    const StorageStatus status = openStatus(dir.path());
    QCOMPARE(status.code, StorageStatus::Code::Damaged);
    QVERIFY2(status.message.contains(first), qPrintable(status.message));
}

void TestFileLog::missingSegmentIsAGap()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), 500);
        for (std::uint64_t i = 1; i <= 30; i += 3)
            QVERIFY(opened.log->append(makeEntries(i, i + 2, 1)).ok());
    }
    const QStringList names =
        QDir(dir.path()).entryList({QStringLiteral("segment-*.log")}, QDir::Files, QDir::Name);
    QVERIFY(names.size() > 2);
    QVERIFY(QFile::remove(QDir(dir.path()).filePath(names[1])));
    const StorageStatus status = openStatus(dir.path());
    QCOMPARE(status.code, StorageStatus::Code::Damaged);
    QVERIFY2(status.message.contains(names[2]), qPrintable(status.message));
}

void TestFileLog::truncateSuffixWithinAndAcrossSegments()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), 600);
        for (std::uint64_t i = 1; i <= 40; i += 4)
            QVERIFY(opened.log->append(makeEntries(i, i + 3, 1)).ok());
        const std::size_t segmentsBefore = opened.log->segmentCount();
        QVERIFY(opened.log->truncateSuffix(LogIndex(38)).ok()); // within the last segment
        QCOMPARE(opened.log->nextIndex(), LogIndex(38));
        QVERIFY(opened.log->truncateSuffix(LogIndex(11)).ok()); // across segments
        QCOMPARE(opened.log->nextIndex(), LogIndex(11));
        QVERIFY(opened.log->segmentCount() < segmentsBefore);
        QVERIFY(opened.log->append(makeEntries(11, 14, 2)).ok());
    }
    FileLog::Opened reopened = openLog(dir.path(), 600);
    QCOMPARE(reopened.entries.size(), std::size_t(14));
    QCOMPARE(reopened.entries[9], makeEntry(10, 1));
    QCOMPARE(reopened.entries[10], makeEntry(11, 2));
    QVERIFY(reopened.warnings.isEmpty());
}

void TestFileLog::compactPrefixDropsWholeSegmentsBelowTheSnapshot()
{
    QTemporaryDir dir;
    FileLog::Opened opened = openLog(dir.path(), 600);
    for (std::uint64_t i = 1; i <= 40; i += 4)
        QVERIFY(opened.log->append(makeEntries(i, i + 3, 1)).ok());
    const std::size_t before = opened.log->segmentCount();
    QVERIFY(opened.log->compactPrefix(LogIndex(21)).ok());
    QVERIFY(opened.log->segmentCount() < before);
    FileLog::Opened reopened = openLog(dir.path(), 600, LogIndex(21));
    QCOMPARE(reopened.entries.size(), std::size_t(19)); // exactly 22..40
    QCOMPARE(reopened.entries.front().index, LogIndex(22));

    // A snapshot beyond the whole log (installed from a leader) leaves no segment; appends go on after it.
    QVERIFY(reopened.log->compactPrefix(LogIndex(100)).ok());
    QCOMPARE(reopened.log->segmentCount(), std::size_t(0));
    QCOMPARE(reopened.log->nextIndex(), LogIndex(101));
    QVERIFY(reopened.log->append(makeEntries(101, 102, 3)).ok());
}

void TestFileLog::openSkipsEntriesCoveredByTheSnapshot()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path());
        QVERIFY(opened.log->append(makeEntries(1, 10, 1)).ok());
    }
    FileLog::Opened opened = openLog(dir.path(), 64ull << 20, LogIndex(7));
    QCOMPARE(opened.entries.size(), std::size_t(3));
    QCOMPARE(opened.log->nextIndex(), LogIndex(11));
    // A snapshot that leaves a hole before the log's first entry is damage.
    {
        QTemporaryDir gap;
        FileLog::Opened log = openLog(gap.path());
        QVERIFY(log.log->compactPrefix(LogIndex(20)).ok());
        QVERIFY(log.log->append(makeEntries(21, 25, 1)).ok());
        log.log.reset();
        QCOMPARE(openStatus(gap.path(), LogIndex(10)).code, StorageStatus::Code::Damaged);
    }
}

QTEST_GUILESS_MAIN(TestFileLog)
#include "tst_filelog.moc"
