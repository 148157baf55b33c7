// ClusterSupervisor and NodeClient against real raftlab-node processes on loopback ports.
// Deadlines are generous: CI runs this on a loaded 2-core machine.
#include "cluster/clustersupervisor.h"
#include "cluster/nodeclient.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <sys/prctl.h>
#include <unistd.h>

using namespace raftlab;
using NodeState = ClusterSupervisor::NodeState;

namespace {

constexpr int startMs = 60'000; // processes started and a leader elected
constexpr int changeMs = 30'000; // one state change seen

const char *const childVariable = "RAFTLAB_TST_SUPERVISOR_CHILD";

// The process state letter in /proc/<pid>/stat ('R', 'S', 'T' stopped, 'Z' zombie), or 0 if gone.
char processState(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')'); // the name may hold spaces and parentheses
    return close > 0 && close + 2 < text.size() ? text.at(close + 2) : 0;
}

bool processExists(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

// Exists and is not a zombie waiting for a parent (an orphan's new parent may reap it late).
bool processAlive(qint64 pid)
{
    return processExists(pid) && processState(pid) != 'Z';
}

QList<NodeId> ids(std::initializer_list<std::uint32_t> values)
{
    QList<NodeId> list;
    for (std::uint32_t value : values)
        list.append(NodeId(value));
    return list;
}

// What the test saw of one node through its NodeClient.
struct Observed
{
    std::unique_ptr<NodeClient> client;
    QList<QJsonObject> events;
    QString role;
    int connections = 0;
    int disconnections = 0;
    QString firstTypeOfLastConnection;
};

// The "app" of noOrphansWhenTheAppIsKilled: starts a 2-node cluster, prints "pids A B", waits forever.
int runChildApp(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    ClusterSupervisor supervisor;
    supervisor.setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    QObject::connect(&supervisor, &ClusterSupervisor::nodeStateChanged, &app, [&supervisor] {
        QStringList pids;
        for (NodeId id : supervisor.nodeIds()) {
            if (supervisor.nodeState(id) != NodeState::Running)
                return;
            pids << QString::number(supervisor.pid(id));
        }
        std::printf("pids %s\n", qPrintable(pids.join(QLatin1Char(' '))));
        std::fflush(stdout);
    });
    const QString error = supervisor.startLocalCluster(2, qEnvironmentVariable(childVariable), true, true);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}

} // namespace

class TestSupervisor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void findsTheNodeProgram();
    void refusesToStartWithoutANodeProgram();
    void startsNodesAndElectsALeader();
    void killedNodeIsGoneAndRestartBringsItBack();
    void controlWhileStarting();
    void freezeStopsTheProcessAndThawResumesIt();
    void partitionBlocksPeersOnBothEnds();
    void keyValueRoundTripThroughAFollower();
    void adminErrorsComeBackAsSentences();
    void nodeKilledBySomeoneElseIsExited();
    void resetWipesTheData();
    void attachHasNoProcesses();
    void destroyingTheSupervisorLeavesNoProcess();
    void noOrphansWhenTheAppIsKilled();

private:
    // Starts `count` nodes and a client per node; returns when every node runs and one leads.
    void startCluster(int count);
    void connectClients();
    NodeId leader() const;
    NodeId aFollower() const;

    std::unique_ptr<ClusterSupervisor> m_supervisor;
    std::map<NodeId, Observed> m_nodes;
};

void TestSupervisor::init()
{
    m_supervisor = std::make_unique<ClusterSupervisor>();
    m_supervisor->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    // No fsync: the machine's disk is shared and slow; durability is the storage tests' business.
    m_supervisor->setExtraNodeArguments({QStringLiteral("--fsync"), QStringLiteral("never")});
}

void TestSupervisor::cleanup()
{
    m_nodes.clear();
    m_supervisor.reset();
}

