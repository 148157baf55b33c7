// The live safety monitor: silent on a real cluster's recorded run (elections, a truncated uncommitted
// entry, a kill and a restart), and it names each broken rule in streams that break it.
#include "check/safetymonitor.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace raftlab;

namespace {

QList<QJsonObject> recordedRun()
{
    QFile file(QStringLiteral(RAFTLAB_FIXTURE));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", RAFTLAB_FIXTURE);
    QList<QJsonObject> events;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            events << QJsonDocument::fromJson(line).object();
    }
    return events;
}

QJsonObject streamEvent(const char *type, int node, int term, QJsonObject fields = {})
{
    fields.insert(QStringLiteral("type"), QLatin1String(type));
    fields.insert(QStringLiteral("node"), node);
    fields.insert(QStringLiteral("term"), term);
    fields.insert(QStringLiteral("t_us"), 1000 * node);
    return fields;
}

QJsonObject leader(int node, int term)
{
    return streamEvent("role", node, term, {{QStringLiteral("role"), QStringLiteral("leader")}});
}

QJsonObject append(int node, int index, int entryTerm, int crc)
{
    return streamEvent("append", node, entryTerm,
                       {{QStringLiteral("first"), index},
                        {QStringLiteral("last"), index},
                        {QStringLiteral("entries"),
                         QJsonArray{QJsonObject{{QStringLiteral("index"), index},
                                                {QStringLiteral("term"), entryTerm},
                                                {QStringLiteral("crc"), crc}}}}});
}

QJsonObject commit(int node, int index)
{
    return streamEvent("commit", node, 1, {{QStringLiteral("index"), index}});
}

std::vector<SafetyViolation> fold(const QList<QJsonObject> &events)
{
    SafetyMonitor monitor;
    for (const QJsonObject &e : events)
        monitor.fold(e);
    return monitor.violations();
}

} // namespace

class TestSafetyMonitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aRealRunBreaksNoRule();
    void twoLeadersInOneTerm();
    void aLeaderAgainInALaterTermIsFine();
    void committedEntriesThatDiffer();
    void differentCommandsOfTheSameTerm();
    void aCommitAnnouncedBeforeItsAppendIsStillChecked();
    void truncatingACommittedEntry();
    void truncatingAnUncommittedEntryIsFine();
    void aCommitIndexGoingBack();
    void anAppliedSequenceWithAGap();
    void anAppliedEntryThatIsNotTheCommittedOne();
    void appliesInOrderAcrossARestartAreFine();
    void aRestartStartsANewBaseline();
    void aTamperedRecordingIsCaught();
};

void TestSafetyMonitor::aRealRunBreaksNoRule()
{
    const QList<QJsonObject> run = recordedRun();
    QVERIFY(run.size() > 100);
    const auto violations = fold(run);
    QVERIFY2(violations.empty(), violations.empty() ? "" : qPrintable(violations.front().text));
}

