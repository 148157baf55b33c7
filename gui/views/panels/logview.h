#pragma once

#include "logcellcache.h"
#include "loggeometry.h"
#include "model/clustermodel.h"
#include "views/theme.h"

#include <QAbstractScrollArea>
#include <QTimer>

#include <map>
#include <optional>

class QToolButton;

namespace raftlab {

// The logs view: one row per node, entries aligned by index in columns, each cell filled with
// its term's colour and showing the term and the command; committed entries solid, uncommitted ones pale
// with a dashed outline. Under each row, bars mark the commit and applied indexes; above a follower's
// row, the leader's nextIndex and matchIndex for it; a hatched block shows a prefix replaced by a
// snapshot (or older than the mirror keeps); columns where nodes hold different terms are highlighted.
// A node whose log stopped short of the leader's says so in the slots it lacks ("log ends at 7 · lacks
// 8–12"): once its log has not moved for lagNoteDelayUs, or at once when it is down, so that the words
// do not flicker behind a follower that is merely a message behind.
//
// It follows the tail (the highest index stays in view) until the user scrolls back; scrolling to the
// right end or the "Follow tail" button resumes it. It paints only the visible columns, and repaints only
// when something it shows changed, so its cost is the same for 10 or 100,000 entries per node.
class LogView final : public QAbstractScrollArea
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogView)

public:
    explicit LogView(const ClusterModel *model, QWidget *parent = nullptr);
    ~LogView() override;

    void setTheme(const Theme &theme);
    const Theme &theme() const { return m_theme; }

    // Log indexes in view: the first column, and the last column that is wholly visible (0 when the
    // logs are empty). Ints because a view holds at most the mirrors' 100,000 entries per node.
    int firstVisibleIndex() const;
    int lastVisibleIndex() const;
    bool isFollowingTail() const { return m_followingTail; }
    void setFollowingTail(bool follow);

    // The cell of `index` on `node`'s row, in viewport coordinates (it may lie outside the viewport);
    // a null rect for a node the model does not know.
    QRect cellRect(NodeId node, LogIndex index) const;

    // A lesson's "look at this index": its column is outlined while in view (nullopt: none).
    void setFocusIndex(std::optional<std::uint64_t> index);
    std::optional<std::uint64_t> focusIndex() const { return m_focusIndex; }
    // The outlined column in viewport coordinates; empty when none is, or it is out of view.
    QRect focusRect() const;

    static constexpr qint64 lagNoteDelayUs = 1'000'000;
    // The words on `node`'s row about the entries it lacks; empty when none are shown.
    QString lagNote(NodeId node) const;

    qint64 lastPaintUs() const { return m_lastPaintUs; } // wall time of the last paint (benchmarks)

    QSize sizeHint() const override;

Q_SIGNALS:
    void followingTailChanged(bool following);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    bool viewportEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    void onModelChanged();
    void onHorizontalScrolled(int value);
    void updateScrollRanges();
    quint64 visibleStateSignature() const;
    int rowOf(NodeId node) const;
    int columnsToPaint() const;
    void paintHeader(QPainter &painter, LogIndex first, const std::vector<bool> &conflicts) const;
    void paintConflictBands(QPainter &painter, const std::vector<bool> &conflicts, int rows) const;
    void paintLegend(QPainter &painter) const;
    void trackLags(); // when each log stopped short of the leader's
    std::optional<LogIndex> lacksThrough(NodeId node) const;

    // A log that ends before the leader's: where it ends, and since when (on the model's clock).
    struct Lag
    {
        LogIndex last{};
        qint64 sinceUs = 0;
    };

    const ClusterModel *m_model;
    Theme m_theme;
    LogGeometry m_geometry;
    LogCellCache m_cellCache;
    QToolButton *m_followButton = nullptr;
    std::vector<NodeId> m_nodes; // the rows, top to bottom
    LogIndex m_baseIndex{1}; // the index at horizontal scroll value 0
    LogIndex m_highestIndex{};
    LogIndex m_anchorIndex{1}; // the first visible index while not following the tail
    bool m_followingTail = true;
    std::optional<std::uint64_t> m_focusIndex;
    bool m_scrollingProgrammatically = false;
    quint64 m_paintedSignature = 0;
    std::map<NodeId, Lag> m_lags;
    QTimer m_lagTimer; // wakes the view when a lag becomes worth saying, even if nothing else changes
    qint64 m_lastPaintUs = 0;
};

} // namespace raftlab
