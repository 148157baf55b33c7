#include "lessonchooser.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace raftlab {

LessonChooser::LessonChooser(std::vector<LessonFile> lessons, QWidget *parent)
    : QDialog(parent)
    , m_lessons(std::move(lessons))
    , m_list(new QListWidget)
{
    setWindowTitle(tr("Lessons"));
    auto *intro =
        new QLabel(tr("Each lesson starts a cluster of its own and plays one Raft phenomenon step by "
                      "step, with a sentence for the class at every step. It waits for Next where "
                      "there is something to look at; ✓ and ✗ show whether each expectation held."));
    intro->setWordWrap(true);
    m_list->setWordWrap(true);
    m_list->setAlternatingRowColors(true);
    for (const LessonFile &lesson : m_lessons) {
        QString text = lesson.scenario.title + QLatin1Char('\n') + lesson.scenario.summary;
        if (lesson.scenario.simulationOnly)
            text += QLatin1Char('\n') + tr("(plays in the step-by-step simulator, in a window of its own)");
        m_list->addItem(new QListWidgetItem(text));
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    QPushButton *start = buttons->addButton(tr("Start lesson"), QDialogButtonBox::AcceptRole);
    QPushButton *open = buttons->addButton(tr("Open a scenario file…"), QDialogButtonBox::ActionRole);
    start->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(open, &QPushButton::clicked, this, [this] {
        reject();
        Q_EMIT openFileRequested();
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(720, 640);
}

const LessonFile *LessonChooser::chosen() const
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= int(m_lessons.size()))
        return nullptr;
    return &m_lessons[std::size_t(row)];
}

} // namespace raftlab
