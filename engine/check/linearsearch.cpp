#include "linearsearch.h"

#include <algorithm>
#include <cstdint>

namespace raftlab::check {

namespace {

std::uint64_t mix64(std::uint64_t z)
{
    // SplitMix64's finaliser: every input bit affects every output bit.
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Lowe's cache, with subsumption for unknown operations: the configurations the search has entered,
// each a set of decided ok operations R, a state, and a set of decided unknown operations K. A
// configuration entered before is not entered again (Lowe). Moreover (R, state, K) is known to fail when
// (R, state, K') failed already with K' a subset of K: from the one with fewer unknown operations decided,
// every continuation of the other is still open (an unknown operation still pending may be left out at
// its deadline; an interchangeable write stands in for another). A configuration has failed once the
// search backtracked out of it; until then it is on the search's path, and its descendants, which decide
// more unknown operations, must not be cut as if it had. Only the latest few failures of each (R, state)
// are compared: cutting less is always sound, and comparing with every one costs more than it saves.
//
// The sets are bitsets kept one after another in arrays. One table finds (R, state) by a hash of R kept up
// to date as operations come and go (one XOR each, Zobrist's way); a second finds (R, state, K) by that
// entry and a hash of K.
class VisitedSet
{
public:
    static constexpr std::int32_t known = -1;
    static constexpr int failuresCompared = 16;

    VisitedSet(std::size_t requiredWords, std::size_t unknownWords)
        : m_requiredWords(requiredWords)
        , m_unknownWords(unknownWords)
        , m_slots(1024, 0)
        , m_unknownSlots(unknownWords > 0 ? 1024 : 0, 0)
    { }

    // The configuration entered, to pass to failed() when the search backtracks out of it; or `known`
    // when it was entered before or is known to fail.
    std::int32_t enter(const std::vector<std::uint64_t> &required, std::uint64_t requiredHash, int state,
                       const std::vector<std::uint64_t> &unknown, std::uint64_t unknownHash)
    {
        bool added = false;
        const std::size_t entry = findOrAddEntry(required, requiredHash, state, added);
        if (m_unknownWords == 0) // no unknown operations: Lowe's cache as it is
            return added ? static_cast<std::int32_t>(entry) : known;
        if (!added) {
            if (findUnknownSet(entry, unknown, unknownHash) != known)
                return known;
            int compared = 0;
            for (std::int32_t k = m_lastFailure[entry]; k >= 0 && compared < failuresCompared;
                 k = m_previousFailure[std::size_t(k)], ++compared) {
                if (isSubset(std::size_t(k), unknown))
                    return known;
            }
        }
        return addUnknownSet(entry, unknown, unknownHash);
    }

    void failed(std::int32_t configuration)
    {
        if (m_unknownWords == 0)
            return; // entered once, never again: nothing more to remember
        const auto k = std::size_t(configuration);
        const std::size_t entry = m_entryOf[k];
        m_previousFailure[k] = m_lastFailure[entry];
        m_lastFailure[entry] = configuration;
    }

    std::size_t bytes() const
    {
        return (m_required.capacity() + m_hashes.capacity() + m_unknown.capacity() +
                m_unknownHashes.capacity()) *
            sizeof(std::uint64_t) +
            (m_states.capacity() + m_lastFailure.capacity() + m_previousFailure.capacity()) *
            sizeof(std::int32_t) +
            (m_entryOf.capacity() * sizeof(std::size_t)) +
            (m_slots.capacity() + m_unknownSlots.capacity()) * sizeof(std::uint32_t);
    }

private:
    std::size_t findOrAddEntry(const std::vector<std::uint64_t> &required, std::uint64_t requiredHash,
                               int state, bool &added)
    {
        const std::uint64_t hash =
            requiredHash ^ mix64(static_cast<std::uint64_t>(static_cast<std::int64_t>(state)) + 1);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
            const std::uint32_t entry = m_slots[slot];
            if (entry == 0) {
                m_required.insert(m_required.end(), required.begin(), required.end());
                m_hashes.push_back(hash);
                m_states.push_back(state);
                m_lastFailure.push_back(-1);
                m_slots[slot] = static_cast<std::uint32_t>(m_states.size());
                if (m_states.size() * 2 > m_slots.size())
                    m_slots = rehash(m_slots.size() * 2, m_hashes);
                added = true;
                return m_states.size() - 1;
            }
            const std::size_t at = entry - 1;
            if (m_hashes[at] == hash && m_states[at] == state &&
                std::equal(required.begin(), required.end(),
                           m_required.begin() + static_cast<std::ptrdiff_t>(at * m_requiredWords)))
                return at;
        }
    }

    std::uint64_t unknownKey(std::size_t entry, std::uint64_t unknownHash) const
    {
        return mix64(unknownHash + 0x9E3779B97F4A7C15ULL * (entry + 1));
    }

    std::int32_t findUnknownSet(std::size_t entry, const std::vector<std::uint64_t> &unknown,
                                std::uint64_t unknownHash) const
    {
        const std::uint64_t key = unknownKey(entry, unknownHash);
        const std::size_t mask = m_unknownSlots.size() - 1;
        for (std::size_t slot = key & mask;; slot = (slot + 1) & mask) {
            const std::uint32_t k = m_unknownSlots[slot];
            if (k == 0)
                return known;
            const std::size_t at = k - 1;
            if (m_unknownHashes[at] == key && m_entryOf[at] == entry &&
                std::equal(unknown.begin(), unknown.end(),
                           m_unknown.begin() + static_cast<std::ptrdiff_t>(at * m_unknownWords)))
                return static_cast<std::int32_t>(at);
        }
    }

    std::int32_t addUnknownSet(std::size_t entry, const std::vector<std::uint64_t> &unknown,
                               std::uint64_t unknownHash)
    {
        const std::uint64_t key = unknownKey(entry, unknownHash);
        m_unknown.insert(m_unknown.end(), unknown.begin(), unknown.end());
        m_unknownHashes.push_back(key);
        m_entryOf.push_back(entry);
        m_previousFailure.push_back(-1);
        const std::size_t mask = m_unknownSlots.size() - 1;
        std::size_t slot = key & mask;
        while (m_unknownSlots[slot] != 0)
            slot = (slot + 1) & mask;
        m_unknownSlots[slot] = static_cast<std::uint32_t>(m_entryOf.size());
        if (m_entryOf.size() * 2 > m_unknownSlots.size())
            m_unknownSlots = rehash(m_unknownSlots.size() * 2, m_unknownHashes);
        return static_cast<std::int32_t>(m_entryOf.size() - 1);
    }

    bool isSubset(std::size_t k, const std::vector<std::uint64_t> &unknown) const
    {
        const std::uint64_t *stored = m_unknown.data() + k * m_unknownWords;
        for (std::size_t w = 0; w < m_unknownWords; ++w) {
            if ((stored[w] & ~unknown[w]) != 0)
                return false;
        }
        return true;
    }

    static std::vector<std::uint32_t> rehash(std::size_t size, const std::vector<std::uint64_t> &hashes)
    {
        std::vector<std::uint32_t> slots(size, 0);
        const std::size_t mask = size - 1;
        for (std::size_t at = 0; at < hashes.size(); ++at) {
            std::size_t slot = hashes[at] & mask;
            while (slots[slot] != 0)
                slot = (slot + 1) & mask;
            slots[slot] = static_cast<std::uint32_t>(at + 1);
        }
        return slots;
    }

    std::size_t m_requiredWords;
    std::size_t m_unknownWords;
    // Entries (R, state).
    std::vector<std::uint64_t> m_required;
    std::vector<std::uint64_t> m_hashes;
    std::vector<int> m_states;
    std::vector<std::int32_t> m_lastFailure; // the latest set K that failed with it, or -1
    std::vector<std::uint32_t> m_slots; // entry number + 1; 0 is free
    // Sets K, each with its entry.
    std::vector<std::uint64_t> m_unknown;
    std::vector<std::uint64_t> m_unknownHashes;
    std::vector<std::size_t> m_entryOf;
    std::vector<std::int32_t> m_previousFailure; // the failure of the same entry before this one, or -1
    std::vector<std::uint32_t> m_unknownSlots; // set number + 1; 0 is free
};

// The events of the operations, in time order, as a doubly linked list that the search unlinks
// operations from and links them back into (Knuth's dancing links: undone in reverse order). An ok
// operation has a call and a return; an unknown write with a deadline has a call and a deadline event;
// any other unknown operation has a call only.
class EventList
{
public:
    enum class Kind : std::uint8_t { Call, Return, Deadline, End };

