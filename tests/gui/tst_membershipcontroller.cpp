// ClusterController's Add node and Remove node against real raftlab-node processes: a node added joins
// the model, the client list and the workspace's cluster.json, as a learner first and then a voter; a
// node removed stops by itself once its removal is committed, and the app forgets it (model, clients,
// cluster.json), while the rest go on.
#include "cluster/clustercontroller.h"
#include "cluster/clustersupervisor.h"
#include "model/clustermodel.h"
#include "node/clusterconfig.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace raftlab;

namespace {

// Generous: CI is a loaded 2-core machine running several node processes per test.
constexpr int deadlineMs = 30'000;

bool contains(const std::vector<NodeId> &ids, NodeId id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The node ids the workspace's cluster.json names.
std::vector<NodeId> idsInClusterFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    ClusterConfig config;
    if (!parseClusterConfig(file.readAll(), path, config).isEmpty())
        return {};
    std::vector<NodeId> ids;
    for (const ClusterMember &member : config.members)
        ids.push_back(member.id);
    return ids;
}

} // namespace

class TestMembershipController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addsANodeThenRemovesTheLeader();
};

void TestMembershipController::addsANodeThenRemovesTheLeader()
{
    QTemporaryDir workspace;
    ClusterController controller;
    controller.supervisor()->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    controller.supervisor()->setExtraNodeArguments({QStringLiteral("--fsync"), QStringLiteral("never")});
    const QString error = controller.startLocal(3, workspace.path(), ProtocolOptions{});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const ClusterModel *model = controller.model();
    QTRY_COMPARE_WITH_TIMEOUT(model->summary().nodesUp, 3, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model->summary().leader.isNone(), deadlineMs);
    const QString clusterFile = controller.supervisor()->clusterFile();

    // Add node: a fourth process, in the file and the model, promoted to voter once caught up.
    bool added = false;
    NodeId fourth;
    QVERIFY(controller.addNode([&](NodeId id, const NodeClient::AdminResult &result) {
        added = result.ok;
        fourth = id;
    }));
    QTRY_VERIFY_WITH_TIMEOUT(added, deadlineMs);
    QCOMPARE(fourth, NodeId(4));
    QCOMPARE(controller.clients().size(), 4);
    QVERIFY(contains(idsInClusterFile(clusterFile), fourth));
    QTRY_VERIFY_WITH_TIMEOUT(model->node(fourth) && model->node(fourth)->hasStatus, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(model->node(model->summary().leader) &&
                                 contains(model->node(model->summary().leader)->members, fourth),
                             deadlineMs);

    // Remove node (the leader): committed, it stops by itself with status 0; the app forgets it.
    const NodeId leader = model->summary().leader;
    QSignalSpy clientsChanged(&controller, &ClusterController::clientsChanged);
    bool removed = false;
    QVERIFY(controller.removeNode(
        leader, [&](NodeId, const NodeClient::AdminResult &result) { removed = result.ok; }));
    QTRY_VERIFY_WITH_TIMEOUT(removed, deadlineMs);
    QTRY_VERIFY_WITH_TIMEOUT(!controller.supervisor()->nodeIds().contains(leader), deadlineMs);
    QVERIFY(clientsChanged.count() >= 1);
    QCOMPARE(controller.clients().size(), 3);
    QVERIFY(!controller.client(leader));
    QTRY_VERIFY_WITH_TIMEOUT(!model->node(leader), deadlineMs);
    const std::vector<NodeId> inFile = idsInClusterFile(clusterFile);
    QCOMPARE(inFile.size(), std::size_t(3));
    QVERIFY(!contains(inFile, leader));
    // The rest elect a leader among themselves.
    QTRY_VERIFY_WITH_TIMEOUT(!model->summary().leader.isNone() && model->summary().leader != leader,
                             deadlineMs);
}

QTEST_MAIN(TestMembershipController)
#include "tst_membershipcontroller.moc"
