// LogView: the logs view, driven by the recorded 3-node fixture and by synthetic logs (a snapshot, and
// 9 nodes x 100,000 entries; their paint time is a speed claim, run by `ctest -L perf`). Set
// RAFTLAB_SCREENSHOT_DIR to keep PNGs.
#include "logcellinfo.h"
#include "logrowpainter.h"
#include "logview.h"
#include "perfonly.h"
#include "support/fixturereplay.h"
#include "support/replayedview.h"
#include "support/screenshots.h"
#include "support/syntheticevents.h"

#include <QElapsedTimer>
#include <QHelpEvent>
#include <QScrollBar>
#include <QTest>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using namespace raftlab;
using namespace raftlab::testing;
using namespace Qt::StringLiterals;

namespace {

// The colour inside a cell, away from its outline and its text ("t1" sits top left, the command in
// the middle): the top-right corner.
// (As a QRgb: a QColor made with fromRgbF() compares unequal to the same 8-bit pixel.)
QRgb cellColor(const QImage &image, const QRect &cell)
{
    const QRect inner = cell.adjusted(1, 1, -2, -2);
    return image.pixel(inner.right() - 4, inner.top() + 4);
}

QRgb rgb(const QColor &color)
{
    return color.rgb();
}

void savePng(QWidget &widget, const QString &name)
{
    if (screenshotsRequested())
        QVERIFY(saveScreenshot(widget, name));
}

// 9 nodes of 100,000 entries each, node 8 down; nodes 7-9 fell behind in term 4 and their last entries
// conflict with the leader's.
constexpr std::uint64_t nineLogsLength = 100'000;
void fillNineLogs(ClusterModel &model, qint64 now)
{
    constexpr std::uint64_t total = nineLogsLength;
    constexpr std::uint64_t chunk = 10'000;
    for (std::uint32_t n = 1; n <= 9; ++n) {
        model.setNodeConnected(id(n), n != 8); // node 8 is down: its row is greyed
        for (std::uint64_t first = 1; first <= total; first += chunk) {
            const std::uint64_t term = (n >= 7 && first + chunk > total) ? 3 : 1 + first / 30'000;
            model.ingest(appendEvent(n, now, first, entries(first, chunk, term)));
        }
        model.ingest(commitEvent(n, now, total - (n >= 7 ? chunk : 3), 4));
        model.ingest(applyEvent(n, now, total - (n >= 7 ? chunk : 5), 4));
        model.foldPending();
    }
}

// Nodes 1-3 connected and in term 2, node 1 leading: the start of a story told by synthetic events.
void nodeOneLeadsThree(ClusterModel &model, qint64 tUs)
{
    const std::vector<NodeId> three{id(1), id(2), id(3)};
    for (std::uint32_t n = 1; n <= 3; ++n) {
        model.setNodeConnected(id(n), true);
        model.ingest(stateEvent(n, tUs, n == 1 ? "leader" : "follower", 2, three, {}, 1));
    }
}

// A view sized to show `columns` whole columns.
void sizeForColumns(LogView &view, int columns)
{
    const LogGeometry geometry = LogGeometry::forTheme(view.theme());
    view.resize(geometry.labelWidth + columns * geometry.cellWidth + geometry.cellWidth / 2 +
                    view.verticalScrollBar()->sizeHint().width() + 2 * view.frameWidth(),
                view.sizeHint().height());
}

} // namespace

class TestLogView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneRowPerNodeInIdOrder();
    void committedEntriesAreSolidOnAllNodes();
    void partitionedLeadersEntryConflictsAtIndexFive();
    void followsTheTailUntilScrolledBack();
    void snapshotPrefixIsShownAsOneBlock();
    void entriesNeverSeenAreUnknownNotASnapshot();
    void repaintsOnlyWhenTheLogsChange();
    void aLogThatStoppedShortSaysWhatItLacks();
    void aShortLackIsSaidInFull();
    void theLeadersRowIsNeverBehindItsFollowers();
    void noTermLooksLikeAKilledNode();
    void paintsNineNodesOfHundredThousandEntriesQuickly(); // a speed claim: `ctest -L perf`
    void showsTheTailOfNineLogsOfHundredThousandEntries();
    void projectorTheme();
};

