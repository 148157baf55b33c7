#include "clustersupervisor.h"

#include "storage/identityfile.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace raftlab {

namespace {

Q_LOGGING_CATEGORY(lcSupervisor, "raftlab.gui")

constexpr int maxNodeCount = 99;
constexpr int probeIntervalMs = 50;
constexpr int probeTimeoutMs = 2000;
constexpr int reapTimeoutMs = 5000;
constexpr qsizetype maxPartialLineBytes = 8192;

// `count` distinct loopback ports that were free a moment ago: all are held open together, so none
// is handed out twice, then released for the nodes to take.
QList<quint16> freeLoopbackPorts(int count)
{
    std::vector<std::unique_ptr<QTcpServer>> servers;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        auto server = std::make_unique<QTcpServer>();
        if (!server->listen(QHostAddress::LocalHost, 0))
            return {};
        ports.append(server->serverPort());
        servers.push_back(std::move(server));
    }
    return ports;
}

bool isExecutableFile(const QString &path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

// Did this node fail because its ports were taken (nodeprocess.cpp exits 1 only for that)?
bool failedToListen(int exitCode, QProcess::ExitStatus status, const QStringList &output)
{
    if (status != QProcess::NormalExit || exitCode != 1)
        return false;
    for (const QString &line : output) {
        if (line.contains(QLatin1String("cannot serve HTTP")) ||
            line.contains(QLatin1String("cannot listen for Raft peers")))
            return true;
    }
    return false;
}

} // namespace

ClusterSupervisor::ClusterSupervisor(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setProxy(QNetworkProxy::NoProxy);
}

ClusterSupervisor::~ClusterSupervisor()
{
    // Nobody listens to a supervisor that is going away; the nodes must go with it all the same.
    blockSignals(true);
    stopAll();
}

QString ClusterSupervisor::findNodeExecutable(const QString &explicitPath, QString *error)
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return QString();
    };
    if (!explicitPath.isEmpty()) {
        if (isExecutableFile(explicitPath))
            return QFileInfo(explicitPath).absoluteFilePath();
        return fail(ClusterSupervisor::tr("the node program %1 is not an executable file").arg(explicitPath));
    }
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates{
        QDir::cleanPath(appDir + QStringLiteral("/raftlab-node")), // installed side by side
        QDir::cleanPath(appDir + QStringLiteral("/../engine/raftlab-node")), // the build tree
    };
    for (const QString &candidate : candidates) {
        if (isExecutableFile(candidate))
            return candidate;
    }
    if (const QString onPath = QStandardPaths::findExecutable(QStringLiteral("raftlab-node"));
        !onPath.isEmpty())
        return onPath;
    return fail(ClusterSupervisor::tr("raftlab-node was not found: looked for %1 and on PATH; build the "
                                      "raftlab-node target, or install it beside raftlab")
                    .arg(candidates.join(tr(" and "))));
}

// ---------------------------------------------------------------------------------------------
// Starting and attaching.

QString ClusterSupervisor::startLocalCluster(int nodeCount, const QString &workspaceDir, bool preVote,
                                             bool checkQuorum)
{
    ClusterConfig settings;
    settings.preVote = preVote;
    settings.checkQuorum = checkQuorum;
    return startLocalCluster(nodeCount, workspaceDir, settings);
}

QString ClusterSupervisor::startLocalCluster(int nodeCount, const QString &workspaceDir,
                                             const ClusterConfig &settings)
{
    if (nodeCount < 1 || nodeCount > maxNodeCount)
        return ClusterSupervisor::tr("a local cluster has 1 to %1 nodes, not %2")
            .arg(maxNodeCount)
            .arg(nodeCount);
    QString error;
    const QString executable = findNodeExecutable(m_nodeExecutable, &error);
    if (executable.isEmpty())
        return error;
    clear();
    m_nodeExecutable = executable;
    if (error = prepareWorkspace(workspaceDir); !error.isEmpty())
        return error;
    QString previousName;
    if (error = reuseOrRetireWorkspace(nodeCount, previousName); !error.isEmpty())
        return error;

    m_config = settings;
    m_config.name = !previousName.isEmpty()
        ? previousName
        : QStringLiteral("lab-%1").arg(QRandomGenerator::global()->generate() & 0xffffff, 6, 16,
                                       QLatin1Char('0'));
    m_config.members.clear();
    for (int i = 1; i <= nodeCount; ++i)
        m_config.members.push_back(ClusterMember{NodeId(std::uint32_t(i)), {}, {}});
    if (error = assignFreePorts(); !error.isEmpty())
        return error;
    if (error = saveClusterFile(); !error.isEmpty())
        return error;
    m_mode = Mode::Local;
    for (const ClusterMember &member : m_config.members)
        m_nodes[member.id] = Node();
    m_launchAttempt = 1;
    Q_EMIT configChanged();
    for (const ClusterMember &member : m_config.members)
        launch(member.id);
    return QString();
}

