// The client panel in the simulated window: a put or a get goes to the simulated cluster as a choice of
// the run and is answered in virtual time, when its entry is applied or its read served; a request to a
// follower is told who leads; the simulated clients refuse a delete; every request is recorded in the
// history as a real cluster's are; moving the timeline back before a waiting request records it unknown.

#include "sim/simclientsession.h"
#include "sim/simulationcontroller.h"
#include "views/controls/clientpanel.h"
#include "views/controls/requesthistorymodel.h"
#include "views/sim/simulationwindow.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

using namespace raftlab;
using check::OpKind;
using check::OpResult;

namespace {

void type(ClientPanel *panel, const QString &key, const QString &value)
{
    panel->findChild<QLineEdit *>(QStringLiteral("key"))->setText(key);
    panel->findChild<QLineEdit *>(QStringLiteral("value"))->setText(value);
}

void click(ClientPanel *panel, const QString &button)
{
    QTest::mouseClick(panel->findChild<QPushButton *>(button), Qt::LeftButton);
}

// Steps until every request is answered (at most `steps` steps).
bool answered(SimulationWindow &window, int steps = 2000)
{
    for (int i = 0; i < steps && window.clients()->inFlight() > 0; ++i)
        window.controller()->step();
    return window.clients()->inFlight() == 0;
}

NodeId electLeader(SimulationWindow &window)
{
    for (int i = 0; i < 5000 && !window.controller()->cluster()->leader(); ++i)
        window.controller()->step();
    return window.controller()->cluster()->leader().value_or(NodeId{});
}

} // namespace

class TestSimClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aPutAndAGetAreAnsweredInVirtualTime();
    void aFollowerSaysWhoLeadsAndADeleteIsRefused();
    void movingBackBeforeAWaitingRequestRecordsItUnknown();
    void movingBackBeforeAnAnswerTakesItOffThePanel();
};

void TestSimClients::aPutAndAGetAreAnsweredInVirtualTime()
{
    SimulationWindow window;
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    QCOMPARE(window.start(config, 7), QString());
    ClientPanel *panel = window.clientPanel();
    QCOMPARE(panel->findChild<QComboBox *>(QStringLiteral("target"))->count(), 4); // any node, 1, 2, 3
    QVERIFY(!electLeader(window).isNone());

    type(panel, QStringLiteral("x"), QStringLiteral("1"));
    const std::uint64_t before = window.controller()->position();
    click(panel, QStringLiteral("put"));
    QCOMPARE(window.clients()->inFlight(), 1); // nothing happens until virtual time moves
    QCOMPARE(window.controller()->cluster()->choices().back().kind, sim::Choice::Kind::Put);
    QVERIFY(answered(window));
    QVERIFY(window.controller()->position() > before);
    QVERIFY2(panel->answerText().contains(QStringLiteral("200")) ||
                 panel->answerText().contains(QStringLiteral("index")),
             qPrintable(panel->answerText()));

    click(panel, QStringLiteral("get"));
    QVERIFY(answered(window));
    const check::History &history = window.clients()->history()->history();
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).kind, OpKind::Put);
    QCOMPARE(history.at(0).result, OpResult::Ok);
    QCOMPARE(history.at(1).kind, OpKind::Get);
    QCOMPARE(history.at(1).result, OpResult::Ok);
    QCOMPARE(history.at(1).value, std::optional<QString>(QStringLiteral("1")));
    // On the virtual clock: the answer came after the request, in virtual microseconds.
    QVERIFY(*history.at(0).completeUs > history.at(0).invokeUs);
}

void TestSimClients::aFollowerSaysWhoLeadsAndADeleteIsRefused()
{
    SimulationWindow window;
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    QCOMPARE(window.start(config, 7), QString());
    const NodeId leader = electLeader(window);
    QVERIFY(!leader.isNone());
    const NodeId follower(leader.value % 3 + 1);
    ClientPanel *panel = window.clientPanel();
    panel->setTarget(follower);
    type(panel, QStringLiteral("x"), QStringLiteral("1"));
    click(panel, QStringLiteral("put"));
    QCOMPARE(window.clients()->inFlight(), 0); // answered at once
    QVERIFY2(panel->answerText().contains(QStringLiteral("503")), qPrintable(panel->answerText()));
    QVERIFY2(panel->answerText().contains(QStringLiteral("node %1").arg(leader.value)),
             qPrintable(panel->answerText()));
    QCOMPARE(window.clients()->history()->history().at(0).result, OpResult::Fail);

    panel->setTarget(leader);
    click(panel, QStringLiteral("delete"));
    QVERIFY2(panel->answerText().contains(QStringLiteral("only put and get")),
             qPrintable(panel->answerText()));
}

void TestSimClients::movingBackBeforeAWaitingRequestRecordsItUnknown()
{
    SimulationWindow window;
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    QCOMPARE(window.start(config, 9), QString());
    QVERIFY(!electLeader(window).isNone());
    const std::uint64_t before = window.controller()->position();
    type(window.clientPanel(), QStringLiteral("y"), QStringLiteral("2"));
    click(window.clientPanel(), QStringLiteral("put"));
    QCOMPARE(window.clients()->inFlight(), 1);
    QVERIFY(window.controller()->seek(before));
    QCOMPARE(window.clients()->inFlight(), 0);
    QCOMPARE(window.clients()->history()->history().at(0).result, OpResult::Unknown);
}

void TestSimClients::movingBackBeforeAnAnswerTakesItOffThePanel()
{
    // Rewound to before the write committed, the panel still said "committed at index 2" beside a log
    // that showed the entry not yet committed: an answer from the future.
    SimulationWindow window;
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    QCOMPARE(window.start(config, 7), QString());
    QVERIFY(!electLeader(window).isNone());
    ClientPanel *panel = window.clientPanel();
    type(panel, QStringLiteral("x"), QStringLiteral("1"));
    const std::uint64_t before = window.controller()->position();
    click(panel, QStringLiteral("put"));
    QVERIFY(answered(window));
    const std::uint64_t answeredAt = window.controller()->position();
    QVERIFY2(panel->answerText().contains(QStringLiteral("index")), qPrintable(panel->answerText()));
    QCOMPARE(panel->requestHistory()->rowCount(), 1);

    QVERIFY(window.controller()->step(3));
    QVERIFY(window.controller()->seek(answeredAt)); // the moment it was answered: it stays
    QVERIFY2(panel->answerText().contains(QStringLiteral("index")), qPrintable(panel->answerText()));
    QVERIFY(window.controller()->seek(before));
    QVERIFY2(panel->answerText().trimmed().isEmpty(), qPrintable(panel->answerText()));
    QCOMPARE(panel->requestHistory()->rowCount(), 0);
}

QTEST_MAIN(TestSimClients)
#include "tst_simclients.moc"
