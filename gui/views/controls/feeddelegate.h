#pragma once

#include "views/theme.h"

#include <QStyledItemDelegate>

namespace raftlab {

// Draws one sentence of the event feed: the time since the first event, a chip with the node's number
// in the colour of the term the sentence happened in (the cluster and log views fill terms with the
// same colours), and the sentence, wrapped over at most linesPerRow() lines and elided beyond (the
// tooltip has it whole).
//
// Every row has the same height (sizeHint() depends on the font and linesPerRow() only), so the list
// can use uniform item sizes and never measures the rows: a frame's insertion costs no layout. In
// projector mode (wholeSentences) nothing is elided: each row is as tall as its sentence needs at the
// row width it was given, and keeps that height (it changes only with the width or the font).
class FeedDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FeedDelegate)

public:
    explicit FeedDelegate(QObject *parent = nullptr);

    void setTheme(const Theme &theme);
    // t_us of the first event: times are drawn relative to it ("+12.345 s").
    void setOriginUs(qint64 tUs) { m_originUs = tUs; }
    qint64 originUs() const { return m_originUs; }
    void setLinesPerRow(int lines);
    int linesPerRow() const { return m_linesPerRow; }
    void setWholeSentences(bool whole);
    bool wholeSentences() const { return m_wholeSentences; }
    void setRowWidth(int width); // the list's viewport: where whole sentences wrap
    // The lines a row of `width` pixels draws for `text` (tests read what a student sees).
    QStringList linesOf(const QString &text, int rowWidth) const;

    // "+12.345 s" under a minute, "+2:05.123" beyond.
    static QString relativeTime(qint64 tUs, qint64 originUs);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

private:
    void measure(); // the cached sizes, after a theme or line-count change
    bool stacked(int rowWidth) const; // the time and chip on a line above the sentence
    int textLeft(int rowWidth) const;
    int textWidth(int rowWidth) const;
    // The sentence in at most linesPerRow() lines of `width` pixels, the last one elided if need be
    // (in as many lines as it needs, with wholeSentences).
    QStringList wrap(const QString &text, int width) const;

    Theme m_theme = Theme::standard();
    QFont m_textFont;
    QFont m_timeFont;
    QFont m_chipFont;
    qint64 m_originUs = 0;
    int m_linesPerRow = 1;
    int m_lineHeight = 0;
    int m_padding = 0;
    int m_timeWidth = 0; // the time column fits "+99:59.999"
    int m_chipWidth = 0;
    int m_rowHeight = 0;
    int m_rowWidth = 400;
    bool m_wholeSentences = false;
};

} // namespace raftlab