QString ClusterSupervisor::attach(const QString &clusterFile)
{
    ClusterConfig config;
    if (const QString error = loadClusterConfig(clusterFile, config); !error.isEmpty())
        return error;
    clear();
    m_mode = Mode::Attached;
    m_config = std::move(config);
    m_clusterFile = QFileInfo(clusterFile).absoluteFilePath();
    m_workspaceDir = QFileInfo(clusterFile).absolutePath();
    for (const ClusterMember &member : m_config.members) {
        Node node;
        node.state = NodeState::External;
        m_nodes[member.id] = std::move(node);
    }
    Q_EMIT configChanged();
    for (const ClusterMember &member : m_config.members)
        Q_EMIT nodeStateChanged(member.id, NodeState::External);
    return QString();
}

void ClusterSupervisor::clear()
{
    stopAll();
    m_nodes.clear();
    m_forgotten.clear();
    m_config = ClusterConfig();
    m_mode = Mode::Idle;
    m_temporaryDir.reset();
    m_workspaceDir.clear();
    m_workspaceNotice.clear();
    m_clusterFile.clear();
    m_launchAttempt = 0;
}

QString ClusterSupervisor::prepareWorkspace(const QString &workspaceDir)
{
    if (workspaceDir.isEmpty()) {
        m_temporaryDir =
            std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/raftlab-XXXXXX"));
        if (!m_temporaryDir->isValid())
            return ClusterSupervisor::tr("cannot create a temporary workspace: %1")
                .arg(m_temporaryDir->errorString());
        m_workspaceDir = m_temporaryDir->path();
    } else {
        if (!QDir().mkpath(workspaceDir))
            return ClusterSupervisor::tr("cannot create the workspace %1").arg(workspaceDir);
        m_workspaceDir = QFileInfo(workspaceDir).absoluteFilePath();
    }
    m_clusterFile = m_workspaceDir + QStringLiteral("/cluster.json");
    return QString();
}

// A data dir records the cluster and node it belongs to, and its node refuses to start on it otherwise:
// so the cluster an earlier run left in the workspace is started again only when it has the same nodes,
// under its own name. Anything else is moved aside rather than deleted (it may be someone's experiment).
QString ClusterSupervisor::reuseOrRetireWorkspace(int nodeCount, QString &clusterName)
{
    if (m_temporaryDir)
        return QString();
    const QDir workspace(m_workspaceDir);
    static const QRegularExpression dataDirName(QStringLiteral("^n[0-9]+$"));
    const QStringList dataDirs =
        workspace.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name).filter(dataDirName);
    const bool hasClusterFile = QFileInfo::exists(m_clusterFile);
    if (!hasClusterFile && dataDirs.isEmpty())
        return QString(); // a new workspace

    // What the workspace holds, unless it is this cluster again: then `held` stays empty.
    ClusterConfig previous;
    QString held;
    if (!hasClusterFile || !loadClusterConfig(m_clusterFile, previous).isEmpty()) {
        held = tr("data dirs without a readable cluster.json");
    } else {
        bool sameNodes = int(previous.members.size()) == nodeCount;
        for (int i = 1; sameNodes && i <= nodeCount; ++i)
            sameNodes = previous.member(NodeId(std::uint32_t(i))) != nullptr;
        if (!sameNodes)
            held = tr("a %n-node cluster '%1'", nullptr, int(previous.members.size())).arg(previous.name);
    }
    for (const QString &name : dataDirs) {
        std::optional<DataDirIdentity> identity;
        // A data dir without a record (new, or from before records) is adopted by its node.
        if (!held.isEmpty() || !IdentityFile::load(workspace.filePath(name), identity).ok() || !identity)
            continue;
        if (identity->clusterName != previous.name ||
            QStringLiteral("n%1").arg(identity->nodeId.value) != name)
            held = tr("cluster '%1', but its data dir %2 belongs to node %3 of cluster '%4'")
                       .arg(previous.name, name)
                       .arg(identity->nodeId.value)
                       .arg(identity->clusterName);
    }
    if (held.isEmpty()) {
        clusterName = previous.name;
        return QString();
    }

    const QString base = QStringLiteral("retired-%1-%2")
                             .arg(previous.name.isEmpty() ? QStringLiteral("cluster") : previous.name,
                                  QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    QString retired = base;
    for (int attempt = 2; workspace.exists(retired); ++attempt)
        retired = base + QStringLiteral("-%1").arg(attempt);
    if (!workspace.mkdir(retired))
        return tr("cannot create %1 to move the earlier cluster aside").arg(workspace.filePath(retired));
    QStringList moved = dataDirs;
    if (hasClusterFile)
        moved.prepend(QFileInfo(m_clusterFile).fileName());
    for (const QString &name : moved) {
        if (!QDir().rename(workspace.filePath(name), workspace.filePath(retired + QLatin1Char('/') + name)))
            return tr("cannot move %1 into %2").arg(workspace.filePath(name), workspace.filePath(retired));
    }
    m_workspaceNotice = tr("The workspace %1 held %2: that was moved to %3, and %n nodes start on new data "
                           "dirs.",
                           nullptr, nodeCount)
                            .arg(m_workspaceDir, held, workspace.filePath(retired));
    qCInfo(lcSupervisor).noquote() << m_workspaceNotice;
    return QString();
}

