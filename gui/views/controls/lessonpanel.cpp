#include "lessonpanel.h"

#include "model/lessonprogress.h"
#include "views/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace raftlab {

using scenario::StepResult;

LessonPanel::LessonPanel(const LessonProgress *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_title(new QLabel)
    , m_counter(new QLabel)
    , m_steps(new QListWidget)
    , m_previous(new QPushButton(tr("◀")))
    , m_next(new QPushButton(tr("Next ▶")))
    , m_restart(new QPushButton(tr("Restart")))
    , m_stop(new QPushButton(tr("✕")))
{
    m_title->setObjectName(QStringLiteral("lessonTitle"));
    m_counter->setObjectName(QStringLiteral("lessonCounter"));
    m_previous->setObjectName(QStringLiteral("lessonPrevious"));
    m_next->setObjectName(QStringLiteral("lessonNext"));
    m_restart->setObjectName(QStringLiteral("lessonRestart"));
    m_stop->setObjectName(QStringLiteral("lessonClose"));
    m_title->setWordWrap(true);
    m_counter->setWordWrap(true);
    m_steps->setWordWrap(true);
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    // One row that fits the side column in projector type: Previous and Close are drawn as signs (their
    // names are for screen readers and the tooltip; the Lessons menu has them in words, with their keys).
    m_previous->setAccessibleName(tr("Previous step"));
    m_stop->setAccessibleName(tr("Close lesson"));
    m_previous->setToolTip(
        tr("Previous step: start the lesson again on a fresh cluster and play it up to the "
           "step before"));
    m_stop->setToolTip(tr("Close the lesson"));
    m_next->setToolTip(tr("Run the next step (the lesson waits here for you)"));
    m_restart->setToolTip(tr("Start the lesson again from its first step, on a fresh cluster"));

    auto *buttons = new QHBoxLayout;
    for (QPushButton *button : {m_previous, m_next, m_restart, m_stop})
        buttons->addWidget(button, button == m_next || button == m_restart ? 1 : 0);
    m_steps->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // its lines wrap
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4); // every pixel of the side column counts on a projector
    layout->setSpacing(4);
    layout->addWidget(m_title);
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
    m_counter->setFont(theme.font(1.0));
    m_steps->setFont(theme.font(0.95));
    for (QPushButton *button : {m_previous, m_next, m_restart, m_stop})
        button->setFont(theme.font(1.0, button == m_next));
    // The sign buttons as wide as their sign needs, not a style's least button width: the words on
    // the other two get the rest of the row.
    for (QPushButton *sign : {m_previous, m_stop}) {
        const QFontMetrics metrics(sign->font());
        sign->setFixedWidth(std::max(metrics.height() * 2, metrics.horizontalAdvance(sign->text()) + 16));
    }
    // The list of steps may shrink to nothing on a short projector screen, where the ring and the client
    // need the height more: the counter names the step running or waited at.
    m_steps->setMinimumHeight(1); // 0 would mean "as the list style wants": several rows
    updateGeometry();
}

QSize LessonPanel::minimumSizeHint() const
{
    const QMargins margins = layout()->contentsMargins();
    // Before it is first laid out the panel has no width of its own yet: its column's, then.
    const int outer = this->width() > 50 || !parentWidget() ? this->width() : parentWidget()->width();
    const int width = std::max(50, outer - margins.left() - margins.right());
    const int spacing = std::max(0, layout()->spacing());
    int height = margins.top() + margins.bottom();
    for (const QLabel *label : {m_title, m_counter}) {
        if (label->isVisibleTo(this))
            height += label->heightForWidth(width) + spacing;
    }
    int buttonRow = 0;
    for (const QPushButton *button : {m_previous, m_next, m_restart, m_stop})
        buttonRow = std::max(buttonRow, button->sizeHint().height());
    height += buttonRow + spacing;
    height += m_steps->minimumHeight();
    return {QWidget::minimumSizeHint().width(), height};
}

int LessonPanel::heightShowingSteps(int rows) const
{
    int list = 2 * m_steps->frameWidth();
    for (int row = 0; row < std::min(rows, m_steps->count()); ++row)
        list += m_steps->sizeHintForRow(row);
    return minimumSizeHint().height() - m_steps->minimumHeight() + list;
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
        return tr("Step %1 of %2: %3 — press Next")
            .arg(m_session->currentIndex() + 1)
            .arg(count)
            .arg(currentStep());
    case LessonProgress::State::Running:
        break;
    }
    return tr("Step %1 of %2: %3").arg(m_session->currentIndex() + 1).arg(count).arg(currentStep());
}

QString LessonPanel::currentStep() const
{
    return m_session->describeStep(m_session->currentIndex());
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
    m_counter->setText(stepCounterText());
    // An empty label would still take a line the least height does not count.
    m_title->setVisible(!m_title->text().isEmpty());
    m_counter->setVisible(!m_counter->text().isEmpty());
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

    updateGeometry(); // the counter may take another number of lines now

    const bool active = m_session->isActive();
    m_next->setEnabled(m_session->state() == LessonProgress::State::Waiting);
    m_previous->setEnabled(active && m_session->currentIndex() > 0);
    m_restart->setEnabled(active);
    m_stop->setEnabled(active);
}

} // namespace raftlab
