#pragma once

// Strong types for the protocol's numbers, so a term is never passed where an index is expected.
// Pure: used by the core, storage, transport and GUI alike.

// <QtGlobal> first: Qt 6.4's moc reads this header whenever a Q_OBJECT class includes it, and fails to
// parse libstdc++'s <compare> unless a Qt header (and the standard headers it brings) came before.
#include <QtGlobal>

#include <compare>
#include <cstdint>
#include <functional>

namespace raftlab {

// A node's id in the cluster file: 1, 2, 3, ... `NodeId{}` (0) means "nobody" (no vote, no leader).
struct NodeId
{
    std::uint32_t value = 0;

    constexpr NodeId() = default;
    constexpr explicit NodeId(std::uint32_t v)
        : value(v)
    { }
    constexpr bool isNone() const { return value == 0; }
    constexpr auto operator<=>(const NodeId &) const = default;
};

// Raft's currentTerm and the terms of entries. Term{} (0) is the term before any election.
struct Term
{
    std::uint64_t value = 0;

    constexpr Term() = default;
    constexpr explicit Term(std::uint64_t v)
        : value(v)
    { }
    constexpr Term next() const { return Term(value + 1); }
    constexpr auto operator<=>(const Term &) const = default;
};

// A position in the log, from 1. LogIndex{} (0) is "before the first entry".
struct LogIndex
{
    std::uint64_t value = 0;

    constexpr LogIndex() = default;
    constexpr explicit LogIndex(std::uint64_t v)
        : value(v)
    { }
    constexpr LogIndex next() const { return LogIndex(value + 1); }
    constexpr LogIndex previous() const { return LogIndex(value - 1); }
    constexpr auto operator<=>(const LogIndex &) const = default;

    friend constexpr LogIndex operator+(LogIndex index, std::uint64_t count)
    {
        return LogIndex(index.value + count);
    }
    friend constexpr LogIndex operator-(LogIndex index, std::uint64_t count)
    {
        return LogIndex(index.value - count);
    }
    // Number of entries in [from, to): 0 when to <= from.
    friend constexpr std::uint64_t distance(LogIndex from, LogIndex to)
    {
        return to.value > from.value ? to.value - from.value : 0;
    }
};

} // namespace raftlab

template<>
struct std::hash<raftlab::NodeId>
{
    std::size_t operator()(raftlab::NodeId id) const noexcept { return std::hash<std::uint32_t>{}(id.value); }
};
