#include "seeds.h"

#include <algorithm>

#include <QString>
#include <QtGlobal>

namespace raftlab::sim {

SeedPlan seedPlan(std::uint64_t base, int defaultCount, SeedScaling scaling)
{
    bool ok = false;
    const qulonglong replay = qEnvironmentVariable("RAFTLAB_SEED").toULongLong(&ok);
    if (ok)
        return SeedPlan{{replay}, true};
    const int requested = qEnvironmentVariableIntValue("RAFTLAB_SIM_SEEDS", &ok);
    std::int64_t count = defaultCount;
    if (ok && requested > 0) {
        count = scaling == SeedScaling::Absolute
            ? requested
            : std::max<std::int64_t>(1, std::int64_t{defaultCount} * requested / referenceSeedCount);
    }
    SeedPlan plan;
    for (std::int64_t i = 0; i < count; ++i)
        plan.seeds.push_back(base + static_cast<std::uint64_t>(i));
    return plan;
}

} // namespace raftlab::sim
