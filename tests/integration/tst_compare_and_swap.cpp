// Compare-and-swap through the HTTP API of real processes: PUT ?if_value= and ?if_absent=true, DELETE
// ?if_value=, answered 200 when the condition held and 412 compare_failed when it did not, with the
// expected value percent-encoded in the URL. The comparison is decided when the entry applies, so every
// node reaches the same verdict: after a burst of racing compare-and-swaps sent to every node, exactly one
// of each race wins and every node holds the same values.
#include "clusterharness.h"

#include <QTest>

using namespace raftlab::integration;

namespace {

// "?if_value=<every byte percent-encoded but the unreserved ones>"
QString ifValue(const QByteArray &expected)
{
    return QStringLiteral("?if_value=") + QString::fromLatin1(expected.toPercentEncoding());
}

QString describeAt(int id, const HttpReply &reply)
{
    return QStringLiteral("node %1: %2").arg(id).arg(reply.describe());
}

} // namespace

class TestCompareAndSwap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void swapsOnlyOnTheExpectedValue();
    void putIfAbsent();
    void compareAndDelete();
    void expectedValueIsPercentEncodedBytes();
    void malformedConditionsWriteNothing_data();
    void malformedConditionsWriteNothing();
    void racingSwapsHaveOneWinnerAndOneState();

private:
    // 412 compare_failed with an index and a term.
    void verifyCompareFailed(int id, const HttpReply &reply);
    QByteArray readOn(int id, const QByteArray &key);

    std::unique_ptr<ClusterHarness> m_cluster;
    int m_leader = 0;
    QList<int> m_followers;
};

void TestCompareAndSwap::initTestCase()
{
    m_cluster =
        std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = 3, .name = QStringLiteral("cas")});
    QVERIFY2(m_cluster->setupError().isEmpty(), qPrintable(m_cluster->setupError()));
    const QString started = m_cluster->startAll();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    m_leader = m_cluster->waitForLeader(15'000);
    QVERIFY2(m_leader != 0, "no leader agreed by a majority");
    m_followers = m_cluster->ids();
    m_followers.removeOne(m_leader);
}

void TestCompareAndSwap::cleanupTestCase()
{
    m_cluster.reset();
}

void TestCompareAndSwap::verifyCompareFailed(int id, const HttpReply &reply)
{
    QVERIFY2(reply.status == 412, qPrintable(describeAt(id, reply)));
    const QJsonObject json = reply.json();
    QCOMPARE(json.value(QStringLiteral("error")).toString(), QStringLiteral("compare_failed"));
    QVERIFY2(!json.value(QStringLiteral("message")).toString().isEmpty(), qPrintable(reply.describe()));
    QVERIFY2(json.value(QStringLiteral("index")).toInteger() > 0, qPrintable(reply.describe()));
    QVERIFY2(json.value(QStringLiteral("term")).toInteger() > 0, qPrintable(reply.describe()));
}

// A linearizable read: the value, or "<404>" when absent.
QByteArray TestCompareAndSwap::readOn(int id, const QByteArray &key)
{
    const HttpReply reply = m_cluster->get(id, ClusterHarness::kvPath(key));
    if (reply.status == 404)
        return "<404>";
    if (!reply.ok())
        return "<" + reply.describe().toUtf8() + ">";
    return reply.body;
}

void TestCompareAndSwap::swapsOnlyOnTheExpectedValue()
{
    const QString path = ClusterHarness::kvPath("swap");
    QVERIFY(m_cluster->put(m_leader, path, "v1").ok());

    const HttpReply swapped = m_cluster->put(m_leader, path + ifValue("v1"), "v2");
    QVERIFY2(swapped.ok(), qPrintable(swapped.describe()));
    const qint64 swappedAt = swapped.json().value(QStringLiteral("index")).toInteger();
    QVERIFY2(swappedAt > 0, qPrintable(swapped.describe()));
    QCOMPARE(readOn(m_leader, "swap"), QByteArray("v2"));

    // The same swap again: v1 is gone, so it fails, as a committed entry of its own.
    const HttpReply stale = m_cluster->put(m_leader, path + ifValue("v1"), "v3");
    verifyCompareFailed(m_leader, stale);
    QVERIFY2(stale.json().value(QStringLiteral("index")).toInteger() > swappedAt,
             qPrintable(stale.describe()));
    QCOMPARE(readOn(m_leader, "swap"), QByteArray("v2"));

    // Through a follower: forwarded, decided on the leader, the same answers.
    const HttpReply viaFollower = m_cluster->put(m_followers.first(), path + ifValue("v2"), "v4");
    QVERIFY2(viaFollower.ok(), qPrintable(describeAt(m_followers.first(), viaFollower)));
    verifyCompareFailed(m_followers.last(), m_cluster->put(m_followers.last(), path + ifValue("v2"), "v5"));
    // A prefix or the empty value is not the value; an absent key holds no value at all.
    verifyCompareFailed(m_leader, m_cluster->put(m_leader, path + ifValue("v"), "x"));
    verifyCompareFailed(m_leader, m_cluster->put(m_leader, path + ifValue(""), "x"));
    verifyCompareFailed(m_leader,
                        m_cluster->put(m_leader, ClusterHarness::kvPath("never") + ifValue(""), "x"));
    QCOMPARE(readOn(m_leader, "never"), QByteArray("<404>"));
    for (const int id : m_cluster->ids())
        QCOMPARE(readOn(id, "swap"), QByteArray("v4"));
}

