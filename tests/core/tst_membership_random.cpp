// Seeded random runs of membership changes among random faults: nodes are added and removed while links
// are cut and healed and clients write. Checked throughout, across every configuration a node has ever
// been in: at most one leader per term (Election Safety, thesis §4.1 "the two configurations' majorities
// overlap"), and committed entries never disagree between nodes (State Machine Safety).

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "paperhelpers.h"
#endif

#include <QTest>

#include <map>
#include <random>

using namespace raftlab;
using namespace raftlab::test;

class TestMembershipRandom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void safeAcrossConfigurations_data();
    void safeAcrossConfigurations();
};

void TestMembershipRandom::safeAcrossConfigurations_data()
{
    QTest::addColumn<std::uint64_t>("seed");
    QTest::addColumn<bool>("preVote");
    for (std::uint64_t seed = 1; seed <= 12; ++seed)
        QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed << (seed % 2 == 0);
}

void TestMembershipRandom::safeAcrossConfigurations()
{
    QFETCH(std::uint64_t, seed);
    QFETCH(bool, preVote);
    ClusterOptions o = options(3, preVote, preVote);
    o.seed = seed;
    CoreCluster c(o);
    std::vector<NodeId> nodes = {n1, n2, n3};
    for (std::uint32_t id = 4; id <= 6; ++id) {
        c.join(NodeId(id));
        nodes.push_back(NodeId(id));
    }
    std::mt19937_64 random(seed);
    const auto chance = [&random](int percent) {
        return int(random() % 100) < percent;
    };
    const auto pick = [&random, &nodes] {
        return nodes[random() % nodes.size()];
    };

    std::map<Term, NodeId> leaders; // every leader ever seen, by term
    std::map<LogIndex, Entry> committed; // the first committed entry seen at each index
    int changes = 0;
    for (int step = 0; step < 1000; ++step) {
        if (chance(3))
            c.cut(pick(), pick());
        if (chance(4))
            c.recover();
        for (NodeId id : nodes)
            c.post(c.tick(id).messages);
        for (NodeId id : nodes) {
            RaftCore &core = c.core(id);
            if (core.role() != Role::Leader)
                continue;
            if (chance(20))
                c.post(c.propose(id, QByteArray::number(step)).messages);
            if (chance(5)) {
                const NodeId target = pick();
                const bool remove = core.membership().contains(target);
                const MembershipChangeResult result = core.proposeMembershipChange(MembershipChange{
                    .kind = remove ? MembershipChange::Kind::Remove : MembershipChange::Kind::Add,
                    .id = target});
                changes += result.status == MembershipChangeResult::Status::Accepted ? 1 : 0;
                c.post(c.process(id).messages);
            }
        }
        c.stabilize();
        for (NodeId id : nodes) {
            const RaftCore &core = c.core(id);
            if (core.role() == Role::Leader) {
                const auto [at, inserted] = leaders.emplace(core.term(), id);
                QVERIFY2(inserted || at->second == id,
                         qPrintable(QStringLiteral("two leaders in term %1: %2 and %3")
                                        .arg(core.term().value)
                                        .arg(at->second.value)
                                        .arg(id.value)));
            }
            for (const Entry &entry : c.node(id).applied) {
                const auto [at, inserted] = committed.emplace(entry.index, entry);
                QVERIFY2(inserted || at->second == entry,
                         qPrintable(QStringLiteral("nodes applied different entries at index %1")
                                        .arg(entry.index.value)));
            }
        }
    }
    QVERIFY2(changes >= 2, "the run made configuration changes");
    QVERIFY2(!committed.empty(), "the run committed entries");
}

QTEST_GUILESS_MAIN(TestMembershipRandom)
#include "tst_membership_random.moc"
