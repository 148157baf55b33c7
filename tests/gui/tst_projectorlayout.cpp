// The main window on a 1024x768 projector, without nodes (the layout does not need them): in projector
// mode the ring is the largest thing on the screen and the text readable from the back row; no tool bar
// action hides behind the » extension; the panels fold away; the presentation layout shows the ring
// alone with a caption line; a lesson's focus reaches the ring and the logs.
#include "app/mainwindow.h"
#include "cluster/lessonsession.h"
#include "views/cluster/clusterview.h"
#include "views/controls/captionoverlay.h"
#include "views/controls/clientpanel.h"
#include "views/controls/eventfeed.h"
#include "views/controls/howtoread.h"
#include "views/controls/lessonpanel.h"
#include "views/controls/requesthistorymodel.h"
#include "views/controls/statusline.h"
#include "views/panels/logview.h"

#include <QAction>
#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QToolBar>
#include <QWheelEvent>

using namespace raftlab;
using namespace Qt::StringLiterals;

namespace {

qreal area(const QWidget *widget)
{
    return widget->isVisible() ? qreal(widget->width()) * widget->height() : 0.0;
}

// The least pixel size any piece of a rich-text label is drawn in. A piece that sets no size of its own is
// drawn in the label's; one sized otherwise (in points, or by a CSS keyword such as "small", which
// follows the label's type down) cannot be vouched for and counts as 0.
int leastTextPixels(const QLabel *label)
{
    QTextDocument document;
    document.setDefaultFont(label->font());
    document.setHtml(label->text());
    int least = QFontInfo(label->font()).pixelSize();
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        for (auto piece = block.begin(); !piece.atEnd(); ++piece) {
            const QTextCharFormat format = piece.fragment().charFormat();
            if (format.hasProperty(QTextFormat::FontPixelSize))
                least = std::min(least, format.intProperty(QTextFormat::FontPixelSize));
            else if (format.hasProperty(QTextFormat::FontSizeAdjustment) ||
                     format.hasProperty(QTextFormat::FontPointSize))
                least = 0;
        }
    }
    return least;
}

// Shows `window` at `size`, in projector mode or not; false if it never reached the screen.
bool showAt(MainWindow &window, QSize size, bool projector)
{
    window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    window.projectorAction()->setChecked(projector);
    QCoreApplication::processEvents();
    return true;
}

// Help › How to read this screen, opened as a user would; null without that menu entry.
const HowToReadDialog *openHelp(MainWindow &window)
{
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text() == u"How to read this screen"_s) {
            action->trigger();
            return window.findChild<HowToReadDialog *>();
        }
    }
    return nullptr;
}

// Shows `window` as showAt() does, with the lesson panel open as when a lesson starts (the client's
// column at its shortest).
bool showBesideALesson(MainWindow &window, QSize size, bool projector)
{
    if (!showAt(window, size, projector))
        return false;
    window.lessonPanel()->show();
    QTest::qWait(50);
    return true;
}

// Whether `widget` is wholly inside the visible part of `scroll`'s viewport.
bool wholeInView(const QWidget *widget, const QScrollArea *scroll)
{
    const QRect inViewport(widget->mapTo(scroll->viewport(), QPoint()), widget->size());
    return widget->isVisible() && scroll->viewport()->rect().contains(inViewport);
}

// An HTTP answer as a node client hands it over, with 12.3 ms of latency.
KvResult httpAnswer(int status, const QJsonObject &json = {}, const QByteArray &body = {})
{
    KvResult result;
    result.httpStatus = status;
    result.json = json;
    result.body = body;
    result.error = json.value(u"error"_s).toString();
    result.message = json.value(u"message"_s).toString();
    if (json.contains(u"index"_s))
        result.index = json.value(u"index"_s).toInteger();
    if (json.contains(u"term"_s))
        result.term = json.value(u"term"_s).toInteger();
    if (json.value(u"leader"_s).toInteger() > 0)
        result.leader = NodeId(std::uint32_t(json.value(u"leader"_s).toInteger()));
    result.latencyUs = 12'300;
    return result;
}

QScrollArea *clientScroll(MainWindow &window)
{
    return qobject_cast<QScrollArea *>(window.clientPanel()->parentWidget()->parentWidget());
}

} // namespace

class TestProjectorLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noToolBarActionHidesBehindTheExtension_data();
    void noToolBarActionHidesBehindTheExtension();
    void projectorModeGivesTheRingTheScreen();
    void theClientPanelFitsWithoutScrollingSideways_data();
    void theClientPanelFitsWithoutScrollingSideways();
    void aStatusMessageIsReadInFull_data();
    void aStatusMessageIsReadInFull();
    void aStatusMessageMovesNothingAbove_data();
    void aStatusMessageMovesNothingAbove();
    void scrollingTheColumnChangesNoControl_data();
    void scrollingTheColumnChangesNoControl();
    void theResultColumnShowsTheStatus_data();
    void theResultColumnShowsTheStatus();
    void theClientIsWholeBesideALessonPanel_data();
    void theClientIsWholeBesideALessonPanel();
    void anAnswerMovesNothing_data();
    void anAnswerMovesNothing();
    void everyUsualAnswerIsReadWhole_data();
    void everyUsualAnswerIsReadWhole();
    void theFeedShowsFourLines_data();
    void theFeedShowsFourLines();
    void theFeedComesBeforeTheRequestTable_data();
    void theFeedComesBeforeTheRequestTable();
    void panelsNeverFoldToNothing();
    void panelsFoldAwayAndComeBack();
    void presentationShowsTheRingAloneWithACaption();
    void lessonFocusReachesTheRingAndTheLogs();
    void helpExplainsEveryPartWithPictures();
    void helpShowsTheWholeLegendWhileItIsFolded();
};

void TestProjectorLayout::noToolBarActionHidesBehindTheExtension_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("projector");
    QTest::newRow("1024x768") << QSize(1024, 768) << false;
    QTest::newRow("1024x768 projector") << QSize(1024, 768) << true;
    QTest::newRow("1920x1080 projector") << QSize(1920, 1080) << true;
}

void TestProjectorLayout::noToolBarActionHidesBehindTheExtension()
{
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, size, projector));
    const QList<QToolBar *> bars = window.findChildren<QToolBar *>();
    QCOMPARE(bars.size(), 2);
    for (QToolBar *bar : bars) {
        for (QAction *action : bar->actions()) {
            if (action->isSeparator())
                continue;
            QWidget *button = bar->widgetForAction(action);
            QVERIFY(button);
            QVERIFY2(button->isVisible(), qPrintable(u"%1 is hidden behind »"_s.arg(action->text())));
            const QRect inWindow(button->mapTo(&window, QPoint()), button->size());
            QVERIFY2(window.rect().contains(inWindow), qPrintable(action->text()));
        }
    }
}

void TestProjectorLayout::projectorModeGivesTheRingTheScreen()
{
    MainWindow window{GuiOptions{}};
    window.resize(1024, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.projectorAction()->setChecked(true);
    QCoreApplication::processEvents();
    // The window still fits the screen: nothing (the status bar, the hint under the ring) is cut off below.
    QCOMPARE(window.size(), QSize(1024, 768));
    QVERIFY2(window.minimumSizeHint().height() <= 768,
             qPrintable(u"the window needs %1 px"_s.arg(window.minimumSizeHint().height())));
    const qreal ring = area(window.clusterView());
    for (const QWidget *panel : std::initializer_list<const QWidget *>{
             window.eventFeed(), window.clientPanel(), window.logView(), window.bottomPanel()}) {
        qInfo("%s: %.0f px², the ring %.0f px²", panel->metaObject()->className(), area(panel), ring);
        QVERIFY2(ring > area(panel), panel->metaObject()->className());
    }
    QVERIFY(ring > 0.4 * 1024 * 768);
    QVERIFY2(window.clientPanel()->visibleRegion().boundingRect().height() > 100,
             "the client shows, unfolded");
    // The text of the panels and of the ring, from the back row.
    for (const QWidget *widget : std::initializer_list<const QWidget *>{
             window.eventFeed(), window.clientPanel(), window.menuBar(), window.statusBar()})
        QVERIFY2(QFontInfo(widget->font()).pixelSize() >= Theme::projectorMinimumPixels,
                 qPrintable(u"%1: %2 px"_s.arg(QString::fromLatin1(widget->metaObject()->className()))
                                .arg(QFontInfo(widget->font()).pixelSize())));
    for (const QMenu *menu : window.menuBar()->findChildren<QMenu *>())
        QVERIFY2(QFontInfo(menu->font()).pixelSize() >= Theme::projectorMinimumPixels,
                 qPrintable(menu->title()));
    QVERIFY2(window.clusterView()->smallestTextPixels() >= Theme::projectorMinimumPixels - 0.5,
             qPrintable(QString::number(window.clusterView()->smallestTextPixels())));

    // Back to the desk: the logs and charts return.
    window.projectorAction()->setChecked(false);
    QCoreApplication::processEvents();
    QVERIFY(window.bottomPanel()->isVisible());
}

void TestProjectorLayout::theClientPanelFitsWithoutScrollingSideways_data()
{
    noToolBarActionHidesBehindTheExtension_data();
}

void TestProjectorLayout::theClientPanelFitsWithoutScrollingSideways()
{
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, size, projector));
    ClientPanel *panel = window.clientPanel();
    auto *scroll = qobject_cast<QScrollArea *>(panel->parentWidget()->parentWidget());
    QVERIFY(scroll);
    QVERIFY2(!scroll->horizontalScrollBar()->isVisible(),
             qPrintable(u"the panel needs %1 px, the column gives %2"_s.arg(panel->minimumSizeHint().width())
                            .arg(scroll->viewport()->width())));
    // Every control and label is inside the panel, none cut at its right edge.
    for (const QWidget *child : panel->findChildren<QWidget *>()) {
        if (!child->isVisibleTo(panel) || child->width() == 0)
            continue;
        const QRect inPanel(child->mapTo(panel, QPoint()), child->size());
        QVERIFY2(
            inPanel.right() <= panel->width(),
            qPrintable(child->objectName() + u" "_s + QString::fromLatin1(child->metaObject()->className())));
    }
}

