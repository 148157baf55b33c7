#include "loggeometry.h"

#include <QFontMetrics>

#include <algorithm>

namespace raftlab {

LogGeometry LogGeometry::forTheme(const Theme &theme)
{
    LogGeometry geometry;
    geometry.labelFont = theme.font(1.1, true);
    geometry.smallFont = theme.font(0.8);
    geometry.cellFont = theme.font(0.9);
    const QFontMetrics label(geometry.labelFont);
    const QFontMetrics small(geometry.smallFont);
    const QFontMetrics cell(geometry.cellFont);
    // Wide enough for "leader · t 9 (stale)" under "Node 9", and for a "k=v" command in a cell.
    geometry.labelWidth = std::max(label.horizontalAdvance(QStringLiteral("Node 99")),
                                   small.horizontalAdvance(QStringLiteral("leader · t 99 (stale)"))) +
        small.height();
    geometry.cellWidth = std::max(cell.horizontalAdvance(QStringLiteral("key=val")) + 10,
                                  small.horizontalAdvance(QStringLiteral("888888")) + 8);
    geometry.headerHeight = small.height() + 8;
    geometry.leaderLaneHeight = small.height() + 2;
    geometry.cellHeight = small.height() + cell.height() + 10;
    geometry.markerLaneHeight = std::max(10, small.height() / 2 + 4);
    geometry.rowGap = small.height() / 2;
    geometry.legendHeight = 2 * small.height() + 10;
    return geometry;
}

int LogGeometry::visibleColumns(int viewportWidth) const
{
    return std::max(1, (viewportWidth - labelWidth) / cellWidth);
}

QRect LogGeometry::cellRect(int row, int column, int scrollY) const
{
    return QRect(columnLeft(column), rowTop(row, scrollY) + leaderLaneHeight, cellWidth, cellHeight);
}

QRect LogGeometry::leaderLaneRect(int row, int column, int scrollY) const
{
    return QRect(columnLeft(column), rowTop(row, scrollY), cellWidth, leaderLaneHeight);
}

QRect LogGeometry::markerLaneRect(int row, int column, int scrollY) const
{
    return QRect(columnLeft(column), rowTop(row, scrollY) + leaderLaneHeight + cellHeight, cellWidth,
                 markerLaneHeight);
}

QRect LogGeometry::labelRect(int row, int scrollY) const
{
    return QRect(0, rowTop(row, scrollY), labelWidth, rowHeight() - rowGap);
}

} // namespace raftlab
