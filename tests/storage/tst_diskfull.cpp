// A full disk: the write fails cleanly with the system's reason, later writes are refused, and every
// entry written before stays readable. On a real (tiny) tmpfs when we may mount one, and always through
// the fault-injecting write layer.
#include "storage/filelog.h"
#include "storage/nodestorage.h"
#include "storagetestutil.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>

#include <cerrno>
#include <sys/mount.h>
#include <unistd.h>

using namespace raftlab;
using namespace raftlab::testing;

class TestDiskFull : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void injectedNoSpaceFailsCleanlyAndKeepsEarlierEntries();
    void realTinyFileSystemFillsUp();
    void cleanup() { injectWriteFailureForTesting(-1, 0); }
};

void TestDiskFull::injectedNoSpaceFailsCleanlyAndKeepsEarlierEntries()
{
    QTemporaryDir dir;
    {
        NodeStorage::Opened opened;
        QVERIFY(NodeStorage::open(dir.path(), {}, opened).ok());
        Ready first;
        first.hardState = HardState{Term(2), NodeId(1)};
        first.entries = makeEntries(1, 20, 2);
        QVERIFY(opened.storage->persist(first).ok());

        injectWriteFailureForTesting(700, ENOSPC); // the next batch fails part-way through
        Ready second;
        second.entries = makeEntries(21, 40, 2);
        const StorageStatus status = opened.storage->persist(second);
        QCOMPARE(status.code, StorageStatus::Code::IoError);
        QVERIFY2(status.message.contains(QStringLiteral("No space left on device")),
                 qPrintable(status.message));
        QVERIFY2(opened.storage->failure() == status.message, "the failure is remembered for /status");
        injectWriteFailureForTesting(-1, 0);

        Ready third;
        third.entries = makeEntries(21, 22, 2);
        QVERIFY2(!opened.storage->persist(third).ok(), "after a failed write the storage refuses writes");
    }
    NodeStorage::Opened reopened;
    QVERIFY(NodeStorage::open(dir.path(), {}, reopened).ok());
    QCOMPARE(reopened.state.hardState, (HardState{Term(2), NodeId(1)}));
    QCOMPARE(reopened.state.entries.size(), std::size_t(20));
    QCOMPARE(reopened.state.entries.back(), makeEntry(20, 2));
}

void TestDiskFull::realTinyFileSystemFillsUp()
{
    if (::geteuid() != 0)
        QSKIP("mounting a tmpfs needs root; the injected test above covers the same path");
    QTemporaryDir mountPoint;
    if (::mount("tmpfs", QFile::encodeName(mountPoint.path()).constData(), "tmpfs", 0, "size=64k") != 0)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here: %1").arg(systemError(errno))));
    const auto unmount = qScopeGuard([&] { ::umount(QFile::encodeName(mountPoint.path()).constData()); });

    std::uint64_t written = 0;
    StorageStatus failure;
    {
        NodeStorage::Opened opened;
        QVERIFY(NodeStorage::open(mountPoint.path(), {}, opened).ok());
        for (std::uint64_t i = 1; i < 10'000; i += 10) {
            Ready ready;
            ready.entries = makeEntries(i, i + 9, 1);
            failure = opened.storage->persist(ready);
            if (!failure.ok())
                break;
            written = i + 9;
        }
    }
    QCOMPARE(failure.code, StorageStatus::Code::IoError);
    QVERIFY2(failure.message.contains(QStringLiteral("No space left on device")),
             qPrintable(failure.message));
    QVERIFY2(written > 100, "a 64 KiB file system holds a few hundred 100-byte entries");
    NodeStorage::Opened reopened;
    QVERIFY(NodeStorage::open(mountPoint.path(), {}, reopened).ok());
    QCOMPARE(reopened.state.entries.size(), written);
}

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
