// The lesson player in the window, on real nodes: the shipped lessons are in the Lessons menu; a lesson
// starts its own cluster, shows each sentence as a caption over the ring, waits at pause steps for
// Next, ticks what held, and Previous replays a fresh cluster up to the step before.
#include "app/mainwindow.h"
#include "cluster/lessonsession.h"
#include "sim/simlessonsession.h"
#include "views/controls/captionoverlay.h"
#include "views/controls/clientpanel.h"
#include "views/controls/lessonpanel.h"
#include "views/controls/requesthistorymodel.h"
#include "views/sim/simulationwindow.h"

#include <QApplication>
#include <QDir>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <map>

using namespace raftlab;

namespace {
constexpr int deadlineMs = 90'000; // a loaded 2-core machine starts five nodes slowly
const QString firstLesson = QStringLiteral(":/scenarios/01-first-election.json");
} // namespace

class TestLessonPlayer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void theShippedLessonsAreInTheMenu();
    void aSimulatedLessonOpensASimulatedWindow();
    void aLessonWaitsForNextAndTicksWhatHeld();
    void previousReplaysUpToTheStepBefore();
    void aBadScenarioFileIsRefusedWithItsStepNamed();

private:
    std::unique_ptr<MainWindow> m_window;
};

void TestLessonPlayer::init()
{
    GuiOptions options;
    m_window = std::make_unique<MainWindow>(options);
    ClusterSupervisor *supervisor = m_window->controller()->supervisor();
    supervisor->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    supervisor->setExtraNodeArguments({QStringLiteral("--fsync"), QStringLiteral("never")});
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestLessonPlayer::cleanup()
{
    m_window.reset();
}

void TestLessonPlayer::theShippedLessonsAreInTheMenu()
{
    const std::vector<LessonFile> lessons = LessonSession::shippedLessons();
    QVERIFY(lessons.size() >= 10);
    QMenu *menu = nullptr;
    for (QAction *action : m_window->menuBar()->actions()) {
        if (action->text() == QStringLiteral("&Lessons"))
            menu = action->menu();
    }
    QVERIFY(menu);
    std::map<QString, QAction *> actions;
    for (QAction *action : menu->actions())
        actions[action->text()] = action;
    for (const LessonFile &lesson : lessons) {
        // A simulation-only lesson says so, and plays in a simulated window: none is greyed out.
        const QString title = lesson.scenario.simulationOnly
            ? QStringLiteral("%1 (simulated)").arg(lesson.scenario.title)
            : lesson.scenario.title;
        QVERIFY2(actions.count(title) == 1, qPrintable(title));
        QVERIFY(actions[title]->isEnabled());
        QVERIFY(!lesson.scenario.summary.isEmpty());
    }
}

void TestLessonPlayer::aSimulatedLessonOpensASimulatedWindow()
{
    const auto simulatedWindows = [] {
        QList<SimulationWindow *> windows;
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (auto *window = qobject_cast<SimulationWindow *>(widget))
                windows << window;
        }
        return windows;
    };
    QCOMPARE(simulatedWindows().size(), 0);
    QVERIFY(m_window->startLesson(QStringLiteral(":/scenarios/13-figure-8.json")).isEmpty());
    const QList<SimulationWindow *> windows = simulatedWindows();
    QCOMPARE(windows.size(), 1);
    QCOMPARE(int(windows.first()->lesson()->state()), int(LessonProgress::State::Waiting));
    QVERIFY(windows.first()->isVisible());
    // The real cluster's window plays no lesson meanwhile.
    QVERIFY(!m_window->lessons()->isActive());
    delete windows.first();
}

