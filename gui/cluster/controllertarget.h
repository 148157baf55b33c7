#pragma once

// ControllerTarget: a cluster of real processes, as a scenario sees it. Faults go through the
// ClusterController, so a lesson's actions leave the same sentences and chart markers as clicks;
// the nodes' state is read from the model the views draw; client requests go to the nodes' HTTP API
// and their answers are classified the way a client history needs them (ok, fail, unknown).

#include "scenario/scenariotarget.h"

#include "cluster/nodeclient.h"

#include <QElapsedTimer>
#include <QObject>

class QTimer;

namespace raftlab {

class ClusterController;

// How a node's HTTP answer to a client request ends, in a history's terms. A write that may have
// reached a leader's log is `unknown` unless the node said for sure (applied, or not committed).
scenario::ClientAnswer classifyWrite(const NodeClient::KvResult &result);
scenario::ClientAnswer classifyRead(const NodeClient::KvResult &result);

class ControllerTarget final : public QObject, public scenario::ScenarioTarget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControllerTarget)

public:
    explicit ControllerTarget(ClusterController *controller, QObject *parent = nullptr);

    std::vector<scenario::NodeView> nodes() const override;
    qint64 nowMs() const override { return m_clock.elapsed(); }
    void after(int ms, std::function<void()> then) override;

    void kill(NodeId id) override;
    void restart(NodeId id) override;
    void freeze(NodeId id) override;
    void thaw(NodeId id) override;
    void setLinkCut(NodeId a, NodeId b, bool cut) override;
    void setOneWayCut(NodeId from, NodeId to) override;
    void healAll() override;
    void setNetworkFaults(std::optional<NodeId> node, int delayMs, int jitterMs, double loss) override;
    void setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs) override;
    void transferLeadership(NodeId to) override;
    void triggerElection(NodeId id) override;
    void write(NodeId via, const WriteRequest &request, scenario::AnswerCallback done) override;
    void read(NodeId via, const QString &key, bool local, int timeoutMs,
              scenario::AnswerCallback done) override;
    void setLoad(int ratePerSecond, NodeId via) override;
    void resetCluster(bool preVote, bool checkQuorum) override;
    void addNode(MembershipCallback done) override;
    void removeNode(NodeId id, MembershipCallback done) override;
    QString committedLogsDisagreement() const override;
    QString unsettledLinks() const override;

private:
    void sendLoadWrite();

    ClusterController *m_controller;
    QElapsedTimer m_clock;
    QTimer *m_loadTimer;
    NodeId m_loadVia{};
    quint64 m_loadSent = 0;
};

} // namespace raftlab