void TestCompareAndSwap::putIfAbsent()
{
    const QString path = ClusterHarness::kvPath("lock");
    const HttpReply taken =
        m_cluster->put(m_followers.first(), path + QStringLiteral("?if_absent=true"), "owner-a");
    QVERIFY2(taken.ok(), qPrintable(taken.describe()));
    verifyCompareFailed(m_leader,
                        m_cluster->put(m_leader, path + QStringLiteral("?if_absent=true"), "owner-b"));
    QCOMPARE(readOn(m_leader, "lock"), QByteArray("owner-a"));

    // An empty value is present, not absent.
    QVERIFY(m_cluster->put(m_leader, ClusterHarness::kvPath("blank"), QByteArray()).ok());
    verifyCompareFailed(
        m_leader,
        m_cluster->put(m_leader, ClusterHarness::kvPath("blank") + QStringLiteral("?if_absent=true"), "x"));
    // With a timeout beside it, in either order.
    QVERIFY(m_cluster
                ->put(m_leader,
                      ClusterHarness::kvPath("timed") + QStringLiteral("?timeout_ms=4000&if_absent=true"),
                      "t")
                .ok());
    verifyCompareFailed(
        m_leader,
        m_cluster->put(m_leader,
                       ClusterHarness::kvPath("timed") + QStringLiteral("?if_absent=true&timeout_ms=4000"),
                       "u"));
    QCOMPARE(readOn(m_leader, "timed"), QByteArray("t"));
}

void TestCompareAndSwap::compareAndDelete()
{
    const QString path = ClusterHarness::kvPath("session");
    QVERIFY(m_cluster->put(m_leader, path, "token-1").ok());
    verifyCompareFailed(m_leader, m_cluster->del(m_leader, path + ifValue("token-0")));
    QCOMPARE(readOn(m_leader, "session"), QByteArray("token-1"));
    const HttpReply deleted = m_cluster->del(m_followers.last(), path + ifValue("token-1"));
    QVERIFY2(deleted.ok(), qPrintable(deleted.describe()));
    QVERIFY2(deleted.json().value(QStringLiteral("index")).toInteger() > 0, qPrintable(deleted.describe()));
    for (const int id : m_cluster->ids())
        QCOMPARE(readOn(id, "session"), QByteArray("<404>"));
    // Nothing left to compare with.
    verifyCompareFailed(m_leader, m_cluster->del(m_leader, path + ifValue("token-1")));
}

void TestCompareAndSwap::expectedValueIsPercentEncodedBytes()
{
    // Separators of the query, a percent sign, spaces, UTF-8, bytes that are not UTF-8 and a NUL.
    const QByteArray tricky("a&b=c; d%25+e/\xc3\xa9\xff\x00z", 20);
    const QString path = ClusterHarness::kvPath("tricky");
    QVERIFY(m_cluster->put(m_leader, path, tricky).ok());
    verifyCompareFailed(m_leader, m_cluster->put(m_leader, path + ifValue(tricky.chopped(1)), "x"));
    const HttpReply swapped = m_cluster->put(m_followers.first(), path + ifValue(tricky), "plain");
    QVERIFY2(swapped.ok(), qPrintable(swapped.describe()));
    QCOMPARE(readOn(m_leader, "tricky"), QByteArray("plain"));

    // Form encoding, as curl --url-query writes it: a '+' in the query is a space, "%2B" a plus sign.
    QVERIFY(m_cluster->put(m_leader, ClusterHarness::kvPath("plus"), "1+1").ok());
    verifyCompareFailed(
        m_leader,
        m_cluster->put(m_leader, ClusterHarness::kvPath("plus") + QStringLiteral("?if_value=1+1"), "no"));
    QVERIFY(m_cluster
                ->put(m_leader, ClusterHarness::kvPath("plus") + QStringLiteral("?if_value=1%2B1"), "one two")
                .ok());
    QVERIFY(
        m_cluster->put(m_leader, ClusterHarness::kvPath("plus") + QStringLiteral("?if_value=one+tw%6F"), "2")
            .ok());
    QCOMPARE(readOn(m_leader, "plus"), QByteArray("2"));
}