QString ClusterSupervisor::assignFreePorts()
{
    const QList<quint16> ports = freeLoopbackPorts(int(m_config.members.size()) * 2);
    if (ports.isEmpty())
        return ClusterSupervisor::tr("no free TCP port on 127.0.0.1 for the nodes");
    for (std::size_t i = 0; i < m_config.members.size(); ++i) {
        m_config.members[i].raft = NodeAddress{QStringLiteral("127.0.0.1"), ports.at(qsizetype(2 * i))};
        m_config.members[i].http = NodeAddress{QStringLiteral("127.0.0.1"), ports.at(qsizetype(2 * i + 1))};
    }
    return QString();
}

QString ClusterSupervisor::addNode(NodeId &added)
{
    if (m_mode != Mode::Local)
        return tr("Only a cluster RaftLab started can grow: these nodes run elsewhere.");
    const QList<quint16> ports = freeLoopbackPorts(2);
    if (ports.size() < 2)
        return tr("No free TCP port on 127.0.0.1 for a new node.");
    // The nodes there are already hold the configuration in their data dirs; the new one must not think
    // itself a member of the first configuration, so "members" names the first one explicitly.
    if (m_config.initialMembers.empty())
        m_config.initialMembers = m_config.bootstrapVoters();
    std::uint32_t next = 1;
    for (const ClusterMember &member : m_config.members)
        next = std::max(next, member.id.value + 1);
    for (NodeId gone : m_forgotten) // a removed node's id is never reused: its old messages name it
        next = std::max(next, gone.value + 1);
    const NodeId id(next);
    m_config.members.push_back(ClusterMember{id, NodeAddress{QStringLiteral("127.0.0.1"), ports.at(0)},
                                             NodeAddress{QStringLiteral("127.0.0.1"), ports.at(1)}});
    if (const QString error = saveClusterFile(); !error.isEmpty()) {
        m_config.members.pop_back();
        return error;
    }
    m_nodes[id] = Node{};
    launch(id);
    added = id;
    Q_EMIT nodeAdded(id);
    return QString();
}

QString ClusterSupervisor::forgetNode(NodeId id)
{
    const auto found = m_nodes.find(id);
    if (found == m_nodes.end())
        return QString();
    if (QProcess *process = found->second.process)
        process->terminate(); // it is no longer current: its end is only reaped (onFinished)
    m_nodes.erase(found);
    m_forgotten.insert(id);
    if (m_mode != Mode::Local)
        return QString(); // an attached cluster's file is its owner's
    if (m_config.initialMembers.empty())
        m_config.initialMembers = m_config.bootstrapVoters();
    std::erase(m_config.initialMembers, id);
    std::erase_if(m_config.members, [id](const ClusterMember &member) { return member.id == id; });
    return saveClusterFile();
}

