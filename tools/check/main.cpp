// raftlab-check: decides whether client histories of the key-value store are linearizable.
#include "checkcommand.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("raftlab-check"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAFTLAB_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return raftlab::check::runCheckCommand(QCoreApplication::arguments(), out, err);
}
