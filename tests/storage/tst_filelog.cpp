#include "storage/filelog.h"
#include "storagetestutil.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtEndian>

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
    void detachedSegmentsStayUntilRemovedAndAppendsGoOnMeanwhile();
    void emptyLastSegmentAfterTheSnapshotIsKeptForTheNextAppend();
    void openSkipsEntriesCoveredByTheSnapshot();
    // The preallocated tail (see filelog.h).
    void segmentIsPreallocatedAndZerosAfterTheLastRecordAreTheEnd();
    void partialRecordInTheZeroedRegionAtEveryByteIsATornTail();
    void validHeaderWithBadPayloadAtThePreallocatedTailIsATornTail();
    void zerosFollowedByValidRecordsAreNamedDamage();
    void dataAfterTheEndOfAnEarlierSegmentIsNamedDamage();
    void truncateThenReopenNeverResurrectsEntries();
    void unpreallocatedSegmentIsReadAndPreallocatedOnReopen();
    // Write batches (see filelog.h): damage in the last one is a torn tail, before it damage.
    void damageAnywhereInTheLastBatchIsATornTail_data();
    void damageAnywhereInTheLastBatchIsATornTail();
    void pagesOfTheLastBatchLostOutOfOrderAreATornTail();
    void damageInAnEarlierBatchIsNamedDamage_data();
    void damageInAnEarlierBatchIsNamedDamage();
    void truncatingAWholeBatchRemovesItsHeader();
    void segmentOfTheFirstFormatIsReadAndNotAppendedTo();
    void spareIsAskedForOnceTheLastSegmentIsBusy();
    void appendsMoveToAReadySpareAndReadBackAcrossReopen();
    void aFullSegmentIsFollowedByTheSpare();
    void leftoverSpareFilesAreRemovedAtOpen();
    void aFailedSpareIsNotRetriedBeforeTheNextSegment();
    void anAbandonedSpareLeavesNothingBehind();
};

// Every test runs twice (main() below): appending through the page cache without syncing, and durably,
// with direct writes where the file system allows them. The files must read the same either way.
static SyncMode s_syncMode = SyncMode::Never;

static FileLog::Opened openLog(const QString &dir, std::uint64_t segmentBytes = 64ull << 20,
                               LogIndex snapshot = {})
{
    FileLog::Opened opened;
    const StorageStatus status = FileLog::open(dir, {s_syncMode, segmentBytes}, snapshot, opened);
    if (!status.ok())
        qWarning("open failed: %s", qPrintable(status.message));
    return opened;
}

static StorageStatus openStatus(const QString &dir, LogIndex snapshot = {})
{
    FileLog::Opened opened;
    return FileLog::open(dir, {s_syncMode, 64ull << 20}, snapshot, opened);
}

static QString onlySegment(const QString &dir)
{
    const QStringList names = QDir(dir).entryList({QStringLiteral("segment-*.log")}, QDir::Files, QDir::Name);
    return names.size() == 1 ? QDir(dir).filePath(names.first()) : QString();
}

static constexpr qint64 recordBytes = FileLog::recordHeaderBytes + FileLog::recordBodyFixedBytes + 100;
static constexpr qint64 batchHeaderBytes = FileLog::batchHeaderBytes;

// Where record `n` (0-based) starts in a segment written by one append of makeEntry() records with
// 100-byte payloads.
static qint64 recordAt(qint64 n)
{
    return FileLog::segmentHeaderBytes + batchHeaderBytes + n * recordBytes;
}

// Where batch `n` (0-based) starts in a segment written by appends of one such entry each.
static qint64 singleBatchAt(qint64 n)
{
    return FileLog::segmentHeaderBytes + n * (batchHeaderBytes + recordBytes);
}

static QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

static void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

static bool onlyZerosFrom(const QByteArray &bytes, qint64 offset)
{
    for (qint64 i = offset; i < bytes.size(); ++i) {
        if (bytes[i] != 0)
            return false;
    }
    return true;
}

// Preallocation is skipped on a tmpfs (where syncs cost nothing); the tests of the zeroed tail need it.
#define REQUIRE_PREALLOCATION(path, segmentBytes)                                                            \
    do {                                                                                                     \
        if (QFileInfo(path).size() != qint64(segmentBytes))                                                  \
            QSKIP("segments are not preallocated here (a tmpfs?)");                                          \
    } while (false)

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
    // The file is cut short, as in a file that grows with each append (no preallocation).
    constexpr std::uint64_t segmentBytes = 4096;
    QTemporaryDir templateDir;
    const qint64 beforeLast = singleBatchAt(4);
    const qint64 complete = singleBatchAt(5);
    {
        FileLog::Opened opened = openLog(templateDir.path(), segmentBytes);
        for (std::uint64_t i = 1; i <= 4; ++i)
            QVERIFY(opened.log->append({makeEntry(i, 1)}).ok());
        QVERIFY(opened.log->append({makeEntry(5, 2)}).ok());
    }
    const QByteArray original = readFile(onlySegment(templateDir.path()));
    QVERIFY(original.size() >= complete);
    QVERIFY(onlyZerosFrom(original, complete));
    for (qint64 cut = beforeLast; cut < complete; ++cut) {
        QTemporaryDir dir;
        const QString copy = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
        writeFile(copy, original.left(cut));
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY2(opened.log, qPrintable(QStringLiteral("cut at %1").arg(cut)));
        QCOMPARE(opened.entries.size(), std::size_t(4));
        QCOMPARE(opened.entries.back(), makeEntry(4, 1));
        QCOMPARE(opened.warnings.size(), cut == beforeLast ? 0 : 1);
        if (cut > beforeLast)
            QVERIFY2(opened.warnings.first().contains(QStringLiteral("offset %1").arg(beforeLast)),
                     qPrintable(opened.warnings.first()));
        const QByteArray after = readFile(copy);
        QVERIFY(after.size() >= beforeLast);
        QVERIFY2(onlyZerosFrom(after, beforeLast), "the torn bytes are gone from disk");
        QVERIFY(opened.log->append({makeEntry(5, 3)}).ok()); // and appending goes on after them
        opened.log.reset();
        QCOMPARE(openLog(dir.path(), segmentBytes).entries.back(), makeEntry(5, 3));
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

    // A crash while creating a preallocated segment: the file has its full size, but its header never
    // reached the disk (all zeros). Nothing can have been acknowledged from it.
    QFile zeroed(QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(4))));
    writeFile(zeroed.fileName(), QByteArray(4096, '\0'));
    FileLog::Opened again = openLog(dir.path(), 100);
    QVERIFY(again.log);
    QCOMPARE(again.entries.size(), std::size_t(3));
    QVERIFY(!zeroed.exists());
    QCOMPARE(again.warnings.size(), 1);
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
    {
        FileLog::Opened opened = openLog(dir.path());
        QVERIFY(opened.log->append(makeEntries(1, 10, 1)).ok());
        QVERIFY(opened.log->append(makeEntries(11, 12, 1)).ok()); // the first batch is not the last
    }
    const QString segment = onlySegment(dir.path());
    const qint64 fifthRecord = recordAt(4);
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
    flipBit(segment, recordAt(10) - 10);
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

