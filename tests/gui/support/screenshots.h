#pragma once

// Where GUI tests write the PNGs they take: into RAFTLAB_SCREENSHOT_DIR when it is set (to look at them,
// or to refresh resources/screenshots), else into a temporary directory of the test process, removed
// when it exits. A test writes nowhere else: /tmp is shared by every run on the machine.

#include <QDir>
#include <QTemporaryDir>
#include <QWidget>

namespace raftlab::testing {

// True when whoever runs the test asked to keep its screenshots.
inline bool screenshotsRequested()
{
    return !qEnvironmentVariableIsEmpty("RAFTLAB_SCREENSHOT_DIR");
}

// Where `fileName` goes (its directory created): under RAFTLAB_SCREENSHOT_DIR, or in the process's
// temporary directory.
inline QString screenshotPath(const QString &fileName)
{
    QString dir = qEnvironmentVariable("RAFTLAB_SCREENSHOT_DIR");
    if (dir.isEmpty()) {
        static const QTemporaryDir temporary;
        if (!temporary.isValid())
            qFatal("cannot create a temporary directory: %s", qPrintable(temporary.errorString()));
        dir = temporary.path();
    }
    QDir().mkpath(dir);
    return QDir(dir).filePath(fileName);
}

// Saves what `widget` shows as `fileName` (a .png); false if it could not be written.
inline bool saveScreenshot(QWidget &widget, const QString &fileName)
{
    return widget.grab().save(screenshotPath(fileName));
}

} // namespace raftlab::testing
