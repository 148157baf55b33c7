#include "captionoverlay.h"

#include "views/theme.h"

#include <QEvent>

#include <algorithm>

namespace raftlab {

CaptionOverlay::CaptionOverlay(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("lessonCaption"));
    setWordWrap(true);
    setAlignment(Qt::AlignCenter);
    setTextFormat(Qt::RichText);
    // Clicks go through to the ring below: the caption only speaks.
    setAttribute(Qt::WA_TransparentForMouseEvents);
    parent->installEventFilter(this);
    hide();
}

void CaptionOverlay::setCaption(const QString &chapter, const QString &sentence)
{
    if (sentence.isEmpty()) {
        hide();
        return;
    }
    QString html;
    if (!chapter.isEmpty())
        html += QStringLiteral("<span style='font-size:small; color:#c8c8d8'>%1</span><br>")
                    .arg(chapter.toHtmlEscaped());
    html += sentence.toHtmlEscaped();
    setText(html);
    place();
    show();
    raise();
}

void CaptionOverlay::applyTheme(const Theme &theme)
{
    // Large enough for the back of a room; the projector theme scales it further.
    setFont(theme.font(1.6));
    setStyleSheet(QStringLiteral("QLabel#lessonCaption { background: rgba(20, 20, 28, 215); color: white;"
                                 " border-radius: 10px; padding: 12px 18px; }"));
    place();
}

bool CaptionOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parent() && event->type() == QEvent::Resize)
        place();
    return QLabel::eventFilter(watched, event);
}

void CaptionOverlay::place()
{
    const QWidget *host = parentWidget();
    if (!host)
        return;
    const int margin = 16;
    const int width = std::max(200, host->width() - 2 * margin);
    const int height = std::min(heightForWidth(width), host->height() / 2);
    setGeometry(margin, host->height() - height - margin, width, height);
}

} // namespace raftlab