void TestFileLog::detachedSegmentsStayUntilRemovedAndAppendsGoOnMeanwhile()
{
    for (const bool crashBeforeRemoving : {false, true}) {
        QTemporaryDir dir;
        FileLog::Opened opened = openLog(dir.path(), 600);
        for (std::uint64_t i = 1; i <= 40; i += 4)
            QVERIFY(opened.log->append(makeEntries(i, i + 3, 1)).ok());
        const QStringList before = opened.log->segmentPaths();

        const QStringList detached = opened.log->detachPrefix(LogIndex(21));
        QVERIFY(!detached.isEmpty());
        QCOMPARE(detached + opened.log->segmentPaths(), before); // the oldest ones, in order
        for (const QString &path : detached)
            QVERIFY2(QFileInfo::exists(path), qPrintable(path)); // bookkeeping only
        QVERIFY(opened.log->append(makeEntries(41, 44, 1)).ok());

        if (crashBeforeRemoving) {
            opened.log.reset();
        } else {
            QVERIFY(FileLog::removeSegmentFiles(dir.path(), detached, SyncMode::Always).ok());
            for (const QString &path : detached)
                QVERIFY2(!QFileInfo::exists(path), qPrintable(path));
        }
        // Either way the log reads back from entry 22 on, and no detached file is left.
        FileLog::Opened reopened = openLog(dir.path(), 600, LogIndex(21));
        QCOMPARE(reopened.entries.size(), std::size_t(23)); // exactly 22..44
        QCOMPARE(reopened.entries.front().index, LogIndex(22));
        for (const QString &path : detached)
            QVERIFY2(!QFileInfo::exists(path), qPrintable(path));
        if (!crashBeforeRemoving)
            QCOMPARE(reopened.log->segmentPaths(), opened.log->segmentPaths());
    }
}

void TestFileLog::emptyLastSegmentAfterTheSnapshotIsKeptForTheNextAppend()
{
    // A crash after a new segment's header was synced and before its first batch leaves an empty last
    // segment, which open() keeps: the next append goes into it. A snapshot up to the entry before it
    // does not cover it, so it is not detached: detached, it would still be on disk (until the snapshot
    // thread removes it) under the very name the next append creates its segment with.
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), 100);
        QVERIFY(opened.log->append(makeEntries(1, 3, 1)).ok());
        QVERIFY(opened.log->append(makeEntries(4, 6, 1)).ok()); // into a second segment
        QCOMPARE(opened.log->segmentCount(), std::size_t(2));
    }
    const QString second = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(4)));
    QByteArray bytes = readFile(second);
    bytes.replace(FileLog::segmentHeaderBytes, bytes.size() - FileLog::segmentHeaderBytes,
                  QByteArray(bytes.size() - FileLog::segmentHeaderBytes, '\0'));
    writeFile(second, bytes);

    FileLog::Opened opened = openLog(dir.path(), 100);
    QCOMPARE(opened.entries.size(), std::size_t(3));
    QCOMPARE(opened.log->segmentCount(), std::size_t(2));
    QCOMPARE(opened.log->nextIndex(), LogIndex(4));

    const QStringList detached = opened.log->detachPrefix(LogIndex(3));
    QCOMPARE(detached, QStringList{QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)))});
    QVERIFY(opened.log->append(makeEntries(4, 5, 2)).ok()); // no file removed yet
    QVERIFY(FileLog::removeSegmentFiles(dir.path(), detached, SyncMode::Always).ok());
    // Removing again finds nothing to remove, which is no error.
    QVERIFY(FileLog::removeSegmentFiles(dir.path(), detached, SyncMode::Always).ok());

    FileLog::Opened reopened = openLog(dir.path(), 100, LogIndex(3));
    QCOMPARE(reopened.entries.size(), std::size_t(2));
    QCOMPARE(reopened.entries.front(), makeEntry(4, 2));
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

