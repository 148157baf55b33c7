#include "lessonpanel.h"

#include "model/lessonprogress.h"
#include "views/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace raftlab {

using scenario::StepResult;

LessonPanel::LessonPanel(const LessonProgress *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_title(new QLabel)
    , m_chapter(new QLabel)
    , m_counter(new QLabel)
    , m_steps(new QListWidget)
    , m_previous(new QPushButton(tr("◀ Previous")))
    , m_next(new QPushButton(tr("Next ▶")))
    , m_restart(new QPushButton(tr("Restart")))
    , m_stop(new QPushButton(tr("Close lesson")))
{
    m_title->setWordWrap(true);
    m_chapter->setWordWrap(true);
    m_steps->setWordWrap(true);
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_previous->setToolTip(tr("Start the lesson again on a fresh cluster and play it up to the step before"));
    m_next->setToolTip(tr("Run the next step (the lesson waits here for you)"));
    m_restart->setToolTip(tr("Start the lesson again from its first step, on a fresh cluster"));

    auto *buttons = new QHBoxLayout;
    for (QPushButton *button : {m_previous, m_next, m_restart, m_stop})
        buttons->addWidget(button);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_chapter);
    layout->addWidget(m_counter);
    layout->addLayout(buttons);
    layout->addWidget(m_steps, 1);

    connect(m_previous, &QPushButton::clicked, this, &LessonPanel::previousRequested);
    connect(m_next, &QPushButton::clicked, this, &LessonPanel::nextRequested);
    connect(m_restart, &QPushButton::clicked, this, &LessonPanel::restartRequested);
    connect(m_stop, &QPushButton::clicked, this, &LessonPanel::stopRequested);
    connect(session, &LessonProgress::changed, this, &LessonPanel::refresh);
    refresh();
}

void LessonPanel::applyTheme(const Theme &theme)
{
    m_title->setFont(theme.font(1.3, true));
    m_chapter->setFont(theme.font(1.1));
    m_counter->setFont(theme.font(1.0));
    m_steps->setFont(theme.font(0.95));
    for (QPushButton *button : {m_previous, m_next, m_restart, m_stop})
        button->setFont(theme.font(1.0, button == m_next));
}

QString LessonPanel::stepCounterText() const
{
    const int count = int(m_session->scenario().steps.size());
    switch (m_session->state()) {
    case LessonProgress::State::Idle:
        return {};
    case LessonProgress::State::Starting:
        return tr("Starting %1 nodes…").arg(m_session->scenario().nodes);
    case LessonProgress::State::Failed:
        return tr("The lesson could not start: %1").arg(m_session->problem());
    case LessonProgress::State::Finished: {
        int failed = 0;
        for (const auto &result : m_session->results())
            failed += result && result->verdict == StepResult::Verdict::Failed ? 1 : 0;
        return failed == 0 ? tr("Finished: every expectation held.")
                           : tr("Finished: %n expectation(s) did not hold.", nullptr, failed);
    }
    case LessonProgress::State::Waiting:
        return tr("Step %1 of %2 — press Next").arg(m_session->currentIndex() + 1).arg(count);
    case LessonProgress::State::Running:
        break;
    }
    return tr("Step %1 of %2").arg(m_session->currentIndex() + 1).arg(count);
}

void LessonPanel::rebuildSteps()
{
    m_steps->clear();
    for (const scenario::Step &step : m_session->scenario().steps) {
        auto *item =
            new QListWidgetItem(QStringLiteral("%1. %2").arg(step.number).arg(scenario::describe(step)));
        item->setToolTip(step.say);
        m_steps->addItem(item);
    }
    m_builtFor = &m_session->scenario();
    m_builtSteps = m_session->scenario().steps.size();
}

void LessonPanel::refresh()
{
    const scenario::Scenario &lesson = m_session->scenario();
    m_title->setText(lesson.title);
    m_chapter->setText(m_session->chapter());
    m_chapter->setVisible(!m_session->chapter().isEmpty());
    m_counter->setText(stepCounterText());
    if (m_builtFor != &lesson || m_builtSteps != lesson.steps.size() ||
        m_steps->count() != int(lesson.steps.size()))
        rebuildSteps();

    const auto &results = m_session->results();
    for (int i = 0; i < m_steps->count(); ++i) {
        const scenario::Step &step = lesson.steps[std::size_t(i)];
        QString text = QStringLiteral("%1. %2").arg(step.number).arg(scenario::describe(step));
        QString mark = QStringLiteral("   ");
        if (i < int(results.size()) && results[std::size_t(i)]) {
            const StepResult &result = *results[std::size_t(i)];
            mark = result.verdict == StepResult::Verdict::Held  ? QStringLiteral("✓ ")
                : result.verdict == StepResult::Verdict::Failed ? QStringLiteral("✗ ")
                                                                : QStringLiteral("• ");
            if (!result.seen.isEmpty())
                text += QStringLiteral(" — %1").arg(result.seen);
        }
        QListWidgetItem *item = m_steps->item(i);
        item->setText(mark + text);
        QFont font = item->font();
        font.setBold(i == m_session->currentIndex());
        item->setFont(font);
    }
    if (m_session->currentIndex() >= 0 && m_session->currentIndex() < m_steps->count())
        m_steps->scrollToItem(m_steps->item(m_session->currentIndex()));

    const bool active = m_session->isActive();
    m_next->setEnabled(m_session->state() == LessonProgress::State::Waiting);
    m_previous->setEnabled(active && m_session->currentIndex() > 0);
    m_restart->setEnabled(active);
    m_stop->setEnabled(active);
}

} // namespace raftlab
