#pragma once

// One key's operations as the register model sees them. Keys are independent (an operation touches one
// key, and a history is linearizable exactly when each key's part is), so the checker works key by key.
//
// The model: the key holds a value or nothing, and starts with nothing. put sets it, delete clears it,
// get reads it, cas sets (or clears) it when it holds the expected value (or nothing) and otherwise leaves
// it alone. Values are interned to small integers, so a state is an int.
//
// What each result means: an ok operation happened, with the output it reported. A failed one never
// took effect: it is left out. An unknown one may take effect at any single point after it was invoked,
// or never; it reported nothing, so it can always be applied, and an unknown get (which would change
// nothing) is left out.

#include "history.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace raftlab::check {

inline constexpr int absentValue = -1;
inline constexpr qint64 neverUs = std::numeric_limits<qint64>::max();

struct KeyOp
{
    OpKind kind = OpKind::Get;
    bool required = false; // Ok: must appear in the order; Unknown: may appear, or not
    std::int8_t swapped = -1; // cas Ok: 0 or 1; -1 otherwise
    int value = absentValue; // put: written; get: read; cas: set when it swaps; delete: absentValue
    int expect = absentValue; // cas only
    qint64 invokeUs = 0;
    qint64 completeUs = neverUs; // Unknown: never (it may take effect arbitrarily late)
    qsizetype source = 0; // the operation's index in the History
    // A cas that did not swap: whether the key could have held `expect` before it completed (it is the
    // initial nothing, or some write of it began in time). If not, its "no" needs no explanation.
    bool expectReachable = true;
};

// Whether `op` may be applied to a key in `state`, and the state after it in `after`.
inline bool applyOp(const KeyOp &op, int state, int &after)
{
    switch (op.kind) {
    case OpKind::Put:
    case OpKind::Delete:
        after = op.value;
        return true;
    case OpKind::Get:
        after = state;
        return state == op.value;
    case OpKind::Cas:
        if (op.swapped < 0) { // unknown: swaps exactly when the comparison holds
            after = state == op.expect ? op.value : state;
            return true;
        }
        if (op.swapped == 1) {
            after = op.value;
            return state == op.expect;
        }
        after = state;
        return state != op.expect;
    }
    return false;
}

// Whether `op` may change the key: a put, a delete, a cas that swapped or may have.
inline bool mayWrite(const KeyOp &op)
{
    return op.kind != OpKind::Get && !(op.kind == OpKind::Cas && op.swapped == 0);
}

// Whether `observer`'s output could be explained by `writer`'s value being the key's state just before
// it. This is what ties reads to writes: an observer that could see a writer's value must keep that writer
// beside it in a witness (see witness.h), and an unknown write that nothing could see may be left out of
// the search.
inline bool mayObserve(const KeyOp &observer, const KeyOp &writer)
{
    if (&observer == &writer || !mayWrite(writer) || writer.invokeUs > observer.completeUs)
        return false;
    switch (observer.kind) {
    case OpKind::Get:
        return observer.value == writer.value;
    case OpKind::Cas:
        if (observer.swapped == 0)
            return observer.expectReachable && observer.expect != writer.value;
        return observer.expect == writer.value;
    case OpKind::Put:
    case OpKind::Delete:
        return false;
    }
    return false;
}

// The latest moment seen, and the latest moment seen with a value other than that one's: enough to
// answer "the latest moment with a value other than v" for every v at once, in one sweep.
class LatestByValue
{
public:
    static constexpr qint64 none = std::numeric_limits<qint64>::min();

    void add(qint64 moment, int value)
    {
        if (moment > latest_) {
            if (value != latestValue_)
                latestOther_ = latest_;
            latest_ = moment;
            latestValue_ = value;
        } else if (value != latestValue_) {
            latestOther_ = std::max(latestOther_, moment);
        }
    }
    qint64 latest() const { return latest_; }
    qint64 latestExcept(int value) const { return value != latestValue_ ? latest_ : latestOther_; }

private:
    qint64 latest_ = none;
    int latestValue_ = absentValue;
    qint64 latestOther_ = none; // never later than latest_
};

struct KeyHistory
{
    QString key{};
    std::vector<KeyOp> ops{}; // in the history's order
    std::vector<QString> values{}; // values[i] is the value interned as i
    qsizetype recorded = 0; // the key's operations in the history, failed ones and unknown gets included
};

// Each key's part of `history`, in order of first appearance.
std::vector<KeyHistory> splitByKey(const History &history);

} // namespace raftlab::check
