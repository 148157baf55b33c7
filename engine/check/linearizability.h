#pragma once

// Whether a client history of the key-value store is linearizable: whether one order of its operations,
// each placed at a single instant between its invocation and its completion, explains every answer the
// clients got (Herlihy & Wing). Keys are independent, so each key's operations are checked apart
// (keyhistory.h for the model and what ok, fail and unknown mean; linearsearch.h for the search).
//
// A violation comes with a witness: the key and a smallest set of its operations that admit no order
// (witness.h), and a sentence saying why when the pattern is a simple one. Every search stops at a
// deadline, so a history too hard to decide in the time given gets the verdict Undecided, never a hang.

#include "history.h"

#include <QStringList>

#include <chrono>
#include <vector>

namespace raftlab::check {

struct CheckOptions
{
    std::chrono::milliseconds budget{10'000}; // to decide
    std::chrono::milliseconds shrinkBudget{10'000}; // then, for a violation, to shrink its witness
    std::size_t memoBytes = std::size_t(2) << 30; // per key; past it that key is undecided
};

struct CheckReport
{
    enum class Verdict { Linearizable, NotLinearizable, Undecided };

    Verdict verdict = Verdict::Linearizable;
    qsizetype operations = 0; // in the history
    qsizetype keys = 0;
    qint64 checkUs = 0; // deciding
    qint64 shrinkUs = 0; // shrinking the witness

    // NotLinearizable: the first key found without an order (keys are checked smallest first).
    QString key{};
    qsizetype keyOperations = 0; // the key's operations in the history
    std::vector<History::Id> witness{}; // a smallest set of them that admit no order, in history order
    bool witnessMinimal = false; // false: the shrink budget ran out; a smaller set may exist
    QString explanation{};

    // Undecided: the keys that could not be decided within the budget (the verdict is Undecided only
    // when no key was found without an order).
    QStringList undecidedKeys{};
};

CheckReport checkLinearizability(const History &history, const CheckOptions &options = {});

} // namespace raftlab::check
