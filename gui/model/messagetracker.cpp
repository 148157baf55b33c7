#include "messagetracker.h"

#include <algorithm>
#include <cmath>

namespace raftlab {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 bucketUs = 100'000;
constexpr qint64 earlyReceiptLifetimeUs = 2'000'000;

bool isRare(MessageType type)
{
    return type != MessageType::AppendEntries && type != MessageType::AppendEntriesResponse &&
        type != MessageType::Heartbeat && type != MessageType::HeartbeatResponse;
}

TrackedMessage messageFrom(const QJsonObject &event)
{
    TrackedMessage message;
    message.id = eventfield::integer(event, "id"_L1);
    message.type =
        messageTypeFromString(eventfield::string(event, "msg"_L1)).value_or(MessageType::AppendEntries);
    message.from = eventfield::nodeId(event, "from"_L1);
    message.to = eventfield::nodeId(event, "to"_L1);
    message.term = eventfield::term(event);
    message.isResponse = eventfield::boolean(event, "response"_L1);
    message.succeeded = message.isResponse
        ? eventfield::boolean(event, "granted"_L1) || eventfield::boolean(event, "success"_L1)
        : true;
    message.prevIndex = eventfield::index(event, "prev_index"_L1);
    message.entryCount = int(eventfield::integer(event, "entries"_L1));
    message.commitIndex = eventfield::index(event, "commit"_L1);
    message.sentUs = eventfield::timeUs(event);
    return message;
}

} // namespace

MessageTracker::MessageTracker()
    : MessageTracker(Limits{})
{ }

MessageTracker::MessageTracker(Limits limits)
    : m_limits(limits)
    , m_finished(limits.maxFinished)
{ }

LinkTraffic &MessageTracker::linkOf(NodeId from, NodeId to)
{
    auto [it, inserted] = m_links.try_emplace({from, to});
    if (inserted) {
        it->second.from = from;
        it->second.to = to;
    }
    return it->second;
}

const LinkTraffic *MessageTracker::link(NodeId from, NodeId to) const
{
    const auto it = m_links.find({from, to});
    return it == m_links.end() ? nullptr : &it->second;
}

void MessageTracker::countInBucket(LinkTraffic &link, qint64 atUs, bool isDrop)
{
    const qint64 epoch = atUs / bucketUs;
    const std::size_t slot = std::size_t(epoch % LinkTraffic::bucketCount);
    if (link.bucketEpoch[slot] != epoch) {
        link.bucketEpoch[slot] = epoch;
        link.bucketSent[slot] = 0;
        link.bucketDropped[slot] = 0;
    }
    ++(isDrop ? link.bucketDropped[slot] : link.bucketSent[slot]);
}

bool MessageTracker::isSampled(qint64 id, MessageType type, const LinkTraffic &link) const
{
    return isRare(type) || link.sampleStride <= 1 || id % qint64(link.sampleStride) == 0;
}

void MessageTracker::foldSend(const QJsonObject &event)
{
    TrackedMessage message = messageFrom(event);
    LinkTraffic &link = linkOf(message.from, message.to);
    ++m_sent;
    ++link.sent;
    countInBucket(link, message.sentUs, false);

    if (const auto early = m_earlyReceipts.find(message.id); early != m_earlyReceipts.end()) {
        message.endedUs = std::max(message.sentUs, early->second.atUs);
        message.outcome = early->second.outcome;
        message.dropReason = early->second.reason;
        m_earlyReceipts.erase(early);
        recordFinished(std::move(message));
        return;
    }
    if (m_downNodes.contains(message.to)) {
        // Its receiver is dead: it will never arrive (the sender queues it for a process that is gone).
        message.endedUs = message.sentUs;
        message.outcome = MessageOutcome::Lost;
        message.dropReason = tr("receiver down");
        recordFinished(std::move(message));
        return;
    }
    std::size_t &onLink = m_inFlightPerLink[{message.from, message.to}];
    const bool hasRoom = m_inFlight.size() < m_limits.maxInFlight &&
        (onLink < m_limits.maxInFlightPerLink || isRare(message.type));
    if (!hasRoom || !isSampled(message.id, message.type, link)) {
        ++m_untracked;
        ++link.untracked;
        return;
    }
    if (const auto old = m_slotById.find(message.id); old != m_slotById.end())
        finish(old->second, MessageOutcome::Lost, message.sentUs, QString()); // a reused id
    ++onLink;
    m_slotById[message.id] = m_inFlight.size();
    m_inFlight.push_back(std::move(message));
}

void MessageTracker::foldRecv(const QJsonObject &event)
{
    const qint64 id = eventfield::integer(event, "id"_L1);
    const qint64 atUs = eventfield::timeUs(event);
    LinkTraffic &link = linkOf(eventfield::nodeId(event, "from"_L1), eventfield::nodeId(event, "to"_L1));
    ++link.delivered;
    if (const auto slot = m_slotById.find(id); slot != m_slotById.end()) {
        finish(slot->second, MessageOutcome::Delivered, atUs, QString());
        return;
    }
    rememberEarlyReceipt(event, link, MessageOutcome::Delivered, atUs, QString());
}

