#include "witness.h"

#include <QCoreApplication>

#include <algorithm>
#include <numeric>

namespace raftlab::check {

namespace {

// What a user reads, for translators under the context "LinearizabilityWitness".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("LinearizabilityWitness", sourceText);
}

using Mask = OpMask;

// The writes of a key, sorted by invocation: all of them, and by the value each writes.
struct WriterIndex
{
    explicit WriterIndex(const KeyHistory &key)
    {
        const std::vector<KeyOp> &ops = key.ops;
        for (int i = 0; i < int(ops.size()); ++i) {
            if (mayWrite(ops[std::size_t(i)]))
                all.push_back(i);
        }
        std::stable_sort(all.begin(), all.end(), [&ops](int a, int b) {
            return ops[std::size_t(a)].invokeUs < ops[std::size_t(b)].invokeUs;
        });
        byValue.resize(key.values.size() + 1);
        for (const int i : all)
            byValue[std::size_t(ops[std::size_t(i)].value + 1)].push_back(i);
    }

    std::vector<int> all;
    std::vector<std::vector<int>> byValue; // [value + 1]: absentValue first
};

// Adds to `kept` (within `within`) every write that an operation of `kept` could observe (mayObserve()),
// until nothing more is needed. Per round: for each value, the latest completion of a kept operation that
// wants it before it; for failed cas operations, which want any value but their own, the latest two
// completions with different expected values. Then every write those could see is added.
void closeWithin(const KeyHistory &key, const WriterIndex &writers, const Mask &within, Mask &kept)
{
    const std::vector<KeyOp> &ops = key.ops;
    constexpr qint64 nothing = std::numeric_limits<qint64>::min();
    std::vector<qint64> wantedUntil(key.values.size() + 1);
    for (bool changed = true; changed;) {
        changed = false;
        std::fill(wantedUntil.begin(), wantedUntil.end(), nothing);
        LatestByValue failedCas; // when the failed cas operations completed, by expected value
        for (std::size_t i = 0; i < ops.size(); ++i) {
            if (!kept[i])
                continue;
            const KeyOp &op = ops[i];
            if (op.kind == OpKind::Get && op.required) {
                wantedUntil[std::size_t(op.value + 1)] =
                    std::max(wantedUntil[std::size_t(op.value + 1)], op.completeUs);
            } else if (op.kind == OpKind::Cas && op.swapped != 0) {
                wantedUntil[std::size_t(op.expect + 1)] =
                    std::max(wantedUntil[std::size_t(op.expect + 1)], op.completeUs);
            } else if (op.kind == OpKind::Cas && op.expectReachable) {
                failedCas.add(op.completeUs, op.expect);
            }
        }
        const auto add = [&](int i) {
            if (within[std::size_t(i)] && !kept[std::size_t(i)]) {
                kept[std::size_t(i)] = 1;
                changed = true;
            }
        };
        for (std::size_t value = 0; value < wantedUntil.size(); ++value) {
            for (const int i : writers.byValue[value]) {
                if (ops[std::size_t(i)].invokeUs > wantedUntil[value])
                    break;
                add(i);
            }
        }
        for (const int i : writers.all) {
            const KeyOp &op = ops[std::size_t(i)];
            if (op.invokeUs > failedCas.latest())
                break;
            if (failedCas.latestExcept(op.value) >= op.invokeUs)
                add(i);
        }
    }
}

std::vector<KeyOp> opsIn(const KeyHistory &key, const Mask &mask)
{
    std::vector<KeyOp> ops;
    for (std::size_t i = 0; i < key.ops.size(); ++i) {
        if (mask[i])
            ops.push_back(key.ops[i]);
    }
    return ops;
}

// ---------------------------------------------------------------------------------------------
// Words.

bool isPlain(const QString &value)
{
    if (value.isEmpty() || value.size() > 40)
        return false;
    return std::all_of(value.begin(), value.end(), [](QChar c) {
        return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-') ||
            c == QLatin1Char('.') || c == QLatin1Char(':');
    });
}

QString quoted(const QString &value)
{
    if (isPlain(value))
        return value;
    QString shown = value.size() > 40 ? value.left(40) + QStringLiteral("…") : value;
    shown.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    shown.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return QLatin1Char('"') + shown + QLatin1Char('"');
}

QString valueWords(const KeyHistory &key, int value)
{
    return value == absentValue ? tr("nothing") : quoted(key.values[std::size_t(value)]);
}

bool precedes(const KeyOp &a, const KeyOp &b)
{
    return a.completeUs < b.invokeUs;
}

// What an observer saw, as the rest of a sentence: "returned 3", "swapped", "did not swap".
QString observation(const KeyHistory &key, const KeyOp &op)
{
    if (op.kind == OpKind::Get)
        return tr("returned %1").arg(valueWords(key, op.value));
    return op.swapped == 1 ? tr("swapped") : tr("did not swap");
}

// The value an observer needs as the state before it; nullopt for a failed cas (it needs anything else).
std::optional<int> neededValue(const KeyOp &op)
{
    if (op.kind == OpKind::Get)
        return op.value;
    if (op.kind == OpKind::Cas && op.swapped != 0)
        return op.expect;
    return std::nullopt;
}

// "get k returned 3 after put k=4 had completed": a single observer of x (a get, or a cas that swapped
// from x) that began after a write of something else completed, where every write of x in the witness
// had completed before that write began (the empty initial state counts as such a write of nothing).
QString staleRead(const KeyHistory &key, const std::vector<const KeyOp *> &observers,
                  const std::vector<const KeyOp *> &writes)
{
    if (observers.size() != 1 || !neededValue(*observers.front()))
        return QString();
    const KeyOp &reader = *observers.front();
    const int seen = *neededValue(reader);
    for (const KeyOp *later : writes) {
        if (later == &reader || later->value == seen || !later->required || !precedes(*later, reader))
            continue;
        const bool allOlder = std::all_of(writes.begin(), writes.end(), [&](const KeyOp *write) {
            return write->value != seen || write == &reader || precedes(*write, *later);
        });
        if (!allOlder)
            continue;
        return tr("%1 %2 after %3 had completed; no order explains it.")
            .arg(describeOp(key, reader), observation(key, reader), describeOp(key, *later));
    }
    return QString();
}

} // namespace