    EventList(const std::vector<KeyOp> &ops, const std::vector<qint64> &deadlines)
        : m_closingNode(ops.size(), none)
        , m_callNode(ops.size(), none)
    {
        struct Event
        {
            qint64 timeUs;
            Kind kind;
            int op;
        };
        std::vector<Event> events;
        events.reserve(ops.size() * 2);
        for (std::size_t i = 0; i < ops.size(); ++i) {
            events.push_back({ops[i].invokeUs, Kind::Call, static_cast<int>(i)});
            if (ops[i].required)
                events.push_back({ops[i].completeUs, Kind::Return, static_cast<int>(i)});
            else if (deadlines[i] != neverUs)
                events.push_back({deadlines[i], Kind::Deadline, static_cast<int>(i)});
        }
        // Calls before returns at the same time: intervals that touch are concurrent.
        std::sort(events.begin(), events.end(), [](const Event &a, const Event &b) {
            if (a.timeUs != b.timeUs)
                return a.timeUs < b.timeUs;
            if ((a.kind == Kind::Call) != (b.kind == Kind::Call))
                return a.kind == Kind::Call;
            return a.op < b.op;
        });
        const int count = static_cast<int>(events.size());
        m_next.resize(static_cast<std::size_t>(count) + 2);
        m_prev.resize(static_cast<std::size_t>(count) + 2);
        m_op.resize(static_cast<std::size_t>(count) + 2, none);
        m_kind.resize(static_cast<std::size_t>(count) + 2, Kind::End);
        m_tail = count + 1;
        for (int node = 0; node <= m_tail; ++node) {
            m_next[std::size_t(node)] = node + 1;
            m_prev[std::size_t(node)] = node - 1;
        }
        for (int i = 0; i < count; ++i) {
            const Event &event = events[std::size_t(i)];
            const auto node = std::size_t(i) + 1;
            m_op[node] = event.op;
            m_kind[node] = event.kind;
            if (event.kind != Kind::Call)
                m_closingNode[std::size_t(event.op)] = int(node);
            else
                m_callNode[std::size_t(event.op)] = int(node);
        }
    }

