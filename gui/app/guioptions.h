#pragma once

#include "node/nodeoptions.h"

#include <QString>

namespace raftlab {

// What `raftlab` was asked to do (INTERFACE.md, "raftlab").
struct GuiOptions
{
    static constexpr int defaultNodeCount = 5;
    static constexpr int maxNodeCount = 9;

    int nodeCount = defaultNodeCount;
    QString workspaceDir; // empty: a fresh temporary workspace
    QString attachFile; // non-empty: show nodes someone else runs instead of spawning
};

using GuiCommandLine = CommandLine<GuiOptions>;

// Pure: no QApplication needed, nothing printed. `arguments` includes argv[0].
GuiCommandLine parseGuiCommandLine(const QStringList &arguments);

} // namespace raftlab
