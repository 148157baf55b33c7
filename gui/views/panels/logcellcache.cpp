#include "logcellcache.h"

#include <QPainter>

namespace raftlab {

const QPixmap &LogCellCache::cell(const LogCell &cell, bool committed, const QSize &size,
                                  qreal devicePixelRatio, const Render &render)
{
    QString key = QString::number(cell.term.value);
    key += committed ? u'c' : u'u';
    key += cell.command;
    if (const auto found = m_cells.constFind(key); found != m_cells.constEnd())
        return *found;
    if (m_cells.size() >= m_capacity)
        m_cells.clear(); // simpler than LRU, and a full screen refills it in one paint

    QPixmap pixmap(size * devicePixelRatio);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent); // the gaps between cells show what lies behind (the conflict band)
    QPainter painter(&pixmap);
    render(painter, QRect(QPoint(0, 0), size));
    painter.end();
    return *m_cells.insert(key, pixmap);
}

} // namespace raftlab
