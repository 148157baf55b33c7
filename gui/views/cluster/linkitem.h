#pragma once

// LinkItem: the network link between two nodes. Solid when traffic flows; dashed red (Theme::cutLink)
// with a ✗ at the middle when cut (both ends block each other); half dashed, on the blocking node's
// side, when only one end blocks. Under heavy load it carries a rate label ("1.2k msg/s"), since dots
// are then only a sample. A click cuts or heals it (the view decides and asks the nodes).

#include "core/types.h"

#include <QGraphicsItem>
#include <QPixmap>
#include <QString>

#include <functional>
#include <vector>

namespace raftlab {

class Theme;

struct LinkAppearance
{
    bool aBlocksB = false;
    bool bBlocksA = false;
    bool aMutesB = false; // a one-way cut: a sends nothing to b, but still hears it
    bool bMutesA = false;
    bool endDown = false; // a node at either end is killed: nothing can flow
    QString rateLabel{}; // empty below the rate worth a label

    bool isCut() const { return aBlocksB && bBlocksA; }
    bool operator==(const LinkAppearance &) const = default;
};

class LinkItem final : public QGraphicsItem
{
public:
    static constexpr qreal ratePixels = 15; // the rate label, in scene units before the theme
    using ClickHandler = std::function<void(NodeId a, NodeId b)>;
    using MenuHandler = std::function<void(NodeId a, NodeId b, QPoint screenPos)>;

    // `a` < `b`; the line runs from the rim of a (at `aCentre`) to the rim of b.
    LinkItem(NodeId a, NodeId b, QPointF aCentre, QPointF bCentre, qreal nodeRadius, const Theme *theme,
             ClickHandler onClicked);

    NodeId a() const { return m_a; }
    NodeId b() const { return m_b; }
    const LinkAppearance &appearance() const { return m_appearance; }
    void setMenuHandler(MenuHandler onMenu) { m_onMenu = std::move(onMenu); } // a right-click on the link
    void setAppearance(const LinkAppearance &appearance); // repaints only on a change
    void themeChanged();
    // The line itself (and the cut mark), in scene coordinates. The view draws every link's line into
    // its cached background: a dot passing over a link then costs a blit, not a stroked line. The item
    // paints only what changes often (the hover highlight, the rate label).
    void paintLine(QPainter *painter, qreal widthFactor = 1.0) const;
    // What the rate label must not cover (the nodes' tags, vote marks, vote counts and discs, the other
    // links' labels), in scene coordinates: the label sits beside the middle, on either side of the line,
    // or slides along it towards an end or away from it until it is clear of them; where nothing is
    // clear it is left out, and the tooltip gives the rate.
    void setKeepClearOf(std::vector<QRectF> sceneRects);
    // Where the rate label is drawn, in item coordinates; empty when none is drawn.
    QRectF rateLabelRect() const { return m_labelRect; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent *event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    void placeRateLabel();
    void paintRateLabel(QPainter *painter);
    void paintRateBox(QPainter *painter, const QRectF &box, const QFont &font) const;
    void invalidateLine(); // the cached background under this link must be drawn again
    void refreshToolTip();

    NodeId m_a;
    NodeId m_b;
    QPointF m_start; // on a's rim
    QPointF m_end; // on b's rim
    const Theme *m_theme;
    ClickHandler m_onClicked;
    MenuHandler m_onMenu;
    LinkAppearance m_appearance;
    std::vector<QRectF> m_keepClear; // scene coordinates
    QRectF m_labelRect; // item coordinates; empty without a rate label
    bool m_hovered = false;
    // The rate label drawn at the device scale (m_labelScale) for m_labelText.
    QPixmap m_labelPixmap;
    QString m_labelText;
    qreal m_labelScale = 0;
};

} // namespace raftlab
