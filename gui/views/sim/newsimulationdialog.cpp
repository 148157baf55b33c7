#include "newsimulationdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>

namespace raftlab {

NewSimulationDialog::NewSimulationDialog(QWidget *parent)
    : QDialog(parent)
    , m_nodes(new QSpinBox)
    , m_preVote(new QCheckBox(tr("PreVote")))
    , m_checkQuorum(new QCheckBox(tr("CheckQuorum")))
    , m_heartbeat(new QSpinBox)
    , m_electionMin(new QSpinBox)
    , m_electionMax(new QSpinBox)
    , m_seed(new QLineEdit)
    , m_advanced(new QGroupBox(tr("Advanced: sabotage the cluster (the safety checker must catch it)")))
    , m_adversary(new QComboBox)
{
    setWindowTitle(tr("New simulated cluster"));
    const sim::SimulatedClusterConfig defaults;
    m_nodes->setRange(3, 9);
    m_nodes->setValue(defaults.nodes);
    m_preVote->setChecked(defaults.preVote);
    m_checkQuorum->setChecked(defaults.checkQuorum);
    for (QSpinBox *box : {m_heartbeat, m_electionMin, m_electionMax}) {
        box->setRange(10, 10'000);
        box->setSingleStep(10);
        box->setSuffix(tr(" ms"));
    }
    m_heartbeat->setValue(defaults.heartbeatMs);
    m_electionMin->setValue(defaults.electionTimeoutMinMs);
    m_electionMax->setValue(defaults.electionTimeoutMaxMs);
    m_seed->setText(QString::number(QRandomGenerator::global()->bounded(1, 100'000)));
    m_seed->setToolTip(tr("The same seed and the same choices give the same run, step for step"));

    m_adversary->addItem(tr("None: the real protocol"), int(sim::AdversarialFault::None));
    m_adversary->addItem(tr("A node forgets its vote when it restarts"),
                         int(sim::AdversarialFault::ForgetVoteOnRestart));
    m_adversary->addItem(tr("Candidates claim an up-to-date log"),
                         int(sim::AdversarialFault::InflateCandidateLog));
    m_adversary->addItem(tr("Leaders commit entries of old terms by counting replicas (Figure 8)"),
                         int(sim::AdversarialFault::CommitOldTermEntries));
    m_advanced->setCheckable(true);
    m_advanced->setChecked(false);
    auto *advancedLayout = new QFormLayout(m_advanced);
    advancedLayout->addRow(tr("Sabotage:"), m_adversary);

    auto *form = new QFormLayout;
    form->addRow(tr("Nodes:"), m_nodes);
    form->addRow(tr("Protocol:"), m_preVote);
    form->addRow(QString(), m_checkQuorum);
    form->addRow(tr("Heartbeat every:"), m_heartbeat);
    form->addRow(tr("Election timeout from:"), m_electionMin);
    form->addRow(tr("to:"), m_electionMax);
    form->addRow(tr("Seed:"), m_seed);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_advanced);
    layout->addWidget(buttons);
}

sim::SimulatedClusterConfig NewSimulationDialog::config() const
{
    sim::SimulatedClusterConfig config;
    config.nodes = m_nodes->value();
    config.preVote = m_preVote->isChecked();
    config.checkQuorum = m_checkQuorum->isChecked();
    config.heartbeatMs = m_heartbeat->value();
    config.electionTimeoutMinMs = m_electionMin->value();
    config.electionTimeoutMaxMs = std::max(m_electionMax->value(), m_electionMin->value());
    if (m_advanced->isChecked())
        config.adversary = sim::AdversarialFault(m_adversary->currentData().toInt());
    return config;
}

std::uint64_t NewSimulationDialog::seed() const
{
    return m_seed->text().trimmed().toULongLong();
}

void NewSimulationDialog::setSeed(std::uint64_t seed)
{
    m_seed->setText(QString::number(seed));
}

void NewSimulationDialog::setAdversary(sim::AdversarialFault fault)
{
    m_advanced->setChecked(fault != sim::AdversarialFault::None);
    m_adversary->setCurrentIndex(m_adversary->findData(int(fault)));
}

} // namespace raftlab
