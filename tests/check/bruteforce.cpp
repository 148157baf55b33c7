#include "bruteforce.h"

#include <QHash>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

namespace raftlab::check::testing {

namespace {

using State = std::map<QString, std::optional<QString>>;

qint64 completionOf(const Operation &op)
{
    return op.result == OpResult::Ok ? *op.completeUs : std::numeric_limits<qint64>::max();
}

// Whether `op` may happen in `state`, and the state after it.
bool applyTo(const Operation &op, State &state)
{
    std::optional<QString> &current = state[op.key];
    const bool known = op.result == OpResult::Ok;
    switch (op.kind) {
    case OpKind::Put:
        current = op.value;
        return true;
    case OpKind::Delete:
        current.reset();
        return true;
    case OpKind::Get:
        return !known || current == op.value;
    case OpKind::Cas: {
        const bool matches = current == op.expect;
        if (known && *op.swapped != matches)
            return false;
        if (matches)
            current = op.value;
        return true;
    }
    }
    return false;
}

class Search
{
public:
    explicit Search(const History &history)
    {
        for (const Operation &op : history.operations()) {
            if (op.result != OpResult::Fail)
                m_ops.push_back(op);
        }
        m_placed.assign(m_ops.size(), false);
    }

    bool run(const State &state)
    {
        bool allRequired = true;
        for (std::size_t i = 0; i < m_ops.size(); ++i)
            allRequired = allRequired && (m_placed[i] || m_ops[i].result != OpResult::Ok);
        if (allRequired)
            return true; // the unknown operations left over never happened
        for (std::size_t i = 0; i < m_ops.size(); ++i) {
            if (m_placed[i] || !mayComeNow(i))
                continue;
            State next = state;
            if (!applyTo(m_ops[i], next))
                continue;
            m_placed[i] = true;
            const bool found = run(next);
            m_placed[i] = false;
            if (found)
                return true;
        }
        return false;
    }

private:
    bool mayComeNow(std::size_t candidate) const
    {
        for (std::size_t j = 0; j < m_ops.size(); ++j) {
            if (!m_placed[j] && j != candidate && completionOf(m_ops[j]) < m_ops[candidate].invokeUs)
                return false;
        }
        return true;
    }

    std::vector<Operation> m_ops;
    std::vector<bool> m_placed;
};

bool writes(const Operation &op)
{
    if (op.result == OpResult::Fail || op.kind == OpKind::Get)
        return false;
    return !(op.kind == OpKind::Cas && op.result == OpResult::Ok && !*op.swapped);
}

std::optional<QString> written(const Operation &op)
{
    return op.kind == OpKind::Delete ? std::nullopt : op.value;
}

// Whether the key of a failed cas could have held its expected value: nothing (the initial state), or a
// value some write of the history began to write before the cas completed.
bool expectReachable(const History &history, const Operation &failedCas)
{
    if (!failedCas.expect)
        return true;
    for (const Operation &op : history.operations()) {
        if (op.key == failedCas.key && writes(op) && written(op) == failedCas.expect &&
            op.invokeUs <= completionOf(failedCas))
            return true;
    }
    return false;
}

bool couldObserve(const History &history, const Operation &observer, const Operation &writer)
{
    if (observer.key != writer.key || !writes(writer) || writer.invokeUs > completionOf(observer) ||
        observer.result == OpResult::Fail)
        return false;
    if (observer.kind == OpKind::Get)
        return observer.result == OpResult::Ok && observer.value == written(writer);
    if (observer.kind == OpKind::Cas) {
        if (observer.result == OpResult::Ok && !*observer.swapped)
            return expectReachable(history, observer) && observer.expect != written(writer);
        return observer.expect == written(writer);
    }
    return false;
}

} // namespace

bool bruteForceLinearizable(const History &history)
{
    return Search(history).run(State());
}

History subHistory(const History &history, const std::vector<History::Id> &indices)
{
    History sub;
    for (const History::Id i : indices)
        sub.append(history.at(i));
    return sub;
}

bool isClosedWitness(const History &history, const std::vector<History::Id> &indices)
{
    for (const History::Id o : indices) {
        for (History::Id w = 0; w < history.size(); ++w) {
            if (w == o || std::find(indices.begin(), indices.end(), w) != indices.end())
                continue;
            if (couldObserve(history, history.at(o), history.at(w)))
                return false;
        }
    }
    return true;
}

} // namespace raftlab::check::testing
