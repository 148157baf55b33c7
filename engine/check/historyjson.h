#pragma once

// Histories as JSON Lines: one operation per line, in the order of invocation.
//
//   {"client":3,"op":"put","key":"k","value":"v","invoke_us":1200,"complete_us":1900,"result":"ok"}
//   {"client":1,"op":"get","key":"k","value":null,"invoke_us":1300,"complete_us":1500,"result":"ok"}
//   {"client":2,"op":"cas","key":"k","expect":"v","value":"w","swapped":false,"invoke_us":1400,"complete_us":2100,"result":"ok"}
//   {"client":4,"op":"delete","key":"k","invoke_us":2000,"complete_us":null,"result":"unknown"}
//
// Fields: client (whole number >= 0); op (put, get, delete, cas); key (non-empty string); value (put: the
// string written; get: the string read, null = not found, required when the get is ok; cas: the string
// set, null = delete the key; delete: none); expect (cas only: the string compared with, null = absent);
// swapped (cas only: true or false when ok, else null or left out); invoke_us and complete_us (whole
// microseconds on one monotonic clock; complete_us >= invoke_us, required when ok, null when never
// answered); result (ok, fail, unknown). Fields of other names are ignored, so that a recorder may add
// its own (a node id, an error text). Blank lines are skipped.

#include "history.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>
#include <vector>

namespace raftlab::check {

// What is wrong with a line, precisely enough to fix it.
struct HistoryError
{
    qsizetype line = 0; // 1-based
    QString field{}; // empty: the line as a whole
    QString message{};

    // "line 3: complete_us: earlier than invoke_us" (or "line 3: not a JSON object: ...").
    QString toString() const;
};

// One line, without its newline, into `out`; the error's line number is left 0.
std::optional<HistoryError> operationFromJsonLine(QByteArrayView line, Operation &out);

// Every line of `text` appended to `out`, stopping at the first bad one. `lineNumbers`, when given,
// receives the line of each operation appended.
std::optional<HistoryError> readJsonLines(const QByteArray &text, History &out,
                                          std::vector<qsizetype> *lineNumbers = nullptr);

// One operation as one line, newline included; fields in the order shown above.
QByteArray toJsonLine(const Operation &operation);
QByteArray toJsonLines(const History &history);

} // namespace raftlab::check
