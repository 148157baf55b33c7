// raftlab-node: one Raft node process (INTERFACE.md, "raftlab-node").
#include "node/nodeoptions.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("raftlab-node"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAFTLAB_VERSION));

    const raftlab::NodeCommandLine commandLine = raftlab::parseNodeCommandLine(QCoreApplication::arguments());
    if (const auto exitCode = raftlab::finishUnlessRun(commandLine))
        return *exitCode;
    std::fprintf(stderr,
                 "raftlab-node: this build parses its options but cannot run a node yet "
                 "(the storage, transport and HTTP layers are still to come)\n");
    return 1;
}
