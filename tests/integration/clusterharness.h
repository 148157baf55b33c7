#pragma once

// ClusterHarness: real raftlab-node processes on loopback, driven through their HTTP API as a user would.
//
// It picks free loopback ports (claimed for its lifetime against other harnesses on the machine, so a
// test beside it cannot take the port of a node it killed), writes cluster.json into a QTemporaryDir,
// starts N nodes with QProcess (each node's stderr is kept, across restarts; a start that finds a port
// held for a moment is tried again), kills (SIGKILL) and restarts nodes on the same data dir, and talks
// HTTP with a deadline on every request. Every wait polls in small steps up to a deadline;
// nothing sleeps for a fixed time and hopes.
//
// Cleanup: the destructor kills every process it started, pass or fail. Each child also gets
// PR_SET_PDEATHSIG(SIGKILL), so a test process that crashes or is killed by ctest's timeout does not
// leave nodes behind. When the current test failed, the destructor prints every node's stderr.

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

class QNetworkAccessManager;
class QTcpSocket;

namespace raftlab::integration {

// Polls `condition` every `stepMs` (processing events meanwhile) until it holds or `deadlineMs` passed.
bool waitUntil(const std::function<bool()> &condition, int deadlineMs, int stepMs = 20);

// An `/events` object's `type` is `type`.
inline bool isType(const QJsonObject &event, const char *type)
{
    return event.value(QStringLiteral("type")).toString() == QLatin1String(type);
}

// An `/events` object's integer `field` (0 when absent).
inline qint64 integer(const QJsonObject &event, const char *field)
{
    return event.value(QLatin1String(field)).toInteger();
}

// The raftlab-node binary this build made.
QString nodeBinary();

struct HttpReply
{
    int status = 0; // 0: no HTTP answer (connection refused, reset, or the deadline passed)
    QByteArray body{};
    QByteArray contentType{};
    QString error{}; // the network error, when status is 0
    qint64 elapsedMs = 0;

    bool ok() const { return status == 200; }
    QJsonObject json() const; // empty when the body is not a JSON object
    // One line for failure messages: "503 {"error":...}" or "no answer: Connection refused".
    QString describe() const;
};

// A finished process: exit code, and what it printed.
struct ProcessResult
{
    bool finished = false; // false: it did not exit before the deadline (and was killed)
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    int exitCode = -1;
    QString stdoutText{};
    QString stderrText{};

    QStringList stderrLines() const; // non-empty lines
};

// Runs raftlab-node with `arguments` until it exits, killing it after `deadlineMs`.
ProcessResult runNodeToExit(const QStringList &arguments, int deadlineMs = 20'000,
                            const QString &workingDirectory = QString());

// Checks that a node refused to run the way every bad input must: it exited with `expectedExit`,
// printing one line on stderr that starts with "raftlab-node: " (and contains `mentions`, when given),
// and did not abort.
void checkExitedWithOneLine(const ProcessResult &result, int expectedExit, const QString &mentions = {});

// Connects to a loopback `port`, writes `payload`, waits for it to leave (or for the peer to hang up),
// gives the peer a moment to close first, then closes. For throwing garbage at a node.
void sendAndHangUp(quint16 port, const QByteArray &payload);

// A subscriber to one node's /events (Server-Sent Events), over a raw socket.
class EventSubscriber final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventSubscriber)

public:
    explicit EventSubscriber(quint16 httpPort, QObject *parent = nullptr);
    ~EventSubscriber() override;

    // True once the response headers arrived (status 200, text/event-stream).
    bool waitConnected(int deadlineMs);
    const QList<QJsonObject> &events() const { return m_events; }
    QByteArray responseHeaders() const { return m_headers; }
    // The first event at or after position `from` satisfying `predicate`, waiting up to `deadlineMs`.
    std::optional<QJsonObject> waitFor(const std::function<bool(const QJsonObject &)> &predicate,
                                       int deadlineMs, qsizetype from = 0);
    int malformedEvents() const { return m_malformed; }

private:
    void readSome();

    QTcpSocket *m_socket;
    QByteArray m_buffer;
    QByteArray m_headers;
    bool m_headersDone = false;
    QList<QJsonObject> m_events;
    int m_malformed = 0;
};

class ClusterHarness final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterHarness)