void TestSupervisor::connectClients()
{
    m_nodes.clear();
    for (const ClusterMember &member : m_supervisor->config().members) {
        Observed &observed = m_nodes[member.id];
        observed.client = std::make_unique<NodeClient>(member.id, member.http);
        observed.client->setReconnectDelays(50, 500);
        NodeClient *client = observed.client.get();
        connect(client, &NodeClient::connectionChanged, this, [&observed](bool connected) {
            if (connected) {
                ++observed.connections;
                observed.firstTypeOfLastConnection.clear();
            } else {
                ++observed.disconnections;
            }
        });
        connect(client, &NodeClient::eventReceived, this, [&observed](const QJsonObject &event) {
            const QString type = event.value(QStringLiteral("type")).toString();
            if (observed.firstTypeOfLastConnection.isEmpty())
                observed.firstTypeOfLastConnection = type;
            if (type == QLatin1String("state") || type == QLatin1String("role"))
                observed.role = event.value(QStringLiteral("role")).toString();
            if (observed.events.size() < 100'000)
                observed.events.append(event);
        });
        client->start();
    }
}

void TestSupervisor::startCluster(int count)
{
    QSignalSpy configChanged(m_supervisor.get(), &ClusterSupervisor::configChanged);
    const QString error = m_supervisor->startLocalCluster(count, QString(), true, true);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(m_supervisor->nodeIds().size(), count);
    QVERIFY(m_supervisor->canControlProcesses());
    QVERIFY(QFile::exists(m_supervisor->clusterFile()));
    connectClients();
    // Should a node have lost its port to another program, the supervisor picks new ones: follow it.
    connect(m_supervisor.get(), &ClusterSupervisor::configChanged, this, [this] { connectClients(); });
    for (NodeId id : m_supervisor->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(id), NodeState::Running, startMs);
    for (const auto &[id, observed] : m_nodes)
        QTRY_VERIFY_WITH_TIMEOUT(observed.client->isConnected(), startMs);
    QTRY_VERIFY_WITH_TIMEOUT(!leader().isNone(), startMs);
}

NodeId TestSupervisor::leader() const
{
    for (const auto &[id, observed] : m_nodes) {
        if (observed.role == QLatin1String("leader"))
            return id;
    }
    return NodeId();
}

NodeId TestSupervisor::aFollower() const
{
    const NodeId lead = leader();
    for (const auto &[id, observed] : m_nodes) {
        if (id != lead)
            return id;
    }
    return NodeId();
}

void TestSupervisor::findsTheNodeProgram()
{
    QString error;
    QCOMPARE(ClusterSupervisor::findNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH), &error),
             QFileInfo(QStringLiteral(RAFTLAB_NODE_PATH)).absoluteFilePath());
    QVERIFY(
        ClusterSupervisor::findNodeExecutable(QStringLiteral("/nonexistent/raftlab-node"), &error).isEmpty());
    QVERIFY2(error.contains(QLatin1String("/nonexistent/raftlab-node")), qPrintable(error));
}

void TestSupervisor::refusesToStartWithoutANodeProgram()
{
    m_supervisor->setNodeExecutable(QStringLiteral("/nonexistent/raftlab-node"));
    const QString error = m_supervisor->startLocalCluster(3);
    QVERIFY(!error.isEmpty());
    QCOMPARE(m_supervisor->mode(), ClusterSupervisor::Mode::Idle);
    QVERIFY(m_supervisor->nodeIds().isEmpty());
    m_supervisor->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    QVERIFY(!m_supervisor->startLocalCluster(0).isEmpty());
}

