#pragma once

// What the client panel says about one key-value answer: pure text, so that a test can check every
// case without a cluster. Three parts: a headline ("200 OK — committed at index 42, term 3"), the
// facts (who answered, how fast, who led) and, when it teaches something, one sentence of why.

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
    QString shortResult{}; // for the history table: "200 OK", "503 timeout (outcome unknown)"
};

QString operationName(KvOperation operation); // "PUT", "GET", "DELETE", "CAS"
// Bytes as text for the panel: UTF-8, cut to `maxCharacters` with an ellipsis.
QString displayBytes(const QByteArray &bytes, int maxCharacters = 60);

// `answeredBy` the node the request went to; `leader` the cluster's leader when the answer came
// (the model's summary), NodeId{} when none is known.
KvAnswer describeKvAnswer(const KvRequest &request, const KvResult &result, NodeId answeredBy, NodeId leader);

} // namespace raftlab
