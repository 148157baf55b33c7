#include "chunkedentries.h"

#include <algorithm>
#include <iterator>

namespace raftlab {

ChunkedEntries::ChunkedEntries(Entries entries)
{
    for (Entry &entry : entries)
        push_back(std::move(entry));
}

ChunkedEntries::ChunkedEntries(const ChunkedEntries &other)
    : m_size(other.m_size)
{
    for (std::size_t offset = 0; offset < other.m_size; offset += chunkSize) {
        const std::size_t count = std::min(chunkSize, other.m_size - offset);
        Entries &chunk = m_chunks.emplace_back();
        chunk.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            chunk.push_back(other[offset + i]);
    }
}

ChunkedEntries &ChunkedEntries::operator=(const ChunkedEntries &other)
{
    if (this != &other)
        *this = ChunkedEntries(other);
    return *this;
}

void ChunkedEntries::push_back(Entry entry)
{
    if (m_chunks.empty() || m_chunks.back().size() == chunkSize) {
        m_chunks.emplace_back();
        // A small log (the simulator's, a test's) grows its only chunk as a vector would; a long one
        // gets each further chunk whole at once.
        if (m_chunks.size() > 1)
            m_chunks.back().reserve(chunkSize);
    }
    m_chunks.back().push_back(std::move(entry));
    ++m_size;
}

void ChunkedEntries::truncate(std::size_t count)
{
    if (count >= m_size)
        return;
    if (count == 0) {
        clear();
        return;
    }
    const std::size_t positions = m_front + count;
    const std::size_t chunksKept = (positions + chunkSize - 1) / chunkSize;
    m_chunks.resize(chunksKept);
    m_chunks.back().resize(positions - (chunksKept - 1) * chunkSize);
    m_size = count;
}

void ChunkedEntries::clear()
{
    m_chunks.clear();
    m_front = 0;
    m_size = 0;
}

DroppedEntries ChunkedEntries::dropFront(std::size_t count)
{
    DroppedEntries dropped;
    count = std::min(count, m_size);
    while (count > 0) {
        Entries &first = m_chunks.front();
        const std::size_t held = first.size() - m_front;
        const auto from = first.begin() + static_cast<std::ptrdiff_t>(m_front);
        if (count < held) {
            dropped.emplace_back(std::make_move_iterator(from),
                                 std::make_move_iterator(from + static_cast<std::ptrdiff_t>(count)));
            m_front += count;
            m_size -= count;
            break;
        }
        first.erase(first.begin(), from); // entries dropped before: moved from, nothing to hand back
        dropped.push_back(std::move(first));
        m_chunks.pop_front();
        m_front = 0;
        m_size -= held;
        count -= held;
    }
    return dropped;
}

} // namespace raftlab
