#include "feedtextfilter.h"

#include "model/narration.h"

namespace raftlab {

FeedTextFilter::FeedTextFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{ }

void FeedTextFilter::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_searchText)
        return;
    m_searchText = trimmed;
    invalidateFilter();
}

bool FeedTextFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_searchText.isEmpty())
        return true; // the common case costs no lookup
    return sourceModel()
        ->index(sourceRow, 0, sourceParent)
        .data(Narration::TextRole)
        .toString()
        .contains(m_searchText, Qt::CaseInsensitive);
}

} // namespace raftlab
