#include "loadgenerator.h"

#include "cluster/clientsession.h"
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
QString describeFailure(const KvResult &result)
{
    if (result.httpStatus == 0)
        return LoadGenerator::tr("no answer from node (%1): outcome unknown").arg(result.message);
    const QString what = result.error.isEmpty() ? LoadGenerator::tr("error") : result.error;
    if (result.error == QLatin1String("timeout"))
        return LoadGenerator::tr("%1 timeout: not committed in time, outcome unknown").arg(result.httpStatus);
    return result.message.isEmpty()
        ? LoadGenerator::tr("%1 %2").arg(result.httpStatus).arg(what)
        : LoadGenerator::tr("%1 %2: %3").arg(result.httpStatus).arg(what, result.message);
}

} // namespace

LoadGenerator::LoadGenerator(ClusterModel *model, ClientSession *session, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_session(session)
    , m_random(QRandomGenerator::global()->generate())
{
    m_timer.setInterval(tickIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LoadGenerator::tick);
}

LoadGenerator::~LoadGenerator() = default;

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
    const QByteArray key = "key-" + QByteArray::number(m_random.bounded(m_keyCount));
    const QPointer<LoadGenerator> self(this);
    const quint64 run = m_run;
    KvRequest request{.operation = KvOperation::Put, .key = key, .value = randomValue(m_random)};
    request.source = KvSource::Load;
    const NodeId sentTo = m_session->send(request, m_target, [self, run](const KvResult &result) {
        if (!self)
            return;
        self->finished(run, result.ok(), result.latencyUs, result.index, result.term,
                       result.ok() ? QString() : describeFailure(result));
    });
    if (sentTo.isNone()) {
        ++m_statistics.noTarget;
        return;
    }
    ++m_statistics.sent;
    ++m_statistics.inFlight;
    m_statistics.peakInFlight = std::max(m_statistics.peakInFlight, m_statistics.inFlight);
}

void LoadGenerator::finished(quint64 run, bool ok, qint64 latencyUs, std::optional<qint64> index,
                             std::optional<qint64> term, const QString &failure)
{
    m_statistics.inFlight = std::max(0, m_statistics.inFlight - 1);
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

void LoadGenerator::maybeEmitStatistics()
{
    const qint64 nowMs = m_clock.elapsed();
    if (m_lastStatisticsMs >= 0 && nowMs - m_lastStatisticsMs < statisticsIntervalMs)
        return;
    m_lastStatisticsMs = nowMs;
    Q_EMIT statisticsChanged();
}

} // namespace raftlab
