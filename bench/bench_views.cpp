// Google Benchmark for the app's frame (the target: a frame under 33 ms with 9 nodes and 5,000 messages/s):
// the synthetic busy 9-node cluster of bench_model (syntheticcluster.h) feeds the real MainWindow's model
// offscreen, and each iteration is one 33 ms frame of the UI thread:
//
//   BM_WindowFrame   fold the frame's events, let Qt run what is due (the views' timers, the charts'
//                    refresh), then repaint the WHOLE window (grab): an upper bound, since on screen Qt
//                    repaints only what changed.
//   BM_ClusterViewFrame  fold, then render the cluster ring alone (dots, arcs, links) at 1600×1000.
//
// rss_mib is the process's resident memory after the run: with --benchmark_min_time=3 and =60 (1,800
// frames, a minute of a busy cluster) it must be the same, since every buffer is a bounded ring.
//
// Run: build/release/bench/bench_views --benchmark_min_time=3 (offscreen by default)
#include "app/mainwindow.h"
#include "syntheticcluster.h"
#include "views/cluster/clusterview.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QPainter>

namespace {

using namespace raftlab;

// Resident memory of this process in MiB (/proc/self/statm): it must not grow with the run's length.
double residentMiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toDouble() * 4096.0 / (1024.0 * 1024.0) : 0;
}
using bench::SyntheticCluster;

// A window over a synthetic cluster already 10 s into its run (rings full, logs long).
struct Bench
{
    explicit Bench(double messagesPerSecond)
        : cluster(9, messagesPerSecond)
        , window(GuiOptions{})
    {
        window.resize(1600, 1000);
        window.show();
        ClusterModel *model = window.controller()->model();
        model->setClock([this] { return cluster.nowUs(); });
        for (const QJsonObject &event : cluster.subscribe())
            model->ingest(event);
        for (int frame = 0; frame < 300; ++frame)
            fold();
        QApplication::processEvents();
    }

    std::size_t fold()
    {
        const std::vector<QJsonObject> events = cluster.nextFrame();
        ClusterModel *model = window.controller()->model();
        for (const QJsonObject &event : events)
            model->ingest(event);
        model->foldPending();
        return events.size();
    }

    SyntheticCluster cluster;
    MainWindow window;
};

void BM_WindowFrame(benchmark::State &state)
{
    Bench bench(double(state.range(0)));
    std::size_t events = 0;
    for (auto _ : state) {
        events += bench.fold();
        QApplication::processEvents();
        benchmark::DoNotOptimize(bench.window.grab());
    }
    state.counters["events_per_frame"] = double(events) / double(state.iterations());
    state.counters["dots"] = double(bench.window.clusterView()->messageDotCount());
    state.counters["rss_mib"] = residentMiB();
}
BENCHMARK(BM_WindowFrame)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ClusterViewFrame(benchmark::State &state)
{
    Bench bench(double(state.range(0)));
    QImage image(1600, 1000, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        bench.fold();
        QPainter painter(&image);
        bench.window.clusterView()->renderFrame(&painter, QRectF(image.rect()));
    }
    state.counters["dots"] = double(bench.window.clusterView()->messageDotCount());
}
BENCHMARK(BM_ClusterViewFrame)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