void TestSupervisor::startsNodesAndElectsALeader()
{
    QSignalSpy states(m_supervisor.get(), &ClusterSupervisor::nodeStateChanged);
    startCluster(3);
    const QString workspace = m_supervisor->workspaceDir();
    for (NodeId id : m_supervisor->nodeIds()) {
        QVERIFY(processExists(m_supervisor->pid(id)));
        QVERIFY(QDir(m_supervisor->dataDir(id)).exists());
        QCOMPARE(m_supervisor->dataDir(id), workspace + QStringLiteral("/n%1").arg(id.value));
        // Every stream starts with the node's whole state.
        const QJsonObject first = m_nodes[id].events.front();
        QCOMPARE(first.value(QStringLiteral("type")).toString(), QStringLiteral("state"));
        QCOMPARE(first.value(QStringLiteral("node")).toInteger(), qint64(id.value));
        QCOMPARE(first.value(QStringLiteral("pid")).toInteger(), m_supervisor->pid(id));
    }
    // Each node went Starting, then Running.
    QList<QPair<quint32, NodeState>> seen;
    for (const QList<QVariant> &signal : states)
        seen.append({signal.at(0).value<NodeId>().value, signal.at(1).value<NodeState>()});
    for (NodeId id : m_supervisor->nodeIds()) {
        const qsizetype starting = seen.indexOf(QPair<quint32, NodeState>{id.value, NodeState::Starting});
        const qsizetype running = seen.indexOf(QPair<quint32, NodeState>{id.value, NodeState::Running});
        QVERIFY(starting >= 0 && running > starting);
    }
    // A fresh workspace is a temporary directory, gone with the supervisor.
    QVERIFY(QFile::exists(workspace + QStringLiteral("/cluster.json")));
    cleanup();
    QVERIFY(!QDir(workspace).exists());
}

void TestSupervisor::killedNodeIsGoneAndRestartBringsItBack()
{
    startCluster(3);
    const NodeId victim = aFollower();
    Observed &observed = m_nodes[victim];
    const qint64 pid = m_supervisor->pid(victim);
    QVERIFY(m_supervisor->kill(victim));
    QCOMPARE(m_supervisor->nodeState(victim), NodeState::Killed);
    QVERIFY2(!processExists(pid), "a killed node's process is gone and reaped");
    QCOMPARE(m_supervisor->pid(victim), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!observed.client->isConnected(), changeMs);
    QVERIFY(observed.disconnections >= 1);
    QVERIFY(!m_supervisor->kill(victim)); // nothing left to kill

    const int connectionsBefore = observed.connections;
    QVERIFY(m_supervisor->restart(victim));
    QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(victim), NodeState::Running, startMs);
    QVERIFY(m_supervisor->pid(victim) != pid);
    QTRY_VERIFY_WITH_TIMEOUT(observed.client->isConnected(), changeMs);
    QVERIFY(observed.connections > connectionsBefore);
    QCOMPARE(observed.firstTypeOfLastConnection, QStringLiteral("state"));
    // Events flow again: the leader's heartbeats arrive at the restarted follower.
    const qsizetype eventsNow = observed.events.size();
    QTRY_VERIFY_WITH_TIMEOUT(observed.events.size() > eventsNow + 5, changeMs);
}

void TestSupervisor::controlWhileStarting()
{
    const NodeId only(1);
    const QString error = m_supervisor->startLocalCluster(1);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(m_supervisor->nodeState(only), NodeState::Starting);
    QVERIFY(m_supervisor->freeze(only));
    QCOMPARE(m_supervisor->nodeState(only), NodeState::Frozen);
    QVERIFY(m_supervisor->thaw(only));
    QCOMPARE(m_supervisor->nodeState(only), NodeState::Starting); // it never answered yet
    QVERIFY(m_supervisor->restart(only)); // while its first readiness probe may be on its way
    QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(only), NodeState::Running, startMs);
    const qint64 first = m_supervisor->pid(only);
    QVERIFY(m_supervisor->restart(only)); // a running node: killed, then started again
    QCOMPARE(m_supervisor->nodeState(only), NodeState::Starting);
    QVERIFY(!processExists(first));
    QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(only), NodeState::Running, startMs);
}

