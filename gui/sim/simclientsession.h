#pragma once

// SimClientSession: the client panel's requests sent to a simulated cluster, answered in virtual time.
// A put goes to the chosen node (or the leader, for "any node") as a choice of the run; its answer comes
// when the entry it proposed is applied (200, with index and term) or another entry took its index
// (503 not_committed). A linearizable get is answered when its read is served; a local get at once, from
// the node's state machine. Every request is recorded in the ClientHistory as a real cluster's are, on
// the virtual clock. It is ClientRequests like the real cluster's ClientSession, so the same panel binding
// serves it.
//
// The simulated clients only put and get: a delete or a cas is refused with a sentence saying so. A
// request still waiting when the timeline is moved gets no answer on the branch now shown: it is
// recorded unknown.

#include "model/clienthistory.h"
#include "model/clientrequests.h"

#include <map>

namespace raftlab {

class SimulationController;

class SimClientSession final : public ClientRequests
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimClientSession)

public:
    SimClientSession(SimulationController *controller, QObject *parent = nullptr);
    ~SimClientSession() override;

    int inFlight() const override { return int(m_pending.size()); }
    // Sends `request` to `target` (NodeId{}: the leader). Returns the node it went to, or NodeId{} when
    // it could not be sent (then requestRefused() is emitted).
    NodeId send(KvRequest request, NodeId target) override;

private:
    struct Pending
    {
        KvRequest request{};
        NodeId node{};
        ClientHistory::Ticket ticket{};
        qint64 sentUs = 0;
        std::size_t choices = 0; // the run's choices with it: fewer after a move back before it
        qint64 index = 0; // a put: where it was proposed
        qint64 term = 0;
        QByteArray payload{}; // a put: the command, to tell it from another entry at its index
        std::uint64_t readId = 0; // a get
    };

    void answer(quint64 id, KvResult result);
    void answerAtOnce(const KvRequest &request, NodeId node, KvResult result);
    // After every change of the run: the answers that came, and the requests the timeline left behind.
    void look();

    SimulationController *m_controller;
    std::map<quint64, Pending> m_pending;
};

} // namespace raftlab
