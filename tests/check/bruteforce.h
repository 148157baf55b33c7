#pragma once

// The checker's reference: linearizability decided by trying every order, written as plainly as the
// definition. Every operation that is not a failure is a candidate; an ok one must be placed, an unknown
// one may be placed or not; an operation may be placed only once every ok operation that completed
// before it was invoked is placed; each placed operation must agree with the state of all keys at its
// place. Exponential: for histories of up to about ten operations.

#include "check/history.h"

#include <vector>

namespace raftlab::check::testing {

bool bruteForceLinearizable(const History &history);

// The operations of `history` at `indices`, as a history of their own.
History subHistory(const History &history, const std::vector<History::Id> &indices);

// Whether every write that an operation of `indices` could have observed (the definition of witness.h and
// keyhistory.h, written out again over plain operations) is among `indices` too.
bool isClosedWitness(const History &history, const std::vector<History::Id> &indices);

} // namespace raftlab::check::testing
