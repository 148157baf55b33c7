// VoteTally (the answers a candidate has had) and quorumMatchIndex (the commit candidate).

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "core/voteresult.h"
#include "corecluster.h"
#endif

#include <QTest>

using namespace raftlab;

namespace {

std::vector<NodeId> voters(int count)
{
    std::vector<NodeId> ids;
    for (int i = 1; i <= count; ++i)
        ids.push_back(NodeId(static_cast<std::uint32_t>(i)));
    return ids;
}

} // namespace

class TestVoteResult : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void majority_data();
    void majority();
    void result_data();
    void result();
    void firstAnswerCounts();
    void strangersDoNotCount();
    void quorumMatchIndex_data();
    void quorumMatchIndex();
};

void TestVoteResult::majority_data()
{
    QTest::addColumn<int>("members");
    QTest::addColumn<int>("majority");
    QTest::newRow("1") << 1 << 1;
    QTest::newRow("2") << 2 << 2;
    QTest::newRow("3") << 3 << 2;
    QTest::newRow("4") << 4 << 3;
    QTest::newRow("5") << 5 << 3;
    QTest::newRow("7") << 7 << 4;
}

void TestVoteResult::majority()
{
    QFETCH(int, members);
    QFETCH(int, majority);
    QCOMPARE(majorityOf(members), majority);
}

void TestVoteResult::result_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("answers"); // of nodes 1, 2, ...: y granted, n refused, - none
    QTest::addColumn<int>("result");
    const auto row = [](int size, const char *answers, VoteResult result) {
        QTest::newRow(qPrintable(QStringLiteral("%1: '%2'").arg(size).arg(QLatin1String(answers))))
            << size << QString::fromLatin1(answers) << int(result);
    };
    row(1, "y", VoteResult::Won);
    row(1, "-", VoteResult::Pending);
    row(1, "n", VoteResult::Lost);
    row(3, "y--", VoteResult::Pending);
    row(3, "yy-", VoteResult::Won);
    row(3, "yn-", VoteResult::Pending);
    row(3, "ynn", VoteResult::Lost);
    row(4, "yy--", VoteResult::Pending); // 2 of 4 is no majority
    row(4, "yyy-", VoteResult::Won);
    row(4, "ynn-", VoteResult::Lost); // 3 can no longer be reached
    row(4, "yn--", VoteResult::Pending);
    row(5, "yy---", VoteResult::Pending);
    row(5, "yyy--", VoteResult::Won);
    row(5, "ynn--", VoteResult::Pending);
    row(5, "ynnn-", VoteResult::Lost);
}

void TestVoteResult::result()
{
    QFETCH(int, size);
    QFETCH(QString, answers);
    QFETCH(int, result);
    VoteTally tally;
    int yes = 0;
    int no = 0;
    for (int i = 0; i < answers.size(); ++i) {
        if (answers[i] == QLatin1Char('-'))
            continue;
        const bool granted = answers[i] == QLatin1Char('y');
        QVERIFY2(tally.record(NodeId(static_cast<std::uint32_t>(i + 1)), granted), "first answer");
        (granted ? yes : no) += 1;
    }
    QCOMPARE(int(tally.result(voters(size))), result);
    QCOMPARE(tally.granted(), yes);
    QCOMPARE(tally.refused(), no);
}

void TestVoteResult::firstAnswerCounts()
{
    VoteTally tally;
    QVERIFY2(tally.record(NodeId(2), true), "2 answers");
    QVERIFY2(!tally.record(NodeId(2), true), "a duplicate is refused");
    QVERIFY2(!tally.record(NodeId(2), false), "a changed answer is refused too");
    QCOMPARE(tally.granted(), 1);
    QCOMPARE(tally.refused(), 0);
    QCOMPARE(tally.answerOf(NodeId(2)), std::optional(true));
    QCOMPARE(tally.answerOf(NodeId(3)), std::optional<bool>{});
    QVERIFY2(tally.hasAnswered(NodeId(2)) && !tally.hasAnswered(NodeId(3)), "hasAnswered");
    // In a cluster of 5, one grant twice is still one: no majority.
    QCOMPARE(int(tally.result(voters(5))), int(VoteResult::Pending));

    tally.reset();
    QVERIFY2(!tally.hasAnswered(NodeId(2)) && tally.granted() == 0, "reset forgets every answer");
}

void TestVoteResult::strangersDoNotCount()
{
    VoteTally tally;
    tally.record(NodeId(1), true);
    tally.record(NodeId(8), true);
    tally.record(NodeId(9), true);
    QCOMPARE(int(tally.result(voters(3))), int(VoteResult::Pending)); // 8 and 9 are not voters
}

void TestVoteResult::quorumMatchIndex_data()
{
    QTest::addColumn<QList<int>>("matches");
    QTest::addColumn<int>("index");
    QTest::newRow("no voters") << QList<int>{} << 0;
    QTest::newRow("alone") << QList<int>{5} << 5;
    QTest::newRow("3: sorted") << QList<int>{1, 2, 3} << 2;
    QTest::newRow("3: unsorted") << QList<int>{3, 1, 2} << 2;
    QTest::newRow("3: two equal") << QList<int>{4, 4, 1} << 4;
    QTest::newRow("3: leader alone ahead") << QList<int>{9, 0, 0} << 0;
    QTest::newRow("4: needs three") << QList<int>{1, 2, 3, 4} << 2;
    QTest::newRow("5: three hold 5") << QList<int>{5, 1, 1, 5, 5} << 5;
    QTest::newRow("5: two hold 7") << QList<int>{7, 7, 3, 2, 1} << 3;
}

void TestVoteResult::quorumMatchIndex()
{
    QFETCH(QList<int>, matches);
    QFETCH(int, index);
    std::vector<LogIndex> indexes;
    for (int match : matches)
        indexes.push_back(LogIndex(std::uint64_t(match)));
    QCOMPARE(raftlab::quorumMatchIndex(indexes), LogIndex(std::uint64_t(index)));
}

QTEST_GUILESS_MAIN(TestVoteResult)
#include "tst_voteresult.moc"
