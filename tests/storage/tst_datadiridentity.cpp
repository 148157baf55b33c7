// A data dir belongs to one node of one cluster: its identity record is written at the first start (or
// adopted by a data dir from before identities), checked at every start, and a mismatch is refused with
// the dir and both owners named, before anything in the dir is read or repaired.
#include "storage/hardstatefile.h"
#include "storage/identityfile.h"
#include "storage/nodestorage.h"
#include "storagetestutil.h"

#include <QDir>
#include <QDirIterator>
#include <QTemporaryDir>

#include <map>

using namespace raftlab;
using namespace raftlab::testing;

class TestDataDirIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identityRecordRoundTrips();
    void newDataDirGetsItsIdentityAtFirstStart();
    void anotherNodesDataDirIsRefusedAndLeftAsItWas_data();
    void anotherNodesDataDirIsRefusedAndLeftAsItWas();
    void dataDirFromBeforeIdentitiesIsAdopted();
    void damagedIdentityRecordIsNamedDamage();
    void damagedDataDirGetsNoIdentity();
    void withoutAnOwnerNothingIsCheckedOrWritten();
};

namespace {

using Owner = NodeStorage::Options::Owner;

StorageStatus openAs(const QString &dir, const std::optional<Owner> &owner, NodeStorage::Opened &out)
{
    NodeStorage::Options options{SyncMode::Never, 1ull << 20};
    options.owner = owner;
    return NodeStorage::open(dir, options, out);
}

// Every file in `dir` but the lock (which records the pid of its holder) and its bytes.
std::map<QString, QByteArray> contents(const QString &dir)
{
    std::map<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files);
    while (it.hasNext()) {
        const QString path = it.next();
        if (it.fileName() == QLatin1String("LOCK"))
            continue;
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            files[it.fileName()] = file.readAll();
    }
    return files;
}

// A data dir with a term, a vote and a few entries, used by `owner` (or by nobody: from before identities).
void fillDataDir(const QString &dir, const std::optional<Owner> &owner)
{
    NodeStorage::Opened opened;
    QVERIFY(openAs(dir, owner, opened).ok());
    Ready ready;
    ready.hardState = HardState{Term(4), NodeId(2)};
    ready.entries = makeEntries(1, 5, 4);
    QVERIFY(opened.storage->persist(ready).ok());
}

} // namespace

void TestDataDirIdentity::identityRecordRoundTrips()
{
    const DataDirIdentity identity = IdentityFile::make(QStringLiteral("démo"), NodeId(7));
    QCOMPARE(identity.clusterId.size(), qsizetype(IdentityFile::clusterIdBytes));
    QVERIFY(IdentityFile::make(QStringLiteral("démo"), NodeId(7)).clusterId != identity.clusterId);
    const QByteArray bytes = IdentityFile::encode(identity);
    QCOMPARE(bytes.size(), 36 + QByteArray("démo").size());
    DataDirIdentity decoded;
    QVERIFY(IdentityFile::decode(bytes, QStringLiteral("x"), decoded).ok());
    QCOMPARE(decoded, identity);
    QCOMPARE(decoded.clusterIdHex().size(), 32);
}

void TestDataDirIdentity::newDataDirGetsItsIdentityAtFirstStart()
{
    QTemporaryDir parent;
    const QString dir = QDir(parent.path()).filePath(QStringLiteral("n3"));
    QByteArray clusterId;
    {
        NodeStorage::Opened opened;
        QVERIFY(openAs(dir, Owner{QStringLiteral("demo"), NodeId(3)}, opened).ok());
        QVERIFY2(opened.warnings.isEmpty(), qPrintable(opened.warnings.join(QLatin1Char('\n'))));
        QVERIFY(opened.identity);
        QCOMPARE(opened.identity->clusterName, QStringLiteral("demo"));
        QCOMPARE(opened.identity->nodeId, NodeId(3));
        clusterId = opened.identity->clusterId;
    }
    std::optional<DataDirIdentity> recorded;
    QVERIFY(IdentityFile::load(dir, recorded).ok());
    QVERIFY(recorded);
    QCOMPARE(recorded->clusterId, clusterId);
    QVERIFY(!QFile::exists(QDir(dir).filePath(QStringLiteral("identity.tmp"))));
    // The next start keeps it.
    NodeStorage::Opened again;
    QVERIFY(openAs(dir, Owner{QStringLiteral("demo"), NodeId(3)}, again).ok());
    QVERIFY(again.warnings.isEmpty());
    QCOMPARE(again.identity->clusterId, clusterId);
}

void TestDataDirIdentity::anotherNodesDataDirIsRefusedAndLeftAsItWas_data()
{
    QTest::addColumn<QString>("cluster");
    QTest::addColumn<int>("node");
    QTest::newRow("node 3 on node 2's dir") << "demo" << 3;
    QTest::newRow("node 2 of another cluster") << "other" << 2;
    QTest::newRow("both differ") << "other" << 1;
}

