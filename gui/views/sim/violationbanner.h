#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace raftlab {

class SimulationController;

// The red banner a safety violation raises: which invariant broke, at which nodes and log index, at which
// step, and a button that moves the timeline to that step. Hidden while the run is sound.
class ViolationBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ViolationBanner)

public:
    explicit ViolationBanner(SimulationController *controller, QWidget *parent = nullptr);

    QString text() const;
    QPushButton *jumpButton() const { return m_jump; }
    void refresh();

private:
    SimulationController *m_controller;
    QLabel *m_label;
    QPushButton *m_jump;
};

} // namespace raftlab
