#pragma once

#include "model/narration.h"

#include <QAbstractListModel>

#include <vector>

namespace raftlab {

// A frozen copy of the narration, with the same rows and roles as Narration: what the paused feed
// shows. Pausing swaps the feed's source from the live narration to a snapshot, so the rows a student
// is reading neither move down as sentences arrive nor fall off the bottom of the ring.
class FeedSnapshotModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FeedSnapshotModel)

public:
    // `items` newest first, as Narration::items() returns them.
    explicit FeedSnapshotModel(std::vector<NarrationItem> items, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    std::vector<NarrationItem> m_items;
};

} // namespace raftlab
