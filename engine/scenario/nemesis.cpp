#include "nemesis.h"

#include "core/random.h"

#include <QCoreApplication>

#include <algorithm>
#include <set>

namespace raftlab::scenario {

namespace {

// What a user reads (errors, step descriptions), for translators under the context "Nemesis".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("Nemesis", sourceText);
}

// Builds the schedule while keeping track of what is broken, so that every fault can be undone and
// no more than a minority is ever down.
class ScheduleBuilder
{
public:
    ScheduleBuilder(const NemesisOptions &options)
        : m_options(options)
        , m_random(options.seed)
    { }

    Scenario build()
    {
        Scenario scenario;
        scenario.title = tr("Chaos, seed %1").arg(m_options.seed);
        scenario.summary =
            tr("%1 s of random faults on %2 nodes").arg(m_options.seconds).arg(m_options.nodes);
        scenario.nodes = m_options.nodes;
        add(WaitLeader{10000}, QStringLiteral("wait_leader"), {});
        int elapsedMs = 0;
        while (elapsedMs < m_options.seconds * 1000) {
            const int gap = int(m_random.between(m_options.minFaultGapMs, m_options.maxFaultGapMs + 1));
            add(Sleep{gap}, QStringLiteral("sleep"), {});
            elapsedMs += gap;
            nextFault();
        }
        heal();
        add(WaitLeader{20000}, QStringLiteral("wait_leader"), tr("The cluster is whole again."));
        Expect agree;
        agree.kind = Expect::Kind::LogsAgree;
        agree.withinMs = 20000;
        add(agree, QStringLiteral("expect"), {});
        scenario.steps = std::move(m_steps);
        return scenario;
    }

private:
    void add(Action action, const QString &verb, const QString &say)
    {
        Step step;
        step.number = int(m_steps.size()) + 1;
        step.verb = verb;
        step.action = std::move(action);
        step.say = say;
        m_steps.push_back(std::move(step));
    }

    NodeId randomNode(const std::set<NodeId> &excluded)
    {
        std::vector<NodeId> candidates;
        for (int i = 1; i <= m_options.nodes; ++i) {
            if (!excluded.count(NodeId(std::uint32_t(i))))
                candidates.push_back(NodeId(std::uint32_t(i)));
        }
        return candidates[std::size_t(m_random.between(0, std::int64_t(candidates.size())))];
    }

    std::set<NodeId> down() const
    {
        std::set<NodeId> nodes = m_killed;
        nodes.insert(m_frozen.begin(), m_frozen.end());
        return nodes;
    }

    void nextFault()
    {
        const int minority = (m_options.nodes - 1) / 2;
        // Killed leaders count too: their ids are known only when their step runs.
        const bool canTakeDown = int(down().size() + m_killedLabels.size()) < minority;
        switch (m_random.between(0, 8)) {
        case 0: // kill -9 (the leader half of the time: the interesting case; "any" is the leader if there is
                // one)
            if (canTakeDown) {
                const bool leader = m_random.chance(0.5);
                const NodeRef ref =
                    leader ? NodeRef{NodeRef::Kind::Any, {}, {}} : NodeRef::byId(randomNode(down()));
                if (leader) {
                    // Who leads is known only when the step runs: the node is labelled, and restarted by
                    // label.
                    const QString label = QStringLiteral("K%1").arg(++m_labels);
                    add(ProcessFault{ProcessFault::Kind::Kill, ref}, QStringLiteral("kill"), {});
                    m_steps.back().label = label;
                    m_killedLabels.push_back(label);
                } else {
                    add(ProcessFault{ProcessFault::Kind::Kill, ref}, QStringLiteral("kill"), {});
                    m_killed.insert(ref.id);
                }
                return;
            }
            [[fallthrough]];
        case 1: // bring back what is down
            restartOne();
            return;
        case 2:
            if (canTakeDown) {
                const NodeId id = randomNode(down());
                add(ProcessFault{ProcessFault::Kind::Freeze, NodeRef::byId(id)}, QStringLiteral("freeze"),
                    {});
                m_frozen.insert(id);
                return;
            }
            [[fallthrough]];
        case 3:
            if (!m_frozen.empty()) {
                const NodeId id = *m_frozen.begin();
                add(ProcessFault{ProcessFault::Kind::Thaw, NodeRef::byId(id)}, QStringLiteral("thaw"), {});
                m_frozen.erase(id);
                return;
            }
            [[fallthrough]];
        case 4: { // a random partition into two sides
            std::vector<NodeRef> a;
            std::vector<NodeRef> b;
            for (int i = 1; i <= m_options.nodes; ++i)
                (m_random.chance(0.5) ? a : b).push_back(NodeRef::byId(NodeId(std::uint32_t(i))));
            if (a.empty() || b.empty()) {
                add(Isolate{NodeRef::byId(randomNode({}))}, QStringLiteral("isolate"), {});
            } else {
                add(Partition{{a, b}}, QStringLiteral("partition"), {});
            }
            return;
        }
        case 5: { // delay and loss on one node's messages
            NetFaults net;
            net.node = NodeRef::byId(randomNode({}));
            net.delayMs = int(m_random.between(0, 80));
            net.jitterMs = int(m_random.between(0, 40));
            net.loss = double(m_random.between(0, 30)) / 100.0;
            add(net, QStringLiteral("net"), {});
            m_netNodes.insert(net.node->id);
            return;
        }
        case 6: { // a one-way cut of one link: `from` still hears `to`, but `to` no longer hears `from`
            const NodeId from = randomNode({});
            const NodeId to = randomNode({from});
            add(Cut{NodeRef::byId(from), NodeRef::byId(to), true}, QStringLiteral("cut"), {});
            return;
        }
        default:
            add(Heal{}, QStringLiteral("heal"), {});
            return;
        }
    }

    void restartOne()
    {
        if (!m_killedLabels.empty()) {
            add(ProcessFault{ProcessFault::Kind::Restart, NodeRef::byLabel(m_killedLabels.front())},
                QStringLiteral("restart"), {});
            m_killedLabels.erase(m_killedLabels.begin());
        } else if (!m_killed.empty()) {
            const NodeId id = *m_killed.begin();
            add(ProcessFault{ProcessFault::Kind::Restart, NodeRef::byId(id)}, QStringLiteral("restart"), {});
            m_killed.erase(id);
        } else {
            add(Heal{}, QStringLiteral("heal"), {});
        }
    }

    void heal()
    {
        while (!m_killedLabels.empty() || !m_killed.empty())
            restartOne();
        for (NodeId id : m_frozen)
            add(ProcessFault{ProcessFault::Kind::Thaw, NodeRef::byId(id)}, QStringLiteral("thaw"), {});
        m_frozen.clear();
        for (NodeId id : m_netNodes) {
            NetFaults clean;
            clean.node = NodeRef::byId(id);
            add(clean, QStringLiteral("net"), {});
        }
        m_netNodes.clear();
        add(Heal{}, QStringLiteral("heal"), tr("Every fault is undone."));
    }

    const NemesisOptions &m_options;
    Random m_random;
    std::vector<Step> m_steps;
    std::set<NodeId> m_killed; // killed by id
    std::vector<QString> m_killedLabels; // killed leaders, by label
    std::set<NodeId> m_frozen;
    std::set<NodeId> m_netNodes;
    int m_labels = 0;
};

} // namespace

Scenario nemesisScenario(const NemesisOptions &options)
{
    return ScheduleBuilder(options).build();
}

} // namespace raftlab::scenario