void TestSupervisor::freezeStopsTheProcessAndThawResumesIt()
{
    startCluster(3);
    const NodeId id = aFollower();
    const qint64 pid = m_supervisor->pid(id);
    QSignalSpy states(m_supervisor.get(), &ClusterSupervisor::nodeStateChanged);
    QVERIFY(m_supervisor->freeze(id));
    QCOMPARE(m_supervisor->nodeState(id), NodeState::Frozen);
    QTRY_COMPARE_WITH_TIMEOUT(processState(pid), 'T', changeMs);
    QVERIFY(!m_supervisor->freeze(id));
    // A frozen node says nothing, but its connection stays.
    QTest::qWait(300); // let events already on their way arrive
    const qsizetype frozenEvents = m_nodes[id].events.size();
    QTest::qWait(500);
    QCOMPARE(m_nodes[id].events.size(), frozenEvents);

    QVERIFY(m_supervisor->thaw(id));
    QCOMPARE(m_supervisor->nodeState(id), NodeState::Running);
    QTRY_VERIFY_WITH_TIMEOUT(processState(pid) != 'T', changeMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_nodes[id].events.size() > frozenEvents, changeMs);
    QCOMPARE(m_supervisor->pid(id), pid);
    QCOMPARE(states.size(), 2);

    m_supervisor->pauseAll();
    for (NodeId node : m_supervisor->nodeIds()) {
        QCOMPARE(m_supervisor->nodeState(node), NodeState::Frozen);
        QTRY_COMPARE_WITH_TIMEOUT(processState(m_supervisor->pid(node)), 'T', changeMs);
    }
    m_supervisor->resumeAll();
    for (NodeId node : m_supervisor->nodeIds()) {
        QCOMPARE(m_supervisor->nodeState(node), NodeState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(processState(m_supervisor->pid(node)) != 'T', changeMs);
    }
    // A frozen node can be killed.
    QVERIFY(m_supervisor->freeze(id));
    QVERIFY(m_supervisor->kill(id));
    QVERIFY(!processExists(pid));
}

void TestSupervisor::partitionBlocksPeersOnBothEnds()
{
    startCluster(3);
    NodeClient *one = m_nodes[NodeId(1)].client.get();
    NodeClient *two = m_nodes[NodeId(2)].client.get();
    QSignalSpy finished1(one, &NodeClient::adminFinished);
    QSignalSpy finished2(two, &NodeClient::adminFinished);
    std::optional<NodeClient::AdminResult> result1;
    // Node 1 also stops sending to node 3, while it still hears it: a one-way cut of the link 1→3.
    one->partition(ids({2}), ids({3}), [&](const NodeClient::AdminResult &result) { result1 = result; });
    two->partition(ids({1}), {});
    QTRY_VERIFY_WITH_TIMEOUT(result1.has_value(), changeMs);
    QVERIFY2(result1->ok, qPrintable(result1->message));
    QCOMPARE(result1->json.value(QStringLiteral("blocked_peers")).toArray(), QJsonArray{2});
    QCOMPARE(result1->json.value(QStringLiteral("outgoing_blocked_peers")).toArray(), QJsonArray{3});
    QTRY_COMPARE_WITH_TIMEOUT(finished2.size(), 1, changeMs);
    QCOMPARE(finished2.at(0).at(0).toString(), QStringLiteral("partition"));
    QVERIFY(finished2.at(0).at(1).toBool());
    QCOMPARE(finished1.size(), 1);

    QSignalSpy status1(one, &NodeClient::statusReceived);
    QSignalSpy status2(two, &NodeClient::statusReceived);
    one->refreshStatus();
    two->refreshStatus();
    QTRY_COMPARE_WITH_TIMEOUT(status1.size(), 1, changeMs);
    QTRY_COMPARE_WITH_TIMEOUT(status2.size(), 1, changeMs);
    QCOMPARE(status1.at(0).at(0).toJsonObject().value(QStringLiteral("blocked_peers")).toArray(),
             QJsonArray{2});
    QCOMPARE(status2.at(0).at(0).toJsonObject().value(QStringLiteral("blocked_peers")).toArray(),
             QJsonArray{1});
    QCOMPARE(status1.at(0).at(0).toJsonObject().value(QStringLiteral("outgoing_blocked_peers")).toArray(),
             QJsonArray{3});

    // Healing: an empty list.
    std::optional<NodeClient::AdminResult> healed;
    one->partition({}, {}, [&](const NodeClient::AdminResult &result) { healed = result; });
    QTRY_VERIFY_WITH_TIMEOUT(healed.has_value(), changeMs);
    QVERIFY(healed->ok);
    one->refreshStatus();
    QTRY_COMPARE_WITH_TIMEOUT(status1.size(), 2, changeMs);
    QVERIFY(status1.at(1).at(0).toJsonObject().value(QStringLiteral("blocked_peers")).toArray().isEmpty());
    QVERIFY(status1.at(1)
                .at(0)
                .toJsonObject()
                .value(QStringLiteral("outgoing_blocked_peers"))
                .toArray()
                .isEmpty());
}

void TestSupervisor::keyValueRoundTripThroughAFollower()
{
    startCluster(3);
    NodeClient *client = m_nodes[aFollower()].client.get();
    const QByteArray key = "k\xC3\xA9y with space?&";
    const QByteArray value = QByteArray(4096, 'v'); // over 1 KiB: no 100-continue stall

    std::optional<NodeClient::KvResult> put;
    client->put(key, value, [&](const NodeClient::KvResult &result) { put = result; });
    QTRY_VERIFY_WITH_TIMEOUT(put.has_value(), changeMs);
    QVERIFY2(put->ok(), put->body.constData());
    QVERIFY(put->index.value_or(0) > 0);
    QVERIFY(put->term.value_or(0) > 0);
    QVERIFY(put->latencyUs > 0);

    std::optional<NodeClient::KvResult> get;
    client->get(key, [&](const NodeClient::KvResult &result) { get = result; });
    QTRY_VERIFY_WITH_TIMEOUT(get.has_value(), changeMs);
    QCOMPARE(get->httpStatus, 200);
    QCOMPARE(get->body, value);
    QVERIFY(get->json.isEmpty()); // a value is not JSON, whatever it looks like

    std::optional<NodeClient::KvResult> removed;
    client->del(key, [&](const NodeClient::KvResult &result) { removed = result; });
    QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), changeMs);
    QVERIFY(removed->ok());
    QVERIFY(removed->index.value_or(0) > put->index.value_or(0));

    std::optional<NodeClient::KvResult> missing;
    client->get(
        key, [&](const NodeClient::KvResult &result) { missing = result; },
        NodeClient::ReadConsistency::Local);
    QTRY_VERIFY_WITH_TIMEOUT(missing.has_value(), changeMs);
    QCOMPARE(missing->httpStatus, 404);
    QCOMPARE(missing->error, QStringLiteral("not_found"));

    std::optional<NodeClient::KvResult> badKey;
    client->put("a/b", "x", [&](const NodeClient::KvResult &result) { badKey = result; });
    QTRY_VERIFY_WITH_TIMEOUT(badKey.has_value(), changeMs);
    QCOMPARE(badKey->httpStatus, 400);
    QCOMPARE(badKey->error, QStringLiteral("bad_key"));
}

