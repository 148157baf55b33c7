#pragma once

#include <QScrollArea>

namespace raftlab {

// A scroll area that asks for the room its panel needs: the panel's minimum height (up to
// `maximumFittingHeight`, beyond which it scrolls) and its minimum width, so that a splitter beside other
// panels gives it that room rather than cutting it (a lesson panel opening above does not push the
// client's controls out of view). A plain QScrollArea asks for almost nothing and scrolls instead.
class FittingScrollArea final : public QScrollArea
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FittingScrollArea)

public:
    explicit FittingScrollArea(QWidget *parent = nullptr);

    void setMaximumFittingHeight(int pixels);
    int maximumFittingHeight() const { return m_maximumFittingHeight; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    int m_maximumFittingHeight = 100'000;
};

} // namespace raftlab