void TestLogView::oneRowPerNodeInIdOrder()
{
    ClusterModel model;
    Replay replay(model);
    LogView view(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.firstVisibleIndex(), 0); // nothing yet
    replay.foldAll();

    int previousTop = -1;
    for (std::uint32_t n = 1; n <= 3; ++n) {
        const QRect cell = view.cellRect(id(n), LogIndex(1));
        QVERIFY2(!cell.isNull(), qPrintable(u"a row for node %1"_s.arg(n)));
        QVERIFY2(cell.top() > previousTop, "rows in id order, top to bottom");
        QCOMPARE(cell.left(), view.cellRect(id(1), LogIndex(1)).left()); // aligned by index
        previousTop = cell.top();
    }
    QVERIFY(view.cellRect(id(4), LogIndex(1)).isNull());
    QCOMPARE(view.cellRect(id(1), LogIndex(2)).left() - view.cellRect(id(1), LogIndex(1)).left(),
             view.cellRect(id(1), LogIndex(1)).width());
    savePng(view, u"logview-fixture-end.png"_s);
}

void TestLogView::committedEntriesAreSolidOnAllNodes()
{
    ReplayedView<LogView> rig(QSize(900, 400));
    QVERIFY(rig.shown());
    auto &[model, replay, view] = rig;
    replay.foldThrough(replay.timeOfDirective(u"fault"_s) - 1); // the three writes, before the cut
    QCOMPARE(view.lastVisibleIndex(), 4);

    const QImage image = view.viewport()->grab().toImage();
    const QColor committed = view.theme().termColor(Term(1));
    for (std::uint32_t n = 1; n <= 3; ++n)
        for (std::uint64_t i = 1; i <= 4; ++i)
            QCOMPARE(cellColor(image, view.cellRect(id(n), LogIndex(i))), rgb(committed));
    // Index 5 holds nothing yet: the ground shows.
    QCOMPARE(cellColor(image, view.cellRect(id(1), LogIndex(5))), rgb(view.theme().background()));
    QVERIFY(describeLogCell(model, id(2), LogIndex(3)).contains(u"Committed"_s));
    QVERIFY(describeLogCell(model, id(2), LogIndex(3)).contains(u"Held by nodes 1, 2, 3."_s));
    savePng(view, u"logview-committed.png"_s);
}

void TestLogView::partitionedLeadersEntryConflictsAtIndexFive()
{
    ReplayedView<LogView> rig(QSize(900, 400));
    QVERIFY(rig.shown());
    auto &[model, replay, view] = rig;
    replay.foldThrough(replay.timeOfDirective(u"fault"_s, u"heal"_s) - 1);

    const QImage image = view.viewport()->grab().toImage();
    const LogRowPainter painter(view.theme(), LogGeometry::forTheme(view.theme()));
    // Node 3, cut off, holds "put x=lost" of term 1 at index 5, uncommitted: pale, not the solid fill.
    const QRgb stranded = cellColor(image, view.cellRect(id(3), LogIndex(5)));
    QCOMPARE(stranded, rgb(painter.cellFill(Term(1), false)));
    QVERIFY(stranded != rgb(view.theme().termColor(Term(1))));
    QVERIFY2(QColor(stranded).lightness() > view.theme().termColor(Term(1)).lightness(),
             "uncommitted is lighter");
    // Nodes 1 and 2 hold the new leader's committed no-op of term 2 there.
    for (std::uint32_t n : {1u, 2u})
        QCOMPARE(cellColor(image, view.cellRect(id(n), LogIndex(5))), rgb(view.theme().termColor(Term(2))));
    QVERIFY(view.theme().termColor(Term(2)) != view.theme().termColor(Term(1)));

    // The column where the rows disagree is tinted; its neighbour is not.
    QVERIFY(termsDisagreeAt(model, model.nodeIds(), LogIndex(5)));
    QVERIFY(!termsDisagreeAt(model, model.nodeIds(), LogIndex(4)));
    const QRect five = view.cellRect(id(1), LogIndex(5));
    const QRect four = view.cellRect(id(1), LogIndex(4));
    const int gapY = five.bottom() + LogGeometry::forTheme(view.theme()).markerLaneHeight + 2;
    QVERIFY(image.pixel(five.center().x(), gapY) != image.pixel(four.center().x(), gapY));
    QCOMPARE(image.pixel(four.center().x(), gapY), rgb(view.theme().background()));

    const QString tooltip = describeLogCell(model, id(3), LogIndex(5));
    QVERIFY2(tooltip.contains(u"put x=lost"_s) && tooltip.contains(u"Not committed"_s), qPrintable(tooltip));
    QVERIFY2(tooltip.contains(u"Conflict: nodes 1, 2 hold an entry of another term"_s), qPrintable(tooltip));
    // The same text shows when the mouse rests on the cell.
    const QPoint onCell = view.cellRect(id(3), LogIndex(5)).center();
    QHelpEvent help(QEvent::ToolTip, onCell, view.viewport()->mapToGlobal(onCell));
    QCoreApplication::sendEvent(view.viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), tooltip);
    QToolTip::hideText();
    savePng(view, u"logview-partition.png"_s);
}

