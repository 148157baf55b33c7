#pragma once

// LessonPanel: the lesson being played — its title, chapter and step counter, every step with a tick
// or a cross once it ran (and what was seen), and the teacher's buttons: Previous, Next, Restart,
// Stop. It reads a LessonProgress and asks for what the teacher clicks; the session acts.

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace raftlab {

class LessonProgress;
class Theme;

class LessonPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LessonPanel)

public:
    explicit LessonPanel(const LessonProgress *session, QWidget *parent = nullptr);

    void applyTheme(const Theme &theme);

    QPushButton *nextButton() const { return m_next; }
    QPushButton *previousButton() const { return m_previous; }
    QPushButton *restartButton() const { return m_restart; }
    QListWidget *stepList() const { return m_steps; }
    QString stepCounterText() const;

Q_SIGNALS:
    void nextRequested();
    void previousRequested();
    void restartRequested();
    void stopRequested();

private:
    void refresh();
    void rebuildSteps();

    const LessonProgress *m_session;
    QLabel *m_title;
    QLabel *m_chapter;
    QLabel *m_counter;
    QListWidget *m_steps;
    QPushButton *m_previous;
    QPushButton *m_next;
    QPushButton *m_restart;
    QPushButton *m_stop;
    const void *m_builtFor = nullptr; // the scenario the list was built for
    std::size_t m_builtSteps = 0;
};

} // namespace raftlab
