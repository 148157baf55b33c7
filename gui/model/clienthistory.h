#pragma once

// ClientHistory: every client operation the app sends to the store, as a history the linearizability
// checker reads (docs/histories.md), with the checker's latest verdict. ClientSession (gui/cluster)
// records into it as requests leave and answers come; the History tab draws it; Export writes it.
//
// Results are honest: `fail` only when the operation certainly never reached a log (the node refused
// it, or said so), `unknown` whenever it may have (a timeout, a connection lost, a 503 whose outcome is
// unknown, no answer at all — even "connection refused", which can follow a first send that arrived).
//
// Clients: one client has at most one operation in flight, so concurrent requests take different
// client numbers, the lowest free one each time. A request that never got an answer keeps its number
// for good (it may still take effect), so the History tab's rows never overlap.

#include "model/kvrequest.h"

#include "check/history.h"
#include "check/linearizability.h"

#include <QObject>

#include <functional>
#include <optional>
#include <set>

namespace raftlab {

// How one answer enters a history.
struct HistoryOutcome
{
    check::OpResult result = check::OpResult::Unknown;
    std::optional<bool> swapped{}; // cas, when ok
    std::optional<QString> value{}; // get, when ok (nullopt: not found)
};
HistoryOutcome classifyAnswer(const KvRequest &request, const KvResult &result);

class ClientHistory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientHistory)

public:
    using Id = check::History::Id;
    using Clock = std::function<qint64()>; // microseconds, monotonic

    // How many operations it keeps: ample for a long chaos run, and what Check decides in seconds.
    static constexpr qsizetype defaultCapacity = 250'000;

    explicit ClientHistory(QObject *parent = nullptr);

    // The clock of the nodes' t_us by default, so that the History tab and the charts share one time axis.
    void setClock(Clock clock) { m_clock = std::move(clock); }
    qint64 nowUs() const { return m_clock(); }

    // One recorded request; a ticket from before a clear() finishes nothing.
    struct Ticket
    {
        Id id = -1;
        quint64 generation = 0;
    };
    Ticket begin(const KvRequest &request); // the request leaves now
    void finish(Ticket ticket, const KvRequest &request, const KvResult &result); // its answer came now

    const check::History &history() const { return m_history; }
    qsizetype size() const { return m_history.size(); }
    int clientCount() const { return m_clientCount; }
    qint64 startUs() const { return m_startUs; } // when recording began (clear())
    quint64 generation() const { return m_generation; } // counts clear()s
    void clear(); // a new cluster: its keys start absent

    // Once `capacity` operations are recorded, later requests are not (begin() hands out an empty ticket):
    // the history stays the operations invoked before it filled, which is a history the checker can
    // judge soundly as long as no read in it may have seen a later write: so a get or a cas that
    // completes after the history filled is recorded as unknown.
    void setCapacity(qsizetype capacity) { m_capacity = capacity; }
    qsizetype capacity() const { return m_capacity; }
    qsizetype unrecorded() const { return m_unrecorded; } // requests left out since the history filled

    // The checker's verdict on the history as it was when checked, and how many operations that was.
    void setReport(const check::CheckReport &report, qsizetype checkedOperations);
    const std::optional<check::CheckReport> &report() const { return m_report; }
    qsizetype checkedOperations() const { return m_checkedOperations; }
    // The verdict in words: one line, then for a violation the witness, one operation a line.
    QString verdictText() const;

Q_SIGNALS:
    void changed(); // an operation was recorded or completed, or the history was cleared
    void reportChanged();

private:
    qint64 takeClient();
    QString verdictOfReport() const;

    Clock m_clock;
    check::History m_history;
    std::set<qint64> m_busy; // clients with an operation in flight, or one that never completed
    int m_clientCount = 0;
    quint64 m_generation = 0;
    qint64 m_startUs = 0;
    qsizetype m_capacity = defaultCapacity;
    qsizetype m_unrecorded = 0;
    std::optional<check::CheckReport> m_report;
    qsizetype m_checkedOperations = 0;
};

// One operation in a few words: "put k=v", "get k → v", "cas k from a to b (swapped)".
QString describeOperation(const check::Operation &operation);

} // namespace raftlab
