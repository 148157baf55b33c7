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
    m_message->setTextFormat(Qt::PlainText);
    m_message->hide();
    m_summary = new QLabel(m_content);
    m_summary->setObjectName(QStringLiteral("clusterSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // Their texts are cut to the room arrange() gives them: a long one must not hold the window wide.
    m_message->setMinimumWidth(1);
    m_summary->setMinimumWidth(1);
    m_layout = new QBoxLayout(QBoxLayout::LeftToRight, m_content);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(gapPixels);
    m_layout->addWidget(m_message, 1);
    m_layout->addWidget(m_summary);
    // Permanent: QStatusBar never hides it for a message; stretched: nothing is left for QStatusBar's own
    // drawing of the message.
    addPermanentWidget(m_content, 1);
    connect(this, &QStatusBar::messageChanged, this, [this](const QString &message) {
        m_messageText = message;
        m_message->setVisible(!message.isEmpty());
        arrange();
    });
}

void StatusLine::setSummary(const QString &summary)
{
    m_summaryText = summary;
    arrange();
}

QString StatusLine::summary() const
{
    return m_summaryText;
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
    const int room = std::max(1, width() - 8); // QStatusBar's own margins around its widgets
    const bool hasMessage = m_message->isVisibleTo(this);
    const int messageWidth = hasMessage ? metrics.horizontalAdvance(m_messageText) : 0;
    const int summaryWidth = metrics.horizontalAdvance(m_summaryText);
    const bool ownLine = hasMessage && messageWidth + gapPixels + summaryWidth > room;
    m_layout->setDirection(ownLine ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
    m_layout->setSpacing(ownLine ? 2 : gapPixels);
    // Sharing the row, both texts fit (that is when they share it); on lines of their own, each gets the
    // whole width. The summary alone is cut only on a window too narrow for it.
    showFitting(m_message, m_messageText, room);
    showFitting(m_summary, m_summaryText, ownLine || !hasMessage ? room : room - messageWidth - gapPixels);
    // One height for every message: two lines, so that nothing above the status bar ever moves.
    m_content->setFixedHeight(2 * std::max(metrics.height(), metrics.lineSpacing()) + 8);
}

void StatusLine::showFitting(QLabel *label, const QString &text, int width)
{
    const QString shown = label->fontMetrics().elidedText(text, Qt::ElideRight, std::max(1, width));
    label->setText(shown);
    label->setToolTip(shown == text ? QString() : text);
}

} // namespace raftlab
