// The app's guided tour on 5 real nodes, four moments worth looking at: a calm cluster, an
// election in slow motion, a partitioned leader whose write cannot commit, and a killed node coming back.
// Each moment is checked (the scenario is a test of the whole app), and with RAFTLAB_SCREENSHOT_DIR set
// the window is saved as a PNG at each one: that is how the README's screenshots are made.
//
//   RAFTLAB_SCREENSHOT_DIR=resources/screenshots QT_QPA_PLATFORM=offscreen build/dev/tests/gui/tst_tour
#include "app/mainwindow.h"
#include "support/screenshots.h"
#include "views/cluster/clusterview.h"
#include "views/controls/clientpanel.h"
#include "views/panels/chartspanel.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

#include <optional>

using namespace raftlab;

namespace {

constexpr int deadlineMs = 30'000;

} // namespace

class TestTour : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void calmCluster();
    void electionInSlowMotion();
    void partitionedLeaderCannotCommit();
    void killedNodeComesBack();

private:
    ClusterModel *model() { return m_window->controller()->model(); }
    NodeId leader() { return model()->summary().leader; }
    void put(NodeId through, const QByteArray &key, const QByteArray &value);
    void typeInClientPanel(NodeId target, const QString &key, const QString &value);
    void save(const QString &name);

    std::unique_ptr<MainWindow> m_window;
};

void TestTour::initTestCase()
{
    GuiOptions options;
    options.nodeCount = 5;
    m_window = std::make_unique<MainWindow>(options);
    m_window->controller()->supervisor()->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    m_window->resize(1600, 1000);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    const QString error = m_window->startCluster();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(model()->summary().nodesUp, 5, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone(), deadlineMs);
}

void TestTour::cleanupTestCase()
{
    m_window.reset();
}

void TestTour::put(NodeId through, const QByteArray &key, const QByteArray &value)
{
    std::optional<NodeClient::KvResult> answer;
    m_window->controller()->client(through)->put(
        key, value, [&](const NodeClient::KvResult &result) { answer = result; });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), deadlineMs);
    QVERIFY2(answer->ok(), qPrintable(answer->message));
}

void TestTour::typeInClientPanel(NodeId target, const QString &key, const QString &value)
{
    ClientPanel *panel = m_window->clientPanel();
    panel->setTarget(target);
    panel->findChild<QLineEdit *>(QStringLiteral("key"))->setText(key);
    panel->findChild<QLineEdit *>(QStringLiteral("value"))->setText(value);
    panel->findChild<QPushButton *>(QStringLiteral("put"))->click();
}

void TestTour::save(const QString &name)
{
    if (!testing::screenshotsRequested())
        return;
    const QString path = testing::screenshotPath(name + QStringLiteral(".png"));
    QVERIFY2(m_window->grab().save(path), qPrintable(path));
    qInfo().noquote() << "saved" << path;
}

void TestTour::calmCluster()
{
    const NodeId first = leader();
    for (const NodeId id : model()->nodeIds()) {
        if (id != first)
            put(id, QByteArrayLiteral("x"), QByteArray::number(id.value));
    }
    typeInClientPanel(NodeId{}, QStringLiteral("colour"), QStringLiteral("blue"));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->clientPanel()->answerText().contains(QStringLiteral("committed")),
                             deadlineMs);
    // The no-op, four puts and the panel's: the model hears of the commit in its next frame.
    QTRY_VERIFY_WITH_TIMEOUT(model()->summary().leaderCommitIndex.value >= 6, deadlineMs);
    const LogIndex commit = model()->summary().leaderCommitIndex;
    for (const NodeId id : model()->nodeIds())
        QTRY_VERIFY_WITH_TIMEOUT(model()->log(id)->isCommitted(commit), deadlineMs);
    QCOMPARE(leader(), first);
    save(QStringLiteral("calm"));
}

