#pragma once

// A cluster for scenario tests: its state is what the test sets, its clock is virtual, and it logs
// every action asked of it, so a test can check what a scenario did without any process.

#include "scenario/scenariotarget.h"

#include <QStringList>

#include <algorithm>
#include <map>
#include <set>

namespace raftlab::scenario {

inline ClientAnswer answerOf(ClientAnswer::Outcome outcome, const QString &seen = {},
                             bool notCommitted = false)
{
    ClientAnswer answer;
    answer.outcome = outcome;
    answer.seen = seen;
    answer.notCommitted = notCommitted;
    return answer;
}

// A cluster whose state the test sets, with a virtual clock and a log of what was asked of it.
class ScriptedTarget final : public ScenarioTarget
{
public:
    explicit ScriptedTarget(int nodes)
    {
        std::vector<NodeId> voters;
        for (int i = 1; i <= nodes; ++i)
            voters.push_back(NodeId(std::uint32_t(i)));
        for (NodeId id : voters)
            m_nodes.push_back(
                NodeView{id, true, false, true, QStringLiteral("follower"), 1, {}, 0, voters, {}});
    }

    std::vector<NodeView> nodes() const override { return m_nodes; }
    qint64 nowMs() const override { return m_now; }
    void after(int ms, std::function<void()> then) override { m_timers.emplace(m_now + ms, std::move(then)); }

    void kill(NodeId id) override
    {
        act(QStringLiteral("kill %1").arg(id.value));
        node(id).running = false;
    }
    void restart(NodeId id) override
    {
        act(QStringLiteral("restart %1").arg(id.value));
        node(id).running = true;
    }
    void freeze(NodeId id) override
    {
        act(QStringLiteral("freeze %1").arg(id.value));
        node(id).frozen = true;
    }
    void thaw(NodeId id) override
    {
        act(QStringLiteral("thaw %1").arg(id.value));
        node(id).frozen = false;
    }
    void setLinkCut(NodeId a, NodeId b, bool cut) override
    {
        act(QStringLiteral("%1 %2-%3").arg(cut ? "cut" : "heal").arg(a.value).arg(b.value));
        const auto link = std::minmax(a.value, b.value);
        if (cut)
            cuts.insert(link);
        else
            cuts.erase(link);
    }
    void setOneWayCut(NodeId from, NodeId to) override
    {
        act(QStringLiteral("cut %1->%2").arg(from.value).arg(to.value));
        oneWayCuts.insert({from.value, to.value});
    }
    // What the nodes still have to apply of the links asked (a test sets and clears it).
    QString unsettledLinks() const override { return unsettled; }
    QString unsettled;
    void healAll() override
    {
        act(QStringLiteral("heal"));
        cuts.clear();
        oneWayCuts.clear();
    }
    void setNetworkFaults(std::optional<NodeId> id, int delayMs, int jitterMs, double loss) override
    {
        act(QStringLiteral("net %1 %2").arg(id ? id->value : 0).arg(delayMs));
        const bool clean = delayMs == 0 && jitterMs == 0 && loss == 0;
        if (clean)
            faultyNetworks.erase(id ? id->value : 0);
        else
            faultyNetworks.insert(id ? id->value : 0);
    }
    void setTiming(int heartbeatMs, int, int) override { act(QStringLiteral("timing %1").arg(heartbeatMs)); }
    void transferLeadership(NodeId to) override { act(QStringLiteral("transfer %1").arg(to.value)); }
    void triggerElection(NodeId id) override { act(QStringLiteral("timeout %1").arg(id.value)); }
    void write(NodeId via, const WriteRequest &request, AnswerCallback done) override
    {
        act(QStringLiteral("write %1 via %2").arg(request.key).arg(via.value));
        after(writeLatencyMs, [this, done] { done(nextWriteAnswer); });
    }
    void read(NodeId via, const QString &key, bool local, int, AnswerCallback done) override
    {
        if (!local)
            act(QStringLiteral("read %1 via %2").arg(key).arg(via.value));
        ClientAnswer answer = answerOf(ClientAnswer::Outcome::Ok);
        answer.found = values.count(via) > 0;
        answer.value = answer.found ? values[via] : QString();
        after(1, [done, answer] { done(answer); });
    }
    void resetCluster(bool preVote, bool checkQuorum) override
    {
        act(QStringLiteral("reset %1 %2")
                .arg(preVote ? "prevote" : "no-prevote", checkQuorum ? "checkquorum" : "no-checkquorum"));
        for (NodeView &n : m_nodes)
            n = NodeView{n.id, true, false, true, QStringLiteral("follower"), 0, {}, 0, n.voters, n.learners};
    }
    void setLoad(int rate, NodeId via) override
    {
        act(QStringLiteral("load %1 via %2").arg(rate).arg(via.value));
    }
    QString committedLogsDisagreement() const override { return {}; }
    // A new node joins every node's configuration as a learner after `membershipLatencyMs`, unless
    // `membershipRefusal` is set.
    void addNode(MembershipCallback done) override
    {
        const NodeId id(std::uint32_t(m_nodes.size() + 1));
        act(QStringLiteral("add %1").arg(id.value));
        if (!membershipRefusal.isEmpty()) {
            done(MembershipAnswer{false, {}, membershipRefusal});
            return;
        }
        m_nodes.push_back(NodeView{id, true, false, true, QStringLiteral("follower"), 1, {}, 0, {}, {}});
        after(membershipLatencyMs, [this, id, done] {
            for (NodeView &n : m_nodes)
                n.learners.push_back(id);
            done(MembershipAnswer{true, id, QStringLiteral("added")});
        });
    }
    void removeNode(NodeId id, MembershipCallback done) override
    {
        act(QStringLiteral("remove %1").arg(id.value));
        after(membershipLatencyMs, [this, id, done] {
            for (NodeView &n : m_nodes) {
                std::erase(n.voters, id);
                std::erase(n.learners, id);
            }
            done(MembershipAnswer{true, id, QStringLiteral("removed")});
        });
    }
    // The leader's learner `id` becomes a voter everywhere.
    void promote(NodeId id)
    {
        for (NodeView &n : m_nodes) {
            std::erase(n.learners, id);
            n.voters.push_back(id);
        }
    }