QString ClusterSupervisor::saveClusterFile()
{
    QSaveFile file(m_clusterFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_config.toJson()) < 0 || !file.commit())
        return ClusterSupervisor::tr("cannot write %1: %2").arg(m_clusterFile, file.errorString());
    return QString();
}

// ---------------------------------------------------------------------------------------------
// One node's process.

QString ClusterSupervisor::dataDir(NodeId id) const
{
    if (m_workspaceDir.isEmpty())
        return QString();
    return m_workspaceDir + QStringLiteral("/n%1").arg(id.value);
}

void ClusterSupervisor::launch(NodeId id)
{
    Node &node = m_nodes[id];
    auto *process = new QProcess(this);
    process->setProgram(m_nodeExecutable);
    process->setArguments(QStringList{QStringLiteral("--cluster"), m_clusterFile, QStringLiteral("--id"),
                                      QString::number(id.value), QStringLiteral("--data-dir"), dataDir(id)} +
                          m_extraArguments);
    process->setWorkingDirectory(m_workspaceDir);
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->setStandardInputFile(QProcess::nullDevice());
    // In the child, between fork and exec (async-signal-safe calls only): die with the app. If the app
    // died before prctl ran, the child was already reparented and would never get the signal: leave.
    const pid_t app = ::getpid();
    process->setChildProcessModifier([app] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != app)
            ::_exit(127);
    });
    connect(process, &QProcess::readyReadStandardOutput, this, [this, id, process] {
        if (isCurrent(id, process))
            onOutput(id, process);
    });
    connect(process, &QProcess::started, this, [this, id, process] {
        if (isCurrent(id, process))
            probe(id);
    });
    connect(process, &QProcess::finished, this,
            [this, id, process](int exitCode, QProcess::ExitStatus status) {
                onFinished(id, process, exitCode, status);
            });
    connect(process, &QProcess::errorOccurred, this, [this, id, process](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart || !isCurrent(id, process))
            return;
        Node &failed = m_nodes[id];
        failed.process = nullptr;
        failed.exitCode = -1;
        failed.exitStatus = QProcess::CrashExit;
        failed.outputTail.append(
            ClusterSupervisor::tr("cannot start %1: %2").arg(m_nodeExecutable, process->errorString()));
        process->deleteLater();
        setState(id, NodeState::Exited);
    });

    node.process = process;
    node.ready = false;
    node.probing = false; // a probe of an earlier process, if any, no longer counts
    node.killRequested = false;
    node.exitCode = 0;
    node.exitStatus = QProcess::NormalExit;
    node.outputTail.clear();
    node.partialLine.clear();
    setState(id, NodeState::Starting);
    process->start();
}

bool ClusterSupervisor::isCurrent(NodeId id, const QProcess *process) const
{
    const auto it = m_nodes.find(id);
    return it != m_nodes.end() && it->second.process == process;
}

void ClusterSupervisor::onOutput(NodeId id, QProcess *process)
{
    Node &node = m_nodes[id];
    node.partialLine.append(process->readAllStandardOutput());
    qsizetype start = 0;
    for (qsizetype end = node.partialLine.indexOf('\n'); end >= 0;
         end = node.partialLine.indexOf('\n', start)) {
        const QString line = QString::fromUtf8(node.partialLine.sliced(start, end - start)).trimmed();
        start = end + 1;
        node.outputTail.append(line);
        if (node.outputTail.size() > outputTailLines)
            node.outputTail.removeFirst();
        Q_EMIT nodeOutput(id, line);
    }
    node.partialLine.remove(0, start);
    if (node.partialLine.size() > maxPartialLineBytes)
        node.partialLine.append('\n'); // a runaway line: cut it at the next read
}

void ClusterSupervisor::onFinished(NodeId id, QProcess *process, int exitCode, QProcess::ExitStatus status)
{
    process->deleteLater();
    if (!isCurrent(id, process))
        return; // an earlier process of this node, or of an earlier cluster
    Node &node = m_nodes[id];
    onOutput(id, process);
    if (!node.partialLine.isEmpty()) {
        node.partialLine.append('\n');
        onOutput(id, process);
    }
    node.process = nullptr;
    node.ready = false;
    node.exitCode = exitCode;
    node.exitStatus = status;
    if (node.killRequested) {
        setState(id, NodeState::Killed);
        return;
    }
    qCInfo(lcSupervisor).noquote() << tr("node %1 %2").arg(id.value).arg(exitDescription(id));
    setState(id, NodeState::Exited);
    if (m_launchAttempt > 0 && !m_retryPending && failedToListen(exitCode, status, node.outputTail)) {
        // Another program took a port between our pick and the node's bind: pick again, for all.
        m_retryPending = true;
        QTimer::singleShot(0, this, &ClusterSupervisor::retryLaunchWithNewPorts);
    }
}

