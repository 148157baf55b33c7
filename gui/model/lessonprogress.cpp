#include "lessonprogress.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace raftlab {

using scenario::ScenarioRunner;

LessonProgress::LessonProgress(QObject *parent)
    : QObject(parent)
{ }

LessonProgress::~LessonProgress() = default;

QString LessonProgress::caption() const
{
    if (m_index < 0 || m_index >= int(m_scenario.steps.size()))
        return {};
    // A sentence appears when its step runs, never before: while the lesson waits before a step, its
    // sentence ("the leader is killed") would be false on screen until Next. The last sentence of the
    // steps that ran stays meanwhile. Narration alone changes nothing, so it is read while the lesson
    // waits. An action without words of its own keeps the last sentence too.
    const auto narrationOnly = [](const scenario::Step &step) {
        return std::holds_alternative<scenario::Say>(step.action) ||
            std::holds_alternative<scenario::Chapter>(step.action);
    };
    const bool notYet = m_state == State::Waiting && !narrationOnly(m_scenario.steps[std::size_t(m_index)]);
    for (int i = notYet ? m_index - 1 : m_index; i >= 0; --i) {
        if (!m_scenario.steps[std::size_t(i)].say.isEmpty())
            return m_scenario.steps[std::size_t(i)].say;
    }
    return {};
}

QString LessonProgress::heading() const
{
    if (m_state != State::Waiting)
        return m_chapter;
    const QString waits = tr("the lesson waits: press Next \u25B6");
    return m_chapter.isEmpty() ? waits : tr("%1 \u00B7 %2").arg(m_chapter, waits);
}

void LessonProgress::start(const scenario::Scenario &scenario)
{
    m_scenario = scenario;
    launch(0);
}

void LessonProgress::restart()
{
    if (isActive())
        launch(0);
}

void LessonProgress::previous()
{
    if (isActive())
        launch(std::max(0, m_index - 1));
}

void LessonProgress::clearProgress()
{
    m_index = -1;
    m_chapter.clear();
    m_results.clear();
    m_problem.clear();
    m_nodeLabels.clear();
}

void LessonProgress::setState(State state)
{
    m_state = state;
    Q_EMIT changed();
}

QString LessonProgress::describeStep(int index) const
{
    if (index < 0 || index >= int(m_scenario.steps.size()))
        return {};
    const scenario::Step &step = m_scenario.steps[std::size_t(index)];
    QString text = scenario::describe(step);
    QStringList known;
    for (const auto &[label, node] : m_nodeLabels) {
        // A whole word of the description, and not the name this very step gives.
        const QRegularExpression word(QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(label)));
        if (label != step.label && text.contains(word))
            known << tr("%1 is node %2").arg(label).arg(node.value);
    }
    if (!known.isEmpty())
        text += QStringLiteral(" (%1)").arg(known.join(QStringLiteral(", ")));
    return text;
}

void LessonProgress::follow(ScenarioRunner *runner)
{
    m_results.assign(m_scenario.steps.size(), std::nullopt);
    connect(runner, &ScenarioRunner::stepStarted, this, [this](int index) {
        m_index = index;
        setState(State::Running);
    });
    connect(runner, &ScenarioRunner::stepFinished, this,
            [this](int index, const scenario::StepResult &result) {
                m_results[std::size_t(index)] = result;
                Q_EMIT changed();
            });
    connect(runner, &ScenarioRunner::waitingForNext, this, [this](int index) {
        m_index = index;
        setState(State::Waiting);
    });
    connect(runner, &ScenarioRunner::chapterChanged, this, [this](const QString &title) {
        m_chapter = title;
        Q_EMIT changed();
    });
    connect(runner, &ScenarioRunner::focusRequested, this, &LessonProgress::focusRequested);
    connect(runner, &ScenarioRunner::nodeLabelled, this,
            [this](const QString &label, NodeId node) { m_nodeLabels[label] = node; });
    connect(runner, &ScenarioRunner::finished, this, [this] { setState(State::Finished); });
}

} // namespace raftlab