void TestProjectorLayout::aStatusMessageIsReadInFull_data()
{
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("ownLine");
    const QString summary =
        u"Leader: node 2 · term 1 · commit 1 · 5 of 5 nodes up · fsync always · real time"_s;
    const QString longSummary = u"Leader: node 2 (frozen) · term 13 · commit 1234 · 3 of 5 nodes up, 1 "
                                u"frozen, 1 down · fsync batch · "
                                u"×20 slow motion"_s;
    const QString longMessage = u"PreVote off, CheckQuorum on from the next reset of the cluster: a node "
                                u"cut off from the others keeps asking for votes in ever higher terms."_s;
    QTest::newRow("short") << summary << u"All 5 nodes are up."_s << false;
    QTest::newRow("long") << summary << longMessage << true;
    QTest::newRow("long, long summary") << longSummary << longMessage << true;
    QTest::newRow("many words, long summary")
        << longSummary << (longMessage + u" "_s + longMessage + u" "_s + longMessage) << true;
}

void TestProjectorLayout::aStatusMessageIsReadInFull()
{
    QFETCH(QString, summary);
    QFETCH(QString, message);
    QFETCH(bool, ownLine);
    MainWindow window{GuiOptions{}};
    window.resize(1024, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.projectorAction()->setChecked(true);
    window.statusLine()->setSummary(summary);
    window.statusBar()->showMessage(message);
    QTest::qWait(50); // the status bar, then the window, lay out again
    const QLabel *shown = window.statusLine()->messageLabel();
    const QLabel *summaryLabel = window.statusLine()->summaryLabel();
    QVERIFY(shown->isVisible());
    QCOMPARE(window.statusBar()->currentMessage(), message);
    const std::pair<const QLabel *, QString> labels[] = {{shown, message}, {summaryLabel, summary}};
    for (const auto &[label, whole] : labels) {
        const QRect inWindow(label->mapTo(&window, QPoint()), label->size());
        QVERIFY2(window.rect().contains(inWindow), qPrintable(label->text()));
        // One line, whole or cut at its end with "…"; the whole text in the tooltip when cut.
        const QFontMetrics metrics(label->font());
        QVERIFY2(!label->wordWrap(), qPrintable(label->text()));
        QVERIFY2(metrics.horizontalAdvance(label->text()) <= label->width(), qPrintable(label->text()));
        QVERIFY2(label->height() >= metrics.height(), qPrintable(u"%1 px high"_s.arg(label->height())));
        if (label->text() != whole) {
            QVERIFY2(label->text().endsWith(QChar(0x2026)), qPrintable(label->text()));
            QVERIFY2(whole.startsWith(label->text().chopped(1)), qPrintable(label->text()));
            QCOMPARE(label->toolTip(), whole);
        }
    }
    if (message.contains(u"higher terms. PreVote"_s))
        QVERIFY2(shown->text() != message, "three sentences do not fit one line at 1024x768");
    if (!ownLine)
        QCOMPARE(shown->text(), message);
    const QRect messageRect(shown->mapTo(&window, QPoint()), shown->size());
    const QRect summaryRect(summaryLabel->mapTo(&window, QPoint()), summaryLabel->size());
    QVERIFY(!messageRect.intersects(summaryRect));
    // Only a message that cannot share the row takes a line of its own.
    QCOMPARE(window.statusLine()->messageHasItsOwnLine(), ownLine);
}

void TestProjectorLayout::aStatusMessageMovesNothingAbove_data()
{
    noToolBarActionHidesBehindTheExtension_data();
}

void TestProjectorLayout::aStatusMessageMovesNothingAbove()
{
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, size, projector));
    window.statusLine()->setSummary(
        u"Leader: node 2 · term 13 · commit 1234 · 5 of 5 nodes up · fsync always · "
        u"×20 slow motion"_s);
    QTest::qWait(50);
    const QRect central = window.centralWidget()->geometry();
    const QRect ring(window.clusterView()->mapTo(&window, QPoint()), window.clusterView()->size());
    const int statusHeight = window.statusBar()->height();
    // A message that shares the row, one that takes a line of its own, and one of many words: the
    // panels and the ring above stay put, and the status bar keeps its height.
    const QString sentence = u"PreVote off, CheckQuorum on from the next reset of the cluster."_s;
    for (const QString &message :
         {u"All 5 nodes are up."_s, sentence, QStringList(12, sentence).join(u' ')}) {
        window.statusBar()->showMessage(message);
        QTest::qWait(50);
        QCOMPARE(window.centralWidget()->geometry(), central);
        QCOMPARE(QRect(window.clusterView()->mapTo(&window, QPoint()), window.clusterView()->size()), ring);
        QCOMPARE(window.statusBar()->height(), statusHeight);
    }
    QVERIFY2(window.statusLine()->messageHasItsOwnLine() || size.width() > 1024 || !projector,
             "the second message takes a line of its own at 1024x768 in projector mode");
    window.statusBar()->clearMessage();
    QTest::qWait(50);
    QCOMPARE(window.centralWidget()->geometry(), central);
    QCOMPARE(window.statusBar()->height(), statusHeight);
}

