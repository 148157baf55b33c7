#include "messageplanner.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace raftlab {

MessagePlanner::MessagePlanner()
    : MessagePlanner(Timing{})
{ }

MessagePlanner::MessagePlanner(Timing timing)
    : m_timing(timing)
{ }

void MessagePlanner::learnDeliveryTimes(const MessageTracker &tracker)
{
    const RingBuffer<TrackedMessage> &finished = tracker.finished();
    if (finished.isEmpty()) {
        m_travelUs.clear();
        return;
    }
    // The ring only grows at its back: unchanged back and size mean nothing new was learned.
    if (finished.back().id == m_learnedFromId && finished.size() == m_learnedFromSize)
        return;
    m_learnedFromId = finished.back().id;
    m_learnedFromSize = finished.size();

    std::map<std::pair<NodeId, NodeId>, std::vector<qint64>> samples;
    for (std::size_t i = finished.size(); i-- > 0;) {
        const TrackedMessage &message = finished.at(i);
        if (message.outcome != MessageOutcome::Delivered)
            continue;
        std::vector<qint64> &link = samples[{message.from, message.to}];
        if (link.size() < m_timing.deliverySamplesPerLink)
            link.push_back(std::max<qint64>(0, message.endedUs - message.sentUs));
    }
    m_travelUs.clear();
    for (auto &[link, durations] : samples) {
        const auto middle = durations.begin() + std::ptrdiff_t(durations.size() / 2);
        std::nth_element(durations.begin(), middle, durations.end());
        m_travelUs[link] = *middle;
    }
}

qint64 MessagePlanner::travelUs(NodeId from, NodeId to) const
{
    const auto it = m_travelUs.find({from, to});
    return std::max(m_timing.minVisibleUs, it == m_travelUs.end() ? 0 : it->second);
}

const std::vector<MessageDot> &MessagePlanner::plan(const MessageTracker &tracker, qint64 nowUs)
{
    collect(tracker, nowUs);
    delayRepliesBehindRequests();

    // In order of departure, so that a sample of a busy link is spread evenly along it (keeping the
    // newest would bunch every dot at the sender).
    std::sort(m_candidates.begin(), m_candidates.end(),
              [](const Candidate &a, const Candidate &b) { return a.startUs > b.startUs; });
    m_visible.clear();
    m_perLink.clear();
    for (const Candidate &candidate : m_candidates) {
        if (const std::optional<MessageDot> dot = dotAt(candidate, nowUs)) {
            m_visible.push_back(*dot);
            ++m_perLink[{dot->from, dot->to}];
        }
    }
    // Each link's share of the dots; a busier link shows every stride-th of its messages.
    const std::size_t quota =
        std::min(m_timing.maxDotsPerLink,
                 std::max<std::size_t>(1, m_timing.maxDots / std::max<std::size_t>(1, m_perLink.size())));
    for (auto &[link, count] : m_perLink)
        count = (count + quota - 1) / quota; // now the stride
    m_ordinal.clear();
    m_dots.clear();
    for (const MessageDot &dot : m_visible) {
        std::size_t &ordinal = m_ordinal[{dot.from, dot.to}];
        if (ordinal++ % m_perLink[{dot.from, dot.to}] == 0)
            m_dots.push_back(dot);
    }
    m_omitted = m_visible.size() - m_dots.size();
    return m_dots;
}

qint64 MessagePlanner::lostBurstStartUs(const Candidate &candidate) const
{
    // Sent to a node already dead: it goes as far as an in-flight dot would, then bursts. Lost while
    // on its way (its receiver died, or it waited too long): it bursts where it is at that moment.
    const qint64 knownUs = candidate.message->endedUs + (candidate.startUs - candidate.message->sentUs);
    if (knownUs > candidate.startUs)
        return knownUs;
    return candidate.startUs + qint64(qreal(candidate.travelUs) * m_timing.arrivalHold);
}

MessagePlanner::Candidate MessagePlanner::candidateFor(const TrackedMessage &message) const
{
    Candidate candidate{.message = &message, .startUs = message.sentUs};
    const qint64 expectedUs = travelUs(message.from, message.to);
    switch (message.outcome) {
    case MessageOutcome::Delivered:
        candidate.travelUs = std::max(m_timing.minVisibleUs, message.endedUs - message.sentUs);
        candidate.endUs = candidate.startUs + candidate.travelUs;
        break;
    case MessageOutcome::Dropped:
        // It dies at the middle of the link (where the cut is drawn), then bursts.
        candidate.travelUs = expectedUs;
        candidate.endUs = candidate.startUs + expectedUs / 2 + m_timing.burstUs;
        break;
    case MessageOutcome::InFlight:
        candidate.travelUs = expectedUs;
        candidate.endUs = std::numeric_limits<qint64>::max();
        break;
    case MessageOutcome::Lost:
        // Lost with its receiver or sender (a reason): it bursts. Expired unanswered, or superseded
        // by a restart (no reason): nothing is known of its fate, it just leaves.
        candidate.travelUs = expectedUs;
        candidate.endUs =
            message.dropReason.isEmpty() ? candidate.startUs : lostBurstStartUs(candidate) + m_timing.burstUs;
        break;
    }
    return candidate;
}

