#pragma once

// HistoryPanel: the History tab. Every client operation of the run as a bar on the time axis, one row per
// client (green ok, red fail, grey unknown; the key and value on hover), following the run live or
// showing all of it. Above it the checker's verdict in words; for a violation, the operations that admit
// no order stand out (the rest fade) and the sentence says why.
//
// It draws ClientHistory (gui/model) and asks for everything else: checkWanted(), exportHistoryWanted(),
// exportVerdictWanted().

#include "views/theme.h"

#include <QWidget>

#include <set>

class QCheckBox;
class QLabel;
class QPushButton;
class QTimer;

namespace raftlab {

class ClientHistory;

// The bars. Public for tests: barAt() says which operation is drawn at a point.
class HistoryTimeline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryTimeline)

public:
    static constexpr qint64 liveWindowUs = 10'000'000;
    static constexpr int labelWidth = 64;
    static constexpr int axisHeight = 20;
    static constexpr int maxRowHeight = 18;

    explicit HistoryTimeline(const ClientHistory *history, QWidget *parent = nullptr);

    void setTheme(const Theme &theme);
    void setFollowLive(bool live); // the last liveWindowUs up to now; else the whole history
    bool followsLive() const { return m_live; }
    void setHighlighted(std::set<qsizetype> operations); // empty: nothing stands out
    // The operation drawn at `point`, or -1.
    qsizetype barAt(QPoint point) const;
    QRectF barRect(qsizetype operation) const; // empty when not on show
    QString describeBar(qsizetype operation) const; // the hover text

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Window
    {
        qint64 fromUs = 0;
        qint64 toUs = 1;
    };
    Window window() const;
    qreal rowHeight() const;
    qreal xOf(qint64 us, const Window &window) const;

    const ClientHistory *m_history;
    Theme m_theme = Theme::standard();
    bool m_live = true;
    std::set<qsizetype> m_highlighted;
};

class HistoryPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryPanel)

public:
    static constexpr int refreshIntervalMs = 100; // repaints while the history grows

    explicit HistoryPanel(const ClientHistory *history, QWidget *parent = nullptr);

    void setTheme(const Theme &theme);
    HistoryTimeline *timeline() const { return m_timeline; }
    QString verdictText() const;

Q_SIGNALS:
    void checkWanted();
    void exportHistoryWanted();
    void exportVerdictWanted();

private:
    void showReport();
    void showCounts();

    const ClientHistory *m_history;
    HistoryTimeline *m_timeline;
    QLabel *m_verdict;
    QLabel *m_counts;
    QPushButton *m_check;
    QPushButton *m_exportHistory;
    QPushButton *m_exportVerdict;
    QCheckBox *m_live;
    QTimer *m_refresh;
    Theme m_theme = Theme::standard();
};

} // namespace raftlab