void TestLessonPlayer::aLessonWaitsForNextAndTicksWhatHeld()
{
    // An answer from the cluster before the lesson: its index, term and leader are not the lesson's.
    ClientPanel *client = m_window->clientPanel();
    KvRequest put;
    put.operation = KvOperation::Put;
    put.key = "x";
    put.value = "hello";
    KvResult written;
    written.httpStatus = 200;
    written.index = 2;
    written.term = 1;
    client->showSent(1, put, NodeId(1));
    client->showAnswered(1, put, written, NodeId(1));
    QVERIFY2(client->answerText().contains(QStringLiteral("index 2")), qPrintable(client->answerText()));
    QCOMPARE(client->requestHistory()->rowCount(), 1);

    QVERIFY(m_window->startLesson(firstLesson).isEmpty());
    QTRY_VERIFY2(client->answerText().trimmed().isEmpty(), qPrintable(client->answerText()));
    QCOMPARE(client->requestHistory()->rowCount(), 0);
    LessonSession *session = m_window->lessons();
    LessonPanel *panel = m_window->lessonPanel();
    QVERIFY(panel->isVisible());
    // Step 5 is marked "pause": the lesson stops before it. Its sentence comes with Next; meanwhile the
    // ring keeps the sentence of the step that ran, and says that the lesson waits.
    QTRY_COMPARE_WITH_TIMEOUT(int(session->state()), int(LessonSession::State::Waiting), deadlineMs);
    QCOMPARE(session->currentIndex(), 4);
    QVERIFY(panel->nextButton()->isEnabled());
    // The name step 4 gave the leader is told as the node it stands for, the one that step saw lead.
    const QRegularExpressionMatch counter =
        QRegularExpression(
            QStringLiteral("^Step 5 of 9: expect L1 to be leader \\(L1 is node (\\d)\\) — press Next$"))
            .match(panel->stepCounterText());
    QVERIFY2(counter.hasMatch(), qPrintable(panel->stepCounterText()));
    QVERIFY(session->results().at(3));
    QVERIFY2(
        session->results().at(3)->seen.contains(QStringLiteral("node %1 leads").arg(counter.captured(1))),
        qPrintable(session->results().at(3)->seen));
    QVERIFY(m_window->caption()->isVisible());
    QVERIFY2(m_window->caption()->text().contains(QStringLiteral("A majority of votes")),
             qPrintable(m_window->caption()->text()));
    QVERIFY2(!m_window->caption()->text().contains(QStringLiteral("We have a leader")),
             qPrintable(m_window->caption()->text()));
    QVERIFY2(m_window->caption()->text().contains(QStringLiteral("press Next")),
             qPrintable(m_window->caption()->text()));
    QVERIFY2(m_window->caption()->text().contains(QStringLiteral("Nobody leads yet")),
             "the chapter title too");

    // At 1280x800 the list shows the steps around the one waited at, ticks and all: the column serves
    // the lesson's steps before the client's table and load generator (it gave them none before).
    {
        const QListWidget *steps = panel->stepList();
        QTRY_VERIFY(steps->isVisible());
        int wholeRows = 0;
        for (int row = 0; row < steps->count(); ++row)
            wholeRows += steps->viewport()->rect().contains(steps->visualItemRect(steps->item(row))) ? 1 : 0;
        QVERIFY2(wholeRows >= 4,
                 qPrintable(QStringLiteral("%1 steps in view: the list %2 px, a row %3 px")
                                .arg(wholeRows)
                                .arg(steps->viewport()->height())
                                .arg(steps->sizeHintForRow(0))));
    }

    // On a 1024x768 projector the panel's title, chapter, counter and buttons stay whole, one under the
    // other: the column gives the lesson at least what they need (the list of steps scrolls).
    m_window->projectorAction()->setChecked(true);
    m_window->resize(1024, 768);
    QTRY_COMPARE(m_window->size(), QSize(1024, 768));
    QTest::qWait(50);
    std::vector<std::pair<QString, QRect>> parts;
    for (const char *name :
         {"lessonTitle", "lessonCounter", "lessonPrevious", "lessonNext", "lessonRestart", "lessonClose"}) {
        const auto *part = panel->findChild<QWidget *>(QString::fromLatin1(name));
        QVERIFY2(part && part->isVisible(), name);
        const int needed = part->hasHeightForWidth() ? part->heightForWidth(part->width())
                                                     : part->minimumSizeHint().height();
        QVERIFY2(part->height() >= needed,
                 qPrintable(QStringLiteral("%1: %2 px of %3")
                                .arg(QString::fromLatin1(name))
                                .arg(part->height())
                                .arg(needed)));
        if (const auto *button = qobject_cast<const QPushButton *>(part)) {
            const int textWidth = QFontMetrics(button->font()).horizontalAdvance(button->text());
            QVERIFY2(button->width() >= textWidth + 8,
                     qPrintable(QStringLiteral("%1: %2 px wide, its text %3")
                                    .arg(QString::fromLatin1(name))
                                    .arg(button->width())
                                    .arg(textWidth)));
        }
        const QRect inPanel(part->mapTo(panel, QPoint()), part->size());
        QVERIFY2(panel->rect().contains(inPanel), name);
        for (const auto &[other, rect] : parts)
            QVERIFY2(!rect.intersects(inPanel), qPrintable(QString::fromLatin1(name) + " over " + other));
        parts.emplace_back(QString::fromLatin1(name), inPanel);
    }
    // And the client beside it keeps its request part in view: where to send, the key and the value, the
    // buttons. (Its answer may need the column scrolled: the lesson's words come first.)
    {
        ClientPanel *client = m_window->clientPanel();
        auto *scroll = qobject_cast<QScrollArea *>(client->parentWidget()->parentWidget());
        QVERIFY(scroll);
        for (const char *name : {"target", "key", "value", "put", "get", "delete"}) {
            const auto *part = client->findChild<QWidget *>(QString::fromLatin1(name));
            QVERIFY2(part, name);
            const QRect inViewport(part->mapTo(scroll->viewport(), QPoint()), part->size());
            QVERIFY2(scroll->viewport()->rect().contains(inViewport),
                     qPrintable(QStringLiteral("%1 at %2..%3, the client's view 0..%4")
                                    .arg(QString::fromLatin1(name))
                                    .arg(inViewport.top())
                                    .arg(inViewport.bottom())
                                    .arg(scroll->viewport()->height())));
        }
    }
    m_window->projectorAction()->setChecked(false);
    m_window->resize(1280, 800);

    // Next, until the end: every expectation of the first lesson holds on a healthy cluster.
    QTest::mouseClick(panel->nextButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(session->state() == LessonSession::State::Waiting ||
                                 session->state() == LessonSession::State::Finished,
                             deadlineMs);
    QVERIFY(session->currentIndex() > 4);
    while (session->state() == LessonSession::State::Waiting) {
        QTest::mouseClick(panel->nextButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(session->state() != LessonSession::State::Running, deadlineMs);
    }
    QCOMPARE(int(session->state()), int(LessonSession::State::Finished));
    QCOMPARE(panel->stepCounterText(), QStringLiteral("Finished: every expectation held."));
    int ticks = 0;
    for (int i = 0; i < panel->stepList()->count(); ++i)
        ticks += panel->stepList()->item(i)->text().startsWith(QStringLiteral("✓")) ? 1 : 0;
    QCOMPARE(ticks, 5); // wait_leader, role_of, term_unchanged_for_ms, the put, value_on_all

    // The lesson played on a cluster of its own: the title names the lesson and that cluster's workspace
    // (not the one the app was started with); closed, the title keeps the cluster, which keeps running,
    // and the status bar says so.
    const QString workspace = QDir::toNativeSeparators(m_window->controller()->supervisor()->workspaceDir());
    QVERIFY(!workspace.isEmpty());
    QVERIFY2(
        m_window->windowTitle().contains(QStringLiteral("lesson 1. The first election on 5 local nodes")),
        qPrintable(m_window->windowTitle()));
    QVERIFY2(m_window->windowTitle().contains(workspace), qPrintable(m_window->windowTitle()));
    QTest::mouseClick(panel->findChild<QPushButton *>(QStringLiteral("lessonClose")), Qt::LeftButton);
    QTRY_VERIFY(!session->isActive());
    QVERIFY2(!m_window->windowTitle().contains(QStringLiteral("lesson")),
             qPrintable(m_window->windowTitle()));
    QVERIFY2(m_window->windowTitle().contains(workspace), qPrintable(m_window->windowTitle()));
    QVERIFY2(m_window->statusBar()->currentMessage().contains(
                 QStringLiteral("The lesson's cluster keeps running")),
             qPrintable(m_window->statusBar()->currentMessage()));
}

void TestLessonPlayer::previousReplaysUpToTheStepBefore()
{
    QVERIFY(m_window->startLesson(firstLesson).isEmpty());
    LessonSession *session = m_window->lessons();
    QTRY_COMPARE_WITH_TIMEOUT(int(session->state()), int(LessonSession::State::Waiting), deadlineMs);
    session->next();
    // The second pause: before step 8.
    QTRY_VERIFY_WITH_TIMEOUT(
        session->state() == LessonSession::State::Waiting && session->currentIndex() == 7, deadlineMs);
    QTest::mouseClick(m_window->lessonPanel()->previousButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        session->state() == LessonSession::State::Waiting && session->currentIndex() == 6, deadlineMs);
    // Replayed on a fresh cluster, past the first pause: the steps before ran again and held, the rest
    // has not run.
    QVERIFY(session->results()[5].has_value());
    QVERIFY(session->results()[5]->verdict == scenario::StepResult::Verdict::Held);
    QVERIFY(!session->results()[6].has_value());
}

void TestLessonPlayer::aBadScenarioFileIsRefusedWithItsStepNamed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"title":"t","steps":[{"do":"heal"},{"do":"kill"}]})");
    file.close();
    // The warning box is modal: close it as soon as it shows.
    QTimer::singleShot(0, this, [] {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (auto *box = qobject_cast<QMessageBox *>(widget))
                box->accept();
        }
    });
    const QString error = m_window->startLesson(path);
    QVERIFY2(error.contains(QStringLiteral("step 2 (kill): field 'node': is required")), qPrintable(error));
    QVERIFY(!m_window->lessons()->isActive());
}

QTEST_MAIN(TestLessonPlayer)
#include "tst_lessonplayer.moc"