    static constexpr int none = -1;
    int first() const { return m_next[0]; }
    int next(int node) const { return m_next[std::size_t(node)]; }
    Kind kind(int node) const { return m_kind[std::size_t(node)]; }
    int op(int node) const { return m_op[std::size_t(node)]; }
    // The call event of the operation whose return or deadline event is `node`.
    int callOf(int node) const { return m_callNode[std::size_t(m_op[std::size_t(node)])]; }

    // Takes operation `call`'s events out of the list.
    void lift(int call)
    {
        unlink(call);
        if (const int closing = m_closingNode[std::size_t(m_op[std::size_t(call)])]; closing != none)
            unlink(closing);
    }
    // Puts them back; the exact reverse of the matching lift().
    void unlift(int call)
    {
        if (const int closing = m_closingNode[std::size_t(m_op[std::size_t(call)])]; closing != none)
            relink(closing);
        relink(call);
    }

private:
    void unlink(int node)
    {
        m_next[std::size_t(m_prev[std::size_t(node)])] = m_next[std::size_t(node)];
        m_prev[std::size_t(m_next[std::size_t(node)])] = m_prev[std::size_t(node)];
    }
    void relink(int node)
    {
        m_next[std::size_t(m_prev[std::size_t(node)])] = node;
        m_prev[std::size_t(m_next[std::size_t(node)])] = node;
    }

