#pragma once

// ProcessState: what a node's process is doing, as whoever runs it says: the supervisor of real
// processes (gui/cluster), or the simulated cluster. The ring draws a node from it (a killed node is
// grey, a frozen one blue-striped); it lives in the model so that the views read it without knowing
// who runs the nodes.

#include <QMetaType>

namespace raftlab {

enum class ProcessState {
    Starting, // the process runs; its HTTP API does not answer yet
    Running, // its HTTP API answered /status with this process's pid
    Killed, // by us (kill, reset, stopAll): the process is gone and reaped
    Frozen, // SIGSTOP: alive, holding its sockets, answering nothing
    Exited, // it ended by itself (or someone else killed it)
    External, // attached: not a process of ours
};

} // namespace raftlab

Q_DECLARE_METATYPE(raftlab::ProcessState)
