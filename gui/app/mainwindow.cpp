#include "mainwindow.h"

#include <QLabel>
#include <QStatusBar>

namespace raftlab {

MainWindow::MainWindow(const GuiOptions &options, QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("RaftLab — %1").arg(clusterDescription(options)));
    auto *placeholder = new QLabel(
        QStringLiteral("<h1>RaftLab</h1><p>%1</p><p>This build does not draw the cluster yet: run the nodes "
                       "by hand (README, \"A 3-node cluster by hand\") while the live view, logs and charts "
                       "are being built.</p>")
            .arg(clusterDescription(options).toHtmlEscaped()),
        this);
    placeholder->setObjectName(QStringLiteral("placeholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    statusBar()->showMessage(clusterDescription(options));
    resize(1280, 800);
}

QString MainWindow::clusterDescription(const GuiOptions &options)
{
    if (!options.attachFile.isEmpty())
        return QStringLiteral("attached to the cluster in %1").arg(options.attachFile);
    const QString nodes = options.nodeCount == 1 ? QStringLiteral("1 local node")
                                                 : QStringLiteral("%1 local nodes").arg(options.nodeCount);
    if (options.workspaceDir.isEmpty())
        return nodes + QStringLiteral(" in a fresh workspace");
    return nodes + QStringLiteral(" in workspace %1").arg(options.workspaceDir);
}

} // namespace raftlab
