#pragma once

// The compare-and-swap condition of a write (PUT or DELETE /kv/{key}), read from the query string:
//   ?if_value=V    apply only if the key holds exactly V (form-encoded bytes: %XX escapes, '+' a space)
//   ?if_absent=true    apply only if the key is absent (PUT only)
// The condition travels inside the log entry and is evaluated when the entry is applied (see
// node/kvstore.h), so every node decides it alike, at the entry's place in the log.

#include "node/kvstore.h"
#include "pendingrequests.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace raftlab {

struct WriteCondition
{
    KvCondition kind = KvCondition::None;
    QByteArray expected{}; // KvCondition::IfValue only

    bool isSet() const { return kind != KvCondition::None; }
};

enum class WriteKind { Put, Delete };

// Reads the condition of a write to /kv/{key} from its query (percent-encoded, without the '?'; empty
// when there is none) into `out`. Returns why the query is
// unusable (an unknown parameter, which would otherwise turn a mistyped compare-and-swap into a plain
// write; a parameter given twice; both conditions at once; if_absent on a delete), or empty.
QString parseWriteCondition(const QByteArray &encodedQuery, WriteKind kind, WriteCondition &out);

// The log command for a write of `value` (nullopt: a delete) under `condition`.
QByteArray encodeWrite(const QByteArray &key, const std::optional<QByteArray> &value,
                       const WriteCondition &condition);

// 412 {"error":"compare_failed","message":...,"index":N,"term":T}: the entry was applied at `index` but
// its condition did not hold, so nothing changed.
PendingRequests::Answer compareFailedAnswer(const WriteCondition &condition, WriteKind kind,
                                            std::uint64_t index, std::uint64_t term);

} // namespace raftlab
