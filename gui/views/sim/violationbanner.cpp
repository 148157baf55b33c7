#include "violationbanner.h"

#include "model/sentences.h"
#include "sim/simulationcontroller.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace raftlab {

ViolationBanner::ViolationBanner(SimulationController *controller, QWidget *parent)
    : QFrame(parent)
    , m_controller(controller)
    , m_label(new QLabel)
    , m_jump(new QPushButton(tr("Jump to violation")))
{
    setObjectName(QStringLiteral("violationBanner"));
    setStyleSheet(QStringLiteral("#violationBanner { background: #b71c1c; } #violationBanner QLabel { color: "
                                 "white; font-weight: bold; }"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_jump->setToolTip(tr("Move the timeline to the step that broke it"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_jump);
    connect(m_jump, &QPushButton::clicked, controller, &SimulationController::jumpToViolation);
    connect(controller, &SimulationController::changed, this, &ViolationBanner::refresh);
    refresh();
}

QString ViolationBanner::text() const
{
    return m_label->text();
}

void ViolationBanner::refresh()
{
    const std::optional<sim::Violation> &violation = m_controller->violation();
    setVisible(violation.has_value());
    if (!violation)
        return;
    QStringList where;
    if (!violation->nodes.empty())
        where << Sentences::nodeList(violation->nodes);
    if (violation->index.value > 0)
        where << tr("log index %1").arg(violation->index.value);
    m_label->setText(
        tr("Safety violation: %1 — %2 at step %3. %4 The run stopped here; move the timeline back "
           "to act differently.")
            .arg(violation->invariant, where.join(tr(", ")))
            .arg(violation->step)
            .arg(violation->text));
    m_jump->setEnabled(m_controller->position() != violation->step);
}

} // namespace raftlab
