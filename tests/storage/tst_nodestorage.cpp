#include "storage/hardstatefile.h"
#include "storage/nodestorage.h"
#include "storage/snapshotfile.h"
#include "storagetestutil.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cerrno>
#include <cstring>
#include <map>

using namespace raftlab;
using namespace raftlab::testing;

class TestNodeStorage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newDirStartsAtTermZero();
    void aDataDirThatCannotBeMadeSaysWhy();
    void termVoteAndLogSurviveReopen();
    void flippedBitInTheTermVoteRecordIsNamedDamage();
    void flippedBitInTheSnapshotIsNamedDamage();
    void secondOpenOfALockedDirIsRefused();
    void leftoverTemporaryFilesAreIgnored();
    void snapshotFromLeaderReplacesAConflictingLog();
    void restartFromSnapshotAndLogGivesTheSameStateMachine();
};

static StorageStatus open(const QString &dir, NodeStorage::Opened &out,
                          std::uint64_t segmentBytes = 64ull << 20)
{
    return NodeStorage::open(dir, {SyncMode::Always, segmentBytes}, out);
}

// A tiny state machine for the restart test: key -> value from payloads "key=value".
using Kv = std::map<QByteArray, QByteArray>;

static void applyEntry(Kv &kv, const Entry &entry)
{
    const QList<QByteArray> parts = entry.payload.split('=');
    if (entry.type == EntryType::Command && parts.size() == 2)
        kv[parts[0]] = parts[1];
}

static QByteArray encode(const Kv &kv)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    for (const auto &[key, value] : kv)
        out << key << value;
    return bytes;
}

static Kv decode(const QByteArray &bytes)
{
    Kv kv;
    QDataStream in(bytes);
    while (!in.atEnd()) {
        QByteArray key, value;
        in >> key >> value;
        kv[key] = value;
    }
    return kv;
}

void TestNodeStorage::newDirStartsAtTermZero()
{
    QTemporaryDir parent;
    const QString dir = QDir(parent.path()).filePath(QStringLiteral("n1/data"));
    NodeStorage::Opened opened;
    QVERIFY(open(dir, opened).ok());
    QVERIFY2(QDir(dir).exists(), "the data dir is created");
    QCOMPARE(opened.state.hardState, HardState{});
    QVERIFY(opened.state.snapshot.isEmpty());
    QVERIFY(opened.state.entries.empty());
}

void TestNodeStorage::aDataDirThatCannotBeMadeSaysWhy()
{
    // Under a file: QDir::mkpath() only says it failed; the message gives the system's reason.
    QTemporaryDir parent;
    const QString file = QDir(parent.path()).filePath(QStringLiteral("a-file"));
    QVERIFY(QFile(file).open(QIODevice::WriteOnly));
    NodeStorage::Opened opened;
    const StorageStatus status = open(QDir(file).filePath(QStringLiteral("data")), opened);
    QVERIFY(!status.ok());
    QVERIFY2(status.message.contains(QStringLiteral("cannot create data dir")), qPrintable(status.message));
    QVERIFY2(status.message.endsWith(QString::fromLocal8Bit(std::strerror(ENOTDIR))),
             qPrintable(status.message));
}

void TestNodeStorage::termVoteAndLogSurviveReopen()
{
    QTemporaryDir dir;
    {
        NodeStorage::Opened opened;
        QVERIFY(open(dir.path(), opened).ok());
        Ready ready;
        ready.hardState = HardState{Term(7), NodeId(3)};
        ready.entries = makeEntries(1, 5, 7);
        QVERIFY(opened.storage->persist(ready).ok());
        Ready conflict;
        conflict.truncateFrom = LogIndex(4);
        conflict.entries = makeEntries(4, 6, 8);
        conflict.hardState = HardState{Term(8), NodeId{}};
        QVERIFY(opened.storage->persist(conflict).ok());
    }
    NodeStorage::Opened opened;
    QVERIFY(open(dir.path(), opened).ok());
    QCOMPARE(opened.state.hardState, (HardState{Term(8), NodeId{}}));
    QCOMPARE(opened.state.entries.size(), std::size_t(6));
    QCOMPARE(opened.state.entries[2], makeEntry(3, 7));
    QCOMPARE(opened.state.entries[3], makeEntry(4, 8));
}

void TestNodeStorage::flippedBitInTheTermVoteRecordIsNamedDamage()
{
    for (qint64 offset : {0, 9, 16, 21}) {
        QTemporaryDir dir;
        QVERIFY(HardStateFile::save(dir.path(), HardState{Term(5), NodeId(2)}, SyncMode::Always).ok());
        const QString path = QDir(dir.path()).filePath(HardStateFile::fileName());
        flipBit(path, offset);
        NodeStorage::Opened opened;
        const StorageStatus status = open(dir.path(), opened);
        QCOMPARE(status.code, StorageStatus::Code::Damaged);
        QVERIFY2(status.message.contains(path), qPrintable(status.message));
        QVERIFY2(status.message.contains(QStringLiteral("byte offset")), qPrintable(status.message));
    }
}

