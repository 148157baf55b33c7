#pragma once

// NodeItem: one Raft node on the ring (after Qt's elasticnodes example). A disc filled with its term's
// colour (same colour = same term), outlined in its role's colour, its id in big type, a role tag
// ("LEADER" with a crown), a tag for the process state (killed, frozen, ...), and while it campaigns a
// mark on each link saying how that voter answered (✓ granted, ✗ refused, … awaited).
//
// It repaints only when its NodeAppearance changes; the moving election-timer arc is a child item
// (TimerArcItem), so that the disc stays in the item cache while the arc shrinks.

#include "nodeappearance.h"

#include <QGraphicsItem>

#include <functional>
#include <vector>

namespace raftlab {

class Theme;
class TimerArcItem;

class NodeItem final : public QGraphicsItem
{
public:
    using MenuRequest = std::function<void(NodeId node, QPoint screenPosition)>;

    static constexpr qreal tagPixels = 14; // role and state tags, in scene units before the theme
    // The room the view leaves beside the ring's outermost timer rings, in the tags' pixel size: words
    // wider than a disc ("pre-candidate", a vote count) may reach into it.
    static constexpr qreal sideRoom = 1.35 * 1.6;
    // "t7" (term 7) inside the disc: this share of the radius, grown up to termTextLimit when the view is
    // small.
    static constexpr qreal termTextShare = 0.3;
    static constexpr qreal termTextLimit = 0.6;
    // The font of the term in a disc of `radius`: as above, then no larger than lets `term` (and any
    // two-digit term, so that the size holds still while terms go by) fit inside the circle, clear of its
    // outline.
    static QFont termFont(const Theme &theme, qreal radius, Term term = Term(99));
    // The outer edge of the band of vote marks around the timer's ring. A tag on a side of the node that a
    // link crosses starts there, clear of the marks wherever the links point.
    static qreal tagRingRadius(qreal radius, const Theme &theme);
    static qreal voteMarkSize(qreal radius, const Theme &theme); // a vote mark's radius

    NodeItem(NodeId id, qreal radius, const Theme *theme, MenuRequest onMenuRequested);

    NodeId id() const { return m_appearance.id; }
    qreal radius() const { return m_radius; }
    const NodeAppearance &appearance() const { return m_appearance; }
    void setAppearance(const NodeAppearance &appearance); // repaints only on a change
    void themeChanged(); // the Theme it points to changed
    // A lesson's "look here": a wide highlight ring around the disc.
    void setFocused(bool focused);
    // Where its links leave it (Qt's angles, as VoteMark's): its tags keep clear of the marks on them.
    void setLinkAngles(std::vector<qreal> angleDegrees);
    bool isFocused() const { return m_focused; }
    TimerArcItem *timerArc() const { return m_timerArc; }
    // Where, in item coordinates, the term text's glyphs lie (empty when none is drawn), and the crown
    // (empty unless it leads): for tests that measure what a reader sees.
    QRectF termTextRect() const;
    QRectF crownRect() const;
    QRectF roleTagRect() const; // "follower", "LEADER", … under the disc (empty when none is drawn)
    // "killed", "frozen", … above the disc, or under it in the role tag's place when there is no role tag
    // (empty when none is drawn).
    QRectF stateTagRect() const;
    QRectF campaignTextRect() const; // "has 1 vote, needs 2" (empty unless it campaigns)
    std::vector<QRectF> campaignLineRects() const; // each line of it, as wide as its words
    std::vector<QRectF> voteMarkRects() const; // the marks on its links while it campaigns
    QRectF idTextRect() const; // where the id's glyphs lie
    // Every word it draws (id, term, tags, the vote count's lines): what no other drawing may cover.
    std::vector<QRectF> wordRects() const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent *event) override;

private:
    void paintDisc(QPainter *painter) const;
    void paintText(QPainter *painter) const;
    void paintTag(QPainter *painter, QPointF centre, const QString &text, const QColor &fill,
                  bool bold) const;
    void paintCrown(QPainter *painter) const;
    qreal crownBottom() const;
    void paintVotes(QPainter *painter) const;
    void placeTags();
    // From the centre to the middle of a tag below (side 1: the role tag) or above (side -1), as y.
    qreal tagOffset(qreal side) const;
    QPointF voteMarkCentre(qreal angleDegrees) const;
    bool stateTagIsAbove() const;
    qreal campaignTextLean(qreal halfWidth) const;
    qreal outerEdge() const;
    QString campaignText() const;
    QString campaignLines() const; // campaignText, broken in two when one line is too wide
    QRectF computeBounds() const;
    qreal focusRingRadius() const;

    const Theme *m_theme;
    qreal m_radius;
    NodeAppearance m_appearance;
    MenuRequest m_onMenuRequested;
    TimerArcItem *m_timerArc; // child
    QRectF m_bounds;
    std::vector<qreal> m_linkAngles;
    qreal m_tagRadiusBelow = 0; // where the tags below and above begin (placeTags)
    qreal m_tagRadiusAbove = 0;
    bool m_focused = false;
};

} // namespace raftlab
