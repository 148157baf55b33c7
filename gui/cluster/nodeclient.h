#pragma once

// NodeClient: the app's line to one node's HTTP API (docs/http-api.md).
//
// - The event stream: start() subscribes to GET /events and emits eventReceived() for each event, the
//   first of every connection being the node's whole "state". When the stream breaks (the node was
//   killed, or dropped us for reading too slowly) it emits connectionChanged(false) and subscribes
//   again with a growing pause (100 ms doubling to 2 s, back to 100 ms once connected). Nothing is
//   polled while the stream is up. A frozen node (SIGSTOP) keeps its connection: the stream just
//   stops until it is thawed.
// - refreshStatus(): one GET /status on demand.
// - Fault injection and control: the /admin routes, each ending in adminFinished() and an optional
//   callback.
// - The key-value store: put/get/remove with a callback that gets the HTTP answer and its latency.
//
// Callbacks run on this object's thread, only while it lives: destroying a NodeClient abandons its
// requests without calling them back. Requests never go through a proxy (loopback nodes and
// http_proxy do not mix).

#include "core/types.h"
#include "model/kvrequest.h"
#include "node/clusterconfig.h"
#include "sseparser.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTimer;

namespace raftlab {

class NodeClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeClient)

public:
    using KvResult = raftlab::KvResult;
    using KvCallback = std::function<void(const KvResult &)>;

    // The answer to one admin request.
    struct AdminResult
    {
        bool ok = false;
        int httpStatus = 0;
        QJsonObject json; // the node's answer
        QString message; // empty when ok; else the node's "message" or the network error
    };
    using AdminCallback = std::function<void(const AdminResult &)>;

    enum class ReadConsistency { Linearizable, Local };

    // How long a request may take before it fails with "timed out"; the event stream has no limit.
    static constexpr int defaultRequestTimeoutMs = 10'000;
    // How long a node waits for a key-value request to commit before it answers 503 (docs/http-api.md).
    static constexpr int nodeDefaultKvTimeoutMs = 3'000;
    static constexpr int defaultMinReconnectDelayMs = 100;
    static constexpr int defaultMaxReconnectDelayMs = 2'000;

    NodeClient(NodeId id, const NodeAddress &http, QObject *parent = nullptr);
    ~NodeClient() override;

    NodeId id() const { return m_id; }
    QUrl baseUrl() const { return m_baseUrl; }

    // The event stream: start() subscribes (and keeps subscribing); stop() closes it for good.
    void start();
    void stop();
    bool isStarted() const { return m_started; }
    bool isConnected() const { return m_connected; }
    // Events since construction, and events whose data was not a JSON object.
    quint64 eventCount() const { return m_eventCount; }
    quint64 ignoredEventCount() const { return m_parser.ignoredEvents(); }
    void setReconnectDelays(int minMs, int maxMs);
    void setRequestTimeoutMs(int timeoutMs) { m_requestTimeoutMs = timeoutMs; }
    // Slow motion: the cluster's timers run `factor` times slower, so does every wait for them. Key-value
    // requests ask the node for `factor` times its usual commit timeout (?timeout_ms), and every request
    // may take `factor` times as long before it counts as unanswered.
    void setTimeScale(int factor);
    int timeScale() const { return m_timeScale; }
    int requestTimeoutMs() const { return m_requestTimeoutMs * m_timeScale; }
    int kvTimeoutMs() const { return nodeDefaultKvTimeoutMs * m_timeScale; } // sent when scaled

    // GET /status: statusReceived() or statusFailed().
    void refreshStatus();

    // POST /admin/...: adminFinished(action, ok, message), then `done` if given.
    // `blockedPeers`: dropped both ways; `outgoingBlockedPeers`: not sent to, still heard (one-way cuts).
    void partition(const QList<raftlab::NodeId> &blockedPeers,
                   const QList<raftlab::NodeId> &outgoingBlockedPeers, AdminCallback done = {});
    void setNetworkFaults(int delayMs, int jitterMs, double loss, AdminCallback done = {});
    void setTiming(int heartbeatMs, int electionTimeoutMinMs, int electionTimeoutMaxMs,
                   AdminCallback done = {});
    void transferLeadership(raftlab::NodeId to, AdminCallback done = {});
    void triggerTimeout(AdminCallback done = {});
    // POST /admin/members: {"add": {"id","raft","http"}} or {"remove": id}; answered once committed.
    void changeMembership(const QJsonObject &body, AdminCallback done = {});

    // The key-value store; `timeoutMs` > 0 is passed to the node as ?timeout_ms= (0: kvTimeoutMs() in
    // slow motion, the node's own default at ×1).
    void put(const QByteArray &key, const QByteArray &value, KvCallback done, int timeoutMs = 0);
    void get(const QByteArray &key, KvCallback done,
             ReadConsistency consistency = ReadConsistency::Linearizable, int timeoutMs = 0);
    void remove(const QByteArray &key, KvCallback done, int timeoutMs = 0);
    // Compare-and-swap: sets `key` to `value` (or deletes it when `value` is nullopt) if its value is
    // `expected` (nullopt: if it is absent). A failed comparison answers 412 compare_failed.
    void compareAndSet(const QByteArray &key, const std::optional<QByteArray> &expected,
                       const std::optional<QByteArray> &value, KvCallback done, int timeoutMs = 0);
    // The brief's name for remove(); `delete` is a keyword.
    void del(const QByteArray &key, KvCallback done, int timeoutMs = 0)
    {
        remove(key, std::move(done), timeoutMs);
    }

Q_SIGNALS:
    void eventReceived(const QJsonObject &event);
    // true when a stream is up (just before its first event), false when it broke.
    void connectionChanged(bool connected);
    void statusReceived(const QJsonObject &status);
    void statusFailed(const QString &message);
    // `action` is the admin route's last part: "partition", "net", "timing", "transfer", "timeout".
    void adminFinished(const QString &action, bool ok, const QString &message);

private:
    void subscribe();
    void onStreamData();
    void onStreamFinished();
    void setConnected(bool connected);
    void scheduleReconnect();

    // A request for a path already percent-encoded, with the headers every request carries.
    QNetworkRequest request(const QString &encodedPath,
                            const QList<std::pair<QString, QString>> &query = {}) const;
    void postAdmin(const QString &action, const QJsonObject &body, AdminCallback done);
    QList<std::pair<QString, QString>> timeoutQuery(int timeoutMs) const;
    enum class KvMethod { Get, Put, Delete };
    void sendKv(KvMethod method, const QByteArray &key, const QByteArray &body,
                const QList<std::pair<QString, QString>> &query, KvCallback done);

    NodeId m_id;
    QUrl m_baseUrl;
    QNetworkAccessManager *m_network;
    QTimer *m_reconnectTimer;
    QPointer<QNetworkReply> m_stream;
    SseParser m_parser;
    bool m_started = false;
    bool m_connected = false;
    int m_minReconnectDelayMs = defaultMinReconnectDelayMs;
    int m_maxReconnectDelayMs = defaultMaxReconnectDelayMs;
    int m_reconnectDelayMs = defaultMinReconnectDelayMs;
    int m_requestTimeoutMs = defaultRequestTimeoutMs; // at ×1
    int m_timeScale = 1;
    quint64 m_eventCount = 0;
};

} // namespace raftlab