void TestNodeStorage::flippedBitInTheSnapshotIsNamedDamage()
{
    for (qint64 offset : {3, 12, 40, 50}) {
        QTemporaryDir dir;
        QVERIFY(SnapshotFile::save(dir.path(), Snapshot{{LogIndex(10), Term(2)}, QByteArray(100, 's')},
                                   SyncMode::Always)
                    .ok());
        const QString path = QDir(dir.path()).filePath(SnapshotFile::fileName());
        flipBit(path, offset);
        NodeStorage::Opened opened;
        const StorageStatus status = open(dir.path(), opened);
        QCOMPARE(status.code, StorageStatus::Code::Damaged);
        QVERIFY2(status.message.contains(path), qPrintable(status.message));
    }
}

void TestNodeStorage::secondOpenOfALockedDirIsRefused()
{
    QTemporaryDir dir;
    NodeStorage::Opened first;
    QVERIFY(open(dir.path(), first).ok());
    NodeStorage::Opened second;
    const StorageStatus status = open(dir.path(), second);
    QCOMPARE(status.code, StorageStatus::Code::Locked);
    QVERIFY2(status.message.contains(QStringLiteral("in use")), qPrintable(status.message));
    QVERIFY2(status.message.contains(QString::number(QCoreApplication::applicationPid())),
             qPrintable(status.message));
    first.storage.reset();
    QVERIFY2(open(dir.path(), second).ok(), "the lock is released with its holder");
}

void TestNodeStorage::leftoverTemporaryFilesAreIgnored()
{
    QTemporaryDir dir;
    QVERIFY(HardStateFile::save(dir.path(), HardState{Term(4), NodeId(1)}, SyncMode::Always).ok());
    // A crash while replacing the record leaves a partial temporary file: the old record stands.
    QFile partial(QDir(dir.path()).filePath(HardStateFile::fileName() + QStringLiteral(".tmp")));
    QVERIFY(partial.open(QIODevice::WriteOnly));
    partial.write("RAFTHS01\x05");
    partial.close();
    NodeStorage::Opened opened;
    QVERIFY(open(dir.path(), opened).ok());
    QCOMPARE(opened.state.hardState, (HardState{Term(4), NodeId(1)}));
    QVERIFY(!partial.exists());
}

void TestNodeStorage::snapshotFromLeaderReplacesAConflictingLog()
{
    QTemporaryDir dir;
    {
        NodeStorage::Opened opened;
        QVERIFY(open(dir.path(), opened, 800).ok());
        Ready ready;
        ready.entries = makeEntries(1, 30, 2);
        QVERIFY(opened.storage->persist(ready).ok());
        // What RaftCore hands over when a leader's snapshot at 20 (term 3) does not match entry 20 here.
        Ready install;
        install.truncateFrom = LogIndex(21);
        install.snapshot = Snapshot{{LogIndex(20), Term(3)}, QByteArray("state")};
        install.entries = makeEntries(21, 22, 3);
        QVERIFY(opened.storage->persist(install).ok());
    }
    NodeStorage::Opened opened;
    QVERIFY(open(dir.path(), opened, 800).ok());
    QCOMPARE(opened.state.snapshot.meta, (SnapshotMeta{LogIndex(20), Term(3)}));
    QCOMPARE(opened.state.entries.size(), std::size_t(2));
    QCOMPARE(opened.state.entries.front(), makeEntry(21, 3));
}

void TestNodeStorage::restartFromSnapshotAndLogGivesTheSameStateMachine()
{
    QTemporaryDir dir;
    Kv live;
    {
        NodeStorage::Opened opened;
        QVERIFY(open(dir.path(), opened, 4000).ok());
        for (int i = 1; i <= 300; ++i) {
            Entry entry{LogIndex(static_cast<std::uint64_t>(i)), Term(1), EntryType::Command,
                        QByteArray("k") + QByteArray::number(i % 37) + '=' + QByteArray::number(i)};
            Ready ready;
            ready.entries.push_back(entry);
            QVERIFY(opened.storage->persist(ready).ok());
            applyEntry(live, entry);
            if (i == 250)
                QVERIFY(opened.storage->saveSnapshot(Snapshot{{LogIndex(250), Term(1)}, encode(live)}).ok());
        }
    }
    NodeStorage::Opened opened;
    QVERIFY(open(dir.path(), opened, 4000).ok());
    QCOMPARE(opened.state.snapshot.meta.index, LogIndex(250));
    QCOMPARE(opened.state.entries.size(), std::size_t(50)); // exactly the entries after the snapshot
    Kv restored = decode(opened.state.snapshot.data);
    for (const Entry &entry : opened.state.entries)
        applyEntry(restored, entry);
    QVERIFY(restored == live);
}

QTEST_GUILESS_MAIN(TestNodeStorage)
#include "tst_nodestorage.moc"
