#include "clusterharness.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <csignal>
#include <memory>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace raftlab::integration {

namespace {

// The child dies with the test process, whatever kills the test (ctest's timeout, a crash).
void dieWithParent()
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

QStringList nonEmptyLines(const QString &text)
{
    QStringList lines;
    for (const QString &line : text.split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty())
            lines.append(line);
    return lines;
}

// Every TCP socket on one of `ports` (ss's view, with its owner when the kernel tells): for a
// report when a node found its port taken.
QString socketsOnPorts(const QList<quint16> &ports)
{
    QStringList filter;
    for (const quint16 port : ports)
        filter << QStringLiteral("sport = :%1").arg(port) << QStringLiteral("dport = :%1").arg(port);
    QProcess ss;
    ss.start(QStringLiteral("ss"), QStringList{QStringLiteral("-tanp"), filter.join(QLatin1String(" or "))});
    if (!ss.waitForFinished(5000))
        return QStringLiteral("(ss did not answer)\n");
    return QString::fromUtf8(ss.readAllStandardOutput() + ss.readAllStandardError());
}

// Ports the kernel hands out for outgoing connections are avoided: a node connecting to its peers
// could otherwise take the port picked for a node that has not started yet.
std::pair<int, int> ephemeralPortRange()
{
    QFile file(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (file.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> parts = file.readAll().simplified().split(' ');
        if (parts.size() == 2)
            return {parts[0].toInt(), parts[1].toInt()};
    }
    return {32768, 60999};
}

HttpReply finishReply(QNetworkReply *reply, const QElapsedTimer &clock, bool timedOut)
{
    HttpReply result;
    result.elapsedMs = clock.elapsed();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    if (result.status == 0)
        result.error = timedOut
            ? QStringLiteral("no answer before the deadline (%1 ms)").arg(result.elapsedMs)
            : reply->errorString();
    return result;
}

} // namespace

bool waitUntil(const std::function<bool()> &condition, int deadlineMs, int stepMs)
{
    QElapsedTimer clock;
    clock.start();
    while (true) {
        if (condition())
            return true;
        if (clock.elapsed() >= deadlineMs)
            return false;
        QTest::qWait(stepMs);
    }
}

QString nodeBinary()
{
    return QStringLiteral(RAFTLAB_NODE_BINARY);
}

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpReply::describe() const
{
    if (status == 0)
        return QStringLiteral("no answer: %1").arg(error);
    return QStringLiteral("%1 %2").arg(status).arg(QString::fromUtf8(body.left(300)).trimmed());
}

QStringList ProcessResult::stderrLines() const
{
    return nonEmptyLines(stderrText);
}

void checkExitedWithOneLine(const ProcessResult &result, int expectedExit, const QString &mentions)
{
    QVERIFY2(result.finished, "the node did not exit");
    QCOMPARE(result.exitStatus, QProcess::NormalExit);
    QVERIFY2(result.exitCode == expectedExit,
             qPrintable(QStringLiteral("exit %1, expected %2; stderr: %3")
                            .arg(result.exitCode)
                            .arg(expectedExit)
                            .arg(result.stderrText)));
    QVERIFY2(result.stderrLines().size() == 1,
             qPrintable(QStringLiteral("stderr: [%1]").arg(result.stderrText)));
    QVERIFY2(result.stderrLines().constFirst().startsWith(QLatin1String("raftlab-node: ")),
             qPrintable(result.stderrText));
    QVERIFY2(!result.stderrText.contains(QLatin1String("terminate called")), qPrintable(result.stderrText));
    QVERIFY2(result.stderrText.contains(mentions), qPrintable(result.stderrText));
}

void sendAndHangUp(quint16 port, const QByteArray &payload)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY2(socket.waitForConnected(5000), qPrintable(socket.errorString()));
    socket.write(payload);
    // The node may close on us at once; either way is fine.
    waitUntil([&] { return socket.bytesToWrite() == 0 || socket.state() != QAbstractSocket::ConnectedState; },
              5000);
    waitUntil([&] { return socket.state() != QAbstractSocket::ConnectedState; }, 300);
    socket.abort();
}

