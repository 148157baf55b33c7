#include "narrationfiltermodel.h"

namespace raftlab {

NarrationFilterModel::NarrationFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{ }

void NarrationFilterModel::setFilter(NarrationFilter filter)
{
    m_filter = std::move(filter);
    invalidateFilter();
}

bool NarrationFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    NarrationItem item;
    item.node = NodeId(std::uint32_t(index.data(Narration::NodeRole).toInt()));
    item.type = index.data(Narration::TypeRole).toString();
    return m_filter.accepts(item);
}

} // namespace raftlab
