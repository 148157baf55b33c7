// raftlab: the desktop app (INTERFACE.md, "raftlab").
#include "guioptions.h"
#include "mainwindow.h"

#include <QApplication>

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

} // namespace

int main(int argc, char *argv[])
{
    // Options first, before any QApplication: `--help` must work on a machine without a display.
    const raftlab::GuiCommandLine commandLine = raftlab::parseGuiCommandLine(argumentsOf(argc, argv));
    if (const auto exitCode = raftlab::finishUnlessRun(commandLine))
        return *exitCode;
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
    window.show();
    // The window first, then the nodes: the user sees them come up (and why, should they not).
    if (const QString error = window.startCluster(); !error.isEmpty())
        std::fprintf(stderr, "raftlab: %s\n", qPrintable(error));
    return app.exec();
}
