// Five nodes; the leader and one follower are cut away from the other three (both ends of every cut link,
// as the GUI does it). The minority cannot commit; the majority elects a leader and commits; after healing
// everyone converges on the majority's log, and the minority's uncommitted entry is gone. Each step of that
// story is a claim of its own, checked in order on one cluster; a step whose earlier step failed skips.
#include "clusterharness.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace raftlab::integration;

namespace {

constexpr int leaderDeadlineMs = 30'000;

QString localRead(const QByteArray &key)
{
    return ClusterHarness::kvPath(key) + QStringLiteral("?consistency=local");
}

} // namespace

class TestPartition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void theCutBlocksBothEndsOfEveryLinkBetweenTheSides();
    void theOldLeaderCannotCommitAWrite();
    void aWriteThroughTheMinorityFollowerFails();
    void theMajorityElectsALeaderOfANewerTerm();
    void theMajorityCommitsWrites();
    void theMinorityStillHasOnlyWhatWasCommittedBeforeTheCut();
    void afterHealingEveryNodeConverges();
    void afterHealingEveryNodeReadsTheMajoritysWrites();
    void theMinoritysUncommittedWriteIsGoneEverywhere();
    void theOldLeadersLogEndsWhereTheMajoritysDoes();

private:
    // How far the story got.
    enum class Step { None, Cut, MajorityLeads, MajorityCommitted, Healed };

    std::unique_ptr<ClusterHarness> m_cluster;
    Step m_reached = Step::None;
    int m_oldLeader = 0;
    int m_minorityFollower = 0;
    QList<int> m_minority;
    QList<int> m_majority;
    std::optional<ClusterHarness::NodeStatus> m_before; // the first leader, with the baseline committed
    std::optional<ClusterHarness::NodeStatus> m_finalLeader; // after healing
    QElapsedTimer m_sinceCut;
};