ProcessResult runNodeToExit(const QStringList &arguments, int deadlineMs, const QString &workingDirectory)
{
    QProcess process;
    process.setChildProcessModifier(dieWithParent);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(nodeBinary(), arguments);
    ProcessResult result;
    // Poll rather than block: the harness's other processes keep their pipes drained meanwhile.
    const bool exited = waitUntil([&process] { return process.state() == QProcess::NotRunning; }, deadlineMs);
    if (!exited) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.finished = exited;
    result.exitStatus = process.exitStatus();
    result.exitCode = process.exitCode();
    result.stdoutText = QString::fromUtf8(process.readAllStandardOutput());
    result.stderrText = QString::fromUtf8(process.readAllStandardError());
    return result;
}

// ---------------------------------------------------------------------------------------------
// EventSubscriber

EventSubscriber::EventSubscriber(quint16 httpPort, QObject *parent)
    : QObject(parent)
    , m_socket(new QTcpSocket(this))
{
    m_socket->setProxy(QNetworkProxy::NoProxy);
    connect(m_socket, &QTcpSocket::connected, this, [this, httpPort] {
        m_socket->write(QStringLiteral("GET /events HTTP/1.1\r\nHost: 127.0.0.1:%1\r\nAccept: "
                                       "text/event-stream\r\n\r\n")
                            .arg(httpPort)
                            .toLatin1());
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &EventSubscriber::readSome);
    m_socket->connectToHost(QHostAddress::LocalHost, httpPort);
}

EventSubscriber::~EventSubscriber()
{
    m_socket->abort();
}

bool EventSubscriber::waitConnected(int deadlineMs)
{
    return waitUntil([this] { return m_headersDone; }, deadlineMs) && m_headers.startsWith("HTTP/1.1 200") &&
        m_headers.toLower().contains("content-type: text/event-stream");
}

void EventSubscriber::readSome()
{
    m_buffer += m_socket->readAll();
    if (!m_headersDone) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_headers = m_buffer.left(end);
        m_buffer.remove(0, end + 4);
        m_headersDone = true;
    }
    // Events are separated by a blank line; each of ours is one "data: {json}" line.
    while (true) {
        const qsizetype end = m_buffer.indexOf("\n\n");
        if (end < 0)
            return;
        const QByteArray block = m_buffer.left(end);
        m_buffer.remove(0, end + 2);
        QByteArray data;
        for (const QByteArray &line : block.split('\n')) {
            if (line.startsWith("data:"))
                data += line.mid(5).trimmed();
            // lines starting with ':' are comments (keep-alives)
        }
        if (data.isEmpty())
            continue;
        const QJsonDocument document = QJsonDocument::fromJson(data);
        if (!document.isObject()) {
            ++m_malformed;
            continue;
        }
        m_events.append(document.object());
    }
}

std::optional<QJsonObject> EventSubscriber::waitFor(const std::function<bool(const QJsonObject &)> &predicate,
                                                    int deadlineMs, qsizetype from)
{
    std::optional<QJsonObject> found;
    qsizetype checked = from;
    waitUntil(
        [&] {
            for (; checked < m_events.size(); ++checked) {
                if (predicate(m_events[checked])) {
                    found = m_events[checked];
                    return true;
                }
            }
            return false;
        },
        deadlineMs, 10);
    return found;
}

// ---------------------------------------------------------------------------------------------
// ClusterHarness: set-up and processes

