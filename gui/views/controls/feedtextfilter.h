#pragma once

#include <QSortFilterProxyModel>

namespace raftlab {

// The feed's last filter stage, over NarrationFilterModel (node and type): the search box's text,
// case-insensitive, anywhere in the sentence.
class FeedTextFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FeedTextFilter)

public:
    explicit FeedTextFilter(QObject *parent = nullptr);

    void setSearchText(const QString &text); // surrounding blanks are ignored
    QString searchText() const { return m_searchText; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_searchText;
};

} // namespace raftlab
