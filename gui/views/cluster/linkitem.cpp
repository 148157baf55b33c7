#include "linkitem.h"

#include "scenefonts.h"
#include "views/theme.h"
#include "votemark.h"

#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPainterPathStroker>

#include <algorithm>

namespace raftlab {

namespace {
constexpr qreal clickWidth = 24; // a link is thin; the click target is not
constexpr qreal ratePixels = LinkItem::ratePixels;
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
    // Above the message dots (the line itself is in the background layer): under load the dots pass
    // right over the middle, and the rate label there must stay readable.
    setZValue(1.5);
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
    const bool lineChanged = appearance.aBlocksB != m_appearance.aBlocksB ||
        appearance.bBlocksA != m_appearance.bBlocksA || appearance.aMutesB != m_appearance.aMutesB ||
        appearance.bMutesA != m_appearance.bMutesA || appearance.endDown != m_appearance.endDown;
    const bool labelChanged = appearance.rateLabel != m_appearance.rateLabel;
    m_appearance = appearance;
    if (labelChanged)
        placeRateLabel();
    refreshToolTip();
    if (lineChanged)
        invalidateLine();
    update();
}

void LinkItem::themeChanged()
{
    prepareGeometryChange();
    m_labelPixmap = QPixmap(); // other fonts and colours
    placeRateLabel();
    invalidateLine();
    update();
}

void LinkItem::invalidateLine()
{
    if (QGraphicsScene *owner = scene())
        owner->invalidate(mapRectToScene(boundingRect()), QGraphicsScene::BackgroundLayer);
}

void LinkItem::refreshToolTip()
{
    const QString pair = QStringLiteral("%1–%2").arg(m_a.value).arg(m_b.value);
    const LinkAppearance &look = m_appearance;
    QString text;
    if (look.aBlocksB || look.bBlocksA) {
        text = QObject::tr("Link %1 is cut: click to heal it").arg(pair);
    } else if (look.aMutesB || look.bMutesA) {
        const auto [from, to] = look.aMutesB ? std::pair{m_a, m_b} : std::pair{m_b, m_a};
        text = look.aMutesB && look.bMutesA
            ? QObject::tr("Link %1 is cut one way in each direction: click to heal it").arg(pair)
            : QObject::tr(
                  "Link %1 is cut one way: node %2 no longer reaches node %3, which still reaches it. "
                  "Click to heal it")
                  .arg(pair)
                  .arg(from.value)
                  .arg(to.value);
    } else {
        text = QObject::tr("Link %1: click to cut it (a network partition), right-click to cut one way")
                   .arg(pair);
    }
    if (!look.rateLabel.isEmpty())
        text += u'\n' + QObject::tr("Both ways together: %1").arg(look.rateLabel);
    setToolTip(text);
}

QRectF LinkItem::boundingRect() const
{
    // The line, its click band, and the rate label wherever it was placed (Qt paints an item only inside
    // this rect: a label reaching beyond it would be drawn cut). The label's copy is blitted a pixel or
    // two beyond its box.
    const qreal margin = clickWidth + 60 * m_theme->fontScale();
    const QRectF line = QRectF(m_start, m_end).normalized().adjusted(-margin, -margin, margin, margin);
    return m_labelRect.isEmpty() ? line : line.united(m_labelRect.adjusted(-4, -4, 4, 4));
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
    if (m_hovered) { // show what a click would act on, the line again on top
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(m_theme->grid(), clickWidth * 0.6, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(m_start, m_end);
        painter->save();
        painter->translate(-pos()); // paintLine() draws in scene coordinates
        paintLine(painter, 2.2);
        painter->restore();
    }
    if (!m_labelRect.isEmpty())
        paintRateLabel(painter);
}

void LinkItem::paintLine(QPainter *painter, qreal widthFactor) const
{
    const Theme &theme = *m_theme;
    painter->setRenderHint(QPainter::Antialiasing);
    const QPointF start = mapToScene(m_start);
    const QPointF end = mapToScene(m_end);
    const QPointF middle = (start + end) / 2;
    const qreal width = theme.lineWidth() * widthFactor;

    const QPen flowing(m_appearance.endDown ? theme.grid() : theme.link(), width, Qt::SolidLine,
                       Qt::RoundCap);
    QPen blocked(theme.cutLink(), width * 1.6, Qt::DashLine, Qt::FlatCap);
    blocked.setDashPattern({3, 2.5});
    const bool aBlocks = m_appearance.aBlocksB || m_appearance.aMutesB;
    const bool bBlocks = m_appearance.bBlocksA || m_appearance.bMutesA;
    // Each half belongs to the node at its end: a node that blocks its peer (or only stops sending to it)
    // dashes its own half.
    painter->setPen(aBlocks ? blocked : flowing);
    painter->drawLine(start, middle);
    painter->setPen(bBlocks ? blocked : flowing);
    painter->drawLine(middle, end);

    if (aBlocks || bBlocks) { // the cut itself: where dropped messages die
        const qreal size = 16 * theme.fontScale();
        painter->setPen(Qt::NoPen);
        painter->setBrush(theme.background());
        painter->drawEllipse(middle, size * 0.55, size * 0.55);
        pictograph::cross(painter, middle, size, theme.cutLink(), theme.lineWidth() * 1.8);
    }
}

void LinkItem::setKeepClearOf(std::vector<QRectF> sceneRects)
{
    if (sceneRects == m_keepClear)
        return;
    m_keepClear = std::move(sceneRects);
    placeRateLabel();
}

void LinkItem::placeRateLabel()
{
    QRectF placed;
    if (!m_appearance.rateLabel.isEmpty()) {
        const QFontMetricsF metrics(scenefonts::label(*m_theme, ratePixels));
        const QSizeF size(metrics.horizontalAdvance(m_appearance.rateLabel) + 10, metrics.height() + 2);
        // Beside the line (the cut mark and the bursts own the middle itself), perpendicular to it.
        const QLineF line(m_start, m_end);
        QLineF normal = line.normalVector();
        normal.setLength(size.height() * 0.9 + 6);
        const QPointF aside = normal.p2() - normal.p1();
        const auto boxAt = [&](qreal along, qreal side) {
            const QPointF centre = line.pointAt(along) + side * aside;
            return QRectF(centre - QPointF(size.width() / 2, size.height() / 2), size);
        };
        const auto isClear = [this](const QRectF &box) {
            const QRectF inScene = mapRectToScene(box);
            return std::none_of(m_keepClear.begin(), m_keepClear.end(),
                                [&inScene](const QRectF &other) { return other.intersects(inScene); });
        };
        // Nearest the middle first; where nothing is clear the label is left out (the link's tooltip still
        // gives the rate).
        bool found = false;
        for (const qreal side : {1.0, -1.0, 2.0, -2.0}) {
            for (const qreal along : {0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74}) {
                if (const QRectF box = boxAt(along, side); isClear(box)) {
                    placed = box;
                    found = true;
                    break;
                }
            }
            if (found)
                break;
        }
    }
    if (placed == m_labelRect)
        return;
    update(m_labelRect);
    prepareGeometryChange(); // the bounding rect holds the label
    m_labelRect = placed;
    update(m_labelRect);
}

void LinkItem::paintRateLabel(QPainter *painter)
{
    const QFont font = scenefonts::label(*m_theme, ratePixels);
    const QRectF box = rateLabelRect();
    const QSizeF size = box.size();

    // The dots pass right beside the label, so it is exposed at every frame: blit a copy drawn at the
    // device scale rather than laying the text out again (a calm cluster sits near the label's rate).
    const QTransform world = painter->worldTransform();
    if (world.type() > QTransform::TxScale || !qFuzzyCompare(world.m11(), world.m22())) {
        paintRateBox(painter, box, font);
        return;
    }
    const qreal devicePixelRatio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const qreal scale = world.m11() * devicePixelRatio;
    if (m_labelPixmap.isNull() || m_labelText != m_appearance.rateLabel || m_labelScale != scale) {
        m_labelText = m_appearance.rateLabel;
        m_labelScale = scale;
        const QSize pixels((size * scale).toSize() + QSize(4, 4));
        m_labelPixmap = QPixmap(pixels);
        m_labelPixmap.setDevicePixelRatio(devicePixelRatio);
        m_labelPixmap.fill(Qt::transparent);
        QPainter label(&m_labelPixmap);
        label.setRenderHint(QPainter::Antialiasing);
        label.setRenderHint(QPainter::TextAntialiasing);
        label.scale(world.m11(), world.m11());
        paintRateBox(&label, QRectF(QPointF(1, 1) / world.m11(), size), font);
    }
    const QPointF topLeft = world.map(box.topLeft()) - QPointF(1, 1) / devicePixelRatio;
    painter->setWorldTransform(QTransform());
    painter->drawPixmap(topLeft, m_labelPixmap);
    painter->setWorldTransform(world);
}

void LinkItem::paintRateBox(QPainter *painter, const QRectF &box, const QFont &font) const
{
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

void LinkItem::contextMenuEvent(QGraphicsSceneContextMenuEvent *event)
{
    if (!m_onMenu) {
        event->ignore();
        return;
    }
    event->accept();
    m_onMenu(m_a, m_b, event->screenPos());
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
