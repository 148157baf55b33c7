#pragma once

#include "narration.h"

#include <QSortFilterProxyModel>

namespace raftlab {

// The event feed filtered by node and type: put it between Narration and a QListView.
class NarrationFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NarrationFilterModel)

public:
    explicit NarrationFilterModel(QObject *parent = nullptr);

    void setFilter(NarrationFilter filter);
    const NarrationFilter &filter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    NarrationFilter m_filter;
};

} // namespace raftlab