void TestFileLog::segmentIsPreallocatedAndZerosAfterTheLastRecordAreTheEnd()
{
    constexpr std::uint64_t segmentBytes = 1 << 20;
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.log->append(makeEntries(1, 3, 1)).ok());
    }
    const QString segment = onlySegment(dir.path());
    REQUIRE_PREALLOCATION(segment, segmentBytes);
    QVERIFY(onlyZerosFrom(readFile(segment), recordAt(3)));
    const qint64 end = recordAt(3) + 2 * (batchHeaderBytes + 2 * recordBytes); // after two more batches of 2
    // Reopening twice, appending each time: every append lands right after the last record.
    for (std::uint64_t round = 0; round < 2; ++round) {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.log);
        QVERIFY2(opened.warnings.isEmpty(), "zeros after the last record are the end, not a torn tail");
        QCOMPARE(opened.entries.size(), std::size_t(3 + 2 * round));
        QVERIFY(opened.log->append(makeEntries(4 + 2 * round, 5 + 2 * round, 2)).ok());
    }
    FileLog::Opened opened = openLog(dir.path(), segmentBytes);
    QVERIFY(opened.warnings.isEmpty());
    Entries expected = makeEntries(1, 3, 1);
    const Entries later = makeEntries(4, 7, 2);
    expected.insert(expected.end(), later.begin(), later.end());
    QVERIFY(opened.entries == expected);
    const QByteArray bytes = readFile(segment);
    QCOMPARE(bytes.size(), qint64(segmentBytes));
    QVERIFY(bytes[end - 1] != 0);
    QVERIFY(onlyZerosFrom(bytes, end));
}

void TestFileLog::partialRecordInTheZeroedRegionAtEveryByteIsATornTail()
{
    // Five records, each in its own batch; a crash writing the fifth into the zeroed region leaves some of
    // its bytes and zeros for the rest — in order (a prefix reached the disk) or not (only a later part
    // did). Either way opening recovers exactly the first four, warns, and zeros the rest.
    constexpr std::uint64_t segmentBytes = 4096;
    QTemporaryDir templateDir;
    {
        FileLog::Opened opened = openLog(templateDir.path(), segmentBytes);
        for (std::uint64_t i = 1; i <= 4; ++i)
            QVERIFY(opened.log->append({makeEntry(i, 1)}).ok());
        QVERIFY(opened.log->append({makeEntry(5, 2)}).ok());
    }
    const QByteArray original = readFile(onlySegment(templateDir.path()));
    REQUIRE_PREALLOCATION(onlySegment(templateDir.path()), segmentBytes);
    const qint64 beforeLast = singleBatchAt(4);
    const qint64 complete = singleBatchAt(5);
    for (const bool prefixReachedTheDisk : {true, false}) {
        for (qint64 k = 0; k < complete - beforeLast; ++k) {
            // In order: the first k bytes of the record arrived. Out of order: all but the first k + 1.
            const qint64 zeroFrom = prefixReachedTheDisk ? beforeLast + k : beforeLast;
            const qint64 zeroTo = prefixReachedTheDisk ? complete : beforeLast + k + 1;
            const QString what = QStringLiteral("zeros in [%1, %2)").arg(zeroFrom).arg(zeroTo);
            QByteArray crashed = original;
            crashed.replace(zeroFrom, zeroTo - zeroFrom, QByteArray(zeroTo - zeroFrom, '\0'));
            const bool nothingWritten = zeroFrom == beforeLast && zeroTo == complete;
            QTemporaryDir dir;
            const QString copy = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
            writeFile(copy, crashed);
            FileLog::Opened opened = openLog(dir.path(), segmentBytes);
            QVERIFY2(opened.log, qPrintable(what));
            QCOMPARE(opened.entries.size(), std::size_t(4));
            QCOMPARE(opened.entries.back(), makeEntry(4, 1));
            QCOMPARE(opened.warnings.size(), nothingWritten ? 0 : 1);
            if (!nothingWritten)
                QVERIFY2(opened.warnings.first().contains(QStringLiteral("offset %1").arg(beforeLast)),
                         qPrintable(opened.warnings.first()));
            const QByteArray after = readFile(copy);
            QCOMPARE(after.size(), qint64(segmentBytes)); // still preallocated
            QVERIFY2(onlyZerosFrom(after, beforeLast), qPrintable(what));
            QVERIFY(opened.log->append({makeEntry(5, 3, 60)}).ok());
            opened.log.reset();
            FileLog::Opened reopened = openLog(dir.path(), segmentBytes);
            QVERIFY(reopened.warnings.isEmpty());
            QCOMPARE(reopened.entries.size(), std::size_t(5));
            QCOMPARE(reopened.entries.back(), makeEntry(5, 3, 60));
        }
    }
}

void TestFileLog::validHeaderWithBadPayloadAtThePreallocatedTailIsATornTail()
{
    constexpr std::uint64_t segmentBytes = 4096;
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.log->append(makeEntries(1, 10, 1)).ok());
    }
    const QString segment = onlySegment(dir.path());
    REQUIRE_PREALLOCATION(segment, segmentBytes);
    flipBit(segment, recordAt(9) + 60); // the last record's payload; its header stays valid
    FileLog::Opened opened = openLog(dir.path(), segmentBytes);
    QVERIFY(opened.log);
    QCOMPARE(opened.entries.size(), std::size_t(9));
    QCOMPARE(opened.warnings.size(), 1);
    QVERIFY2(opened.warnings.first().contains(segment) &&
                 opened.warnings.first().contains(QStringLiteral("offset %1").arg(recordAt(9))),
             qPrintable(opened.warnings.first()));
    QVERIFY(onlyZerosFrom(readFile(segment), recordAt(9)));
}

