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

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();
};

} // namespace raftlab