ClusterHarness::ClusterHarness(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_network(new QNetworkAccessManager(this))
    , m_asyncContext(new QObject(this))
{
    m_network->setProxy(QNetworkProxy::NoProxy); // whatever http_proxy says, talk to loopback directly
    if (!m_dir.isValid()) {
        m_setupError = QStringLiteral("no temporary directory: %1").arg(m_dir.errorString());
        return;
    }
    for (int id = 1; id <= m_options.nodes; ++id)
        m_nodes[id].id = id;
    m_setupError = pickPorts();
    if (m_setupError.isEmpty())
        m_setupError = writeClusterFile();
}

ClusterHarness::~ClusterHarness()
{
    delete m_asyncContext; // no callback into a finished test
    m_asyncContext = nullptr;
    for (auto &[id, node] : m_nodes) {
        if (!node.process)
            continue;
        node.process->kill();
        node.process->waitForFinished(5000);
        collectStderr(node);
        delete node.process;
        node.process = nullptr;
    }
    if (QTest::currentTestFailed())
        printStderr();
}

void ClusterHarness::printStderr()
{
    for (auto &[id, node] : m_nodes) {
        collectStderr(node);
        qInfo("---- stderr of node %d (%d start(s)) ----\n%s", id, node.incarnations,
              qPrintable(node.output));
    }
}

QString ClusterHarness::pickPorts()
{
    const auto [ephemeralLow, ephemeralHigh] = ephemeralPortRange();
    const int low = ephemeralLow > 12'000 ? 10'000 : ephemeralHigh + 1;
    const int high = ephemeralLow > 12'000 ? ephemeralLow : 65'535;
    if (high - low < 1000)
        return QStringLiteral("no room for ports outside the ephemeral range %1-%2")
            .arg(ephemeralLow)
            .arg(ephemeralHigh);
    // Hold every probe socket until all ports are chosen, so no port is picked twice.
    std::vector<std::unique_ptr<QTcpServer>> held;
    const auto pickOne = [&]() -> quint16 {
        for (int attempt = 0; attempt < 200; ++attempt) {
            const auto port = quint16(QRandomGenerator::global()->bounded(low, high));
            if (!reservePort(port))
                continue;
            auto server = std::make_unique<QTcpServer>();
            if (server->listen(QHostAddress::LocalHost, port)) {
                held.push_back(std::move(server));
                return port;
            }
        }
        return 0;
    };
    for (auto &[id, node] : m_nodes) {
        node.raftPort = pickOne();
        node.httpPort = pickOne();
        if (node.raftPort == 0 || node.httpPort == 0)
            return QStringLiteral("found no free loopback port");
    }
    return QString();
}

// A port free now is not free for the test's lifetime: while one of this cluster's nodes is down
// (killed, to be restarted on the same ports), a test running beside this one (ctest -j) could pick
// the port and take it. So every harness in every process on this machine claims its ports with an
// advisory lock on a file named after the port; the kernel drops the lock when the file is closed
// or the test process dies, so no stale claim is left behind. (The empty files stay: unlinking one
// while another process opens it could let two clusters lock two files of one name.)
bool ClusterHarness::reservePort(quint16 port)
{
    const QString dir = QDir::temp().filePath(QStringLiteral("raftlab-test-ports"));
    if (!QDir().mkpath(dir))
        return true; // no shared place to claim ports in: fall back to the listen probe alone
    auto file = std::make_unique<QFile>(QDir(dir).filePath(QString::number(port)));
    if (!file->open(QIODevice::ReadWrite))
        return true;
    if (::flock(file->handle(), LOCK_EX | LOCK_NB) != 0)
        return false; // another live cluster uses this port
    m_portLocks.push_back(std::move(file));
    return true;
}

QString ClusterHarness::writeClusterFile()
{
    QJsonArray nodes;
    for (const auto &[id, node] : m_nodes)
        nodes.append(
            QJsonObject{{QStringLiteral("id"), id},
                        {QStringLiteral("raft"), QStringLiteral("127.0.0.1:%1").arg(node.raftPort)},
                        {QStringLiteral("http"), QStringLiteral("127.0.0.1:%1").arg(node.httpPort)}});
    QJsonObject cluster{{QStringLiteral("cluster"), m_options.name},
                        {QStringLiteral("heartbeat_ms"), m_options.heartbeatMs},
                        {QStringLiteral("election_timeout_ms"),
                         QJsonArray{m_options.electionTimeoutMsMin, m_options.electionTimeoutMsMax}},
                        {QStringLiteral("nodes"), nodes}};
    if (m_options.snapshotEvery > 0)
        cluster.insert(QStringLiteral("snapshot_every"), m_options.snapshotEvery);
    if (!m_options.preVote)
        cluster.insert(QStringLiteral("prevote"), false);
    if (!m_options.members.isEmpty()) {
        QJsonArray members;
        for (int id : m_options.members)
            members.append(id);
        cluster.insert(QStringLiteral("members"), members);
    }
    QFile file(clusterFile());
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(cluster).toJson()) < 0)
        return QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
    return QString();
}

QList<int> ClusterHarness::ids() const
{
    QList<int> result;
    for (const auto &[id, node] : m_nodes)
        result.append(id);
    return result;
}

QString ClusterHarness::clusterFile() const
{
    return m_dir.filePath(QStringLiteral("cluster.json"));
}

QString ClusterHarness::dataDir(int id) const
{
    return m_dir.filePath(QStringLiteral("n%1").arg(id));
}

quint16 ClusterHarness::httpPort(int id) const
{
    return node(id).httpPort;
}

quint16 ClusterHarness::raftPort(int id) const
{
    return node(id).raftPort;
}

QStringList ClusterHarness::nodeArguments(int id) const
{
    return QStringList{QStringLiteral("--cluster"),  clusterFile(),
                       QStringLiteral("--id"),       QString::number(id),
                       QStringLiteral("--data-dir"), dataDir(id)} +
        m_options.extraArguments;
}