void TestSafetyMonitor::twoLeadersInOneTerm()
{
    const auto violations = fold({leader(1, 3), leader(2, 3)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::TwoLeaders);
    QCOMPARE(violations[0].term, std::uint64_t(3));
    QCOMPARE(violations[0].text,
             QStringLiteral("Nodes 1 and 2 were both leader in term 3: Raft allows one leader "
                            "per term."));
    QCOMPARE(violations[0].events.size(), 2);
}

void TestSafetyMonitor::aLeaderAgainInALaterTermIsFine()
{
    QVERIFY(fold({leader(1, 3), leader(1, 3), leader(2, 4), leader(1, 5)}).empty());
}

void TestSafetyMonitor::committedEntriesThatDiffer()
{
    const auto violations = fold({append(1, 5, 2, 111), commit(1, 5), append(2, 5, 3, 222), commit(2, 5)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommittedEntriesDiffer);
    QCOMPARE(violations[0].index, std::uint64_t(5));
    QVERIFY2(
        violations[0].text.startsWith(QStringLiteral("Nodes 1 and 2 committed different entries at index 5")),
        qPrintable(violations[0].text));
}

void TestSafetyMonitor::differentCommandsOfTheSameTerm()
{
    // Same index, same term, different commands: only the checksum tells.
    const auto violations = fold({append(1, 5, 2, 111), commit(1, 5), append(2, 5, 2, 112), commit(2, 5)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(fold({append(1, 5, 2, 111), commit(1, 5), append(2, 5, 2, 111), commit(2, 5)}).empty());
}

void TestSafetyMonitor::aCommitAnnouncedBeforeItsAppendIsStillChecked()
{
    // A follower publishes a Ready's commit before that Ready's entries are durable and announced.
    const auto violations = fold({append(1, 5, 2, 111), commit(1, 5), commit(2, 5), append(2, 5, 3, 222)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommittedEntriesDiffer);
}

void TestSafetyMonitor::truncatingACommittedEntry()
{
    const auto violations = fold(
        {append(1, 5, 2, 111), commit(1, 5), streamEvent("truncate", 1, 3, {{QStringLiteral("index"), 4}})});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommittedEntryRemoved);
    QCOMPARE(violations[0].index, std::uint64_t(4));
}

void TestSafetyMonitor::truncatingAnUncommittedEntryIsFine()
{
    // Figure 7's stale leader: its entry at 6 was never committed; the new leader's replaces it.
    QVERIFY(fold({append(1, 5, 2, 111), append(1, 6, 2, 555), commit(1, 5),
                  streamEvent("truncate", 1, 3, {{QStringLiteral("index"), 6}}), append(1, 6, 3, 666),
                  commit(1, 6), append(2, 6, 3, 666), commit(2, 6)})
                .empty());
}

void TestSafetyMonitor::aCommitIndexGoingBack()
{
    const auto violations = fold({commit(1, 7), commit(1, 6)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommitWentBack);
}

QJsonObject apply(int node, int first, int last)
{
    return streamEvent("apply", node, 1, {{QStringLiteral("first"), first}, {QStringLiteral("last"), last}});
}

void TestSafetyMonitor::anAppliedSequenceWithAGap()
{
    const auto violations = fold({apply(1, 1, 3), apply(1, 5, 5)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::AppliedNotPrefix);
    QCOMPARE(violations[0].index, std::uint64_t(5));
    QCOMPARE(violations[0].events.size(), 2);
    QVERIFY(fold({apply(1, 1, 3), apply(1, 3, 4)}).size() == 1); // a repeat too
}

void TestSafetyMonitor::anAppliedEntryThatIsNotTheCommittedOne()
{
    // Node 2 holds another entry at 5 than the one node 1 committed, and applies it without announcing
    // a commit of its own.
    const auto violations = fold({append(1, 5, 2, 111), commit(1, 5), append(2, 5, 3, 222), apply(2, 5, 5)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::AppliedNotPrefix);
    QCOMPARE(violations[0].index, std::uint64_t(5));
}

void TestSafetyMonitor::appliesInOrderAcrossARestartAreFine()
{
    QVERIFY(fold({apply(1, 1, 4), apply(1, 5, 6),
                  streamEvent("state", 1, 2, {{QStringLiteral("commit_index"), 0}}), apply(1, 3, 3),
                  apply(1, 4, 9)})
                .empty());
}

void TestSafetyMonitor::aRestartStartsANewBaseline()
{
    // A restarted node forgets its commit index (it is volatile) and learns it again from the leader.
    QVERIFY(
        fold({commit(1, 7), streamEvent("state", 1, 2, {{QStringLiteral("commit_index"), 0}}), commit(1, 3)})
            .empty());
}

void TestSafetyMonitor::aTamperedRecordingIsCaught()
{
    // The real run again, with one node's copy of a committed entry given another term.
    QList<QJsonObject> run = recordedRun();
    bool tampered = false;
    for (QJsonObject &e : run) {
        if (tampered || e.value(QStringLiteral("type")).toString() != QLatin1String("append") ||
            e.value(QStringLiteral("node")).toInt() != 3)
            continue;
        QJsonArray entries = e.value(QStringLiteral("entries")).toArray();
        QJsonObject entry = entries.first().toObject();
        if (entry.value(QStringLiteral("index")).toInt() < 2)
            continue;
        entry.insert(QStringLiteral("term"), 99);
        entries.replace(0, entry);
        e.insert(QStringLiteral("entries"), entries);
        tampered = true;
    }
    QVERIFY(tampered);
    const auto violations = fold(run);
    QVERIFY(!violations.empty());
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommittedEntriesDiffer);
}

QTEST_GUILESS_MAIN(TestSafetyMonitor)
#include "tst_safetymonitor.moc"
