#pragma once

// Private to engine/core: checks a core's invariants around each of its inputs (LogCabin's
// RaftConsensusInvariants), in builds with assertions, and reports a broken one with the node and the rule.

#include "invariants.h"
#include "raftcore.h"

namespace raftlab {

class RaftCore::InvariantGuard
{
public:
    explicit InvariantGuard(const RaftCore &core)
#ifndef NDEBUG
        : m_core(core)
        , m_before(Invariants::capture(core))
#endif
    {
        static_cast<void>(core);
    }

    ~InvariantGuard()
    {
#ifndef NDEBUG
        if (const char *broken = Invariants::check(m_before, m_core))
            reportBrokenInvariant(m_core.id(), broken);
#endif
    }

    InvariantGuard(const InvariantGuard &) = delete;
    InvariantGuard &operator=(const InvariantGuard &) = delete;

private:
#ifndef NDEBUG
    const RaftCore &m_core;
    Invariants::Facts m_before;
#endif
};

} // namespace raftlab
