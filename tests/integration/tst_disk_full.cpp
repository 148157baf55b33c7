// A full disk under a running node: the write that cannot be made durable fails with a clear error, the
// node stops accepting writes and says why on the HTTP API (503 storage_failed, /status storage_error),
// and nothing it acknowledged is lost. The data dir is a tiny tmpfs, so this needs root (CI runs as root).
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
};

namespace {

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

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_disk_full.moc"
