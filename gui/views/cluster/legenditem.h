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
    explicit HintItem(const Theme *theme);

    void setText(const QString &text);
    QString text() const { return m_text; }
    void themeChanged();
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    const Theme *m_theme;
    QString m_text;
};

} // namespace raftlab
