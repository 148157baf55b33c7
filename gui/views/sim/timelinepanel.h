#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QSlider;
class QTimer;

namespace raftlab {

class SimulationController;

// The timeline under the ring: a slider over the steps taken (drag it back and the whole window shows
// that moment) and the list of branches (the futures that acting from an earlier step replaced; pick one
// to return to it).
class TimelinePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelinePanel)

public:
    explicit TimelinePanel(SimulationController *controller, QWidget *parent = nullptr);

    QSlider *slider() const { return m_slider; }
    QListWidget *branchList() const { return m_branches; }
    void refresh();

private:
    void seekToSlider();

    SimulationController *m_controller;
    QSlider *m_slider;
    QLabel *m_position;
    QListWidget *m_branches;
    QPushButton *m_returnButton;
    QTimer *m_seekTimer; // coalesces a drag's many values into one seek per frame
    bool m_refreshing = false;
};

} // namespace raftlab
