#include "linearizability.h"

#include "keyhistory.h"
#include "linearsearch.h"
#include "witness.h"

#include <QElapsedTimer>

#include <algorithm>

namespace raftlab::check {

namespace {

// Keys longer than twice this are also searched for a local violation in windows of this many operations.
constexpr int windowOps = 64;

} // namespace

CheckReport checkLinearizability(const History &history, const CheckOptions &options)
{
    QElapsedTimer clock;
    clock.start();
    CheckReport report;
    report.operations = history.size();
    std::vector<KeyHistory> keys = splitByKey(history);
    report.keys = static_cast<qsizetype>(keys.size());

    // Small keys first: a hard key that eats the budget then leaves no easy key unchecked, and the first
    // violation found is in the smallest key that has one.
    std::vector<std::size_t> order(keys.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&keys](std::size_t a, std::size_t b) {
        return keys[a].ops.size() < keys[b].ops.size();
    });

    const SearchLimits limits{Deadline::after(options.budget), options.memoBytes};
    const KeyHistory *violating = nullptr;
    OpMask violation;
    for (const std::size_t i : order) {
        const KeyHistory &key = keys[i];
        SearchVerdict verdict = SearchVerdict::OutOfBudget;
        if (key.ops.size() <= std::size_t(2 * windowOps)) {
            verdict = searchLinearization(key.ops, limits);
        } else {
            // A long key: first a short whole search, enough when the key admits an order (the usual case:
            // a few microseconds per operation); then its windows, each a small search, where a local
            // anomaly (the usual kind) shows at a fraction of the cost of an exhaustive whole search, which
            // unknown writes can make exponential; then the whole search with what is left of the budget.
            const auto left =
                std::max(limits.deadline.at() - Deadline::Clock::now(), Deadline::Clock::duration::zero());
            const auto quick =
                std::chrono::milliseconds(20) + std::chrono::microseconds(100) * key.ops.size();
            const Deadline first = Deadline::after(std::min<Deadline::Clock::duration>(left / 10, quick));
            verdict = searchLinearization(key.ops, SearchLimits{first, options.memoBytes});
            if (verdict == SearchVerdict::OutOfBudget) {
                if (std::optional<OpMask> window = findViolationInWindows(key, windowOps, limits)) {
                    violation = std::move(*window);
                    verdict = SearchVerdict::NotLinearizable;
                } else {
                    verdict = searchLinearization(key.ops, limits);
                }
            }
        }
        if (verdict == SearchVerdict::OutOfBudget) {
            report.undecidedKeys.append(key.key);
        } else if (verdict == SearchVerdict::NotLinearizable) {
            violating = &key;
            if (violation.empty())
                violation.assign(key.ops.size(), 1);
            break;
        }
    }
    report.checkUs = clock.nsecsElapsed() / 1000;

    if (!violating) {
        report.verdict = report.undecidedKeys.isEmpty() ? CheckReport::Verdict::Linearizable
                                                        : CheckReport::Verdict::Undecided;
        return report;
    }
    report.verdict = CheckReport::Verdict::NotLinearizable;
    report.undecidedKeys.clear();
    report.key = violating->key;
    report.keyOperations = violating->recorded;
    const Witness witness =
        shrinkWitness(*violating, std::move(violation),
                      SearchLimits{Deadline::after(options.shrinkBudget), options.memoBytes});
    for (const int i : witness.ops)
        report.witness.push_back(violating->ops[std::size_t(i)].source);
    report.witnessMinimal = witness.minimal;
    report.explanation = explainWitness(*violating, witness.ops);
    report.shrinkUs = clock.nsecsElapsed() / 1000 - report.checkUs;
    return report;
}

} // namespace raftlab::check
