#include "node/snapshotpolicy.h"

#include <QTest>

using namespace raftlab;

class TestSnapshotPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void neverWhenOff();
    void smallStoreEveryNEntries();
    void largeStoreWaitsForItsSizeInCommands();
};

void TestSnapshotPolicy::neverWhenOff()
{
    const SnapshotPolicy policy{.every = 0, .entriesSince = 1'000'000, .commandBytesSince = 1 << 30};
    QVERIFY(!policy.due());
}

void TestSnapshotPolicy::smallStoreEveryNEntries()
{
    // Below the size rule's threshold the entry count alone decides, whatever the bytes: lessons and
    // tests with small stores see a snapshot every `snapshot_every` entries.
    SnapshotPolicy policy{
        .every = 100, .entriesSince = 99, .commandBytesSince = 10, .lastSnapshotBytes = 100'000};
    QVERIFY(!policy.due());
    policy.entriesSince = 100;
    QVERIFY(policy.due());
    policy.lastSnapshotBytes = SnapshotPolicy::sizeRuleFromBytes - 1;
    QVERIFY(policy.due());
}

void TestSnapshotPolicy::largeStoreWaitsForItsSizeInCommands()
{
    const qint64 snapshot = 3 * SnapshotPolicy::sizeRuleFromBytes;
    SnapshotPolicy policy{.every = 100,
                          .entriesSince = 100'000,
                          .commandBytesSince = snapshot - 1,
                          .lastSnapshotBytes = snapshot};
    QVERIFY2(!policy.due(), "the commands since have not reached the snapshot's size");
    policy.commandBytesSince = snapshot;
    QVERIFY(policy.due());
    policy.entriesSince = 99;
    QVERIFY2(!policy.due(), "the entry count still applies");
}

QTEST_GUILESS_MAIN(TestSnapshotPolicy)
#include "tst_snapshotpolicy.moc"
