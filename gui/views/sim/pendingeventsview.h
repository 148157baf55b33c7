#pragma once

#include <QWidget>

class QPushButton;
class QTreeWidget;

namespace raftlab {

class SimulationController;

// The pending events of a simulated cluster: every message in flight and every timer, in the order they
// happen if nobody intervenes. Select one to deliver it now, drop it, duplicate it or fire the timer now.
class PendingEventsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PendingEventsView)

public:
    explicit PendingEventsView(SimulationController *controller, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    void refresh();
    // Selects the row of `id`; false when it is not pending.
    bool select(quint64 id);

private:
    quint64 selectedId() const;
    void refreshButtons();
    void act(int action);

    SimulationController *m_controller;
    QTreeWidget *m_list;
    QPushButton *m_deliver;
    QPushButton *m_drop;
    QPushButton *m_duplicate;
    QPushButton *m_fire;
};

} // namespace raftlab
