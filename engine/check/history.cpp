#include "history.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace raftlab::check {

namespace {

[[noreturn]] void misuse(const char *caller, History::Id id, const char *what)
{
    // A recorder calling these out of turn is a programmer error: stop with context.
    std::fprintf(stderr, "raftlab.check: History::%s(%lld): %s\n", caller, static_cast<long long>(id), what);
    std::abort();
}

} // namespace

History::Id History::invoke(Operation operation)
{
    operation.result = OpResult::Unknown;
    operation.completeUs.reset();
    operation.swapped.reset();
    if (operation.kind == OpKind::Get || operation.kind == OpKind::Delete)
        operation.value.reset();
    if (operation.kind != OpKind::Cas)
        operation.expect.reset();
    m_operations.push_back(std::move(operation));
    return size() - 1;
}

Operation &History::pending(Id id, std::initializer_list<OpKind> kinds, const char *caller)
{
    if (id < 0 || id >= size())
        misuse(caller, id, "no such operation");
    Operation &operation = m_operations[static_cast<std::size_t>(id)];
    if (operation.result != OpResult::Unknown || operation.completeUs)
        misuse(caller, id, "the operation is complete already");
    if (std::find(kinds.begin(), kinds.end(), operation.kind) == kinds.end())
        misuse(caller, id, "the operation is of another kind");
    return operation;
}

void History::completeWrite(Id id, qint64 completeUs)
{
    Operation &operation = pending(id, {OpKind::Put, OpKind::Delete}, "completeWrite");
    operation.completeUs = completeUs;
    operation.result = OpResult::Ok;
}

void History::completeGet(Id id, qint64 completeUs, std::optional<QString> value)
{
    Operation &operation = pending(id, {OpKind::Get}, "completeGet");
    operation.completeUs = completeUs;
    operation.value = std::move(value);
    operation.result = OpResult::Ok;
}

void History::completeCas(Id id, qint64 completeUs, bool swapped)
{
    Operation &operation = pending(id, {OpKind::Cas}, "completeCas");
    operation.completeUs = completeUs;
    operation.swapped = swapped;
    operation.result = OpResult::Ok;
}

void History::completeFailed(Id id, qint64 completeUs)
{
    Operation &operation =
        pending(id, {OpKind::Put, OpKind::Get, OpKind::Delete, OpKind::Cas}, "completeFailed");
    operation.completeUs = completeUs;
    operation.result = OpResult::Fail;
}

void History::completeUnknown(Id id, qint64 completeUs)
{
    Operation &operation =
        pending(id, {OpKind::Put, OpKind::Get, OpKind::Delete, OpKind::Cas}, "completeUnknown");
    operation.completeUs = completeUs;
    operation.result = OpResult::Unknown;
}

} // namespace raftlab::check
