#pragma once

#include "views/theme.h"

#include <QFont>
#include <QRect>

namespace raftlab {

// Where things go in the logs view, in viewport pixels, derived from the theme's fonts so that projector
// mode scales every lane with its text. One row per node:
//
//   ┌ label ┐┌ index header (pinned at the top) ────────────────────────────────┐
//   │       ││ leader lane: the leader's nextIndex / matchIndex for this node   │
//   │Node 3 ││ cells: one per index, fill = term colour, "t2" + the command     │
//   │leader ││ marker lane: commit bar, applied bar                             │
//   └───────┘└──────────────────────────────────────────────────────────────────┘
//
// Columns are whole log indexes: the view scrolls by columns, so a cell is never cut on the left.
struct LogGeometry
{
    static LogGeometry forTheme(const Theme &theme);

    QFont labelFont; // "Node 3"
    QFont smallFont; // role, term numbers, markers, legend
    QFont cellFont; // commands
    int labelWidth = 0; // the pinned node-label column
    int headerHeight = 0; // the pinned index header
    int cellWidth = 0;
    int leaderLaneHeight = 0;
    int cellHeight = 0;
    int markerLaneHeight = 0;
    int rowGap = 0;
    int legendHeight = 0;

    int rowHeight() const { return leaderLaneHeight + cellHeight + markerLaneHeight + rowGap; }
    // Content height without scrolling: header, rows, legend.
    int contentHeight(int rows) const { return headerHeight + rows * rowHeight() + legendHeight; }
    // Whole columns that fit beside the label column (at least 1).
    int visibleColumns(int viewportWidth) const;

    // Rectangles for row `row` (0 = top) with the rows scrolled up by `scrollY` pixels, and column
    // `column` (0 = the first visible index).
    int rowTop(int row, int scrollY) const { return headerHeight + row * rowHeight() - scrollY; }
    QRect cellRect(int row, int column, int scrollY) const;
    QRect leaderLaneRect(int row, int column, int scrollY) const;
    QRect markerLaneRect(int row, int column, int scrollY) const;
    QRect labelRect(int row, int scrollY) const;
    int columnLeft(int column) const { return labelWidth + column * cellWidth; }
};

} // namespace raftlab
