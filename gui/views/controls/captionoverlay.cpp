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
    if (sentence.isEmpty() && chapter.isEmpty()) {
        hide();
        return;
    }
    m_chapter = chapter;
    m_sentence = sentence;
    place();
    show();
    raise();
}

int CaptionOverlay::preferredRoom() const
{
    return QFontMetrics(m_font).height() * 4 + 56;
}

void CaptionOverlay::setRoom(int pixels)
{
    if (pixels == m_room)
        return;
    m_room = pixels;
    place();
}

void CaptionOverlay::applyTheme(const Theme &theme)
{
    // Large enough for the back of a room; the projector theme scales it further.
    m_font = theme.font(1.6);
    setFont(m_font);
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

void CaptionOverlay::setType(const QFont &font, qreal leastPixels)
{
    setFont(font);
    // The heading alone (a lesson that waits before its first sentence) is the caption's one line.
    if (m_sentence.isEmpty()) {
        setText(m_chapter.toHtmlEscaped());
        return;
    }
    QString caption;
    if (!m_chapter.isEmpty()) {
        // Smaller than the sentence, but in pixels of its own: CSS's "small" would follow the sentence's
        // type below the least size the back row reads.
        const int heading = int(std::max(leastPixels, QFontInfo(font).pixelSize() * 0.8));
        caption += QStringLiteral("<span style='font-size:%1px; color:#c8c8d8'>%2</span><br>")
                       .arg(heading)
                       .arg(m_chapter.toHtmlEscaped());
    }
    setText(caption + m_sentence.toHtmlEscaped());
}

void CaptionOverlay::place()
{
    const QWidget *host = parentWidget();
    if (!host)
        return;
    const int margin = 16;
    const int width = std::max(200, host->width() - 2 * margin);
    const int room = m_room > 0 ? std::max(1, m_room - margin) : host->height() / 2;
    // The theme's type if the sentence fits the room in it, else smaller, step by step, down to the least
    // size a projector's back row reads.
    QFont font = m_font;
    const qreal least = std::min<qreal>(QFontInfo(m_font).pixelSize(), Theme::projectorMinimumPixels);
    setType(font, least);
    while (heightForWidth(width) > room && QFontInfo(font).pixelSize() * 0.9 >= least) {
        if (font.pixelSize() > 0)
            font.setPixelSize(int(font.pixelSize() * 0.9));
        else
            font.setPointSizeF(font.pointSizeF() * 0.9);
        setType(font, least);
    }
    const int height = std::min(heightForWidth(width), std::max(room, host->height() / 2));
    setGeometry(margin, host->height() - height - margin, width, height);
}

} // namespace raftlab
