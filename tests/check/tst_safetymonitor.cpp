// The live safety monitor: silent on a real cluster's recorded run (elections, a truncated uncommitted
// entry, a kill and a restart), and it names each broken rule in streams that break it.
#include "check/safetymonitor.h"

#include "markingtranslator.h"
#include "safetystreams.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace raftlab;
using namespace raftlab::testing;

namespace {

QList<QJsonObject> recordedRun()
{
    return recordedStream(QStringLiteral(RAFTLAB_FIXTURE));
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
    void everyRuleSpeaksThroughTheTranslator_data();
    void everyRuleSpeaksThroughTheTranslator();
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
    const auto violations = fold({leaderEvent(1, 3), leaderEvent(2, 3)});
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
    QVERIFY(fold({leaderEvent(1, 3), leaderEvent(1, 3), leaderEvent(2, 4), leaderEvent(1, 5)}).empty());
}

void TestSafetyMonitor::committedEntriesThatDiffer()
{
    const auto violations =
        fold({appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 3, 222), commitEvent(2, 5)});
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
    const auto violations =
        fold({appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 2, 112), commitEvent(2, 5)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(fold({appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 2, 111), commitEvent(2, 5)})
                .empty());
}

void TestSafetyMonitor::aCommitAnnouncedBeforeItsAppendIsStillChecked()
{
    // A follower publishes a Ready's commit before that Ready's entries are durable and announced.
    const auto violations =
        fold({appendEvent(1, 5, 2, 111), commitEvent(1, 5), commitEvent(2, 5), appendEvent(2, 5, 3, 222)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommittedEntriesDiffer);
}

void TestSafetyMonitor::truncatingACommittedEntry()
{
    const auto violations = fold({appendEvent(1, 5, 2, 111), commitEvent(1, 5), truncateEvent(1, 3, 4)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommittedEntryRemoved);
    QCOMPARE(violations[0].index, std::uint64_t(4));
}

void TestSafetyMonitor::truncatingAnUncommittedEntryIsFine()
{
    // Figure 7's stale leader: its entry at 6 was never committed; the new leader's replaces it.
    QVERIFY(
        fold({appendEvent(1, 5, 2, 111), appendEvent(1, 6, 2, 555), commitEvent(1, 5), truncateEvent(1, 3, 6),
              appendEvent(1, 6, 3, 666), commitEvent(1, 6), appendEvent(2, 6, 3, 666), commitEvent(2, 6)})
            .empty());
}

void TestSafetyMonitor::aCommitIndexGoingBack()
{
    const auto violations = fold({commitEvent(1, 7), commitEvent(1, 6)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::CommitWentBack);
}

void TestSafetyMonitor::anAppliedSequenceWithAGap()
{
    const auto violations = fold({applyEvent(1, 1, 3), applyEvent(1, 5, 5)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::AppliedNotPrefix);
    QCOMPARE(violations[0].index, std::uint64_t(5));
    QCOMPARE(violations[0].events.size(), 2);
    QVERIFY(fold({applyEvent(1, 1, 3), applyEvent(1, 3, 4)}).size() == 1); // a repeat too
}

void TestSafetyMonitor::anAppliedEntryThatIsNotTheCommittedOne()
{
    // Node 2 holds another entry at 5 than the one node 1 committed, and applies it without announcing
    // a commit of its own.
    const auto violations =
        fold({appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 3, 222), applyEvent(2, 5, 5)});
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY(violations[0].rule == SafetyViolation::Rule::AppliedNotPrefix);
    QCOMPARE(violations[0].index, std::uint64_t(5));
}

void TestSafetyMonitor::appliesInOrderAcrossARestartAreFine()
{
    QVERIFY(fold({applyEvent(1, 1, 4), applyEvent(1, 5, 6),
                  streamEvent("state", 1, 2, {{QStringLiteral("commit_index"), 0}}), applyEvent(1, 3, 3),
                  applyEvent(1, 4, 9)})
                .empty());
}

void TestSafetyMonitor::aRestartStartsANewBaseline()
{
    // A restarted node forgets its commit index (it is volatile) and learns it again from the leader.
    QVERIFY(fold({commitEvent(1, 7), streamEvent("state", 1, 2, {{QStringLiteral("commit_index"), 0}}),
                  commitEvent(1, 3)})
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

void TestSafetyMonitor::everyRuleSpeaksThroughTheTranslator_data()
{
    QTest::addColumn<QList<QJsonObject>>("events");
    QTest::newRow("two leaders") << QList<QJsonObject>{leaderEvent(1, 3), leaderEvent(2, 3)};
    QTest::newRow("committed entries differ") << QList<QJsonObject>{
        appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 3, 222), commitEvent(2, 5)};
    QTest::newRow("committed entry removed")
        << QList<QJsonObject>{appendEvent(1, 5, 2, 111), commitEvent(1, 5), truncateEvent(1, 3, 4)};
    QTest::newRow("commit went back") << QList<QJsonObject>{commitEvent(1, 7), commitEvent(1, 6)};
    QTest::newRow("applied with a gap") << QList<QJsonObject>{applyEvent(1, 1, 3), applyEvent(1, 5, 5)};
    QTest::newRow("applied another entry") << QList<QJsonObject>{
        appendEvent(1, 5, 2, 111), commitEvent(1, 5), appendEvent(2, 5, 3, 222), applyEvent(2, 5, 5)};
}

void TestSafetyMonitor::everyRuleSpeaksThroughTheTranslator()
{
    QFETCH(QList<QJsonObject>, events);
    MarkedTranslations marked;
    const auto violations = fold(events);
    QCOMPARE(violations.size(), std::size_t(1));
    QVERIFY2(violations[0].text.startsWith(MarkingTranslator::open), qPrintable(violations[0].text));
    QVERIFY2(toString(violations[0].rule).startsWith(MarkingTranslator::open),
             qPrintable(toString(violations[0].rule)));
}

QTEST_GUILESS_MAIN(TestSafetyMonitor)
#include "tst_safetymonitor.moc"
