#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <span>
#include <vector>

namespace raftlab {

// Client writes a follower relays to the leader over its Raft connection, and what became of them,
// sent back the same way (WriteRelay). They share the connection with Raft messages but are not Raft
// messages: the core never sees them. A relay frame is a CBOR array, where a message is a map, so one
// look at the first byte tells them apart:
//
//   [0, id, command, id, command, ...]                 writes: an id the relaying node chose, the command
//   [1, [id, status, index, term, leader, reason], ...] outcomes: status as WriteRelay numbers them,
//                                                       reason a text (empty unless the leader's disk failed)
//
// Decoding is as strict as for messages: anything malformed is an error, and the connection is closed.
struct RelayedWrite
{
    std::uint64_t id = 0;
    QByteArray command;
};

struct RelayedOutcome
{
    std::uint64_t id = 0;
    std::uint8_t status = 0;
    std::uint64_t index = 0;
    std::uint64_t term = 0;
    std::uint32_t leader = 0;
    QString reason;
};

struct RelayFrame
{
    enum class Kind { Writes, Outcomes };
    Kind kind = Kind::Writes;
    std::vector<RelayedWrite> writes;
    std::vector<RelayedOutcome> outcomes;
};

inline constexpr std::uint8_t maxRelayStatus = 15;

// Whether a frame's payload is a relay frame (else it is a message).
bool isRelayFrame(const QByteArray &payload);
// Whole frames, with the length prefix (framecodec.h).
QByteArray encodeRelayedWritesFrame(std::span<const RelayedWrite> writes);
QByteArray encodeRelayedOutcomesFrame(const std::vector<RelayedOutcome> &outcomes);
// Empty string on success, else what was wrong.
QString decodeRelayFrame(const QByteArray &payload, RelayFrame &frame);

} // namespace raftlab
