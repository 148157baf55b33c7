#include "operation.h"

namespace raftlab::check {

QString opKindName(OpKind kind)
{
    switch (kind) {
    case OpKind::Put:
        return QStringLiteral("put");
    case OpKind::Get:
        return QStringLiteral("get");
    case OpKind::Delete:
        return QStringLiteral("delete");
    case OpKind::Cas:
        return QStringLiteral("cas");
    }
    return QString();
}

std::optional<OpKind> opKindFromName(const QString &name)
{
    for (const OpKind kind : {OpKind::Put, OpKind::Get, OpKind::Delete, OpKind::Cas}) {
        if (name == opKindName(kind))
            return kind;
    }
    return std::nullopt;
}

QString opResultName(OpResult result)
{
    switch (result) {
    case OpResult::Ok:
        return QStringLiteral("ok");
    case OpResult::Fail:
        return QStringLiteral("fail");
    case OpResult::Unknown:
        return QStringLiteral("unknown");
    }
    return QString();
}

std::optional<OpResult> opResultFromName(const QString &name)
{
    for (const OpResult result : {OpResult::Ok, OpResult::Fail, OpResult::Unknown}) {
        if (name == opResultName(result))
            return result;
    }
    return std::nullopt;
}

} // namespace raftlab::check
