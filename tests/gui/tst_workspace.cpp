// `raftlab --workspace DIR` run again: the same nodes start the same cluster again on their data dirs; a
// cluster of another shape (other nodes, or data dirs of another cluster) is moved aside, whole, and the
// new one starts on fresh data dirs, with a notice saying where the old one went. Real raftlab-node
// processes: a node refuses a data dir of another cluster or node, so every node reaching Running shows
// that no data dir was reused for a cluster it does not belong to.
#include "cluster/clustersupervisor.h"
#include "storage/identityfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace raftlab;
using NodeState = ClusterSupervisor::NodeState;

class TestWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void sameNodesStartTheSameClusterAgain();
    void otherNodesMoveTheEarlierClusterAside();
    void dataDirOfAnotherClusterMovesTheEarlierClusterAside();

private:
    // Starts `count` nodes in the workspace and waits until every one runs; returns the cluster's name.
    QString startAndWait(ClusterSupervisor &supervisor, int count);
    QString workspace() const { return m_dir->filePath(QStringLiteral("ws")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace {

constexpr int startMs = 60'000;

DataDirIdentity identityOf(const QString &dataDir)
{
    std::optional<DataDirIdentity> identity;
    const StorageStatus status = IdentityFile::load(dataDir, identity);
    return status.ok() && identity ? *identity : DataDirIdentity{};
}

// The one retired-* directory of the workspace, or empty.
QString retiredDir(const QString &workspace)
{
    const QStringList retired = QDir(workspace).entryList({QStringLiteral("retired-*")}, QDir::Dirs);
    return retired.size() == 1 ? QDir(workspace).filePath(retired.first()) : QString();
}

} // namespace

void TestWorkspace::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestWorkspace::startAndWait(ClusterSupervisor &supervisor, int count)
{
    supervisor.setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    const QString error = supervisor.startLocalCluster(count, workspace());
    if (!error.isEmpty()) {
        QTest::qFail(qPrintable(error), __FILE__, __LINE__);
        return QString();
    }
    for (NodeId id : supervisor.nodeIds()) {
        const bool running = QTest::qWaitFor(
            [&] {
                return supervisor.nodeState(id) == NodeState::Running ||
                    supervisor.nodeState(id) == NodeState::Exited;
            },
            startMs);
        if (!running || supervisor.nodeState(id) != NodeState::Running) {
            QTest::qFail(
                qPrintable(QStringLiteral("node %1 %2").arg(id.value).arg(supervisor.exitDescription(id))),
                __FILE__, __LINE__);
            return QString();
        }
    }
    return supervisor.config().name;
}

void TestWorkspace::sameNodesStartTheSameClusterAgain()
{
    QString name;
    QByteArray clusterId;
    {
        ClusterSupervisor first;
        name = startAndWait(first, 3);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(first.workspaceNotice().isEmpty());
        clusterId = identityOf(first.dataDir(NodeId(2))).clusterId;
        QVERIFY(!clusterId.isEmpty());
    }
    ClusterSupervisor again;
    QCOMPARE(startAndWait(again, 3), name);
    QVERIFY2(again.workspaceNotice().isEmpty(), qPrintable(again.workspaceNotice()));
    QCOMPARE(identityOf(again.dataDir(NodeId(2))).clusterId, clusterId);
    QVERIFY(retiredDir(workspace()).isEmpty());
}

void TestWorkspace::otherNodesMoveTheEarlierClusterAside()
{
    QString oldName;
    {
        ClusterSupervisor first;
        oldName = startAndWait(first, 3);
        if (QTest::currentTestFailed())
            return;
    }
    ClusterSupervisor bigger;
    const QString newName = startAndWait(bigger, 5);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(newName != oldName);
    const QString retired = retiredDir(workspace());
    QVERIFY2(!retired.isEmpty(), qPrintable(QDir(workspace()).entryList().join(QLatin1Char(' '))));
    const QString notice = bigger.workspaceNotice();
    QVERIFY2(notice.contains(QStringLiteral("3-node cluster '%1'").arg(oldName)) && notice.contains(retired),
             qPrintable(notice));
    // The old cluster is kept whole, and each new node has a data dir of its own cluster.
    QVERIFY(QFile::exists(QDir(retired).filePath(QStringLiteral("cluster.json"))));
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(identityOf(QDir(retired).filePath(QStringLiteral("n%1").arg(i))).clusterName, oldName);
    for (NodeId id : bigger.nodeIds()) {
        QCOMPARE(identityOf(bigger.dataDir(id)).clusterName, newName);
        QCOMPARE(identityOf(bigger.dataDir(id)).nodeId, id);
    }
}

void TestWorkspace::dataDirOfAnotherClusterMovesTheEarlierClusterAside()
{
    {
        ClusterSupervisor first;
        startAndWait(first, 3);
        if (QTest::currentTestFailed())
            return;
    }
    // Someone copied another cluster's data dir in as n2.
    const QString n2 = QDir(workspace()).filePath(QStringLiteral("n2"));
    QVERIFY(
        IdentityFile::save(n2, IdentityFile::make(QStringLiteral("elsewhere"), NodeId(2)), SyncMode::Never)
            .ok());
    ClusterSupervisor again;
    startAndWait(again, 3);
    if (QTest::currentTestFailed())
        return;
    const QString notice = again.workspaceNotice();
    QVERIFY2(notice.contains(QStringLiteral("cluster 'elsewhere'")) && notice.contains(QStringLiteral("n2")),
             qPrintable(notice));
    QVERIFY(!retiredDir(workspace()).isEmpty());
    QCOMPARE(identityOf(again.dataDir(NodeId(2))).clusterName, again.config().name);
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
