// HttpApi: construction, listening, and the key-value routes with forwarding to the leader.
// Observation and admin routes are in observationroutes.cpp and adminroutes.cpp.
#include "httpapi.h"

#include "httplistener.h"
#include "httpresponses.h"
#include "leaderforwarder.h"
#include "net/listenaddress.h"
#include "node/kvstore.h"
#include "node/raftnode.h"
#include "writecondition.h"
#include "writerelay.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTimer>

namespace raftlab {

Q_LOGGING_CATEGORY(lcHttp, "raftlab.http")

using Status = QHttpServerResponder::StatusCode;

HttpApi::HttpApi(Options options, RaftNode *node, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_node(node)
    , m_forwarder(new LeaderForwarder(this))
    , m_relay(new WriteRelay(node, node->transport(), this))
    , m_refusedRetry(new QTimer(this))
{
    m_refusedRetry->setSingleShot(true);
    m_refusedRetry->setInterval(20);
    connect(m_refusedRetry, &QTimer::timeout, this, &HttpApi::retryWaitingForLeader);
    addKvRoutes();
    addObservationRoutes();
    addAdminRoutes();
    addMemberRoutes();
    wireEvents();
    m_node->setClientWorkCheck([this] { return m_forwardsInFlight > 0; });
    connect(m_relay, &WriteRelay::proposedForPeer, this, [this] { ++m_metrics.proposals; });
    m_server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QString path = request.url().path();
        const auto method = request.method();
        const bool kvMethod = method == QHttpServerRequest::Method::Get ||
            method == QHttpServerRequest::Method::Put || method == QHttpServerRequest::Method::Delete;
        if ((path.startsWith(QLatin1String("/kv/")) || path == QLatin1String("/kv")) && kvMethod) {
            // A method /kv/ takes, on a path its key route did not match: the key is what is wrong.
            respondNow(
                std::move(responder), Status::BadRequest,
                errorJson(
                    QStringLiteral("bad_key"),
                    QStringLiteral("a key is 1 to %1 bytes of UTF-8 without '/'").arg(KvStore::maxKeyBytes)));
            return;
        }
        const bool known = path == QLatin1String("/") || path == QLatin1String("/status") ||
            path == QLatin1String("/metrics") || path == QLatin1String("/events") ||
            path.startsWith(QLatin1String("/kv/")) || m_adminPaths.contains(path);
        if (known) {
            respondNow(std::move(responder), Status::MethodNotAllowed,
                       errorJson(QStringLiteral("method_not_allowed"),
                                 QStringLiteral("%1 does not take this method").arg(path)));
            return;
        }
        respondNow(std::move(responder), Status::NotFound,
                   errorJson(QStringLiteral("not_found"), QStringLiteral("no such route: %1").arg(path)));
    });
    connect(&m_pending, &PendingRequests::answered, this,
            [this](qint64 latencyUs, int) { m_metrics.requests.observeMicroseconds(latencyUs); });
}

HttpApi::~HttpApi()
{
    m_node->setClientWorkCheck(nullptr); // the node outlives this object (NodeProcess)
}

QString HttpApi::listen()
{
    const QHostAddress address = listenAddressFor(m_options.listenHost);
    auto listener = std::make_unique<HttpListener>(HttpListener::Options{});
    if (!listener->listen(address, m_options.listenPort))
        return QStringLiteral("cannot serve HTTP on %1:%2 (is the port in use?)")
            .arg(m_options.listenHost)
            .arg(m_options.listenPort);
    m_port = listener->serverPort();
    listener->setPolicy(std::make_shared<const OriginPolicy>(m_options.listenHost, address, m_port));
    listener->setFastHandler(
        [this](HttpRequest request, HttpResponder responder) { serveFast(request, std::move(responder)); });
    m_listener = listener.release();
    m_server.bind(m_listener); // m_server owns it now
    return QString();
}

// ---------------------------------------------------------------------------------------------
// Key-value routes.

namespace {

// Fix (integration test tst_bad_input): the key as the client sent it, percent-decoded to bytes.
// QHttpServer hands <arg> over as a QString, and that conversion replaces invalid UTF-8 with U+FFFD, so
// "/kv/bad%FFkey" was stored under another, valid key instead of being refused with 400 (docs/http-api.md:
// keys are UTF-8; malformed ones get 400 and nothing is written).
QByteArray rawKey(const HttpRequest &request)
{
    return QByteArray::fromPercentEncoding(request.encodedPath().mid(qsizetype(qstrlen("/kv/"))));
}

} // namespace