void TestDataDirIdentity::anotherNodesDataDirIsRefusedAndLeftAsItWas()
{
    QFETCH(QString, cluster);
    QFETCH(int, node);
    QTemporaryDir dir;
    fillDataDir(dir.path(), Owner{QStringLiteral("demo"), NodeId(2)});
    // A torn tail would be cut by a start that went on: the refusal must come first.
    const QString segment = QDir(dir.path()).filePath(FileLog::segmentFileName(LogIndex(1)));
    QFile tail(segment);
    QVERIFY(tail.open(QIODevice::ReadWrite));
    QVERIFY(tail.seek(QFileInfo(segment).size() - 1));
    QVERIFY(tail.putChar('\x7f'));
    tail.close();
    const auto before = contents(dir.path());

    NodeStorage::Opened opened;
    const StorageStatus status = openAs(dir.path(), Owner{cluster, NodeId(std::uint32_t(node))}, opened);
    QCOMPARE(status.code, StorageStatus::Code::NotOurs);
    QVERIFY(!opened.storage);
    const QString expected = QStringLiteral("data dir %1 belongs to node 2 of cluster 'demo', not to node %2 "
                                            "of cluster '%3'")
                                 .arg(dir.path())
                                 .arg(node)
                                 .arg(cluster);
    QVERIFY2(status.message.startsWith(expected), qPrintable(status.message));
    QVERIFY2(!status.message.contains(QLatin1Char('\n')), "one line");
    QVERIFY2(contents(dir.path()) == before, "nothing in the dir was changed");

    // Its owner still starts on it.
    QVERIFY(openAs(dir.path(), Owner{QStringLiteral("demo"), NodeId(2)}, opened).ok());
    QCOMPARE(opened.state.hardState, (HardState{Term(4), NodeId(2)}));
}

void TestDataDirIdentity::dataDirFromBeforeIdentitiesIsAdopted()
{
    QTemporaryDir dir;
    fillDataDir(dir.path(), std::nullopt);
    QVERIFY(!QFile::exists(QDir(dir.path()).filePath(IdentityFile::fileName())));
    {
        NodeStorage::Opened opened;
        QVERIFY(openAs(dir.path(), Owner{QStringLiteral("demo"), NodeId(2)}, opened).ok());
        QCOMPARE(opened.warnings.size(), 1);
        QVERIFY2(opened.warnings.first().contains(dir.path()) &&
                     opened.warnings.first().contains(QStringLiteral("node 2 of cluster 'demo'")),
                 qPrintable(opened.warnings.first()));
        QCOMPARE(opened.state.entries.size(), std::size_t(5));
    }
    NodeStorage::Opened opened;
    QCOMPARE(openAs(dir.path(), Owner{QStringLiteral("demo"), NodeId(3)}, opened).code,
             StorageStatus::Code::NotOurs);
    QVERIFY(openAs(dir.path(), Owner{QStringLiteral("demo"), NodeId(2)}, opened).ok());
    QVERIFY2(opened.warnings.isEmpty(), "adopted once");
}

void TestDataDirIdentity::damagedIdentityRecordIsNamedDamage()
{
    QTemporaryDir templateDir;
    {
        NodeStorage::Opened opened;
        QVERIFY(openAs(templateDir.path(), Owner{QStringLiteral("demo"), NodeId(2)}, opened).ok());
    }
    const QString original = QDir(templateDir.path()).filePath(IdentityFile::fileName());
    const qint64 size = QFileInfo(original).size();
    QCOMPARE(size, 36 + 4);
    const auto expectDamage = [](const QString &dir, const QString &what) {
        NodeStorage::Opened opened;
        const StorageStatus status = openAs(dir, Owner{QStringLiteral("demo"), NodeId(2)}, opened);
        QVERIFY2(status.code == StorageStatus::Code::Damaged,
                 qPrintable(what + QLatin1String(": ") + status.message));
        const QString path = QDir(dir).filePath(IdentityFile::fileName());
        QVERIFY2(status.message.contains(path) && status.message.contains(QStringLiteral("byte offset")),
                 qPrintable(status.message));
    };
    for (qint64 offset = 0; offset < size; ++offset) {
        QTemporaryDir dir;
        const QString path = QDir(dir.path()).filePath(IdentityFile::fileName());
        QVERIFY(QFile::copy(original, path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        flipBit(path, offset, int(offset % 8));
        expectDamage(dir.path(), QStringLiteral("bit flipped at %1").arg(offset));
    }
    for (const qint64 length : {qint64(0), qint64(8), size - 1, size + 1}) {
        QTemporaryDir dir;
        const QString path = QDir(dir.path()).filePath(IdentityFile::fileName());
        QVERIFY(QFile::copy(original, path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        cutFile(path, length);
        expectDamage(dir.path(), QStringLiteral("%1 bytes").arg(length));
    }
}

void TestDataDirIdentity::damagedDataDirGetsNoIdentity()
{
    QTemporaryDir dir;
    fillDataDir(dir.path(), std::nullopt);
    flipBit(QDir(dir.path()).filePath(HardStateFile::fileName()), 10);
    NodeStorage::Opened opened;
    QCOMPARE(openAs(dir.path(), Owner{QStringLiteral("demo"), NodeId(2)}, opened).code,
             StorageStatus::Code::Damaged);
    QVERIFY2(!QFile::exists(QDir(dir.path()).filePath(IdentityFile::fileName())),
             "a damaged dir is left as it was");
}

void TestDataDirIdentity::withoutAnOwnerNothingIsCheckedOrWritten()
{
    QTemporaryDir dir;
    fillDataDir(dir.path(), Owner{QStringLiteral("demo"), NodeId(2)});
    NodeStorage::Opened opened;
    QVERIFY(openAs(dir.path(), std::nullopt, opened).ok());
    QVERIFY(!opened.identity);
    QTemporaryDir fresh;
    QVERIFY(openAs(fresh.path(), std::nullopt, opened).ok());
    QVERIFY(!QFile::exists(QDir(fresh.path()).filePath(IdentityFile::fileName())));
}

QTEST_GUILESS_MAIN(TestDataDirIdentity)
#include "tst_datadiridentity.moc"