QString describeOp(const KeyHistory &key, const KeyOp &op)
{
    const QString name = quoted(key.key);
    switch (op.kind) {
    case OpKind::Put:
        return tr("put %1=%2").arg(name, valueWords(key, op.value));
    case OpKind::Get:
        return tr("get %1").arg(name);
    case OpKind::Delete:
        return tr("delete %1").arg(name);
    case OpKind::Cas:
        return tr("cas %1 from %2 to %3").arg(name, valueWords(key, op.expect), valueWords(key, op.value));
    }
    return QString();
}

Witness shrinkWitness(const KeyHistory &key, OpMask start, const SearchLimits &limits)
{
    const std::size_t n = key.ops.size();
    const WriterIndex writers(key);
    Mask current = std::move(start);
    std::size_t size = std::size_t(std::count(current.begin(), current.end(), 1));
    const auto members = [&current, n] {
        std::vector<int> ops;
        for (std::size_t i = 0; i < n; ++i) {
            if (current[i])
                ops.push_back(int(i));
        }
        return ops;
    };
    bool certain = true; // every search answered within its limits
    std::size_t chunk = std::max<std::size_t>(1, size / 2);
    for (;;) {
        bool progress = false;
        std::size_t position = 0; // among the members of `current`, in order
        while (position < size) {
            if (limits.deadline.expired())
                return Witness{members(), false};
            // Remove the members [position, position + chunk), then put back what the rest needs.
            Mask candidate = current;
            std::size_t member = 0;
            for (std::size_t i = 0; i < n; ++i) {
                if (!current[i])
                    continue;
                if (member >= position && member < position + chunk)
                    candidate[i] = 0;
                ++member;
            }
            closeWithin(key, writers, current, candidate);
            const auto candidateSize = std::size_t(std::count(candidate.begin(), candidate.end(), 1));
            if (candidateSize < size) {
                const SearchVerdict verdict = searchLinearization(opsIn(key, candidate), limits);
                if (verdict == SearchVerdict::NotLinearizable) {
                    current = std::move(candidate);
                    size = candidateSize;
                    progress = true;
                    continue; // the same position now holds the next members
                }
                certain = certain && verdict == SearchVerdict::Linearizable;
            }
            position += chunk;
        }
        if (chunk > 1)
            chunk = std::max<std::size_t>(1, chunk / 2);
        else if (!progress)
            break;
    }
    return Witness{members(), certain};
}

