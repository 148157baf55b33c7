// The /events stream's vote events say whether the candidate heard an answer: a node under a leader's
// lease ignores a (pre-)vote request without answering, and a viewer must not call that a refusal.
#include "http/eventjson.h"

#include <QTest>

using namespace raftlab;

class TestEventJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aVoteEventSaysWhetherItWasAnswered_data();
    void aVoteEventSaysWhetherItWasAnswered();
};

void TestEventJson::aVoteEventSaysWhetherItWasAnswered_data()
{
    QTest::addColumn<EventType>("type");
    QTest::addColumn<bool>("unanswered");
    QTest::addColumn<bool>("granted");
    QTest::newRow("granted") << EventType::VoteGranted << false << true;
    QTest::newRow("refused, answered") << EventType::VoteRefused << false << false;
    QTest::newRow("ignored under a lease") << EventType::VoteRefused << true << false;
}

void TestEventJson::aVoteEventSaysWhetherItWasAnswered()
{
    QFETCH(EventType, type);
    QFETCH(bool, unanswered);
    QFETCH(bool, granted);
    const Event event{.type = type,
                      .node = NodeId{2},
                      .term = Term{3},
                      .peer = NodeId{4},
                      .otherPeer = NodeId{1},
                      .preVote = true,
                      .unanswered = unanswered};
    const QJsonObject json = coreEventJson(event, 1234);
    QCOMPARE(json.value(QStringLiteral("node")).toInteger(), 2);
    QCOMPARE(json.value(QStringLiteral("candidate")).toInteger(), 4);
    QCOMPARE(json.value(QStringLiteral("granted")).toBool(true), granted);
    QCOMPARE(json.value(QStringLiteral("prevote")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("voted_for")).toInteger(), 1);
    QVERIFY(json.value(QStringLiteral("answered")).isBool());
    QCOMPARE(json.value(QStringLiteral("answered")).toBool(), !unanswered);
}

QTEST_GUILESS_MAIN(TestEventJson)
#include "tst_eventjson.moc"
