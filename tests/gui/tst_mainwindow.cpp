#include "app/mainwindow.h"

#include <QLabel>
#include <QStatusBar>
#include <QTest>

using namespace raftlab;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsWhichClusterItIsAbout();
    void rendersOffscreen();
};

void TestMainWindow::showsWhichClusterItIsAbout()
{
    GuiOptions options;
    options.nodeCount = 3;
    options.workspaceDir = QStringLiteral("/tmp/class");
    MainWindow window(options);
    QVERIFY2(window.windowTitle().contains(QStringLiteral("3 local nodes in workspace /tmp/class")),
             qPrintable(window.windowTitle()));
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("3 local nodes")));

    GuiOptions attached;
    attached.attachFile = QStringLiteral("remote.json");
    QVERIFY(MainWindow::clusterDescription(attached).contains(QStringLiteral("attached")));
}

void TestMainWindow::rendersOffscreen()
{
    MainWindow window(GuiOptions{});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QImage image = window.grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY2(image.width() >= 800 && image.height() >= 600, "the window opens at a usable size");
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("placeholder")) != nullptr);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