void TestProjectorLayout::scrollingTheColumnChangesNoControl_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("projector");
    QTest::newRow("1920x1080") << QSize(1920, 1080) << false;
    QTest::newRow("1024x768 projector") << QSize(1024, 768) << true;
}

void TestProjectorLayout::scrollingTheColumnChangesNoControl()
{
    // At 1024x768 in projector mode the client's column scrolls. A wheel turned to scroll it, over the
    // load generator's rate slider or keys box (or any field) that scrolled under the pointer, scrolled
    // the control instead: the rate went to "off" while the same start at 1920x1080 showed 100/s. A
    // control the user has not clicked into leaves the wheel to the column.
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, size, projector));
    QScrollArea *scroll = clientScroll(window);
    QVERIFY(scroll);
    ClientPanel *panel = window.clientPanel();
    auto *rate = panel->findChild<QSlider *>(u"loadRate"_s);
    auto *keys = panel->findChild<QSpinBox *>(u"loadKeys"_s);
    auto *target = panel->findChild<QComboBox *>(u"target"_s);
    QVERIFY(rate && keys && target);
    const int rateBefore = rate->value();
    const int keysBefore = keys->value();
    const int targetBefore = target->currentIndex();
    QVERIFY(rateBefore > 0);
    // Returns whether the widget took the turn (an ignored one goes on to its parents: Qt does that for
    // the wheel of a real mouse, not for events sent by hand).
    const auto wheelOver = [](QWidget *widget, int delta) {
        const QPoint at = widget->rect().center();
        QWheelEvent wheel(at, widget->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(widget, &wheel);
        return wheel.isAccepted();
    };
    for (QWidget *control :
         {static_cast<QWidget *>(rate), static_cast<QWidget *>(keys), static_cast<QWidget *>(target)}) {
        for (int notch = 0; notch < 5; ++notch)
            QVERIFY2(!wheelOver(control, -120), control->objectName().toLatin1());
        for (int notch = 0; notch < 2; ++notch)
            QVERIFY2(!wheelOver(control, 120), control->objectName().toLatin1());
    }
    QCOMPARE(rate->value(), rateBefore);
    QCOMPARE(keys->value(), keysBefore);
    QCOMPARE(target->currentIndex(), targetBefore);
    QCOMPARE(panel->loadRate(), rateBefore);
    if (projector) { // the column the turns are left to scrolls
        QVERIFY(wheelOver(scroll->viewport(), -120));
        QVERIFY2(scroll->verticalScrollBar()->value() > 0,
                 qPrintable(QString::number(scroll->verticalScrollBar()->maximum())));
    }
    // Clicked into, a control takes the wheel as usual.
    rate->setFocus();
    QVERIFY(wheelOver(rate, -120));
    QVERIFY(rate->value() < rateBefore);
}

void TestProjectorLayout::theResultColumnShowsTheStatus_data()
{
    scrollingTheColumnChangesNoControl_data();
}

