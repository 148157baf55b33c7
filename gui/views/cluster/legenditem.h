#pragma once

// LegendItem: a small key in the scene's top-left corner (message colours, hollow = reply, ✗ = refused,
// dashed red = cut, the timer arc, vote marks), folded into a one-word tab when the ring needs the room;
// a click opens or folds it. HintItem: one line for newcomers at the bottom
// ("right-click a node, click a link to cut it"). Both are cached: they change only with the theme.

#include <QGraphicsItem>
#include <QImage>
#include <QString>

#include <functional>

namespace raftlab {

class Theme;

class LegendItem final : public QGraphicsItem
{
public:
    static constexpr qreal textPixels = 12; // on screen, before the theme's scale

    explicit LegendItem(const Theme *theme);

    void themeChanged();
    // Folded, only a small "Legend ▸" tab is drawn.
    void setFolded(bool folded);
    bool isFolded() const { return m_folded; }
    qreal openWidth() const { return computeBounds(false).width(); } // screen pixels
    // The open key as a picture, folded or not (Help shows it).
    QImage openPicture(qreal devicePixelRatio) const;
    // Called on a click (the view decides what it means: open or fold).
    void setOnClicked(std::function<void()> onClicked) { m_onClicked = std::move(onClicked); }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;

private:
    qreal rowHeight() const;
    QRectF computeBounds(bool folded) const;
    void paintPanel(QPainter *painter, const QRectF &bounds) const;
    void paintKey(QPainter *painter, qreal width) const;
    void paintTab(QPainter *painter) const;

    const Theme *m_theme;
    QRectF m_bounds;
    bool m_folded = false;
    std::function<void()> m_onClicked;
};

class HintItem final : public QGraphicsItem
{
public:
    static constexpr qreal textPixels = 13;

    explicit HintItem(const Theme *theme);

    void setText(const QString &text);
    QString text() const { return m_text; }
    // The widest it may be on screen: a longer line wraps.
    void setMaximumWidth(qreal pixels);
    void themeChanged();
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    const Theme *m_theme;
    QString m_text;
    qreal m_maximumWidth = 4000;
};

} // namespace raftlab
