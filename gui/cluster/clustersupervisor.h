#pragma once

// ClusterSupervisor: the raftlab-node processes of a local cluster (docs/architecture.md). It picks free
// loopback ports, writes WORKSPACE/cluster.json, starts one process per node on WORKSPACE/n<id>, and
// kills (SIGKILL: a real crash), freezes (SIGSTOP/SIGCONT) and restarts them (same data dir: a real
// recovery from disk). It talks no HTTP beyond a readiness probe: NodeClient does that.
//
// No node outlives the app. The destructor kills every node and waits for it; and should the app
// itself die (SIGKILL, a crash), each node gets SIGKILL from the kernel (PR_SET_PDEATHSIG, set in
// the child before exec). The death signal follows the *thread* that started the process: start
// nodes from the GUI thread, which lives as long as the app.
//
// attach() is the other mode: a cluster file of nodes started by someone else (maybe on other
// machines). There are no processes then; canControlProcesses() is false and every node's state is
// External: its NodeClient's connection tells whether it is up.

#include "core/types.h"
#include "model/processstate.h"
#include "node/clusterconfig.h"

#include <QObject>
#include <QProcess>
#include <QStringList>

#include <map>
#include <memory>
#include <set>

class QNetworkAccessManager;
class QTemporaryDir;

namespace raftlab {

class ClusterSupervisor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterSupervisor)

public:
    // What a node's process is doing (an Exited one: see exitDescription()).
    using NodeState = ProcessState;

    enum class Mode { Idle, Local, Attached };

    // How many lines of a node's output are kept for exitDescription().
    static constexpr int outputTailLines = 40;
    // Tries with fresh ports when a node cannot listen on the ports it was given (someone took them).
    static constexpr int maxLaunchAttempts = 3;

    explicit ClusterSupervisor(QObject *parent = nullptr);
    ~ClusterSupervisor() override; // stopAll()

    // The raftlab-node binary. Unset: findNodeExecutable() decides at start.
    void setNodeExecutable(const QString &path) { m_nodeExecutable = path; }
    // Where raftlab-node is: `explicitPath` when given, else beside the running executable (an
    // installed app), else ../engine/ (the build tree), else on PATH. Empty, with `error` set to a
    // sentence naming every place looked at, when it is nowhere.
    static QString findNodeExecutable(const QString &explicitPath = QString(), QString *error = nullptr);
    // Arguments added to every node's command line, e.g. {"--fsync", "never"}.
    void setExtraNodeArguments(const QStringList &arguments) { m_extraArguments = arguments; }

    // Starting or attaching ends the cluster before, if any: its nodes are killed.
    // Starts `nodeCount` nodes (ids 1..nodeCount) in `workspaceDir` (created if missing), or in a fresh
    // temporary directory, removed with the supervisor, when it is empty. A workspace that holds the
    // cluster of an earlier run with the same nodes starts that cluster again (its name, its data dirs);
    // one that holds a cluster of another shape (other nodes, or data dirs of another cluster) has it
    // moved aside, whole, into WORKSPACE/retired-<name>-<time>/, and the new cluster starts on fresh
    // data dirs: workspaceNotice() then says so. Returns an empty string, or one sentence saying why
    // nothing was started. The nodes then go Starting -> Running (nodeStateChanged).
    QString startLocalCluster(int nodeCount, const QString &workspaceDir = QString(), bool preVote = true,
                              bool checkQuorum = true);
    // The same with every cluster.json setting given (timing, protocol options, snapshot interval);
    // `settings`' name and members are ignored.
    QString startLocalCluster(int nodeCount, const QString &workspaceDir, const ClusterConfig &settings);
    // Reads a cluster file of nodes that run already. Returns an empty string or the reason.
    QString attach(const QString &clusterFile);

    Mode mode() const { return m_mode; }
    bool canControlProcesses() const { return m_mode == Mode::Local; }

    // Process control; each returns false (and does nothing) when it does not apply: attached, an
    // unknown id, or a node in the wrong state (kill and freeze want a live process).
    bool kill(raftlab::NodeId id);
    bool restart(raftlab::NodeId id); // a live node is killed first; same data dir
    bool freeze(raftlab::NodeId id);
    bool thaw(raftlab::NodeId id);
    void pauseAll(); // freeze every live node
    void resumeAll(); // thaw every frozen node
    // Kills every node, wipes every data dir and starts them all again on the same ports.
    QString resetCluster();
    // PreVote and CheckQuorum for the nodes started from now on (written to the cluster file): a local
    // cluster only. Returns an empty string or why not.
    QString setProtocolOptions(bool preVote, bool checkQuorum);
    // A new node for a membership change: the next free id, fresh loopback ports, its own data dir, written
    // into the workspace's cluster.json outside "members" (so it starts with no configuration and waits
    // to be added), and started. A local cluster only. Returns an empty string (and the id in `added`) or
    // why not; nodeAdded() follows.
    QString addNode(raftlab::NodeId &added);
    // Stops tracking node `id`, which left the cluster (a committed removal): a process still running is
    // asked to stop (SIGTERM), and a local cluster's cluster.json no longer names it. Its id is not given
    // to a later addNode(). Returns an empty string or why the file could not be written.
    QString forgetNode(raftlab::NodeId id);
    // Kills every node and waits until each is reaped. The nodes stay known (state Killed).
    void stopAll();

    const ClusterConfig &config() const { return m_config; }
    QString workspaceDir() const { return m_workspaceDir; }
    // What the last startLocalCluster() did with an earlier cluster in the workspace, for the user; empty
    // when it found none or started it again.
    QString workspaceNotice() const { return m_workspaceNotice; }
    QString clusterFile() const { return m_clusterFile; }
    QString dataDir(raftlab::NodeId id) const;
    QList<raftlab::NodeId> nodeIds() const;
    NodeState nodeState(raftlab::NodeId id) const;
    qint64 pid(raftlab::NodeId id) const; // 0 when no process of ours runs for it
    // After Exited: the exit code (or signal), and the last lines the node printed.
    int exitCode(raftlab::NodeId id) const;
    QStringList outputTail(raftlab::NodeId id) const;
    // One sentence: "exited with status 2: raftlab-node: cluster.json: ..." or "killed by signal 9".
    QString exitDescription(raftlab::NodeId id) const;

    static QString stateName(NodeState state);

