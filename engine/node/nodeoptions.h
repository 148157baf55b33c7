#pragma once

#include "commandlinehelp.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace raftlab {

// How the node makes its log and term/vote record durable. `Never` is for demos on slow disks:
// the node then says so in /status, because a crash may lose acknowledged writes.
enum class FsyncMode { Always, Never };

// When a leader tells its followers a new commit index that no append with entries carries
// (CoreConfig::CommitNotice): at the next tick (default), or at once with an append of its own.
enum class CommitNoticeMode { NextTick, AtOnce };

struct MillisecondRange
{
    int minMs = 0;
    int maxMs = 0; // exclusive upper bound of a randomised timeout: min < max
};

// What `raftlab-node` was asked to do, as typed by the user (docs/cli.md). Timing flags are
// optional because they override the cluster file only when given.
struct NodeOptions
{
    QString clusterFile;
    int nodeId = 0;
    QString dataDir;
    std::optional<int> heartbeatMs;
    std::optional<MillisecondRange> electionTimeoutMs;
    FsyncMode fsyncMode = FsyncMode::Always;
    CommitNoticeMode commitNotice = CommitNoticeMode::NextTick;
    QString adminToken;
    QString clusterSecretFile; // overrides the cluster file's "secret_file"; empty: not given
};

// The outcome of reading a command line: run with options, print help or version, or fail with
// a one-line reason (the caller prints it on stderr and exits 2).
template<typename Options>
struct CommandLine
{
    using Action = CommandLineAction;
    Action action = Action::Fail;
    Options options;
    QString text; // help text, version line, or the one-line error
};

using NodeCommandLine = CommandLine<NodeOptions>;

// settleCommonOptions() for a program's CommandLine.
template<typename Options>
bool settleCommonOptions(CommandLine<Options> &result, QCommandLineParser &parser,
                         const QStringList &arguments, const ProgramText &program,
                         const QList<QCommandLineOption> &options)
{
    return settleCommonOptions(parser, arguments, program, options, result.action, result.text);
}

// What a program's main() does with a parsed command line that is not Run: help and version go to
// stdout (exit 0), a failure's one line to stderr (exit 2). Returns nullopt for Run.
enum class OutputStream { Stdout, Stderr };
void printLine(OutputStream stream, const QString &text);

template<typename Options>
std::optional<int> finishUnlessRun(const CommandLine<Options> &commandLine)
{
    using Action = typename CommandLine<Options>::Action;
    switch (commandLine.action) {
    case Action::Run:
        return std::nullopt;
    case Action::ShowHelp:
    case Action::ShowVersion:
        printLine(OutputStream::Stdout, commandLine.text);
        return 0;
    case Action::Fail:
        break;
    }
    printLine(OutputStream::Stderr, commandLine.text);
    return 2;
}

// Pure: no QCoreApplication needed, nothing printed. `arguments` includes argv[0].
NodeCommandLine parseNodeCommandLine(const QStringList &arguments);

// "150-300" -> {150, 300}; nullopt unless 0 < min < max.
std::optional<MillisecondRange> parseMillisecondRange(const QString &text);

} // namespace raftlab
