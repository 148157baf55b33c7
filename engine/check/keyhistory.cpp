#include "keyhistory.h"

#include <QHash>

#include <algorithm>

namespace raftlab::check {

namespace {

class KeyBuilder
{
public:
    explicit KeyBuilder(const QString &key) { m_history.key = key; }

    void add(const Operation &operation, qsizetype source)
    {
        ++m_history.recorded;
        if (operation.result == OpResult::Fail)
            return; // never took effect
        if (operation.result == OpResult::Unknown && operation.kind == OpKind::Get)
            return; // reported nothing and changes nothing
        KeyOp op;
        op.kind = operation.kind;
        op.required = operation.result == OpResult::Ok;
        op.invokeUs = operation.invokeUs;
        op.completeUs = op.required && operation.completeUs ? *operation.completeUs : neverUs;
        op.source = source;
        if (operation.kind != OpKind::Delete)
            op.value = intern(operation.value);
        if (operation.kind == OpKind::Cas) {
            op.expect = intern(operation.expect);
            if (op.required)
                op.swapped = operation.swapped.value_or(false) ? 1 : 0;
        }
        m_history.ops.push_back(op);
    }

    KeyHistory take()
    {
        // The earliest invocation of a write of each value, to tell which failed cas operations could
        // have met their expected value at all.
        std::vector<qint64> firstWriteUs(m_history.values.size(), neverUs);
        for (const KeyOp &op : m_history.ops) {
            if (mayWrite(op) && op.value != absentValue)
                firstWriteUs[std::size_t(op.value)] =
                    std::min(firstWriteUs[std::size_t(op.value)], op.invokeUs);
        }
        for (KeyOp &op : m_history.ops) {
            if (op.kind == OpKind::Cas && op.expect != absentValue)
                op.expectReachable = firstWriteUs[std::size_t(op.expect)] <= op.completeUs;
        }
        return std::move(m_history);
    }

private:
    int intern(const std::optional<QString> &value)
    {
        if (!value)
            return absentValue;
        const auto found = m_ids.constFind(*value);
        if (found != m_ids.constEnd())
            return *found;
        const int id = static_cast<int>(m_history.values.size());
        m_history.values.push_back(*value);
        m_ids.insert(*value, id);
        return id;
    }

    KeyHistory m_history;
    QHash<QString, int> m_ids;
};

} // namespace

std::vector<KeyHistory> splitByKey(const History &history)
{
    std::vector<KeyBuilder> builders;
    QHash<QString, std::size_t> index;
    const std::vector<Operation> &operations = history.operations();
    for (std::size_t i = 0; i < operations.size(); ++i) {
        const Operation &operation = operations[i];
        auto found = index.constFind(operation.key);
        if (found == index.constEnd()) {
            found = index.insert(operation.key, builders.size());
            builders.emplace_back(operation.key);
        }
        builders[*found].add(operation, static_cast<qsizetype>(i));
    }
    std::vector<KeyHistory> keys;
    keys.reserve(builders.size());
    for (KeyBuilder &builder : builders)
        keys.push_back(builder.take());
    return keys;
}

} // namespace raftlab::check
