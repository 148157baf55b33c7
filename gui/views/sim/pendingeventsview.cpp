#include "pendingeventsview.h"

#include "model/streamevent.h"
#include "sim/simulationcontroller.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace raftlab {

namespace {

enum Column { Order, Kind, From, To, Type, TermColumn, Due, Summary, ColumnCount };
enum Action { DeliverNow, Drop, Duplicate, FireNow };
constexpr int idRole = Qt::UserRole;
constexpr int timerRole = Qt::UserRole + 1;
constexpr int heartbeatRole = Qt::UserRole + 2;
constexpr int maxRows = 500; // a list longer than this is not read; the first ones are what matters

QString virtualTime(qint64 us)
{
    return QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', 1);
}

} // namespace

PendingEventsView::PendingEventsView(SimulationController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_list(new QTreeWidget)
    , m_deliver(new QPushButton(tr("Deliver now")))
    , m_drop(new QPushButton(tr("Drop")))
    , m_duplicate(new QPushButton(tr("Duplicate")))
    , m_fire(new QPushButton(tr("Fire timer now")))
{
    setObjectName(QStringLiteral("pendingEvents"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels(
        {tr("#"), tr("Kind"), tr("From"), tr("To"), tr("Type"), tr("Term"), tr("Due"), tr("What")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->header()->setStretchLastSection(true);
    m_list->setToolTip(
        tr("What happens next, in order: step delivers the first one. Select one to deliver it "
           "now, drop it, duplicate it, or fire a timer early."));

    m_deliver->setToolTip(tr("Deliver the selected message now, before the ones ahead of it"));
    m_drop->setToolTip(tr("Lose the selected message"));
    m_duplicate->setToolTip(tr("Send a second copy of the selected message"));
    m_fire->setToolTip(tr("Fire the selected node's election timer now"));

    auto *buttons = new QHBoxLayout;
    for (QPushButton *button : {m_deliver, m_drop, m_duplicate, m_fire})
        buttons->addWidget(button);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Pending events</b> — messages in flight and timers, in delivery order"));
    layout->addWidget(title);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(m_deliver, &QPushButton::clicked, this, [this] { act(DeliverNow); });
    connect(m_drop, &QPushButton::clicked, this, [this] { act(Drop); });
    connect(m_duplicate, &QPushButton::clicked, this, [this] { act(Duplicate); });
    connect(m_fire, &QPushButton::clicked, this, [this] { act(FireNow); });
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &PendingEventsView::refreshButtons);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, [this] { act(DeliverNow); });
    connect(controller, &SimulationController::changed, this, &PendingEventsView::refresh);
    refresh();
}

void PendingEventsView::refresh()
{
    const quint64 selected = selectedId();
    const std::vector<sim::PendingEvent> events = m_controller->pendingEvents();
    m_list->setUpdatesEnabled(false);
    m_list->clear();
    QList<QTreeWidgetItem *> items;
    int order = 0;
    for (const sim::PendingEvent &event : events) {
        if (order >= maxRows)
            break;
        const bool message = event.kind == sim::PendingEvent::Kind::Message;
        auto *item = new QTreeWidgetItem;
        item->setData(Order, Qt::DisplayRole, ++order);
        item->setText(Kind, message ? tr("message") : tr("timer"));
        item->setText(From, QString::number(event.from.value));
        item->setText(To, message ? QString::number(event.to.value) : QString());
        item->setText(Type,
                      message ? messageTypeName(event.messageType)
                              : event.summary.section(QStringLiteral(": "), 1));
        item->setText(TermColumn, QString::number(event.term.value));
        item->setText(Due, virtualTime(event.dueUs));
        QString summary = event.summary;
        if (event.held)
            summary += tr(" — held: its target is frozen");
        if (event.blocked)
            summary += tr(" — its link is cut: it dies there");
        item->setText(Summary, summary);
        item->setToolTip(Summary, summary);
        item->setData(Order, idRole, QVariant::fromValue<quint64>(event.id));
        item->setData(Order, timerRole, message ? 0 : int(event.from.value));
        item->setData(Order, heartbeatRole, event.heartbeat);
        if (event.held || event.blocked) {
            for (int column = 0; column < ColumnCount; ++column)
                item->setForeground(column, QBrush(Qt::gray));
        }
        items.append(item);
    }
    m_list->addTopLevelItems(items);
    for (int column = 0; column < Summary; ++column)
        m_list->resizeColumnToContents(column);
    if (selected != 0)
        select(selected);
    m_list->setUpdatesEnabled(true);
    refreshButtons();
}

bool PendingEventsView::select(quint64 id)
{
    for (int row = 0; row < m_list->topLevelItemCount(); ++row) {
        QTreeWidgetItem *item = m_list->topLevelItem(row);
        if (item->data(Order, idRole).value<quint64>() == id) {
            m_list->setCurrentItem(item);
            return true;
        }
    }
    return false;
}

quint64 PendingEventsView::selectedId() const
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    return selected.isEmpty() ? 0 : selected.front()->data(Order, idRole).value<quint64>();
}

void PendingEventsView::refreshButtons()
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    const bool any = !selected.isEmpty();
    const bool timer = any && selected.front()->data(Order, timerRole).toInt() != 0;
    m_deliver->setEnabled(any);
    m_drop->setEnabled(any && !timer);
    m_duplicate->setEnabled(any && !timer);
    m_fire->setEnabled(timer);
}

void PendingEventsView::act(int action)
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    if (selected.isEmpty())
        return;
    const quint64 id = selected.front()->data(Order, idRole).value<quint64>();
    const int timerNode = selected.front()->data(Order, timerRole).toInt();
    switch (Action(action)) {
    case DeliverNow:
        m_controller->deliver(id);
        break;
    case Drop:
        m_controller->drop(id);
        break;
    case Duplicate:
        m_controller->duplicate(id);
        break;
    case FireNow:
        // A leader's timer is its heartbeat: it fires by being delivered (at its time).
        if (timerNode != 0 && selected.front()->data(Order, heartbeatRole).toBool())
            m_controller->deliver(id);
        else if (timerNode != 0)
            m_controller->fireTimer(NodeId(std::uint32_t(timerNode)));
        break;
    }
}

} // namespace raftlab
