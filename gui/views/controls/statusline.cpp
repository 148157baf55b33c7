#include "statusline.h"

#include <QBoxLayout>
#include <QEvent>
#include <QLabel>

#include <algorithm>

namespace raftlab {

namespace {

// Between the message and the summary when they share a row.
constexpr int gapPixels = 24;

} // namespace

StatusLine::StatusLine(QWidget *parent)
    : QStatusBar(parent)
{
    setSizeGripEnabled(false);
    m_content = new QWidget(this);
    m_message = new QLabel(m_content);
    m_message->setObjectName(QStringLiteral("statusMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->hide();
    m_summary = new QLabel(m_content);
    m_summary->setObjectName(QStringLiteral("clusterSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_layout = new QBoxLayout(QBoxLayout::LeftToRight, m_content);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(gapPixels);
    m_layout->addWidget(m_message, 1);
    m_layout->addWidget(m_summary);
    // Permanent: QStatusBar never hides it for a message; stretched: nothing is left for QStatusBar's own
    // drawing of the message.
    addPermanentWidget(m_content, 1);
    connect(this, &QStatusBar::messageChanged, this, [this](const QString &message) {
        m_message->setText(message);
        m_message->setVisible(!message.isEmpty());
        arrange();
    });
}

void StatusLine::setSummary(const QString &summary)
{
    m_summary->setText(summary);
    arrange();
}

QString StatusLine::summary() const
{
    return m_summary->text();
}

bool StatusLine::messageHasItsOwnLine() const
{
    return m_layout->direction() == QBoxLayout::TopToBottom;
}

void StatusLine::paintEvent(QPaintEvent *event)
{
    Q_UNUSED(event);
}

void StatusLine::resizeEvent(QResizeEvent *event)
{
    QStatusBar::resizeEvent(event);
    arrange();
}

void StatusLine::changeEvent(QEvent *event)
{
    QStatusBar::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        arrange();
}

void StatusLine::arrange()
{
    const QFontMetrics metrics(font());
    const int room = width() - 8; // QStatusBar's own margins around its widgets
    const int messageWidth = m_message->isVisibleTo(this) ? metrics.horizontalAdvance(m_message->text()) : 0;
    const int summaryWidth = metrics.horizontalAdvance(m_summary->text());
    const bool ownLine = messageWidth > 0 && messageWidth + gapPixels + summaryWidth > room;
    m_layout->setDirection(ownLine ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
    m_layout->setSpacing(ownLine ? 2 : gapPixels);
    m_summary->setWordWrap(ownLine);
    // QStatusBar sizes itself from its widgets' minimum heights: a wrapped message asks for its lines.
    // Two lines are always reserved, so that the window above does not move when a message takes a line
    // of its own (the load generator's button, the ring, nothing jumps); only a longer one grows it.
    const int messageHeight = ownLine ? m_message->heightForWidth(std::max(1, room)) : 0;
    const int summaryHeight = ownLine ? m_summary->heightForWidth(std::max(1, room)) : metrics.height();
    const int twoLines = 2 * std::max(metrics.height(), metrics.lineSpacing()) + 8;
    m_content->setMinimumHeight(
        std::max(twoLines, ownLine ? messageHeight + m_layout->spacing() + summaryHeight : metrics.height()));
}

} // namespace raftlab