void TestTour::electionInSlowMotion()
{
    m_window->speedAction(20)->trigger();
    for (const NodeId id : model()->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(model()->node(id)->heartbeatMs,
                                  m_window->controller()->speedSetting().heartbeatMs, deadlineMs);
    // The leader dies; at ×20 the followers' timers run for seconds, then a candidate's requests travel.
    const NodeId old = leader();
    QVERIFY(m_window->controller()->kill(old));
    const Term before = model()->node(old)->term;
    NodeId campaigner;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const NodeId id : model()->nodeIds()) {
                const NodeState *node = model()->node(id);
                if (node->role == Role::Candidate && node->term > before) {
                    campaigner = id;
                    return true;
                }
            }
            return false;
        }(),
        2 * deadlineMs);
    // Catch the votes on their way (the link delay at ×20 is a third of a second).
    QTRY_VERIFY_WITH_TIMEOUT(m_window->clusterView()->messageDotCount() > 0, deadlineMs);
    QTest::qWait(150);
    save(QStringLiteral("election-x20"));
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone() && leader() != old, 2 * deadlineMs);

    QVERIFY(m_window->controller()->restart(old));
    m_window->speedAction(1)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(model()->summary().nodesUp, 5, deadlineMs);
    for (const NodeId id : model()->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(model()->node(id)->heartbeatMs, ClusterConfig::defaultHeartbeatMs,
                                  deadlineMs);
}

void TestTour::partitionedLeaderCannotCommit()
{
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone(), deadlineMs);
    // At ×5 the cut-off leader keeps leading for most of a second (CheckQuorum waits an election timeout
    // before it steps down): time for the write to reach its log, also on a slow machine.
    m_window->speedAction(5)->trigger();
    for (const NodeId id : model()->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(model()->node(id)->heartbeatMs,
                                  m_window->controller()->speedSetting().heartbeatMs, deadlineMs);
    const NodeId old = leader();
    QVERIFY(!old.isNone());
    // The leader and one follower on one side, the other three on the other.
    std::vector<NodeId> minority{old}, majority;
    for (const NodeId id : model()->nodeIds()) {
        if (id == old)
            continue;
        (minority.size() < 2 ? minority : majority).push_back(id);
    }
    for (const NodeId a : minority) {
        for (const NodeId b : majority)
            m_window->controller()->setLinkCut(a, b, true);
    }
    for (const NodeId a : minority) {
        for (const NodeId b : majority)
            QTRY_VERIFY_WITH_TIMEOUT(m_window->clusterView()->isLinkDrawnCut(a, b), deadlineMs);
    }
    const LogIndex commitBefore = model()->node(old)->commitIndex;
    typeInClientPanel(old, QStringLiteral("stuck"), QStringLiteral("never"));
    // The majority elects a leader of a higher term and commits; the old leader's write stays uncommitted.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const NodeId id : majority) {
                if (model()->node(id)->isLeader())
                    return true;
            }
            return false;
        }(),
        deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(model()->node(old)->lastLogIndex > commitBefore, deadlineMs);
    put(majority.front(), QByteArrayLiteral("majority"), QByteArrayLiteral("wins"));
    QTest::qWait(500);
    QCOMPARE(model()->node(old)->commitIndex, commitBefore);
    save(QStringLiteral("partitioned-leader"));

    m_window->controller()->healAll();
    m_window->speedAction(1)->trigger();
    // The old leader steps down, its uncommitted entry is overwritten, and every log agrees again.
    QTRY_VERIFY_WITH_TIMEOUT(!model()->node(old)->isLeader(), deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(model()->node(old)->commitIndex == model()->summary().leaderCommitIndex,
                             deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->clientPanel()->answerText().contains(QStringLiteral("stuck")) ||
            !m_window->clientPanel()->answerText().contains(QStringLiteral("committed at")),
        deadlineMs);
}

void TestTour::killedNodeComesBack()
{
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone(), deadlineMs);
    NodeId victim;
    for (const NodeId id : model()->nodeIds()) {
        if (id != leader())
            victim = id;
    }
    QVERIFY(m_window->controller()->kill(victim));
    for (int i = 0; i < 20; ++i)
        put(leader(), "while-down-" + QByteArray::number(i), QByteArray::number(i));
    const LogIndex target = model()->summary().leaderCommitIndex;
    QVERIFY(m_window->controller()->restart(victim));
    QTRY_VERIFY_WITH_TIMEOUT(model()->node(victim)->connected, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(model()->node(victim)->commitIndex >= target, deadlineMs);
    QVERIFY(model()->log(victim)->isCommitted(target));
    save(QStringLiteral("killed-node-back"));

    // The same story over time: terms, commit indexes, client writes, the leaderless gap, the faults.
    for (QTabWidget *tabs : m_window->findChildren<QTabWidget *>()) {
        if (const int charts = tabs->indexOf(m_window->chartsPanel()); charts >= 0)
            tabs->setCurrentIndex(charts);
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_window->chartsPanel()->isVisible(), deadlineMs);
    QTest::qWait(600); // the charts refresh four times a second
    save(QStringLiteral("charts"));
}

QTEST_MAIN(TestTour)
#include "tst_tour.moc"