void TestProjectorLayout::theResultColumnShowsTheStatus()
{
    // At 1024x768 in projector mode the request table's Result column was cut to "2…": the key column
    // kept its room. The status code and word ("200 OK", "404 not found") are always readable, a longer
    // result is cut with the whole of it in the tooltip, and the key gives way first.
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, size, projector));
    ClientPanel *panel = window.clientPanel();
    KvRequest put;
    put.key = "x";
    put.value = "hello";
    put.anyNode = true;
    KvRequest get;
    get.operation = KvOperation::Get;
    get.key = "a-rather-long-key-name-for-a-column";
    KvResult written;
    written.httpStatus = 200;
    written.index = 3;
    written.term = 1;
    written.latencyUs = 11'800;
    KvResult missing;
    missing.httpStatus = 404;
    missing.error = u"not_found"_s;
    missing.latencyUs = 2'000;
    panel->showSent(1, put, NodeId(2));
    panel->showAnswered(1, put, written, NodeId(2));
    panel->showSent(2, get, NodeId(4));
    panel->showAnswered(2, get, missing, NodeId(4));
    QTest::qWait(50);
    auto *table = panel->findChild<QTableView *>(u"history"_s);
    QVERIFY(table);
    const QFontMetrics metrics(table->font());
    const int resultWidth = table->columnWidth(RequestHistoryModel::ResultColumn);
    QVERIFY2(metrics.horizontalAdvance(u"200 OK"_s) + 2 * metrics.averageCharWidth() <= resultWidth,
             qPrintable(u"200 OK in %1 px"_s.arg(resultWidth)));
    // A longer one keeps at least its code in view ("404 not…"), and its tooltip has it whole.
    QVERIFY2(metrics.horizontalAdvance(u"404 n…"_s) + 2 * metrics.averageCharWidth() <= resultWidth,
             qPrintable(u"404 in %1 px"_s.arg(resultWidth)));
    // Every column inside the table's width: nothing scrolls sideways.
    int columns = 0;
    for (int column = 0; column < RequestHistoryModel::ColumnCount; ++column)
        columns += table->isColumnHidden(column) ? 0 : table->columnWidth(column);
    QVERIFY2(columns <= table->viewport()->width(),
             qPrintable(u"%1 px of columns in %2"_s.arg(columns).arg(table->viewport()->width())));
    const QModelIndex result = panel->requestHistory()->index(0, RequestHistoryModel::ResultColumn);
    QCOMPARE(result.data(Qt::DisplayRole).toString(), u"404 not found"_s);
    QCOMPARE(result.data(Qt::ToolTipRole).toString(), u"404 not found"_s);
}

void TestProjectorLayout::theClientIsWholeBesideALessonPanel_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("projector");
    QTest::newRow("1920x1080") << QSize(1920, 1080) << false;
    QTest::newRow("1024x768 projector") << QSize(1024, 768) << true;
}

void TestProjectorLayout::theClientIsWholeBesideALessonPanel()
{
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showBesideALesson(window, size, projector));
    QCOMPARE(window.size(), size); // the column is no taller than the screen gives
    QScrollArea *scroll = clientScroll(window);
    QVERIFY(scroll);
    ClientPanel *panel = window.clientPanel();
    // The request part is whole in view without scrolling: where to send, the key and the value, the
    // buttons and the whole answer (a column too short for the rest scrolls only below it).
    QCOMPARE(scroll->verticalScrollBar()->value(), 0);
    for (const char *name : {"target", "key", "value", "put", "get", "delete", "answer"}) {
        const auto *widget = panel->findChild<QWidget *>(QString::fromLatin1(name));
        QVERIFY2(widget, name);
        const QRect inViewport(widget->mapTo(scroll->viewport(), QPoint()), widget->size());
        QVERIFY2(wholeInView(widget, scroll),
                 qPrintable(u"%1 at %2..%3, the viewport shows 0..%4"_s.arg(QString::fromLatin1(name))
                                .arg(inViewport.top())
                                .arg(inViewport.bottom())
                                .arg(scroll->viewport()->height())));
    }
    // At 1024x768 in projector mode with a lesson open the column is too short for all of it: it scrolls.
    if (!projector)
        QVERIFY2(wholeInView(panel->findChild<QPushButton *>(u"loadStartStop"_s), scroll),
                 "the load generator's Start button is in view");
    QVERIFY2(
        !scroll->verticalScrollBar()->isVisible() || panel->isNarrow(),
        qPrintable(u"the client needs %1 px, the column gives it %2"_s.arg(panel->minimumSizeHint().height())
                       .arg(scroll->viewport()->height())));
}

void TestProjectorLayout::anAnswerMovesNothing_data()
{
    theClientIsWholeBesideALessonPanel_data();
}

void TestProjectorLayout::anAnswerMovesNothing()
{
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, size, projector));
    ClientPanel *panel = window.clientPanel();
    const auto *table = panel->findChild<QTableView *>(u"history"_s);
    const auto *answer = panel->findChild<QWidget *>(u"answer"_s);
    QVERIFY(table && answer);
    const auto tableTop = [&] {
        return table->mapTo(panel, QPoint()).y();
    };
    const int before = tableTop();
    // A long answer with an explanation (nobody to send to), then a short one: the table stays put, and
    // what does not fit is in the tooltip.
    panel->showRefused(KvRequest{.operation = KvOperation::Put, .key = "x"}, NodeId{});
    QTest::qWait(20);
    QCOMPARE(tableTop(), before);
    QVERIFY2(answer->toolTip().isEmpty() || answer->toolTip() == panel->answerText(),
             qPrintable(answer->toolTip()));
    panel->showRefused(KvRequest{.operation = KvOperation::Put, .key = "x"}, NodeId(7));
    QTest::qWait(20);
    QCOMPARE(tableTop(), before);
    KvRequest request{.operation = KvOperation::Get, .key = QByteArray(400, 'k')};
    panel->showSent(1, request, NodeId(2));
    QTest::qWait(20);
    QCOMPARE(tableTop(), before);
    QVERIFY2(answer->toolTip().isEmpty() || answer->toolTip() == panel->answerText(),
             qPrintable(answer->toolTip()));
}

