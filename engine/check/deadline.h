#pragma once

#include <chrono>

namespace raftlab::check {

// When a search must give up. Checking the clock costs about 20 ns, so searches look at it every few
// thousand steps, not at every step.
class Deadline
{
public:
    using Clock = std::chrono::steady_clock;

    static Deadline after(std::chrono::nanoseconds budget) { return Deadline(Clock::now() + budget); }
    static Deadline never() { return Deadline(Clock::time_point::max()); }

    bool expired() const { return Clock::now() >= m_at; }
    Clock::time_point at() const { return m_at; }

private:
    explicit Deadline(Clock::time_point at)
        : m_at(at)
    { }

    Clock::time_point m_at;
};

} // namespace raftlab::check
