#pragma once

#include <QScrollArea>

namespace raftlab {

// A scroll area that asks for the room its panel needs: the panel's minimum width as its least width, and
// the panel's minimum height (up to `maximumFittingHeight`, beyond which it scrolls) as the height it would
// like; the window gives it that height (MainWindow::fitSidePanels), so that a lesson panel opening above
// does not push the client's controls out of view. A plain QScrollArea asks for almost nothing.
class FittingScrollArea final : public QScrollArea
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FittingScrollArea)

public:
    explicit FittingScrollArea(QWidget *parent = nullptr);

    // setWidget(), and the wheel over the panel scrolls the column: a slider, spin box or combo box that
    // the column scrolled under the pointer takes the wheel only once clicked into (otherwise the turn
    // meant to scroll on changes its value: the load generator's rate went to "off" on the way down).
    void setPanel(QWidget *panel);

    void setMaximumFittingHeight(int pixels);
    int maximumFittingHeight() const { return m_maximumFittingHeight; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

Q_SIGNALS:
    void neededSizeChanged(); // the panel's arrangement or fonts changed

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QSize neededSize() const; // the panel's least size, with the height its wrapped text needs
    int m_maximumFittingHeight = 100'000;
};

} // namespace raftlab
