// ChartsPanel: the four charts over the recorded 3-node fixture, plus the pure point builders. Set
// RAFTLAB_SCREENSHOT_DIR to keep PNGs of the panel. The refresh time of the biggest window is a speed
// claim, run by `ctest -L perf`.
#include "chartseries.h"
#include "chartspanel.h"
#include "leaderlesschart.h"
#include "perfonly.h"
#include "support/fixturereplay.h"
#include "support/replayedview.h"
#include "support/screenshots.h"
#include "support/syntheticevents.h"
#include "timechartview.h"
#include "writeschart.h"

#include <QChart>

#include <QElapsedTimer>
#include <QImage>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <array>
#include <cmath>
#include <set>

using namespace raftlab;
using namespace raftlab::testing;
using namespace Qt::StringLiterals;

namespace {

// Lines that agree are drawn a line's width apart, so a drawn value is near the true one, not equal.
bool nearValue(double drawn, double value)
{
    return qAbs(drawn - value) <= 0.5 + 0.1 * qAbs(value);
}

void savePng(ChartsPanel &panel, const QString &name)
{
    if (screenshotsRequested())
        QVERIFY(panel.exportPng(screenshotPath(name)));
}

// The worst window: 10 minutes of 9 nodes whose commit index moves every 100 ms (the series'
// resolution), and a term change every 10 s. `now` is the model's clock.
void fillTenMinutesOfNineNodes(ClusterModel &model, qint64 &now)
{
    for (int step = 1; step <= 6000; ++step) {
        now += 100'000;
        for (std::uint32_t n = 1; n <= 9; ++n) {
            model.ingest(commitEvent(n, now, std::uint64_t(step), std::uint64_t(1 + step / 100)));
            if (step % 100 == 0)
                model.ingest(QJsonObject{{"type"_L1, "term"_L1},
                                         {"node"_L1, qint64(n)},
                                         {"t_us"_L1, now},
                                         {"term"_L1, 1 + step / 100}});
        }
        if (step % 10 == 0)
            model.foldPending();
    }
    model.foldPending();
}

// That window shown as a projector would: a 1600x1000 panel over 600 s of a model filled with it.
struct TenMinutesOfNineNodesShown
{
    TenMinutesOfNineNodesShown()
    {
        model.setClock([this] { return now; });
        fillTenMinutesOfNineNodes(model, now);
        panel.resize(1600, 1000);
        panel.setWindowSeconds(600);
        panel.show();
    }

    qint64 now = 1'000'000;
    ClusterModel model;
    ChartsPanel panel{&model};
};

} // namespace

class TestChartsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nodeColoursAreFarApart();
    void faultLabelsNeverOverlap();
    void axisTitlesShowWholeOrNotAtAll();
    void stepPointsHoldEachValueUntilTheNextChange();
    void windowKeepsOnlyRecentPoints();
    void decimationKeepsTheShape();
    void seriesPerNodeEndAtTheModelsValues();
    void faultMarkersOnEveryChart();
    void leaderlessTimeIsTotalled();
    void leaderAxisNamesEveryNode();
    void clientWritesThroughputAndLatency();
    void pauseStopsUpdates();
    void hiddenPanelDoesNotRefresh();
    void exportWritesAPng();
    void tenMinutesOfNineNodesAreDecimatedToTheChartsResolution();
    void refreshCostOfTenMinutesOfNineNodes(); // a speed claim: `ctest -L perf`
};

