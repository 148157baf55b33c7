#pragma once

// TimerArcItem: a node's election timer as an arc that shrinks from a full circle to nothing; when
// it is gone the node starts an election (RaftScope's picture). A child of its NodeItem, so that only
// this thin ring repaints while the timer runs.

#include <QGraphicsItem>

namespace raftlab {

class Theme;

class TimerArcItem final : public QGraphicsItem
{
public:
    TimerArcItem(qreal nodeRadius, const Theme *theme, QGraphicsItem *parent);

    // The fraction of the timer left, 0..1; a negative value hides the arc (a leader, a stopped timer).
    // Repaints only when the arc would look different.
    void setRemaining(qreal fraction);
    qreal remaining() const { return m_remaining; }
    void themeChanged();
    static qreal radiusFor(qreal nodeRadius, const Theme &theme); // where the arc runs

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    qreal arcRadius() const;

    const Theme *m_theme;
    qreal m_nodeRadius;
    qreal m_remaining = -1;
};

} // namespace raftlab