void TestFileLog::zerosFollowedByValidRecordsAreNamedDamage()
{
    // Acknowledged records zeroed by the medium (or a lost write) in the middle: not mistaken for the end.
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path());
        QVERIFY(opened.log->append(makeEntries(1, 10, 1)).ok());
        QVERIFY(opened.log->append(makeEntries(11, 12, 1)).ok());
    }
    const QString segment = onlySegment(dir.path());
    QByteArray bytes = readFile(segment);
    bytes.replace(recordAt(4), recordBytes, QByteArray(recordBytes, '\0'));
    writeFile(segment, bytes);
    const StorageStatus status = openStatus(dir.path());
    QCOMPARE(status.code, StorageStatus::Code::Damaged);
    QVERIFY2(status.message.contains(segment), qPrintable(status.message));
    QVERIFY2(status.message.contains(QStringLiteral("byte offset %1").arg(recordAt(4))),
             qPrintable(status.message));
}

void TestFileLog::dataAfterTheEndOfAnEarlierSegmentIsNamedDamage()
{
    // A segment that is no longer the last one but still has a zero tail; a byte flipped in that tail
    // would be read as a torn tail in the last segment, but here it can only be damage.
    constexpr std::uint64_t segmentBytes = 4096;
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.log->append(makeEntries(1, 20, 1)).ok());
        QVERIFY(opened.log->truncateSuffix(LogIndex(5)).ok());
        QVERIFY(opened.log->append(makeEntries(5, 6, 2)).ok());
    }
    const QString first = onlySegment(dir.path());
    REQUIRE_PREALLOCATION(first, segmentBytes);
    const qint64 end = recordAt(4) + batchHeaderBytes + 2 * recordBytes; // 4 records kept, a batch of 2
    {
        // Reopened with a smaller segment size (a changed option), the next batch starts a second segment.
        FileLog::Opened opened = openLog(dir.path(), end);
        QVERIFY(opened.log->append(makeEntries(7, 8, 2)).ok());
        QCOMPARE(opened.log->segmentCount(), std::size_t(2));
    }
    flipBit(first, end + 100);
    const StorageStatus status = openStatus(dir.path());
    QCOMPARE(status.code, StorageStatus::Code::Damaged);
    QVERIFY2(status.message.contains(first), qPrintable(status.message));
    QVERIFY2(status.message.contains(QStringLiteral("byte offset %1").arg(end)), qPrintable(status.message));
}

void TestFileLog::truncateThenReopenNeverResurrectsEntries()
{
    constexpr std::uint64_t segmentBytes = 8192;
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.log->append(makeEntries(1, 10, 1)).ok());
        QVERIFY(opened.log->truncateSuffix(LogIndex(6)).ok());
    }
    const QString segment = onlySegment(dir.path());
    REQUIRE_PREALLOCATION(segment, segmentBytes);
    QVERIFY2(onlyZerosFrom(readFile(segment), recordAt(5)), "the removed records are gone from the file");
    {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.warnings.isEmpty());
        QCOMPARE(opened.entries.size(), std::size_t(5));
        QCOMPARE(opened.log->nextIndex(), LogIndex(6));
        // New entries of exactly the old records' size: stale records after them would line up and read
        // as valid if the truncation had only hidden them.
        QVERIFY(opened.log->append(makeEntries(6, 7, 2)).ok());
    }
    FileLog::Opened opened = openLog(dir.path(), segmentBytes);
    QVERIFY(opened.warnings.isEmpty());
    QCOMPARE(opened.entries.size(), std::size_t(7));
    QCOMPARE(opened.entries.back(), makeEntry(7, 2));
    QCOMPARE(opened.log->nextIndex(), LogIndex(8));
    QVERIFY(onlyZerosFrom(readFile(segment), recordAt(7) + batchHeaderBytes));
}

void TestFileLog::unpreallocatedSegmentIsReadAndPreallocatedOnReopen()
{
    constexpr std::uint64_t segmentBytes = 8192;
    QTemporaryDir dir;
    {
        FileLog::Opened opened;
        QVERIFY(FileLog::open(dir.path(), {SyncMode::Never, segmentBytes, false}, LogIndex{}, opened).ok());
        QVERIFY(opened.log->append(makeEntries(1, 4, 1)).ok());
    }
    const QString segment = onlySegment(dir.path());
    QCOMPARE(QFileInfo(segment).size(), recordAt(4));
    {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.warnings.isEmpty());
        QCOMPARE(opened.entries.size(), std::size_t(4));
        QVERIFY(opened.log->append(makeEntries(5, 6, 1)).ok());
    }
    REQUIRE_PREALLOCATION(segment, segmentBytes);
    FileLog::Opened opened = openLog(dir.path(), segmentBytes);
    QVERIFY(opened.warnings.isEmpty());
    QVERIFY(opened.entries == makeEntries(1, 6, 1));
}

// A log of three batches in one segment: entries 1-5, 6-10 and 11-20 (the last batch).
static void writeThreeBatches(const QString &dir, std::uint64_t segmentBytes)
{
    FileLog::Opened opened = openLog(dir, segmentBytes);
    QVERIFY(opened.log->append(makeEntries(1, 5, 1)).ok());
    QVERIFY(opened.log->append(makeEntries(6, 10, 1)).ok());
    QVERIFY(opened.log->append(makeEntries(11, 20, 2)).ok());
}

static qint64 threeBatchesBatchAt(int batch)
{
    return FileLog::segmentHeaderBytes + batch * (batchHeaderBytes + 5 * recordBytes);
}