void TestSupervisor::adminErrorsComeBackAsSentences()
{
    startCluster(3);
    const NodeId follower = aFollower();
    NodeClient *client = m_nodes[follower].client.get();

    std::optional<NodeClient::AdminResult> transfer;
    client->transferLeadership(NodeId(1), [&](const NodeClient::AdminResult &r) { transfer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(transfer.has_value(), changeMs);
    if (leader() != follower) { // a follower cannot hand over leadership
        QVERIFY(!transfer->ok);
        QCOMPARE(transfer->httpStatus, 409);
        QVERIFY(!transfer->message.isEmpty());
    }

    std::optional<NodeClient::AdminResult> timing;
    client->setTiming(500, 400, 300, [&](const NodeClient::AdminResult &r) { timing = r; });
    QTRY_VERIFY_WITH_TIMEOUT(timing.has_value(), changeMs);
    QVERIFY(!timing->ok);
    QCOMPARE(timing->httpStatus, 400);
    QVERIFY2(timing->message.contains(QLatin1String("heartbeat_ms")), qPrintable(timing->message));

    std::optional<NodeClient::AdminResult> faults;
    client->setNetworkFaults(5, 1, 0.0, [&](const NodeClient::AdminResult &r) { faults = r; });
    QTRY_VERIFY_WITH_TIMEOUT(faults.has_value(), changeMs);
    QVERIFY2(faults->ok, qPrintable(faults->message));
    QCOMPARE(faults->json.value(QStringLiteral("delay_ms")).toInt(), 5);

    std::optional<NodeClient::AdminResult> slow;
    client->setTiming(100, 1000, 2000, [&](const NodeClient::AdminResult &r) { slow = r; });
    QTRY_VERIFY_WITH_TIMEOUT(slow.has_value(), changeMs);
    QVERIFY2(slow->ok, qPrintable(slow->message));

    std::optional<NodeClient::AdminResult> timeout;
    client->triggerTimeout([&](const NodeClient::AdminResult &r) { timeout = r; });
    QTRY_VERIFY_WITH_TIMEOUT(timeout.has_value(), changeMs);
    QVERIFY2(timeout->ok, qPrintable(timeout->message));

    // No node there: a sentence, not a hang.
    m_supervisor->kill(follower);
    std::optional<NodeClient::AdminResult> dead;
    client->triggerTimeout([&](const NodeClient::AdminResult &r) { dead = r; });
    QTRY_VERIFY_WITH_TIMEOUT(dead.has_value(), changeMs);
    QVERIFY(!dead->ok);
    QCOMPARE(dead->httpStatus, 0);
    QVERIFY(!dead->message.isEmpty());
    QSignalSpy failed(client, &NodeClient::statusFailed);
    client->refreshStatus();
    QVERIFY(failed.wait(changeMs));
}

void TestSupervisor::nodeKilledBySomeoneElseIsExited()
{
    startCluster(3);
    const NodeId id = aFollower();
    QVERIFY(::kill(pid_t(m_supervisor->pid(id)), SIGKILL) == 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(id), NodeState::Exited, changeMs);
    QCOMPARE(m_supervisor->exitCode(id), SIGKILL);
    QVERIFY2(m_supervisor->exitDescription(id).startsWith(QLatin1String("was killed by signal 9")),
             qPrintable(m_supervisor->exitDescription(id)));
    QVERIFY(!m_supervisor->outputTail(id).isEmpty()); // the node's start-up line
    QVERIFY(m_supervisor->restart(id));
    QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(id), NodeState::Running, startMs);

    // A node that cannot start says why: its data dir is a file now.
    QVERIFY(m_supervisor->kill(id));
    QVERIFY(QDir(m_supervisor->dataDir(id)).removeRecursively());
    QFile blocker(m_supervisor->dataDir(id));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QSignalSpy output(m_supervisor.get(), &ClusterSupervisor::nodeOutput);
    QVERIFY(m_supervisor->restart(id));
    QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(id), NodeState::Exited, startMs);
    QCOMPARE(m_supervisor->exitCode(id), 2);
    QVERIFY(output.size() >= 1);
    QCOMPARE(output.back().at(0).value<NodeId>().value, id.value);
    const QString why = m_supervisor->exitDescription(id);
    QVERIFY2(why.startsWith(QLatin1String("exited with status 2: raftlab-node: ")), qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("n%1").arg(id.value)), qPrintable(why));
}