void HttpApi::addKvRoutes()
{
    m_server.route(
        QStringLiteral("/kv/<arg>"), QHttpServerRequest::Method::Put,
        [this](const QString &, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handleWrite(rawKey(request), request.body(), false, request, std::move(responder));
        });
    m_server.route(
        QStringLiteral("/kv/<arg>"), QHttpServerRequest::Method::Delete,
        [this](const QString &, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handleWrite(rawKey(request), std::nullopt, false, request, std::move(responder));
        });
    m_server.route(
        QStringLiteral("/kv/<arg>"), QHttpServerRequest::Method::Get,
        [this](const QString &, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handleRead(rawKey(request), request, std::move(responder));
        });
    // The seed article's route: POST / with body key=value.
    m_server.route(QStringLiteral("/"), QHttpServerRequest::Method::Post,
                   [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                       const QByteArray body = request.body();
                       const qsizetype equals = body.indexOf('=');
                       if (equals < 0) {
                           respondNow(std::move(responder), Status::BadRequest,
                                      errorJson(QStringLiteral("bad_request"),
                                                QStringLiteral("the body must be key=value")));
                           return;
                       }
                       handleWrite(body.left(equals), body.mid(equals + 1), true, request,
                                   std::move(responder));
                   });
}

void HttpApi::serveFast(const HttpRequest &request, HttpResponder &&responder)
{
    // The routes of addKvRoutes(), for the requests KvFastPath takes.
    switch (request.method()) {
    case HttpRequest::Method::Put:
        handleWrite(rawKey(request), request.body(), false, request, std::move(responder));
        return;
    case HttpRequest::Method::Delete:
        handleWrite(rawKey(request), std::nullopt, false, request, std::move(responder));
        return;
    default:
        handleRead(rawKey(request), request, std::move(responder));
        return;
    }
}

void HttpApi::handleWrite(const QByteArray &keyBytes, std::optional<QByteArray> value, bool textAnswer,
                          const HttpRequest &request, HttpResponder &&responder)
{
    if (const QString problem = KvStore::validateKey(keyBytes); !problem.isEmpty()) {
        respondNow(std::move(responder), Status::BadRequest, errorJson(QStringLiteral("bad_key"), problem));
        return;
    }
    if (value) {
        if (const QString problem = KvStore::validateValueSize(value->size()); !problem.isEmpty()) {
            respondNow(std::move(responder), Status::PayloadTooLarge,
                       errorJson(QStringLiteral("value_too_large"), problem));
            return;
        }
    }
    // Compare-and-swap (?if_value=, ?if_absent=true): the condition goes into the entry and is decided
    // when it applies. POST / is the seed article's plain write and takes none.
    WriteCondition condition;
    const WriteKind kind = value ? WriteKind::Put : WriteKind::Delete;
    if (!textAnswer) {
        if (const QString problem = parseWriteCondition(request.encodedQuery(), kind, condition);
            !problem.isEmpty()) {
            respondNow(std::move(responder), Status::BadRequest,
                       errorJson(QStringLiteral("bad_request"), problem));
            return;
        }
    }
    const QByteArray command = encodeWrite(keyBytes, value, condition);
    // Only the text answer of POST / shows the pair; a PUT or DELETE answers JSON and needs none of it.
    const QString display = !textAnswer ? QString()
        : value ? QStringLiteral("%1=%2").arg(QString::fromUtf8(keyBytes), QString::fromUtf8(value->left(64)))
                : QString::fromUtf8(keyBytes);
    accept(
        request, std::move(responder),
        [this](const RequestPtr &self) {
            self->submitted = true;
            ++m_metrics.proposals;
            m_node->write(self->write->command, [this, self](const WriteOutcome &outcome) {
                answerWrite(self, outcome, m_node->storageFailure());
            });
        },
        Request::Write{command, textAnswer, display, condition, kind});
}

