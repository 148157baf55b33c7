#pragma once

#include <QList>

class QAction;
class QObject;

namespace raftlab {

class LessonPanel;
class LessonProgress;

// Connects the lesson panel's buttons to the lesson being played (on real processes or simulated): the
// panel draws, the lesson acts.
void bindLessonPanel(LessonPanel *panel, LessonProgress *lesson);

// "Next step" (Page Down) and "Previous step" (Page Up), owned by `parent`: a presenter's clicker sends
// those keys, and they step the lesson even when its panel is hidden. Add them to a window or a menu.
QList<QAction *> lessonStepActions(LessonProgress *lesson, QObject *parent);

} // namespace raftlab
