#include "clienthistory.h"

#include <chrono>

namespace raftlab {

using check::OpKind;
using check::OpResult;

namespace {

qint64 steadyNowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

OpKind kindOf(KvOperation operation)
{
    switch (operation) {
    case KvOperation::Put:
        return OpKind::Put;
    case KvOperation::Get:
        return OpKind::Get;
    case KvOperation::Delete:
        return OpKind::Delete;
    case KvOperation::Cas:
        return OpKind::Cas;
    }
    return OpKind::Get;
}

} // namespace

HistoryOutcome classifyAnswer(const KvRequest &request, const KvResult &result)
{
    HistoryOutcome outcome;
    if (request.operation == KvOperation::Get) {
        if (result.ok()) {
            outcome.result = OpResult::Ok;
            outcome.value = QString::fromUtf8(result.body);
        } else if (result.httpStatus == 404 && result.error == QLatin1String("not_found")) {
            outcome.result = OpResult::Ok;
        } else {
            // A read that did not complete constrains nothing either way; `fail` where the node refused it.
            outcome.result =
                (result.httpStatus >= 400 && result.httpStatus < 500) ? OpResult::Fail : OpResult::Unknown;
        }
        return outcome;
    }
    if (result.ok()) {
        outcome.result = OpResult::Ok;
        if (request.operation == KvOperation::Cas)
            outcome.swapped = true;
        return outcome;
    }
    if (request.operation == KvOperation::Cas && result.httpStatus == 412 &&
        result.error == QLatin1String("compare_failed")) {
        outcome.result = OpResult::Ok; // applied: the comparison did not hold
        outcome.swapped = false;
        return outcome;
    }
    if (result.httpStatus == 0) {
        // No answer: it may have reached a leader's log (see KvResult::networkError), unless it never left.
        outcome.result = result.neverSent ? OpResult::Fail : OpResult::Unknown;
        return outcome;
    }
    if (result.httpStatus >= 400 && result.httpStatus < 500) {
        outcome.result = OpResult::Fail; // refused before it reached a log
        return outcome;
    }
    // 5xx: only the node can say whether the write may still happen.
    outcome.result = result.json.value(QStringLiteral("outcome")).toString() == QLatin1String("failed")
        ? OpResult::Fail
        : OpResult::Unknown;
    return outcome;
}

ClientHistory::ClientHistory(QObject *parent)
    : QObject(parent)
    , m_clock(steadyNowUs)
{
    m_startUs = nowUs();
}

qint64 ClientHistory::takeClient()
{
    qint64 client = 1;
    for (qint64 busy : m_busy) {
        if (busy != client)
            break;
        ++client;
    }
    m_busy.insert(client);
    m_clientCount = std::max(m_clientCount, int(client));
    return client;
}

ClientHistory::Ticket ClientHistory::begin(const KvRequest &request)
{
    // A local read answers from one node's store and may be stale by contract: a history is checked
    // for linearizability, and such a read, recorded as a get, would make a correct run look wrong.
    if (request.localRead)
        return Ticket{-1, m_generation};
    if (m_history.size() >= m_capacity) {
        if (m_unrecorded++ == 0)
            Q_EMIT changed(); // the History tab says from now on that it is full
        return Ticket{-1, m_generation};
    }
    check::Operation operation;
    operation.client = takeClient();
    operation.kind = kindOf(request.operation);
    operation.key = QString::fromUtf8(request.key);
    if (request.operation == KvOperation::Put || request.operation == KvOperation::Cas)
        operation.value = QString::fromUtf8(request.value);
    if (request.operation == KvOperation::Cas && request.expected)
        operation.expect = QString::fromUtf8(*request.expected);
    operation.invokeUs = nowUs();
    const Id id = m_history.invoke(std::move(operation));
    Q_EMIT changed();
    return Ticket{id, m_generation};
}

void ClientHistory::finish(Ticket ticket, const KvRequest &request, const KvResult &result)
{
    const Id id = ticket.id;
    if (ticket.generation != m_generation || id < 0 || id >= m_history.size() || m_history.at(id).completeUs)
        return; // cleared since it left
    const qint64 now = std::max(nowUs(), m_history.at(id).invokeUs);
    HistoryOutcome outcome = classifyAnswer(request, result);
    if (m_unrecorded > 0 && request.operation != KvOperation::Put && request.operation != KvOperation::Delete)
        outcome.result = OpResult::Unknown; // it may have seen a write the history does not hold
    switch (outcome.result) {
    case OpResult::Ok:
        if (request.operation == KvOperation::Get)
            m_history.completeGet(id, now, outcome.value);
        else if (request.operation == KvOperation::Cas)
            m_history.completeCas(id, now, outcome.swapped.value_or(true));
        else
            m_history.completeWrite(id, now);
        break;
    case OpResult::Fail:
        m_history.completeFailed(id, now);
        break;
    case OpResult::Unknown:
        m_history.completeUnknown(id, now);
        break;
    }
    m_busy.erase(m_history.at(id).client);
    Q_EMIT changed();
}

void ClientHistory::clear()
{
    m_history = check::History();
    ++m_generation;
    m_busy.clear();
    m_clientCount = 0;
    m_unrecorded = 0;
    m_startUs = nowUs();
    m_report.reset();
    m_checkedOperations = 0;
    Q_EMIT changed();
    Q_EMIT reportChanged();
}

void ClientHistory::setReport(const check::CheckReport &report, qsizetype checkedOperations)
{
    m_report = report;
    m_checkedOperations = checkedOperations;
    Q_EMIT reportChanged();
}

QString ClientHistory::verdictText() const
{
    if (!m_report)
        return tr("Not checked yet.");
    QString text = verdictOfReport();
    if (m_unrecorded > 0)
        text += QLatin1Char('\n') +
            tr("The history is full: it holds the first %1 operations; %2 later requests were not recorded.")
                .arg(m_history.size())
                .arg(m_unrecorded);
    return text;
}

QString ClientHistory::verdictOfReport() const
{
    const check::CheckReport &report = *m_report;
    switch (report.verdict) {
    case check::CheckReport::Verdict::Linearizable:
        return tr("Linearizable: %1 operations on %2 keys, one order explains every answer (checked in %3 "
                  "ms).")
            .arg(report.operations)
            .arg(report.keys)
            .arg(double(report.checkUs) / 1000.0, 0, 'f', 1);
    case check::CheckReport::Verdict::Undecided:
        return tr("Undecided within the time budget: keys %1.")
            .arg(report.undecidedKeys.join(QStringLiteral(", ")));
    case check::CheckReport::Verdict::NotLinearizable:
        break;
    }
    QStringList lines{tr("NOT linearizable: key %1. %2").arg(report.key, report.explanation)};
    for (check::History::Id id : report.witness) {
        if (id >= 0 && id < m_history.size())
            lines << ClientHistory::tr("  client %1: %2")
                         .arg(m_history.at(id).client)
                         .arg(describeOperation(m_history.at(id)));
    }
    return lines.join(QLatin1Char('\n'));
}

QString describeOperation(const check::Operation &operation)
{
    const auto text = [](const std::optional<QString> &value) {
        return value ? *value : ClientHistory::tr("(absent)");
    };
    QString what;
    switch (operation.kind) {
    case OpKind::Put:
        what = ClientHistory::tr("put %1=%2").arg(operation.key, text(operation.value));
        break;
    case OpKind::Get:
        what = operation.result == OpResult::Ok
            ? ClientHistory::tr("get %1 → %2").arg(operation.key, text(operation.value))
            : ClientHistory::tr("get %1").arg(operation.key);
        break;
    case OpKind::Delete:
        what = ClientHistory::tr("delete %1").arg(operation.key);
        break;
    case OpKind::Cas:
        what = ClientHistory::tr("cas %1 from %2 to %3")
                   .arg(operation.key, text(operation.expect), text(operation.value));
        if (operation.swapped)
            what +=
                *operation.swapped ? ClientHistory::tr(" (swapped)") : ClientHistory::tr(" (not swapped)");
        break;
    }
    return QStringLiteral("%1 [%2]").arg(what, check::opResultName(operation.result));
}

} // namespace raftlab
