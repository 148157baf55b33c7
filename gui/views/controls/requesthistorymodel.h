#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QString>

#include <deque>
#include <optional>

namespace raftlab {

// One client request as the history table shows it.
struct RequestRecord
{
    QString time{}; // wall clock, "14:03:27"
    QString node{}; // "node 2", "any → node 2"
    QString operation{}; // "PUT", "GET", "DELETE", "LOAD"
    QString key{};
    QString result{}; // "200 OK", "404 not found", "waiting…", "load: 812 ok, 3 failed"
    std::optional<qint64> index{};
    std::optional<qint64> term{};
    std::optional<double> latencyMs{};
    enum class Outcome { Pending, Ok, Failed } outcome = Outcome::Pending;
};

// The client panel's last requests, newest first, at most `capacity` rows. A request is added when it
// is sent ("waiting…") and updated in place when its answer comes; the load generator has one row per
// run, updated as it goes, rather than a row per write.
class RequestHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestHistoryModel)

public:
    enum Column {
        TimeColumn,
        NodeColumn,
        OperationColumn,
        KeyColumn,
        ResultColumn,
        IndexColumn,
        TermColumn,
        LatencyColumn,
        ColumnCount
    };

    explicit RequestHistoryModel(int capacity = 50, QObject *parent = nullptr);

    // Returns the record's id, for update().
    quint64 add(RequestRecord record);
    // Does nothing when the record has scrolled out.
    void update(quint64 id, const RequestRecord &record);
    const RequestRecord *record(quint64 id) const;
    void clear();
    const RequestRecord &at(int row) const { return m_rows.at(std::size_t(row)).record; }
    int capacity() const { return m_capacity; }

    void setOutcomeColors(const QColor &ok, const QColor &failed, const QColor &pending);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        quint64 id = 0;
        RequestRecord record;
    };
    int rowOf(quint64 id) const;

    int m_capacity;
    quint64 m_nextId = 1;
    std::deque<Row> m_rows; // newest first
    QColor m_ok, m_failed, m_pending;
};

} // namespace raftlab
