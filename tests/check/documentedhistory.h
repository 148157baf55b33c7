#pragma once

// The example history of docs/histories.md, verbatim: four operations on one key by four clients, one of
// them with an unknown outcome. It is linearizable; tests read it, write it back and check it.

#include <QByteArray>

namespace raftlab::check::testing {

inline const QByteArray documentedHistory =
    R"({"client":3,"op":"put","key":"k","value":"v","invoke_us":1200,"complete_us":1900,"result":"ok"}
{"client":1,"op":"get","key":"k","value":null,"invoke_us":1300,"complete_us":1500,"result":"ok"}
{"client":2,"op":"cas","key":"k","expect":"v","value":"w","swapped":false,"invoke_us":1400,"complete_us":2100,"result":"ok"}
{"client":4,"op":"delete","key":"k","invoke_us":2000,"complete_us":null,"result":"unknown"}
)";

} // namespace raftlab::check::testing
