#pragma once

// SimScenarioTarget: a scenario played on a SimulatedCluster. Time is virtual: after() queues a callback
// at a virtual instant, and run() lets the cluster's time pass from one callback to the next, so a
// lesson that waits seconds on real processes takes milliseconds here and plays the same every time.

#include "simulatedcluster.h"

#include "scenario/scenariotarget.h"

#include <map>

namespace raftlab::sim {

class SimScenarioTarget final : public scenario::ScenarioTarget
{
public:
    explicit SimScenarioTarget(SimulatedCluster &cluster);

    // Runs queued callbacks in virtual-time order until `finished()` holds, nothing is queued, or the
    // safety checker found a violation.
    void run(const std::function<bool()> &finished);

    // ScenarioTarget
    std::vector<scenario::NodeView> nodes() const override;
    qint64 nowMs() const override;
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
    void resetCluster(bool preVote, bool checkQuorum) override;
    void setLoad(int ratePerSecond, NodeId via) override;
    void addNode(MembershipCallback done) override;
    void removeNode(NodeId id, MembershipCallback done) override;
    QString committedLogsDisagreement() const override;
    SimulationAnswer deliverNext(NodeId from, NodeId to, const QString &messageType) override;
    SimulationAnswer dropMessages(const QString &messageType, std::optional<NodeId> from,
                                  std::optional<NodeId> to) override;
    SimulationAnswer fireTimer(NodeId id) override;
    SimulationAnswer canAdvanceTime() override { return SimulationAnswer{true, {}}; }

    // Why a membership step cannot play here, naming the step.
    static QString membershipRefusal(const QString &step);

private:
    // How often a client looks whether its request is answered (virtual time).
    static constexpr int clientPollMs = 5;

    void pollWrite(LogIndex index, Term term, QByteArray payload, qint64 deadlineUs,
                   scenario::AnswerCallback done);
    void pollRead(std::uint64_t readId, qint64 deadlineUs, scenario::AnswerCallback done);

    SimulatedCluster &m_cluster;
    std::map<std::pair<qint64, std::uint64_t>, std::function<void()>> m_queue; // (time, order) → callback
    std::uint64_t m_order = 0;
};

} // namespace raftlab::sim
