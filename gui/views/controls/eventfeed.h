#pragma once

// EventFeed: the cluster's story in plain sentences, newest first:
// "Node 3's election timer fired in term 4 ...". It reads ClusterModel::narration() through three
// stages: the source (the live narration, or a frozen snapshot while paused), NarrationFilterModel
// (node and event group) and FeedTextFilter (search text, "Clear"). A QListView with uniform row
// heights and FeedDelegate draws it, so a frame's new sentences cost one row insertion and no layout.

#include "feedgroups.h"
#include "model/narration.h"
#include "views/theme.h"

#include "core/types.h"

#include <QWidget>

#include <vector>

class QAbstractItemModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QModelIndex;
class QToolButton;

namespace raftlab {

class ClusterModel;
class FeedClearFilter;
class FeedDelegate;
class FeedSnapshotModel;
class FeedTextFilter;
class NarrationFilterModel;

class EventFeed final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventFeed)

public:
    explicit EventFeed(ClusterModel *model, QWidget *parent = nullptr);
    ~EventFeed() override;

    void setTheme(const Theme &theme);

    // The filters (the toolbar's controls call these too). NodeId{} shows every node.
    void setNodeFilter(raftlab::NodeId node);
    NodeId nodeFilter() const { return m_nodeFilter; }
    void setGroupFilter(raftlab::FeedGroup group);
    FeedGroup groupFilter() const { return m_groupFilter; }
    void setSearchText(const QString &text);
    QString searchText() const;

    // Paused, the feed shows what it showed when paused (a snapshot; the filters still apply) while
    // new sentences keep arriving in the model; resuming shows them all.
    void setPaused(bool paused);
    bool isPaused() const { return m_snapshot != nullptr; }
    int arrivedWhilePaused() const { return m_arrivedWhilePaused; }
    // Hides every sentence so far, in this feed only (and resumes a paused feed).
    void clear();

    // What the list shows, row 0 on top (the newest): for tests and for whoever embeds the feed.
    QAbstractItemModel *shownModel() const;
    int shownCount() const;
    QString shownSentence(int row) const;
    QListView *listView() const { return m_list; }

Q_SIGNALS:
    void pausedChanged(bool paused);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildControls();
    void rebuildNodeChoices();
    void onSentencesInserted(int first, int last);
    void onNarrationReset();
    void updatePausedState();
    void fitLinesToWidth();
    std::vector<NarrationItem> unclearedSentences() const; // newest first, for a snapshot

    ClusterModel *m_model;
    Narration *m_narration;
    FeedClearFilter *m_clearFilter;
    NarrationFilterModel *m_nodeTypeFilter;
    FeedTextFilter *m_textFilter;
    FeedDelegate *m_delegate;
    FeedSnapshotModel *m_snapshot = nullptr; // non-null while paused
    QListView *m_list = nullptr;
    QComboBox *m_nodeChoice = nullptr;
    QComboBox *m_groupChoice = nullptr;
    QLineEdit *m_search = nullptr;
    QToolButton *m_pauseButton = nullptr;
    QToolButton *m_clearButton = nullptr;
    QLabel *m_pausedBanner = nullptr;
    Theme m_theme = Theme::standard();
    NodeId m_nodeFilter{};
    FeedGroup m_groupFilter = FeedGroup::All;
    int m_arrivedWhilePaused = 0;
    qint64 m_originUs = -1; // t_us of the first sentence seen: times are relative to it
};

} // namespace raftlab
