#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace raftlab {

class SimulationController;

// Play, pause, speed (virtual milliseconds per real second) and Step for a simulated cluster. (A client's
// requests go through the window's client panel.)
class SimulationControls final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulationControls)

public:
    static constexpr int speeds[] = {20, 50, 200, 1000, 5000};

    explicit SimulationControls(SimulationController *controller, QWidget *parent = nullptr);

    QPushButton *playButton() const { return m_play; }
    QPushButton *stepButton() const { return m_step; }
    QComboBox *speedBox() const { return m_speed; }
    void refresh();

private:
    SimulationController *m_controller;
    QPushButton *m_play;
    QPushButton *m_step;
    QPushButton *m_step10;
    QComboBox *m_speed;
};

} // namespace raftlab