    NodeView &node(NodeId id) { return m_nodes[id.value - 1]; }
    void makeLeader(NodeId id, std::uint64_t term)
    {
        for (NodeView &n : m_nodes) {
            n.term = term;
            n.role = n.id == id ? QStringLiteral("leader") : QStringLiteral("follower");
            n.leader = id;
        }
    }
    // At `atMs`, run `change` (a scripted event of the cluster's own).
    void at(qint64 atMs, std::function<void()> change) { m_timers.emplace(atMs, std::move(change)); }

    // Runs every timer due up to `untilMs`, in time order.
    void runUntil(qint64 untilMs)
    {
        while (!m_timers.empty() && m_timers.begin()->first <= untilMs) {
            auto timer = m_timers.extract(m_timers.begin());
            m_now = timer.key();
            timer.mapped()();
        }
        m_now = std::max(m_now, untilMs);
    }

    QStringList actions;
    std::set<std::pair<std::uint32_t, std::uint32_t>> cuts;
    std::set<std::pair<std::uint32_t, std::uint32_t>> oneWayCuts; // (from, to)
    std::set<std::uint32_t> faultyNetworks; // node ids with delay or loss (0: all)
    ClientAnswer nextWriteAnswer = answerOf(ClientAnswer::Outcome::Ok);
    int writeLatencyMs = 5;
    int membershipLatencyMs = 50;
    QString membershipRefusal;
    std::map<NodeId, QString> values;

private:
    void act(const QString &what) { actions << what; }

    std::vector<NodeView> m_nodes;
    std::multimap<qint64, std::function<void()>> m_timers;
    qint64 m_now = 0;
};

} // namespace raftlab::scenario
