#pragma once

#include "messagecodec.h"

#include <QByteArray>
#include <QString>

// The cluster secret's challenge-response, in the first frames of a Raft connection.
//
// Without a secret a connection opens with the connecting node's hello (cluster name, its id, ours) and
// nothing else is asked. With one, the accepting node speaks first: a challenge frame holding a fresh
// random nonce; the connecting node answers with its hello carrying
//
//     proof = HMAC-SHA256(key = secret, nonce | from as u32 big-endian | to as u32 big-endian | cluster
//     UTF-8)
//
// so the secret itself never travels, and a proof cannot be replayed on another connection (each has its
// own nonce). It authenticates the connecting node to the accepting one; it does not encrypt, and the
// frames after the hello carry no MAC: it keeps strangers and misconfigured nodes out, it is no defence
// against someone who can rewrite packets on the path (use a VPN or an SSH tunnel for that).
//
// Challenge frame (CBOR map, text keys): {"challenge": "raftlab", "version": 1, "nonce": <32 bytes>}.
namespace raftlab {

inline constexpr qsizetype challengeNonceBytes = 32;
inline constexpr qsizetype helloProofBytes = 32; // an HMAC-SHA256

// 32 bytes from the system's cryptographic random source.
QByteArray newChallengeNonce();
QByteArray encodeChallenge(const QByteArray &nonce);
// Empty string on success, else what was wrong.
QString decodeChallenge(const QByteArray &bytes, QByteArray &nonce);

QByteArray helloProof(const QByteArray &secret, const QByteArray &nonce, const Hello &hello);
// Compares in time independent of where the two differ, so a wrong proof teaches nothing about the right one.
bool proofMatches(const QByteArray &expected, const QByteArray &received);

} // namespace raftlab
