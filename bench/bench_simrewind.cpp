// Rewinding a long simulated run in the app: a 10-minute virtual run of 5 nodes (elections, a write a
// second, a crash and a restart a minute) is built through the SimulationController, then the timeline is
// moved to 30 moments across it. Each move rewinds the cluster (checkpoints plus replay), rebuilds the model
// from the journal and repaints the simulated window (offscreen). Prints the median and the worst.
//
//   QT_QPA_PLATFORM=offscreen build/dev/bench/bench_simrewind [virtual-seconds]

#include "sim/simulationcontroller.h"
#include "views/sim/simulationwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

using namespace raftlab;

namespace {

// CPU time of this process: on a loaded machine, wall time measures the other processes too.
double cpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const qint64 seconds = argc > 1 ? QByteArray(argv[1]).toLongLong() : 600;
    SimulationWindow window;
    window.resize(1600, 1000);
    SimulationController *controller = window.controller();
    sim::SimulatedClusterConfig config;
    config.nodes = 5;
    if (!window.start(config, 2024).isEmpty())
        return 1;
    window.show();

    QElapsedTimer build;
    build.start();
    int writes = 0;
    while (controller->cluster()->nowUs() < seconds * 1'000'000) {
        const qint64 second = controller->cluster()->nowUs() / 1'000'000;
        controller->step(200);
        controller->model()->foldPending();
        if (controller->cluster()->nowUs() / 1'000'000 != second) {
            if (controller->cluster()->leader())
                controller->put(QStringLiteral("k%1").arg(writes % 50), QString::number(writes)), ++writes;
            if (second % 60 == 30)
                controller->crash(NodeId(std::uint32_t(1 + (second / 60) % 5)));
            if (second % 60 == 40)
                controller->restart(NodeId(std::uint32_t(1 + (second / 60) % 5)));
        }
    }
    const double buildS = double(build.nsecsElapsed()) / 1e9;
    const std::uint64_t length = controller->length();
    std::printf("run: %lld virtual s, %llu steps, %zu journal events, %d writes, built in %.1f s\n",
                static_cast<long long>(seconds), static_cast<unsigned long long>(length),
                controller->journal().size(), writes, buildS);

    std::vector<double> rewinds;
    std::vector<double> forwards;
    std::vector<double> rewindsCpu;
    std::vector<double> forwardsCpu;
    QRandomGenerator random(7);
    std::uint64_t at = length;
    for (int i = 0; i < 30; ++i) {
        const std::uint64_t target = random.bounded(quint64(length));
        QElapsedTimer elapsed;
        elapsed.start();
        const double cpuBefore = cpuMs();
        controller->seek(target);
        window.repaint(); // the whole window draws that moment
        QApplication::processEvents();
        const double ms = double(elapsed.nsecsElapsed()) / 1e6;
        (target < at ? rewinds : forwards).push_back(ms);
        (target < at ? rewindsCpu : forwardsCpu).push_back(cpuMs() - cpuBefore);
        if (std::getenv("RAFTLAB_BENCH_VERBOSE"))
            std::printf("  %s to %llu: %.1f ms (seek %.1f ms)\n", target < at ? "back" : "forward",
                        static_cast<unsigned long long>(target), ms, double(controller->lastSeekUs()) / 1000);
        at = target;
    }
    std::printf("rewind (to an earlier step): %zu moves, median %.1f ms, worst %.1f ms (CPU: median %.1f ms, "
                "worst %.1f ms)\n",
                rewinds.size(), median(rewinds),
                rewinds.empty() ? 0.0 : *std::max_element(rewinds.begin(), rewinds.end()), median(rewindsCpu),
                rewindsCpu.empty() ? 0.0 : *std::max_element(rewindsCpu.begin(), rewindsCpu.end()));
    std::printf(
        "forward (to a later step of the same branch: checkpoint plus replay): %zu moves, median %.1f ms, "
        "worst %.1f ms (CPU: median %.1f ms, worst %.1f ms)\n",
        forwards.size(), median(forwards),
        forwards.empty() ? 0.0 : *std::max_element(forwards.begin(), forwards.end()), median(forwardsCpu),
        forwardsCpu.empty() ? 0.0 : *std::max_element(forwardsCpu.begin(), forwardsCpu.end()));
    return 0;
}
