#include "nodeprocess.h"

#include "http/httpapi.h"
#include "net/listenaddress.h"
#include "net/tcptransport.h"
#include "node/clusterconfig.h"
#include "node/clustersecret.h"
#include "node/kvstore.h"
#include "node/raftnode.h"
#include "node/stopsignals.h"
#include "storage/nodestorage.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QTimer>

#include <cstdio>

namespace raftlab {

namespace {

int failWith(int status, const QString &line)
{
    printLine(OutputStream::Stderr, QStringLiteral("raftlab-node: %1").arg(line));
    return status;
}

// One core tick: short enough to resolve the heartbeat, at most 10 ms.
int tickMsFor(int heartbeatMs)
{
    return std::clamp(heartbeatMs / 5, 1, 10);
}

} // namespace

NodeProcess::NodeProcess(NodeOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{ }

NodeProcess::~NodeProcess() = default;

int NodeProcess::start()
{
    ClusterConfig cluster;
    if (const QString error = loadClusterConfig(m_options.clusterFile, cluster); !error.isEmpty())
        return failWith(2, error);
    const NodeId self(static_cast<std::uint32_t>(m_options.nodeId));
    const ClusterMember *member = cluster.member(self);
    if (!member)
        return failWith(
            2,
            QStringLiteral("--id %1 is not a node of %2").arg(m_options.nodeId).arg(m_options.clusterFile));
    const int heartbeatMs = m_options.heartbeatMs.value_or(cluster.heartbeatMs);
    const MillisecondRange election = m_options.electionTimeoutMs.value_or(cluster.electionTimeoutMs);
    if (heartbeatMs >= election.minMs) {
        // Name where each value came from: one of them was typed, the other read from the file.
        const QString heartbeat = m_options.heartbeatMs
            ? QStringLiteral("--heartbeat-ms %1").arg(heartbeatMs)
            : QStringLiteral("heartbeat_ms %1 in %2").arg(heartbeatMs).arg(m_options.clusterFile);
        const QString timeout = m_options.electionTimeoutMs
            ? QStringLiteral("--election-timeout-ms %1-%2").arg(election.minMs).arg(election.maxMs)
            : QStringLiteral("election_timeout_ms [%1, %2] in %3")
                  .arg(election.minMs)
                  .arg(election.maxMs)
                  .arg(m_options.clusterFile);
        return failWith(2,
                        QStringLiteral("the heartbeat (%1) must be shorter than the smallest election "
                                       "timeout (%2)")
                            .arg(heartbeat, timeout));
    }

    QByteArray secret;
    const QString secretPath =
        clusterSecretPath(m_options.clusterSecretFile, m_options.clusterFile, cluster.secretFile);
    if (!secretPath.isEmpty()) {
        QString warning;
        if (const QString error = loadClusterSecret(secretPath, secret, warning); !error.isEmpty())
            return failWith(2, error);
        if (!warning.isEmpty())
            printLine(OutputStream::Stderr, QStringLiteral("raftlab-node: warning: %1").arg(warning));
    }
    // A host name listens on the address it resolves to; one that does not resolve stops the node here.
    for (const NodeAddress *address : {&member->raft, &member->http}) {
        QHostAddress resolved;
        if (const QString error = resolveListenAddress(address->host, resolved); !error.isEmpty())
            return failWith(1, QStringLiteral("cannot listen on %1: %2").arg(address->toString(), error));
    }

    NodeSettings settings;
    settings.tickMs = tickMsFor(heartbeatMs);
    settings.snapshotEvery = cluster.snapshotEvery;
    settings.core.catchUpEntries = NodeSettings::catchUpEntriesFor(cluster.snapshotEvery);
    settings.core.id = self;
    // The first configuration, unless this node is not in it: then it starts with none, never campaigns,
    // and waits to be added. A configuration in the data dir wins over both (RaftCore).
    const std::vector<NodeId> voters = cluster.bootstrapVoters();
    if (std::find(voters.begin(), voters.end(), self) != voters.end())
        settings.core.members = voters;
    for (const ClusterMember &m : cluster.members)
        settings.core.addresses.push_back(MemberAddress{m.id, m.raft.toString(), m.http.toString()});
    settings.core.heartbeatTicks = std::max(1, heartbeatMs / settings.tickMs);
    settings.core.electionTimeoutTicksMin =
        std::max(settings.core.heartbeatTicks + 1, election.minMs / settings.tickMs);
    settings.core.electionTimeoutTicksMax =
        std::max(settings.core.electionTimeoutTicksMin + 1, election.maxMs / settings.tickMs);
    settings.core.preVote = cluster.preVote;
    settings.core.checkQuorum = cluster.checkQuorum;
    settings.core.commitNotice = m_options.commitNotice == CommitNoticeMode::AtOnce
        ? CoreConfig::CommitNotice::AtOnce
        : CoreConfig::CommitNotice::NextTick;

    NodeStorage::Opened opened;
    const SyncMode syncMode = m_options.fsyncMode == FsyncMode::Always ? SyncMode::Always : SyncMode::Never;
    NodeStorage::Options storageOptions{syncMode, 64ull << 20};
    storageOptions.owner = NodeStorage::Options::Owner{cluster.name, self};
    // Decoded once here, into a store thrown away, so that a snapshot that does not decode is named damage
    // (exit 3) before the node is built around it.
    storageOptions.checkSnapshot = [](const Snapshot &snapshot) {
        return KvStore().restore(snapshot.data, snapshot.meta.index);
    };
    const StorageStatus status = NodeStorage::open(m_options.dataDir, storageOptions, opened);
    switch (status.code) {
    case StorageStatus::Code::Ok:
        break;
    case StorageStatus::Code::Damaged:
        return failWith(3, QStringLiteral("damaged data: %1").arg(status.message));
    case StorageStatus::Code::Locked:
    case StorageStatus::Code::NotOurs:
        return failWith(2, status.message);
    case StorageStatus::Code::IoError:
        return failWith(2, status.message);
    }
    for (const QString &warning : opened.warnings)
        printLine(OutputStream::Stderr, QStringLiteral("raftlab-node: warning: %1").arg(warning));

    TcpTransport::Options transportOptions;
    transportOptions.cluster = cluster.name;
    transportOptions.self = self;
    transportOptions.listenHost = member->raft.host;
    transportOptions.listenPort = member->raft.port;
    transportOptions.randomSeed = QRandomGenerator::system()->generate64();
    transportOptions.secret = secret;
    transportOptions.maxWaitForConnectionMs = election.maxMs;
    for (const ClusterMember &m : cluster.members) {
        if (m.id != self)
            transportOptions.peers.push_back(TcpTransport::PeerAddress{m.id, m.raft.host, m.raft.port});
    }
    m_transport = std::make_unique<TcpTransport>(transportOptions);
    QString damage;
    m_node = RaftNode::create(settings, std::move(opened), m_transport.get(), damage);
    if (!m_node)
        return failWith(3, QStringLiteral("damaged data: %1").arg(damage));
    HttpApi::Options httpOptions{cluster, member->http.host, member->http.port, m_options.adminToken,
                                 syncMode == SyncMode::Always};
    m_http = std::make_unique<HttpApi>(httpOptions, m_node.get());
    if (const QString error = m_http->listen(); !error.isEmpty())
        return failWith(1, error);
    if (const QString error = m_transport->start(); !error.isEmpty())
        return failWith(1, error);
    installSignalHandlers();
    TcpTransport *transport = m_transport.get();
    connect(m_node.get(), &RaftNode::membershipChanged, this, [transport](const Membership &membership) {
        for (const MemberAddress &address : membership.addresses) {
            if (const std::optional<NodeAddress> raft = parseNodeAddress(address.raft))
                transport->addPeer(TcpTransport::PeerAddress{address.id, raft->host, raft->port});
        }
    });
    connect(
        m_node.get(), &RaftNode::removedFromCluster, this, [this, self, name = cluster.name](LogIndex index) {
            printLine(OutputStream::Stderr,
                      QStringLiteral(
                          "raftlab-node %1: removed from cluster '%2' (configuration committed at index %3); "
                          "exiting")
                          .arg(self.value)
                          .arg(name)
                          .arg(index.value));
            // A moment for the answers in flight (a removed leader answers the request that removed it),
            // then a clean stop, as on SIGTERM.
            QTimer::singleShot(removalGraceMs, this, [this] {
                m_node->stop();
                QCoreApplication::exit(0);
            });
        });
    m_node->start();
    printLine(OutputStream::Stderr,
              QStringLiteral("raftlab-node %1 of cluster '%2': raft %3, http %4, data %5 (fsync %6)")
                  .arg(self.value)
                  .arg(cluster.name, member->raft.toString(), member->http.toString(), m_options.dataDir,
                       syncMode == SyncMode::Always
                           ? QStringLiteral("always")
                           : QStringLiteral("never: a crash may lose acknowledged writes")));
    return 0;
}

void NodeProcess::installSignalHandlers()
{
    auto *stopSignals = new StopSignals(this);
    connect(stopSignals, &StopSignals::received, this, &NodeProcess::stopOnSignal);
}

void NodeProcess::stopOnSignal()
{
    // Everything acknowledged is already durable (persist happens before any answer); stopping the
    // timers and leaving the loop closes the sockets and the storage cleanly.
    m_node->stop();
    QCoreApplication::exit(0);
}

} // namespace raftlab