void TestLogView::followsTheTailUntilScrolledBack()
{
    ClusterModel model;
    Replay replay(model);
    LogView view(&model);
    sizeForColumns(view, 3);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    replay.foldAll();
    QVERIFY(view.isFollowingTail());
    QCOMPARE(view.lastVisibleIndex(), 9);
    QCOMPARE(view.firstVisibleIndex(), 8); // 8, 9 and the empty slot 10 the leader's nextIndex points at

    qint64 now = replay.nowUs();
    const auto writeOnNodeTwo = [&](std::uint64_t first, std::uint64_t count) {
        replay.setNow(now += 10'000);
        model.ingest(appendEvent(2, now, first, entries(first, count, 3)));
        model.foldPending();
    };
    writeOnNodeTwo(10, 11); // up to 20
    QCOMPARE(view.lastVisibleIndex(), 20);
    QVERIFY(view.isFollowingTail());

    // The user scrolls back: following pauses, new entries do not move the view.
    view.horizontalScrollBar()->setValue(0);
    QVERIFY(!view.isFollowingTail());
    QCOMPARE(view.firstVisibleIndex(), 1);
    writeOnNodeTwo(21, 10);
    QCOMPARE(view.firstVisibleIndex(), 1);
    QVERIFY(!view.isFollowingTail());

    // Back at the right end: following resumes.
    view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->maximum());
    QVERIFY(view.isFollowingTail());
    writeOnNodeTwo(31, 5);
    QCOMPARE(view.lastVisibleIndex(), 35);

    // The button resumes too.
    view.horizontalScrollBar()->setValue(3);
    QVERIFY(!view.isFollowingTail());
    view.setFollowingTail(true);
    QCOMPARE(view.lastVisibleIndex(), 35);
}

