#pragma once

#include "guioptions.h"

#include <QMainWindow>

namespace raftlab {

// The app's one window. The cluster view, logs, charts, narration and controls are added to it as
// they are built (DESIGN.md, layer 6).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const GuiOptions &options, QWidget *parent = nullptr);

    // A line that says which cluster this window is about, shown in the title and status bar.
    static QString clusterDescription(const GuiOptions &options);
};

} // namespace raftlab