void ClusterSupervisor::retryLaunchWithNewPorts()
{
    m_retryPending = false;
    if (m_mode != Mode::Local || m_launchAttempt == 0)
        return;
    if (m_launchAttempt >= maxLaunchAttempts) {
        qCWarning(lcSupervisor).noquote()
            << tr("the nodes could not listen on free ports %1 times; giving up").arg(m_launchAttempt);
        m_launchAttempt = 0;
        return;
    }
    ++m_launchAttempt;
    qCInfo(lcSupervisor).noquote() << tr("a node could not listen: starting all again on new ports");
    for (auto &[id, node] : m_nodes)
        killProcess(node);
    if (const QString error = assignFreePorts(); !error.isEmpty()) {
        qCWarning(lcSupervisor).noquote() << error;
        return;
    }
    if (const QString error = saveClusterFile(); !error.isEmpty()) {
        qCWarning(lcSupervisor).noquote() << error;
        return;
    }
    Q_EMIT configChanged();
    for (const ClusterMember &member : m_config.members)
        launch(member.id);
}

// Asks the node's HTTP API who it is, until it answers with this process's pid: then it is Running.
void ClusterSupervisor::probe(NodeId id)
{
    Node &node = m_nodes[id];
    const ClusterMember *member = m_config.member(id);
    if (node.state != NodeState::Starting || !node.process || node.probing || !member)
        return;
    node.probing = true;
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(member->http.host);
    url.setPort(member->http.port);
    url.setPath(QStringLiteral("/status"));
    QNetworkRequest request(url);
    request.setTransferTimeout(probeTimeoutMs);
    QNetworkReply *reply = m_network->get(request);
    const QPointer<QProcess> process = node.process;
    connect(reply, &QNetworkReply::finished, this, [this, id, reply, process] {
        reply->deleteLater();
        if (!process || !isCurrent(id, process))
            return;
        Node &probed = m_nodes[id];
        probed.probing = false;
        if (probed.state != NodeState::Starting)
            return;
        // A refused probe never opened: its body is read only when the node answered.
        const QJsonObject status = reply->error() == QNetworkReply::NoError
            ? QJsonDocument::fromJson(reply->readAll()).object()
            : QJsonObject();
        if (reply->error() == QNetworkReply::NoError &&
            status.value(QStringLiteral("pid")).toInteger() == process->processId()) {
            probed.ready = true;
            setState(id, NodeState::Running);
            if (m_launchAttempt > 0 && std::all_of(m_nodes.begin(), m_nodes.end(), [](const auto &entry) {
                    return entry.second.ready;
                }))
                m_launchAttempt = 0; // every node listens: no more picking of ports
            return;
        }
        QTimer::singleShot(probeIntervalMs, this, [this, id, process] {
            if (process && isCurrent(id, process))
                probe(id);
        });
    });
}

void ClusterSupervisor::killProcess(Node &node)
{
    QProcess *process = node.process;
    if (!process)
        return;
    node.killRequested = true;
    process->kill(); // SIGKILL; a frozen process dies too
    // A SIGKILLed process is reaped within milliseconds; waiting makes "killed" mean "gone".
    if (!process->waitForFinished(reapTimeoutMs))
        qCWarning(lcSupervisor).noquote()
            << tr("process %1 did not end %2 ms after SIGKILL").arg(process->processId()).arg(reapTimeoutMs);
}

// ---------------------------------------------------------------------------------------------
// Control.

bool ClusterSupervisor::kill(NodeId id)
{
    if (!canControlProcesses() || !m_nodes.contains(id) || !m_nodes[id].process)
        return false;
    killProcess(m_nodes[id]);
    return true;
}

bool ClusterSupervisor::restart(NodeId id)
{
    if (!canControlProcesses() || !m_nodes.contains(id))
        return false;
    killProcess(m_nodes[id]);
    launch(id);
    return true;
}

