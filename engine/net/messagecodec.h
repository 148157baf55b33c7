#pragma once

#include "core/message.h"

#include <QString>

namespace raftlab {

// Raft messages as CBOR (RFC 8949), one per frame. A message is a map from small integer keys to
// values; fields at their defaults are left out. Decoding is strict about types and bounds: anything
// malformed is an error, and the connection that sent it is closed.
//
//   key  field                key  field
//   0    type (uint)          12   success (bool)
//   1    from (uint)          13   matchIndex
//   2    to (uint)            14   rejectedIndex
//   3    term                 15   conflictIndex
//   4    lastLogIndex         16   conflictTerm
//   5    lastLogTerm          17   readRound
//   6    leadershipTransfer   18   snapshot [index, term]
//   7    granted              19   snapshotOffset
//   8    prevLogIndex         20   snapshotTotalBytes
//   9    prevLogTerm          21   snapshotChunk (bytes)
//   10   entries [[index, term, type, payload bytes], ...]
//   11   commitIndex          22   snapshotDone
//                             23   trace id (the transport's message id, for send/recv/drop events)
//                             24   snapshotChunkOffset
QByteArray encodeMessage(const Message &message, std::uint64_t traceId);
// The same message as one whole frame (framecodec.h: the length prefix, then encodeMessage()'s bytes),
// built in a single buffer sized up front: what the transport sends.
QByteArray encodeMessageFrame(const Message &message, std::uint64_t traceId);
// Empty string on success, else what was wrong.
QString decodeMessage(const QByteArray &bytes, Message &message, std::uint64_t &traceId);

// The first frame the connecting node sends on a Raft connection: who is calling, in which cluster. A CBOR
// map with text keys: {"hello": "raftlab", "version": 1, "cluster": name, "from": id, "to": id}, and
// "proof": <bytes> when the cluster has a secret (handshake.h).
struct Hello
{
    QString cluster;
    NodeId from{};
    NodeId to{};
    QByteArray proof{}; // empty when the cluster has no secret
};

QByteArray encodeHello(const Hello &hello);
QString decodeHello(const QByteArray &bytes, Hello &hello);

} // namespace raftlab
