// Where a node listens for the host its cluster file gives: never every interface.
#include "net/listenaddress.h"

#include <QHostInfo>
#include <QTest>

using namespace raftlab;

class TestListenAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addressesAreThemselves_data();
    void addressesAreThemselves();
    void aHostNameIsItsAddress();
    void aNameThatDoesNotResolveIsNeverEveryInterface();
};

void TestListenAddress::addressesAreThemselves_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QHostAddress>("expected");
    QTest::newRow("localhost") << "localhost" << QHostAddress(QHostAddress::LocalHost);
    QTest::newRow("IPv4") << "127.0.0.1" << QHostAddress(QStringLiteral("127.0.0.1"));
    QTest::newRow("another IPv4") << "10.1.2.3" << QHostAddress(QStringLiteral("10.1.2.3"));
    QTest::newRow("IPv6") << "::1" << QHostAddress(QHostAddress::LocalHostIPv6);
}

void TestListenAddress::addressesAreThemselves()
{
    QFETCH(QString, host);
    QFETCH(QHostAddress, expected);
    QHostAddress address;
    QVERIFY(resolveListenAddress(host, address).isEmpty());
    QCOMPARE(address, expected);
    QCOMPARE(listenAddressFor(host), expected);
}

void TestListenAddress::aHostNameIsItsAddress()
{
    const QString name = QHostInfo::localHostName();
    const QHostInfo info = QHostInfo::fromName(name);
    if (name == QLatin1String("localhost") || info.error() != QHostInfo::NoError ||
        info.addresses().isEmpty())
        QSKIP("this machine's host name does not resolve");
    QHostAddress address;
    QVERIFY(resolveListenAddress(name, address).isEmpty());
    QCOMPARE(address, info.addresses().constFirst());
    QCOMPARE(listenAddressFor(name), info.addresses().constFirst());
    QVERIFY(listenAddressFor(name) != QHostAddress(QHostAddress::Any));
}

void TestListenAddress::aNameThatDoesNotResolveIsNeverEveryInterface()
{
    const QString name = QStringLiteral("no-such-host.invalid"); // RFC 2606: never resolves
    QHostAddress address;
    const QString error = resolveListenAddress(name, address);
    QVERIFY2(error.contains(QStringLiteral("'no-such-host.invalid' does not resolve")), qPrintable(error));
    QCOMPARE(listenAddressFor(name), QHostAddress(QHostAddress::LocalHost));
}

QTEST_GUILESS_MAIN(TestListenAddress)
#include "tst_listenaddress.moc"