    std::vector<int> m_next;
    std::vector<int> m_prev;
    std::vector<int> m_op;
    std::vector<Kind> m_kind;
    std::vector<int> m_closingNode; // by operation: its return or deadline event, or none
    std::vector<int> m_callNode; // by operation
    int m_tail = 1;
};

} // namespace

namespace {

// Which failed cas operations could have met their expected value e at all in this history, a stricter
// test than KeyOp::expectReachable: the last write before the cas would have to be one of e (or, for
// e = nothing, no write at all), and every ok write of another value that completed before the cas
// began comes before that last write. So some write We of e must have begun before the cas completed and
// not have completed before any of those writes began. A failed cas that fails this test is explained
// by the ok writes alone and needs no unknown write.
std::vector<bool> failedCasThatMatter(const std::vector<KeyOp> &ops)
{
    std::vector<bool> matters(ops.size(), false);
    std::vector<std::size_t> failed;
    std::vector<std::size_t> forced; // ok writes
    int values = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const KeyOp &op = ops[i];
        values = std::max({values, op.value + 1, op.expect + 1});
        if (op.kind == OpKind::Cas && op.swapped == 0 && op.expectReachable)
            failed.push_back(i);
        if (op.required && mayWrite(op))
            forced.push_back(i);
    }
    if (failed.empty())
        return matters;
    // Writes of each value by invocation, with the latest completion among those invoked so far.
    std::vector<std::vector<std::pair<qint64, qint64>>> writesOf(std::size_t(values) + 1);
    for (const KeyOp &op : ops) {
        if (mayWrite(op))
            writesOf[std::size_t(op.value + 1)].emplace_back(op.invokeUs, op.completeUs);
    }
    for (auto &writes : writesOf) {
        std::sort(writes.begin(), writes.end());
        for (std::size_t w = 1; w < writes.size(); ++w)
            writes[w].second = std::max(writes[w].second, writes[w - 1].second);
    }
    const auto byComplete = [&ops](std::size_t a, std::size_t b) {
        return ops[a].completeUs < ops[b].completeUs;
    };
    const auto byInvoke = [&ops](std::size_t a, std::size_t b) {
        return ops[a].invokeUs < ops[b].invokeUs;
    };
    std::sort(forced.begin(), forced.end(), byComplete);
    std::sort(failed.begin(), failed.end(), byInvoke);
    // Sweeping the failed cas operations by invocation: among the forced writes completed before it, the
    // latest invocation, and the latest of a value other than that one's.
    LatestByValue forcedInvoked;
    std::size_t next = 0;
    for (const std::size_t f : failed) {
        const KeyOp &cas = ops[f];
        for (; next < forced.size() && ops[forced[next]].completeUs < cas.invokeUs; ++next)
            forcedInvoked.add(ops[forced[next]].invokeUs, ops[forced[next]].value);
        const qint64 mustFollow = forcedInvoked.latestExcept(cas.expect);
        if (cas.expect == absentValue && mustFollow == LatestByValue::none) {
            matters[f] = true; // the initial nothing may still be there
            continue;
        }
        const auto &writes = writesOf[std::size_t(cas.expect + 1)];
        const auto end = std::upper_bound(writes.begin(), writes.end(), std::pair(cas.completeUs, neverUs));
        matters[f] = end != writes.begin() && std::prev(end)->second >= mustFollow;
    }
    return matters;
}

} // namespace

