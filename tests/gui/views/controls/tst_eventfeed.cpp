// EventFeed over a replayed recording of a real 3-node cluster (fixturereplay.h): newest first,
// filters that leave exactly the matching sentences, a pause that holds the rows still while new
// sentences arrive, and a full feed that a clear empties. Offscreen; it also saves PNGs of the feed
// (standard and projector themes) for a human to look at (support/screenshots.h). Its frame costs are
// speed claims, run by `ctest -L perf` only.
#include "support/fixturereplay.h"
#include "support/replayedview.h"
#include "support/screenshots.h"
#include "views/controls/eventfeed.h"
#include "views/controls/feeddelegate.h"
#include "views/controls/feedgroups.h"

#include "model/clustermodel.h"
#include "perfonly.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include <map>
#include <set>

using namespace raftlab;
using raftlab::testing::Replay;
using raftlab::testing::ReplayedView;
using raftlab::testing::saveScreenshot;

namespace {

// Every sentence of the narration, newest first, that `accepts` takes: the expectation, computed
// from the model directly rather than through the feed's filters.
QStringList expectedSentences(const Narration &narration,
                              const std::function<bool(const NarrationItem &)> &accepts)
{
    QStringList sentences;
    for (std::size_t row = 0; row < narration.size(); ++row)
        if (accepts(narration.item(row)))
            sentences << narration.item(row).shownText();
    return sentences;
}

QStringList shownSentences(const EventFeed &feed)
{
    QStringList sentences;
    for (int row = 0; row < feed.shownCount(); ++row)
        sentences << feed.shownSentence(row);
    return sentences;
}

// The narrated types of the fixture, grouped as a student would: written out here, not taken from
// feedGroupTypes(), so that a change of the grouping shows up as a failing test.
const std::set<QString> electionTypes{"role", "term", "timeout", "vote_request", "vote", "vote_received"};
const std::set<QString> replicationTypes{"append_accepted", "append_rejected", "commit", "truncate"};
const std::set<QString> faultTypes{"fault", "faults", "connection", "state"};

QJsonObject commitSentence(std::uint32_t node, qint64 tUs, qint64 index)
{
    return QJsonObject{
        {QStringLiteral("type"), QStringLiteral("commit")},
        {QStringLiteral("node"), qint64(node)},
        {QStringLiteral("term"), 1 + index / 500},
        {QStringLiteral("t_us"), tUs},
        {QStringLiteral("role"), QStringLiteral("follower")},
        {QStringLiteral("index"), index},
        {QStringLiteral("text"),
         QStringLiteral("Node %1 knows entries up to index %2 are committed.").arg(node).arg(index)}};
}

struct FrameCost
{
    double meanMs = 0;
    double worstMs = 0;
};

// A feed shown as the app's feed dock shows it, over a model on a clock of its own, and a busy cluster to
// feed it.
struct BusyFeed
{
    qint64 now = 1'000'000;
    ClusterModel model;
    EventFeed feed{&model};

    BusyFeed()
    {
        model.setClock([this] { return now; });
        feed.resize(900, 560);
        feed.show();
    }

    // `frames` frames of `perFrame` commit sentences each, every frame folded and painted as the app does
    // (one insertion, and one removal at the bottom once the ring is full). "Clear" is pressed before
    // frame `clearedAtFrame`.
    FrameCost run(int frames, int perFrame, int clearedAtFrame)
    {
        qint64 index = 0;
        qint64 worstNs = 0;
        QElapsedTimer total;
        total.start();
        for (int frame = 0; frame < frames; ++frame) {
            if (frame == clearedAtFrame)
                feed.clear();
            for (int i = 0; i < perFrame; ++i) {
                now += 1'000;
                ++index;
                model.ingest(commitSentence(std::uint32_t(1 + index % 9), now, index));
            }
            QElapsedTimer one;
            one.start();
            model.foldPending();
            QCoreApplication::processEvents(); // the delayed layout and the paint
            worstNs = std::max(worstNs, one.nsecsElapsed());
        }
        return FrameCost{total.nsecsElapsed() / 1e6 / frames, worstNs / 1e6};
    }
};

} // namespace

class TestEventFeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsNewestFirstWithRelativeTimes();
    void aFilterLeavesExactlyItsSentences_data();
    void aFilterLeavesExactlyItsSentences();
    void groupsHoldTheSentencesAClassLooksFor();
    void everyNarratedTypeHasAGroup();
    void filtersCombineAndSearchIgnoresCase();
    void toolbarControlsDriveTheFilters();
    void pauseKeepsTheShownRowsWhileSentencesArrive();
    void clearHidesWhatWasThereAndShowsWhatComes();
    void rendersLegiblyInBothThemes();
    void projectorRowsHoldWholeSentences();
    void clearingAFullFeedShowsOnlyWhatCameAfter();

    // Speed claims (`ctest -L perf`).
    void aPaintOfTheVisibleRowsTakesUnderAFrame();
    void aFullFeedCostsLittlePerFrame();
};

void TestEventFeed::showsNewestFirstWithRelativeTimes()
{
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    replay.foldAll();

    const Narration &narration = *model.narration();
    QVERIFY(narration.size() > 50);
    QCOMPARE(feed.shownCount(), int(narration.size()));
    QCOMPARE(shownSentences(feed), expectedSentences(narration, [](const NarrationItem &) { return true; }));
    const QAbstractItemModel *shown = feed.shownModel();
    for (int row = 1; row < shown->rowCount(); ++row)
        QVERIFY2(shown->index(row - 1, 0).data(Narration::TimeRole).toLongLong() >=
                     shown->index(row, 0).data(Narration::TimeRole).toLongLong(),
                 qPrintable(QStringLiteral("row %1 is newer than the row above it").arg(row)));
    // The story ends with a write committed after node 1 came back; it began with node 1 connecting.
    QVERIFY2(
        feed.shownSentence(shown->rowCount() - 1).startsWith(QStringLiteral("Node 1's event stream is up")),
        qPrintable(feed.shownSentence(shown->rowCount() - 1)));

    QCOMPARE(FeedDelegate::relativeTime(1'000'000 + 12'345'678, 1'000'000), QStringLiteral("+12.345 s"));
    QCOMPARE(FeedDelegate::relativeTime(125'123'000, 0), QStringLiteral("+2:05.123"));
    QCOMPARE(FeedDelegate::relativeTime(5, 10), QStringLiteral("+0.000 s"));
}

void TestEventFeed::aFilterLeavesExactlyItsSentences_data()
{
    QTest::addColumn<std::uint32_t>("node"); // 0: every node
    QTest::addColumn<int>("group"); // a FeedGroup, or -1: every group
    for (const std::uint32_t node : {1U, 2U, 3U})
        QTest::addRow("node %u", node) << node << -1;
    QTest::newRow("elections") << 0U << int(FeedGroup::Elections);
    QTest::newRow("replication") << 0U << int(FeedGroup::Replication);
    QTest::newRow("faults") << 0U << int(FeedGroup::Faults);
}

void TestEventFeed::aFilterLeavesExactlyItsSentences()
{
    QFETCH(std::uint32_t, node);
    QFETCH(int, group);
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    replay.foldAll();
    const int all = feed.shownCount();

    const std::map<int, const std::set<QString> *> groupTypes{
        {int(FeedGroup::Elections), &electionTypes},
        {int(FeedGroup::Replication), &replicationTypes},
        {int(FeedGroup::Faults), &faultTypes}};
    if (node > 0)
        feed.setNodeFilter(NodeId(node));
    else
        feed.setGroupFilter(FeedGroup(group));
    const QStringList expected = expectedSentences(*model.narration(), [&](const NarrationItem &item) {
        return node > 0 ? item.node.value == node : groupTypes.at(group)->contains(item.type);
    });
    QVERIFY(!expected.isEmpty());
    QVERIFY(expected.size() < all);
    QCOMPARE(shownSentences(feed), expected);
    // Back to everything.
    feed.setNodeFilter(NodeId{});
    feed.setGroupFilter(FeedGroup::All);
    QCOMPARE(feed.shownCount(), all);
}

