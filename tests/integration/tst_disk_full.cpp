// A full disk under a running node: the write that cannot be made durable gets a clear error, the node
// stops accepting writes and says why on the HTTP API (503 storage_failed, /status storage_error), and
// nothing it acknowledged is lost. A leader whose disk fills stops leading, and the write it was making
// is answered "unknown": its entry may already be on the followers, and the next leader may commit it.
// The data dir is a tiny tmpfs, so this needs root (CI runs as root).
#include "clusterharness.h"

#include <QDir>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <sys/mount.h>
#include <unistd.h>

using namespace raftlab::integration;

class TestDiskFull : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullDiskStopsWritesAndLosesNothing();
    void leaderWithFullDiskStepsDownAndAnswersUnknown();
};

namespace {

// Mounts a tmpfs of `size` on `dir` for the life of the object (a lazy unmount when it goes).
class TinyDisk
{
public:
    TinyDisk(const QString &dir, const char *size)
        : m_dir(QFile::encodeName(dir))
    {
        if (!QDir().mkpath(dir)) {
            m_error = QStringLiteral("cannot create %1").arg(dir);
            return;
        }
        if (::mount("tmpfs", m_dir.constData(), "tmpfs", 0, (QByteArray("size=") + size).constData()) != 0)
            m_error = QString::fromLocal8Bit(std::strerror(errno));
    }
    ~TinyDisk()
    {
        if (m_error.isEmpty())
            ::umount2(m_dir.constData(), MNT_DETACH);
    }
    TinyDisk(const TinyDisk &) = delete;
    TinyDisk &operator=(const TinyDisk &) = delete;
    QString error() const { return m_error; }

private:
    QByteArray m_dir;
    QString m_error;
};

bool copyTree(const QString &from, const QString &to)
{
    return QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), from + QStringLiteral("/."), to}) ==
        0;
}

} // namespace

