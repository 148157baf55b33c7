// The panels both windows show, bound once (gui/bindings): the client panel's intents reach whatever
// sends the requests, real or simulated, and its answers come back to the panel; the lesson panel's
// buttons and the Page Down / Page Up keys reach whichever lesson plays. Fakes stand in for the clusters:
// what is checked is the wiring, not a cluster.
#include "bindings/clientpanelbinding.h"
#include "bindings/lessonpanelbinding.h"
#include "model/clienthistory.h"
#include "model/clientrequests.h"
#include "model/clustermodel.h"
#include "model/lessonprogress.h"
#include "views/controls/clientpanel.h"
#include "views/controls/lessonpanel.h"

#include <QAction>
#include <QPushButton>
#include <QTest>

#include <algorithm>
#include <vector>

using namespace raftlab;

namespace {

// Sends nothing: it notes what it was asked and answers when the test says so.
class RecordingRequests final : public ClientRequests
{
public:
    RecordingRequests()
        : ClientRequests(&m_ownHistory, nullptr)
    { }

    int inFlight() const override { return 0; }
    NodeId send(KvRequest request, NodeId target) override
    {
        sent.push_back({request, target});
        return target;
    }

    struct Sent
    {
        KvRequest request;
        NodeId target;
    };
    std::vector<Sent> sent;

private:
    ClientHistory m_ownHistory;
};

// Plays nothing: each launch is noted and leaves the lesson waiting at its first step.
class RecordingLesson final : public LessonProgress
{
public:
    bool isSimulated() const override { return true; }
    void next() override { ++nextCount; }
    void stop() override
    {
        ++stopCount;
        setState(State::Idle);
    }

    std::vector<int> launches;
    int nextCount = 0;
    int stopCount = 0;

protected:
    void launch(int fastForwardTo) override
    {
        launches.push_back(fastForwardTo);
        setState(State::Waiting);
    }
};

} // namespace

class TestPanelBindings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aRequestOfThePanelReachesTheRequests();
    void anAnswerReachesThePanel();
    void withoutALoadGeneratorTheLoadControlsAreHidden();
    void theLessonButtonsReachTheLesson();
    void restartAndPreviousWaitForAnActiveLesson();
    void pageDownAndPageUpStepTheLesson();
};

void TestPanelBindings::aRequestOfThePanelReachesTheRequests()
{
    ClusterModel model;
    ClientPanel panel(&model);
    RecordingRequests requests;
    bindClientPanel(&panel, &requests);

    KvRequest put;
    put.operation = KvOperation::Put;
    put.key = QByteArray("x");
    put.value = QByteArray("1");
    Q_EMIT panel.requestWanted(put, NodeId(2));
    QCOMPARE(requests.sent.size(), std::size_t(1));
    QCOMPARE(requests.sent.front().request.key, QByteArray("x"));
    QCOMPARE(requests.sent.front().target, NodeId(2));
}

void TestPanelBindings::anAnswerReachesThePanel()
{
    ClusterModel model;
    ClientPanel panel(&model);
    RecordingRequests requests;
    bindClientPanel(&panel, &requests);
    const QString before = panel.answerText();

    KvRequest get;
    get.operation = KvOperation::Get;
    get.key = QByteArray("k");
    Q_EMIT requests.requestRefused(get, NodeId(7));
    QVERIFY2(panel.answerText() != before, qPrintable(panel.answerText()));
}

void TestPanelBindings::withoutALoadGeneratorTheLoadControlsAreHidden()
{
    ClusterModel model;
    ClientPanel panel(&model);
    RecordingRequests requests;
    bindClientPanel(&panel, &requests);
    auto *load = panel.findChild<QWidget *>(QStringLiteral("loadGenerator"));
    QVERIFY(load);
    QVERIFY2(load->isHidden(), "nobody runs a load: its controls would do nothing");
}

void TestPanelBindings::theLessonButtonsReachTheLesson()
{
    RecordingLesson lesson;
    LessonPanel panel(&lesson);
    bindLessonPanel(&panel, &lesson);
    lesson.start(scenario::Scenario{});
    QCOMPARE(lesson.launches, std::vector<int>{0});

    panel.nextButton()->click();
    QCOMPARE(lesson.nextCount, 1);
    panel.restartButton()->click();
    QCOMPARE(lesson.launches, (std::vector<int>{0, 0}));
    // The button is disabled before a step ran; its intent, when it comes, replays to the first pause.
    Q_EMIT panel.previousRequested();
    QCOMPARE(lesson.launches, (std::vector<int>{0, 0, 0}));
    const QList<QPushButton *> buttons = panel.findChildren<QPushButton *>();
    const auto close = std::find_if(buttons.begin(), buttons.end(), [&panel](QPushButton *button) {
        return button != panel.nextButton() && button != panel.previousButton() &&
            button != panel.restartButton();
    });
    QVERIFY(close != buttons.end());
    (*close)->click();
    QCOMPARE(lesson.stopCount, 1);
    QVERIFY(!lesson.isActive());
}

void TestPanelBindings::restartAndPreviousWaitForAnActiveLesson()
{
    RecordingLesson lesson;
    lesson.restart();
    lesson.previous();
    QVERIFY2(lesson.launches.empty(), "no lesson plays: there is nothing to play again");
}

void TestPanelBindings::pageDownAndPageUpStepTheLesson()
{
    RecordingLesson lesson;
    QObject owner;
    const QList<QAction *> actions = lessonStepActions(&lesson, &owner);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions[0]->shortcut(), QKeySequence(Qt::Key_PageDown));
    QCOMPARE(actions[1]->shortcut(), QKeySequence(Qt::Key_PageUp));
    lesson.start(scenario::Scenario{});
    actions[0]->trigger();
    QCOMPARE(lesson.nextCount, 1);
    actions[1]->trigger();
    QCOMPARE(lesson.launches, (std::vector<int>{0, 0}));
}

QTEST_MAIN(TestPanelBindings)
#include "tst_panelbindings.moc"
