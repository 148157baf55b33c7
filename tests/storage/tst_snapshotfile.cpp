// A snapshot file is checked before it is trusted: every byte is under a checksum, its declared size is
// the file's, and a snapshot whose data the state machine cannot decode is named damage like any other.
#include "storage/nodestorage.h"
#include "storage/snapshotfile.h"
#include "storagetestutil.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cstdint>

using namespace raftlab;
using namespace raftlab::testing;

class TestSnapshotFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void carriesItsConfiguration();
    void everyFlippedBitIsNamedDamage();
    void everyCutAndAnyAppendedByteIsNamedDamage();
    void indexOrTermZeroIsNamedDamage();
    void snapshotThatDoesNotDecodeIsNamedDamage();
    void aLargeSnapshotWrittenInSlicesReadsBackWhole();
};

namespace {

const Snapshot sample{{LogIndex(42), Term(3)}, QByteArray("the state machine's bytes: 0123456789")};

void expectDamage(const QByteArray &bytes, const QString &what)
{
    Snapshot out;
    const StorageStatus status = SnapshotFile::decode(bytes, QStringLiteral("/d/snapshot"), out);
    QVERIFY2(status.code == StorageStatus::Code::Damaged, qPrintable(what));
    QVERIFY2(status.message.startsWith(QStringLiteral("snapshot /d/snapshot at byte offset ")),
             qPrintable(status.message));
    QVERIFY2(out.isEmpty(), "nothing of a damaged file is handed out");
}

} // namespace

void TestSnapshotFile::roundTrip()
{
    const QByteArray bytes = SnapshotFile::encode(sample);
    QCOMPARE(bytes.size(), SnapshotFile::headerBytes + sample.data.size());
    Snapshot out;
    QVERIFY(SnapshotFile::decode(bytes, QStringLiteral("x"), out).ok());
    QCOMPARE(out.meta, sample.meta);
    QCOMPARE(out.data, sample.data);

    QTemporaryDir dir;
    QVERIFY(SnapshotFile::save(dir.path(), sample, SyncMode::Never).ok());
    Snapshot loaded;
    QVERIFY(SnapshotFile::load(dir.path(), loaded).ok());
    QCOMPARE(loaded.data, sample.data);
    QVERIFY(SnapshotFile::load(QDir(dir.path()).filePath(QStringLiteral("none")), loaded).ok());
    QVERIFY2(loaded.isEmpty(), "no file: no snapshot yet");
}

// A snapshot larger than one slice of writeFileAtomically() (synced a slice at a time), its last slice
// cut short and the header's bytes before the data: every byte lands where it belongs, and the file
// replaces an older one.
void TestSnapshotFile::aLargeSnapshotWrittenInSlicesReadsBackWhole()
{
    // Bytes that never repeat with the slice's period, so that a slice written at the wrong place shows.
    QByteArray data(5 * 1024 * 1024 + 12345, Qt::Uninitialized);
    std::uint32_t state = 12345;
    for (qsizetype i = 0; i < data.size(); ++i) {
        state = state * 1664525u + 1013904223u;
        data[i] = static_cast<char>(state >> 24);
    }
    QTemporaryDir dir;
    QVERIFY(SnapshotFile::save(dir.path(), sample, SyncMode::Always).ok());
    const Snapshot large{{LogIndex(99), Term(4)}, data};
    QVERIFY(SnapshotFile::save(dir.path(), large, SyncMode::Always).ok());
    Snapshot loaded;
    QVERIFY(SnapshotFile::load(dir.path(), loaded).ok());
    QCOMPARE(loaded.meta, large.meta);
    QVERIFY(loaded.data == data);
    QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(SnapshotFile::fileName() + QStringLiteral(".tmp"))));
}