void MessageTracker::foldDrop(const QJsonObject &event)
{
    const qint64 id = eventfield::integer(event, "id"_L1);
    const qint64 atUs = eventfield::timeUs(event);
    const QString reason = eventfield::string(event, "reason"_L1);
    LinkTraffic &link = linkOf(eventfield::nodeId(event, "from"_L1), eventfield::nodeId(event, "to"_L1));
    ++link.dropped;
    link.lastDropUs = atUs;
    countInBucket(link, atUs, true);
    if (const auto slot = m_slotById.find(id); slot != m_slotById.end()) {
        finish(slot->second, MessageOutcome::Dropped, atUs, reason);
        return;
    }
    rememberEarlyReceipt(event, link, MessageOutcome::Dropped, atUs, reason);
}

// A recv or drop whose send has not been folded yet (it travels on the other node's stream): kept, if the
// send will be sampled and there is room, so that the send finds its end when it arrives.
void MessageTracker::rememberEarlyReceipt(const QJsonObject &event, const LinkTraffic &link,
                                          MessageOutcome outcome, qint64 atUs, const QString &reason)
{
    const qint64 id = eventfield::integer(event, "id"_L1);
    const auto type =
        messageTypeFromString(eventfield::string(event, "msg"_L1)).value_or(MessageType::AppendEntries);
    if (!isSampled(id, type, link) || m_earlyReceipts.size() >= m_limits.maxEarlyReceipts) {
        ++m_unmatched;
        return;
    }
    m_earlyReceipts[id] = EarlyReceipt{.id = id, .atUs = atUs, .outcome = outcome, .reason = reason};
}

void MessageTracker::finish(std::size_t slot, MessageOutcome outcome, qint64 atUs, const QString &reason)
{
    TrackedMessage message = std::move(m_inFlight[slot]);
    m_slotById.erase(message.id);
    if (slot + 1 != m_inFlight.size()) {
        m_inFlight[slot] = std::move(m_inFlight.back());
        m_slotById[m_inFlight[slot].id] = slot;
    }
    m_inFlight.pop_back();
    if (auto onLink = m_inFlightPerLink.find({message.from, message.to});
        onLink != m_inFlightPerLink.end() && onLink->second > 0)
        --onLink->second;
    message.outcome = outcome;
    message.endedUs = std::max(atUs, message.sentUs);
    message.dropReason = reason;
    recordFinished(std::move(message));
}

void MessageTracker::recordFinished(TrackedMessage message)
{
    m_finished.push(std::move(message));
}

void MessageTracker::expire(qint64 nowUs)
{
    for (std::size_t slot = m_inFlight.size(); slot-- > 0;)
        if (m_inFlight[slot].sentUs < nowUs - m_limits.lifetimeUs)
            finish(slot, MessageOutcome::Lost, nowUs, QString());
    for (auto it = m_earlyReceipts.begin(); it != m_earlyReceipts.end();) {
        if (it->second.atUs < nowUs - earlyReceiptLifetimeUs) {
            ++m_unmatched;
            it = m_earlyReceipts.erase(it);
        } else {
            ++it;
        }
    }
    refreshRates(nowUs);
}

void MessageTracker::refreshRates(qint64 nowUs)
{
    const qint64 nowEpoch = nowUs / bucketUs;
    const double windowSeconds = double(LinkTraffic::bucketCount * bucketUs) / 1e6;
    for (auto &[key, link] : m_links) {
        quint64 sent = 0;
        quint64 dropped = 0;
        for (int i = 0; i < LinkTraffic::bucketCount; ++i) {
            if (link.bucketEpoch[std::size_t(i)] > nowEpoch - LinkTraffic::bucketCount &&
                link.bucketEpoch[std::size_t(i)] <= nowEpoch) {
                sent += link.bucketSent[std::size_t(i)];
                dropped += link.bucketDropped[std::size_t(i)];
            }
        }
        link.sentPerSecond = double(sent) / windowSeconds;
        link.droppedPerSecond = double(dropped) / windowSeconds;
        link.sampleStride = std::max<quint32>(
            1, quint32(std::ceil(link.sentPerSecond / std::max(1.0, m_limits.sampledPerLinkPerSecond))));
    }
}

void MessageTracker::forgetSendsFrom(NodeId node, qint64 beforeUs)
{
    for (std::size_t slot = m_inFlight.size(); slot-- > 0;)
        if (m_inFlight[slot].from == node && m_inFlight[slot].sentUs < beforeUs)
            finish(slot, MessageOutcome::Lost, beforeUs, QString());
}

void MessageTracker::settleUnseenSendsTo(NodeId node, qint64 atUs)
{
    for (std::size_t slot = m_inFlight.size(); slot-- > 0;)
        if (m_inFlight[slot].to == node && m_inFlight[slot].sentUs < atUs)
            finish(slot, MessageOutcome::Lost, atUs, QString());
}

void MessageTracker::setNodeDown(NodeId node, bool down, qint64 atUs)
{
    if (!down) {
        m_downNodes.erase(node);
        return;
    }
    m_downNodes.insert(node);
    for (std::size_t slot = m_inFlight.size(); slot-- > 0;) {
        const TrackedMessage &message = m_inFlight[slot];
        if (message.to == node || message.from == node)
            finish(slot, MessageOutcome::Lost, atUs,
                   message.to == node ? tr("receiver down") : tr("sender down"));
    }
}

void MessageTracker::clear()
{
    m_downNodes.clear();
    m_inFlight.clear();
    m_slotById.clear();
    m_inFlightPerLink.clear();
    m_finished.clear();
    m_earlyReceipts.clear();
    m_links.clear();
    m_sent = m_untracked = m_unmatched = 0;
}

} // namespace raftlab
