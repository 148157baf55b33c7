#pragma once

// Helpers shared by the paper tests (tst_paper.cpp, tst_paper_replication.cpp).

#include "corecluster.h"

#include <set>

namespace raftlab::test {

inline constexpr NodeId n1(1);
inline constexpr NodeId n2(2);
inline constexpr NodeId n3(3);

inline ClusterOptions options(int size, bool preVote = false, bool checkQuorum = false)
{
    ClusterOptions o;
    o.size = size;
    o.preVote = preVote;
    o.checkQuorum = checkQuorum;
    return o;
}

// Ticks `id` until its election timer fires, at most `maxTicks` times; `ticks` gets the count.
inline Output tickUntilTimeout(CoreCluster &c, NodeId id, int maxTicks, int *ticks = nullptr)
{
    Output all;
    for (int i = 1; i <= maxTicks; ++i) {
        Output output = c.tick(id);
        const bool fired = output.hasEvent(EventType::ElectionTimeout);
        all.add(std::move(output));
        if (fired) {
            if (ticks)
                *ticks = i;
            break;
        }
    }
    return all;
}

inline std::set<std::uint32_t> recipients(const Messages &messages)
{
    std::set<std::uint32_t> to;
    for (const Message &m : messages)
        to.insert(m.to.value);
    return to;
}

inline void addPreVoteRows(const char *name)
{
    QTest::newRow(qPrintable(QStringLiteral("%1, pre-vote off").arg(QLatin1String(name)))) << false;
    QTest::newRow(qPrintable(QStringLiteral("%1, pre-vote on").arg(QLatin1String(name)))) << true;
}

} // namespace raftlab::test