Q_SIGNALS:
    void nodeStateChanged(raftlab::NodeId id, raftlab::ClusterSupervisor::NodeState state);
    // One line the node printed (stderr and stdout, merged), without the line end.
    void nodeOutput(raftlab::NodeId id, const QString &line);
    // The members or their addresses changed (a new cluster, an attach, ports picked again): make
    // new NodeClients from config().
    void configChanged();
    // addNode() wrote node `id` into the cluster file and started it (its address is in config()).
    void nodeAdded(raftlab::NodeId id);

private:
    std::set<raftlab::NodeId> m_forgotten; // see forgetNode()

    struct Node
    {
        QProcess *process = nullptr; // the current process, or null
        NodeState state = NodeState::Killed;
        bool ready = false; // its HTTP API answered (Starting -> Running)
        bool probing = false;
        bool killRequested = false; // its end is ours: Killed, not Exited
        int exitCode = 0;
        QProcess::ExitStatus exitStatus = QProcess::NormalExit;
        QStringList outputTail;
        QByteArray partialLine;
    };

    QString prepareWorkspace(const QString &workspaceDir);
    QString reuseOrRetireWorkspace(int nodeCount, QString &clusterName);
    QString assignFreePorts();
    QString saveClusterFile();
    void launch(NodeId id);
    bool isCurrent(NodeId id, const QProcess *process) const;
    void onOutput(NodeId id, QProcess *process);
    void onFinished(NodeId id, QProcess *process, int exitCode, QProcess::ExitStatus status);
    void probe(NodeId id);
    void killProcess(Node &node);
    void setState(NodeId id, NodeState state);
    void retryLaunchWithNewPorts();
    void clear();

    Mode m_mode = Mode::Idle;
    QString m_nodeExecutable;
    QStringList m_extraArguments;
    std::unique_ptr<QTemporaryDir> m_temporaryDir;
    QString m_workspaceDir;
    QString m_workspaceNotice;
    QString m_clusterFile;
    ClusterConfig m_config;
    std::map<NodeId, Node> m_nodes;
    QNetworkAccessManager *m_network;
    int m_launchAttempt = 0; // > 0 while a launch may still be retried with fresh ports
    bool m_retryPending = false;
};

} // namespace raftlab