void TestProjectorLayout::everyUsualAnswerIsReadWhole_data()
{
    theClientIsWholeBesideALessonPanel_data();
}

void TestProjectorLayout::everyUsualAnswerIsReadWhole()
{
    // Beside a lesson panel, the narrowest and shortest the client's column gets: every answer a class
    // sees is read whole on the screen, without an ellipsis that only a tooltip would complete (a narrow
    // column says it in its brief words), and a wide one says it in full.
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showBesideALesson(window, size, projector));
    ClientPanel *panel = window.clientPanel();
    auto *box = panel->findChild<QWidget *>(u"answer"_s);
    QVERIFY(box);

    const KvRequest put{.operation = KvOperation::Put, .key = "x", .value = "42", .anyNode = true};
    const KvRequest get{.operation = KvOperation::Get, .key = "x"};
    const KvRequest localGet{.operation = KvOperation::Get, .key = "x", .localRead = true};
    const KvRequest del{.operation = KvOperation::Delete, .key = "x"};
    KvResult silent;
    silent.message = u"no answer in time"_s;
    silent.latencyUs = 3'000'000;
    const struct
    {
        KvRequest request;
        KvResult result;
        NodeId node;
    } cases[] = {
        {put, httpAnswer(200, {{"index", 1234}, {"term", 12}}), NodeId(2)},
        {del, httpAnswer(200, {{"index", 1235}, {"term", 12}}), NodeId(2)},
        {get, httpAnswer(200, {}, "42"), NodeId(1)},
        {localGet, httpAnswer(200, {}, "41"), NodeId(3)},
        {localGet, httpAnswer(404, {{"error", "not_found"}, {"message", "no such key"}}), NodeId(3)},
        {put,
         httpAnswer(503,
                    {{"error", "timeout"}, {"outcome", "unknown"}, {"message", "not committed in time"}}),
         NodeId(1)},
        {put, httpAnswer(503, {{"error", "unavailable"}, {"message", "no leader"}, {"leader", QJsonValue()}}),
         NodeId(2)},
        {put, httpAnswer(503, {{"error", "unavailable"}, {"leader", 3}}), NodeId(2)},
        {put, silent, NodeId(4)},
    };
    quint64 id = 1;
    for (const auto &[request, result, node] : cases) {
        panel->showSent(id, request, node);
        panel->showAnswered(id++, request, result, node);
        QCoreApplication::processEvents();
        QStringList shown;
        for (const QLabel *part : box->findChildren<QLabel *>()) {
            QVERIFY2(!part->text().contains(QChar(0x2026)),
                     qPrintable(u"%1 is cut: \"%2\""_s.arg(part->objectName(), part->text())));
            shown << part->text().replace(u'\n', u' ').replace(QChar(0x00A0), u' ');
        }
        // A wide column says it in full; a narrow one may use its brief words, and the tooltip the full.
        if (!panel->isNarrow())
            QVERIFY2(box->toolTip().isEmpty(), qPrintable(box->toolTip()));
        else
            QVERIFY2(box->toolTip().isEmpty() || box->toolTip() == panel->answerText(),
                     qPrintable(box->toolTip()));
        // Whatever the words, the node that answered is named.
        QVERIFY2(shown.join(u' ').contains(u"node %1"_s.arg(node.value)), qPrintable(shown.join(u" | "_s)));
    }
}

void TestProjectorLayout::theFeedShowsFourLines_data()
{
    theClientIsWholeBesideALessonPanel_data();
}

void TestProjectorLayout::theFeedShowsFourLines()
{
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    MainWindow window{GuiOptions{}};
    QVERIFY(showBesideALesson(window, size, projector));
    const auto *sentences = window.eventFeed()->findChild<QListView *>(u"sentences"_s);
    QVERIFY(sentences);
    const int line = QFontMetrics(sentences->font()).lineSpacing();
    QVERIFY2(sentences->viewport()->height() >= 4 * line,
             qPrintable(u"%1 px for the sentences, 4 lines need %2"_s.arg(sentences->viewport()->height())
                            .arg(4 * line)));
}

void TestProjectorLayout::theFeedComesBeforeTheRequestTable_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("projector");
    QTest::addColumn<int>("lines"); // of sentences at least
    QTest::newRow("1280x800") << QSize(1280, 800) << false << 10;
    QTest::newRow("1472x920") << QSize(1472, 920) << false << 10; // the first size on a 1600x1000 screen
    // In projector type a sentence takes three lines: two sentences, then the table rows go first.
    QTest::newRow("1024x768 projector") << QSize(1024, 768) << true << 6;
}

