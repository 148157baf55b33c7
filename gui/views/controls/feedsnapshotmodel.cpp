#include "feedsnapshotmodel.h"

namespace raftlab {

FeedSnapshotModel::FeedSnapshotModel(std::vector<NarrationItem> items, QObject *parent)
    : QAbstractListModel(parent)
    , m_items(std::move(items))
{ }

int FeedSnapshotModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant FeedSnapshotModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount())
        return {};
    const NarrationItem &entry = m_items[std::size_t(index.row())];
    switch (role) {
    case Narration::TextRole:
        return entry.text;
    case Narration::NodeRole:
        return int(entry.node.value);
    case Narration::TypeRole:
        return entry.type;
    case Narration::TermRole:
        return qint64(entry.term.value);
    case Narration::TimeRole:
        return entry.tUs;
    default:
        return {};
    }
}

QHash<int, QByteArray> FeedSnapshotModel::roleNames() const
{
    return {{Narration::TextRole, "text"},
            {Narration::NodeRole, "node"},
            {Narration::TypeRole, "type"},
            {Narration::TermRole, "term"},
            {Narration::TimeRole, "time"}};
}

} // namespace raftlab
