// raftlab-node: one Raft node process (docs/cli.md).
#include "node/writetrace.h"
#include "nodeprocess.h"

#include <QCoreApplication>
#include <QLoggingCategory>

int main(int argc, char *argv[])
{
    // Qt's own event dispatcher rather than glib's: an idle node still wakes for every tick of its timer,
    // and glib's dispatcher spends more on each wake-up (polls, source checks) for nothing a node uses.
    // Must be set before the application object exists; an explicit QT_NO_GLIB in the environment wins.
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("raftlab-node"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAFTLAB_VERSION));
    // Quiet by default; QT_LOGGING_RULES (e.g. "raftlab.*.debug=true") still overrides this.
    QLoggingCategory::setFilterRules(QStringLiteral("raftlab.*.debug=false"));

    const raftlab::NodeCommandLine commandLine = raftlab::parseNodeCommandLine(QCoreApplication::arguments());
    if (const auto exitCode = raftlab::finishUnlessRun(commandLine))
        return *exitCode;
    raftlab::WriteTrace::enableFromEnvironment(); // off unless RAFTLAB_WRITE_TRACE names a directory
    raftlab::NodeProcess node(commandLine.options);
    if (const int status = node.start(); status != 0)
        return status;
    const int status = QCoreApplication::exec();
    raftlab::WriteTrace::dump(); // after a clean stop (SIGTERM): the log's thread has finished
    return status;
}
