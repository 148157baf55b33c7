#include "simulationcontrols.h"

#include "sim/simulationcontroller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QPushButton>

namespace raftlab {

SimulationControls::SimulationControls(SimulationController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_play(new QPushButton(tr("▶ Play")))
    , m_step(new QPushButton(tr("Step")))
    , m_step10(new QPushButton(tr("Step ×10")))
    , m_speed(new QComboBox)
{
    setObjectName(QStringLiteral("simulationControls"));
    m_play->setToolTip(tr("Let virtual time run at the chosen speed"));
    m_step->setToolTip(tr("Deliver the next pending event (the first in the list)"));
    m_step10->setToolTip(tr("Deliver the next ten pending events"));
    for (const int speed : speeds)
        m_speed->addItem(tr("%1 virtual ms per second").arg(speed), speed);
    m_speed->setCurrentIndex(m_speed->findData(controller->speed()));
    m_speed->setToolTip(tr("How fast virtual time runs while playing"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(m_play);
    layout->addWidget(m_step);
    layout->addWidget(m_step10);
    layout->addWidget(m_speed);
    layout->addStretch();

    connect(m_play, &QPushButton::clicked, this,
            [this] { m_controller->isPlaying() ? m_controller->pause() : m_controller->play(); });
    connect(m_step, &QPushButton::clicked, this, [this] { m_controller->step(); });
    connect(m_step10, &QPushButton::clicked, this, [this] { m_controller->step(10); });
    connect(m_speed, &QComboBox::activated, this,
            [this](int index) { m_controller->setSpeed(m_speed->itemData(index).toInt()); });
    connect(controller, &SimulationController::changed, this, &SimulationControls::refresh);
    refresh();
}

void SimulationControls::refresh()
{
    m_play->setText(m_controller->isPlaying() ? tr("❚❚ Pause") : tr("▶ Play"));
    const bool stopped = m_controller->violation() && m_controller->position() == m_controller->length();
    m_play->setEnabled(m_controller->hasCluster() && !stopped);
    m_step->setEnabled(m_controller->hasCluster() && !stopped);
    m_step10->setEnabled(m_controller->hasCluster() && !stopped);
}

} // namespace raftlab
