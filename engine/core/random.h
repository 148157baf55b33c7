#pragma once

#include <cstdint>

namespace raftlab {

// A small seeded generator (SplitMix64) with the same output on every platform and standard library,
// so a seed replays a simulation exactly. The core never reads a global or time-based random source.
class Random
{
public:
    explicit Random(std::uint64_t seed)
        : m_state(seed)
    { }

    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    // Uniform in [min, max); min when the range is empty. The modulo bias is below 2^-32 for our ranges.
    std::int64_t between(std::int64_t min, std::int64_t max)
    {
        if (max <= min)
            return min;
        return min + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(max - min));
    }

    // True with probability p (0..1).
    bool chance(double p) { return p > 0 && static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

private:
    std::uint64_t m_state;
};

} // namespace raftlab
