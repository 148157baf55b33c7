#pragma once

#include "eventstream.h"
#include "httprequest.h"
#include "metrics.h"
#include "node/clusterconfig.h"
#include "pendingrequests.h"
#include "writecondition.h"

#include <QHttpServer>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

class QTimer;

namespace raftlab {

class HttpListener;
class LeaderForwarder;
class WriteRelay;
class RaftNode;
struct WriteOutcome;

// The node's HTTP API (docs/http-api.md): the KV store with forwarding to the leader
// and linearizable reads, /status, /metrics, /events, and the fault-injection routes. Every failed
// request gets a JSON body {"error", "message", ...}.
class HttpApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpApi)

public:
    struct Options
    {
        ClusterConfig cluster;
        QString listenHost;
        quint16 listenPort = 0;
        QString adminToken; // empty: admin routes answer loopback clients only
        bool fsyncEnabled = true;
    };

    HttpApi(Options options, RaftNode *node, QObject *parent = nullptr);
    ~HttpApi() override;

    // Returns an error sentence, or empty once listening.
    QString listen();
    quint16 port() const { return m_port; }

    QJsonObject statusJson() const;

private:
    // One client request on its way: what is needed to serve it here or forward it to the leader.
    struct Request
    {
        PendingRequests::Id id = 0;
        QHttpServerRequest::Method method = QHttpServerRequest::Method::Get;
        QByteArray target; // path and query, percent-encoded, as on a request line
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        bool forwarded = false; // came from another node: never forward again
        bool submitted = false; // a write reached a leader's log: a timeout cannot say it failed
        int timeoutMs = 3000;
        std::function<void(const std::shared_ptr<Request> &)> serveHere; // run on the leader
        // A write to the KV store: what a node needs to propose it, or to relay it to the leader
        // (WriteRelay), and to answer its outcome.
        struct Write
        {
            QByteArray command; // encodeWrite()'s
            bool textAnswer = false; // POST /: "stored k=v at index N (term T)"
            QString display; // k=v, for the text answer
            WriteCondition condition;
            WriteKind kind = WriteKind::Put;
        };
        std::optional<Write> write;
    };
    using RequestPtr = std::shared_ptr<Request>;

    void addKvRoutes();
    void addObservationRoutes();
    void addAdminRoutes();
    void addMemberRoutes(); // memberroutes.cpp
    void wireEvents();

    // A key-value request read by the fast path (ConnectionGate), without QHttpServer.
    void serveFast(const HttpRequest &request, HttpResponder &&responder);
    void handleWrite(const QByteArray &keyBytes, std::optional<QByteArray> value, bool textAnswer,
                     const HttpRequest &request, HttpResponder &&responder);
    void handleRead(const QByteArray &keyBytes, const HttpRequest &request, HttpResponder &&responder);
    // Takes a request that answers later (reading its ?timeout_ms=); answers 400 and returns nothing
    // when that parameter is malformed.
    RequestPtr accept(const HttpRequest &request, HttpResponder &&responder,
                      std::function<void(const RequestPtr &)> serveHere,
                      std::optional<Request::Write> write = std::nullopt);
    // Answers a write from its outcome, here or at the leader that a follower relayed it to
    // (`storageFailure`: the words of the node whose disk failed).
    void answerWrite(const RequestPtr &request, const WriteOutcome &outcome, const QString &storageFailure);
    void dispatch(const RequestPtr &request);
    void forwardToLeader(const RequestPtr &request, NodeId leader);
    void relayToLeader(const RequestPtr &request, NodeId leader);
    void retryWaitingForLeader();
    void answer(const RequestPtr &request, const PendingRequests::Answer &answer);

    // The admin routes (adminroutes.cpp): each one's function gets the caller already admitted and the
    // body parsed as a JSON object.
    using AdminHandler = void (HttpApi::*)(const QJsonObject &body, QHttpServerResponder &&responder);
    void addAdminRoute(const QString &path, AdminHandler handler);
    bool adminAllowed(const QHttpServerRequest &request) const;
    // Answers 403 and returns false when the caller may not use admin routes.
    bool admitAdmin(const QHttpServerRequest &request, QHttpServerResponder &responder) const;
    void blockPeers(const QJsonObject &body, QHttpServerResponder &&responder);
    void setNetworkFaults(const QJsonObject &body, QHttpServerResponder &&responder);
    void setTimers(const QJsonObject &body, QHttpServerResponder &&responder);
    void transferLeadership(const QJsonObject &body, QHttpServerResponder &&responder);
    void startElection(const QJsonObject &body, QHttpServerResponder &&responder);
    void publish(const QJsonObject &event);
    // A `faults` event: this node's lab conditions (blocked peers, delay/loss, timers) after an admin
    // route changed them, so that a viewer learns of a cut link from the node itself, as it happens.
    void publishFaults(const QString &text);
    void trackRole();

    Options m_options;
    RaftNode *m_node;
    QHttpServer m_server;
    HttpListener *m_listener = nullptr; // owned by m_server once listening
    quint16 m_port = 0;
    PendingRequests m_pending;
    EventStream m_events;
    Metrics m_metrics;
    LeaderForwarder *m_forwarder;
    WriteRelay *m_relay;
    int m_forwardsInFlight = 0; // forwarded or relayed; the node persists off its loop while any is
                                // (RaftNode::setClientWorkCheck)
    std::vector<RequestPtr> m_waitingForLeader;
    // Every /admin/ path routed (addAdminRoute(), addMemberRoutes()): another method on one of them is
    // 405, an /admin/ path not among them 404.
    QStringList m_adminPaths;
    QTimer *m_refusedRetry; // tries again the requests the leader's address refused (forwardToLeader)
    NodeId m_lastLeader{};
};

} // namespace raftlab
