#include "logrowpainter.h"

#include "model/sentences.h"
#include "model/streamevent.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QPainterPath>

#include <algorithm>

namespace raftlab {

using namespace Qt::StringLiterals;

namespace {

// Blends `color` towards `ground`: an uncommitted entry is the same hue, visibly lighter.
QColor blend(const QColor &color, const QColor &ground, qreal amount)
{
    return QColor::fromRgbF(color.redF() + (ground.redF() - color.redF()) * amount,
                            color.greenF() + (ground.greenF() - color.greenF()) * amount,
                            color.blueF() + (ground.blueF() - color.blueF()) * amount);
}

} // namespace

QString cellText(const QString &command)
{
    return command.startsWith(u"put "_s) ? command.mid(4) : command;
}

QString lackText(LogIndex last, LogIndex through)
{
    const LogIndex from = last.next();
    const QString lacks = from == through
        ? QCoreApplication::translate("LogView", "lacks %1").arg(from.value)
        : QCoreApplication::translate("LogView", "lacks %1–%2").arg(from.value).arg(through.value);
    const QString ends = last.value == 0
        ? QCoreApplication::translate("LogView", "log is empty")
        : QCoreApplication::translate("LogView", "log ends at %1").arg(last.value);
    return QCoreApplication::translate("LogView", "%1 · %2").arg(ends, lacks);
}

LogIndex unmirroredPrefixEnd(const LogMirror &log)
{
    LogIndex end = std::min(log.snapshotIndex(), log.lastIndex()); // compacted into a snapshot
    if (log.size() >= log.capacity()) // older than the newest entries the mirror keeps
        end = std::max(end, log.firstMirroredIndex().previous());
    return end;
}

QColor LogRowPainter::cellFill(Term term, bool committed) const
{
    const QColor fill = m_theme.termColor(term);
    return committed ? fill : blend(fill, m_theme.panel(), 0.55);
}

int LogRowPainter::columnOf(const LogRowInput &input, LogIndex index) const
{
    if (index < input.firstIndex || index.value == 0)
        return -1;
    const std::uint64_t column = distance(input.firstIndex, index);
    return column < std::uint64_t(input.columns) ? int(column) : -1;
}

void LogRowPainter::paint(QPainter &painter, const LogRowInput &input) const
{
    paintLabel(painter, input);
    painter.save();
    if (!input.node->connected)
        painter.setOpacity(0.45); // a dead node's log is still on its disk: shown, but greyed

    const LogMirror &log = *input.log;
    const LogIndex prefixEnd = unmirroredPrefixEnd(log);
    if (prefixEnd >= input.firstIndex && prefixEnd.value > 0)
        paintUnmirroredPrefix(painter, input, prefixEnd);
    int unseenFrom = -1; // a run of entries the node holds and the app never saw
    for (int column = 0; column <= input.columns; ++column) {
        const LogIndex index = input.firstIndex + std::uint64_t(column);
        const LogCell *cell = column < input.columns ? log.entry(index) : nullptr;
        const bool unseen = column < input.columns && !cell && index > prefixEnd &&
            index <= log.lastIndex() && index >= log.firstLogIndex();
        if (unseen && unseenFrom < 0)
            unseenFrom = column;
        if (!unseen && unseenFrom >= 0) {
            paintUnseen(painter, input, unseenFrom, column - 1);
            unseenFrom = -1;
        }
        if (cell)
            paintCell(painter, m_geometry.cellRect(input.row, column, input.scrollY), *cell,
                      log.isCommitted(index));
    }
    paintProgressBars(painter, input);
    painter.restore();
    paintLack(painter, input);
    if (input.leaderView)
        paintLeaderView(painter, input);
}

void LogRowPainter::paintLabel(QPainter &painter, const LogRowInput &input) const
{
    const NodeState &node = *input.node;
    const QRect rect = m_geometry.labelRect(input.row, input.scrollY).adjusted(8, 0, -4, 0);
    const int cellTop = rect.top() + m_geometry.leaderLaneHeight;
    const QColor roleColor = node.connected ? m_theme.roleColor(node.role) : m_theme.killed();
    // An accent bar in the role's colour, as wide as the cells: which row leads is seen from afar.
    painter.fillRect(QRect(2, cellTop, 4, m_geometry.cellHeight), roleColor);

    painter.setPen(m_theme.text());
    painter.setFont(m_geometry.labelFont);
    const QFontMetrics label(m_geometry.labelFont);
    painter.drawText(QRect(rect.left(), cellTop + 2, rect.width(), label.height()), Qt::AlignLeft,
                     QCoreApplication::translate("LogView", "Node %1").arg(node.id.value));

    QString state = node.connected ? QCoreApplication::translate("LogView", "%1 · t %2")
                                         .arg(Sentences::role(node.role))
                                         .arg(node.term.value)
                                   : QCoreApplication::translate("LogView", "down");
    if (node.connected && node.isLeader() && node.term < input.highestTerm)
        state += QCoreApplication::translate("LogView",
                                             " (stale)"); // cut off, it still believes it leads an old term
    painter.setPen(node.connected && node.role == Role::Follower ? m_theme.mutedText() : roleColor);
    painter.setFont(m_geometry.smallFont);
    painter.drawText(QRect(rect.left(), cellTop + 2 + label.height(), rect.width(),
                           QFontMetrics(m_geometry.smallFont).height()),
                     Qt::AlignLeft, state);
}

void LogRowPainter::paintCell(QPainter &painter, const QRect &slot, const LogCell &cell, bool committed) const
{
    if (!m_cache) {
        renderCell(painter, slot, cell, committed);
        return;
    }
    const QPixmap &pixmap = m_cache->cell(cell, committed, slot.size(), m_devicePixelRatio,
                                          [&](QPainter &target, const QRect &at) {
                                              target.setRenderHints(painter.renderHints());
                                              renderCell(target, at, cell, committed);
                                          });
    painter.drawPixmap(slot.topLeft(), pixmap);
}

void LogRowPainter::renderCell(QPainter &painter, const QRect &slot, const LogCell &cell,
                               bool committed) const
{
    const QRect rect = slot.adjusted(1, 1, -2, -2); // a gap between neighbours
    painter.fillRect(rect, cellFill(cell.term, committed));
    QPen outline(committed ? m_theme.text() : m_theme.mutedText(), committed ? 1.0 : m_theme.lineWidth(),
                 committed ? Qt::SolidLine : Qt::DashLine);
    if (committed)
        outline.setColor(cellFill(cell.term, true).darker(160));
    painter.setPen(outline);
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5));

    const QFontMetrics small(m_geometry.smallFont);
    painter.setPen(m_theme.mutedText());
    painter.setFont(m_geometry.smallFont);
    const QRect termRect(rect.left() + 4, rect.top() + 2, rect.width() - 8, small.height());
    painter.drawText(termRect, Qt::AlignLeft | Qt::AlignVCenter, u"t%1"_s.arg(cell.term.value));

    const QFontMetrics font(m_geometry.cellFont);
    const QRect commandRect(rect.left() + 3, termRect.bottom() + 1, rect.width() - 6,
                            rect.bottom() - termRect.bottom() - 3);
    painter.setPen(m_theme.text());
    painter.setFont(m_geometry.cellFont);
    painter.drawText(commandRect, Qt::AlignCenter,
                     font.elidedText(cellText(cell.command), Qt::ElideRight, commandRect.width()));
}

