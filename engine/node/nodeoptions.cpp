#include "nodeoptions.h"

#include "commandlinehelp.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace raftlab {

namespace {

constexpr int maxNodeId = 1'000'000;
constexpr int maxTimerMs = 3'600'000; // an hour: slow motion for a class, never a typo of a day

// The node's command line sentences, for translators under the context "NodeOptions".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("NodeOptions", sourceText);
}

} // namespace

void printLine(OutputStream stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::FILE *file = stream == OutputStream::Stdout ? stdout : stderr;
    std::fputs(bytes.constData(), file);
    if (!bytes.endsWith('\n'))
        std::fputc('\n', file);
    // Each line as it happens, into a pipe too (a headless run's steps, read by a script or tee).
    std::fflush(file);
}

std::optional<MillisecondRange> parseMillisecondRange(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('-'));
    if (parts.size() != 2)
        return std::nullopt;
    const auto min = parseBoundedInt(parts[0], 1, maxTimerMs);
    const auto max = parseBoundedInt(parts[1], 1, maxTimerMs);
    if (!min || !max || *min >= *max)
        return std::nullopt;
    return MillisecondRange{*min, *max};
}

NodeCommandLine parseNodeCommandLine(const QStringList &arguments)
{
    const QCommandLineOption help = helpOption();
    const QCommandLineOption version = versionOption();
    const QCommandLineOption cluster(QStringLiteral("cluster"),
                                     tr("The cluster file: name, timing and members (required)."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption id(QStringLiteral("id"), tr("This node's id in the cluster file (required)."),
                                QStringLiteral("N"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     tr("Where the log, term/vote record and snapshots live; created if "
                                        "missing (required)."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption heartbeat(QStringLiteral("heartbeat-ms"),
                                       tr("Leader heartbeat interval; overrides the cluster file."),
                                       QStringLiteral("MS"));
    const QCommandLineOption electionTimeout(
        QStringLiteral("election-timeout-ms"),
        tr("Randomised election timeout range MIN-MAX; overrides the cluster file."),
        QStringLiteral("MIN-MAX"));
    const QCommandLineOption fsync(QStringLiteral("fsync"),
                                   tr("always: durable before acknowledging; never: for demos on slow "
                                      "disks, a crash may lose acknowledged writes."),
                                   QStringLiteral("always|never"), QStringLiteral("always"));
    const QCommandLineOption commitNotice(
        QStringLiteral("commit-notice"),
        tr("next-tick: followers learn a new commit index from the leader's next append, at the next tick "
           "at the latest; at-once: the leader sends each of them an append that carries only the index."),
        QStringLiteral("next-tick|at-once"), QStringLiteral("next-tick"));
    const QCommandLineOption adminToken(QStringLiteral("admin-token"),
                                        tr("Let non-loopback clients use /admin routes with this "
                                           "bearer token."),
                                        QStringLiteral("TOKEN"));
    const QCommandLineOption clusterSecretFile(
        QStringLiteral("cluster-secret-file"),
        tr("A file holding the cluster secret that peers must prove they know; overrides "
           "\"secret_file\" in the cluster file."),
        QStringLiteral("FILE"));
    const QList<QCommandLineOption> all{help,         version,    cluster,          id,
                                        dataDir,      heartbeat,  electionTimeout,  fsync,
                                        commitNotice, adminToken, clusterSecretFile};

    NodeCommandLine result;
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(all);
    const auto fail = [&result](const QString &reason) {
        result.action = NodeCommandLine::Action::Fail;
        result.text = commandLineFailure(QStringLiteral("raftlab-node"), reason);
        return result;
    };
    const ProgramText program{QStringLiteral("raftlab-node"),
                              tr("raftlab-node --cluster FILE --id N --data-dir DIR [options]"),
                              tr("One Raft node with a replicated key-value store and its HTTP API.")};
    if (settleCommonOptions(result, parser, arguments, program, all))
        return result;
    for (const auto *required : {&cluster, &id, &dataDir}) {
        if (!parser.isSet(*required))
            return fail(tr("missing required option --%1").arg(required->names().constFirst()));
    }

    NodeOptions &options = result.options;
    options.clusterFile = parser.value(cluster);
    options.dataDir = parser.value(dataDir);
    if (options.clusterFile.isEmpty() || options.dataDir.isEmpty())
        return fail(tr("--cluster and --data-dir need a non-empty path"));
    const auto nodeId = parseBoundedInt(parser.value(id), 1, maxNodeId);
    if (!nodeId)
        return fail(
            tr("--id must be a whole number from 1 to %1, not '%2'").arg(maxNodeId).arg(parser.value(id)));
    options.nodeId = *nodeId;
    if (parser.isSet(heartbeat)) {
        options.heartbeatMs = parseBoundedInt(parser.value(heartbeat), 1, maxTimerMs);
        if (!options.heartbeatMs)
            return fail(tr("--heartbeat-ms must be a whole number of milliseconds from 1 to %1, not '%2'")
                            .arg(maxTimerMs)
                            .arg(parser.value(heartbeat)));
    }
    if (parser.isSet(electionTimeout)) {
        options.electionTimeoutMs = parseMillisecondRange(parser.value(electionTimeout));
        if (!options.electionTimeoutMs)
            return fail(tr("--election-timeout-ms must be MIN-MAX in milliseconds with 0 < MIN < MAX, "
                           "not '%1'")
                            .arg(parser.value(electionTimeout)));
    }
    if (options.heartbeatMs && options.electionTimeoutMs &&
        *options.heartbeatMs >= options.electionTimeoutMs->minMs)
        return fail(tr("--heartbeat-ms %1 must be shorter than the smallest election timeout of "
                       "--election-timeout-ms %2-%3")
                        .arg(*options.heartbeatMs)
                        .arg(options.electionTimeoutMs->minMs)
                        .arg(options.electionTimeoutMs->maxMs));
    const QString fsyncValue = parser.value(fsync);
    if (fsyncValue == QLatin1String("always"))
        options.fsyncMode = FsyncMode::Always;
    else if (fsyncValue == QLatin1String("never"))
        options.fsyncMode = FsyncMode::Never;
    else
        return fail(tr("--fsync must be 'always' or 'never', not '%1'").arg(fsyncValue));
    const QString commitNoticeValue = parser.value(commitNotice);
    if (commitNoticeValue == QLatin1String("next-tick"))
        options.commitNotice = CommitNoticeMode::NextTick;
    else if (commitNoticeValue == QLatin1String("at-once"))
        options.commitNotice = CommitNoticeMode::AtOnce;
    else
        return fail(tr("--commit-notice must be 'next-tick' or 'at-once', not '%1'").arg(commitNoticeValue));
    if (parser.isSet(adminToken) && parser.value(adminToken).isEmpty())
        return fail(tr("--admin-token needs a non-empty token (without it, admin routes answer loopback "
                       "clients only)"));
    options.adminToken = parser.value(adminToken);
    if (parser.isSet(clusterSecretFile) && parser.value(clusterSecretFile).isEmpty())
        return fail(tr("--cluster-secret-file needs a non-empty path"));
    options.clusterSecretFile = parser.value(clusterSecretFile);

    result.action = NodeCommandLine::Action::Run;
    return result;
}

} // namespace raftlab