// Record `n` (0-based) of batch `batch` in that log.
static qint64 threeBatchesRecordAt(int batch, int n)
{
    return threeBatchesBatchAt(batch) + batchHeaderBytes + n * recordBytes;
}

void TestFileLog::damageAnywhereInTheLastBatchIsATornTail_data()
{
    // A bit flipped at `offset` in the last batch (entries 11-20); valid records follow it in the batch.
    // Opening keeps the records before the damage and cuts the rest, from `cut`.
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("cut");
    QTest::addColumn<int>("kept"); // entries kept of the last batch
    const qint64 header = threeBatchesBatchAt(2);
    QTest::newRow("batch header marker") << header << header << 0;
    QTest::newRow("batch header count") << header + 5 << header << 0;
    QTest::newRow("batch header first index") << header + 9 << header << 0;
    QTest::newRow("batch header checksum") << header + 17 << header << 0;
    QTest::newRow("first record's length") << threeBatchesRecordAt(2, 0) + 1 << header << 0;
    QTest::newRow("first record's payload") << threeBatchesRecordAt(2, 0) + 70 << header << 0;
    for (int n : {1, 4, 8}) {
        QTest::addRow("record %d's header", n)
            << threeBatchesRecordAt(2, n) + 9 << threeBatchesRecordAt(2, n) << n;
        QTest::addRow("record %d's index", n)
            << threeBatchesRecordAt(2, n) + 13 << threeBatchesRecordAt(2, n) << n;
        QTest::addRow("record %d's payload", n)
            << threeBatchesRecordAt(2, n) + 100 << threeBatchesRecordAt(2, n) << n;
    }
    QTest::newRow("last record's payload")
        << threeBatchesRecordAt(2, 9) + 100 << threeBatchesRecordAt(2, 9) << 9;
}

void TestFileLog::damageAnywhereInTheLastBatchIsATornTail()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, cut);
    QFETCH(int, kept);
    constexpr std::uint64_t segmentBytes = 8192;
    QTemporaryDir dir;
    writeThreeBatches(dir.path(), segmentBytes);
    const QString segment = onlySegment(dir.path());
    flipBit(segment, offset);
    FileLog::Opened opened = openLog(dir.path(), segmentBytes);
    QVERIFY(opened.log);
    Entries expected = makeEntries(1, 10, 1);
    const Entries lastBatch = makeEntries(11, 10 + std::uint64_t(kept), 2);
    expected.insert(expected.end(), lastBatch.begin(), lastBatch.end());
    QVERIFY2(opened.entries == expected, qPrintable(QStringLiteral("%1 entries").arg(opened.entries.size())));
    QCOMPARE(opened.warnings.size(), 1);
    QVERIFY2(opened.warnings.first().contains(segment) &&
                 opened.warnings.first().contains(QStringLiteral("byte offset %1").arg(cut)),
             qPrintable(opened.warnings.first()));
    QVERIFY2(onlyZerosFrom(readFile(segment), cut), "the torn batch is gone from disk");
    QVERIFY(opened.log->append(makeEntries(11 + std::uint64_t(kept), 21, 3)).ok());
    opened.log.reset();
    FileLog::Opened reopened = openLog(dir.path(), segmentBytes);
    QVERIFY(reopened.warnings.isEmpty());
    QCOMPARE(reopened.entries.size(), std::size_t(21));
    QCOMPARE(reopened.entries.back(), makeEntry(21, 3));
}

void TestFileLog::pagesOfTheLastBatchLostOutOfOrderAreATornTail()
{
    // The last batch spans several 256-byte pieces; a power loss may keep any subset of them. Whichever
    // pieces are missing (zeros), opening keeps exactly the records before the first missing byte.
    constexpr std::uint64_t segmentBytes = 8192;
    QTemporaryDir templateDir;
    writeThreeBatches(templateDir.path(), segmentBytes);
    const QByteArray original = readFile(onlySegment(templateDir.path()));
    const qint64 batchStart = threeBatchesBatchAt(2);
    const qint64 batchEnd = threeBatchesRecordAt(2, 10);
    constexpr qint64 piece = 256;
    const qint64 firstSector = batchStart / piece;
    const qint64 sectors = (batchEnd + piece - 1) / piece - firstSector;
    QVERIFY(sectors >= 5);
    for (qint64 lost = 1; lost < (qint64(1) << sectors) - 1; ++lost) { // never all, never none
        QByteArray crashed = original;
        qint64 firstLost = batchEnd;
        for (qint64 i = 0; i < sectors; ++i) {
            if (!(lost & (qint64(1) << i)))
                continue;
            const qint64 from = std::max(batchStart, (firstSector + i) * piece);
            const qint64 to = std::min(batchEnd, (firstSector + i + 1) * piece);
            crashed.replace(from, to - from, QByteArray(to - from, '\0'));
            firstLost = std::min(firstLost, from);
        }
        QTemporaryDir dir;
        const QString copy = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
        writeFile(copy, crashed);
        const QString what = QStringLiteral("sectors lost: %1").arg(lost, int(sectors), 2, QLatin1Char('0'));
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY2(opened.log, qPrintable(what));
        // Records wholly before the first lost byte survive; the batch header must have survived for any.
        const qint64 whole = firstLost < batchStart + batchHeaderBytes
            ? 0
            : (firstLost - batchStart - batchHeaderBytes) / recordBytes;
        QVERIFY2(opened.entries.size() == std::size_t(10 + whole),
                 qPrintable(QStringLiteral("%1: %2 entries").arg(what).arg(opened.entries.size())));
        // A warning unless nothing but zeros follows the last record kept (the batch header if none).
        const qint64 keptEnd = whole > 0 ? batchStart + batchHeaderBytes + whole * recordBytes : batchStart;
        QVERIFY2(opened.warnings.size() == (onlyZerosFrom(crashed, keptEnd) ? 0 : 1), qPrintable(what));
        QVERIFY2(onlyZerosFrom(readFile(copy), keptEnd), qPrintable(what));
    }
}

