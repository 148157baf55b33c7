#pragma once

// A client history: every operation the clients of one run sent to the store, in the order they were
// invoked. A recorder builds it as things happen (invoke() when a request leaves, one complete...() when
// its answer arrives, nothing for a request that never got one); a reader builds it from a file
// (historyjson.h); the checker reads it (linearizability.h).

#include "operation.h"

#include <vector>

namespace raftlab::check {

class History
{
public:
    using Id = qsizetype; // an index into operations()

    History() = default;
    explicit History(std::vector<Operation> operations)
        : m_operations(std::move(operations))
    { }

    // A request leaves: `operation` carries client, kind, key, invokeUs and, for a put or a cas, value and
    // expect. Its outcome is Unknown until a complete...() call says otherwise, so a request that never
    // gets an answer (the client gave up, the run ended) is recorded truthfully as it is.
    Id invoke(Operation operation);
    // The answer arrived. Exactly one of these per invoked operation, matching its kind.
    void completeWrite(Id id, qint64 completeUs); // put or delete applied
    void completeGet(Id id, qint64 completeUs, std::optional<QString> value); // nullopt: not found
    void completeCas(Id id, qint64 completeUs, bool swapped);
    void completeFailed(Id id, qint64 completeUs); // certainly not applied
    void completeUnknown(Id id, qint64 completeUs); // answered, but the answer cannot tell (a timeout)

    // A whole operation, already complete (or Unknown).
    void append(Operation operation) { m_operations.push_back(std::move(operation)); }

    const std::vector<Operation> &operations() const { return m_operations; }
    const Operation &at(Id id) const { return m_operations.at(static_cast<std::size_t>(id)); }
    qsizetype size() const { return static_cast<qsizetype>(m_operations.size()); }
    bool isEmpty() const { return m_operations.empty(); }

    friend bool operator==(const History &, const History &) = default;

private:
    // The operation `id`, which must be invoked and not yet completed, and of one of `kinds`.
    Operation &pending(Id id, std::initializer_list<OpKind> kinds, const char *caller);

    std::vector<Operation> m_operations;
};

} // namespace raftlab::check