bool ClusterSupervisor::freeze(NodeId id)
{
    if (!canControlProcesses() || !m_nodes.contains(id))
        return false;
    Node &node = m_nodes[id];
    if (!node.process || (node.state != NodeState::Starting && node.state != NodeState::Running))
        return false;
    if (::kill(pid_t(node.process->processId()), SIGSTOP) != 0)
        return false;
    setState(id, NodeState::Frozen);
    return true;
}

bool ClusterSupervisor::thaw(NodeId id)
{
    if (!canControlProcesses() || !m_nodes.contains(id))
        return false;
    Node &node = m_nodes[id];
    if (!node.process || node.state != NodeState::Frozen)
        return false;
    if (::kill(pid_t(node.process->processId()), SIGCONT) != 0)
        return false;
    setState(id, node.ready ? NodeState::Running : NodeState::Starting);
    if (!node.ready)
        probe(id);
    return true;
}

void ClusterSupervisor::pauseAll()
{
    for (const auto &[id, node] : m_nodes)
        freeze(id);
}

void ClusterSupervisor::resumeAll()
{
    for (const auto &[id, node] : m_nodes)
        thaw(id);
}

QString ClusterSupervisor::resetCluster()
{
    if (!canControlProcesses())
        return ClusterSupervisor::tr("an attached cluster cannot be reset from here");
    stopAll();
    for (const auto &[id, node] : m_nodes) {
        QDir dir(dataDir(id));
        if (dir.exists() && !dir.removeRecursively())
            return ClusterSupervisor::tr("cannot remove %1").arg(dir.path());
    }
    for (const auto &[id, node] : m_nodes)
        launch(id);
    return QString();
}

QString ClusterSupervisor::setProtocolOptions(bool preVote, bool checkQuorum)
{
    if (!canControlProcesses())
        return ClusterSupervisor::tr("the protocol options of an attached cluster are not ours to change");
    m_config.preVote = preVote;
    m_config.checkQuorum = checkQuorum;
    return saveClusterFile();
}

void ClusterSupervisor::stopAll()
{
    m_launchAttempt = 0;
    for (auto &[id, node] : m_nodes)
        killProcess(node);
}

// ---------------------------------------------------------------------------------------------
// Accessors.

void ClusterSupervisor::setState(NodeId id, NodeState state)
{
    Node &node = m_nodes[id];
    if (node.state == state)
        return;
    node.state = state;
    qCDebug(lcSupervisor).noquote() << tr("node %1 is %2").arg(id.value).arg(stateName(state));
    Q_EMIT nodeStateChanged(id, state);
}

QList<NodeId> ClusterSupervisor::nodeIds() const
{
    QList<NodeId> ids;
    for (const auto &[id, node] : m_nodes)
        ids.append(id);
    return ids;
}

ClusterSupervisor::NodeState ClusterSupervisor::nodeState(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? NodeState::Killed : it->second.state;
}

qint64 ClusterSupervisor::pid(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() || !it->second.process ? 0 : it->second.process->processId();
}

int ClusterSupervisor::exitCode(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? 0 : it->second.exitCode;
}

QStringList ClusterSupervisor::outputTail(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? QStringList() : it->second.outputTail;
}

QString ClusterSupervisor::exitDescription(NodeId id) const
{
    const auto it = m_nodes.find(id);
    if (it == m_nodes.end())
        return QString();
    const Node &node = it->second;
    QString text = node.exitStatus == QProcess::CrashExit
        ? ClusterSupervisor::tr("was killed by signal %1").arg(node.exitCode)
        : ClusterSupervisor::tr("exited with status %1").arg(node.exitCode);
    if (node.exitCode == -1)
        text = ClusterSupervisor::tr("could not start");
    if (!node.outputTail.isEmpty())
        text += QStringLiteral(": ") + node.outputTail.constLast();
    return text;
}

QString ClusterSupervisor::stateName(NodeState state)
{
    switch (state) {
    case NodeState::Starting:
        return QStringLiteral("starting");
    case NodeState::Running:
        return QStringLiteral("running");
    case NodeState::Killed:
        return QStringLiteral("killed");
    case NodeState::Frozen:
        return QStringLiteral("frozen");
    case NodeState::Exited:
        return QStringLiteral("exited");
    case NodeState::External:
        return QStringLiteral("external");
    }
    return QString();
}

} // namespace raftlab