void TestDiskFull::fullDiskStopsWritesAndLosesNothing()
{
    if (::geteuid() != 0)
        QSKIP("mounting a tmpfs needs root; tests/storage/tst_diskfull covers the storage layer without it");
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 1});
    const QString dataDir = cluster.dataDir(1);
    QVERIFY(QDir().mkpath(dataDir));
    if (::mount("tmpfs", QFile::encodeName(dataDir).constData(), "tmpfs", 0, "size=256k") != 0)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here: %1")
                             .arg(QString::fromLocal8Bit(std::strerror(errno)))));
    bool mounted = true;
    const auto unmount = qScopeGuard([&] {
        if (mounted)
            ::umount2(QFile::encodeName(dataDir).constData(), MNT_DETACH);
    });

    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    QVERIFY(cluster.waitForLeader(20'000) == 1);

    // Fill the disk: 4 KiB values into 256 KiB.
    const QByteArray value(4096, 'v');
    QList<QByteArray> acknowledged;
    HttpReply refused;
    for (int i = 0; i < 200 && refused.status == 0; ++i) {
        const QByteArray key = "k" + QByteArray::number(i);
        const HttpReply reply = cluster.put(1, ClusterHarness::kvPath(key), value);
        if (reply.ok())
            acknowledged << key;
        else
            refused = reply;
    }
    QVERIFY2(acknowledged.size() > 10, "a 256 KiB file system holds a few dozen 4 KiB values");
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.json().value(QStringLiteral("error")).toString(), QStringLiteral("storage_failed"));
    QVERIFY2(
        refused.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("No space left")),
        qPrintable(refused.describe()));

    // The node stays up, refuses further writes at once, and says why.
    const HttpReply again = cluster.put(1, ClusterHarness::kvPath("after"), "x");
    QCOMPARE(again.status, 503);
    const auto status = cluster.status(1);
    QVERIFY(status.has_value());
    QVERIFY2(status->json.value(QStringLiteral("storage_error"))
                 .toString()
                 .contains(QStringLiteral("No space left")),
             qPrintable(QJsonDocument(status->json).toJson(QJsonDocument::Compact)));
    QVERIFY2(cluster.stderrOf(1).contains(QStringLiteral("the disk refused a write")),
             qPrintable(cluster.stderrOf(1)));

    // Nothing acknowledged is lost: move the data to a real disk and start the node on it again.
    cluster.kill(1);
    QTemporaryDir saved;
    QVERIFY(copyTree(dataDir, saved.path()));
    QVERIFY(::umount2(QFile::encodeName(dataDir).constData(), MNT_DETACH) == 0);
    mounted = false;
    QVERIFY(copyTree(saved.path(), dataDir));
    const QString restartError = cluster.start(1);
    QVERIFY2(restartError.isEmpty(), qPrintable(restartError));
    QVERIFY(cluster.waitForLeader(20'000) == 1);
    for (const QByteArray &key : acknowledged) {
        const HttpReply reply = cluster.get(1, ClusterHarness::kvPath(key));
        QVERIFY2(reply.ok() && reply.body == value,
                 qPrintable(QString::fromUtf8(key) + QLatin1Char(' ') + reply.describe()));
    }
}

void TestDiskFull::leaderWithFullDiskStepsDownAndAnswersUnknown()
{
    if (::geteuid() != 0)
        QSKIP("mounting a tmpfs needs root; tst_ready covers the core's side (RaftCore::halt()) without it");
    ClusterHarness cluster(ClusterHarness::Options{.nodes = 3});
    const TinyDisk tiny(cluster.dataDir(1), "256k");
    if (!tiny.error().isEmpty())
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here: %1").arg(tiny.error())));
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));

    // Node 1, the one with the tiny disk, leads.
    const bool node1Leads = waitUntil(
        [&] {
            const int leader = cluster.leader();
            if (leader == 1)
                return true;
            if (leader != 0)
                cluster.post(leader, QStringLiteral("/admin/transfer"), QByteArray("{\"to\": 1}"), 3000);
            return false;
        },
        60'000, 200);
    QVERIFY2(node1Leads, "node 1 did not take the lead");

    // Fill its disk with writes until one cannot be made durable there.
    const QByteArray value(4096, 'v');
    QList<QByteArray> acknowledged;
    QByteArray lastKey;
    HttpReply refused;
    for (int i = 0; i < 400 && refused.status == 0; ++i) {
        lastKey = "k" + QByteArray::number(i);
        const HttpReply reply = cluster.put(1, ClusterHarness::kvPath(lastKey), value, 20'000);
        if (reply.ok())
            acknowledged << lastKey;
        else
            refused = reply;
    }
    QVERIFY2(acknowledged.size() > 10, "a 256 KiB file system holds a few dozen 4 KiB values");
    // The leader sent the entry to its followers before its own write failed: the write's fate is unknown.
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.json().value(QStringLiteral("error")).toString(), QStringLiteral("storage_failed"));
    QVERIFY2(refused.json().value(QStringLiteral("outcome")).toString() == QLatin1String("unknown"),
             qPrintable(refused.describe()));
    QVERIFY2(
        refused.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("No space left")),
        qPrintable(refused.describe()));

    // Node 1 stays up, says why, and no longer claims to lead.
    const auto status = cluster.status(1);
    QVERIFY(status.has_value());
    QVERIFY2(status->role != QLatin1String("leader"),
             qPrintable(QJsonDocument(status->json).toJson(QJsonDocument::Compact)));
    QVERIFY2(
        status->json.value(QStringLiteral("storage_error")).toString().contains(QStringLiteral("No space")),
        qPrintable(QJsonDocument(status->json).toJson(QJsonDocument::Compact)));
    QVERIFY2(cluster.stderrOf(1).contains(QStringLiteral("the disk refused a write")),
             qPrintable(cluster.stderrOf(1)));
    // A write sent to it now is refused at once: nothing of it was written anywhere.
    const HttpReply after = cluster.put(1, ClusterHarness::kvPath("after"), "x", 20'000);
    QCOMPARE(after.status, 503);
    QCOMPARE(after.json().value(QStringLiteral("outcome")).toString(), QStringLiteral("failed"));
    QVERIFY2(after.elapsedMs < 2000, qPrintable(after.describe()));

    // Another node leads, with every acknowledged write; the unknown one, if the new leader committed it,
    // holds exactly what was written.
    const int newLeader = cluster.waitForLeader(30'000, {2, 3});
    QVERIFY2(newLeader == 2 || newLeader == 3, "no other node took the lead");
    for (const QByteArray &key : acknowledged) {
        const HttpReply reply = cluster.get(newLeader, ClusterHarness::kvPath(key), 20'000);
        QVERIFY2(reply.ok() && reply.body == value,
                 qPrintable(QString::fromUtf8(key) + QLatin1Char(' ') + reply.describe()));
    }
    const HttpReply unknown = cluster.get(newLeader, ClusterHarness::kvPath(lastKey), 20'000);
    QVERIFY2(unknown.status == 404 || (unknown.ok() && unknown.body == value),
             qPrintable(unknown.describe()));
    qInfo("the write answered 'unknown' %s", unknown.ok() ? "was committed by the new leader" : "was lost");
    // The cluster goes on without node 1.
    const HttpReply later = cluster.put(newLeader, ClusterHarness::kvPath("later"), "y", 20'000);
    QVERIFY2(later.ok(), qPrintable(later.describe()));
    QVERIFY2(cluster.waitConverged(30'000, {2, 3}).isEmpty(), "the two healthy nodes agree");
    if (unknown.ok()) {
        // Committed: it stays, on both healthy nodes.
        for (const int id : {2, 3}) {
            const HttpReply local =
                cluster.get(id, ClusterHarness::kvPath(lastKey) + QStringLiteral("?consistency=local"));
            QVERIFY2(local.ok() && local.body == value, qPrintable(local.describe()));
        }
    }
}

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_disk_full.moc"