void TestEventFeed::groupsHoldTheSentencesAClassLooksFor()
{
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    replay.foldAll();
    feed.setGroupFilter(FeedGroup::Elections);
    QVERIFY(shownSentences(feed).filter(QStringLiteral("won the election")).size() >= 3);
    feed.setGroupFilter(FeedGroup::Replication);
    QCOMPARE(shownSentences(feed).filter(QStringLiteral("removed its entries from index 5")).size(), 1);
    QVERIFY(shownSentences(feed).filter(QStringLiteral("won the election")).isEmpty());
    feed.setGroupFilter(FeedGroup::Faults);
    QVERIFY(shownSentences(feed).contains(QStringLiteral("cut node 3 off")));
    feed.setGroupFilter(FeedGroup::Messages); // heartbeats, one counted line per leader and term
    QVERIFY(!shownSentences(feed).isEmpty());
    QVERIFY(shownSentences(feed).filter(QStringLiteral("heartbeat")).size() == feed.shownCount());
}

void TestEventFeed::everyNarratedTypeHasAGroup()
{
    ClusterModel model;
    Replay replay(model);
    replay.foldAll();
    for (std::size_t row = 0; row < model.narration()->size(); ++row) {
        const QString type = model.narration()->item(row).type;
        QVERIFY2(feedGroupOf(type) != FeedGroup::All,
                 qPrintable(type + QStringLiteral(" belongs to no group")));
        QVERIFY(feedGroupTypes(feedGroupOf(type)).contains(type));
    }
}

void TestEventFeed::filtersCombineAndSearchIgnoresCase()
{
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    replay.foldAll();

    feed.setNodeFilter(NodeId(3));
    feed.setGroupFilter(FeedGroup::Elections);
    QCOMPARE(shownSentences(feed), expectedSentences(*model.narration(), [](const NarrationItem &item) {
                 return item.node.value == 3 && electionTypes.contains(item.type);
             }));

    feed.setNodeFilter(NodeId{});
    feed.setGroupFilter(FeedGroup::All);
    feed.setSearchText(QStringLiteral("  WON THE ELECTION "));
    const QStringList won = expectedSentences(*model.narration(), [](const NarrationItem &item) {
        return item.text.contains(QStringLiteral("won the election"));
    });
    QVERIFY(won.size() >= 3);
    QCOMPARE(shownSentences(feed), won);

    feed.setSearchText(QStringLiteral("no sentence says this"));
    QCOMPARE(feed.shownCount(), 0);
    feed.setSearchText(QString());
    QCOMPARE(feed.shownCount(), int(model.narration()->size()));
}

void TestEventFeed::toolbarControlsDriveTheFilters()
{
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    replay.foldAll();

    auto *nodes = feed.findChild<QComboBox *>(QStringLiteral("nodeFilter"));
    auto *groups = feed.findChild<QComboBox *>(QStringLiteral("groupFilter"));
    auto *search = feed.findChild<QLineEdit *>(QStringLiteral("search"));
    QVERIFY(nodes && groups && search);
    QCOMPARE(nodes->count(), 4); // all, 1, 2, 3
    QCOMPARE(nodes->itemText(0), QStringLiteral("All nodes"));

    const int node2 = nodes->findText(QStringLiteral("Node 2"));
    QVERIFY(node2 > 0);
    nodes->setCurrentIndex(node2);
    Q_EMIT nodes->activated(node2); // what a click on the item does
    QCOMPARE(feed.nodeFilter(), NodeId(2));
    QCOMPARE(shownSentences(feed), expectedSentences(*model.narration(), [](const NarrationItem &item) {
                 return item.node.value == 2;
             }));

    const int replication = groups->findText(QStringLiteral("Replication"));
    groups->setCurrentIndex(replication);
    Q_EMIT groups->activated(replication);
    QCOMPARE(feed.groupFilter(), FeedGroup::Replication);

    QTest::keyClicks(search, QStringLiteral("commit"));
    QCOMPARE(shownSentences(feed), expectedSentences(*model.narration(), [](const NarrationItem &item) {
                 return item.node.value == 2 && replicationTypes.contains(item.type) &&
                     item.text.contains(QStringLiteral("commit"), Qt::CaseInsensitive);
             }));
    QVERIFY(feed.shownCount() > 0);
}