public:
    struct Options
    {
        int nodes = 3;
        QString name = QStringLiteral("itest");
        int heartbeatMs = 50;
        int electionTimeoutMsMin = 150;
        int electionTimeoutMsMax = 300;
        int snapshotEvery = 0; // "snapshot_every" in cluster.json; 0 leaves it out (the node's default)
        QStringList extraArguments{}; // appended to every node's command line
        QList<int> members{}; // "members" in cluster.json (the first configuration); empty leaves it out
        bool preVote = true; // "prevote" in cluster.json; true leaves it out (the node's default)
    };

    struct NodeStatus
    {
        int id = 0;
        QString role{};
        qint64 term = 0;
        int leaderId = 0; // 0: none
        qint64 commitIndex = 0;
        qint64 lastApplied = 0;
        qint64 lastLogIndex = 0;
        qint64 lastLogTerm = 0;
        QJsonObject json{};
    };

    explicit ClusterHarness(Options options, QObject *parent = nullptr);
    ~ClusterHarness() override; // kills every node still running

    // Empty when the ports were picked and cluster.json written; else why not.
    QString setupError() const { return m_setupError; }

    const Options &options() const { return m_options; }
    QList<int> ids() const; // 1..N
    int majority() const { return m_options.nodes / 2 + 1; }
    QString clusterFile() const;
    QString workDir() const { return m_dir.path(); }
    QString dataDir(int id) const;
    quint16 httpPort(int id) const;
    quint16 raftPort(int id) const;
    QStringList nodeArguments(int id) const;

    // Starts every node, then waits until each answers /status. Empty on success, else why not.
    QString startAll(int deadlineMs = 20'000);
    // Starts (or restarts, on the same data dir) one node without waiting for it.
    void launch(int id);
    // Waits until node `id` answers /status; empty on success, else why not (with its stderr).
    QString waitServing(int id, int deadlineMs = 20'000);
    QString start(int id, int deadlineMs = 20'000); // launch + waitServing
    // SIGKILL, and wait until the process is gone.
    void kill(int id);
    void killAll(); // SIGKILL to every node process held (also one that exited), then wait until all are gone
    // SIGTERM, and wait for the exit; returns the exit code (-1 when it had to be killed).
    int terminate(int id, int deadlineMs = 10'000);
    bool isRunning(int id) const;
    // The exit code of the node's last process once it exited by itself (-1 while running, or after a
    // crash or a kill).
    int exitCodeOf(int id) const;
    QList<int> runningIds() const;
    qint64 pid(int id) const;
    // SIGSTOP / SIGCONT to node `id`'s process: it keeps its sockets but runs nothing until thawed.
    void freeze(int id);
    void thaw(int id);
    QString stderrOf(int id) const; // everything every incarnation of the node printed
    // Every node's stderr, as qInfo lines. The destructor prints it when the current test failed; a
    // cluster shared by several test functions prints it from cleanup() when one of them failed.
    void printStderr();

    // HTTP to node `id`; `path` may carry a query ("/kv/a?timeout_ms=500") and must be percent-encoded.
    HttpReply request(int id, const QByteArray &verb, const QString &path, const QByteArray &body = {},
                      int deadlineMs = 8000);
    HttpReply get(int id, const QString &path, int deadlineMs = 8000)
    {
        return request(id, "GET", path, {}, deadlineMs);
    }
    HttpReply put(int id, const QString &path, const QByteArray &body, int deadlineMs = 8000)
    {
        return request(id, "PUT", path, body, deadlineMs);
    }
    HttpReply del(int id, const QString &path, int deadlineMs = 8000)
    {
        return request(id, "DELETE", path, {}, deadlineMs);
    }
    HttpReply post(int id, const QString &path, const QByteArray &body, int deadlineMs = 8000)
    {
        return request(id, "POST", path, body, deadlineMs);
    }
    // The same, without blocking: `done` runs once with the answer (or status 0 after the deadline).
    // Callbacks still pending when the harness is destroyed never run.
    void requestAsync(int id, const QByteArray &verb, const QString &path, const QByteArray &body,
                      int deadlineMs, std::function<void(const HttpReply &)> done);
    int asyncInFlight() const { return m_asyncInFlight; }

    // "/kv/<percent-encoded key>"
    static QString kvPath(const QByteArray &key);
    // The value of one unlabelled counter or gauge in node `id`'s /metrics; nullopt when it is not there.
    std::optional<double> metric(int id, const QByteArray &name);

    std::optional<NodeStatus> status(int id, int deadlineMs = 2000);
    // One sweep over `among` (default: every running node): the node that says it leads and that a
    // majority of the whole cluster (itself included) names as leader of the same term; 0 if none.
    int leader(const QList<int> &among = {});
    // Polls leader() until one is found with a term of at least `minTerm`; 0 on deadline.
    int waitForLeader(int deadlineMs, const QList<int> &among = {}, qint64 minTerm = 0);
    // Each node blocks exactly the nodes outside its own group (both ends of every cut link).
    QString partition(const QList<QList<int>> &groups);
    QString setBlockedPeers(int id, const QList<int> &peers);
    QString heal(); // every running node blocks nobody
    // Every running node in `among` (default: all running) agrees on term, leader, commit index, last
    // log index, and has applied everything committed. Empty on success, else the last disagreement.
    QString waitConverged(int deadlineMs, const QList<int> &among = {});

private:
    struct Node
    {
        int id = 0;
        quint16 raftPort = 0;
        quint16 httpPort = 0;
        QProcess *process = nullptr;
        QString output{}; // stderr of every incarnation, each introduced by a marker line
        int incarnations = 0;
    };

    QString pickPorts();
    bool reservePort(quint16 port);
    QString writeClusterFile();
    void collectStderr(Node &node);
    QUrl url(int id, const QString &path) const;
    Node &node(int id);
    const Node &node(int id) const;

    Options m_options;
    QTemporaryDir m_dir;
    QString m_setupError;
    std::map<int, Node> m_nodes;
    // One locked file per port this cluster uses (see reservePort); closing them frees the ports.
    std::vector<std::unique_ptr<QFile>> m_portLocks;
    QNetworkAccessManager *m_network;
    QObject *m_asyncContext; // owns pending async callbacks; deleted first in the destructor
    int m_asyncInFlight = 0;
};

} // namespace raftlab::integration
