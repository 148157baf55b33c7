#include "loadgenerator.h"

#include "cluster/nodeclient.h"
#include "model/clustermodel.h"

#include <QPointer>

namespace raftlab {

namespace {

QByteArray randomValue(QRandomGenerator &random)
{
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray value(8, Qt::Uninitialized);
    for (char &c : value)
        c = alphabet[random.bounded(int(sizeof(alphabet) - 1))];
    return value;
}

// One sentence about a failed write, for the panel's "last failure".
QString describeFailure(const NodeClient::KvResult &result)
{
    if (result.httpStatus == 0)
        return QStringLiteral("no answer from node (%1): outcome unknown").arg(result.message);
    const QString what = result.error.isEmpty() ? QStringLiteral("error") : result.error;
    if (result.error == QLatin1String("timeout"))
        return QStringLiteral("%1 timeout: not committed in time, outcome unknown").arg(result.httpStatus);
    return result.message.isEmpty()
        ? QStringLiteral("%1 %2").arg(result.httpStatus).arg(what)
        : QStringLiteral("%1 %2: %3").arg(result.httpStatus).arg(what, result.message);
}

} // namespace

LoadGenerator::LoadGenerator(ClusterModel *model, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_targets(model)
    , m_random(QRandomGenerator::global()->generate())
{
    m_timer.setInterval(tickIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LoadGenerator::tick);
}

LoadGenerator::~LoadGenerator() = default;

void LoadGenerator::setClients(const QList<NodeClient *> &clients)
{
    m_targets.setClients(clients);
    for (NodeClient *client : clients)
        if (client)
            connect(client, &QObject::destroyed, this, &LoadGenerator::forgetClient, Qt::UniqueConnection);
}

void LoadGenerator::setRatePerSecond(int rate)
{
    m_ratePerSecond = std::clamp(rate, 0, maxRatePerSecond);
    if (m_ratePerSecond == 0)
        stop();
}

void LoadGenerator::start()
{
    if (isRunning() || m_ratePerSecond == 0)
        return;
    ++m_run;
    const int inFlight = m_statistics.inFlight; // an earlier run's requests still hold their slots
    m_statistics = Statistics{};
    m_statistics.inFlight = inFlight;
    m_committedLatencyTotalUs = 0;
    m_credit = 1; // the first write goes now, not one period later
    m_clock.start();
    m_lastTickMs = 0;
    m_lastStatisticsMs = -1;
    m_timer.start();
    tick();
    Q_EMIT runningChanged(true);
}

void LoadGenerator::stop()
{
    if (!isRunning())
        return;
    m_timer.stop();
    m_statistics.elapsedMs = m_clock.elapsed();
    Q_EMIT runningChanged(false);
    Q_EMIT statisticsChanged();
}

void LoadGenerator::tick()
{
    const qint64 nowMs = m_clock.elapsed();
    // Writes fall due at the rate; a backlog (in-flight limit reached, a slow tick) is capped at a
    // tenth of a second's worth, so a cluster that was stuck is not hit by a burst when it recovers.
    m_credit += m_ratePerSecond * double(nowMs - m_lastTickMs) / 1000.0;
    m_credit = std::min(m_credit, std::max(1.0, m_ratePerSecond / 10.0));
    m_lastTickMs = nowMs;
    sendDue();
    m_statistics.elapsedMs = nowMs;
    maybeEmitStatistics();
}

void LoadGenerator::sendDue()
{
    while (m_credit >= 1.0 && m_statistics.inFlight < m_maxInFlight) {
        m_credit -= 1.0;
        sendOne();
    }
}

void LoadGenerator::sendOne()
{
    NodeClient *client = m_targets.pick(m_target);
    if (!client) {
        ++m_statistics.noTarget;
        return;
    }
    const QByteArray key = "key-" + QByteArray::number(m_random.bounded(m_keyCount));
    ++m_statistics.sent;
    ++m_statistics.inFlight;
    m_statistics.peakInFlight = std::max(m_statistics.peakInFlight, m_statistics.inFlight);
    ++m_inFlightByClient[client];
    const QPointer<LoadGenerator> self(this);
    const quint64 run = m_run;
    const QObject *sender = client;
    client->put(key, randomValue(m_random), [self, run, sender](const NodeClient::KvResult &result) {
        if (!self)
            return;
        self->finished(run, sender, result.ok(), result.latencyUs, result.index, result.term,
                       result.ok() ? QString() : describeFailure(result));
    });
}

void LoadGenerator::finished(quint64 run, const QObject *client, bool ok, qint64 latencyUs,
                             std::optional<qint64> index, std::optional<qint64> term, const QString &failure)
{
    if (auto slot = m_inFlightByClient.find(client); slot != m_inFlightByClient.end() && slot->second > 0) {
        --slot->second;
        --m_statistics.inFlight;
    }
    // Every write is on the charts, whichever run sent it: it happened to the cluster.
    m_model->recordClientWrite(latencyUs, ok ? WriteOutcome::Committed : WriteOutcome::Failed);
    if (isRunning())
        sendDue(); // a slot is free: writes held back by the bound need not wait for the next tick
    if (run != m_run)
        return;
    if (ok) {
        ++m_statistics.committed;
        m_committedLatencyTotalUs += latencyUs;
        m_statistics.meanLatencyUs = m_committedLatencyTotalUs / qint64(m_statistics.committed);
        if (index && (!m_statistics.lastIndex || *index > *m_statistics.lastIndex)) {
            m_statistics.lastIndex = index;
            m_statistics.lastTerm = term;
        }
    } else {
        ++m_statistics.failed;
        m_statistics.lastFailure = failure;
    }
    // Stopped, no tick reports the last answers: report them, at most one signal per answer (few).
    if (!isRunning())
        Q_EMIT statisticsChanged();
}

void LoadGenerator::forgetClient(QObject *client)
{
    if (auto slot = m_inFlightByClient.find(client); slot != m_inFlightByClient.end()) {
        m_statistics.inFlight -= slot->second;
        m_inFlightByClient.erase(slot);
    }
}

void LoadGenerator::maybeEmitStatistics()
{
    const qint64 nowMs = m_clock.elapsed();
    if (m_lastStatisticsMs >= 0 && nowMs - m_lastStatisticsMs < statisticsIntervalMs)
        return;
    m_lastStatisticsMs = nowMs;
    Q_EMIT statisticsChanged();
}

} // namespace raftlab