std::optional<OpMask> findViolationInWindows(const KeyHistory &key, int windowOps, const SearchLimits &limits)
{
    const std::vector<KeyOp> &ops = key.ops;
    std::vector<int> byInvoke(ops.size());
    std::iota(byInvoke.begin(), byInvoke.end(), 0);
    std::stable_sort(byInvoke.begin(), byInvoke.end(), [&ops](int a, int b) {
        return ops[std::size_t(a)].invokeUs < ops[std::size_t(b)].invokeUs;
    });
    const WriterIndex writers(key);
    const Mask everything(ops.size(), 1);
    const auto window = std::size_t(std::max(2, windowOps));
    for (std::size_t start = 0; start < byInvoke.size(); start += window / 2) {
        if (limits.deadline.expired())
            return std::nullopt;
        Mask mask(ops.size(), 0);
        bool observes = false;
        for (std::size_t at = start; at < std::min(byInvoke.size(), start + window); ++at) {
            const KeyOp &op = ops[std::size_t(byInvoke[at])];
            if (op.kind == OpKind::Cas && op.swapped == 0)
                continue;
            mask[std::size_t(byInvoke[at])] = 1;
            observes = observes || (op.required && (op.kind == OpKind::Get || op.kind == OpKind::Cas));
        }
        if (!observes)
            continue;
        closeWithin(key, writers, everything, mask);
        if (std::size_t(std::count(mask.begin(), mask.end(), 1)) > 4 * window)
            continue; // reads of values written all over the history: not a small window after all
        if (searchLinearization(opsIn(key, mask), limits) == SearchVerdict::NotLinearizable)
            return mask;
    }
    return std::nullopt;
}

QString explainWitness(const KeyHistory &key, const std::vector<int> &witness)
{
    std::vector<const KeyOp *> observers; // ok operations whose output depends on the state
    std::vector<const KeyOp *> writes;
    for (const int i : witness) {
        const KeyOp &op = key.ops[std::size_t(i)];
        if (op.required && (op.kind == OpKind::Get || op.kind == OpKind::Cas))
            observers.push_back(&op);
        if (mayWrite(op))
            writes.push_back(&op);
    }

    if (witness.size() == 1 && observers.size() == 1) {
        const KeyOp &reader = *observers.front();
        const std::optional<int> seen = neededValue(reader);
        if (!seen) { // a failed cas alone: it expected nothing, and nothing had been written
            return tr("%1 did not swap, but nothing had written %2 before it completed; no order "
                      "explains it.")
                .arg(describeOp(key, reader), quoted(key.key));
        }
        const bool writtenLater = std::any_of(key.ops.begin(), key.ops.end(), [&](const KeyOp &op) {
            return mayWrite(op) && op.value == *seen;
        });
        if (writtenLater)
            return tr("%1 %2 before any operation that writes %3 began; no order explains it.")
                .arg(describeOp(key, reader), observation(key, reader), valueWords(key, *seen));
        return tr("%1 %2, a value no operation wrote; no order explains it.")
            .arg(describeOp(key, reader), observation(key, reader));
    }

    if (const QString stale = staleRead(key, observers, writes); !stale.isEmpty())
        return stale;

    if (witness.size() == 2 && observers.size() == 1 && !neededValue(*observers.front())) {
        const KeyOp &failed = *observers.front();
        const KeyOp &first = key.ops[std::size_t(witness.front())];
        const KeyOp &write = &first == &failed ? key.ops[std::size_t(witness.back())] : first;
        if (write.required && write.value == failed.expect && precedes(write, failed))
            return tr("%1 did not swap, although %2 had completed before it began and nothing else "
                      "wrote %3; no order explains it.")
                .arg(describeOp(key, failed), describeOp(key, write), quoted(key.key));
    }

    if (observers.size() == 2 && observers[0]->kind == OpKind::Get && observers[1]->kind == OpKind::Get) {
        const KeyOp *first = observers[0];
        const KeyOp *second = observers[1];
        if (precedes(*second, *first))
            std::swap(first, second);
        if (precedes(*first, *second) && first->value != second->value)
            return tr("%1 returned %2, then a later %1 returned %3; no order of the writes explains "
                      "both.")
                .arg(describeOp(key, *first), valueWords(key, first->value), valueWords(key, second->value));
    }

    return tr("No order of these %1 operations on %2 agrees with both their results and their "
              "real-time order.")
        .arg(witness.size())
        .arg(quoted(key.key));
}

} // namespace raftlab::check
