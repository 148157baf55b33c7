#pragma once

#include "logcellcache.h"
#include "loggeometry.h"
#include "model/logmirror.h"
#include "model/nodestate.h"
#include "views/theme.h"

#include <QPainter>

#include <optional>

namespace raftlab {

// What one row of the logs view shows: a node, its mirrored log, and what the cluster's leader believes
// about it (RaftScope draws this under the leader's log; here it sits on the follower's own row, above
// the entries it talks about, so a student compares "the leader thinks node 2 holds up to 6" with
// node 2's actual log at a glance, and nine nodes need no extra lanes).
struct LogRowInput
{
    int row = 0; // 0 = top
    int scrollY = 0;
    LogIndex firstIndex{}; // the index in column 0
    int columns = 0; // columns to draw, the partial last one included
    const NodeState *node = nullptr;
    const LogMirror *log = nullptr;
    std::optional<FollowerProgress> leaderView{}; // the leader's next/match for this node
    Term highestTerm{}; // of the cluster: a leader of an older term is a stale leader
    // The leader's last index when this node's log has stopped short of it (LogView decides when that is
    // worth saying): the missing columns say "log ends at 7 · lacks 8–12".
    std::optional<LogIndex> lacksThrough{};
};

// Paints one node's row: label, cells, the snapshot (or not mirrored) prefix, the commit and applied
// bars and the leader's next/match marks. Touches only the visible columns, so its cost does not depend
// on the log's length.
class LogRowPainter
{
public:
    // With a cache, cells are drawn from it (and rendered into it on a miss).
    LogRowPainter(const Theme &theme, const LogGeometry &geometry, LogCellCache *cache = nullptr,
                  qreal devicePixelRatio = 1.0)
        : m_theme(theme)
        , m_geometry(geometry)
        , m_cache(cache)
        , m_devicePixelRatio(devicePixelRatio)
    { }

    void paint(QPainter &painter, const LogRowInput &input) const;

    // The fill of a cell: the term's colour, paled when the entry is not committed yet.
    QColor cellFill(Term term, bool committed) const;

private:
    void paintLabel(QPainter &painter, const LogRowInput &input) const;
    void paintCell(QPainter &painter, const QRect &slot, const LogCell &cell, bool committed) const;
    void renderCell(QPainter &painter, const QRect &slot, const LogCell &cell, bool committed) const;
    void paintUnmirroredPrefix(QPainter &painter, const LogRowInput &input, LogIndex prefixEnd) const;
    void paintUnseen(QPainter &painter, const LogRowInput &input, int firstColumn, int lastColumn) const;
    void paintProgressBars(QPainter &painter, const LogRowInput &input) const;
    void paintLack(QPainter &painter, const LogRowInput &input) const;
    void paintLeaderView(QPainter &painter, const LogRowInput &input) const;
    void paintLeaderMark(QPainter &painter, const LogRowInput &input, LogIndex index, const QString &text,
                         bool filled) const;
    int columnOf(const LogRowInput &input, LogIndex index) const; // -1 when not visible

    const Theme &m_theme;
    const LogGeometry &m_geometry;
    LogCellCache *m_cache = nullptr;
    qreal m_devicePixelRatio = 1.0;
};

// "log ends at 7 · lacks 8–12": a log whose last index is `last` beside a leader's whose last is `through`.
QString lackText(LogIndex last, LogIndex through);

// The command as a cell shows it: "put x=1" is shown "x=1" (the tooltip has it whole).
QString cellText(const QString &command);

// The last index of the prefix a row draws as one hatched block: compacted into a snapshot, or older than
// the newest entries the mirror keeps. LogIndex{} when there is none. Entries the node holds but the app
// never saw are not part of it: they are drawn one column each, as unknown.
LogIndex unmirroredPrefixEnd(const LogMirror &log);

} // namespace raftlab