void TestProjectorLayout::theFeedComesBeforeTheRequestTable()
{
    // The sentences explain what happens; the client's table of requests is a record. On a laptop's
    // screen the column gave the table its full height first and left the feed two sentences.
    QFETCH(QSize, size);
    QFETCH(bool, projector);
    QFETCH(int, lines);
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, size, projector));
    const auto *sentences = window.eventFeed()->findChild<QListView *>(u"sentences"_s);
    QVERIFY(sentences);
    const int line = QFontMetrics(sentences->font()).lineSpacing();
    QVERIFY2(sentences->viewport()->height() >= lines * line,
             qPrintable(u"%1 px for the sentences, %2 lines need %3"_s.arg(sentences->viewport()->height())
                            .arg(lines)
                            .arg(lines * line)));
    // The request and its answer stay whole in view beside it.
    QScrollArea *scroll = clientScroll(window);
    QVERIFY(scroll);
    for (const char *name : {"target", "key", "value", "put", "answer"}) {
        const auto *widget = window.clientPanel()->findChild<QWidget *>(QString::fromLatin1(name));
        QVERIFY2(widget && wholeInView(widget, scroll), name);
    }
}

void TestProjectorLayout::panelsNeverFoldToNothing()
{
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, QSize(1024, 768), true));
    window.bottomPanelAction()->setChecked(true);
    QCoreApplication::processEvents();
    // Dragging a handle all the way: each panel keeps its least size (only the View menu folds them).
    auto *whole = qobject_cast<QSplitter *>(window.centralWidget());
    QVERIFY(whole);
    whole->setSizes({whole->width(), 0});
    auto *left = qobject_cast<QSplitter *>(window.bottomPanel()->parentWidget());
    QVERIFY(left);
    left->setSizes({left->height(), 0});
    QCoreApplication::processEvents();
    QVERIFY2(window.sidePanel()->width() > 150, qPrintable(QString::number(window.sidePanel()->width())));
    QVERIFY2(window.bottomPanel()->height() > 100,
             qPrintable(QString::number(window.bottomPanel()->height())));
    whole->setSizes({0, whole->width()});
    left->setSizes({0, left->height()});
    QCoreApplication::processEvents();
    QVERIFY2(window.clusterView()->width() > 150, qPrintable(QString::number(window.clusterView()->width())));
    QVERIFY2(window.clusterView()->height() > 150,
             qPrintable(QString::number(window.clusterView()->height())));
    auto *side = qobject_cast<QSplitter *>(window.sidePanel());
    QVERIFY(side);
    window.lessonPanel()->show();
    side->setSizes({0, side->height(), 0});
    QCoreApplication::processEvents();
    // Dragged shut, the lesson panel keeps at least its buttons whole.
    QVERIFY2(window.lessonPanel()->height() >= window.lessonPanel()->minimumSizeHint().height(),
             qPrintable(QString::number(window.lessonPanel()->height())));
    QVERIFY(window.lessonPanel()->nextButton()->height() >=
            window.lessonPanel()->nextButton()->sizeHint().height());
    QVERIFY(window.clientPanel()->visibleRegion().boundingRect().height() > 100);
}

