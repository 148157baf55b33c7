#pragma once

#include "sim/simulatedcluster.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLineEdit;
class QSpinBox;

namespace raftlab {

// File › New simulated cluster…: the nodes, the protocol options, the timing and the seed of a simulated
// run; under "Advanced", a sabotage the safety checker must catch (for showing what it catches).
class NewSimulationDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewSimulationDialog)

public:
    explicit NewSimulationDialog(QWidget *parent = nullptr);

    sim::SimulatedClusterConfig config() const;
    std::uint64_t seed() const;
    void setSeed(std::uint64_t seed);
    void setAdversary(sim::AdversarialFault fault);

private:
    QSpinBox *m_nodes;
    QCheckBox *m_preVote;
    QCheckBox *m_checkQuorum;
    QSpinBox *m_heartbeat;
    QSpinBox *m_electionMin;
    QSpinBox *m_electionMax;
    QLineEdit *m_seed;
    QGroupBox *m_advanced;
    QComboBox *m_adversary;
};

} // namespace raftlab