UnknownWrites analyseUnknownWrites(const std::vector<KeyOp> &ops)
{
    const std::vector<bool> failedMatters = failedCasThatMatter(ops);
    // The latest completion of an operation that wants each value as the state before it (an ok get of
    // it, a cas expecting it), and of the two latest failed cas operations with different expected values
    // (a failed cas wants any value but its own, if its own could have been there at all).
    int values = 0;
    for (const KeyOp &op : ops)
        values = std::max({values, op.value + 1, op.expect + 1});
    constexpr qint64 nobody = std::numeric_limits<qint64>::min();
    std::vector<qint64> wantedUntil(std::size_t(values) + 1, nobody);
    std::vector<bool> expectedByFailedCas(std::size_t(values) + 1, false);
    const auto slot = [](int value) {
        return std::size_t(value + 1);
    };
    qint64 failedUntil = nobody;
    int failedExpect = absentValue;
    qint64 otherFailedUntil = nobody;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const KeyOp &op = ops[i];
        if (op.kind == OpKind::Get && op.required) {
            wantedUntil[slot(op.value)] = std::max(wantedUntil[slot(op.value)], op.completeUs);
        } else if (op.kind == OpKind::Cas && op.swapped != 0) {
            wantedUntil[slot(op.expect)] = std::max(wantedUntil[slot(op.expect)], op.completeUs);
        } else if (op.kind == OpKind::Cas) {
            expectedByFailedCas[slot(op.expect)] = true;
            if (!failedMatters[i])
                continue;
            if (op.completeUs > failedUntil) {
                if (op.expect != failedExpect)
                    otherFailedUntil = failedUntil;
                failedUntil = op.completeUs;
                failedExpect = op.expect;
            } else if (op.expect != failedExpect) {
                otherFailedUntil = std::max(otherFailedUntil, op.completeUs);
            }
        }
    }
    UnknownWrites unknown{std::vector<qint64>(ops.size(), neverUs), std::vector<bool>(ops.size(), false)};
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const KeyOp &op = ops[i];
        if (op.required || !mayWrite(op))
            continue;
        unknown.deadline[i] =
            std::max(wantedUntil[slot(op.value)], op.value != failedExpect ? failedUntil : otherFailedUntil);
        // Not wanted and not expected: the deadline is failedUntil for every one of them alike.
        unknown.interchangeable[i] = op.kind != OpKind::Cas && wantedUntil[slot(op.value)] == nobody &&
            !expectedByFailedCas[slot(op.value)];
    }
    return unknown;
}

