// A simulation-only lesson in the simulated window: it plays on a run of its own cluster with the lesson
// panel and the caption, waits at its pause steps for Next, ticks what held, marks what it does in the
// feed like a click, and Previous replays it up to the step before. Another run in the window ends it.

#include "scenario/scenario.h"
#include "sim/simlessonsession.h"
#include "sim/simulationcontroller.h"
#include "views/controls/captionoverlay.h"
#include "views/controls/lessonpanel.h"
#include "views/sim/simulationwindow.h"

#include <QListWidget>
#include <QPushButton>
#include <QTest>

using namespace raftlab;
using namespace Qt::StringLiterals;
using scenario::StepResult;
using State = LessonProgress::State;

namespace {

const QString figure8 = QStringLiteral(":/scenarios/13-figure-8.json");

scenario::Scenario load(const QString &path)
{
    scenario::Scenario lesson;
    const QString error = scenario::loadScenario(path, lesson);
    if (!error.isEmpty())
        qFatal("%s", qPrintable(error));
    return lesson;
}

// The window on screen, with the lesson panel laid out: its buttons can be clicked.
void showAndLayOut(SimulationWindow &window)
{
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
}

void waitForPanel(SimulationWindow &window)
{
    QTRY_VERIFY(window.lessonPanel()->height() > 150 && window.lessonPanel()->nextButton()->height() > 10);
}

int failures(const LessonProgress &lesson)
{
    int failed = 0;
    for (const auto &result : lesson.results())
        failed += result && result->verdict == StepResult::Verdict::Failed ? 1 : 0;
    return failed;
}

} // namespace

class TestSimLesson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void figure8PlaysToTheEndWithEveryExpectationHeld();
    void aSentenceShowsOnlyOnceItsStepRuns();
    void previousReplaysUpToTheStepBefore();
    void theLessonsActionsAreMarkedInTheJournal();
    void aNewRunEndsTheLesson();
};

void TestSimLesson::figure8PlaysToTheEndWithEveryExpectationHeld()
{
    SimulationWindow window;
    showAndLayOut(window);
    QCOMPARE(window.startLesson(load(figure8)), QString());
    waitForPanel(window);
    SimLessonSession *lesson = window.lesson();
    QCOMPARE(int(lesson->state()), int(State::Waiting));
    QCOMPARE(lesson->currentIndex(), 1); // the first pause: before any message moved
    QVERIFY(window.lessonPanel()->isVisible());
    QVERIFY(window.caption()->isVisible());
    QVERIFY(window.caption()->text().contains(QStringLiteral("simulator")));
    QVERIFY(window.lessonPanel()->nextButton()->isEnabled());
    QVERIFY(window.windowTitle().contains(QStringLiteral("simulated")));

    int pauses = 0;
    while (lesson->state() == State::Waiting) {
        const int at = lesson->currentIndex();
        const std::uint64_t length = window.controller()->length();
        QTest::mouseClick(window.lessonPanel()->nextButton(), Qt::LeftButton);
        QVERIFY2(lesson->state() == State::Waiting || lesson->state() == State::Finished,
                 qPrintable(QStringLiteral("stuck at step %1").arg(lesson->currentIndex() + 1)));
        QVERIFY2(lesson->state() == State::Finished || lesson->currentIndex() > at,
                 qPrintable(QStringLiteral("at %1 then %2 state %3")
                                .arg(at)
                                .arg(lesson->currentIndex())
                                .arg(int(lesson->state()))));
        QVERIFY(window.controller()->length() >= length); // it went on along the same run
        ++pauses;
    }
    QCOMPARE(int(lesson->state()), int(State::Finished));
    QVERIFY(pauses >= 5);
    QCOMPARE(failures(*lesson), 0);
    int held = 0;
    for (const auto &result : lesson->results())
        held += result && result->verdict == StepResult::Verdict::Held ? 1 : 0;
    QVERIFY(held >= 5);
    QVERIFY(!window.controller()->violation());
    // The ticks are on the panel too.
    const QListWidget *steps = window.lessonPanel()->stepList();
    QCOMPARE(steps->count(), int(lesson->scenario().steps.size()));
    QVERIFY(steps->item(steps->count() - 1)->text().startsWith(QStringLiteral("✓")));
    QVERIFY(window.lessonPanel()->stepCounterText().contains(QStringLiteral("every expectation held")));
    // The timeline holds the whole lesson: back to its start and forward again.
    const std::uint64_t end = window.controller()->length();
    QVERIFY(end > 20);
    QVERIFY(window.controller()->seek(0));
    QVERIFY(window.controller()->seek(end));
}

