#pragma once

// raftlab-check [--budget-s S] HISTORY.jsonl...: whether each client history (JSON Lines, see
// check/historyjson.h) is linearizable for the key-value model.
//
// Every file is read first: a bad line stops everything before any check (exit 2, naming the file, the
// line and the field). Then each history is checked and gets its report on stdout:
//   exit 0  every history is linearizable (one summary line each)
//   exit 1  some history is not: its key, the smallest set of operations that admit no order (one line
//           each: its line number and the line as in the file), and a sentence saying why
//   exit 4  none is shown wrong, but some could not be decided within the budget
//   exit 2  a bad flag, a missing or unreadable file, a bad line (one line on stderr)

#include <QStringList>
#include <QTextStream>

namespace raftlab::check {

enum ExitCode : int {
    Linearizable = 0,
    NotLinearizable = 1,
    BadInput = 2,
    Undecided = 4,
};

// Runs the tool with `arguments` (argv, program name first); returns the exit status.
int runCheckCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace raftlab::check
