#pragma once

// LessonChooser: the Lessons start page — every shipped lesson with its one-line summary, and a way
// to open a scenario file of one's own. It only reports the choice; the window starts the lesson.

#include "model/lessonprogress.h"

#include <QDialog>

class QListWidget;

namespace raftlab {

class LessonChooser final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LessonChooser)

public:
    LessonChooser(std::vector<LessonFile> lessons, QWidget *parent = nullptr);

    QListWidget *list() const { return m_list; }
    // After exec() == Accepted: the lesson chosen.
    const LessonFile *chosen() const;

Q_SIGNALS:
    void openFileRequested(); // "Open a scenario file…"

private:
    std::vector<LessonFile> m_lessons;
    QListWidget *m_list;
};

} // namespace raftlab
