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
    void nodesOfOneClusterTakeLargeSnapshotsAtDifferentMoments();
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

void TestSnapshotPolicy::nodesOfOneClusterTakeLargeSnapshotsAtDifferentMoments()
{
    // Three nodes apply the same entries: each waits a third more of the snapshot's size per slot, so
    // that no two of them encode and write a large snapshot together.
    const qint64 snapshot = 3 * SnapshotPolicy::sizeRuleFromBytes;
    QCOMPARE(SnapshotPolicy::staggerSlotFor(1), 1);
    QCOMPARE(SnapshotPolicy::staggerSlotFor(2), 2);
    QCOMPARE(SnapshotPolicy::staggerSlotFor(3), 0);
    QCOMPARE(SnapshotPolicy::staggerSlotFor(4), 1);
    const auto dueAt = [snapshot](int slot, qint64 commandBytes) {
        const SnapshotPolicy policy{.every = 100,
                                    .entriesSince = 100'000,
                                    .commandBytesSince = commandBytes,
                                    .lastSnapshotBytes = snapshot,
                                    .staggerSlot = slot};
        return policy.due();
    };
    for (int slot = 0; slot < SnapshotPolicy::staggerSlots; ++slot) {
        const qint64 threshold = snapshot + slot * (snapshot / 3);
        QVERIFY2(!dueAt(slot, threshold - 1), qPrintable(QStringLiteral("slot %1 came early").arg(slot)));
        QVERIFY2(dueAt(slot, threshold), qPrintable(QStringLiteral("slot %1 did not come").arg(slot)));
    }
    // Small snapshots are not staggered: they cost little, and a node's entry count still rules.
    SnapshotPolicy small{.every = 100, .entriesSince = 100, .lastSnapshotBytes = 1000, .staggerSlot = 2};
    QVERIFY(small.due());
}

QTEST_GUILESS_MAIN(TestSnapshotPolicy)
#include "tst_snapshotpolicy.moc"
