#include "linkitem.h"

#include "scenefonts.h"
#include "views/theme.h"
#include "votemark.h"

#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPainterPathStroker>

namespace raftlab {

namespace {
constexpr qreal clickWidth = 24; // a link is thin; the click target is not
constexpr qreal ratePixels = 12;
} // namespace

LinkItem::LinkItem(NodeId a, NodeId b, QPointF aCentre, QPointF bCentre, qreal nodeRadius, const Theme *theme,
                   ClickHandler onClicked)
    : m_a(a)
    , m_b(b)
    , m_theme(theme)
    , m_onClicked(std::move(onClicked))
{
    QLineF line(aCentre, bCentre);
    const qreal length = line.length();
    const qreal inset = std::min(nodeRadius, length / 2);
    m_start = line.pointAt(inset / length);
    m_end = line.pointAt(1 - inset / length);
    setZValue(0);
    setAcceptHoverEvents(true);
    setCursor(Qt::PointingHandCursor);
    // No item cache: a diagonal link's cache would be a large, mostly transparent pixmap, dearer to
    // blend every frame than the line is to draw.
    refreshToolTip();
}

void LinkItem::setAppearance(const LinkAppearance &appearance)
{
    if (appearance == m_appearance)
        return;
    m_appearance = appearance;
    refreshToolTip();
    update();
}

void LinkItem::themeChanged()
{
    prepareGeometryChange();
    update();
}

void LinkItem::refreshToolTip()
{
    const QString pair = QStringLiteral("%1–%2").arg(m_a.value).arg(m_b.value);
    setToolTip(m_appearance.aBlocksB || m_appearance.bBlocksA
                   ? QObject::tr("Link %1 is cut: click to heal it").arg(pair)
                   : QObject::tr("Link %1: click to cut it (a network partition)").arg(pair));
}

QRectF LinkItem::boundingRect() const
{
    // Room for the rate label beside the middle, whatever the link's direction.
    const qreal margin = clickWidth + 60 * m_theme->fontScale();
    return QRectF(m_start, m_end).normalized().adjusted(-margin, -margin, margin, margin);
}

QPainterPath LinkItem::shape() const
{
    QPainterPath line(m_start);
    line.lineTo(m_end);
    QPainterPathStroker stroker;
    stroker.setWidth(clickWidth);
    return stroker.createStroke(line);
}

void LinkItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const Theme &theme = *m_theme;
    painter->setRenderHint(QPainter::Antialiasing);
    const QPointF middle = (m_start + m_end) / 2;
    const qreal width = theme.lineWidth() * (m_hovered ? 2.2 : 1.0);

    if (m_hovered) { // show what a click would act on
        painter->setPen(QPen(theme.grid(), clickWidth * 0.6, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(m_start, m_end);
    }

    const QPen flowing(m_appearance.endDown ? theme.grid() : theme.link(), width, Qt::SolidLine,
                       Qt::RoundCap);
    QPen blocked(theme.cutLink(), width * 1.6, Qt::DashLine, Qt::FlatCap);
    blocked.setDashPattern({3, 2.5});
    const bool aBlocks = m_appearance.aBlocksB;
    const bool bBlocks = m_appearance.bBlocksA;
    // Each half belongs to the node at its end: a node that blocks its peer dashes its own half.
    painter->setPen(aBlocks ? blocked : flowing);
    painter->drawLine(m_start, middle);
    painter->setPen(bBlocks ? blocked : flowing);
    painter->drawLine(middle, m_end);

    if (aBlocks || bBlocks) { // the cut itself: where dropped messages die
        const qreal size = 16 * theme.fontScale();
        painter->setPen(Qt::NoPen);
        painter->setBrush(theme.background());
        painter->drawEllipse(middle, size * 0.55, size * 0.55);
        pictograph::cross(painter, middle, size, theme.cutLink(), theme.lineWidth() * 1.8);
    }
    if (!m_appearance.rateLabel.isEmpty())
        paintRateLabel(painter);
}

void LinkItem::paintRateLabel(QPainter *painter) const
{
    const QFont font = scenefonts::label(*m_theme, ratePixels);
    const QFontMetricsF metrics(font);
    const QSizeF size(metrics.horizontalAdvance(m_appearance.rateLabel) + 10, metrics.height() + 2);
    // Beside the middle (the cut mark and the bursts own the middle itself), perpendicular to the line.
    const QLineF line(m_start, m_end);
    QLineF normal = line.normalVector();
    normal.setLength(size.height() * 0.9 + 6);
    const QPointF centre = (m_start + m_end) / 2 + (normal.p2() - normal.p1());
    const QRectF box(centre - QPointF(size.width() / 2, size.height() / 2), size);
    painter->setPen(QPen(m_theme->grid(), 1));
    painter->setBrush(m_theme->panel());
    painter->drawRoundedRect(box, 4, 4);
    painter->setPen(m_theme->mutedText());
    painter->setFont(font);
    painter->drawText(box, Qt::AlignCenter, m_appearance.rateLabel);
}

void LinkItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    // Accepting the press is what makes the release come here.
    event->setAccepted(event->button() == Qt::LeftButton);
}

void LinkItem::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && shape().contains(event->pos()) && m_onClicked)
        m_onClicked(m_a, m_b);
}

void LinkItem::hoverEnterEvent(QGraphicsSceneHoverEvent *)
{
    m_hovered = true;
    update();
}

void LinkItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *)
{
    m_hovered = false;
    update();
}

} // namespace raftlab