void TestLogView::snapshotPrefixIsShownAsOneBlock()
{
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    for (std::uint32_t n = 1; n <= 3; ++n) {
        model.setNodeConnected(id(n), true);
        model.ingest(appendEvent(n, now, 1, entries(1, 130, 1)));
        model.ingest(commitEvent(n, now, n == 3 ? 125 : 130, 1));
        model.ingest(applyEvent(n, now, 124, 1));
    }
    model.ingest(snapshotEvent(1, now, 120, 1));
    model.foldPending();
    QCOMPARE(model.log(id(1))->firstMirroredIndex(), LogIndex(121));

    LogView view(&model);
    view.resize(1000, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.horizontalScrollBar()->setValue(0);
    QCOMPARE(view.firstVisibleIndex(), 1); // nodes 2 and 3 still hold index 1
    view.horizontalScrollBar()->setValue(115);
    const QImage image = view.viewport()->grab().toImage();
    // Node 1's cells up to 120 are one hatched block, not term-coloured cells; index 121 is a cell.
    const QRgb block = cellColor(image, view.cellRect(id(1), LogIndex(118)));
    QVERIFY(block != rgb(view.theme().termColor(Term(1))));
    QCOMPARE(cellColor(image, view.cellRect(id(1), LogIndex(121))), rgb(view.theme().termColor(Term(1))));
    QCOMPARE(cellColor(image, view.cellRect(id(2), LogIndex(118))), rgb(view.theme().termColor(Term(1))));
    QVERIFY(describeLogCell(model, id(1), LogIndex(118)).isEmpty());
    savePng(view, u"logview-snapshot.png"_s);
}

void TestLogView::entriesNeverSeenAreUnknownNotASnapshot()
{
    // Node 1's stream starts when it already holds entries 1-4 of term 3 and no snapshot; nobody else
    // holds them yet. The app cannot show their contents, and must not pretend they are a snapshot.
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    QJsonObject status = stateEvent(1, now, "follower", 3, {id(1), id(2)});
    status["last_log_index"_L1] = 4;
    status["last_log_term"_L1] = 3;
    status["first_log_index"_L1] = 1;
    status["snapshot_index"_L1] = 0;
    model.ingest(status);
    model.ingest(stateEvent(2, now, "follower", 3, {id(1), id(2)}));
    model.ingest(appendEvent(1, now + 1, 5, entries(5, 1, 3)));
    model.ingest(commitEvent(1, now + 2, 5, 3));
    model.foldPending();
    QCOMPARE(unmirroredPrefixEnd(*model.log(id(1))), LogIndex(0));

    LogView view(&model);
    view.resize(1000, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.firstVisibleIndex(), 1);
    const QImage image = view.viewport()->grab().toImage();
    // Index 2 is an outlined empty slot (no fill, no hatching); index 5 a term-3 cell.
    QCOMPARE(cellColor(image, view.cellRect(id(1), LogIndex(2))), rgb(view.theme().background()));
    QCOMPARE(cellColor(image, view.cellRect(id(1), LogIndex(5))), rgb(view.theme().termColor(Term(3))));
    savePng(view, u"logview-unseen.png"_s);
}

void TestLogView::repaintsOnlyWhenTheLogsChange()
{
    ClusterModel model;
    Replay replay(model);
    LogView view(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    replay.foldAll();
    view.viewport()->repaint();
    const qint64 painted = view.lastPaintUs();
    QVERIFY(painted > 0);

    // A frame in which only heartbeats moved (nothing the logs show) does not schedule a paint.
    struct PaintCounter : QObject
    {
        int paints = 0;
        bool eventFilter(QObject *, QEvent *event) override
        {
            paints += event->type() == QEvent::Paint;
            return false;
        }
    } counter;
    view.viewport()->installEventFilter(&counter);
    replay.setNow(replay.nowUs() + 50'000);
    model.addFaultMarker(u"not drawn here"_s, replay.nowUs()); // changes the model, not the logs
    model.foldPending();
    QCoreApplication::processEvents();
    QCOMPARE(counter.paints, 0);
    model.ingest(appendEvent(2, replay.nowUs(), 10, entries(10, 1, 3)));
    model.foldPending();
    QTRY_VERIFY_WITH_TIMEOUT(counter.paints > 0, 2000);
}

void TestLogView::aLogThatStoppedShortSaysWhatItLacks()
{
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    nodeOneLeadsThree(model, now);
    model.ingest(appendEvent(1, now, 1, entries(1, 12, 2)));
    model.ingest(appendEvent(2, now, 1, entries(1, 12, 2)));
    model.ingest(appendEvent(3, now, 1, entries(1, 7, 2)));
    model.foldPending();
    LogView view(&model);
    view.resize(1400, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const auto inked = [&view](std::uint64_t index) {
        // Anything but the ground in the middle of node 3's slot at `index`.
        const QImage image = view.viewport()->grab().toImage();
        const QRect slot = view.cellRect(id(3), LogIndex(index)).adjusted(2, 2, -2, -2);
        for (int y = slot.top(); y <= slot.bottom(); ++y)
            for (int x = slot.left(); x <= slot.right(); ++x)
                if (image.pixel(x, y) != rgb(view.theme().background()))
                    return true;
        return false;
    };
    const auto later = [&](qint64 us) {
        now += us;
        model.addFaultMarker(u"a frame"_s, now); // something changes: the model folds a frame
        model.foldPending();
    };
    // Replication under way: node 3 moves on, a message behind. Nothing is said.
    QCOMPARE(view.lagNote(id(3)), QString());
    later(LogView::lagNoteDelayUs / 2);
    model.ingest(appendEvent(3, now, 8, entries(8, 1, 2)));
    model.foldPending();
    later(LogView::lagNoteDelayUs / 2);
    QCOMPARE(view.lagNote(id(3)), QString());
    QVERIFY(!inked(10));
    QCOMPARE(view.lagNote(id(2)), QString());
    // Its log has stood still a second: now it is worth saying.
    later(LogView::lagNoteDelayUs / 2 + 1);
    QCOMPARE(view.lagNote(id(3)), u"log ends at 8 · lacks 9–12"_s);
    QTRY_VERIFY(inked(10));
    QCOMPARE(view.lagNote(id(2)), QString());
    // A node that is down lacks what the leader appends from then on, at once.
    model.setNodeConnected(id(2), false);
    model.ingest(appendEvent(1, now + 1, 13, entries(13, 2, 2)));
    model.foldPending();
    QCOMPARE(view.lagNote(id(2)), u"log ends at 12 · lacks 13–14"_s);
    QCOMPARE(view.lagNote(id(3)), u"log ends at 8 · lacks 9–14"_s);
    // Caught up: nothing to say.
    model.ingest(appendEvent(3, now + 2, 9, entries(9, 6, 2)));
    model.foldPending();
    QCOMPARE(view.lagNote(id(3)), QString());
    savePng(view, u"logview-lacks.png"_s);
}

// Seen under Xvfb at 1920x1080 after the leader of term 1 was killed: its row said "log en…", the words
// cut to the one slot it lacked. They run on over the empty slots to the right of it.
void TestLogView::aShortLackIsSaidInFull()
{
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    nodeOneLeadsThree(model, now);
    for (std::uint32_t n = 1; n <= 3; ++n) {
        model.ingest(appendEvent(n, now, 1, entries(1, 1, 1)));
    }
    model.foldPending();
    model.setNodeConnected(id(2), false); // down: it lacks what the leader appends from then on
    model.ingest(appendEvent(1, now + 1, 2, entries(2, 1, 2)));
    model.ingest(appendEvent(3, now + 1, 2, entries(2, 1, 2)));
    model.foldPending();
    LogView view(&model);
    view.resize(1400, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.lagNote(id(2)), u"log ends at 1 · lacks 2"_s);
    const QImage image = view.viewport()->grab().toImage();
    const QRect lacking = view.cellRect(id(2), LogIndex(2));
    int rightmostInk = -1;
    for (int y = lacking.top() + 2; y <= lacking.bottom() - 2; ++y)
        for (int x = lacking.left(); x < image.width(); ++x)
            if (image.pixel(x, y) != rgb(view.theme().background()))
                rightmostInk = std::max(rightmostInk, x);
    const QFontMetrics small(view.font());
    QVERIFY2(rightmostInk - lacking.left() >= small.horizontalAdvance(view.lagNote(id(2))) / 2,
             qPrintable(u"the note ends %1 px from its slot's left edge; the slot is %2 px wide"_s
                            .arg(rightmostInk - lacking.left())
                            .arg(lacking.width())));
}

void TestLogView::theLeadersRowIsNeverBehindItsFollowers()
{
    // A real cluster under write load (fixtures/leader_under_load.jsonl): a follower reported entries of
    // the leader's term before the leader's own stream did. The leader's row draws them, and its
    // tooltip says why the app knows.
    ClusterModel model;
    Replay replay(model, u"leader_under_load.jsonl"_s);
    LogView view(&model);
    view.resize(1200, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    bool sawEarlyFollower = false;
    for (std::size_t line = 0; line < replay.lineCount(); ++line) {
        replay.foldLines(1);
        const NodeId leader = model.summary().leader;
        const LogMirror *leaderLog = model.log(leader);
        if (!leaderLog || leaderLog->reportedIndex() >= leaderLog->lastIndex())
            continue;
        sawEarlyFollower = true;
        const LogIndex last = leaderLog->lastIndex();
        const QImage image = view.viewport()->grab().toImage();
        QCOMPARE(cellColor(image, view.cellRect(leader, last)),
                 rgb(LogRowPainter(view.theme(), LogGeometry::forTheme(view.theme()))
                         .cellFill(leaderLog->entry(last)->term, leaderLog->isCommitted(last))));
        const QString tooltip = describeLogCell(model, leader, last);
        QVERIFY2(tooltip.contains(u"has not reported it on its own disk yet"_s), qPrintable(tooltip));
        break;
    }
    QVERIFY2(sawEarlyFollower, "the recording has a follower reporting entries before its leader");
    savePng(view, u"logview-leader-under-load.png"_s);
}

void TestLogView::noTermLooksLikeAKilledNode()
{
    // Seen under Xvfb after a few elections under load: every node of term 8 was filled with the grey of a
    // killed node (the palette's eighth hue was black, tinted to grey). Term fills stay apart from each
    // other and from the killed and frozen fills, in both themes.
    const auto distance = [](const QColor &a, const QColor &b) {
        return std::hypot(a.red() - b.red(), a.green() - b.green(), a.blue() - b.blue());
    };
    for (const Theme &theme : {Theme::standard(), Theme::projector()}) {
        for (std::uint64_t term = 1; term <= 8; ++term) {
            const QColor fill = theme.termColor(Term(term));
            QVERIFY2(distance(fill, theme.killed()) > 40 && fill.hslSaturation() > 40,
                     qPrintable(u"term %1: %2 beside the killed grey %3"_s.arg(term).arg(
                         fill.name(), theme.killed().name())));
            for (std::uint64_t other = term + 1; other <= 8; ++other)
                QVERIFY2(distance(fill, theme.termColor(Term(other))) > 25,
                         qPrintable(u"terms %1 and %2"_s.arg(term).arg(other)));
        }
    }
}

void TestLogView::paintsNineNodesOfHundredThousandEntriesQuickly()
{
    RAFTLAB_PERF_ONLY();
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    QElapsedTimer building;
    building.start();
    fillNineLogs(model, now);
    qInfo("built 9 x %llu entries in %lld ms", static_cast<unsigned long long>(nineLogsLength),
          static_cast<long long>(building.elapsed()));

    LogView view(&model);
    view.resize(1600, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const auto measure = [&view](const char *what) {
        std::vector<qint64> times;
        for (int i = 0; i < 20; ++i) {
            view.viewport()->repaint();
            times.push_back(view.lastPaintUs());
        }
        std::sort(times.begin(), times.end());
        // The machine is shared: the minimum is the cost, the median what a busy machine gives.
        qInfo("paint %s, 9 x 100,000 entries at 1600x900: min %lld us, median %lld us, max %lld us", what,
              static_cast<long long>(times.front()), static_cast<long long>(times[times.size() / 2]),
              static_cast<long long>(times.back()));
        return times[times.size() / 2];
    };
    const qint64 atTail = measure("at the tail");
    view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->maximum() / 2);
    const qint64 inTheMiddle = measure("in the middle");
    QVERIFY2(atTail < 100'000 && inTheMiddle < 100'000, "a paint takes a few ms, whatever the log's length");
}

void TestLogView::showsTheTailOfNineLogsOfHundredThousandEntries()
{
    ClusterModel model;
    qint64 now = 1'000'000;
    model.setClock([&now] { return now; });
    fillNineLogs(model, now);
    QCOMPARE(model.highestLogIndex(), LogIndex(nineLogsLength));
    QCOMPARE(model.log(id(9))->size(), std::size_t(nineLogsLength));

    LogView view(&model);
    view.resize(1600, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.lastVisibleIndex(), int(nineLogsLength));
    view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->maximum() / 2);
    QVERIFY(!view.isFollowingTail());
    view.setFollowingTail(true);
    savePng(view, u"logview-9x100k.png"_s);
}

void TestLogView::projectorTheme()
{
    ClusterModel model;
    Replay replay(model);
    LogView view(&model);
    view.setTheme(Theme::projector());
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    replay.foldThrough(replay.timeOfDirective(u"fault"_s, u"heal"_s) - 1);
    const QImage image = view.viewport()->grab().toImage();
    QCOMPARE(cellColor(image, view.cellRect(id(1), LogIndex(5))), rgb(Theme::projector().termColor(Term(2))));
    QVERIFY2(view.cellRect(id(1), LogIndex(1)).width() > LogGeometry::forTheme(Theme::standard()).cellWidth,
             "projector cells are bigger");
    savePng(view, u"logview-partition-projector.png"_s);
}

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