void TestProjectorLayout::panelsFoldAwayAndComeBack()
{
    MainWindow window{GuiOptions{}};
    window.resize(1024, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const qreal before = area(window.clusterView());
    window.sidePanelAction()->setChecked(false);
    window.bottomPanelAction()->setChecked(false);
    QCoreApplication::processEvents();
    QVERIFY(!window.sidePanel()->isVisible());
    QVERIFY(!window.bottomPanel()->isVisible());
    QVERIFY(area(window.clusterView()) > 2 * before);
    window.sidePanelAction()->setChecked(true);
    window.bottomPanelAction()->setChecked(true);
    QCoreApplication::processEvents();
    QVERIFY(window.sidePanel()->isVisible());
    QVERIFY(window.bottomPanel()->isVisible());
}

void TestProjectorLayout::presentationShowsTheRingAloneWithACaption()
{
    MainWindow window{GuiOptions{}};
    window.resize(1024, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QRect before = window.geometry();
    window.presentationAction()->setChecked(true);
    QCoreApplication::processEvents();
    QVERIFY(window.projectorAction()->isChecked());
    // The whole screen, with or without a window manager to honour "full screen".
    QTRY_COMPARE(window.geometry(), window.screen()->geometry());
    QVERIFY(!window.menuBar()->isVisible());
    QVERIFY(!window.statusBar()->isVisible());
    QVERIFY(!window.sidePanel()->isVisible());
    QVERIFY(!window.bottomPanel()->isVisible());
    for (const QToolBar *bar : window.findChildren<QToolBar *>())
        QVERIFY(!bar->isVisible());
    QTRY_VERIFY(area(window.clusterView()) > 0.9 * window.width() * window.height());
    // A lesson's sentence is the caption line.
    window.caption()->setCaption(QString(), u"Node 3 stands for election."_s);
    QVERIFY(window.caption()->isVisible());
    QVERIFY(QFontInfo(window.caption()->font()).pixelSize() >= Theme::projectorMinimumPixels);
    const int shortPixels = QFontInfo(window.caption()->font()).pixelSize();
    // A long one keeps to the room the ring leaves it, in smaller type that the back row still reads,
    // instead of covering the ring.
    window.caption()->setCaption(
        u"Less than a majority must wait · the lesson waits: press Next ▶"_s,
        u"A client writes color=blue. The leader appends it (dashed: not committed), sends it to every "
        u"follower, and counts: itself, node 2 and node 3 hold it — 3 of 5, a majority. The entry is "
        u"committed (solid) and the client is answered."_s);
    const QWidget *ring = window.clusterView();
    const QRect caption = window.caption()->geometry();
    QVERIFY2(caption.top() >= ring->height() - window.caption()->preferredRoom(),
             qPrintable(u"the caption from %1, the ring leaves it from %2"_s.arg(caption.top())
                            .arg(ring->height() - window.caption()->preferredRoom())));
    QVERIFY(caption.height() >= window.caption()->heightForWidth(caption.width())); // whole
    const int longPixels = QFontInfo(window.caption()->font()).pixelSize();
    QVERIFY2(longPixels >= Theme::projectorMinimumPixels && longPixels < shortPixels,
             qPrintable(u"%1 px, short sentences %2 px"_s.arg(longPixels).arg(shortPixels)));
    // Its heading (the chapter) too: smaller than the sentence, but not under the back row's least size.
    QVERIFY2(
        leastTextPixels(window.caption()) >= Theme::projectorMinimumPixels,
        qPrintable(u"%1 px in «%2»"_s.arg(leastTextPixels(window.caption())).arg(window.caption()->text())));
    // Leaving restores the window as it was.
    window.presentationAction()->setChecked(false);
    QCoreApplication::processEvents();
    QVERIFY(!window.projectorAction()->isChecked());
    QTRY_COMPARE(window.geometry(), before);
    QVERIFY(window.menuBar()->isVisible());
    QVERIFY(window.sidePanel()->isVisible());
    QVERIFY(window.bottomPanel()->isVisible());
}

void TestProjectorLayout::lessonFocusReachesTheRingAndTheLogs()
{
    MainWindow window{GuiOptions{}};
    Q_EMIT window.lessons()->focusRequested(NodeId(2), 3);
    QCOMPARE(window.clusterView()->focusNode(), std::optional(NodeId(2)));
    QCOMPARE(window.logView()->focusIndex(), std::optional<std::uint64_t>(3));
    Q_EMIT window.lessons()->focusRequested(std::nullopt, std::nullopt);
    QCOMPARE(window.clusterView()->focusNode(), std::nullopt);
    QCOMPARE(window.logView()->focusIndex(), std::nullopt);
}

void TestProjectorLayout::helpExplainsEveryPartWithPictures()
{
    MainWindow window{GuiOptions{}};
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const HowToReadDialog *dialog = openHelp(window);
    QVERIFY(dialog);
    const QString text = dialog->html();
    for (const QString &topic :
         {u"matchIndex"_s, u"nextIndex"_s, u"Term per node"_s, u"Commit index per node"_s,
          u"Time without a leader"_s, u"Client writes"_s, u"PreVote"_s, u"CheckQuorum"_s, u"status bar"_s,
          u"dashed red"_s, u"election timer"_s, u"Present"_s, u"that fade"_s, u"no answer yet"_s})
        QVERIFY2(text.contains(topic), qPrintable(topic));
    // The ring, its legend, the logs, the status bar and the feed are on screen: each has its picture.
    QVERIFY2(dialog->pictureCount() >= 5, qPrintable(QString::number(dialog->pictureCount())));
}

void TestProjectorLayout::helpShowsTheWholeLegendWhileItIsFolded()
{
    // At 1024x768 on a projector the legend folds into a tab so that the ring is large; Help's picture
    // of it is still the whole key, not the tab.
    MainWindow window{GuiOptions{}};
    QVERIFY(showAt(window, QSize(1024, 768), true));
    QTRY_VERIFY(!window.clusterView()->isLegendOpen());
    const QRectF tab = window.clusterView()->legendRect();
    const HowToReadDialog *dialog = openHelp(window);
    QVERIFY(dialog);
    const QSize legend = dialog->pictureSize(HowToReadDialog::Picture::Legend);
    QVERIFY2(legend.height() > 6 * tab.height(),
             qPrintable(u"legend picture %1x%2, tab %3 high"_s.arg(legend.width())
                            .arg(legend.height())
                            .arg(tab.height())));
}

QTEST_MAIN(TestProjectorLayout)
#include "tst_projectorlayout.moc"
