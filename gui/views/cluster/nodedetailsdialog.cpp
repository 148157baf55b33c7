#include "nodedetailsdialog.h"

#include "model/clustermodel.h"
#include "nodeappearance.h"

#include <QLabel>
#include <QVBoxLayout>

namespace raftlab {

namespace {

QString row(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><td>%1</td><td align=right><b>%2</b></td></tr>")
        .arg(name.toHtmlEscaped(), value);
}

QString nodeOrNobody(NodeId id)
{
    return id.isNone() ? QObject::tr("nobody") : QObject::tr("node %1").arg(id.value);
}

} // namespace

NodeDetailsDialog::NodeDetailsDialog(const ClusterModel *model, NodeId node, QWidget *parent)
    : QDialog(parent)
    , m_model(model)
    , m_node(node)
    , m_label(new QLabel(this))
{
    setWindowTitle(tr("Node %1").arg(node.value));
    setModal(false);
    setAttribute(Qt::WA_DeleteOnClose, false); // the view keeps one per node and shows it again
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_label);
    connect(model, &ClusterModel::changed, this, [this] {
        if (isVisible())
            refresh();
    });
    refresh();
}

QString NodeDetailsDialog::text() const
{
    return m_label->text();
}

void NodeDetailsDialog::refresh()
{
    const QString text = describe();
    if (text != m_label->text())
        m_label->setText(text);
}

QString NodeDetailsDialog::describe() const
{
    const NodeState *state = m_model->node(m_node);
    if (!state || !state->hasStatus)
        return state && !state->connected && !state->members.empty()
            ? tr("No contact with node %1: its event stream is down. Nothing is shown of its state until its "
                 "process reports it again.")
                  .arg(m_node.value)
            : tr("Nothing known about node %1 yet: its event stream has not started.").arg(m_node.value);
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing=4>")
                       .arg(tr("Node %1 — %2").arg(m_node.value).arg(roleLabel(state->role)));
    html += row(tr("current term"), QString::number(state->term.value));
    html += row(tr("voted for"), nodeOrNobody(state->votedFor));
    html += row(tr("believes the leader is"), nodeOrNobody(state->leader));
    html += row(tr("commit index"), QString::number(state->commitIndex.value));
    html += row(tr("applied index"), QString::number(state->appliedIndex.value));
    html += row(tr("last log index / term"),
                QStringLiteral("%1 / %2").arg(state->lastLogIndex.value).arg(state->lastLogTerm.value));
    if (state->snapshotIndex.value > 0)
        html += row(tr("snapshot through"), QString::number(state->snapshotIndex.value));
    if (!state->blockedPeers.empty()) {
        QStringList blocked;
        for (const NodeId peer : state->blockedPeers)
            blocked << QString::number(peer.value);
        html += row(tr("blocks traffic with"), blocked.join(QStringLiteral(", ")));
    }
    html += QStringLiteral("</table>");

    if (state->isLeader() && !state->followers.empty()) {
        html += QStringLiteral(
                    "<h4>%1</h4><table cellspacing=4><tr><th>%2</th><th>%3</th><th>%4</th><th>%5</th></tr>")
                    .arg(tr("What the leader knows of its followers"), tr("follower"), tr("nextIndex"),
                         tr("matchIndex"), tr("state"));
        for (const FollowerProgress &follower : state->followers)
            html += QStringLiteral(
                        "<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td><td>%4</td></tr>")
                        .arg(follower.id.value)
                        .arg(follower.nextIndex.value)
                        .arg(follower.matchIndex.value)
                        .arg(follower.state.isEmpty() ? QStringLiteral("–") : follower.state.toHtmlEscaped());
        html += QStringLiteral("</table>");
    }
    return html;
}

} // namespace raftlab
