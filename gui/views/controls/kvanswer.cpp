#include "kvanswer.h"

#include <QCoreApplication>

namespace raftlab {

namespace {

// The answer's words are the user's to read: every one goes through the translator, in context
// "KvAnswer".
struct KvAnswerWords
{
    Q_DECLARE_TR_FUNCTIONS(KvAnswer)
};

QString tr(const char *text)
{
    return KvAnswerWords::tr(text);
}

bool isWrite(KvOperation operation)
{
    return operation != KvOperation::Get;
}

QString describeRequest(const KvRequest &request)
{
    switch (request.operation) {
    case KvOperation::Put:
        return tr("PUT %1 = %2").arg(displayBytes(request.key, 30), displayBytes(request.value, 30));
    case KvOperation::Get:
        return tr("GET %1%2")
            .arg(displayBytes(request.key, 30), request.localRead ? tr(" (local)") : QString());
    case KvOperation::Delete:
        return tr("DELETE %1").arg(displayBytes(request.key, 30));
    case KvOperation::Cas:
        return tr("CAS %1 from %2 to %3")
            .arg(displayBytes(request.key, 30),
                 request.expected ? displayBytes(*request.expected, 30) : tr("(absent)"),
                 displayBytes(request.value, 30));
    }
    return QString();
}

// Who leads, in a few words: "leader 1", "no leader", "node 2 knows no leader" shortened alike.
QString whoLeadsBriefly(const KvResult &result, NodeId leader)
{
    const std::optional<NodeId> known = result.httpStatus == 503
        ? result.leader
        : (leader.isNone() ? std::nullopt : std::optional<NodeId>(leader));
    return known ? tr("leader %1").arg(known->value) : tr("no leader");
}

QString whoLeads(const KvResult &result, NodeId answeredBy, NodeId leader)
{
    // A 503 carries the answering node's own idea of the leader: that is the one that explains it.
    if (result.httpStatus == 503) {
        if (result.leader)
            return tr("node %1 says node %2 leads").arg(answeredBy.value).arg(result.leader->value);
        return tr("node %1 knows no leader").arg(answeredBy.value);
    }
    return leader.isNone() ? tr("no leader right now") : tr("node %1 leads").arg(leader.value);
}

// The headline and explanation of an HTTP answer that is not a success.
void describeFailure(const KvRequest &request, const KvResult &result, NodeId answeredBy, KvAnswer &answer)
{
    const bool write = isWrite(request.operation);
    const bool unknownOutcome =
        result.json.value(QStringLiteral("outcome")).toString() == QLatin1String("unknown") ||
        // A write that left without an answer may have reached a log: only a refused connection says not.
        (result.httpStatus == 0 && write && !result.neverSent);
    answer.outcome = unknownOutcome ? KvAnswer::Outcome::Unknown : KvAnswer::Outcome::Failed;
    const QString code = result.httpStatus == 0
        ? tr("No answer")
        : tr("%1 %2").arg(result.httpStatus).arg(result.error.isEmpty() ? tr("error") : result.error);
    answer.shortResult = unknownOutcome ? code + tr(" (outcome unknown)") : code;

    if (result.httpStatus == 404 && result.error == QLatin1String("not_found")) {
        answer.headline = tr("404 not found — the key has no value");
        answer.briefHeadline = tr("not found");
        answer.shortResult = tr("404 not found");
        answer.explanation = request.localRead
            ? tr("This is node %1's own copy; a node that is behind may not have the key yet.")
                  .arg(answeredBy.value)
            : QString();
        answer.briefExplanation =
            request.localRead ? tr("Node %1's own copy: it may be behind.").arg(answeredBy.value) : QString();
        return;
    }
    if (unknownOutcome) {
        answer.headline = tr("%1 — outcome unknown").arg(code);
        answer.briefHeadline = tr("outcome unknown");
        answer.explanation =
            tr("The write may still commit later: the leader may have logged it, but could not "
               "confirm it with a majority in time. Read the key to find out.");
        answer.briefExplanation = tr("It may still commit: read the key to find out.");
        if (!result.message.isEmpty())
            answer.explanation = tr("Node %1: \u201C%2\u201D. ").arg(answeredBy.value).arg(result.message) +
                answer.explanation;
        return;
    }
    answer.headline = result.message.isEmpty() ? code : tr("%1 — %2").arg(code, result.message);
    answer.briefHeadline = code;
    if (result.httpStatus == 0) {
        answer.explanation =
            tr("Node %1 did not answer: it may be killed, frozen or restarting.").arg(answeredBy.value);
        answer.briefExplanation = tr("Node %1 may be killed, frozen or restarting.").arg(answeredBy.value);
    } else if (result.error == QLatin1String("unavailable") || result.error == QLatin1String("timeout")) {
        answer.explanation = tr("Raft needs a leader in touch with a majority. There is none right now (an "
                                "election is running, or this node is cut off): try again in a moment.");
        answer.briefExplanation = tr("No leader with a majority: try again soon.");
    }
}

// Why a success means what it means, in full and brief.
void explainSuccess(const KvRequest &request, NodeId answeredBy, NodeId leader, KvAnswer &answer)
{
    if (request.operation == KvOperation::Get) {
        if (request.localRead) {
            answer.explanation =
                tr("Read from node %1's own copy (consistency=local): fast, but stale if node "
                   "%1 is behind or cut off.")
                    .arg(answeredBy.value);
            answer.briefExplanation = tr("Node %1's own copy: stale if it is behind.").arg(answeredBy.value);
            return;
        }
        answer.explanation = tr("A linearizable read: the leader first checked with a majority that it still "
                                "leads, so this value is the latest.");
        answer.briefExplanation = tr("The leader checked with a majority: the latest value.");
        return;
    }
    const QString committed = tr("A majority of the nodes stored it, so it is committed: no "
                                 "future leader can lose it.");
    const QString briefCommitted = tr("A majority stored it: no leader can lose it.");
    if (!leader.isNone() && leader != answeredBy) {
        answer.explanation = tr("Node %1 is not the leader: it forwarded the request to node %2. %3")
                                 .arg(answeredBy.value)
                                 .arg(leader.value)
                                 .arg(committed);
        answer.briefExplanation = tr("Forwarded to leader %1; a majority stored it.").arg(leader.value);
        return;
    }
    answer.explanation = committed;
    answer.briefExplanation = briefCommitted;
}

} // namespace

QString operationName(KvOperation operation)
{
    switch (operation) {
    case KvOperation::Put:
        return tr("PUT");
    case KvOperation::Get:
        return tr("GET");
    case KvOperation::Delete:
        return tr("DELETE");
    case KvOperation::Cas:
        return tr("CAS");
    }
    return QString();
}

QString displayBytes(const QByteArray &bytes, int maxCharacters)
{
    const QString text = QString::fromUtf8(bytes);
    if (text.size() <= maxCharacters)
        return text;
    return text.left(std::max(1, maxCharacters - 1)) + QChar(0x2026);
}

KvAnswer describeKvAnswer(const KvRequest &request, const KvResult &result, NodeId answeredBy, NodeId leader)
{
    KvAnswer answer;
    const QString target = request.anyNode ? tr("any node → node %1").arg(answeredBy.value)
                                           : tr("node %1").arg(answeredBy.value);
    const QString latency = QString::number(result.latencyUs / 1000.0, 'f', 1);
    answer.facts = result.httpStatus == 0
        ? tr("%1 · sent to %2 · no answer after %3 ms · %4")
              .arg(describeRequest(request), target, latency, whoLeads(result, answeredBy, leader))
        : tr("%1 · answered by %2 in %3 ms · %4")
              .arg(describeRequest(request), target, latency, whoLeads(result, answeredBy, leader));
    // In a narrow column the table beside the answer names the node, the operation and the key, but not
    // where in the log the write went nor how fast: the brief facts say those.
    const double ms = result.latencyUs / 1000.0;
    const QString briefLatency = QString::number(ms, 'f', ms < 10 ? 1 : 0);
    answer.briefFacts = result.httpStatus == 0 ? tr("node\u00A0%1 silent %2\u00A0ms · %3")
                                                     .arg(answeredBy.value)
                                                     .arg(briefLatency, whoLeadsBriefly(result, leader))
                                               : tr("node\u00A0%1, %2\u00A0ms · %3")
                                                     .arg(answeredBy.value)
                                                     .arg(briefLatency, whoLeadsBriefly(result, leader));
    if (!result.ok()) {
        describeFailure(request, result, answeredBy, answer);
        return answer;
    }
    answer.outcome = KvAnswer::Outcome::Ok;
    answer.shortResult = tr("%1 OK").arg(result.httpStatus);
    switch (request.operation) {
    case KvOperation::Get:
        answer.headline =
            tr("%1 OK — value: \u201C%2\u201D").arg(result.httpStatus).arg(displayBytes(result.body));
        answer.briefHeadline = tr("value \u201C%1\u201D").arg(displayBytes(result.body));
        break;
    case KvOperation::Put:
    case KvOperation::Delete:
    case KvOperation::Cas: {
        const QString done = request.operation == KvOperation::Delete ? tr("deleted; ")
            : request.operation == KvOperation::Cas                   ? tr("swapped; ")
                                                                      : QString();
        const qint64 index = result.index.value_or(0);
        const qint64 term = result.term.value_or(0);
        answer.headline = tr("%1 OK — %2committed at index %3, term %4")
                              .arg(result.httpStatus)
                              .arg(done)
                              .arg(index)
                              .arg(term);
        // The status code is in the table's result column beside it.
        answer.briefHeadline = request.operation == KvOperation::Delete ? tr("delete committed")
            : request.operation == KvOperation::Cas                     ? tr("swap committed")
                                                                        : tr("committed");
        answer.briefFacts = tr("index %1, term %2 · %3").arg(index).arg(term).arg(answer.briefFacts);
        break;
    }
    }
    explainSuccess(request, answeredBy, leader, answer);
    return answer;
}

} // namespace raftlab