void TestSimLesson::aSentenceShowsOnlyOnceItsStepRuns()
{
    SimulationWindow window;
    showAndLayOut(window);
    const scenario::Scenario figure = load(figure8);
    QCOMPARE(window.startLesson(figure), QString());
    waitForPanel(window);
    SimLessonSession *lesson = window.lesson();
    // The first pause is before narration (a "say" step): it changes nothing, so it is read meanwhile.
    QCOMPARE(lesson->currentIndex(), 1);
    QCOMPARE(lesson->caption(), figure.steps[1].say);
    QVERIFY2(window.caption()->text().contains(u"press Next"_s), qPrintable(window.caption()->text()));
    // The second pause is before a client's write: until Next, the screen does not say it was written.
    lesson->next();
    QCOMPARE(int(lesson->state()), int(State::Waiting));
    const int at = lesson->currentIndex();
    const scenario::Step &waited = figure.steps[std::size_t(at)];
    QVERIFY(std::holds_alternative<scenario::ClientWrite>(waited.action));
    QVERIFY(!waited.say.isEmpty());
    QVERIFY2(lesson->caption() != waited.say, qPrintable(lesson->caption()));
    QVERIFY2(!window.caption()->text().contains(waited.say.left(20).toHtmlEscaped()),
             qPrintable(window.caption()->text()));
    // The sentence on screen is the last one of a step that ran.
    int said = at - 1;
    while (said >= 0 && figure.steps[std::size_t(said)].say.isEmpty())
        --said;
    QVERIFY(said >= 0);
    QCOMPARE(lesson->caption(), figure.steps[std::size_t(said)].say);
    QVERIFY(lesson->heading().contains(u"press Next"_s));
    // Next runs it: its sentence comes with it (or with a later step's, if it ran on to the next pause).
    lesson->next();
    QVERIFY(lesson->currentIndex() > at);
    QVERIFY(!lesson->heading().contains(u"press Next"_s) || lesson->state() == State::Waiting);
    QVERIFY(lesson->results()[std::size_t(at)].has_value());
}

void TestSimLesson::previousReplaysUpToTheStepBefore()
{
    SimulationWindow window;
    showAndLayOut(window);
    QCOMPARE(window.startLesson(load(figure8)), QString());
    waitForPanel(window);
    SimLessonSession *lesson = window.lesson();
    lesson->next();
    lesson->next();
    QCOMPARE(int(lesson->state()), int(State::Waiting));
    const int at = lesson->currentIndex();
    QVERIFY(at > 2);
    const std::optional<StepResult> before = lesson->results()[std::size_t(at - 2)];
    QTest::mouseClick(window.lessonPanel()->previousButton(), Qt::LeftButton);
    QCOMPARE(int(lesson->state()), int(State::Waiting));
    QCOMPARE(lesson->currentIndex(), at - 1);
    // The steps before it ran again, on a fresh run, and showed the same.
    QVERIFY(lesson->results()[std::size_t(at - 2)].has_value());
    QCOMPARE(lesson->results()[std::size_t(at - 2)]->seen, before ? before->seen : QString());
    QVERIFY(!lesson->results()[std::size_t(at - 1)].has_value());
    QTest::mouseClick(window.lessonPanel()->restartButton(), Qt::LeftButton);
    QCOMPARE(lesson->currentIndex(), 1);
}

void TestSimLesson::theLessonsActionsAreMarkedInTheJournal()
{
    SimulationWindow window;
    QCOMPARE(window.startLesson(load(figure8)), QString());
    window.lesson()->next(); // the timeout of node 1, the advance, the expectation: up to the write
    QStringList markers;
    for (const SimulationController::JournalEntry &entry : window.controller()->journal()) {
        if (entry.event.value(QStringLiteral("type")).toString() == QStringLiteral("raftlab.marker"))
            markers << entry.event.value(QStringLiteral("text")).toString();
    }
    QVERIFY2(markers.size() >= 2, qPrintable(markers.join(QStringLiteral(" | "))));
    QVERIFY(markers.first().startsWith(QStringLiteral("Lesson step 3")));
    // Expectations only look: no marker of theirs.
    for (const QString &marker : markers)
        QVERIFY2(!marker.contains(QStringLiteral("expect")), qPrintable(marker));
}

void TestSimLesson::aNewRunEndsTheLesson()
{
    SimulationWindow window;
    window.show();
    QCOMPARE(window.startLesson(load(figure8)), QString());
    QVERIFY(window.lessonPanel()->isVisible());
    sim::SimulatedClusterConfig config;
    config.nodes = 3;
    QCOMPARE(window.start(config, 3), QString());
    QCOMPARE(int(window.lesson()->state()), int(State::Idle));
    QVERIFY(window.lessonPanel()->isHidden());
    QVERIFY(window.caption()->isHidden());
    QVERIFY(window.controller()->step()); // the new run is the user's
}

QTEST_MAIN(TestSimLesson)
#include "tst_simlesson.moc"
