#pragma once

// One client request to the key-value store and the answer it got, as plain data: the client panel
// draws them, ClientSession (gui/cluster) sends them, and the history records them. No network here.

#include "core/types.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace raftlab {

enum class KvOperation { Put, Get, Delete, Cas };

// Who asked: the client panel shows only its own requests' answers; the history records them all.
enum class KvSource { Panel, Load, Scenario, Chaos };

struct KvRequest
{
    KvOperation operation = KvOperation::Put;
    QByteArray key{};
    QByteArray value{}; // of a put, or what a cas sets
    bool anyNode = false; // sent to "any node": a reachable one was picked
    bool localRead = false; // a get with consistency=local
    std::optional<QByteArray> expected{}; // cas: the value compared with (nullopt: the key is absent)
    int timeoutMs = 0; // > 0: passed to the node as ?timeout_ms=
    KvSource source = KvSource::Panel;
};

// The answer to one key-value request.
struct KvResult
{
    int httpStatus = 0; // 0: no HTTP answer at all (see networkError)
    QByteArray body; // as received: the value of a successful GET, JSON otherwise
    QJsonObject json; // the body when the node sent JSON, else empty
    std::optional<qint64> index; // "index" and "term" of a write that was applied
    std::optional<qint64> term;
    QString error; // the node's "error" code ("not_found", "unavailable", "timeout", ...)
    QString message; // the node's "message", or the network error in one sentence
    std::optional<NodeId> leader; // "leader" of a 503, when the node knows one
    qint64 latencyUs = 0; // from sending the request to the whole answer
    // Empty when an HTTP answer arrived. Without an answer the request may still have reached a node,
    // unless `neverSent`.
    QString networkError;
    // A write whose connection was refused: not a byte of it left, so it certainly never reached a log.
    // (Writes are sent exactly once; a read goes through Qt, which may resend it, and never sets this.)
    bool neverSent = false;

    bool ok() const { return httpStatus >= 200 && httpStatus < 300; }
};

} // namespace raftlab
