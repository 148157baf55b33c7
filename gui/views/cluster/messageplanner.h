#pragma once

// MessagePlanner: which message dots to draw at a given moment, and where along their link. Pure (no
// painting), so tests can check what a student would see at any instant of a replay.
//
// Real messages on loopback take ~0.2 ms, far less than one frame: drawn at their true speed they
// would be invisible. So each dot travels for at least `minVisibleUs`, longer when the link is really
// slower (slow motion adds artificial delay; then the observed median delivery time sets the pace).
// Stretching time must not invert cause and effect: a reply would otherwise leave while its request
// is still on its way. A reply therefore departs only once the latest request it answers has been
// drawn arriving (at most one extra `minVisibleUs` of lag, never a growing backlog).
//
// Bounded work per frame: at most the tracker's in-flight sample plus its finished ring are looked at,
// at most `maxDots` dots and `maxDotsPerLink` per directed link are kept (the newest); the links' rate
// labels carry the rest.

#include "model/messagetracker.h"

#include <map>
#include <optional>
#include <vector>

namespace raftlab {

struct MessageDot
{
    NodeId from{};
    NodeId to{};
    MessageType type = MessageType::AppendEntries;
    bool isResponse = false;
    bool failed = false; // a refused vote or a rejected append
    qreal progress = 0.0; // 0 at the sender, 1 at the receiver
    qreal burst = -1.0; // a dropped message: 0..1 through its burst at `progress`; -1 while travelling
    qint64 messageId = 0;
};

class MessagePlanner
{
public:
    struct Timing
    {
        qint64 minVisibleUs = 320'000; // a dot crosses its link in no less than this
        qint64 burstUs = 450'000; // how long a dropped message's burst lasts
        qreal arrivalHold = 0.9; // an in-flight message later than expected waits here
        std::size_t maxDots = 480;
        std::size_t maxDotsPerLink = 10;
        std::size_t deliverySamplesPerLink = 31;
    };

    MessagePlanner();
    explicit MessagePlanner(Timing timing);

    // Learns each link's median delivery time from the finished ring (call when the model changed).
    void learnDeliveryTimes(const MessageTracker &tracker);
    // The time a dot takes on this link: the median observed delivery, at least minVisibleUs.
    qint64 travelUs(NodeId from, NodeId to) const;

    // Computes the dots at `nowUs` (the model's clock).
    const std::vector<MessageDot> &plan(const MessageTracker &tracker, qint64 nowUs);
    const std::vector<MessageDot> &dots() const { return m_dots; }
    std::size_t omittedCount() const { return m_omitted; } // visible but over a cap in the last plan
    const Timing &timing() const { return m_timing; }

private:
    struct Candidate
    {
        const TrackedMessage *message = nullptr;
        qint64 startUs = 0; // when the dot leaves the sender
        qint64 travelUs = 0; // sender to receiver
        qint64 endUs = 0; // when the dot is gone
    };
    struct RequestSpan
    {
        NodeId from{};
        NodeId to{};
        qint64 sentUs = 0;
        qint64 arrivalUs = 0; // when its dot is drawn arriving
    };

    void collect(const MessageTracker &tracker, qint64 nowUs);
    Candidate candidateFor(const TrackedMessage &message) const;
    qint64 lostBurstStartUs(const Candidate &candidate) const; // where a lost message's burst begins
    void delayRepliesBehindRequests();
    std::optional<MessageDot> dotAt(const Candidate &candidate, qint64 nowUs) const;

    Timing m_timing;
    std::map<std::pair<NodeId, NodeId>, qint64> m_travelUs; // median delivery per directed link
    qint64 m_learnedFromId = -1;
    std::size_t m_learnedFromSize = 0;
    std::vector<Candidate> m_candidates; // reused between frames: no allocation per frame
    std::vector<RequestSpan> m_requests;
    std::vector<MessageDot> m_visible; // every dot visible now, before the caps
    std::map<std::pair<NodeId, NodeId>, std::size_t> m_perLink; // visible per link, then the stride
    std::map<std::pair<NodeId, NodeId>, std::size_t> m_ordinal;
    std::vector<MessageDot> m_dots;
    std::size_t m_omitted = 0;
};

} // namespace raftlab
