// OriginPolicy: which Origin and Host headers a node answers, for a node on loopback, on every
// interface, and on one LAN address.
#include "http/originpolicy.h"

#include <QTest>

using namespace raftlab;

namespace {

// "ok", or the refusal's error code.
QString verdict(const OriginPolicy &policy, const std::optional<QByteArray> &origin,
                const std::optional<QByteArray> &host)
{
    RequestHead head;
    if (origin)
        head.origin = QByteArrayView(*origin);
    if (host)
        head.host = QByteArrayView(*host);
    const std::optional<Refusal> refusal = policy.check(head);
    if (!refusal)
        return QStringLiteral("ok");
    if (refusal->status != 403 || refusal->message.isEmpty())
        return QStringLiteral("bad refusal");
    return QString::fromLatin1(refusal->error);
}

} // namespace

class TestOriginPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void origins_data();
    void origins();
    void hosts_data();
    void hosts();
};

void TestOriginPolicy::origins_data()
{
    QTest::addColumn<QString>("configuredHost");
    QTest::addColumn<QString>("listenAddress");
    QTest::addColumn<int>("port");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QString>("expected");

    const auto row = [](const char *name, const char *configured, const char *listen, int port,
                        const char *origin, const char *expected) {
        QTest::newRow(name) << QString::fromLatin1(configured) << QString::fromLatin1(listen) << port
                            << QByteArray(origin) << QString::fromLatin1(expected);
    };
    row("own origin", "127.0.0.1", "127.0.0.1", 8101, "http://127.0.0.1:8101", "ok");
    row("localhost spelling", "127.0.0.1", "127.0.0.1", 8101, "http://localhost:8101", "ok");
    row("IPv6 loopback spelling", "127.0.0.1", "127.0.0.1", 8101, "http://[::1]:8101", "ok");
    row("upper case", "127.0.0.1", "127.0.0.1", 8101, "HTTP://LOCALHOST:8101", "ok");
    row("configured name", "localhost", "127.0.0.1", 8101, "http://localhost:8101", "ok");
    row("another port", "127.0.0.1", "127.0.0.1", 8101, "http://127.0.0.1:8102", "forbidden_origin");
    row("https", "127.0.0.1", "127.0.0.1", 8101, "https://127.0.0.1:8101", "forbidden_origin");
    row("no port", "127.0.0.1", "127.0.0.1", 8101, "http://127.0.0.1", "forbidden_origin");
    row("port 80 left out", "127.0.0.1", "127.0.0.1", 80, "http://127.0.0.1", "ok");
    row("another site", "127.0.0.1", "127.0.0.1", 8101, "http://evil.example", "forbidden_origin");
    row("null", "127.0.0.1", "127.0.0.1", 8101, "null", "forbidden_origin");
    row("empty", "127.0.0.1", "127.0.0.1", 8101, "", "forbidden_origin");
    row("a suffix", "127.0.0.1", "127.0.0.1", 8101, "http://127.0.0.1:8101.evil.example", "forbidden_origin");
    row("LAN node: its name", "node-2.lab", "0.0.0.0", 8101, "http://node-2.lab:8101", "ok");
    row("LAN node on every interface: loopback", "node-2.lab", "0.0.0.0", 8101, "http://localhost:8101",
        "ok");
    row("LAN node on one address: loopback", "10.0.0.2", "10.0.0.2", 8101, "http://localhost:8101",
        "forbidden_origin");
    row("LAN node on one address: itself", "10.0.0.2", "10.0.0.2", 8101, "http://10.0.0.2:8101", "ok");
    row("IPv6 node", "::1", "::1", 8101, "http://[::1]:8101", "ok");
}

void TestOriginPolicy::origins()
{
    QFETCH(QString, configuredHost);
    QFETCH(QString, listenAddress);
    QFETCH(int, port);
    QFETCH(QByteArray, origin);
    QFETCH(QString, expected);
    const OriginPolicy policy(configuredHost, QHostAddress(listenAddress), quint16(port));
    QCOMPARE(verdict(policy, origin, std::nullopt), expected);
    QCOMPARE(verdict(policy, std::nullopt, std::nullopt), QStringLiteral("ok")); // curl, the app, peers
}

void TestOriginPolicy::hosts_data()
{
    QTest::addColumn<QString>("configuredHost");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char *name, const char *configured, const char *host, const char *expected) {
        QTest::newRow(name) << QString::fromLatin1(configured) << QByteArray(host)
                            << QString::fromLatin1(expected);
    };
    row("the address", "127.0.0.1", "127.0.0.1:8101", "ok");
    row("localhost", "127.0.0.1", "localhost:8101", "ok");
    row("LOCALHOST. without port", "127.0.0.1", "LOCALHOST.", "ok");
    row("IPv6 loopback", "127.0.0.1", "[::1]:8101", "ok");
    row("any IPv4 address", "127.0.0.1", "192.168.1.20:8101", "ok");
    row("empty", "127.0.0.1", "", "ok");
    row("the configured name", "node-2.lab", "Node-2.LAB:8101", "ok");
    row("a rebound name", "127.0.0.1", "attacker.example:8101", "forbidden_host");
    row("a name under localhost", "127.0.0.1", "localhost.attacker.example", "forbidden_host");
    row("an address-like name", "127.0.0.1", "127.0.0.1.attacker.example:8101", "forbidden_host");
    row("another name on a LAN node", "node-2.lab", "node-3.lab:8101", "forbidden_host");
    row("a bad port", "127.0.0.1", "127.0.0.1:80a", "forbidden_host");
    row("an unclosed bracket", "127.0.0.1", "[::1:8101", "forbidden_host");
    row("a name in brackets", "127.0.0.1", "[localhost]:8101", "forbidden_host");
    row("userinfo", "127.0.0.1", "user@127.0.0.1:8101", "forbidden_host");
}

void TestOriginPolicy::hosts()
{
    QFETCH(QString, configuredHost);
    QFETCH(QByteArray, host);
    QFETCH(QString, expected);
    const OriginPolicy policy(configuredHost, QHostAddress(QHostAddress::LocalHost), 8101);
    QCOMPARE(verdict(policy, std::nullopt, host), expected);
}

QTEST_GUILESS_MAIN(TestOriginPolicy)
#include "tst_originpolicy.moc"
