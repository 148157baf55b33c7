#pragma once

// CaptionOverlay: the lesson's sentence, large, over the bottom of the widget it is placed on (the
// cluster ring), readable from the back of a room. It follows its parent's size and hides itself when
// there is nothing to say.

#include <QLabel>

namespace raftlab {

class Theme;

class CaptionOverlay final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptionOverlay)

public:
    explicit CaptionOverlay(QWidget *parent);

    void setCaption(const QString &chapter, const QString &sentence);
    void applyTheme(const Theme &theme);
    // The height the ring leaves it (0: up to half its parent). A longer sentence is set in smaller type,
    // down to the least readable size, rather than cover the ring.
    void setRoom(int pixels);
    // The room to leave it: its heading and three lines of sentence in the theme's type.
    int preferredRoom() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();
    // Sets the caption in this type: the sentence in it, the heading (the chapter) a little smaller but
    // never under leastPixels.
    void setType(const QFont &font, qreal leastPixels);

    QFont m_font; // the theme's caption type; the shown one may be smaller (setRoom)
    int m_room = 0;
    QString m_chapter;
    QString m_sentence;
};

} // namespace raftlab
