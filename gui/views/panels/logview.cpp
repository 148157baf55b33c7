#include "logview.h"

#include "logcellinfo.h"
#include "logrowpainter.h"

#include <QElapsedTimer>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolButton>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>

namespace raftlab {

using namespace Qt::StringLiterals;

LogView::LogView(const ClusterModel *model, QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_model(model)
    , m_theme(Theme::standard())
    , m_geometry(LogGeometry::forTheme(m_theme))
{
    Q_ASSERT(model);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn); // it carries the "Follow tail" button
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent); // paintEvent fills every pixel
    horizontalScrollBar()->setSingleStep(1);

    m_followButton = new QToolButton(this);
    m_followButton->setText(tr("Follow tail ⇥"));
    m_followButton->setToolTip(tr("Keep the newest entries in view"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    m_followButton->setAutoRaise(true);
    addScrollBarWidget(m_followButton, Qt::AlignRight);
    connect(m_followButton, &QToolButton::toggled, this, &LogView::setFollowingTail);

    connect(horizontalScrollBar(), &QScrollBar::valueChanged, this, &LogView::onHorizontalScrolled);
    m_lagTimer.setSingleShot(true);
    connect(&m_lagTimer, &QTimer::timeout, this, &LogView::onModelChanged);
    connect(model, &ClusterModel::changed, this, &LogView::onModelChanged);
    connect(model, &ClusterModel::nodesChanged, this, &LogView::onModelChanged);
    onModelChanged();
}

LogView::~LogView() = default;

void LogView::setTheme(const Theme &theme)
{
    m_theme = theme;
    m_geometry = LogGeometry::forTheme(theme);
    m_cellCache.clear();
    // The button lives in the scroll bar's strip, which does not grow with projector fonts.
    m_followButton->setFont(theme.font(0.9 / theme.fontScale()));
    updateScrollRanges();
    updateGeometry();
    viewport()->update();
}

QSize LogView::sizeHint() const
{
    const int rows = std::max<int>(3, int(m_nodes.size()));
    return QSize(m_geometry.labelWidth + 12 * m_geometry.cellWidth,
                 m_geometry.contentHeight(rows) + horizontalScrollBar()->sizeHint().height() +
                     2 * frameWidth());
}

int LogView::firstVisibleIndex() const
{
    if (m_highestIndex.value == 0)
        return 0;
    return int((m_baseIndex + std::uint64_t(horizontalScrollBar()->value())).value);
}

int LogView::lastVisibleIndex() const
{
    if (m_highestIndex.value == 0)
        return 0;
    const std::uint64_t last = std::uint64_t(firstVisibleIndex()) +
        std::uint64_t(m_geometry.visibleColumns(viewport()->width())) - 1;
    return int(std::min(last, m_highestIndex.value));
}

void LogView::setFollowingTail(bool follow)
{
    if (follow != m_followingTail) {
        m_followingTail = follow;
        Q_EMIT followingTailChanged(follow);
    }
    if (m_followButton->isChecked() != follow)
        m_followButton->setChecked(follow); // re-enters with the same value: no signal again
    if (follow)
        updateScrollRanges();
}

QRect LogView::cellRect(NodeId node, LogIndex index) const
{
    const int row = rowOf(node);
    if (row < 0)
        return {};
    const qint64 column = qint64(index.value) - qint64(firstVisibleIndex());
    return m_geometry.cellRect(row, int(column), verticalScrollBar()->value());
}

int LogView::rowOf(NodeId node) const
{
    const auto found = std::find(m_nodes.begin(), m_nodes.end(), node);
    return found == m_nodes.end() ? -1 : int(found - m_nodes.begin());
}

void LogView::onModelChanged()
{
    m_nodes = m_model->nodeIds();
    trackLags();
    updateScrollRanges();
    // The model changes every frame while messages fly; the logs often do not. Repaint only when
    // something this view draws moved.
    const quint64 signature = visibleStateSignature();
    if (signature != m_paintedSignature) {
        m_paintedSignature = signature;
        viewport()->update();
    }
}

void LogView::trackLags()
{
    const qint64 now = m_model->nowUs();
    const LogMirror *leaderLog = m_model->log(m_model->summary().leader);
    std::map<NodeId, Lag> lags;
    qint64 nextDueUs = -1;
    for (NodeId id : m_nodes) {
        const LogMirror *log = m_model->log(id);
        if (!leaderLog || !log || log == leaderLog || log->lastIndex() >= leaderLog->lastIndex())
            continue;
        const auto known = m_lags.find(id);
        const bool unchanged = known != m_lags.end() && known->second.last == log->lastIndex();
        const Lag lag{.last = log->lastIndex(), .sinceUs = unchanged ? known->second.sinceUs : now};
        lags.emplace(id, lag);
        if (now - lag.sinceUs < lagNoteDelayUs) {
            const qint64 due = lag.sinceUs + lagNoteDelayUs;
            nextDueUs = nextDueUs < 0 ? due : std::min(nextDueUs, due);
        }
    }
    m_lags = std::move(lags);
    if (nextDueUs >= 0 && !m_lagTimer.isActive())
        m_lagTimer.start(int(std::clamp<qint64>((nextDueUs - now) / 1000 + 1, 1, lagNoteDelayUs / 1000)));
}

std::optional<LogIndex> LogView::lacksThrough(NodeId node) const
{
    const auto lag = m_lags.find(node);
    const NodeState *state = m_model->node(node);
    const LogMirror *leaderLog = m_model->log(m_model->summary().leader);
    if (lag == m_lags.end() || !state || !leaderLog)
        return std::nullopt;
    const bool settled = m_model->nowUs() - lag->second.sinceUs >= lagNoteDelayUs;
    if (!settled && state->connected)
        return std::nullopt;
    return leaderLog->lastIndex();
}

QString LogView::lagNote(NodeId node) const
{
    const std::optional<LogIndex> through = lacksThrough(node);
    const LogMirror *log = m_model->log(node);
    return through && log ? lackText(log->lastIndex(), *through) : QString();
}

quint64 LogView::visibleStateSignature() const
{
    quint64 hash = 1469598103934665603ULL; // FNV-1a over the fields the rows draw
    const auto mix = [&hash](quint64 value) {
        hash ^= value;
        hash *= 1099511628211ULL;
    };
    mix(m_nodes.size());
    const NodeId leader = m_model->summary().leader;
    mix(leader.value);
    for (NodeId id : m_nodes) {
        const NodeState *node = m_model->node(id);
        const LogMirror *log = m_model->log(id);
        mix(id.value);
        mix(log ? log->revision() : 0);
        mix(node ? (quint64(node->role) << 1 | quint64(node->connected)) : 0);
        mix(node ? node->term.value : 0);
        const std::optional<LogIndex> lacks = lacksThrough(id);
        mix(lacks ? lacks->value + 1 : 0);
    }
    if (const NodeState *leaderState = m_model->node(leader)) {
        for (const FollowerProgress &follower : leaderState->followers) {
            mix(follower.id.value);
            mix(follower.matchIndex.value);
            mix(follower.nextIndex.value);
        }
    }
    return hash;
}

void LogView::updateScrollRanges()
{
    // The range starts at the lowest index any row can show: index 1, or the last index of a prefix
    // some row cannot show (so that its hatched "snapshot ≤ N" block stays reachable).
    LogIndex base{};
    for (NodeId id : m_nodes) {
        const LogMirror *log = m_model->log(id);
        if (!log || log->lastIndex().value == 0)
            continue;
        const LogIndex rowStart = std::max(LogIndex(1), unmirroredPrefixEnd(*log));
        base = base.value == 0 ? rowStart : std::min(base, rowStart);
    }
    m_baseIndex = base.value == 0 ? LogIndex(1) : base;
    m_highestIndex = m_model->highestLogIndex();

    const int visible = m_geometry.visibleColumns(viewport()->width());
    // One column past the highest index: the slot a leader's nextIndex usually points at.
    const qint64 columns = m_highestIndex.value == 0 ? 0 : qint64(distance(m_baseIndex, m_highestIndex)) + 2;
    const int maximum = int(std::max<qint64>(0, columns - visible));
    const qint64 anchored = qint64(m_anchorIndex.value) - qint64(m_baseIndex.value);

    m_scrollingProgrammatically = true;
    QScrollBar *horizontal = horizontalScrollBar();
    horizontal->setRange(0, maximum);
    horizontal->setPageStep(visible);
    horizontal->setValue(m_followingTail ? maximum : int(std::clamp<qint64>(anchored, 0, maximum)));
    QScrollBar *vertical = verticalScrollBar();
    vertical->setRange(0, std::max(0, m_geometry.contentHeight(int(m_nodes.size())) - viewport()->height()));
    vertical->setPageStep(viewport()->height());
    vertical->setSingleStep(m_geometry.rowHeight() / 2);
    m_scrollingProgrammatically = false;
    m_anchorIndex = LogIndex(std::uint64_t(std::max(1, firstVisibleIndex())));
}

void LogView::onHorizontalScrolled(int value)
{
    if (m_scrollingProgrammatically)
        return;
    // The user moved: scrolling back pauses following, reaching the right end resumes it.
    m_anchorIndex = m_baseIndex + std::uint64_t(value);
    setFollowingTail(value == horizontalScrollBar()->maximum());
}

void LogView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollRanges();
}

void LogView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void LogView::wheelEvent(QWheelEvent *event)
{
    // A plain wheel scrolls the rows when they overflow; otherwise (or with Shift) it walks the log.
    const bool horizontalGesture = qAbs(event->angleDelta().x()) > qAbs(event->angleDelta().y());
    if (horizontalGesture || verticalScrollBar()->maximum() == 0 ||
        (event->modifiers() & Qt::ShiftModifier)) {
        const int delta = horizontalGesture ? event->angleDelta().x() : event->angleDelta().y();
        const int steps = delta / 40; // a notch (120) moves three columns
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() -
                                        (steps != 0 ? steps : (delta > 0 ? 1 : -1)));
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

bool LogView::viewportEvent(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QAbstractScrollArea::viewportEvent(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const int scrollY = verticalScrollBar()->value();
    const int row = (help->pos().y() + scrollY - m_geometry.headerHeight) / m_geometry.rowHeight();
    const int column = (help->pos().x() - m_geometry.labelWidth) / m_geometry.cellWidth;
    if (help->pos().x() >= m_geometry.labelWidth && row >= 0 && row < int(m_nodes.size()) &&
        firstVisibleIndex() > 0) {
        const QRect cell = m_geometry.cellRect(row, column, scrollY);
        const LogIndex index = LogIndex(std::uint64_t(firstVisibleIndex()) + std::uint64_t(column));
        const QString text =
            cell.contains(help->pos()) ? describeLogCell(*m_model, m_nodes[row], index) : QString();
        if (!text.isEmpty()) {
            QToolTip::showText(help->globalPos(), text, viewport(), cell);
            return true;
        }
    }
    QToolTip::hideText();
    event->ignore();
    return true;
}

int LogView::columnsToPaint() const
{
    if (m_highestIndex.value == 0)
        return 0;
    const std::uint64_t fitting =
        std::uint64_t(m_geometry.visibleColumns(viewport()->width())) + 1; // + partial
    return int(std::min(fitting, distance(LogIndex(std::uint64_t(firstVisibleIndex())), m_highestIndex) + 2));
}

void LogView::setFocusIndex(std::optional<std::uint64_t> index)
{
    m_focusIndex = index;
    viewport()->update();
}

QRect LogView::focusRect() const
{
    if (!m_focusIndex)
        return {};
    const int first = std::max(1, firstVisibleIndex());
    const int column = int(*m_focusIndex) - first;
    if (column < 0 || column >= columnsToPaint())
        return {};
    const int rows = int(m_nodes.size());
    const int top = m_geometry.headerHeight - verticalScrollBar()->value();
    return QRect(m_geometry.columnLeft(column), top, m_geometry.cellWidth, rows * m_geometry.rowHeight())
        .intersected(QRect(0, 0, viewport()->width(), viewport()->height() - m_geometry.legendHeight));
}

void LogView::paintEvent(QPaintEvent *event)
{
    QElapsedTimer timer;
    timer.start();
    QPainter painter(viewport());
    painter.fillRect(event->rect(), m_theme.background());

    const int rows = int(m_nodes.size());
    const int columns = columnsToPaint();
    const LogIndex first(std::uint64_t(std::max(1, firstVisibleIndex())));
    std::vector<bool> conflicts(std::size_t(columns), false);
    for (int column = 0; column < columns; ++column)
        conflicts[std::size_t(column)] = termsDisagreeAt(*m_model, m_nodes, first + std::uint64_t(column));

    const QRect rowsArea(0, m_geometry.headerHeight, viewport()->width(),
                         viewport()->height() - m_geometry.headerHeight - m_geometry.legendHeight);
    painter.setClipRect(rowsArea);
    paintConflictBands(painter, conflicts, rows);

    const int scrollY = verticalScrollBar()->value();
    const LogRowPainter rowPainter(m_theme, m_geometry, &m_cellCache, viewport()->devicePixelRatioF());
    const NodeId leader = m_model->summary().leader;
    const NodeState *leaderState = m_model->node(leader);
    for (int row = 0; row < rows; ++row) {
        const QRect rowRect(0, m_geometry.rowTop(row, scrollY), viewport()->width(), m_geometry.rowHeight());
        if (!rowRect.intersects(rowsArea))
            continue;
        LogRowInput input{.row = row,
                          .scrollY = scrollY,
                          .firstIndex = first,
                          .columns = columns,
                          .node = m_model->node(m_nodes[std::size_t(row)]),
                          .log = m_model->log(m_nodes[std::size_t(row)]),
                          .leaderView = std::nullopt,
                          .highestTerm = m_model->summary().highestTerm,
                          .lacksThrough = lacksThrough(m_nodes[std::size_t(row)])};
        if (!input.node || !input.log)
            continue;
        if (leaderState && m_nodes[std::size_t(row)] != leader)
            if (const FollowerProgress *progress = leaderState->follower(m_nodes[std::size_t(row)]))
                input.leaderView = *progress;
        rowPainter.paint(painter, input);
    }
    painter.setClipping(false);

    if (rows == 0 || columns == 0) {
        painter.setPen(m_theme.mutedText());
        painter.setFont(m_geometry.cellFont);
        painter.drawText(rowsArea.adjusted(m_geometry.labelWidth, 0, 0, 0), Qt::AlignCenter,
                         rows == 0 ? tr("Waiting for the nodes…")
                                   : tr("No log entries yet: write a key to see one."));
    }
    paintHeader(painter, first, conflicts);
    if (const QRect focus = focusRect(); !focus.isEmpty()) {
        painter.setPen(QPen(Theme::focus(), m_theme.lineWidth() * 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(
            focus.adjusted(-2, 0, 2, 0).united(QRect(focus.left() - 2, 1, focus.width() + 4, 1)));
    }
    paintLegend(painter);
    m_lastPaintUs = timer.nsecsElapsed() / 1000;
}

void LogView::paintConflictBands(QPainter &painter, const std::vector<bool> &conflicts, int rows) const
{
    QColor band = m_theme.cutLink();
    band.setAlphaF(0.16);
    const int top = m_geometry.headerHeight - verticalScrollBar()->value();
    for (std::size_t column = 0; column < conflicts.size(); ++column)
        if (conflicts[column])
            painter.fillRect(QRect(m_geometry.columnLeft(int(column)), top, m_geometry.cellWidth,
                                   rows * m_geometry.rowHeight()),
                             band);
}

void LogView::paintHeader(QPainter &painter, LogIndex first, const std::vector<bool> &conflicts) const
{
    const QRect header(0, 0, viewport()->width(), m_geometry.headerHeight);
    painter.fillRect(header, m_theme.background());
    painter.setPen(m_theme.grid());
    painter.drawLine(header.bottomLeft(), header.bottomRight());
    painter.setPen(m_theme.mutedText());
    painter.setFont(m_geometry.smallFont);
    painter.drawText(
        header.adjusted(8, 0, 0, 0).intersected(QRect(0, 0, m_geometry.labelWidth, header.height())),
        Qt::AlignLeft | Qt::AlignVCenter, tr("log index →"));
    QFont conflictFont = m_geometry.smallFont;
    conflictFont.setBold(true);
    for (std::size_t column = 0; column < conflicts.size(); ++column) {
        const QRect rect(m_geometry.columnLeft(int(column)), 0, m_geometry.cellWidth, header.height());
        painter.setPen(conflicts[column] ? m_theme.cutLink() : m_theme.mutedText());
        painter.setFont(conflicts[column] ? conflictFont : m_geometry.smallFont);
        if (first + column <= m_highestIndex) // the slot after the tail has no entry yet, nor a number
            painter.drawText(rect, Qt::AlignCenter, QString::number((first + column).value));
    }
}

void LogView::paintLegend(QPainter &painter) const
{
    // Two lines a student reads once: what solid / dashed / the bars / the marks mean.
    const QRect area(0, viewport()->height() - m_geometry.legendHeight, viewport()->width(),
                     m_geometry.legendHeight);
    painter.fillRect(area, m_theme.background());
    painter.setPen(m_theme.grid());
    painter.drawLine(area.topLeft(), area.topRight());
    painter.setFont(m_geometry.smallFont);
    const QFontMetrics metrics(m_geometry.smallFont);
    const int lineHeight = metrics.height();
    const int glyph = lineHeight; // the width of a swatch
    int x = 8;
    int y = area.top() + 4;
    const auto text = [&](const QString &words) {
        painter.setPen(m_theme.mutedText());
        painter.drawText(QRect(x, y, metrics.horizontalAdvance(words) + 2, lineHeight), Qt::AlignVCenter,
                         words);
        x += metrics.horizontalAdvance(words) + lineHeight;
    };
    const auto swatch = [&](const QColor &fill, Qt::PenStyle outline) {
        const QRectF box(x, y + 2, glyph, lineHeight - 4);
        painter.fillRect(box, fill);
        painter.setPen(QPen(m_theme.text(), outline == Qt::DashLine ? m_theme.lineWidth() : 1.0, outline));
        painter.drawRect(box);
        x += glyph + 4;
    };
    const auto bar = [&](const QColor &color) {
        painter.fillRect(QRect(x, y + lineHeight / 2 - 2, glyph, 4), color);
        x += glyph + 4;
    };
    const LogRowPainter cells(m_theme, m_geometry);
    swatch(cells.cellFill(Term(1), true), Qt::SolidLine);
    text(tr("committed"));
    swatch(cells.cellFill(Term(1), false), Qt::DashLine);
    text(tr("not committed yet"));
    text(tr("fill colour = term (t1, t2, …)"));
    QColor band = m_theme.cutLink();
    band.setAlphaF(0.16);
    swatch(band, Qt::NoPen);
    text(tr("terms disagree at this index"));

    x = 8;
    y += lineHeight + 2;
    bar(m_theme.committed());
    text(tr("commit index"));
    bar(m_theme.applied());
    text(tr("applied index"));
    painter.setPen(m_theme.roleColor(Role::Leader));
    painter.setBrush(m_theme.roleColor(Role::Leader));
    QPainterPath triangle;
    const qreal size = lineHeight * 0.35;
    triangle.moveTo(x + size, y + lineHeight * 0.75);
    triangle.lineTo(x, y + lineHeight * 0.3);
    triangle.lineTo(x + 2 * size, y + lineHeight * 0.3);
    triangle.closeSubpath();
    painter.drawPath(triangle);
    painter.setBrush(Qt::NoBrush);
    x += int(2 * size) + 4;
    text(tr("the leader's nextIndex / matchIndex for that node"));
}

} // namespace raftlab
