#include "feedclearfilter.h"

namespace raftlab {

FeedClearFilter::FeedClearFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{ }

void FeedClearFilter::setSourceModel(QAbstractItemModel *source)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    m_hidden = 0;
    QSortFilterProxyModel::setSourceModel(source);
    if (!source)
        return;
    // Rows leave at the bottom, hidden ones first: fewer stay hidden. Nothing else changes which rows
    // are hidden (insertions happen at the top).
    connect(source, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex &, int first, int last) {
        m_hidden = std::max(0, m_hidden - (last - first + 1));
    });
    connect(source, &QAbstractItemModel::modelReset, this, [this] { m_hidden = 0; });
}

void FeedClearFilter::clear()
{
    const int rows = sourceModel() ? sourceModel()->rowCount() : 0;
    if (rows == m_hidden)
        return;
    m_hidden = rows;
    invalidateFilter();
}

bool FeedClearFilter::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    return m_hidden == 0 || sourceRow < sourceModel()->rowCount() - m_hidden;
}

} // namespace raftlab
