#pragma once

#include <cstdint>
#include <vector>

namespace raftlab::sim {

// The seeds a randomized test runs. `RAFTLAB_SEED=<n>` replays exactly that seed (and nothing else);
// `RAFTLAB_SIM_SEEDS=<count>` changes how many seeds a normal run tries. Seeds are `base + i`, so a
// failure's seed names one run, whatever else ran before it.
struct SeedPlan
{
    std::vector<std::uint64_t> seeds{};
    bool isReplay = false;
};

// How RAFTLAB_SIM_SEEDS applies: as the count itself (the random-schedule test, whose default is
// `referenceSeedCount`), or scaling a test's own default by RAFTLAB_SIM_SEEDS / referenceSeedCount.
enum class SeedScaling { Absolute, Proportional };
constexpr int referenceSeedCount = 2000;

SeedPlan seedPlan(std::uint64_t base, int defaultCount, SeedScaling scaling = SeedScaling::Absolute);

} // namespace raftlab::sim