void TestSupervisor::resetWipesTheData()
{
    startCluster(3);
    NodeClient *client = m_nodes[leader()].client.get();
    std::optional<NodeClient::KvResult> put;
    client->put("kept?", "no", [&](const NodeClient::KvResult &result) { put = result; });
    QTRY_VERIFY_WITH_TIMEOUT(put.has_value(), changeMs);
    QVERIFY2(put->ok(), put->body.constData());

    const QString error = m_supervisor->resetCluster();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (NodeId id : m_supervisor->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(id), NodeState::Running, startMs);
    for (const auto &[id, observed] : m_nodes)
        QTRY_VERIFY_WITH_TIMEOUT(observed.client->isConnected(), startMs);
    // A fresh log: the state event of the new process says so.
    for (const auto &[id, observed] : m_nodes) {
        QTRY_VERIFY_WITH_TIMEOUT(observed.firstTypeOfLastConnection == QLatin1String("state"), changeMs);
    }
    std::optional<NodeClient::KvResult> get;
    client->get(
        "kept?", [&](const NodeClient::KvResult &result) { get = result; },
        NodeClient::ReadConsistency::Local);
    QTRY_VERIFY_WITH_TIMEOUT(get.has_value(), changeMs);
    QCOMPARE(get->httpStatus, 404);
}