void TestEventFeed::pauseKeepsTheShownRowsWhileSentencesArrive()
{
    ReplayedView<EventFeed> rig(QSize(700, 300));
    QVERIFY(rig.shown());
    auto &[model, replay, feed] = rig;
    replay.foldLines(replay.lineCount() / 2);
    const int before = feed.shownCount();
    QVERIFY(before > 20);

    // The reader scrolled down a little to read row 5.
    QListView *list = feed.listView();
    list->scrollTo(feed.shownModel()->index(5, 0), QAbstractItemView::PositionAtTop);
    QTRY_COMPARE(list->indexAt(QPoint(2, 2)).row(), 5);
    const QString readRow = feed.shownSentence(5);
    const QStringList shownBefore = shownSentences(feed);

    QSignalSpy paused(&feed, &EventFeed::pausedChanged);
    auto *pause = feed.findChild<QToolButton *>(QStringLiteral("pause"));
    QVERIFY(pause);
    pause->click();
    QVERIFY(feed.isPaused());
    QCOMPARE(paused.size(), 1);

    const std::size_t narratedBefore = model.narration()->size();
    replay.foldAll(); // the rest of the story arrives while the reader reads
    QVERIFY(model.narration()->size() > narratedBefore);
    QCOMPARE(feed.arrivedWhilePaused(), int(model.narration()->size() - narratedBefore));
    QCOMPARE(shownSentences(feed), shownBefore);
    QCoreApplication::processEvents(); // any delayed layout
    QCOMPARE(feed.shownSentence(list->indexAt(QPoint(2, 2)).row()), readRow);
    QVERIFY(pause->text().contains(QString::number(feed.arrivedWhilePaused())));

    // Filters still work on what is held.
    feed.setNodeFilter(NodeId(1));
    QVERIFY(feed.shownCount() < before);
    feed.setNodeFilter(NodeId{});
    QCOMPARE(shownSentences(feed), shownBefore);

    pause->click();
    QVERIFY(!feed.isPaused());
    QCOMPARE(paused.size(), 2);
    QCOMPARE(feed.shownCount(), int(model.narration()->size()));
    QCOMPARE(feed.shownSentence(0), model.narration()->item(0).shownText());
}

void TestEventFeed::clearHidesWhatWasThereAndShowsWhatComes()
{
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    replay.foldLines(replay.lineCount() / 2);
    QVERIFY(feed.shownCount() > 0);
    feed.findChild<QToolButton *>(QStringLiteral("clear"))->click();
    QCOMPARE(feed.shownCount(), 0);
    const std::size_t narratedBefore = model.narration()->size();
    replay.foldAll();
    QCOMPARE(feed.shownCount(), int(model.narration()->size() - narratedBefore));
    QCOMPARE(feed.shownSentence(0), model.narration()->item(0).shownText());
}

void TestEventFeed::rendersLegiblyInBothThemes()
{
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    feed.resize(900, 560);
    replay.foldAll();
    feed.show();
    QVERIFY(QTest::qWaitForWindowExposed(&feed));
    QVERIFY(saveScreenshot(feed, QStringLiteral("eventfeed_standard.png")));

    feed.setTheme(Theme::projector());
    QCoreApplication::processEvents();
    QVERIFY(saveScreenshot(feed, QStringLiteral("eventfeed_projector.png")));

    feed.resize(460, 560); // a narrow dock: sentences wrap onto more lines instead of being cut
    QCoreApplication::processEvents();
    QVERIFY(saveScreenshot(feed, QStringLiteral("eventfeed_projector_narrow.png")));

    feed.setTheme(Theme::standard());
    feed.resize(900, 560);
    feed.setGroupFilter(FeedGroup::Elections);
    feed.setPaused(true);
    QVERIFY(saveScreenshot(feed, QStringLiteral("eventfeed_paused_elections.png")));
}

