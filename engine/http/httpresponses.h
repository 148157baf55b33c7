#pragma once

// Small helpers for the HTTP layer's answers: every failure is JSON {"error", "message", ...}.

#include "core/types.h"
#include "httprequest.h"
#include "pendingrequests.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonObject>

#include <optional>

namespace raftlab {

// Marks a request one node forwarded to the leader, so it is never forwarded twice.
inline constexpr char forwardedHeader[] = "X-Raftlab-Forwarded";
inline constexpr int defaultTimeoutMs = 3000;

QJsonObject errorJson(const QString &code, const QString &message);
PendingRequests::Answer jsonAnswer(QHttpServerResponder::StatusCode status, const QJsonObject &body);
// 503 with the leader (or null) and, for writes that may still commit, "outcome": "unknown".
PendingRequests::Answer unavailableAnswer(const QString &code, const QString &message, NodeId leader,
                                          const QString &outcome);
void respondNow(HttpResponder &&responder, QHttpServerResponder::StatusCode status, const QJsonObject &body);
// The reason phrase of a status line ("OK", "Not Found"); empty for a code it does not know.
QByteArrayView reasonPhrase(int status);
// A whole answer, as QHttpServerResponder::write(body, mime, status) sends it: status line, Content-Type,
// Content-Length, the body.
QByteArray httpResponse(const PendingRequests::Answer &answer);
// Sends `answer` on the responder's connection in one write. QHttpServerResponder::write() makes about
// sixteen small writes to the socket for one answer, a twentieth of a node's work per write.
void writeAnswer(HttpResponder &responder, const PendingRequests::Answer &answer);
// ?timeout_ms=, default 3000; nullopt when present but not a whole number of 1..600000 ms.
std::optional<int> timeoutFrom(const HttpRequest &request);
QByteArray methodName(QHttpServerRequest::Method method);

} // namespace raftlab
