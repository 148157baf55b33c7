#include "guioptions.h"

#include "node/clusterconfig.h"
#include "node/commandlinehelp.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace raftlab {

namespace {

// The command line's sentences, for translators under the context "GuiOptions".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("GuiOptions", sourceText);
}

} // namespace

GuiCommandLine parseGuiCommandLine(const QStringList &arguments)
{
    const QCommandLineOption help = helpOption();
    const QCommandLineOption version = versionOption();
    const QCommandLineOption nodes(
        QStringLiteral("nodes"),
        tr("How many local raftlab-node processes to start, 1 to %1.").arg(GuiOptions::maxNodeCount),
        QStringLiteral("N"), QString::number(GuiOptions::defaultNodeCount));
    const QCommandLineOption workspace(QStringLiteral("workspace"),
                                       tr("Keep the nodes' data dirs and cluster.json in DIR instead of a "
                                          "fresh temporary workspace."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption attach(QStringLiteral("attach"),
                                    tr("Show the nodes of this cluster file, run by someone else, "
                                       "instead of starting any."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption projector(QStringLiteral("projector"),
                                       tr("Open in projector mode (as F11): larger type, thicker lines, the "
                                          "ring takes the room."));
    const QCommandLineOption presentation(QStringLiteral("presentation"),
                                          tr("Open presenting (as F5): the ring alone, full screen, in "
                                             "projector mode, with a caption line; Esc leaves."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      tr("No window: play --scenario on real nodes and exit 0 when "
                                         "every expectation held, 1 when one failed."));
    const QCommandLineOption scenario(QStringLiteral("scenario"),
                                      tr("The scenario file to play (with --headless)."),
                                      QStringLiteral("FILE"));
    const QCommandLineOption chaos(
        QStringLiteral("chaos"),
        tr("With --headless: SECONDS of random faults on real nodes while clients put, get and "
           "compare-and-swap; then heal and check the history and the logs. Exit 0 or 1."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption seed(
        QStringLiteral("seed"),
        tr("The seed of the chaos schedule (default: a random one, printed) or of the "
           "simulation (default 1)."),
        QStringLiteral("S"));
    const QCommandLineOption clients(QStringLiteral("clients"),
                                     tr("Concurrent chaos clients, 1 to %1 (default %2).")
                                         .arg(GuiOptions::maxChaosClients)
                                         .arg(GuiOptions::defaultChaosClients),
                                     QStringLiteral("N"));
    const QCommandLineOption history(
        QStringLiteral("history"), tr("With --headless: write every client operation to FILE (JSON Lines)."),
        QStringLiteral("FILE"));
    const QCommandLineOption simulate(
        QStringLiteral("simulate"),
        tr("With --headless: the same Raft core on a simulated network in virtual time, in this "
           "process; exit 1 at the first broken safety property."));
    const QCommandLineOption simSteps(QStringLiteral("steps"), tr("Simulate N steps."), QStringLiteral("N"));
    const QCommandLineOption simVirtualMs(
        QStringLiteral("virtual-ms"), tr("Simulate T milliseconds of virtual time."), QStringLiteral("T"));
    const QCommandLineOption trace(QStringLiteral("trace"),
                                   tr("Write every simulated event to FILE, one JSON object a line."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption sabotage(
        QStringLiteral("sabotage"),
        tr("Simulate broken cores the checker must catch: forget-vote-on-restart, "
           "inflate-candidate-log or commit-old-term-entries."),
        QStringLiteral("NAME"));
    const QList<QCommandLineOption> all{help,         version,  nodes,    workspace,    attach, projector,
                                        presentation, headless, scenario, chaos,        seed,   clients,
                                        history,      simulate, simSteps, simVirtualMs, trace,  sabotage};

    GuiCommandLine result;
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(all);
    const auto fail = [&result](const QString &reason) {
        result.action = GuiCommandLine::Action::Fail;
        result.text = commandLineFailure(QStringLiteral("raftlab"), reason);
        return result;
    };
    const ProgramText program{
        QStringLiteral("raftlab"),
        QStringLiteral(
            "raftlab [--nodes N] [--workspace DIR] [--attach FILE] [--projector | --presentation]\n"
            "       raftlab --headless --scenario FILE [--nodes N] [--workspace DIR] [--history FILE]\n"
            "       raftlab --headless --chaos SECONDS [--seed S] [--nodes N] [--clients N]\n"
            "               [--workspace DIR] [--history FILE]\n"
            "       raftlab --headless --simulate [--nodes N] [--seed S] (--steps N | --virtual-ms T)\n"
            "               [--scenario FILE] [--trace FILE] [--sabotage NAME]"),
        tr("The RaftLab desktop app: starts a local Raft cluster of raftlab-node processes, shows it live, "
           "and "
           "lets you break it.")};
    if (settleCommonOptions(result, parser, arguments, program, all))
        return result;

    GuiOptions &options = result.options;
    const auto nodeCount = parseBoundedInt(parser.value(nodes), 1, GuiOptions::maxNodeCount);
    if (!nodeCount)
        return fail(tr("--nodes must be a whole number from 1 to %1, not '%2'")
                        .arg(GuiOptions::maxNodeCount)
                        .arg(parser.value(nodes)));
    options.nodeCount = *nodeCount;
    options.nodeCountGiven = parser.isSet(nodes);
    options.workspaceDir = parser.value(workspace);
    options.attachFile = parser.value(attach);
    if (parser.isSet(workspace) && options.workspaceDir.isEmpty())
        return fail(tr("--workspace needs a non-empty path"));
    if (parser.isSet(attach) && options.attachFile.isEmpty())
        return fail(tr("--attach needs a non-empty path"));
    if (parser.isSet(attach) && (parser.isSet(nodes) || parser.isSet(workspace)))
        return fail(tr("--attach shows a cluster someone else runs; it cannot be combined with --nodes "
                       "or --workspace"));

    options.projector = parser.isSet(projector);
    options.presentation = parser.isSet(presentation);
    if ((options.projector || options.presentation) && parser.isSet(headless))
        return fail(tr("--projector and --presentation belong to the window, not to --headless"));

    if (parser.isSet(scenario) && parser.value(scenario).isEmpty())
        return fail(tr("--scenario needs a non-empty path"));
    if (parser.isSet(history) && parser.value(history).isEmpty())
        return fail(tr("--history needs a non-empty path"));
    const bool simulation = parser.isSet(simulate);
    for (const QCommandLineOption *simulationOnly : {&simSteps, &simVirtualMs, &trace, &sabotage}) {
        if (parser.isSet(*simulationOnly) && !simulation)
            return fail(tr("--%1 belongs to --simulate").arg(simulationOnly->names().constFirst()));
    }
    if (simulation) {
        if (!parser.isSet(headless))
            return fail(tr("--simulate runs with --headless"));
        if (parser.isSet(workspace) || parser.isSet(attach))
            return fail(tr("--simulate has no processes and no disk: no --workspace or --attach"));
        if (parser.isSet(chaos) || parser.isSet(clients) || parser.isSet(history))
            return fail(tr("--simulate has no real clients: no --chaos, --clients or --history"));
        if (parser.isSet(simSteps) && parser.isSet(simVirtualMs))
            return fail(tr("give --steps or --virtual-ms, not both"));
        if (!parser.isSet(simSteps) && !parser.isSet(simVirtualMs) && !parser.isSet(scenario))
            return fail(tr("--simulate needs --steps N, --virtual-ms T or --scenario FILE"));
        bool ok = true;
        if (parser.isSet(seed)) {
            options.seed = parser.value(seed).toULongLong(&ok);
            if (!ok)
                return fail(
                    tr("--seed must be a whole number from 0 to 2^64-1, not '%1'").arg(parser.value(seed)));
        }
        if (parser.isSet(simSteps)) {
            const qlonglong steps = parser.value(simSteps).toLongLong(&ok);
            if (!ok || steps < 1 || steps > 1'000'000'000)
                return fail(tr("--steps must be a whole number from 1 to 1000000000, not '%1'")
                                .arg(parser.value(simSteps)));
            options.simulationSteps = std::uint64_t(steps);
        }
        if (parser.isSet(simVirtualMs)) {
            const qlonglong ms = parser.value(simVirtualMs).toLongLong(&ok);
            if (!ok || ms < 1 || ms > 86'400'000)
                return fail(tr("--virtual-ms must be a whole number from 1 to 86400000, not '%1'")
                                .arg(parser.value(simVirtualMs)));
            options.simulationVirtualMs = ms;
        }
        if (parser.isSet(trace) && parser.value(trace).isEmpty())
            return fail(tr("--trace needs a non-empty path"));
        options.traceFile = parser.value(trace);
        options.sabotage = parser.value(sabotage);
        options.scenarioFile = parser.value(scenario);
        options.headless = GuiOptions::Headless::Simulate;
        result.action = GuiCommandLine::Action::Run;
        return result;
    }
    if (parser.isSet(headless)) {
        if (parser.isSet(scenario) && parser.isSet(chaos))
            return fail(tr("--headless runs one of --scenario, --chaos or --simulate, not two"));
        if (!parser.isSet(scenario) && !parser.isSet(chaos))
            return fail(tr("--headless needs --scenario FILE, --chaos SECONDS or --simulate"));
        if (parser.isSet(attach))
            return fail(tr("--headless starts its own nodes; it cannot be combined with --attach"));
        options.historyFile = parser.value(history);
        if (parser.isSet(scenario)) {
            options.headless = GuiOptions::Headless::Scenario;
            options.scenarioFile = parser.value(scenario);
        } else {
            const auto seconds = parseBoundedInt(parser.value(chaos), 1, 7 * 24 * 3600);
            if (!seconds)
                return fail(tr("--chaos must be a whole number of seconds from 1 to 604800, not '%1'")
                                .arg(parser.value(chaos)));
            options.headless = GuiOptions::Headless::Chaos;
            options.chaosSeconds = *seconds;
        }
    } else if (parser.isSet(scenario)) {
        return fail(tr("--scenario is played with --headless"));
    } else if (parser.isSet(chaos)) {
        return fail(tr("--chaos runs with --headless (in the app, use the Chaos switch)"));
    } else if (parser.isSet(history)) {
        return fail(tr("--history is written by --headless runs (in the app, use File > Export)"));
    }
    if (parser.isSet(seed) || parser.isSet(clients)) {
        if (options.headless != GuiOptions::Headless::Chaos)
            return fail(tr("--seed goes with --headless --chaos or --simulate, --clients with "
                           "--headless --chaos"));
        if (parser.isSet(seed)) {
            bool ok = false;
            const quint64 value = parser.value(seed).toULongLong(&ok);
            if (!ok)
                return fail(tr("--seed must be a whole number, not '%1'").arg(parser.value(seed)));
            options.seed = value;
        }
        if (parser.isSet(clients)) {
            const auto count = parseBoundedInt(parser.value(clients), 1, GuiOptions::maxChaosClients);
            if (!count)
                return fail(tr("--clients must be a whole number from 1 to %1, not '%2'")
                                .arg(GuiOptions::maxChaosClients)
                                .arg(parser.value(clients)));
            options.chaosClients = *count;
        }
    }

    result.action = GuiCommandLine::Action::Run;
    return result;
}

QString checkGuiPaths(const GuiOptions &options)
{
    if (!options.attachFile.isEmpty()) {
        ClusterConfig config;
        if (const QString error = loadClusterConfig(options.attachFile, config); !error.isEmpty())
            return error;
    }
    if (!options.workspaceDir.isEmpty()) {
        if (!QDir().mkpath(options.workspaceDir))
            return tr("cannot create the workspace %1").arg(options.workspaceDir);
        if (!QFileInfo(options.workspaceDir).isWritable())
            return tr("the workspace %1 is not writable").arg(options.workspaceDir);
    }
    if (!options.historyFile.isEmpty()) {
        QFile history(options.historyFile);
        if (!history.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return tr("cannot write %1: %2").arg(options.historyFile, history.errorString());
    }
    return QString();
}

} // namespace raftlab
