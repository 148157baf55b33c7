#pragma once

// LessonPanel: the lesson being played — its title and step counter, every step with a tick
// or a cross once it ran (and what was seen), and the teacher's buttons: Previous, Next, Restart,
// Stop. It reads a lesson's progress (on real processes or simulated) and asks for what the teacher
// clicks; whoever plays the lesson acts.

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
    // The least height at the panel's width: its title, counter and buttons whole; the list of steps
    // may shrink away (the counter names the current step). A splitter never squeezes the panel below it.
    // (The chapter is a row of the list, and the heading of the caption on the ring.)
    QSize minimumSizeHint() const override;
    // The height that shows the first `rows` steps of the list (all of them when it has fewer) besides
    // what minimumSizeHint() holds, at the panel's width.
    int heightShowingSteps(int rows) const;

Q_SIGNALS:
    void nextRequested();
    void previousRequested();
    void restartRequested();
    void stopRequested();

private:
    void refresh();
    void rebuildSteps();
    QString currentStep() const; // the step running or waited at, in words ("freeze node 4")

    const LessonProgress *m_session;
    QLabel *m_title;
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
