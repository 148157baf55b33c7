// Google Benchmark for the app's frame (issue 6: "a frame under 33 ms with 9 nodes and 5,000 messages/s"):
// the synthetic busy 9-node cluster of bench_model (syntheticcluster.h) feeds the real MainWindow's model
// offscreen, and each iteration is one 33 ms frame of the UI thread:
//
//   BM_WindowFrame   fold the frame's events, let Qt run what is due (the views' timers, the charts'
//                    refresh), then repaint the WHOLE window (grab): an upper bound, since on screen Qt
//                    repaints only what changed.
//   BM_ClusterViewFrame  fold, then render the cluster ring alone (dots, arcs, links) at 1600×1000.
//
// Run offscreen: QT_QPA_PLATFORM=offscreen build/release/bench/bench_views
#include "app/mainwindow.h"
#include "syntheticcluster.h"
#include "views/cluster/clusterview.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>

namespace {

using namespace raftlab;
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
}
BENCHMARK(BM_WindowFrame)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond)->MinTime(3.0);

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
BENCHMARK(BM_ClusterViewFrame)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond)->MinTime(3.0);

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