void LogRowPainter::paintUnmirroredPrefix(QPainter &painter, const LogRowInput &input,
                                          LogIndex prefixEnd) const
{
    const int lastColumn =
        int(std::min<std::uint64_t>(distance(input.firstIndex, prefixEnd), std::uint64_t(input.columns - 1)));
    const QRect first = m_geometry.cellRect(input.row, 0, input.scrollY);
    const QRect block(first.topLeft(),
                      m_geometry.cellRect(input.row, lastColumn, input.scrollY).bottomRight());
    const QRect inner = block.adjusted(1, 1, -2, -2);
    painter.fillRect(inner, m_theme.panel());
    painter.fillRect(inner, QBrush(m_theme.grid(), Qt::BDiagPattern));
    painter.setPen(QPen(m_theme.mutedText(), 1.0));
    painter.drawRect(QRectF(inner).adjusted(0.5, 0.5, -0.5, -0.5));

    const LogMirror &log = *input.log;
    const QString text = log.snapshotIndex() >= prefixEnd
        ? QCoreApplication::translate("LogView", "snapshot ≤ %1").arg(prefixEnd.value)
        : QCoreApplication::translate("LogView", "older entries ≤ %1 not kept").arg(prefixEnd.value);
    painter.setFont(m_geometry.smallFont);
    const QFontMetrics small(m_geometry.smallFont);
    const QString shown = small.elidedText(text, Qt::ElideRight, inner.width() - 6);
    const QRect label = small.boundingRect(inner, Qt::AlignCenter, shown).adjusted(-3, -1, 3, 1);
    painter.fillRect(label, m_theme.panel()); // legible over the hatching
    painter.setPen(m_theme.text());
    painter.drawText(inner, Qt::AlignCenter, shown);
}

void LogRowPainter::paintUnseen(QPainter &painter, const LogRowInput &input, int firstColumn,
                                int lastColumn) const
{
    // Held by the node, content unknown to the app: outlined, dotted, no fill and no hatching (that
    // means a snapshot). A question mark per entry when narrow, words when there is room.
    const QRect first = m_geometry.cellRect(input.row, firstColumn, input.scrollY);
    const QRect block(first.topLeft(),
                      m_geometry.cellRect(input.row, lastColumn, input.scrollY).bottomRight());
    const QRect inner = block.adjusted(1, 1, -2, -2);
    painter.setPen(QPen(m_theme.mutedText(), 1.0, Qt::DotLine));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(inner).adjusted(0.5, 0.5, -0.5, -0.5));
    const LogIndex from = input.firstIndex + std::uint64_t(firstColumn);
    const LogIndex to = input.firstIndex + std::uint64_t(lastColumn);
    const QString words = from == to
        ? QCoreApplication::translate("LogView", "entry %1 not seen by the app").arg(from.value)
        : QCoreApplication::translate("LogView", "entries %1–%2 not seen by the app")
              .arg(from.value)
              .arg(to.value);
    const QFontMetrics small(m_geometry.smallFont);
    painter.setFont(m_geometry.smallFont);
    painter.setPen(m_theme.mutedText());
    painter.drawText(inner, Qt::AlignCenter,
                     small.horizontalAdvance(words) <= inner.width() - 6 ? words : u"?"_s);
}