void TestFileLog::damageInAnEarlierBatchIsNamedDamage_data()
{
    QTest::addColumn<qint64>("offset"); // of the bit flipped
    QTest::addColumn<qint64>("reported"); // the offset the error names
    QTest::addColumn<QString>("expected");
    QTest::newRow("first batch's header")
        << threeBatchesBatchAt(0) + 5 << threeBatchesBatchAt(0) << "damaged record header";
    QTest::newRow("middle batch's header")
        << threeBatchesBatchAt(1) + 9 << threeBatchesBatchAt(1) << "damaged record header";
    QTest::newRow("a record of the first batch")
        << threeBatchesRecordAt(0, 2) + 40 << threeBatchesRecordAt(0, 2) << "checksum mismatch";
    QTest::newRow("the last record of the middle batch")
        << threeBatchesRecordAt(1, 4) + 9 << threeBatchesRecordAt(1, 4) << "damaged record header";
}

void TestFileLog::damageInAnEarlierBatchIsNamedDamage()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, reported);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    writeThreeBatches(dir.path(), 8192);
    const QString segment = onlySegment(dir.path());
    const QByteArray before = readFile(segment);
    flipBit(segment, offset);
    const StorageStatus status = openStatus(dir.path());
    QCOMPARE(status.code, StorageStatus::Code::Damaged);
    QVERIFY2(status.message.contains(segment) &&
                 status.message.contains(QStringLiteral("byte offset %1").arg(reported)) &&
                 status.message.contains(expected),
             qPrintable(status.message));
    flipBit(segment, offset);
    QVERIFY2(readFile(segment) == before, "opening changed nothing");
}

void TestFileLog::truncatingAWholeBatchRemovesItsHeader()
{
    constexpr std::uint64_t segmentBytes = 8192;
    QTemporaryDir dir;
    {
        writeThreeBatches(dir.path(), segmentBytes);
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.log->truncateSuffix(LogIndex(6)).ok()); // the middle batch's first entry
    }
    const QString segment = onlySegment(dir.path());
    QVERIFY2(onlyZerosFrom(readFile(segment), threeBatchesBatchAt(1)), "no header without entries is left");
    {
        FileLog::Opened opened = openLog(dir.path(), segmentBytes);
        QVERIFY(opened.warnings.isEmpty());
        QVERIFY(opened.entries == makeEntries(1, 5, 1));
        // A batch cut short, then followed by a new batch.
        QVERIFY(opened.log->truncateSuffix(LogIndex(4)).ok());
        QVERIFY(opened.log->append(makeEntries(4, 6, 3)).ok());
    }
    FileLog::Opened opened = openLog(dir.path(), segmentBytes);
    QVERIFY(opened.warnings.isEmpty());
    Entries expected = makeEntries(1, 3, 1);
    const Entries later = makeEntries(4, 6, 3);
    expected.insert(expected.end(), later.begin(), later.end());
    QVERIFY(opened.entries == expected);
}

void TestFileLog::segmentOfTheFirstFormatIsReadAndNotAppendedTo()
{
    // What an earlier RaftLab wrote: "RAFTLOG1" and records without batch headers.
    const auto firstFormat = [](std::uint64_t first, std::uint64_t last) {
        QByteArray bytes("RAFTLOG1");
        bytes.append(QByteArray(8, '\0'));
        qToLittleEndian<quint64>(first, bytes.data() + 8);
        for (std::uint64_t i = first; i <= last; ++i)
            encodeRecord(makeEntry(i, 1), bytes);
        return bytes;
    };
    QTemporaryDir dir;
    const QString old = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
    writeFile(old, firstFormat(1, 6));
    {
        FileLog::Opened opened = openLog(dir.path());
        QVERIFY(opened.log);
        QVERIFY(opened.warnings.isEmpty());
        QVERIFY(opened.entries == makeEntries(1, 6, 1));
        QVERIFY(opened.log->truncateSuffix(LogIndex(6)).ok());
        QVERIFY(opened.log->append(makeEntries(6, 8, 2)).ok());
        QCOMPARE(opened.log->segmentCount(), std::size_t(2));
    }
    QVERIFY(readFile(old).startsWith("RAFTLOG1"));
    QVERIFY(
        readFile(QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(6)))).startsWith("RAFTLOG2"));
    Entries expected = makeEntries(1, 5, 1);
    const Entries later = makeEntries(6, 8, 2);
    expected.insert(expected.end(), later.begin(), later.end());
    QVERIFY(openLog(dir.path()).entries == expected);

    // Its own torn-tail rule still holds where it is the last segment: damage followed by a valid record
    // is damage, in the last record a torn tail.
    QTemporaryDir torn;
    const QString tornPath = QDir(torn.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
    QByteArray bytes = firstFormat(1, 6);
    const qint64 fourth = FileLog::segmentHeaderBytes + 3 * recordBytes;
    bytes[fourth + 60] = char(bytes[fourth + 60] ^ 1);
    writeFile(tornPath, bytes);
    QCOMPARE(openStatus(torn.path()).code, StorageStatus::Code::Damaged);
    bytes = firstFormat(1, 6);
    bytes[bytes.size() - 1] = char(bytes[bytes.size() - 1] ^ 1);
    writeFile(tornPath, bytes);
    FileLog::Opened opened = openLog(torn.path());
    QVERIFY(opened.log);
    QCOMPARE(opened.entries.size(), std::size_t(5));
    QCOMPARE(opened.warnings.size(), 1);
}

