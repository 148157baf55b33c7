// Fuzz entry for the cluster file.
#include "fuzzentries.h"

#include "node/clusterconfig.h"

#include <QHostAddress>

#include <set>

namespace raftlab::fuzz {

namespace {

// A host the node can listen on and peers can dial: an IP address as QHostAddress reads it (the node
// listens on all interfaces when it cannot read one), or an ASCII DNS name that is not one.
QString hostProblem(const QString &host)
{
    const QHostAddress address(host);
    if (!address.isNull())
        return QString();
    bool digitsAndDots = true;
    for (const QChar c : host) {
        if (c.unicode() >= 128 ||
            !(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') ||
              c == QLatin1Char('.')))
            return QStringLiteral("the host \"%1\" was accepted, neither an address nor an ASCII name")
                .arg(host);
        digitsAndDots = digitsAndDots && (c.isDigit() || c == QLatin1Char('.'));
    }
    if (digitsAndDots)
        return QStringLiteral("the host \"%1\" was accepted as a name, though it looks like an address")
            .arg(host);
    return QString();
}

// What the node relies on in a config that was accepted.
QString acceptedProblem(const ClusterConfig &config)
{
    if (config.name.trimmed().isEmpty())
        return QStringLiteral("a config without a name was accepted");
    if (config.heartbeatMs < 1 || config.heartbeatMs >= config.electionTimeoutMs.minMs ||
        config.electionTimeoutMs.minMs >= config.electionTimeoutMs.maxMs)
        return QStringLiteral("a config with unusable timing was accepted");
    if (config.snapshotEvery < 1)
        return QStringLiteral("a config with snapshot_every below 1 was accepted");
    if (config.members.empty())
        return QStringLiteral("a config without members was accepted");
    std::set<std::uint32_t> ids;
    for (const ClusterMember &member : config.members) {
        if (member.id.isNone() || !ids.insert(member.id.value).second)
            return QStringLiteral("a config with a missing or repeated id was accepted");
        for (const NodeAddress &address : {member.raft, member.http}) {
            if (address.port == 0 || address.host.isEmpty())
                return QStringLiteral("an address without host or port was accepted");
            if (parseNodeAddress(address.toString()) != address)
                return QStringLiteral("the address %1 does not read back as itself").arg(address.toString());
            if (const QString problem = hostProblem(address.host); !problem.isEmpty())
                return problem;
        }
    }
    return QString();
}

} // namespace

QString clusterConfig(QByteArrayView input)
{
    const QByteArray json = input.toByteArray();
    ClusterConfig config;
    if (!parseClusterConfig(json, QStringLiteral("cluster.json"), config).isEmpty())
        return QString();
    if (const QString problem = acceptedProblem(config); !problem.isEmpty())
        return problem;
    ClusterConfig again;
    if (const QString error = parseClusterConfig(config.toJson(), QStringLiteral("written"), again);
        !error.isEmpty())
        return QStringLiteral("an accepted config, written out, does not parse: %1").arg(error);
    if (!(again == config))
        return QStringLiteral("an accepted config, written out, parses to another config");
    return QString();
}

} // namespace raftlab::fuzz
