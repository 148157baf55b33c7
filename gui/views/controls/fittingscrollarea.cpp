#include "fittingscrollarea.h"

#include <QEvent>
#include <QScrollBar>

#include <algorithm>

namespace raftlab {

FittingScrollArea::FittingScrollArea(QWidget *parent)
    : QScrollArea(parent)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    viewport()->installEventFilter(this);
}

void FittingScrollArea::setMaximumFittingHeight(int pixels)
{
    m_maximumFittingHeight = pixels;
    updateGeometry();
}

QSize FittingScrollArea::minimumSizeHint() const
{
    QSize size = QScrollArea::minimumSizeHint();
    if (const QWidget *panel = widget()) {
        QSize needed = panel->minimumSizeHint() + QSize(2 * frameWidth(), 2 * frameWidth());
        // Wrapped text needs more height the narrower the panel: as much as at the width it has now.
        if (panel->hasHeightForWidth())
            needed.setHeight(
                std::max(needed.height(), panel->heightForWidth(viewport()->width()) + 2 * frameWidth()));
        size.setHeight(std::max(size.height(), std::min(needed.height(), m_maximumFittingHeight)));
        // Room for the vertical scroll bar too: a panel that scrolls must not also scroll sideways.
        size.setWidth(std::max(size.width(), needed.width() + verticalScrollBar()->sizeHint().width()));
    }
    return size;
}

QSize FittingScrollArea::sizeHint() const
{
    // QScrollArea bounds its hint to 24 lines; the panel's own hint is what it would like.
    const QWidget *panel = widget();
    if (!panel)
        return QScrollArea::sizeHint();
    return (panel->sizeHint() + QSize(2 * frameWidth(), 2 * frameWidth())).expandedTo(minimumSizeHint());
}

bool FittingScrollArea::eventFilter(QObject *watched, QEvent *event)
{
    // The panel's needs change with its arrangement and fonts: tell the splitter or layout above.
    if (event->type() == QEvent::LayoutRequest && watched == viewport())
        updateGeometry();
    return QScrollArea::eventFilter(watched, event);
}

} // namespace raftlab
