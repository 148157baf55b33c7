#include "requesthistorymodel.h"

namespace raftlab {

RequestHistoryModel::RequestHistoryModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(std::max(1, capacity))
{ }

quint64 RequestHistoryModel::add(RequestRecord record)
{
    if (int(m_rows.size()) >= m_capacity) {
        const int last = int(m_rows.size()) - 1;
        beginRemoveRows(QModelIndex(), last, last);
        m_rows.pop_back();
        endRemoveRows();
    }
    const quint64 id = m_nextId++;
    beginInsertRows(QModelIndex(), 0, 0);
    m_rows.push_front(Row{.id = id, .record = std::move(record)});
    endInsertRows();
    return id;
}

void RequestHistoryModel::update(quint64 id, const RequestRecord &record)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_rows[std::size_t(row)].record = record;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void RequestHistoryModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

const RequestRecord *RequestHistoryModel::record(quint64 id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_rows[std::size_t(row)].record;
}

void RequestHistoryModel::setOutcomeColors(const QColor &ok, const QColor &failed, const QColor &pending)
{
    m_ok = ok;
    m_failed = failed;
    m_pending = pending;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, ResultColumn), index(rowCount() - 1, ResultColumn), {Qt::ForegroundRole});
}

int RequestHistoryModel::rowOf(quint64 id) const
{
    for (std::size_t row = 0; row < m_rows.size(); ++row)
        if (m_rows[row].id == id)
            return int(row);
    return -1;
}

int RequestHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RequestHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const RequestRecord &r = m_rows[std::size_t(index.row())].record;
    if (role == Qt::ForegroundRole && index.column() == ResultColumn) {
        const QColor colour = r.outcome == RequestRecord::Outcome::Ok ? m_ok
            : r.outcome == RequestRecord::Outcome::Failed             ? m_failed
                                                                      : m_pending;
        return colour.isValid() ? QVariant(colour) : QVariant();
    }
    if (role == Qt::TextAlignmentRole && index.column() >= IndexColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case TimeColumn:
        return r.time;
    case NodeColumn:
        return r.node;
    case OperationColumn:
        return r.operation;
    case KeyColumn:
        return r.key;
    case ResultColumn:
        return r.result;
    case IndexColumn:
        return r.index ? QVariant(*r.index) : QVariant();
    case TermColumn:
        return r.term ? QVariant(*r.term) : QVariant();
    case LatencyColumn:
        return r.latencyMs ? QVariant(QString::number(*r.latencyMs, 'f', 1)) : QVariant();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RequestHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case NodeColumn:
        return tr("Node");
    case OperationColumn:
        return tr("Op");
    case KeyColumn:
        return tr("Key");
    case ResultColumn:
        return tr("Result");
    case IndexColumn:
        return tr("Index");
    case TermColumn:
        return tr("Term");
    case LatencyColumn:
        return tr("ms");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace raftlab