void TestSupervisor::attachHasNoProcesses()
{
    startCluster(3);
    ClusterSupervisor attached;
    QVERIFY(!attached.attach(QStringLiteral("/nonexistent/cluster.json")).isEmpty());
    const QString error = attached.attach(m_supervisor->clusterFile());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(attached.mode(), ClusterSupervisor::Mode::Attached);
    QVERIFY(!attached.canControlProcesses());
    QCOMPARE(attached.config(), m_supervisor->config());
    for (NodeId id : attached.nodeIds()) {
        QCOMPARE(attached.nodeState(id), NodeState::External);
        QCOMPARE(attached.pid(id), 0);
        QVERIFY(!attached.kill(id));
        QVERIFY(!attached.freeze(id));
        QVERIFY(!attached.restart(id));
    }
    QVERIFY(!attached.resetCluster().isEmpty());
    const qint64 pid = m_supervisor->pid(NodeId(1));
    attached.stopAll();
    QVERIFY(processAlive(pid)); // not ours to stop
}

void TestSupervisor::destroyingTheSupervisorLeavesNoProcess()
{
    QTemporaryDir workspace;
    QVERIFY(workspace.isValid());
    const QString error = m_supervisor->startLocalCluster(3, workspace.path() + QStringLiteral("/ws"));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (NodeId id : m_supervisor->nodeIds())
        QTRY_COMPARE_WITH_TIMEOUT(m_supervisor->nodeState(id), NodeState::Running, startMs);
    QList<qint64> pids;
    for (NodeId id : m_supervisor->nodeIds())
        pids.append(m_supervisor->pid(id));
    m_supervisor->freeze(NodeId(2)); // frozen ones too
    m_supervisor.reset();
    for (qint64 pid : pids)
        QVERIFY2(!processExists(pid), qPrintable(QStringLiteral("pid %1 is still there").arg(pid)));
    // A workspace the user chose is kept, with its data dirs.
    QVERIFY(QFile::exists(workspace.path() + QStringLiteral("/ws/cluster.json")));
    QVERIFY(QDir(workspace.path() + QStringLiteral("/ws/n1")).exists());
}

void TestSupervisor::noOrphansWhenTheAppIsKilled()
{
    QTemporaryDir workspace;
    QVERIFY(workspace.isValid());
    QProcess app;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(childVariable), workspace.path());
    app.setProcessEnvironment(environment);
    app.setProgram(QCoreApplication::applicationFilePath());
    app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    app.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    app.start();
    QVERIFY(app.waitForStarted(changeMs));
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += app.readAllStandardOutput()).contains('\n'), startMs);
    const QList<QByteArray> words = output.left(output.indexOf('\n')).trimmed().split(' ');
    QCOMPARE(words.value(0), QByteArray("pids"));
    QCOMPARE(words.size(), 3);
    QList<qint64> pids;
    // Should the test fail, it leaves no node behind either (only processes still running our nodes:
    // a pid may have been reused).
    const auto killLeftovers = qScopeGuard([&pids, &workspace] {
        for (qint64 pid : pids) {
            QFile commandLine(QStringLiteral("/proc/%1/cmdline").arg(pid));
            if (commandLine.open(QIODevice::ReadOnly) &&
                commandLine.readAll().contains(workspace.path().toUtf8()))
                ::kill(pid_t(pid), SIGKILL);
        }
    });
    for (qsizetype i = 1; i < words.size(); ++i) {
        pids.append(words.at(i).toLongLong());
        QVERIFY(processAlive(pids.back()));
    }
    app.kill(); // SIGKILL: the app has no chance to clean up
    QVERIFY(app.waitForFinished(changeMs));
    for (qint64 pid : pids)
        QTRY_VERIFY2_WITH_TIMEOUT(!processAlive(pid), qPrintable(QStringLiteral("orphan %1").arg(pid)),
                                  changeMs);
}

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsSet(childVariable))
        return runChildApp(argc, argv);
    QCoreApplication app(argc, argv);
    TestSupervisor test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_supervisor.moc"
