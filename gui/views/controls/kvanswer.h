#pragma once

// What the client panel says about one key-value answer: pure text, so that a test can check every
// case without a cluster. Three parts: a headline ("200 OK — committed at index 42, term 3"), the
// facts (who answered, how fast, who led) and, when it teaches something, one sentence of why. Each
// comes twice: in full, and brief for a narrow column (a projector at 1024x768 beside a lesson), where
// the full words would be cut and the table beside the answer already names the request; the brief
// words say the rest, only shorter.

#include "model/kvrequest.h"

#include <QString>

namespace raftlab {

struct KvAnswer
{
    enum class Outcome { Ok, Failed, Unknown }; // Unknown: a write that may or may not have committed
    Outcome outcome = Outcome::Failed;
    QString headline{};
    QString facts{};
    QString explanation{}; // may be empty
    QString briefHeadline{}; // "200 OK — committed"
    QString briefFacts{}; // "index 42, term 3 · node 2 in 4.2 ms · leader 1": the table names the request
    QString briefExplanation{}; // empty when `explanation` is
    QString shortResult{}; // for the history table: "200 OK", "503 timeout (outcome unknown)"
};

QString operationName(KvOperation operation); // "PUT", "GET", "DELETE", "CAS"
// Bytes as text for the panel: UTF-8, cut to `maxCharacters` with an ellipsis.
QString displayBytes(const QByteArray &bytes, int maxCharacters = 60);

// `answeredBy` the node the request went to; `leader` the cluster's leader when the answer came
// (the model's summary), NodeId{} when none is known.
KvAnswer describeKvAnswer(const KvRequest &request, const KvResult &result, NodeId answeredBy, NodeId leader);

} // namespace raftlab