void TestPartition::initTestCase()
{
    m_cluster = std::make_unique<ClusterHarness>(ClusterHarness::Options{.nodes = 5});
    ClusterHarness &cluster = *m_cluster;
    const QString startError = cluster.startAll();
    QVERIFY2(startError.isEmpty(), qPrintable(startError));
    m_oldLeader = cluster.waitForLeader(leaderDeadlineMs);
    QVERIFY2(m_oldLeader != 0, "no leader");

    const HttpReply baseline = cluster.put(m_oldLeader, ClusterHarness::kvPath("color"), "blue");
    QVERIFY2(baseline.ok(), qPrintable(baseline.describe()));
    const QString settled = cluster.waitConverged(10'000);
    QVERIFY2(settled.isEmpty(), qPrintable(settled));
    m_before = cluster.status(m_oldLeader);
    QVERIFY(m_before);

    m_majority = cluster.ids();
    m_majority.removeOne(m_oldLeader);
    m_minorityFollower = m_majority.takeFirst();
    m_minority = {m_oldLeader, m_minorityFollower};
    m_sinceCut.start();
    const QString cut = cluster.partition({m_minority, m_majority});
    QVERIFY2(cut.isEmpty(), qPrintable(cut));
    m_reached = Step::Cut;
}

void TestPartition::cleanup()
{
    if (QTest::currentTestFailed() && m_cluster)
        m_cluster->printStderr();
}

void TestPartition::cleanupTestCase()
{
    m_cluster.reset();
}

void TestPartition::theCutBlocksBothEndsOfEveryLinkBetweenTheSides()
{
    for (const int id : m_cluster->ids()) {
        const auto s = m_cluster->status(id);
        QVERIFY(s);
        QCOMPARE(s->json.value(QStringLiteral("blocked_peers")).toArray().size(),
                 m_minority.contains(id) ? m_majority.size() : m_minority.size());
    }
}

void TestPartition::theOldLeaderCannotCommitAWrite()
{
    // The old leader still believes it leads for a moment and appends the write, but with one follower
    // it cannot reach a majority of five: the client gets 503 timeout, "outcome": "unknown". Had it
    // already stepped down, the write waited for a leader and never reached a log: 503 unavailable,
    // "outcome": "failed".
    const HttpReply minorityWrite = m_cluster->put(
        m_oldLeader, ClusterHarness::kvPath("minority") + QStringLiteral("?timeout_ms=700"), "red");
    QVERIFY2(minorityWrite.status == 503, qPrintable(minorityWrite.describe()));
    const QString error = minorityWrite.json().value(QStringLiteral("error")).toString();
    const QString outcome = minorityWrite.json().value(QStringLiteral("outcome")).toString();
    QVERIFY2((error == QLatin1String("timeout") && outcome == QLatin1String("unknown")) ||
                 (error == QLatin1String("unavailable") && outcome == QLatin1String("failed")),
             qPrintable(minorityWrite.describe()));
    const bool appended = outcome == QLatin1String("unknown");
    const auto oldLeaderAfterWrite = m_cluster->status(m_oldLeader);
    QVERIFY(oldLeaderAfterWrite);
    qInfo("minority write: %s; old leader now %s, commit %lld, last log %lld",
          qPrintable(minorityWrite.describe()), qPrintable(oldLeaderAfterWrite->role),
          oldLeaderAfterWrite->commitIndex, oldLeaderAfterWrite->lastLogIndex);
    QCOMPARE(oldLeaderAfterWrite->commitIndex, m_before->commitIndex); // nothing new committed
    if (appended)
        QVERIFY2(oldLeaderAfterWrite->lastLogIndex > oldLeaderAfterWrite->commitIndex,
                 "an accepted write should sit uncommitted in the old leader's log");
}

void TestPartition::aWriteThroughTheMinorityFollowerFails()
{
    // Forwarded to the old leader, or no leader known: either way, no majority.
    const HttpReply viaFollower =
        m_cluster->put(m_minorityFollower,
                       ClusterHarness::kvPath("minority") + QStringLiteral("?timeout_ms=700"), "green", 5000);
    QVERIFY2(viaFollower.status == 503, qPrintable(viaFollower.describe()));
    qInfo("minority follower write: %s", qPrintable(viaFollower.describe()));
}

void TestPartition::theMajorityElectsALeaderOfANewerTerm()
{
    const int newLeader = m_cluster->waitForLeader(leaderDeadlineMs, m_majority, m_before->term + 1);
    QVERIFY2(newLeader != 0, "the majority elected no leader");
    qInfo("majority leader: node %d, seen %lld ms after the cut", newLeader, m_sinceCut.elapsed());
    QVERIFY(m_majority.contains(newLeader));
    m_reached = Step::MajorityLeads;
}

void TestPartition::theMajorityCommitsWrites()
{
    if (m_reached < Step::MajorityLeads)
        QSKIP("the majority has no leader");
    for (int i = 0; i < m_majority.size(); ++i) {
        const HttpReply reply = m_cluster->put(m_majority[i], ClusterHarness::kvPath("color"),
                                               i + 1 == m_majority.size() ? "yellow" : "purple");
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
    }
    const HttpReply extra =
        m_cluster->put(m_majority.first(), ClusterHarness::kvPath("majority-only"), "yes");
    QVERIFY2(extra.ok(), qPrintable(extra.describe()));
    m_reached = Step::MajorityCommitted;
}

void TestPartition::theMinorityStillHasOnlyWhatWasCommittedBeforeTheCut()
{
    if (m_reached < Step::MajorityCommitted)
        QSKIP("the majority did not commit its writes");
    for (const int id : m_minority) {
        const HttpReply local = m_cluster->get(id, localRead("color"));
        QVERIFY2(local.ok(), qPrintable(local.describe()));
        QCOMPARE(local.body, QByteArray("blue"));
    }
}

void TestPartition::afterHealingEveryNodeConverges()
{
    if (m_reached < Step::MajorityCommitted)
        QSKIP("the majority did not commit its writes");
    const QString healed = m_cluster->heal();
    QVERIFY2(healed.isEmpty(), qPrintable(healed));
    const QString converged = m_cluster->waitConverged(15'000);
    QVERIFY2(converged.isEmpty(), qPrintable(converged));
    m_finalLeader = m_cluster->status(m_cluster->leader());
    QVERIFY(m_finalLeader);
    QVERIFY2(m_finalLeader->commitIndex > m_before->commitIndex, "the majority's writes are committed");
    m_reached = Step::Healed;
}

void TestPartition::afterHealingEveryNodeReadsTheMajoritysWrites()
{
    if (m_reached < Step::Healed)
        QSKIP("the cluster did not converge after healing");
    for (const int id : m_cluster->ids()) {
        const HttpReply color = m_cluster->get(id, localRead("color"));
        QVERIFY2(color.ok(), qPrintable(color.describe()));
        QCOMPARE(color.body, QByteArray("yellow"));
        const HttpReply only = m_cluster->get(id, localRead("majority-only"));
        QVERIFY2(only.ok(), qPrintable(only.describe()));
        QCOMPARE(only.body, QByteArray("yes"));
        const HttpReply linearizable = m_cluster->get(id, ClusterHarness::kvPath("color"));
        QVERIFY2(linearizable.ok(), qPrintable(linearizable.describe()));
        QCOMPARE(linearizable.body, QByteArray("yellow"));
    }
}

void TestPartition::theMinoritysUncommittedWriteIsGoneEverywhere()
{
    if (m_reached < Step::Healed)
        QSKIP("the cluster did not converge after healing");
    // Never committed: gone everywhere, the old leader included.
    for (const int id : m_cluster->ids()) {
        const HttpReply gone = m_cluster->get(id, localRead("minority"));
        QVERIFY2(gone.status == 404, qPrintable(QStringLiteral("node %1: %2").arg(id).arg(gone.describe())));
        const HttpReply goneLinearizable = m_cluster->get(id, ClusterHarness::kvPath("minority"));
        QVERIFY2(goneLinearizable.status == 404, qPrintable(goneLinearizable.describe()));
    }
}

void TestPartition::theOldLeadersLogEndsWhereTheMajoritysDoes()
{
    if (m_reached < Step::Healed)
        QSKIP("the cluster did not converge after healing");
    // Its uncommitted entry was replaced: its log ends where everyone's does, with the majority's term.
    const auto rejoined = m_cluster->status(m_oldLeader);
    QVERIFY(rejoined);
    QCOMPARE(rejoined->lastLogIndex, m_finalLeader->lastLogIndex);
    QCOMPARE(rejoined->lastLogTerm, m_finalLeader->lastLogTerm);
    QVERIFY(rejoined->lastLogTerm > m_before->term);
}

QTEST_GUILESS_MAIN(TestPartition)
#include "tst_partition.moc"