void TestChartsPanel::stepPointsHoldEachValueUntilTheNextChange()
{
    TimeSeries series(60'000'000, 100'000);
    series.append(1'000'000, 1);
    series.append(5'000'000, 2);
    const QList<QPointF> points = stepPoints(series, ChartWindow{.nowUs = 10'000'000, .spanUs = 30'000'000});
    const QList<QPointF> expected{{-9, 1}, {-5, 1}, {-5, 2}, {0, 2}};
    QCOMPARE(points, expected);
}

void TestChartsPanel::windowKeepsOnlyRecentPoints()
{
    TimeSeries series(600'000'000, 100'000);
    for (qint64 t = 0; t < 100'000'000; t += 1'000'000)
        series.append(t, double(t / 1'000'000));
    // The last 10 s: the value in force at the window's start, then 10 steps of two points, then now.
    const QList<QPointF> points = stepPoints(series, ChartWindow{.nowUs = 100'000'000, .spanUs = 10'000'000});
    QCOMPARE(points.front(), QPointF(-10, 90));
    QCOMPARE(points.back(), QPointF(0, 99));
    QCOMPARE(points.size(), 1 + 2 * 9 + 1);
    for (const QPointF &point : points)
        QVERIFY(point.x() >= -10 && point.x() <= 0);
}

void TestChartsPanel::decimationKeepsTheShape()
{
    TimeSeries series(600'000'000, 1'000);
    for (qint64 t = 1'000'000; t <= 60'000'000; t += 10'000) // a change every 10 ms for a minute
        series.append(t, double(t / 10'000) + (t % 20'000 == 0 ? 50 : 0)); // rising, with spikes
    const ChartWindow fine{.nowUs = 61'000'000, .spanUs = 60'000'000, .resolutionUs = 0};
    const ChartWindow coarse{.nowUs = 61'000'000, .spanUs = 60'000'000, .resolutionUs = 100'000};
    const QList<QPointF> all = stepPoints(series, fine);
    const QList<QPointF> few = stepPoints(series, coarse);
    QVERIFY(all.size() > 10'000);
    QVERIFY2(few.size() <= 4 * 600 + 2, qPrintable(QString::number(few.size())));
    QCOMPARE(few.back(), all.back());
    QCOMPARE(maximumY({&few}), maximumY({&all})); // the spikes survive
    for (qsizetype i = 1; i < few.size(); ++i)
        QVERIFY(few[i].x() >= few[i - 1].x());
}

void TestChartsPanel::seriesPerNodeEndAtTheModelsValues()
{
    ReplayedView<ChartsPanel> rig(QSize(1200, 700));
    QVERIFY(rig.shown());
    auto &[model, replay, panel] = rig;
    replay.foldAll();
    panel.refreshNow();
    for (std::uint32_t n = 1; n <= 3; ++n) {
        const QLineSeries *terms = panel.termSeries(id(n));
        const QLineSeries *commits = panel.commitSeries(id(n));
        QVERIFY(terms && commits);
        QCOMPARE(terms->name(), u"Node %1"_s.arg(n));
        QVERIFY(terms->count() >= 2);
        QCOMPARE(terms->points().last().x(), 0.0);
        QVERIFY(nearValue(terms->points().last().y(), double(model.node(id(n))->term.value)));
        QVERIFY(nearValue(commits->points().last().y(),
                          double(model.history().commitSeries(id(n))->last().value)));
    }
    // Nodes in the same term draw their lines apart: every one shows.
    std::set<double> lastTerms;
    for (std::uint32_t n = 1; n <= 3; ++n)
        lastTerms.insert(panel.termSeries(id(n))->points().last().y());
    QCOMPARE(lastTerms.size(), std::size_t(3));
    // What the fixture ends with: node 3 went through terms 0, 1, 2, 3; node 2 committed up to 9.
    QVERIFY(nearValue(panel.termSeries(id(3))->points().last().y(), 3.0));
    QVERIFY(nearValue(panel.commitSeries(id(2))->points().last().y(), 9.0));
    std::vector<double> steps;
    for (const QPointF &point : panel.termSeries(id(3))->points())
        if (const double term = std::round(point.y()); steps.empty() || steps.back() != term)
            steps.push_back(term);
    QCOMPARE(steps, (std::vector<double>{0, 1, 2, 3}));
    QVERIFY(!panel.termSeries(id(4)));
}

void TestChartsPanel::faultMarkersOnEveryChart()
{
    ClusterModel model;
    Replay replay(model);
    ChartsPanel panel(&model);
    replay.foldAll();
    panel.refreshNow();
    const std::vector<const TimeChartView *> charts = panel.charts();
    QCOMPARE(charts.size(), std::size_t(4));
    const double cutX = double(replay.timeOfDirective(u"fault"_s) - replay.nowUs()) / 1e6;
    for (const TimeChartView *chart : charts) {
        QCOMPARE(chart->faultMarkers().size(), std::size_t(2));
        QCOMPARE(chart->faultMarkers().front().label, u"cut node 3 off"_s);
        QCOMPARE(chart->faultMarkers().back().label, u"heal"_s);
        QCOMPARE(chart->faultMarkers().front().x, cutX);
        QVERIFY(chart->faultMarkers().front().x < chart->faultMarkers().back().x);
    }
    // A marker older than the window is not drawn.
    replay.setNow(replay.nowUs() + 31'000'000);
    model.foldPending();
    panel.refreshNow();
    for (const TimeChartView *chart : panel.charts())
        QVERIFY(chart->faultMarkers().empty());
}

void TestChartsPanel::leaderlessTimeIsTotalled()
{
    ClusterModel model;
    Replay replay(model);
    ChartsPanel panel(&model);
    replay.foldAll();
    panel.refreshNow();
    const LeaderlessChart *chart = panel.leaderlessChart();
    QVERIFY(chart->leaderlessUs() > 0);
    // The chart counts from the first sample it has, which is when the fixture starts.
    const qint64 firstSampleUs = model.history().termSeries(id(1))->at(0).tUs;
    QCOMPARE(chart->leaderlessUs(),
             model.history().leaderPresence().leaderlessUs(firstSampleUs, replay.nowUs()));
    QVERIFY2(chart->chart()->title().contains(u"% of the last"_s), qPrintable(chart->chart()->title()));
    // The band rises where no one led: at least two separate spans (before the first election, and
    // after node 1 was killed).
    int rises = 0;
    const QList<QPointF> band = chart->bandEdge()->points();
    const auto [bottom, top] = chart->leaderAxisRange();
    for (qsizetype i = 1; i < band.size(); ++i)
        rises += band[i - 1].y() == bottom && band[i].y() == top;
    QCOMPARE(rises, 2);
}

void TestChartsPanel::leaderAxisNamesEveryNode()
{
    for (const std::uint32_t count : {1u, 5u, 9u}) {
        ClusterModel model;
        qint64 now = 100'000'000;
        model.setClock([&now] { return now; });
        ChartsPanel panel(&model);
        panel.resize(1200, 700);
        panel.show();
        std::vector<NodeId> members;
        for (std::uint32_t n = 1; n <= count; ++n)
            members.push_back(id(n));
        for (std::uint32_t n = 1; n <= count; ++n)
            model.ingest(stateEvent(n, now, n == count ? "leader" : "follower", 2, members));
        model.foldPending();
        now += 3'000'000;
        model.ingest(stateEvent(count, now, "follower", 3, members)); // it steps down: nobody leads
        model.foldPending();
        now += 2'000'000;
        model.addFaultMarker(u"now"_s, now);
        model.foldPending();
        panel.refreshNow();
        const LeaderlessChart *chart = panel.leaderlessChart();
        // Every node has its own labelled row on the axis, and "none" its own: the highest node leading
        // is a line on its row, not at the edge.
        const QStringList labels = chart->leaderAxisLabels();
        QCOMPARE(labels.size(), qsizetype(count) + 1);
        QCOMPARE(labels.first(), u"none"_s);
        QCOMPARE(labels.last(), QString::number(count));
        const QList<QPointF> leader = chart->leaderSeries()->points();
        QVERIFY(!leader.isEmpty());
        QVERIFY(std::any_of(leader.begin(), leader.end(),
                            [&](const QPointF &point) { return point.y() == chart->rowOf(id(count)); }));
        QCOMPARE(leader.last().y(), chart->rowOf(NodeId{}));
        QVERIFY(chart->rowOf(id(count)) < chart->leaderAxisRange().second);
        QVERIFY(chart->rowOf(NodeId{}) > chart->leaderAxisRange().first);
        // The line names its leader in the plot, whatever labels the axis has room for.
        QCOMPARE(chart->leaderSpans().size(), std::size_t(1));
        QVERIFY(chart->leaderSpans().front().leader == id(count));
        savePng(panel, u"charts-leader-%1-nodes.png"_s.arg(count));
    }
}

void TestChartsPanel::clientWritesThroughputAndLatency()
{
    ClusterModel model;
    qint64 now = 100'000'000;
    model.setClock([&now] { return now; });
    ChartsPanel panel(&model);
    for (int second = 0; second < 5; ++second) {
        for (int i = 0; i < 10 * (second + 1); ++i)
            model.recordClientWrite(2'000 + i * 100, WriteOutcome::Committed);
        now += 1'000'000;
        model.foldPending();
    }
    panel.refreshNow();
    const WritesChart *writes = panel.writesChart();
    const QList<QPointF> throughput = writes->throughputSeries()->points();
    QVERIFY(!throughput.isEmpty());
    QCOMPARE(throughput.last().y(), 50.0); // the last closed second had 50 writes
    QCOMPARE(writes->latencySeries(LatencyPercentile::P50)->count(), 5);
    for (const QPointF &point : writes->latencySeries(LatencyPercentile::P99)->points())
        QVERIFY(point.y() >= 2.0 && point.y() < 7.0); // milliseconds
    // The title sums up the last seconds as the load generator's panel does: the same figures.
    const WriteSummary recent = model.history().clientWrites().summary();
    QCOMPARE(recent.committedPerSecond, 30.0); // 10, 20, 30, 40, 50
    QVERIFY2(writes->chart()->title().contains(recent.describe(true)), qPrintable(writes->chart()->title()));
    QVERIFY2(writes->toolTip().contains(recent.describe()), qPrintable(writes->toolTip()));
}

void TestChartsPanel::pauseStopsUpdates()
{
    ReplayedView<ChartsPanel> rig(QSize(1000, 700));
    QVERIFY(rig.shown());
    auto &[model, replay, panel] = rig;
    replay.foldThrough(replay.timeOfDirective(u"fault"_s) - 1);
    QSignalSpy refreshed(&panel, &ChartsPanel::refreshed);
    QVERIFY(refreshed.wait(2000)); // the timer picks the change up
    QVERIFY(nearValue(panel.termSeries(id(3))->points().last().y(), 1.0));

    panel.setPaused(true);
    QVERIFY(panel.isPaused());
    const quint64 count = panel.refreshCount();
    replay.foldAll(); // terms 2 and 3 happen while paused
    QVERIFY2(!refreshed.wait(800), "no refresh while paused");
    QCOMPARE(panel.refreshCount(), count);
    QVERIFY(nearValue(panel.termSeries(id(3))->points().last().y(), 1.0));

    panel.setPaused(false); // catches up at once
    QVERIFY(panel.refreshCount() > count);
    QVERIFY(nearValue(panel.termSeries(id(3))->points().last().y(), 3.0));
}

void TestChartsPanel::hiddenPanelDoesNotRefresh()
{
    ClusterModel model;
    Replay replay(model);
    ChartsPanel panel(&model);
    QSignalSpy refreshed(&panel, &ChartsPanel::refreshed);
    replay.foldAll();
    QVERIFY2(!refreshed.wait(700), "a hidden panel draws nothing");
    QCOMPARE(panel.refreshCount(), quint64(0));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.refreshCount() > 0); // shown: drawn at once

    // Calm: nothing changes but time, so it only slides once a second, not four times.
    const quint64 count = panel.refreshCount();
    QElapsedTimer elapsed;
    elapsed.start();
    replay.setNow(replay.nowUs() + 100'000);
    QVERIFY(!refreshed.wait(600));
    replay.setNow(replay.nowUs() + 1'000'000);
    QVERIFY(refreshed.wait(1000));
    QCOMPARE(panel.refreshCount(), count + 1);
}

void TestChartsPanel::exportWritesAPng()
{
    ClusterModel model;
    Replay replay(model);
    ChartsPanel panel(&model);
    panel.resize(1200, 800);
    replay.foldAll();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"charts.png"_s);
    QVERIFY(panel.exportPng(path));
    QVERIFY(QFileInfo(path).size() > 1000);
    const QImage image(path);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 400 && image.height() > 300);
    QVERIFY(!panel.exportPng(dir.filePath(u"no/such/dir/charts.png"_s)));

    const QByteArray pngDir = qgetenv("RAFTLAB_SCREENSHOT_DIR");
    if (!pngDir.isEmpty()) {
        QElapsedTimer timer;
        timer.start();
        panel.show();
        panel.refreshNow();
        panel.repaint();
        qInfo("charts: refresh + repaint of 4 charts at 1200x800 in %lld ms",
              static_cast<long long>(timer.elapsed()));
        savePng(panel, u"charts-standard.png"_s);
        panel.setTheme(Theme::projector());
        panel.resize(1600, 1000);
        savePng(panel, u"charts-projector.png"_s);
    }
}

void TestChartsPanel::tenMinutesOfNineNodesAreDecimatedToTheChartsResolution()
{
    TenMinutesOfNineNodesShown shown;
    ChartsPanel &panel = shown.panel;
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY2(panel.commitSeries(id(9))->count() < 2'500, "decimated to the chart's resolution");
    QVERIFY(nearValue(panel.commitSeries(id(9))->points().last().y(), 6000.0));
    savePng(panel, u"charts-10min-9nodes.png"_s);
}

void TestChartsPanel::refreshCostOfTenMinutesOfNineNodes()
{
    RAFTLAB_PERF_ONLY();
    TenMinutesOfNineNodesShown shown;
    ChartsPanel &panel = shown.panel;
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    std::vector<qint64> times;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        panel.refreshNow();
        panel.grab(); // the charts draw
        times.push_back(timer.elapsed());
    }
    std::sort(times.begin(), times.end());
    qInfo("charts: refresh + draw of 4 charts, 10 min x 9 nodes (%lld points per commit line), 1600x1000: "
          "min %lld ms, median %lld ms",
          static_cast<long long>(panel.commitSeries(id(9))->count()), static_cast<long long>(times.front()),
          static_cast<long long>(times[times.size() / 2]));
    QVERIFY2(times.front() < 1000, "a refresh of the biggest window stays well under a second");
}

void TestChartsPanel::nodeColoursAreFarApart()
{
    // CIE76 distance in L*a*b*: about 2.3 is just noticeable; lines a class tells apart need far more.
    const auto lab = [](const QColor &colour) {
        const auto linear = [](double c) {
            return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
        };
        const double r = linear(colour.redF()), g = linear(colour.greenF()), b = linear(colour.blueF());
        const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        const auto f = [](double t) {
            return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0;
        };
        return std::array<double, 3>{116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
    };
    double closest = 1e9;
    for (std::uint32_t a = 1; a <= 9; ++a) {
        for (std::uint32_t b = a + 1; b <= 9; ++b) {
            const auto p = lab(Theme::nodeColor(id(a)));
            const auto q = lab(Theme::nodeColor(id(b)));
            const double distance = std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
            closest = std::min(closest, distance);
            QVERIFY2(distance > 20, qPrintable(u"nodes %1 and %2: %3"_s.arg(a).arg(b).arg(distance)));
        }
    }
    qInfo("closest pair of the nine node colours: %.1f (CIE76)", closest);
}

void TestChartsPanel::faultLabelsNeverOverlap()
{
    // A burst of faults: ten markers within a few pixels (kill, restart, cuts at ×1), and one at the
    // right edge, whose label must stay inside the plot.
    const QRectF plot(40, 10, 400, 150);
    std::vector<double> xs;
    std::vector<double> widths;
    for (int i = 0; i < 10; ++i) {
        xs.push_back(100 + i * 3);
        widths.push_back(60 + i * 5);
    }
    xs.push_back(438);
    widths.push_back(80);
    const std::vector<QRectF> boxes = TimeChartView::markerLabelRects(xs, widths, 16, plot);
    QCOMPARE(boxes.size(), xs.size());
    int shown = 0;
    for (std::size_t a = 0; a < boxes.size(); ++a) {
        if (boxes[a].isEmpty())
            continue;
        ++shown;
        QVERIFY(plot.contains(boxes[a]));
        for (std::size_t b = a + 1; b < boxes.size(); ++b)
            QVERIFY2(!boxes[a].intersects(boxes[b]), qPrintable(u"labels %1 and %2"_s.arg(a).arg(b)));
    }
    QVERIFY(shown >= 3);
}

void TestChartsPanel::axisTitlesShowWholeOrNotAtAll()
{
    TimeChartView chart(u"Commit index per node"_s, u"commit index"_s);
    chart.setTheme(Theme::projector());
    chart.resize(700, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QCOMPARE(chart.axisTitleShown(chart.valueAxis()), u"commit index"_s);
    // A 1024x768 projector's quarter: no room for the title along the side; never "commi…".
    chart.resize(300, 150);
    QCoreApplication::processEvents();
    QCOMPARE(chart.axisTitleShown(chart.valueAxis()), QString());
    chart.resize(700, 400);
    QCoreApplication::processEvents();
    QCOMPARE(chart.axisTitleShown(chart.valueAxis()), u"commit index"_s);
}

QTEST_MAIN(TestChartsPanel)
#include "tst_chartspanel.moc"
