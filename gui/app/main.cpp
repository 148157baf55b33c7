// raftlab: the desktop app (docs/cli.md), and its headless twin for scripts and tests.
#include "guioptions.h"
#include "headlesschaos.h"
#include "headlessscenario.h"
#include "mainwindow.h"
#include "node/stopsignals.h"
#include "sim/headlesssimulation.h"

#include <QApplication>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>
#include <cstdlib>

namespace {

// Qt aborts when it finds no platform to draw on; a person deserves a sentence instead.
bool hasDisplay()
{
    const auto isSet = [](const char *name) {
        return !qEnvironmentVariableIsEmpty(name);
    };
    return isSet("QT_QPA_PLATFORM") || isSet("DISPLAY") || isSet("WAYLAND_DISPLAY");
}

QStringList argumentsOf(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

// No window and no display needed: the nodes, the controller and the runner are all QObjects.
int runHeadless(int argc, char *argv[], const raftlab::GuiOptions &options)
{
    QCoreApplication app(argc, argv);
    if (options.headless == raftlab::GuiOptions::Headless::Simulate) {
        // Virtual time: no event loop, the simulation runs to its end right here.
        return raftlab::sim::runHeadlessSimulation({.nodes = options.nodeCount,
                                                    .nodesGiven = options.nodeCountGiven,
                                                    .seed = options.seed.value_or(1),
                                                    .steps = options.simulationSteps,
                                                    .virtualMs = options.simulationVirtualMs,
                                                    .scenarioFile = options.scenarioFile,
                                                    .traceFile = options.traceFile,
                                                    .sabotage = options.sabotage});
    }
    // The steps are the output; the app's own progress lines ("node 3 is running") would drown them.
    // A chaos run's nemesis asks dead nodes for things on purpose: their refusals are expected, not news.
    QLoggingCategory::setFilterRules(
        options.headless == raftlab::GuiOptions::Headless::Chaos
            ? QStringLiteral("raftlab.gui*.info=false\nraftlab.gui*.debug=false\nraftlab.gui*.warning=false")
            : QStringLiteral("raftlab.gui.info=false\nraftlab.gui.debug=false"));
    // Ctrl+C or SIGTERM ends a run as its end does: its nodes stopped, a fresh workspace removed.
    raftlab::StopSignals stop;
    QObject::connect(&stop, &raftlab::StopSignals::received, &app,
                     [](int signalNumber) { QCoreApplication::exit(128 + signalNumber); });
    const auto play = [&app](auto &run) {
        QObject::connect(&run, &std::remove_reference_t<decltype(run)>::finished, &app,
                         [](int exitStatus) { QCoreApplication::exit(exitStatus); });
        if (const auto exitStatus = run.start())
            return *exitStatus;
        return app.exec();
    };
    if (options.headless == raftlab::GuiOptions::Headless::Chaos) {
        raftlab::HeadlessChaos run(options);
        return play(run);
    }
    raftlab::HeadlessScenario run(options);
    return play(run);
}

} // namespace

int main(int argc, char *argv[])
{
    // Options first, before any QApplication: `--help` must work on a machine without a display.
    const raftlab::GuiCommandLine commandLine = raftlab::parseGuiCommandLine(argumentsOf(argc, argv));
    if (const auto exitCode = raftlab::finishUnlessRun(commandLine))
        return *exitCode;
    if (const QString error = raftlab::checkGuiPaths(commandLine.options); !error.isEmpty()) {
        std::fprintf(stderr, "raftlab: %s\n", qPrintable(error));
        return 2;
    }
    if (commandLine.options.headless != raftlab::GuiOptions::Headless::No)
        return runHeadless(argc, argv, commandLine.options);
    if (!hasDisplay()) {
        std::fprintf(stderr,
                     "raftlab: no display found (DISPLAY is not set); on a headless machine run it "
                     "under a virtual X server: xvfb-run -a raftlab\n");
        return 1;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("raftlab"));
    QApplication::setApplicationVersion(QStringLiteral(RAFTLAB_VERSION));
    raftlab::MainWindow window(commandLine.options);
    // SIGTERM or Ctrl+C in the terminal closes the window as Quit does: the nodes are stopped and a fresh
    // workspace (a lesson's too) is removed, where the default action left its folder behind.
    raftlab::StopSignals stop;
    QObject::connect(&stop, &raftlab::StopSignals::received, &window, [&window](int signalNumber) {
        window.close();
        QCoreApplication::exit(128 + signalNumber);
    });
    window.show();
    // The window first, then the nodes: the user sees them come up (and why, should they not).
    if (const QString error = window.startCluster(); !error.isEmpty())
        std::fprintf(stderr, "raftlab: %s\n", qPrintable(error));
    return app.exec();
}
