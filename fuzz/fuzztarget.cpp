// One libFuzzer target: RAFTLAB_FUZZ_ENTRY names the entry function of fuzzentries.h that it runs.
// A broken expectation aborts, so libFuzzer keeps the input as a crash.
#include "fuzzentries.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

namespace {

// The node's log lines would drown libFuzzer's; RAFTLAB_FUZZ_LOG=1 keeps them.
void onlyFatal(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtFatalMsg) {
        std::fprintf(stderr, "%s\n", qPrintable(message));
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***argv)
{
    // Sockets, timers and the HTTP server need an application object; it lives as long as the process.
    static int qtArgc = 1;
    static char *qtArgv[] = {(*argv)[0], nullptr};
    new QCoreApplication(qtArgc, qtArgv);
    if (!qEnvironmentVariableIsSet("RAFTLAB_FUZZ_LOG"))
        qInstallMessageHandler(onlyFatal);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, std::size_t size)
{
    const QString problem =
        raftlab::fuzz::RAFTLAB_FUZZ_ENTRY(QByteArrayView(data, static_cast<qsizetype>(size)));
    if (!problem.isEmpty()) {
        std::fprintf(stderr, "raftlab fuzz: %s\n", qPrintable(problem));
        std::abort();
    }
    return 0;
}
