// Where the cluster secret comes from and what a usable one looks like.
#include "node/clustersecret.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace raftlab;

class TestClusterSecret : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theFlagWinsAndTheFieldIsRelativeToTheClusterFile();
    void readsTheSecretWithoutItsNewline();
    void refusesUnusableFiles_data();
    void refusesUnusableFiles();
    void warnsWhenOthersCanReadIt();
};

namespace {

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes,
                  QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    file.close();
    file.setPermissions(permissions);
    return path;
}

} // namespace

void TestClusterSecret::theFlagWinsAndTheFieldIsRelativeToTheClusterFile()
{
    QCOMPARE(clusterSecretPath(QString(), QStringLiteral("/etc/raftlab/cluster.json"), QString()), QString());
    QCOMPARE(clusterSecretPath(QStringLiteral("flag.key"), QStringLiteral("/etc/raftlab/cluster.json"),
                               QStringLiteral("field.key")),
             QStringLiteral("flag.key"));
    QCOMPARE(clusterSecretPath(QString(), QStringLiteral("/etc/raftlab/cluster.json"),
                               QStringLiteral("secrets/demo.key")),
             QStringLiteral("/etc/raftlab/secrets/demo.key"));
    QCOMPARE(clusterSecretPath(QString(), QStringLiteral("/etc/raftlab/cluster.json"),
                               QStringLiteral("/var/lib/demo.key")),
             QStringLiteral("/var/lib/demo.key"));
    QCOMPARE(clusterSecretPath(QString(), QStringLiteral("cluster.json"), QStringLiteral("demo.key")),
             QDir::current().absoluteFilePath(QStringLiteral("demo.key")));
}

void TestClusterSecret::readsTheSecretWithoutItsNewline()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("demo.key"), "c2VjcmV0LXNlY3JldC1zZWNyZXQ=\n");
    QByteArray secret;
    QString warning;
    const QString error = loadClusterSecret(path, secret, warning);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(secret, QByteArray("c2VjcmV0LXNlY3JldC1zZWNyZXQ="));
    QVERIFY2(warning.isEmpty(), qPrintable(warning));
}

void TestClusterSecret::refusesUnusableFiles_data()
{
    QTest::addColumn<QByteArray>("bytes"); // empty with `missing`: no file at all
    QTest::addColumn<bool>("missing");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << QByteArray() << true << "cannot read";
    QTest::newRow("empty") << QByteArray() << false << "holds 0 bytes, fewer than 16";
    QTest::newRow("short") << QByteArray("password\n") << false << "holds 8 bytes, fewer than 16";
    QTest::newRow("only spaces") << QByteArray(40, ' ') << false << "holds 0 bytes";
    QTest::newRow("huge") << QByteArray(5000, 'k') << false << "larger than 4096 bytes";
}

void TestClusterSecret::refusesUnusableFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, missing);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = missing ? dir.filePath(QStringLiteral("absent.key"))
                                 : writeFile(dir, QStringLiteral("bad.key"), bytes);
    QByteArray secret("unchanged");
    QString warning;
    const QString error = loadClusterSecret(path, secret, warning);
    QVERIFY2(error.startsWith(QStringLiteral("cluster secret file %1: ").arg(path)), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QCOMPARE(secret, QByteArray("unchanged"));
}

void TestClusterSecret::warnsWhenOthersCanReadIt()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("open.key"), "0123456789abcdef",
                                   QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    QByteArray secret;
    QString warning;
    QVERIFY(loadClusterSecret(path, secret, warning).isEmpty());
    QCOMPARE(secret, QByteArray("0123456789abcdef"));
    QVERIFY2(warning.contains(QStringLiteral("can be read by other users")), qPrintable(warning));
}

QTEST_GUILESS_MAIN(TestClusterSecret)
#include "tst_clustersecret.moc"
