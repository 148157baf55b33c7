#pragma once

// Why a key's history is not linearizable, in as few operations as possible.
//
// A witness is a subset of the key's operations that admits no order by itself and that no operation
// left out could rescue. Removing a read only removes a constraint, so a subset of reads and writes that
// admits no order proves the whole history admits none — provided every write that an operation of the
// subset could have observed is in the subset too (keyhistory.h, mayObserve()): otherwise a read of a
// value whose write was left out would look impossible when it is not. Shrinking keeps that closure:
// operations are removed, in halves, then quarters, down to one at a time (ddmin), while the rest stays
// closed and admits no order. The result is 1-minimal: removing any one more operation leaves a set that
// is not closed or admits an order.

#include "keyhistory.h"
#include "linearsearch.h"

#include <QString>

#include <optional>
#include <vector>

namespace raftlab::check {

// A subset of a key's operations: mask[i] for KeyHistory::ops[i].
using OpMask = std::vector<char>;

struct Witness
{
    std::vector<int> ops{}; // indices into KeyHistory::ops, in the history's order
    bool minimal = false; // false: the budget ran out first; a smaller witness may exist
};

// `start`, a closed subset of `key` that admits no order, shrunk within `limits`.
Witness shrinkWitness(const KeyHistory &key, OpMask start, const SearchLimits &limits);

// A violation found in a window of the key's history: a closed subset made of the operations invoked
// within some stretch of `windowOps` operations (failed cas operations left out: they would bring in
// nearly every write) and the writes they could observe. Each is searched on its own; the first that
// admits no order proves the key admits none (see the top of this file) and is returned. Cheap next to
// an exhaustive search of a long key, which unknown writes pending for long can make exponential.
std::optional<OpMask> findViolationInWindows(const KeyHistory &key, int windowOps,
                                             const SearchLimits &limits);

// A sentence for a witness that matches a simple pattern ("get k returned 3 after put k=4 had completed;
// no order explains it."), or a general one.
QString explainWitness(const KeyHistory &key, const std::vector<int> &witness);

// One operation in words: "put k=4", "get k", "delete k", "cas k from 3 to 4".
QString describeOp(const KeyHistory &key, const KeyOp &op);

} // namespace raftlab::check