void TestCompareAndSwap::malformedConditionsWriteNothing_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("query");

    QTest::newRow("both conditions") << QByteArray("PUT") << QStringLiteral("?if_value=keep&if_absent=true");
    QTest::newRow("if_absent=false") << QByteArray("PUT") << QStringLiteral("?if_absent=false");
    QTest::newRow("if_absent without value") << QByteArray("PUT") << QStringLiteral("?if_absent");
    QTest::newRow("if_value twice") << QByteArray("PUT") << QStringLiteral("?if_value=keep&if_value=keep");
    QTest::newRow("mistyped parameter") << QByteArray("PUT") << QStringLiteral("?if-value=keep");
    QTest::newRow("delete if absent") << QByteArray("DELETE") << QStringLiteral("?if_absent=true");
    QTest::newRow("delete mistyped") << QByteArray("DELETE") << QStringLiteral("?ifvalue=keep");
}

void TestCompareAndSwap::malformedConditionsWriteNothing()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, query);

    const QString path = ClusterHarness::kvPath("guarded");
    QVERIFY(m_cluster->put(m_leader, path, "keep").ok());
    for (const int id : {m_leader, m_followers.first()}) {
        const HttpReply reply =
            m_cluster->request(id, verb, path + query, verb == "PUT" ? "overwritten" : "");
        QVERIFY2(reply.status == 400, qPrintable(describeAt(id, reply)));
        QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("bad_request"));
    }
    QCOMPARE(readOn(m_leader, "guarded"), QByteArray("keep"));
}

void TestCompareAndSwap::racingSwapsHaveOneWinnerAndOneState()
{
    // Rounds of racing writers, spread over every node: each round, every writer tries to move the key
    // from the round's starting value to its own. Exactly one wins each round, and the next round starts
    // from the winner's value. Afterwards every node holds the same value for every key.
    constexpr int rounds = 6;
    constexpr int writersPerNode = 3;
    const QList<int> ids = m_cluster->ids();
    for (int key = 0; key < 2; ++key) {
        const QByteArray name = "race" + QByteArray::number(key);
        QByteArray current = "<404>";
        for (int round = 0; round < rounds; ++round) {
            int winners = 0;
            int losers = 0;
            QList<QByteArray> winningValues;
            QStringList unexpected;
            for (const int id : ids) {
                for (int w = 0; w < writersPerNode; ++w) {
                    const QByteArray mine = "r" + QByteArray::number(round) + "-n" + QByteArray::number(id) +
                        "-w" + QByteArray::number(w);
                    const QString query =
                        current == "<404>" ? QStringLiteral("?if_absent=true") : ifValue(current);
                    m_cluster->requestAsync(id, "PUT", ClusterHarness::kvPath(name) + query, mine, 10'000,
                                            [&, id, mine](const HttpReply &reply) {
                                                if (reply.ok()) {
                                                    ++winners;
                                                    winningValues.append(mine);
                                                } else if (reply.status == 412) {
                                                    ++losers;
                                                } else {
                                                    unexpected.append(describeAt(id, reply));
                                                }
                                            });
                }
            }
            QVERIFY2(waitUntil([this] { return m_cluster->asyncInFlight() == 0; }, 30'000),
                     "answers missing");
            QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.join(QLatin1String("; "))));
            QCOMPARE(winners, 1);
            QCOMPARE(losers, int(ids.size()) * writersPerNode - 1);
            current = winningValues.first();
            QCOMPARE(readOn(ids.at(round % ids.size()), name), current);
        }
    }

    // The same state on every node, read from each node's own store.
    const QString converged = m_cluster->waitConverged(15'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    for (const QByteArray &key :
         {QByteArray("race0"), QByteArray("race1"), QByteArray("swap"), QByteArray("lock"),
          QByteArray("tricky"), QByteArray("plus"), QByteArray("session")}) {
        const QByteArray onLeader = readOn(m_leader, key);
        for (const int id : ids) {
            const HttpReply local =
                m_cluster->get(id, ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local"));
            const QByteArray value = local.status == 404 ? QByteArray("<404>") : local.body;
            QVERIFY2(value == onLeader,
                     qPrintable(QStringLiteral("node %1 holds %2 for %3, the leader %4")
                                    .arg(id)
                                    .arg(QString::fromUtf8(value), QString::fromUtf8(key),
                                         QString::fromUtf8(onLeader))));
        }
    }
}

QTEST_GUILESS_MAIN(TestCompareAndSwap)
#include "tst_compare_and_swap.moc"
