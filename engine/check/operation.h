#pragma once

// One client operation on the replicated key-value store, as the client saw it: what it asked, when it
// asked (invoke), when the answer came (complete), and what the answer said. A history is a list of these
// (history.h); the checker decides whether some order of them explains every answer (linearizability.h).

#include <QString>
#include <QtGlobal>

#include <cstdint>
#include <optional>

namespace raftlab::check {

enum class OpKind : std::uint8_t {
    Put, // value written
    Get, // value read (nullopt: not found)
    Delete,
    Cas, // if the key holds `expect` (nullopt: absent), set it to `value` (nullopt: delete it)
};

enum class OpResult : std::uint8_t {
    Ok, // completed, with the output given
    Fail, // certainly not applied: refused before it reached the log
    Unknown, // may take effect at any time after invokeUs, or never; no output
};

struct Operation
{
    qint64 client = 0;
    OpKind kind = OpKind::Get;
    QString key{};
    // put: the value written. get: the value read when Ok (nullopt: not found). cas: the value set when
    // the comparison holds (nullopt: the key is deleted, a compare-and-delete). delete: always nullopt.
    std::optional<QString> value{};
    std::optional<QString> expect{}; // cas only: the value compared with (nullopt: the key must be absent)
    std::optional<bool> swapped{}; // cas only, when Ok: whether the comparison held
    qint64 invokeUs = 0; // microseconds on one monotonic clock shared by every client
    std::optional<qint64> completeUs{}; // nullopt: never answered (then the result is Unknown)
    OpResult result = OpResult::Unknown;

    friend bool operator==(const Operation &, const Operation &) = default;
};

// "put", "get", "delete", "cas" and back; nullopt for any other name.
QString opKindName(OpKind kind);
std::optional<OpKind> opKindFromName(const QString &name);
// "ok", "fail", "unknown" and back.
QString opResultName(OpResult result);
std::optional<OpResult> opResultFromName(const QString &name);

} // namespace raftlab::check