void LogRowPainter::paintLack(QPainter &painter, const LogRowInput &input) const
{
    if (!input.lacksThrough || input.columns <= 0)
        return;
    // In the empty slots the node lacks, as far as they are in view: words, no outline (an outline means
    // entries the node holds). Every slot of the row after its last entry is empty, so words longer than
    // the lack (one entry: "log ends at 1 · lacks 2") run on to the right edge rather than being cut.
    const LogIndex last = input.log->lastIndex();
    const LogIndex from = std::max(last.next(), input.firstIndex);
    if (from > *input.lacksThrough)
        return;
    const int firstColumn = columnOf(input, from);
    const int lastColumn = int(std::min<std::uint64_t>(distance(input.firstIndex, *input.lacksThrough),
                                                       std::uint64_t(input.columns - 1)));
    if (firstColumn < 0 || lastColumn < firstColumn)
        return;
    const QRect block = m_geometry.cellRect(input.row, firstColumn, input.scrollY)
                            .united(m_geometry.cellRect(input.row, input.columns - 1, input.scrollY))
                            .adjusted(4, 1, -4, -2);
    const QString text = lackText(last, *input.lacksThrough);
    const QFontMetrics small(m_geometry.smallFont);
    painter.setFont(m_geometry.smallFont);
    painter.setPen(m_theme.mutedText());
    const int flags = Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap;
    const bool fits = small.boundingRect(block, flags, text).height() <= block.height();
    painter.drawText(block, flags, fits ? text : small.elidedText(text, Qt::ElideRight, block.width()));
}

void LogRowPainter::paintProgressBars(QPainter &painter, const LogRowInput &input) const
{
    // Two thin bars under the cells: "committed up to here" and "applied up to here". A bar reads as
    // a prefix, which is what the commit index means.
    const LogMirror &log = *input.log;
    const int barHeight = std::max(3, (m_geometry.markerLaneHeight - 4) / 2);
    const auto bar = [&](LogIndex through, const QColor &color, int offset) {
        if (through < input.firstIndex || through.value == 0)
            return;
        const int lastColumn = int(
            std::min<std::uint64_t>(distance(input.firstIndex, through), std::uint64_t(input.columns - 1)));
        const QRect lane = m_geometry.markerLaneRect(input.row, 0, input.scrollY);
        const int right = m_geometry.columnLeft(lastColumn) + m_geometry.cellWidth - 2;
        painter.fillRect(QRect(lane.left() + 1, lane.top() + 1 + offset, right - lane.left() - 1, barHeight),
                         color);
    };
    bar(log.commitIndex(), m_theme.committed(), 0);
    bar(log.appliedIndex(), m_theme.applied(), barHeight + 1);
}

void LogRowPainter::paintLeaderView(QPainter &painter, const LogRowInput &input) const
{
    const FollowerProgress &progress = *input.leaderView;
    if (progress.matchIndex.value > 0 && progress.matchIndex != progress.nextIndex)
        paintLeaderMark(painter, input, progress.matchIndex, QCoreApplication::translate("LogView", "match"),
                        false);
    paintLeaderMark(painter, input, progress.nextIndex, QCoreApplication::translate("LogView", "next"), true);
}

void LogRowPainter::paintLeaderMark(QPainter &painter, const LogRowInput &input, LogIndex index,
                                    const QString &text, bool filled) const
{
    const int column = columnOf(input, index);
    if (column < 0)
        return;
    const QRect lane = m_geometry.leaderLaneRect(input.row, column, input.scrollY);
    const QColor color = m_theme.roleColor(Role::Leader);
    const qreal size = lane.height() * 0.45;
    const QPointF tip(lane.left() + size + 3, lane.bottom());
    QPainterPath triangle;
    triangle.moveTo(tip);
    triangle.lineTo(tip.x() - size, tip.y() - size * 1.3);
    triangle.lineTo(tip.x() + size, tip.y() - size * 1.3);
    triangle.closeSubpath();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(color, 1.2));
    painter.setBrush(filled ? QBrush(color) : QBrush(m_theme.background()));
    painter.drawPath(triangle);
    painter.restore();
    painter.setPen(color);
    painter.setFont(m_geometry.smallFont);
    painter.drawText(QRect(int(tip.x() + size + 2), lane.top(), lane.width(), lane.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, text);
}

} // namespace raftlab
