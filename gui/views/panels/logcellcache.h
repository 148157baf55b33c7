#pragma once

#include "model/logmirror.h"

#include <QHash>
#include <QPixmap>

#include <functional>

namespace raftlab {

// Rendered log cells, reused from one paint to the next. A screen of the logs view shows a few hundred
// cells and between two frames nearly all of them are unchanged (new entries arrive at the tail, a
// scroll only shifts them); laying out their text is what a paint costs, a cached cell is one blit.
// Bounded: past `capacity` cells it starts over. Cleared when the theme (colours, sizes) changes.
class LogCellCache
{
public:
    using Render = std::function<void(QPainter &painter, const QRect &slot)>;

    explicit LogCellCache(qsizetype capacity = 4096)
        : m_capacity(capacity)
    { }

    // The cell for (term, committed, command) at `size` logical pixels; `render` draws it on a miss.
    const QPixmap &cell(const LogCell &cell, bool committed, const QSize &size, qreal devicePixelRatio,
                        const Render &render);
    void clear() { m_cells.clear(); }
    qsizetype size() const { return m_cells.size(); }

private:
    qsizetype m_capacity;
    QHash<QString, QPixmap> m_cells;
};

} // namespace raftlab
