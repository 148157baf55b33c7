#include "fittingscrollarea.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QScrollBar>

#include <algorithm>

namespace raftlab {

namespace {

// Hands a wheel turn over a control without focus to the control's parents (the scroll area): ignored
// and filtered out, the event goes on up the widget tree.
class WheelToColumn final : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Wheel && !static_cast<QWidget *>(watched)->hasFocus()) {
            event->ignore();
            return true;
        }
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

FittingScrollArea::FittingScrollArea(QWidget *parent)
    : QScrollArea(parent)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    viewport()->installEventFilter(this);
}

void FittingScrollArea::setPanel(QWidget *panel)
{
    setWidget(panel);
    auto *guard = new WheelToColumn(this);
    for (QWidget *control : panel->findChildren<QWidget *>()) {
        const bool setsAValue =
            (qobject_cast<QAbstractSlider *>(control) && !qobject_cast<QScrollBar *>(control)) ||
            qobject_cast<QAbstractSpinBox *>(control) || qobject_cast<QComboBox *>(control);
        if (!setsAValue)
            continue;
        control->setFocusPolicy(Qt::StrongFocus); // the wheel does not give it focus either
        control->installEventFilter(guard);
    }
}

void FittingScrollArea::setMaximumFittingHeight(int pixels)
{
    m_maximumFittingHeight = pixels;
    updateGeometry();
}

QSize FittingScrollArea::neededSize() const
{
    const QWidget *panel = widget();
    if (!panel)
        return {};
    QSize needed = panel->minimumSizeHint() + QSize(2 * frameWidth(), 2 * frameWidth());
    // Wrapped text needs more height the narrower the panel: as much as at the width it has now.
    if (panel->hasHeightForWidth())
        needed.setHeight(
            std::max(needed.height(), panel->heightForWidth(viewport()->width()) + 2 * frameWidth()));
    return needed;
}

QSize FittingScrollArea::minimumSizeHint() const
{
    // Its height is asked for through sizeHint(): as a minimum it would make the window taller than the
    // screen when the column is short (a projector's 768 lines in large type).
    QSize size = QScrollArea::minimumSizeHint();
    if (widget()) // room for the vertical scroll bar too: a panel that scrolls must not also scroll sideways
        size.setWidth(std::max(size.width(), neededSize().width() + verticalScrollBar()->sizeHint().width()));
    return size;
}

QSize FittingScrollArea::sizeHint() const
{
    if (!widget())
        return QScrollArea::sizeHint();
    return QSize(minimumSizeHint().width(), std::min(neededSize().height(), m_maximumFittingHeight));
}

bool FittingScrollArea::eventFilter(QObject *watched, QEvent *event)
{
    // The panel's needs change with its arrangement and fonts: tell the splitter or layout above.
    if (event->type() == QEvent::LayoutRequest && watched == viewport()) {
        updateGeometry();
        Q_EMIT neededSizeChanged();
    }
    return QScrollArea::eventFilter(watched, event);
}

} // namespace raftlab
