#pragma once

// LegendItem: a small key in the scene's top-left corner (message colours, hollow = reply, ✗ = refused,
// dashed red = cut, the timer arc, vote marks), and HintItem: one line for newcomers at the bottom
// ("right-click a node, click a link to cut it"). Both are cached: they change only with the theme.

#include <QGraphicsItem>
#include <QString>

namespace raftlab {

class Theme;

class LegendItem final : public QGraphicsItem
{
public:
    static constexpr qreal textPixels = 12; // on screen, before the theme's scale

    explicit LegendItem(const Theme *theme);

    void themeChanged();
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    qreal rowHeight() const;
    QRectF computeBounds() const;

    const Theme *m_theme;
    QRectF m_bounds;
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
