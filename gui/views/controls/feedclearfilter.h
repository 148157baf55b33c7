#pragma once

#include <QSortFilterProxyModel>

namespace raftlab {

// The feed's "Clear", as the first stage over the live narration: it hides the sentences that were
// there when clear() was called, in this view only (the narration is the model's; others read it too).
//
// It hides by position, not by time: sentences share timestamps (a timeout and the role change it
// causes carry the same t_us), so "everything up to time T" would also hide some that arrive later.
// The narration only ever inserts at the top (newest first) and drops from the bottom, so the cleared
// sentences are always the bottom hiddenCount() rows.
class FeedClearFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FeedClearFilter)

public:
    explicit FeedClearFilter(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *source) override;
    void clear(); // hides every row the source has now
    int hiddenCount() const { return m_hidden; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_hidden = 0;
};

} // namespace raftlab