// Spare segments (sparesegment.h), with 64 KiB segments: a spare is due at 4 KiB of records.
static constexpr std::uint64_t spareTestSegmentBytes = 64 * 1024;

// Appends batches of 4 entries (about 530 bytes) from `next` until the log hands out a spare to write.
static std::shared_ptr<SpareSegment> appendUntilASpareIsDue(FileLog &log, std::uint64_t &next)
{
    for (int batch = 0; batch < 100; ++batch) {
        if (std::shared_ptr<SpareSegment> spare = log.spareToPrepare())
            return spare;
        if (!log.append(makeEntries(next, next + 3, 1)).ok())
            return nullptr;
        next += 4;
    }
    return nullptr;
}

#define REQUIRE_SPARES(log)                                                                                  \
    do {                                                                                                     \
        if (!(log).append(makeEntries(1, 1, 1)).ok())                                                        \
            QFAIL("the first append failed");                                                                \
        REQUIRE_PREALLOCATION((log).segmentPaths().last(), spareTestSegmentBytes);                           \
    } while (false)

void TestFileLog::spareIsAskedForOnceTheLastSegmentIsBusy()
{
    QTemporaryDir dir;
    FileLog::Opened opened = openLog(dir.path(), spareTestSegmentBytes);
    QVERIFY(!opened.log->spareToPrepare()); // no segment yet
    REQUIRE_SPARES(*opened.log);
    std::uint64_t next = 2;
    QVERIFY2(!opened.log->spareToPrepare(), "one record is no busy log");
    std::shared_ptr<SpareSegment> spare = appendUntilASpareIsDue(*opened.log, next);
    QVERIFY(spare);
    const std::uint64_t due = opened.log->lastSegmentEnd();
    QVERIFY2(due >= spareTestSegmentBytes / 16 && due < spareTestSegmentBytes / 16 + 600,
             qPrintable(QString::number(due)));
    QVERIFY2(!opened.log->spareToPrepare(), "handed out once, until used");
    QVERIFY(!spare->isReady());
    QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(SpareSegment::fileName())));
}

void TestFileLog::appendsMoveToAReadySpareAndReadBackAcrossReopen()
{
    QTemporaryDir dir;
    std::uint64_t next = 2;
    QString first;
    std::uint64_t firstEnd = 0;
    {
        FileLog::Opened opened = openLog(dir.path(), spareTestSegmentBytes);
        REQUIRE_SPARES(*opened.log);
        first = opened.log->segmentPaths().first();
        std::shared_ptr<SpareSegment> spare = appendUntilASpareIsDue(*opened.log, next);
        QVERIFY(spare);
        QVERIFY(opened.log->append(makeEntries(next, next + 3, 1)).ok()); // no spare yet: the same segment
        next += 4;
        QCOMPARE(opened.log->segmentCount(), std::size_t(1));

        QVERIFY(spare->prepare().ok());
        QVERIFY(spare->isReady());
        const QString sparePath = QDir(dir.path()).filePath(SpareSegment::fileName());
        const QByteArray zeros = readFile(sparePath);
        QCOMPARE(zeros.size(), qint64(spareTestSegmentBytes));
        QVERIFY(onlyZerosFrom(zeros, 0));
        QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(SpareSegment::partialFileName())));

        // The segment being appended to was preallocated: the next append goes to the spare at once.
        firstEnd = opened.log->lastSegmentEnd();
        const std::uint64_t moved = next;
        QVERIFY(opened.log->append(makeEntries(next, next + 3, 2)).ok());
        next += 4;
        QCOMPARE(opened.log->segmentCount(), std::size_t(2));
        QVERIFY(!spare->isReady());
        QVERIFY(!QFileInfo::exists(sparePath));
        const QString second = opened.log->segmentPaths().last();
        QVERIFY(second.endsWith(FileLog::segmentFileName(LogIndex(moved))));
        const QByteArray bytes = readFile(second);
        QCOMPARE(bytes.size(), qint64(spareTestSegmentBytes));
        QCOMPARE(bytes.left(8), QByteArray("RAFTLOG2"));
        QVERIFY(onlyZerosFrom(bytes, recordAt(4)));
        QVERIFY(bytes[recordAt(4) - 1] != 0);
        // And stays there: a segment started in a spare is not left early.
        QVERIFY(!opened.log->spareToPrepare());
        QVERIFY(opened.log->append(makeEntries(next, next + 3, 2)).ok());
        next += 4;
        QCOMPARE(opened.log->segmentCount(), std::size_t(2));
    }
    // The segment left early ends in zeros, as any segment's end: all of it reads back, no warning.
    QVERIFY(onlyZerosFrom(readFile(first), qint64(firstEnd)));
    QVERIFY(readFile(first)[qint64(firstEnd) - 1] != 0);
    FileLog::Opened reopened = openLog(dir.path(), spareTestSegmentBytes);
    QVERIFY(reopened.log);
    QVERIFY2(reopened.warnings.isEmpty(), qPrintable(reopened.warnings.join(QLatin1Char('\n'))));
    QCOMPARE(reopened.entries.size(), std::size_t(next - 1));
    for (std::size_t i = 0; i < reopened.entries.size(); ++i)
        QCOMPARE(reopened.entries[i].index, LogIndex(i + 1));
    QVERIFY(reopened.log->append(makeEntries(next, next, 2)).ok());
}