// A snapshot with a configuration is written as RAFTSN02 and read back with it; one without is still
// written (and read) as RAFTSN01, the format of data dirs from before configurations were logged.
void TestSnapshotFile::carriesItsConfiguration()
{
    Snapshot withMembership = sample;
    withMembership.membership = Membership{.index = LogIndex(40),
                                           .voters = {NodeId(1), NodeId(2), NodeId(4)},
                                           .learners = {NodeId(5)},
                                           .addresses = {MemberAddress{NodeId(5), "h:1", "h:2"}}};
    const QByteArray bytes = SnapshotFile::encode(withMembership);
    QVERIFY(bytes.startsWith("RAFTSN02"));
    Snapshot out;
    QVERIFY(SnapshotFile::decode(bytes, QStringLiteral("x"), out).ok());
    QCOMPARE(out.meta, sample.meta);
    QCOMPARE(out.data, sample.data);
    QVERIFY(out.membership == withMembership.membership);
    QVERIFY(SnapshotFile::encode(sample).startsWith("RAFTSN01"));
    QVERIFY(SnapshotFile::decode(SnapshotFile::encode(sample), QStringLiteral("x"), out).ok());
    QVERIFY(!out.membership.has_value());
    // Every flipped byte of the new format is named damage too.
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        QByteArray flipped = bytes;
        flipped[i] = char(flipped[i] ^ 0x10);
        expectDamage(flipped, QStringLiteral("byte %1 flipped").arg(i));
    }
}

void TestSnapshotFile::everyFlippedBitIsNamedDamage()
{
    const QByteArray original = SnapshotFile::encode(sample);
    for (qsizetype offset = 0; offset < original.size(); ++offset) {
        for (int bit = 0; bit < 8; ++bit) {
            QByteArray damaged = original;
            damaged[offset] = char(damaged[offset] ^ (1 << bit));
            expectDamage(damaged, QStringLiteral("bit %1 of byte %2").arg(bit).arg(offset));
        }
    }
}

void TestSnapshotFile::everyCutAndAnyAppendedByteIsNamedDamage()
{
    const QByteArray original = SnapshotFile::encode(sample);
    for (qsizetype size = 0; size < original.size(); ++size)
        expectDamage(original.left(size), QStringLiteral("cut to %1 bytes").arg(size));
    expectDamage(original + '\0', QStringLiteral("a zero appended"));
    expectDamage(original + "x", QStringLiteral("a byte appended"));
}

void TestSnapshotFile::indexOrTermZeroIsNamedDamage()
{
    expectDamage(SnapshotFile::encode(Snapshot{{LogIndex(0), Term(3)}, "x"}), QStringLiteral("index 0"));
    expectDamage(SnapshotFile::encode(Snapshot{{LogIndex(5), Term(0)}, "x"}), QStringLiteral("term 0"));
}

void TestSnapshotFile::snapshotThatDoesNotDecodeIsNamedDamage()
{
    QTemporaryDir dir;
    QVERIFY(SnapshotFile::save(dir.path(), sample, SyncMode::Never).ok());
    NodeStorage::Options options{SyncMode::Never, 1ull << 20};
    QList<LogIndex> checked;
    options.checkSnapshot = [&checked](const Snapshot &snapshot) {
        checked.append(snapshot.meta.index);
        return snapshot.data.startsWith("the state") ? QStringLiteral("it is not CBOR") : QString();
    };
    NodeStorage::Opened opened;
    const StorageStatus status = NodeStorage::open(dir.path(), options, opened);
    QCOMPARE(status.code, StorageStatus::Code::Damaged);
    const QString path = QDir(dir.path()).filePath(SnapshotFile::fileName());
    QVERIFY2(status.message.contains(path) && status.message.contains(QStringLiteral("it is not CBOR")),
             qPrintable(status.message));
    QCOMPARE(checked, QList<LogIndex>{LogIndex(42)});

    QVERIFY(SnapshotFile::save(dir.path(), Snapshot{{LogIndex(43), Term(3)}, "fine"}, SyncMode::Never).ok());
    QVERIFY(NodeStorage::open(dir.path(), options, opened).ok());
    QCOMPARE(opened.state.snapshot.meta.index, LogIndex(43));
}

QTEST_GUILESS_MAIN(TestSnapshotFile)
#include "tst_snapshotfile.moc"