ClusterHarness::Node &ClusterHarness::node(int id)
{
    const auto found = m_nodes.find(id);
    Q_ASSERT(found != m_nodes.end());
    return found->second;
}

const ClusterHarness::Node &ClusterHarness::node(int id) const
{
    const auto found = m_nodes.find(id);
    Q_ASSERT(found != m_nodes.end());
    return found->second;
}

void ClusterHarness::collectStderr(Node &node)
{
    if (node.process)
        node.output += QString::fromUtf8(node.process->readAllStandardError());
}

QString ClusterHarness::startAll(int deadlineMs)
{
    if (!m_setupError.isEmpty())
        return m_setupError;
    for (const int id : ids())
        launch(id);
    QElapsedTimer clock;
    clock.start();
    for (const int id : ids()) {
        const QString error = waitServing(id, int(std::max<qint64>(1000, deadlineMs - clock.elapsed())));
        if (!error.isEmpty())
            return error;
    }
    return QString();
}

void ClusterHarness::launch(int id)
{
    Node &n = node(id);
    Q_ASSERT_X(!n.process, "ClusterHarness::launch", "the node is already running");
    ++n.incarnations;
    n.output += QStringLiteral("== start #%1: %2 %3\n")
                    .arg(n.incarnations)
                    .arg(nodeBinary(), nodeArguments(id).join(QLatin1Char(' ')));
    n.process = new QProcess(this);
    n.process->setChildProcessModifier(dieWithParent);
    n.process->setProcessChannelMode(QProcess::SeparateChannels);
    n.process->setStandardOutputFile(QProcess::nullDevice());
    connect(n.process, &QProcess::readyReadStandardError, this, [this, id] { collectStderr(node(id)); });
    n.process->start(nodeBinary(), nodeArguments(id));
}

QString ClusterHarness::waitServing(int id, int deadlineMs)
{
    Node &n = node(id);
    if (!n.process)
        return QStringLiteral("node %1 was not started").arg(id);
    QElapsedTimer clock;
    clock.start();
    bool exited = false;
    bool serving = false;
    for (int portRetries = 3;; --portRetries) {
        exited = false;
        serving = waitUntil(
            [&] {
                if (n.process->state() == QProcess::NotRunning) {
                    exited = true;
                    return true;
                }
                return get(id, QStringLiteral("/status"), 1000).ok();
            },
            int(std::max<qint64>(1000, deadlineMs - clock.elapsed())), 25);
        collectStderr(n);
        // Something else held one of the node's ports for a moment (a port probe of a test beside
        // this one): say who, and try again a few times. A port that stays taken still fails.
        if (!exited || portRetries == 0 ||
            !n.output.sliced(std::max<qsizetype>(0, n.output.lastIndexOf(QLatin1String("== start #"))))
                 .contains(QLatin1String("already in use")))
            break;
        n.output += QStringLiteral("== a port was taken; sockets on it now:\n%1")
                        .arg(socketsOnPorts({n.raftPort, n.httpPort}));
        delete n.process;
        n.process = nullptr;
        QTest::qWait(500);
        launch(id);
    }
    if (serving && !exited)
        return QString();
    if (exited)
        return QStringLiteral("node %1 exited with status %2 while starting:\n%3")
            .arg(id)
            .arg(n.process->exitCode())
            .arg(n.output);
    return QStringLiteral("node %1 did not answer /status within %2 ms:\n%3")
        .arg(id)
        .arg(deadlineMs)
        .arg(n.output);
}

QString ClusterHarness::start(int id, int deadlineMs)
{
    launch(id);
    return waitServing(id, deadlineMs);
}

