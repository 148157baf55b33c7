#pragma once

// MessageLayer: one item that paints every message dot of the frame (a item per dot would cost a scene
// index update per dot per frame). Requests are filled discs, replies hollow rings in the same colour,
// a failed reply (vote refused, append rejected) carries a red ✗, a dropped message bursts at the cut.
// Each direction of a link has its own lane, so a request and its reply never overlap. A burst never covers
// a node's words: it is clipped around them (a lost request beside a killed node reaches its neighbour's
// vote count).

#include "messageplanner.h"
#include "ringlayout.h"

#include <QGraphicsItem>
#include <QPixmap>

#include <functional>
#include <map>
#include <optional>
#include <tuple>

#include <vector>

namespace raftlab {

class Theme;

class MessageLayer final : public QGraphicsItem
{
public:
    explicit MessageLayer(const Theme *theme);

    void setLayout(const RingLayout &layout);
    void setDots(const std::vector<MessageDot> &dots); // copies: the planner reuses its buffer
    void themeChanged();
    // Where the nodes' words lie, in scene coordinates, asked for only when a burst is drawn.
    using WordRects = std::function<std::vector<QRectF>()>;
    void setKeepClear(WordRects wordRects) { m_keepClear = std::move(wordRects); }
    std::size_t dotCount() const { return m_dots.size(); }
    // Where a dot is drawn (also for tests): on its lane, between the two rims.
    QPointF positionOf(const MessageDot &dot) const;
    qreal dotRadius() const;
    // The travelling dot nearest to `scenePosition` within a finger's width of it, if any.
    std::optional<MessageDot> dotAt(QPointF scenePosition) const;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QRectF areaOf(const MessageDot &dot) const; // what painting the dot touches
    void paintDot(QPainter *painter, const MessageDot &dot, QPointF at) const;
    // A dot pre-rendered at the device scale: blitting it is far cheaper than antialiasing a circle,
    // and a calm cluster draws the same few dots thirty times a second.
    const QPixmap &spriteOf(const MessageDot &dot, qreal scale, qreal devicePixelRatio);
    void paintBurst(QPainter *painter, const MessageDot &dot, QPointF at) const;
    QPainterPath burstClip() const; // the scene less the nodes' words
    const Theme *m_theme;
    RingLayout m_layout;
    std::vector<MessageDot> m_dots;
    WordRects m_keepClear;
    std::map<std::tuple<QRgb, bool, bool>, QPixmap> m_sprites; // (colour, reply, failed)
    qreal m_spriteScale = 0; // the device scale the sprites were drawn at
};

} // namespace raftlab