void TestEventFeed::projectorRowsHoldWholeSentences()
{
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    feed.setTheme(Theme::projector());
    feed.resize(300, 560); // the feed's dock at 1024x768 in projector mode
    replay.foldAll();
    feed.show();
    QVERIFY(QTest::qWaitForWindowExposed(&feed));
    auto *list = feed.findChild<QListView *>(QStringLiteral("sentences"));
    QVERIFY(list);
    auto *delegate = qobject_cast<FeedDelegate *>(list->itemDelegate());
    QVERIFY(delegate);
    const int lineHeight = QFontMetrics(Theme::projector().font(1.0)).lineSpacing();
    const QAbstractItemModel *shown = feed.shownModel();
    std::map<QString, int> heights;
    int longest = 0;
    for (int row = 0; row < shown->rowCount(); ++row) {
        const QString sentence = feed.shownSentence(row);
        const QStringList lines = delegate->linesOf(sentence, list->viewport()->width());
        // Every word is there, none replaced by an ellipsis.
        QCOMPARE(lines.join(QString()).remove(u' '),
                 QString(sentence).remove(u' ')); // (lines may break at "pre-")
        const int height = list->visualRect(shown->index(row, 0)).height();
        QVERIFY2(height >= int(lines.size()) * lineHeight,
                 qPrintable(QStringLiteral("a row of %1 px for %2 lines: %3")
                                .arg(height)
                                .arg(lines.size())
                                .arg(sentence)));
        heights[sentence] = height;
        longest = std::max(longest, int(lines.size()));
    }
    QVERIFY2(longest >= 3, "the narrow projector feed wraps long sentences onto several lines");

    // Sentences arriving do not change the height of the rows already there: the feed does not jump.
    qint64 now = 2'000'000'000;
    for (int i = 1; i <= 20; ++i)
        model.ingest(commitSentence(std::uint32_t(1 + i % 5), now += 1'000, 1000 + i));
    model.foldPending();
    QCoreApplication::processEvents();
    for (int row = 0; row < shown->rowCount(); ++row) {
        const auto it = heights.find(feed.shownSentence(row));
        if (it != heights.end())
            QCOMPARE(list->visualRect(shown->index(row, 0)).height(), it->second);
    }
    QVERIFY(saveScreenshot(feed, QStringLiteral("eventfeed_projector_1024x768.png")));
}

void TestEventFeed::clearingAFullFeedShowsOnlyWhatCameAfter()
{
    // 20 sentences a frame for 200 frames fill the 2000-sentence ring twice over; "Clear" while the ring
    // is full: the hidden rows scroll out first, and the feed shows exactly the sentences that came after.
    BusyFeed busy;
    QVERIFY(QTest::qWaitForWindowExposed(&busy.feed));

    constexpr int frames = 200;
    constexpr int perFrame = 20;
    constexpr int clearedAtFrame = 150;
    busy.run(frames, perFrame, clearedAtFrame);
    const Narration &narration = *busy.model.narration();
    QCOMPARE(int(narration.size()), int(narration.capacity()));
    QCOMPARE(busy.feed.shownCount(), (frames - clearedAtFrame) * perFrame);
    QCOMPARE(busy.feed.shownSentence(0), narration.item(0).shownText());
    QCOMPARE(busy.feed.shownSentence(busy.feed.shownCount() - 1),
             narration.item(std::size_t(busy.feed.shownCount() - 1)).shownText());
    QVERIFY(saveScreenshot(busy.feed, QStringLiteral("eventfeed_busy.png")));
}

void TestEventFeed::aPaintOfTheVisibleRowsTakesUnderAFrame()
{
    RAFTLAB_PERF_ONLY();
    ClusterModel model;
    Replay replay(model);
    EventFeed feed(&model);
    feed.resize(900, 560);
    replay.foldAll();
    feed.show();
    QVERIFY(QTest::qWaitForWindowExposed(&feed));
    QElapsedTimer clock;
    clock.start();
    constexpr int paints = 20;
    for (int i = 0; i < paints; ++i)
        feed.listView()->viewport()->repaint();
    const double paintMs = clock.nsecsElapsed() / 1e6 / paints;
    qInfo("EventFeed: one full paint of the visible rows takes %.2f ms", paintMs);
    QVERIFY2(paintMs < 33, qPrintable(QStringLiteral("a paint took %1 ms").arg(paintMs)));
}

void TestEventFeed::aFullFeedCostsLittlePerFrame()
{
    RAFTLAB_PERF_ONLY();
    BusyFeed busy;
    QVERIFY(QTest::qWaitForWindowExposed(&busy.feed));
    constexpr int frames = 200;
    constexpr int perFrame = 20;
    const FrameCost cost = busy.run(frames, perFrame, 150);
    qInfo("EventFeed: %d frames of %d sentences with a full feed: mean %.2f ms, worst %.2f ms per frame",
          frames, perFrame, cost.meanMs, cost.worstMs);
    QVERIFY2(cost.meanMs < 33, qPrintable(QStringLiteral("mean frame %1 ms").arg(cost.meanMs)));
}

QTEST_MAIN(TestEventFeed)
#include "tst_eventfeed.moc"
