#include "lessonpanelbinding.h"

#include "model/lessonprogress.h"
#include "views/controls/lessonpanel.h"

#include <QAction>

namespace raftlab {

void bindLessonPanel(LessonPanel *panel, LessonProgress *lesson)
{
    QObject::connect(panel, &LessonPanel::nextRequested, lesson, &LessonProgress::next);
    QObject::connect(panel, &LessonPanel::previousRequested, lesson, &LessonProgress::previous);
    QObject::connect(panel, &LessonPanel::restartRequested, lesson, &LessonProgress::restart);
    QObject::connect(panel, &LessonPanel::stopRequested, lesson, &LessonProgress::stop);
}

QList<QAction *> lessonStepActions(LessonProgress *lesson, QObject *parent)
{
    auto *next = new QAction(QObject::tr("Next step"), parent);
    next->setShortcut(QKeySequence(Qt::Key_PageDown));
    QObject::connect(next, &QAction::triggered, lesson, &LessonProgress::next);
    auto *previous = new QAction(QObject::tr("Previous step"), parent);
    previous->setShortcut(QKeySequence(Qt::Key_PageUp));
    QObject::connect(previous, &QAction::triggered, lesson, &LessonProgress::previous);
    return {next, previous};
}

} // namespace raftlab