void ClusterHarness::kill(int id)
{
    Node &n = node(id);
    if (!n.process)
        return;
    n.process->kill();
    n.process->waitForFinished(10'000);
    collectStderr(n);
    n.output += QStringLiteral("== killed (SIGKILL)\n");
    delete n.process;
    n.process = nullptr;
}

void ClusterHarness::killAll()
{
    // Every process the harness holds, also one that exited on its own (a removed member stops itself):
    // its slot must be free for the next start.
    QList<int> held;
    for (const int id : ids()) {
        if (node(id).process)
            held.append(id);
    }
    for (const int id : held)
        node(id).process->kill();
    for (const int id : held)
        kill(id);
}

int ClusterHarness::terminate(int id, int deadlineMs)
{
    Node &n = node(id);
    if (!n.process)
        return -1;
    n.process->terminate();
    const bool exited = waitUntil([&n] { return n.process->state() == QProcess::NotRunning; }, deadlineMs);
    int code = -1;
    if (exited && n.process->exitStatus() == QProcess::NormalExit) {
        code = n.process->exitCode();
    } else if (!exited) {
        n.process->kill();
        n.process->waitForFinished(10'000);
    }
    collectStderr(n);
    n.output += QStringLiteral("== terminated (SIGTERM), exit %1\n").arg(code);
    delete n.process;
    n.process = nullptr;
    return code;
}

bool ClusterHarness::isRunning(int id) const
{
    const Node &n = node(id);
    return n.process && n.process->state() != QProcess::NotRunning;
}

int ClusterHarness::exitCodeOf(int id) const
{
    const Node &n = node(id);
    if (!n.process || n.process->state() != QProcess::NotRunning ||
        n.process->exitStatus() != QProcess::NormalExit)
        return -1;
    return n.process->exitCode();
}

QList<int> ClusterHarness::runningIds() const
{
    QList<int> result;
    for (const int id : ids())
        if (isRunning(id))
            result.append(id);
    return result;
}

qint64 ClusterHarness::pid(int id) const
{
    const Node &n = node(id);
    return n.process ? n.process->processId() : 0;
}

void ClusterHarness::freeze(int id)
{
    if (const qint64 processId = pid(id); processId > 0)
        ::kill(static_cast<pid_t>(processId), SIGSTOP);
}

void ClusterHarness::thaw(int id)
{
    if (const qint64 processId = pid(id); processId > 0)
        ::kill(static_cast<pid_t>(processId), SIGCONT);
}

QString ClusterHarness::stderrOf(int id) const
{
    const Node &n = node(id);
    return n.output + (n.process ? QString::fromUtf8(n.process->readAllStandardError()) : QString());
}

// ---------------------------------------------------------------------------------------------
// HTTP

QUrl ClusterHarness::url(int id, const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(node(id).httpPort).arg(path));
}

std::optional<double> ClusterHarness::metric(int id, const QByteArray &name)
{
    const HttpReply reply = get(id, QStringLiteral("/metrics"));
    if (!reply.ok())
        return std::nullopt;
    for (const QByteArray &line : reply.body.split('\n')) {
        if (line.startsWith(name + ' ')) {
            bool ok = false;
            const double value = line.mid(name.size() + 1).trimmed().toDouble(&ok);
            return ok ? std::optional<double>(value) : std::nullopt;
        }
    }
    return std::nullopt;
}

QString ClusterHarness::kvPath(const QByteArray &key)
{
    return QStringLiteral("/kv/") + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(key)));
}

HttpReply ClusterHarness::request(int id, const QByteArray &verb, const QString &path, const QByteArray &body,
                                  int deadlineMs)
{
    QNetworkRequest request(url(id, path));
    if (!body.isEmpty() || verb == "PUT" || verb == "POST")
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
    QElapsedTimer clock;
    clock.start();
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(deadlineMs);
    if (!reply->isFinished())
        loop.exec();
    const bool timedOut = !reply->isFinished();
    if (timedOut) {
        disconnect(reply, nullptr, &loop, nullptr);
        reply->abort();
    }
    HttpReply result = finishReply(reply, clock, timedOut);
    reply->deleteLater();
    return result;
}

