#pragma once

// HowToReadDialog: Help › How to read this screen. Every part of the window in plain words (the ring,
// the messages, the logs with next/match, the charts, PreVote and CheckQuorum, the status bar, the
// feed, projector and presentation), each beside a small picture taken from the window's own widgets
// as they are now, so the picture shows what the words describe.

#include <QDialog>
#include <QImage>

#include <map>

class QTextBrowser;

namespace raftlab {

class HowToReadDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HowToReadDialog)

public:
    // The sections that take a picture, by name; a missing picture leaves the words alone.
    enum class Picture { Ring, Legend, Logs, Charts, StatusBar, Feed };

    explicit HowToReadDialog(const std::map<Picture, QImage> &pictures, QWidget *parent = nullptr);

    QString html() const; // what the dialog says (tests)
    int pictureCount() const { return int(m_pictureSizes.size()); }
    QSize pictureSize(Picture picture) const; // in pixels; empty without one (tests)

    // The text, for `pictures` (tests read it without a dialog).
    static QString text(const std::map<Picture, QImage> &pictures);

private:
    QTextBrowser *m_browser;
    std::map<Picture, QSize> m_pictureSizes;
};

} // namespace raftlab
