#pragma once

#include "entry.h"

#include <deque>
#include <vector>

namespace raftlab {

// Entries taken off the front of a log, in the chunks they were held in: for the caller to free where it
// likes, without first copying them into one vector.
using DroppedEntries = std::vector<Entries>;

// The in-memory log's entries, held in chunks of a fixed number of entries. Appending never moves the
// entries already held: one vector that grows past a million entries moves all of them and faults in
// twice their memory at once, 40-80 ms on an idle core and 80-330 ms on a loaded one, with the event
// loop blocked (a leader between two snapshots of a big store holds that many). Dropping a prefix hands
// back whole chunks, without moving what stays.
//
// Every chunk but the last holds exactly `chunkSize` entries; the first `m_front` of the first chunk were
// dropped (moved from) and are not counted.
class ChunkedEntries
{
public:
    static constexpr std::size_t chunkSize = 4096;

    ChunkedEntries() = default;
    explicit ChunkedEntries(Entries entries);
    // A copy holds the entries only, not the dropped places before them (a simulated cluster copies
    // every node's log at each checkpoint).
    ChunkedEntries(const ChunkedEntries &other);
    ChunkedEntries &operator=(const ChunkedEntries &other);
    ChunkedEntries(ChunkedEntries &&) noexcept = default;
    ChunkedEntries &operator=(ChunkedEntries &&) noexcept = default;
    ~ChunkedEntries() = default;

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const Entry &operator[](std::size_t offset) const
    {
        const std::size_t position = m_front + offset;
        return m_chunks[position / chunkSize][position % chunkSize];
    }
    const Entry &back() const { return (*this)[m_size - 1]; }
    // Calls `visit` on each entry in order while it returns true; says whether it always did. A walk
    // chunk by chunk, for RaftLog::check(), which the simulator's safety checker runs on every node's
    // whole log at every step.
    template<typename Visit>
    bool allOf(Visit visit) const
    {
        std::size_t skipped = m_front;
        for (const Entries &chunk : m_chunks) {
            for (auto entry = chunk.begin() + static_cast<std::ptrdiff_t>(skipped); entry != chunk.end();
                 ++entry) {
                if (!visit(*entry))
                    return false;
            }
            skipped = 0;
        }
        return true;
    }

    void push_back(Entry entry);
    // Keeps the first `count` entries.
    void truncate(std::size_t count);
    void clear();
    // Removes the first `count` entries and returns them. Moves none of the entries that stay, and of the
    // dropped ones only those sharing a chunk with the first entry kept (fewer than `chunkSize`).
    DroppedEntries dropFront(std::size_t count);

private:
    std::deque<Entries> m_chunks;
    std::size_t m_front = 0;
    std::size_t m_size = 0;
};

} // namespace raftlab