void HttpApi::answerWrite(const RequestPtr &self, const WriteOutcome &outcome, const QString &storageFailure)
{
    const Request::Write &write = *self->write;
    switch (outcome.status) {
    case WriteOutcome::Status::CompareFailed:
        answer(self,
               compareFailedAnswer(write.condition, write.kind, outcome.index.value, outcome.term.value));
        return;
    case WriteOutcome::Status::Applied:
        if (write.textAnswer)
            answer(self,
                   PendingRequests::Answer{QStringLiteral("stored %1 at index %2 (term %3)\n")
                                               .arg(write.display)
                                               .arg(outcome.index.value)
                                               .arg(outcome.term.value)
                                               .toUtf8(),
                                           "text/plain; charset=utf-8", Status::Ok});
        else // {"index":N,"term":T}, as QJsonDocument would write it, without building one per write
            answer(self,
                   PendingRequests::Answer{"{\"index\":" + QByteArray::number(outcome.index.value) +
                                               ",\"term\":" + QByteArray::number(outcome.term.value) + "}\n",
                                           "application/json", Status::Ok});
        return;
    case WriteOutcome::Status::NotLeader:
        self->submitted = false;
        if (m_node->role() == Role::Leader) { // never serve it here again: no loop
            answer(self,
                   unavailableAnswer(QStringLiteral("unavailable"),
                                     QStringLiteral("this node could not take the write"), outcome.leader,
                                     QStringLiteral("failed")));
            return;
        }
        dispatch(self); // leadership moved between the check and the proposal: go again
        return;
    case WriteOutcome::Status::Busy:
        answer(self,
               unavailableAnswer(QStringLiteral("unavailable"),
                                 QStringLiteral("the leader is handing leadership over; "
                                                "nothing was written, retry in a moment"),
                                 outcome.leader, QStringLiteral("failed")));
        return;
    case WriteOutcome::Status::NotCommitted:
        answer(self,
               unavailableAnswer(QStringLiteral("not_committed"),
                                 QStringLiteral("a newer leader replaced the entry: it was not written"),
                                 outcome.leader, QStringLiteral("failed")));
        return;
    case WriteOutcome::Status::Unknown:
        answer(self,
               unavailableAnswer(QStringLiteral("timeout"),
                                 QStringLiteral("a snapshot replaced the log before the write was seen "
                                                "to apply; it may or may not have"),
                                 outcome.leader, QStringLiteral("unknown")));
        return;
    case WriteOutcome::Status::StorageFailed:
        answer(self,
               unavailableAnswer(QStringLiteral("storage_failed"), storageFailure, outcome.leader,
                                 QStringLiteral("failed")));
        return;
    case WriteOutcome::Status::StorageFailedInFlight:
        answer(self,
               unavailableAnswer(QStringLiteral("storage_failed"),
                                 QStringLiteral("%1; the entry may already be on other nodes and "
                                                "may still commit under another leader")
                                     .arg(storageFailure),
                                 outcome.leader, QStringLiteral("unknown")));
        return;
    }
}

void HttpApi::handleRead(const QByteArray &keyBytes, const HttpRequest &request, HttpResponder &&responder)
{
    if (const QString problem = KvStore::validateKey(keyBytes); !problem.isEmpty()) {
        respondNow(std::move(responder), Status::BadRequest, errorJson(QStringLiteral("bad_key"), problem));
        return;
    }
    const QString consistency = request.query().queryItemValue(QStringLiteral("consistency"));
    if (!consistency.isEmpty() && consistency != QLatin1String("local") &&
        consistency != QLatin1String("linearizable")) {
        respondNow(std::move(responder), Status::BadRequest,
                   errorJson(QStringLiteral("bad_request"),
                             QStringLiteral("consistency is 'linearizable' or 'local'")));
        return;
    }
    const auto readNow = [this, keyBytes]() {
        const std::optional<QByteArray> value = m_node->store().get(keyBytes);
        if (!value)
            return jsonAnswer(Status::NotFound,
                              errorJson(QStringLiteral("not_found"),
                                        QStringLiteral("no key %1").arg(QString::fromUtf8(keyBytes))));
        return PendingRequests::Answer{*value, "application/octet-stream", Status::Ok};
    };
    if (consistency == QLatin1String("local")) {
        // This node's own state, however stale: for showing why reads need care.
        const PendingRequests::Answer local = readNow();
        writeAnswer(responder, local);
        return;
    }
    accept(request, std::move(responder), [this, readNow](const RequestPtr &self) {
        m_node->linearizableRead([this, self, readNow](const ReadOutcome &outcome) {
            switch (outcome.status) {
            case ReadOutcome::Status::Ready:
                answer(self, readNow());
                return;
            case ReadOutcome::Status::NotLeader:
                dispatch(self);
                return;
            case ReadOutcome::Status::LeadershipLost:
                answer(self,
                       unavailableAnswer(
                           QStringLiteral("unavailable"),
                           QStringLiteral("the leader stepped down before it could confirm the read"),
                           outcome.leader, QString()));
                return;
            case ReadOutcome::Status::StorageFailed:
                answer(self,
                       unavailableAnswer(QStringLiteral("storage_failed"), m_node->storageFailure(),
                                         outcome.leader, QString()));
                return;
            }
        });
    });
}

