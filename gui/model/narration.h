#pragma once

#include "ringbuffer.h"
#include "streamevent.h"

#include <QAbstractListModel>
#include <QString>

#include <set>
#include <vector>

namespace raftlab {

// One sentence of the event feed: "Node 3's election timer fired in term 4 ...".
struct NarrationItem
{
    qint64 tUs = 0;
    NodeId node{}; // NodeId{} for sentences about the cluster (fault markers)
    QString type{}; // the event's `type` ("role", "vote", "timeout", ...), or "fault", "connection"
    Term term{};
    QString text{};
    int repeats = 1; // the same sentence said again soon after is counted here, not added
    qint64 lastUs = 0; // t_us of its latest repeat
    quint64 serial = 0; // given by Narration::stage()

    QString shownText() const; // the text, with " ×5" when said five times
};

// What the feed shows: empty sets mean "all".
struct NarrationFilter
{
    std::set<NodeId> nodes{};
    std::set<QString> types{};

    bool accepts(const NarrationItem &item) const;
};

// The narration feed: newest first, at most `capacity` sentences (a ring). A list model, so a
// QListView (through a QSortFilterProxyModel on NodeRole/TypeRole, or NarrationFilterModel) shows it
// directly. Sentences are staged while a frame is folded and published once per frame: one row
// insertion (and at most one removal at the bottom), never one signal per event.
//
// Calm: a sentence that repeats one of the newest `groupingWindow` sentences (same node, kind and words:
// a cut-off node's timer firing again and again, a leader's heartbeats) is counted on that line
// ("… ×5") instead of being added; the line keeps its place.
class Narration final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Narration)

public:
    enum ItemRole {
        TextRole = Qt::DisplayRole,
        NodeRole = Qt::UserRole + 1, // int: the node id, 0 for the cluster
        TypeRole, // QString
        TermRole, // qint64
        TimeRole, // qint64: t_us
    };

    static constexpr std::size_t groupingWindow = 32;

    explicit Narration(std::size_t capacity = 2000, QObject *parent = nullptr);

    // Returns the serial of the line that now holds it (a new one, or the repeated one).
    quint64 stage(NarrationItem item);
    // Rewords a line still among the newest groupingWindow (staged or shown); false when it is gone.
    bool amend(quint64 serial, const QString &text);
    void publish(); // the staged sentences become rows 0.. (newest first); repeats and amends show
    void clear();

    std::size_t capacity() const { return m_items.capacity(); }
    std::size_t size() const { return m_items.size(); }
    std::size_t stagedCount() const { return m_staged.size(); }
    const NarrationItem &item(std::size_t row) const; // row 0 is the newest
    // The newest `limit` sentences the filter accepts, newest first.
    std::vector<NarrationItem> items(const NarrationFilter &filter, std::size_t limit) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    NarrationItem *recent(quint64 serial); // among the staged and the newest groupingWindow rows
    NarrationItem *repeatOf(const NarrationItem &item);

    RingBuffer<NarrationItem> m_items; // oldest first; row r is at m_items.size() - 1 - r
    std::vector<NarrationItem> m_staged; // under 2 x capacity: older ones would scroll out anyway
    std::set<quint64> m_changed; // shown rows repeated or reworded since the last publish()
    quint64 m_nextSerial = 1;
};

} // namespace raftlab