void MessagePlanner::collect(const MessageTracker &tracker, qint64 nowUs)
{
    m_candidates.clear();
    // A finished message is drawn at most until endedUs + 2 * minVisible + burst (the reply delay
    // included); the ring is in folding order, not strictly by time, hence the extra second.
    // A message lost or dropped on sending is drawn for one trip of its link after that.
    qint64 longestTripUs = m_timing.minVisibleUs;
    for (const auto &[link, travel] : m_travelUs)
        longestTripUs = std::max(longestTripUs, travel);
    const qint64 horizonUs = nowUs - 2 * m_timing.minVisibleUs - longestTripUs - m_timing.burstUs - 1'000'000;
    const RingBuffer<TrackedMessage> &finished = tracker.finished();
    for (std::size_t i = finished.size(); i-- > 0;) {
        const TrackedMessage &message = finished.at(i);
        if (message.endedUs < horizonUs)
            break;
        m_candidates.push_back(candidateFor(message));
    }
    for (const TrackedMessage &message : tracker.inFlight())
        m_candidates.push_back(candidateFor(message));
}

void MessagePlanner::delayRepliesBehindRequests()
{
    m_requests.clear();
    for (const Candidate &candidate : m_candidates) {
        const TrackedMessage &message = *candidate.message;
        if (!message.isResponse)
            m_requests.push_back(RequestSpan{message.from, message.to, message.sentUs,
                                             candidate.startUs + candidate.travelUs});
    }
    const auto order = [](const RequestSpan &a, const RequestSpan &b) {
        return std::tie(a.from, a.to, a.sentUs) < std::tie(b.from, b.to, b.sentUs);
    };
    std::sort(m_requests.begin(), m_requests.end(), order);

    for (Candidate &candidate : m_candidates) {
        const TrackedMessage &reply = *candidate.message;
        if (!reply.isResponse)
            continue;
        // The latest request on the reverse link sent before this reply: the one it answers.
        const RequestSpan probe{reply.to, reply.from, reply.sentUs, 0};
        auto it = std::upper_bound(m_requests.begin(), m_requests.end(), probe, order);
        if (it == m_requests.begin())
            continue;
        --it;
        if (it->from != reply.to || it->to != reply.from || it->arrivalUs <= candidate.startUs)
            continue;
        const qint64 delayUs = it->arrivalUs - candidate.startUs;
        candidate.startUs += delayUs;
        if (candidate.endUs != std::numeric_limits<qint64>::max())
            candidate.endUs += delayUs;
    }
}

std::optional<MessageDot> MessagePlanner::dotAt(const Candidate &candidate, qint64 nowUs) const
{
    if (nowUs < candidate.startUs || nowUs >= candidate.endUs || candidate.travelUs <= 0)
        return std::nullopt;
    const TrackedMessage &message = *candidate.message;
    MessageDot dot{.from = message.from,
                   .to = message.to,
                   .type = message.type,
                   .isResponse = message.isResponse,
                   .failed = message.isResponse && !message.succeeded,
                   .messageId = message.id};
    const qreal travelled = qreal(nowUs - candidate.startUs) / qreal(candidate.travelUs);
    switch (message.outcome) {
    case MessageOutcome::Dropped:
        dot.progress = std::min(travelled, 0.5);
        if (travelled >= 0.5)
            dot.burst = std::clamp(qreal(nowUs - candidate.startUs - candidate.travelUs / 2) /
                                       qreal(m_timing.burstUs),
                                   0.0, 1.0);
        break;
    case MessageOutcome::InFlight:
        dot.progress = std::min(travelled, m_timing.arrivalHold);
        break;
    case MessageOutcome::Lost: {
        const qint64 burstStartUs = lostBurstStartUs(candidate);
        dot.progress = std::min(qreal(burstStartUs - candidate.startUs) / qreal(candidate.travelUs),
                                std::min(travelled, m_timing.arrivalHold));
        if (nowUs >= burstStartUs)
            dot.burst = std::clamp(qreal(nowUs - burstStartUs) / qreal(m_timing.burstUs), 0.0, 1.0);
        break;
    }
    default:
        dot.progress = std::min(travelled, 1.0);
        break;
    }
    return dot;
}

} // namespace raftlab
