#include "simulationcontrols.h"

#include "sim/simulationcontroller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace raftlab {

SimulationControls::SimulationControls(SimulationController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_play(new QPushButton(tr("▶ Play")))
    , m_step(new QPushButton(tr("Step")))
    , m_step10(new QPushButton(tr("Step ×10")))
    , m_speed(new QComboBox)
    , m_write(new QLineEdit)
    , m_put(new QPushButton(tr("Put")))
    , m_get(new QPushButton(tr("Get")))
{
    setObjectName(QStringLiteral("simulationControls"));
    m_play->setToolTip(tr("Let virtual time run at the chosen speed"));
    m_step->setToolTip(tr("Deliver the next pending event (the first in the list)"));
    m_step10->setToolTip(tr("Deliver the next ten pending events"));
    for (const int speed : speeds)
        m_speed->addItem(tr("%1 virtual ms per second").arg(speed), speed);
    m_speed->setCurrentIndex(m_speed->findData(controller->speed()));
    m_speed->setToolTip(tr("How fast virtual time runs while playing"));
    m_write->setPlaceholderText(tr("key=value"));
    m_write->setToolTip(tr("A client's write (Put key=value) or read (Get key), sent to the leader"));
    m_write->setMaximumWidth(160);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(m_play);
    layout->addWidget(m_step);
    layout->addWidget(m_step10);
    layout->addWidget(m_speed);
    layout->addSpacing(16);
    layout->addWidget(new QLabel(tr("Client:")));
    layout->addWidget(m_write);
    layout->addWidget(m_put);
    layout->addWidget(m_get);
    layout->addStretch();

    connect(m_play, &QPushButton::clicked, this,
            [this] { m_controller->isPlaying() ? m_controller->pause() : m_controller->play(); });
    connect(m_step, &QPushButton::clicked, this, [this] { m_controller->step(); });
    connect(m_step10, &QPushButton::clicked, this, [this] { m_controller->step(10); });
    connect(m_speed, &QComboBox::activated, this,
            [this](int index) { m_controller->setSpeed(m_speed->itemData(index).toInt()); });
    connect(m_put, &QPushButton::clicked, this, &SimulationControls::write);
    connect(m_write, &QLineEdit::returnPressed, this, &SimulationControls::write);
    connect(m_get, &QPushButton::clicked, this, &SimulationControls::read);
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

void SimulationControls::write()
{
    const QString text = m_write->text().trimmed();
    const qsizetype equals = text.indexOf(u'=');
    if (equals <= 0)
        return;
    if (m_controller->put(text.left(equals).trimmed(), text.mid(equals + 1).trimmed()))
        m_write->clear();
}

void SimulationControls::read()
{
    const QString key = m_write->text().section(u'=', 0, 0).trimmed();
    if (!key.isEmpty())
        m_controller->get(key);
}

} // namespace raftlab
