#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace raftlab {

class SimulationController;

// Play, pause, speed (virtual milliseconds per real second) and Step for a simulated cluster, and a
// client's write or read (sent to the leader).
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
    QLineEdit *writeField() const { return m_write; }
    void refresh();

private:
    void write();
    void read();

    SimulationController *m_controller;
    QPushButton *m_play;
    QPushButton *m_step;
    QPushButton *m_step10;
    QComboBox *m_speed;
    QLineEdit *m_write;
    QPushButton *m_put;
    QPushButton *m_get;
};

} // namespace raftlab