// ---------------------------------------------------------------------------------------------
// Requests that answer later: served here when this node leads, else forwarded to the leader, else
// held until a leader is known or the deadline passes.

HttpApi::RequestPtr HttpApi::accept(const HttpRequest &request, HttpResponder &&responder,
                                    std::function<void(const RequestPtr &)> serveHere,
                                    std::optional<Request::Write> write)
{
    const std::optional<int> timeoutMs = timeoutFrom(request);
    if (!timeoutMs) {
        respondNow(
            std::move(responder), Status::BadRequest,
            errorJson(QStringLiteral("bad_request"), QStringLiteral("timeout_ms must be 1 to 600000")));
        return nullptr;
    }
    auto self = std::make_shared<Request>();
    self->method = request.method();
    self->target = request.encodedTarget();
    self->body = request.body();
    self->headers = request.headers();
    self->forwarded = !request.value(forwardedHeader).isEmpty();
    self->timeoutMs = *timeoutMs;
    self->serveHere = std::move(serveHere);
    self->write = std::move(write);
    const std::weak_ptr<Request> weak = self;
    self->id = m_pending.add(std::move(responder), *timeoutMs, [this, weak]() {
        const RequestPtr request = weak.lock();
        const bool submitted = request && request->submitted;
        // Answered now: it must not wait (holding its body) for a leader any longer.
        std::erase_if(m_waitingForLeader,
                      [&request](const RequestPtr &waiting) { return waiting == request; });
        if (submitted)
            return unavailableAnswer(QStringLiteral("timeout"),
                                     QStringLiteral("no answer in time; the write may still commit"),
                                     m_node->leader(), QStringLiteral("unknown"));
        // Never handed to a leader: a write certainly did not happen, and its client may say so.
        const bool isWrite = request && request->method != QHttpServerRequest::Method::Get;
        return unavailableAnswer(QStringLiteral("unavailable"),
                                 QStringLiteral("no leader could take the request in time"), m_node->leader(),
                                 isWrite ? QStringLiteral("failed") : QString());
    });
    dispatch(self);
    return self;
}

void HttpApi::dispatch(const RequestPtr &request)
{
    // Fix (integration test tst_partition): a request whose deadline already answered the client must
    // not be served later. Without this, a write held in m_waitingForLeader past its timeout was still
    // proposed once a leader appeared, although the client had been told 503 "no leader could take the
    // request in time" (no "outcome": "unknown"): a write the client believes failed would commit.
    if (!m_pending.isPending(request->id))
        return;
    // A node whose disk failed left the protocol and will never know a leader: it answers at once.
    if (m_node->role() == Role::Leader || !m_node->storageFailure().isEmpty()) {
        request->serveHere(request);
        return;
    }
    const NodeId leader = m_node->leader();
    if (request->forwarded) {
        // One hop only: the node that forwarded this thought we lead; let the client (or that node's
        // retry) find the real leader, rather than risk a forwarding loop.
        answer(request,
               unavailableAnswer(QStringLiteral("unavailable"), QStringLiteral("this node is not the leader"),
                                 leader, QString()));
        return;
    }
    if (!leader.isNone() && m_options.cluster.member(leader)) {
        if (request->write && m_relay->canRelayTo(leader))
            relayToLeader(request, leader);
        else
            forwardToLeader(request, leader);
        return;
    }
    m_waitingForLeader.push_back(request); // until a leader is known, or the deadline answers
}

void HttpApi::retryWaitingForLeader()
{
    if (m_node->leader().isNone())
        return;
    auto waiting = std::move(m_waitingForLeader);
    m_waitingForLeader.clear();
    for (const RequestPtr &request : waiting)
        dispatch(request);
}

