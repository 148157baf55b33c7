#pragma once

// The search for a linearization of one key's operations: Wing & Gong's algorithm with Lowe's
// memoisation ("Testing for linearizability", Concurrency and Computation 2017), as Porcupine does it.
//
// The operations become a list of call and return events in time order (a call before a return at the
// same microsecond: touching intervals count as concurrent). The search walks the list from its head:
// a call whose operation may be applied in the current state is linearized (the operation and its
// return leave the list, the walk restarts from the head), unless the pair (set of linearized
// operations, state) was reached before, which Lowe's cache remembers. Reaching a return means that
// operation can no longer be put anywhere: the last choice is undone and the walk goes on past it.
// Unknown operations have no return event (they may take effect arbitrarily late, or never), so the
// search succeeds as soon as every ok operation is linearized: the unknown ones left over never happened.
//
// An unknown write only matters to the operations that could observe its value (keyhistory.h,
// mayObserve()): if some order uses it, another order uses it before one of them, or leaves it out (an
// unknown write followed by none of its observers changes nothing anyone saw). So each unknown write gets
// a deadline, the latest completion of its observers: it may be linearized before the deadline or not at
// all. At its deadline event the search leaves it out (the op is decided, the state unchanged), a choice
// undone like any other. An unknown write that nothing could observe is left out from the start. Without
// deadlines, every unknown write would stay a candidate to the end of the history, and each one doubles
// the orders an exhaustive search (a history that is not linearizable) must try.
//
// Unknown puts and deletes whose value no operation reads or expects are interchangeable: each could only
// serve as "some other value" to a failed cas, and they share one deadline. Any order that applies some
// of them can apply instead the earliest-invoked ones, in invocation order, and leave out the rest. So the
// search decides them in that order only: k of them give k + 1 choices, not 2^k.
//
// Two more economies, both kept complete: the cache also cuts a configuration when one with the same ok
// operations and state but fewer unknown operations decided has failed already (see VisitedSet), and
// the candidates of each configuration are tried ok operations first, unknown ones after, so that the
// configurations with fewer unknown operations tend to be explored, and to fail, first.
//
// Which failed cas operations count as observers is sharpened here (failedCasThatMatter()): one whose
// expected value could not have been the state before it, given the ok writes that completed before it
// began, is explained without any unknown write.

#include "deadline.h"
#include "keyhistory.h"

#include <vector>

namespace raftlab::check {

enum class SearchVerdict {
    Linearizable,
    NotLinearizable,
    OutOfBudget, // the deadline passed, or the memo outgrew its memory bound
};

struct SearchLimits
{
    Deadline deadline = Deadline::never();
    std::size_t memoBytes = std::size_t(2) << 30; // past this the verdict is OutOfBudget, not a crash
};

SearchVerdict searchLinearization(const std::vector<KeyOp> &ops, const SearchLimits &limits);

struct UnknownWrites
{
    // By operation: neverUs for an ok one and for an unknown write that an unknown cas may observe; before
    // its invocation for an unknown write that nothing could observe.
    std::vector<qint64> deadline;
    // By operation: an unknown put or delete whose value nothing reads or expects (see above).
    std::vector<bool> interchangeable;
};
UnknownWrites analyseUnknownWrites(const std::vector<KeyOp> &ops);

} // namespace raftlab::check