void ClusterHarness::requestAsync(int id, const QByteArray &verb, const QString &path, const QByteArray &body,
                                  int deadlineMs, std::function<void(const HttpReply &)> done)
{
    QNetworkRequest request(url(id, path));
    if (!body.isEmpty() || verb == "PUT" || verb == "POST")
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto timedOut = std::make_shared<bool>(false);
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    ++m_asyncInFlight;
    QTimer::singleShot(deadlineMs, reply, [reply, timedOut] {
        if (!reply->isFinished()) {
            *timedOut = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, m_asyncContext, [this, reply, clock, timedOut, done] {
        --m_asyncInFlight;
        const HttpReply result = finishReply(reply, *clock, *timedOut);
        reply->deleteLater();
        done(result);
    });
}

// ---------------------------------------------------------------------------------------------
// Cluster-level questions

std::optional<ClusterHarness::NodeStatus> ClusterHarness::status(int id, int deadlineMs)
{
    if (!isRunning(id))
        return std::nullopt;
    const HttpReply reply = get(id, QStringLiteral("/status"), deadlineMs);
    if (!reply.ok())
        return std::nullopt;
    const QJsonObject json = reply.json();
    NodeStatus s;
    s.id = json.value(QStringLiteral("id")).toInt();
    s.role = json.value(QStringLiteral("role")).toString();
    s.term = json.value(QStringLiteral("term")).toInteger();
    s.leaderId = json.value(QStringLiteral("leader_id")).toInt(0);
    s.commitIndex = json.value(QStringLiteral("commit_index")).toInteger();
    s.lastApplied = json.value(QStringLiteral("last_applied")).toInteger();
    s.lastLogIndex = json.value(QStringLiteral("last_log_index")).toInteger();
    s.lastLogTerm = json.value(QStringLiteral("last_log_term")).toInteger();
    s.json = json;
    return s;
}

int ClusterHarness::leader(const QList<int> &among)
{
    const QList<int> asked = among.isEmpty() ? runningIds() : among;
    QHash<int, NodeStatus> statuses;
    for (const int id : asked) {
        if (const auto s = status(id, 1000))
            statuses.insert(id, *s);
    }
    for (const NodeStatus &candidate : std::as_const(statuses)) {
        if (candidate.role != QLatin1String("leader"))
            continue;
        int followers = 0;
        for (const NodeStatus &other : std::as_const(statuses))
            if (other.term == candidate.term && other.leaderId == candidate.id)
                ++followers;
        if (followers >= majority())
            return candidate.id;
    }
    return 0;
}

int ClusterHarness::waitForLeader(int deadlineMs, const QList<int> &among, qint64 minTerm)
{
    int found = 0;
    waitUntil(
        [&] {
            const int id = leader(among);
            if (id == 0)
                return false;
            if (minTerm > 0) {
                const auto s = status(id, 1000);
                if (!s || s->term < minTerm)
                    return false;
            }
            found = id;
            return true;
        },
        deadlineMs, 10);
    return found;
}

QString ClusterHarness::setBlockedPeers(int id, const QList<int> &peers)
{
    QJsonArray array;
    for (const int peer : peers)
        array.append(peer);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("peers"), array}}).toJson();
    const HttpReply reply = post(id, QStringLiteral("/admin/partition"), body, 3000);
    if (!reply.ok())
        return QStringLiteral("node %1 refused the partition: %2").arg(id).arg(reply.describe());
    return QString();
}

QString ClusterHarness::partition(const QList<QList<int>> &groups)
{
    for (const QList<int> &group : groups) {
        QList<int> outside;
        for (const int id : ids())
            if (!group.contains(id))
                outside.append(id);
        for (const int id : group) {
            if (const QString error = setBlockedPeers(id, outside); !error.isEmpty())
                return error;
        }
    }
    return QString();
}

QString ClusterHarness::heal()
{
    for (const int id : runningIds()) {
        if (const QString error = setBlockedPeers(id, {}); !error.isEmpty())
            return error;
    }
    return QString();
}

QString ClusterHarness::waitConverged(int deadlineMs, const QList<int> &among)
{
    QString disagreement;
    const bool converged = waitUntil(
        [&] {
            const QList<int> asked = among.isEmpty() ? runningIds() : among;
            QList<NodeStatus> statuses;
            for (const int id : asked) {
                const auto s = status(id, 1000);
                if (!s) {
                    disagreement = QStringLiteral("node %1 does not answer /status").arg(id);
                    return false;
                }
                statuses.append(*s);
            }
            const NodeStatus &first = statuses.constFirst();
            QStringList summary;
            bool same = first.leaderId != 0;
            for (const NodeStatus &s : statuses) {
                summary.append(QStringLiteral("%1:%2 term %3 leader %4 commit %5 applied %6 last %7/%8")
                                   .arg(s.id)
                                   .arg(s.role)
                                   .arg(s.term)
                                   .arg(s.leaderId)
                                   .arg(s.commitIndex)
                                   .arg(s.lastApplied)
                                   .arg(s.lastLogIndex)
                                   .arg(s.lastLogTerm));
                same = same && s.term == first.term && s.leaderId == first.leaderId &&
                    s.commitIndex == first.commitIndex && s.lastLogIndex == first.lastLogIndex &&
                    s.lastLogTerm == first.lastLogTerm && s.lastApplied == s.commitIndex;
            }
            disagreement = summary.join(QStringLiteral("; "));
            return same;
        },
        deadlineMs, 25);
    return converged ? QString() : QStringLiteral("not converged: %1").arg(disagreement);
}

} // namespace raftlab::integration