void TestFileLog::aFullSegmentIsFollowedByTheSpare()
{
    QTemporaryDir dir;
    FileLog::Opened opened = openLog(dir.path(), spareTestSegmentBytes);
    REQUIRE_SPARES(*opened.log);
    std::uint64_t next = 2;
    // Into a first spare, so that the next one is not taken early.
    std::shared_ptr<SpareSegment> spare = appendUntilASpareIsDue(*opened.log, next);
    QVERIFY(spare && spare->prepare().ok());
    QVERIFY(opened.log->append(makeEntries(next, next + 3, 1)).ok());
    next += 4;
    QCOMPARE(opened.log->segmentCount(), std::size_t(2));
    spare = appendUntilASpareIsDue(*opened.log, next);
    QVERIFY(spare && spare->prepare().ok());
    while (opened.log->segmentCount() == 2 && next < 10'000) {
        QVERIFY(opened.log->append(makeEntries(next, next + 3, 1)).ok());
        next += 4;
    }
    QCOMPARE(opened.log->segmentCount(), std::size_t(3));
    QVERIFY2(!QFileInfo::exists(QDir(dir.path()).filePath(SpareSegment::fileName())), "the spare was taken");
    const QStringList paths = opened.log->segmentPaths();
    QVERIFY2(QFileInfo(paths[1]).size() >= qint64(spareTestSegmentBytes), "left full, not early");
    QCOMPARE(QFileInfo(paths[2]).size(), qint64(spareTestSegmentBytes));
    FileLog::Opened reopened = openLog(dir.path(), spareTestSegmentBytes);
    QVERIFY(reopened.warnings.isEmpty());
    QCOMPARE(reopened.entries.size(), std::size_t(next - 1));
}

void TestFileLog::leftoverSpareFilesAreRemovedAtOpen()
{
    QTemporaryDir dir;
    {
        FileLog::Opened opened = openLog(dir.path(), spareTestSegmentBytes);
        QVERIFY(opened.log->append(makeEntries(1, 3, 1)).ok());
    }
    // A finished spare and a half-written one (a process killed while writing it): neither is trusted.
    const QString spare = QDir(dir.path()).filePath(SpareSegment::fileName());
    const QString partial = QDir(dir.path()).filePath(SpareSegment::partialFileName());
    writeFile(spare, QByteArray(4096, '\0'));
    writeFile(partial, QByteArray(100, 'x'));
    FileLog::Opened reopened = openLog(dir.path(), spareTestSegmentBytes);
    QVERIFY(reopened.log);
    QCOMPARE(reopened.entries.size(), std::size_t(3));
    QVERIFY(!QFileInfo::exists(spare));
    QVERIFY(!QFileInfo::exists(partial));
}

void TestFileLog::aFailedSpareIsNotRetriedBeforeTheNextSegment()
{
    QTemporaryDir dir;
    FileLog::Opened opened = openLog(dir.path(), spareTestSegmentBytes);
    REQUIRE_SPARES(*opened.log);
    std::uint64_t next = 2;
    std::shared_ptr<SpareSegment> spare = appendUntilASpareIsDue(*opened.log, next);
    QVERIFY(spare);
    injectWriteFailureForTesting(10'000, ENOSPC); // the disk fills up while the zeros are written
    const StorageStatus status = spare->prepare();
    injectWriteFailureForTesting(-1, 0);
    QVERIFY(!status.ok());
    QVERIFY2(status.message.contains(SpareSegment::partialFileName()), qPrintable(status.message));
    QVERIFY2(!QFileInfo::exists(QDir(dir.path()).filePath(SpareSegment::partialFileName())),
             "a failed spare leaves nothing behind");
    QVERIFY(!spare->isReady());
    // The log goes on in its preallocated segment, and asks for no spare until it starts another.
    for (int i = 0; i < 10; ++i) {
        QVERIFY(opened.log->append(makeEntries(next, next + 3, 1)).ok());
        next += 4;
        QVERIFY(!opened.log->spareToPrepare());
    }
    while (opened.log->segmentCount() == 1 && next < 10'000) {
        QVERIFY(opened.log->append(makeEntries(next, next + 3, 1)).ok());
        next += 4;
    }
    QCOMPARE(opened.log->segmentCount(), std::size_t(2));
    QVERIFY(appendUntilASpareIsDue(*opened.log, next));
}

void TestFileLog::anAbandonedSpareLeavesNothingBehind()
{
    // A node that stops abandons the spare being written: nothing is left, and the log goes on without.
    QTemporaryDir dir;
    FileLog::Opened opened = openLog(dir.path(), spareTestSegmentBytes);
    REQUIRE_SPARES(*opened.log);
    std::uint64_t next = 2;
    std::shared_ptr<SpareSegment> spare = appendUntilASpareIsDue(*opened.log, next);
    QVERIFY(spare);
    spare->abandon();
    const StorageStatus status = spare->prepare();
    QVERIFY(!status.ok());
    QVERIFY2(status.message.contains(QStringLiteral("abandoned")), qPrintable(status.message));
    QVERIFY(!spare->isReady());
    QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(SpareSegment::partialFileName())));
    QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(SpareSegment::fileName())));
    QVERIFY(opened.log->append(makeEntries(next, next + 3, 1)).ok());
    QCOMPARE(opened.log->segmentCount(), std::size_t(1));
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestFileLog test;
    s_syncMode = SyncMode::Never;
    int failures = QTest::qExec(&test, argc, argv);
    qInfo("again, every append durable (direct writes where the file system allows them)");
    s_syncMode = SyncMode::Always;
    failures += QTest::qExec(&test, argc, argv);
    return failures;
}
#include "tst_filelog.moc"