void HttpApi::forwardToLeader(const RequestPtr &request, NodeId leader)
{
    const ClusterMember *member = m_options.cluster.member(leader);
    LeaderForwarder::Request forward{
        methodName(request->method), request->target, {}, request->body, request->timeoutMs};
    // KvFastPath keeps only the headers read here and in accept(): a header passed on must be in its list.
    for (const auto &[name, value] : request->headers) {
        const QByteArray lower = name.toLower();
        if (lower == "content-type" || lower == "authorization")
            forward.headers.append({name, value});
    }
    forward.headers.append({forwardedHeader, QByteArray::number(m_node->id().value)});
    const bool isWrite = request->method != QHttpServerRequest::Method::Get;
    // Fix (integration test tst_partition): once forwarded, the leader may append the write even if
    // this node's deadline answers first, so that timeout must say "outcome": "unknown", not that no
    // leader took the request.
    if (isWrite)
        request->submitted = true;
    ++m_forwardsInFlight;
    m_forwarder->forward(
        member->http.host, member->http.port, std::move(forward),
        [this, request, leader, isWrite](const LeaderForwarder::Reply &reply) {
            --m_forwardsInFlight;
            if (reply.status == 0 && !reply.sent && m_pending.isPending(request->id)) {
                // The leader's address refused the connection: its process is most likely gone, and this
                // node will learn of the next leader soon. The request never left, so it waits for one
                // as if no leader were known (tried again at a leader change, or shortly, in case the
                // refusal passes), up to its own deadline, instead of failing at once.
                request->submitted = false;
                m_waitingForLeader.push_back(request);
                if (!m_refusedRetry->isActive())
                    m_refusedRetry->start();
                return;
            }
            if (reply.status == 0) {
                answer(request,
                       unavailableAnswer(QStringLiteral("unavailable"),
                                         QStringLiteral("the leader, node %1, did not answer: %2")
                                             .arg(leader.value)
                                             .arg(reply.error),
                                         leader, isWrite ? QStringLiteral("unknown") : QString()));
                return;
            }
            answer(request,
                   PendingRequests::Answer{reply.body,
                                           reply.contentType.isEmpty()
                                               ? QByteArray("application/octet-stream")
                                               : reply.contentType,
                                           static_cast<Status>(reply.status)});
        });
}

void HttpApi::relayToLeader(const RequestPtr &request, NodeId leader)
{
    // Once it leaves, the leader may append it even if this node's deadline answers first.
    request->submitted = true;
    ++m_forwardsInFlight;
    m_relay->relay(
        leader, request->write->command, request->timeoutMs,
        [this, request, leader](const WriteRelay::Result &result) {
            --m_forwardsInFlight;
            switch (result.delivery) {
            case WriteRelay::Result::Delivery::NotSent:
                // The connection to the leader was gone when the write was to leave: as when its HTTP
                // address refuses, the write waits for a leader, up to its own deadline.
                request->submitted = false;
                if (!m_pending.isPending(request->id))
                    return;
                m_waitingForLeader.push_back(request);
                if (!m_refusedRetry->isActive())
                    m_refusedRetry->start();
                return;
            case WriteRelay::Result::Delivery::Lost:
                answer(request,
                       unavailableAnswer(QStringLiteral("unavailable"),
                                         QStringLiteral("the leader, node %1, did not answer: the connection "
                                                        "to it closed, or it took too long")
                                             .arg(leader.value),
                                         leader, QStringLiteral("unknown")));
                return;
            case WriteRelay::Result::Delivery::Answered:
                break;
            }
            if (result.outcome.status == WriteOutcome::Status::NotLeader) {
                // It never reached a log: it may go again, to the leader this node knows of now (itself,
                // maybe), or wait for one. Only while this node still names the node that refused it is
                // it answered at once, as the one hop of HTTP forwarding is, rather than sent back there.
                request->submitted = false;
                if (m_node->leader() == leader && m_node->role() != Role::Leader) {
                    answer(request,
                           unavailableAnswer(QStringLiteral("unavailable"),
                                             QStringLiteral("this node is not the leader"),
                                             result.outcome.leader, QString()));
                    return;
                }
                dispatch(request);
                return;
            }
            answerWrite(request, result.outcome, result.reason);
        });
}

void HttpApi::answer(const RequestPtr &request, const PendingRequests::Answer &answer)
{
    m_pending.answer(request->id, answer);
}

} // namespace raftlab