SearchVerdict searchLinearization(const std::vector<KeyOp> &input, const SearchLimits &limits)
{
    // In invocation order, so that the order of interchangeable writes is their order in `ops`. Unknown
    // writes that nothing could observe leave before the search starts.
    std::vector<KeyOp> sorted = input;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const KeyOp &a, const KeyOp &b) { return a.invokeUs < b.invokeUs; });
    const UnknownWrites unknown = analyseUnknownWrites(sorted);
    std::vector<KeyOp> ops;
    std::vector<qint64> deadlines;
    std::vector<int> rank; // among the interchangeable writes; -1 for other operations
    ops.reserve(sorted.size());
    int requiredLeft = 0;
    int interchangeable = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (unknown.deadline[i] < sorted[i].invokeUs)
            continue;
        ops.push_back(sorted[i]);
        deadlines.push_back(unknown.deadline[i]);
        rank.push_back(unknown.interchangeable[i] ? interchangeable++ : -1);
        requiredLeft += sorted[i].required ? 1 : 0;
    }
    if (requiredLeft == 0)
        return SearchVerdict::Linearizable;
    if (limits.deadline.expired())
        return SearchVerdict::OutOfBudget;

    EventList list(ops, deadlines);
    // Ok operations and unknown ones are numbered apart: bit `slot[op]` of `requiredDecided` or of
    // `unknownDecided`. An operation is decided once linearized, or (an unknown write) left out. The
    // interchangeable writes decided are always the first `interchangeableDecided` of them.
    std::vector<std::size_t> slot(ops.size());
    std::size_t requiredCount = 0;
    std::size_t unknownCount = 0;
    for (std::size_t i = 0; i < ops.size(); ++i)
        slot[i] = ops[i].required ? requiredCount++ : unknownCount++;
    std::vector<std::uint64_t> zobrist(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i)
        zobrist[i] = mix64(0x9E3779B97F4A7C15ULL * (i + 1));
    std::vector<std::uint64_t> requiredDecided((requiredCount + 63) / 64, 0);
    std::vector<std::uint64_t> unknownDecided((unknownCount + 63) / 64, 0);
    std::uint64_t requiredHash = 0;
    std::uint64_t unknownHash = 0;
    int interchangeableDecided = 0;
    const auto flip = [&](int op, int direction) {
        const std::size_t bit = slot[std::size_t(op)];
        if (ops[std::size_t(op)].required) {
            requiredDecided[bit / 64] ^= std::uint64_t(1) << (bit % 64);
            requiredHash ^= zobrist[std::size_t(op)];
        } else {
            unknownDecided[bit / 64] ^= std::uint64_t(1) << (bit % 64);
            unknownHash ^= zobrist[std::size_t(op)];
        }
        if (rank[std::size_t(op)] >= 0)
            interchangeableDecided += direction;
    };
    const auto mayDecide = [&](int op) {
        return rank[std::size_t(op)] < 0 || rank[std::size_t(op)] == interchangeableDecided;
    };
    VisitedSet visited(requiredDecided.size(), unknownDecided.size());

    // The candidates of a configuration (the calls before the first return or deadline) are tried in two
    // passes: ok operations first, then unknown ones. Any order of trying them is complete; this one finds
    // an order quickly when the unknown writes are rarely needed, the usual case, instead of wandering
    // through the orders that apply them early for nothing.
    bool unknownPass = false;
    struct Choice
    {
        int call; // the call event of the operation decided
        int stateBefore;
        std::int32_t configuration; // the one it led to, in `visited`
        bool leftOut; // an unknown write left out at its deadline, rather than linearized
        bool unknownPass; // the pass it was decided in
    };
    std::vector<Choice> choices;
    int state = absentValue;
    int node = list.first();
    // Decides operation `call` (linearized, moving to `after`, or left out), unless that configuration was
    // explored already.
    const auto decide = [&](int call, int after, bool leftOut) {
        const int op = list.op(call);
        flip(op, +1);
        const std::int32_t configuration =
            visited.enter(requiredDecided, requiredHash, after, unknownDecided, unknownHash);
        if (configuration == VisitedSet::known) {
            flip(op, -1);
            return false;
        }
        choices.push_back({call, state, configuration, leftOut, unknownPass});
        state = after;
        list.lift(call);
        requiredLeft -= ops[std::size_t(op)].required ? 1 : 0;
        node = list.first();
        unknownPass = false;
        return true;
    };
    for (std::uint64_t steps = 1;; ++steps) {
        if (requiredLeft == 0)
            return SearchVerdict::Linearizable;
        if (steps % 4096 == 0 && (limits.deadline.expired() || visited.bytes() > limits.memoBytes))
            return SearchVerdict::OutOfBudget;
        const EventList::Kind kind = list.kind(node);
        if (kind == EventList::Kind::Call) {
            const int op = list.op(node);
            int after = state;
            if (ops[std::size_t(op)].required == unknownPass || !mayDecide(op) ||
                !applyOp(ops[std::size_t(op)], state, after) || !decide(node, after, false))
                node = list.next(node);
            continue;
        }
        if (!unknownPass && unknownCount > 0) {
            unknownPass = true;
            node = list.first();
            continue;
        }
        // An unknown write's deadline: every candidate before it was tried, so it is left out now, or
        // (that configuration explored already) this branch is done, as at a return.
        if (kind == EventList::Kind::Deadline && mayDecide(list.op(node)) &&
            decide(list.callOf(node), state, true))
            continue;
        // A return (or the end): the operation it closes cannot be linearized in this branch. Undo the
        // last choice and try the candidates after it; a left-out write had no candidates after it.
        for (;;) {
            if (choices.empty())
                return SearchVerdict::NotLinearizable;
            const Choice last = choices.back();
            choices.pop_back();
            visited.failed(last.configuration);
            const int op = list.op(last.call);
            state = last.stateBefore;
            flip(op, -1);
            list.unlift(last.call);
            requiredLeft += ops[std::size_t(op)].required ? 1 : 0;
            if (!last.leftOut) {
                node = list.next(last.call);
                unknownPass = last.unknownPass;
                break;
            }
        }
    }
}

} // namespace raftlab::check
