#pragma once

#include <QtGlobal>

#include <cstddef>
#include <utility>
#include <vector>

namespace raftlab {

// A fixed-capacity FIFO: push() at the back, and once full every push overwrites the oldest value.
// The storage is allocated once (lazily, on the first push), so an hour of events never grows memory.
// Index 0 is the oldest value, size() - 1 the newest.
template<typename T>
class RingBuffer
{
public:
    explicit RingBuffer(std::size_t capacity)
        : m_capacity(capacity > 0 ? capacity : 1)
    { }

    std::size_t capacity() const { return m_capacity; }
    std::size_t size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    bool isFull() const { return m_size == m_capacity; }

    // Appends `value`; returns true when the oldest value was overwritten to make room.
    bool push(T value)
    {
        if (m_storage.size() < m_capacity) {
            m_storage.push_back(std::move(value));
            ++m_size;
            return false;
        }
        const std::size_t slot = (m_head + m_size) % m_capacity;
        m_storage[slot] = std::move(value);
        if (m_size < m_capacity) {
            ++m_size;
            return false;
        }
        m_head = (m_head + 1) % m_capacity;
        return true;
    }

    // Removes the oldest value. Precondition: not empty.
    void popFront()
    {
        Q_ASSERT(m_size > 0);
        m_storage[m_head] = T{};
        m_head = (m_head + 1) % m_capacity;
        --m_size;
    }

    const T &at(std::size_t i) const
    {
        Q_ASSERT(i < m_size);
        return m_storage[(m_head + i) % m_capacity];
    }
    T &at(std::size_t i)
    {
        Q_ASSERT(i < m_size);
        return m_storage[(m_head + i) % m_capacity];
    }
    const T &front() const { return at(0); }
    const T &back() const { return at(m_size - 1); }
    T &back() { return at(m_size - 1); }

    void clear()
    {
        m_storage.clear();
        m_head = 0;
        m_size = 0;
    }

    // Calls f(value) from the oldest to the newest.
    template<typename F>
    void forEach(F &&f) const
    {
        for (std::size_t i = 0; i < m_size; ++i)
            f(at(i));
    }

private:
    std::vector<T> m_storage;
    std::size_t m_capacity = 1;
    std::size_t m_head = 0;
    std::size_t m_size = 0;
};

} // namespace raftlab
