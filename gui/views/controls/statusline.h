#pragma once

// StatusLine: the main window's status bar. The cluster's summary (leader, term, nodes up) stays on the
// right; a message (showMessage(), as on any QStatusBar) takes the room to its left when it fits there,
// and a line of its own above the summary when it does not. It is always two lines high, whatever it
// shows: a message never moves the ring or a control above it. A text longer than its line is cut at
// its end ("…") and whole in the line's tooltip.

#include <QStatusBar>

class QBoxLayout;
class QLabel;

namespace raftlab {

class StatusLine final : public QStatusBar
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusLine)

public:
    explicit StatusLine(QWidget *parent = nullptr);

    void setSummary(const QString &summary);
    QString summary() const;
    // Whether the message on show has a line of its own above the summary.
    bool messageHasItsOwnLine() const;
    // The labels show the texts as they fit: cut with "…", the whole text in their tooltip.
    const QLabel *messageLabel() const { return m_message; }
    const QLabel *summaryLabel() const { return m_summary; }

protected:
    // The message is drawn by its own label, never by QStatusBar (which cuts it at the summary).
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void arrange();
    static void showFitting(QLabel *label, const QString &text, int width);

    QWidget *m_content = nullptr;
    QBoxLayout *m_layout = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_summary = nullptr;
    QString m_messageText; // whole, as given
    QString m_summaryText;
};

} // namespace raftlab
