#pragma once

// The entry functions of the fuzz targets: one per input surface of a node. Each takes one input as
// libFuzzer hands it over, runs it through the project's own code, and checks what must hold for any
// input (round trips, invariants of what was accepted). The fuzz targets (clang, libFuzzer) and the
// regression test tests/fuzz_regressions (the normal build) call the same functions, so an input kept
// under fuzz/regressions/<target>/ replays exactly what the fuzzer ran.
//
// Each returns an empty string, or one sentence naming the expectation the input broke. A crash, a
// sanitizer report or an assertion is a failure too, of course.

#include <QByteArrayView>
#include <QString>

#include <span>

namespace raftlab::fuzz {

// net/framecodec: byte 0 sets how the stream is cut into reads, byte 1 the frame limit, the rest is
// the stream. Decoded read by read and all at once: the same frames, the same end.
QString frameDecoder(QByteArrayView input);

// net/messagecodec: the input is one frame's payload, decoded as a Raft message and as a hello. What
// decodes encodes and decodes back to the same value; the entries' commands decode and apply.
QString messageDecoder(QByteArrayView input);

// storage/filelog: byte 0 holds options (bit 0: repair the record checksums first, so that the fuzzer
// reaches past them; bits 1-2: the snapshot index), the rest is the data dir's log: a new segment file
// starts at every "RAFTLOG1". What opens reopens the same with nothing left to repair, and takes an
// append that a third opening reads back.
QString logRecovery(QByteArrayView input);

// storage/snapshotfile and KvStore::restore: the input is a snapshot file. It is loaded as it is, then
// with its length and checksums made right, and what loads is restored into a KV store; a restored
// store's own snapshot restores to an equal store.
QString snapshotDecoder(QByteArrayView input);

// node/clusterconfig: the input is a cluster.json. What is accepted is a usable cluster, and its
// toJson() parses back to an equal config.
QString clusterConfig(QByteArrayView input);

// http/HttpApi: the input is what one client sends on one connection to the HTTP API of a real
// one-node cluster (data dir in a temporary directory, no fsync) in this process, over loopback TCP;
// then the client closes its side. The node answers and closes; every error answer is JSON.
QString httpRequest(QByteArrayView input);

struct Target
{
    const char *name; // the folder under fuzz/corpus and fuzz/regressions, and the fuzzer's name
    QString (*run)(QByteArrayView input);
};

// Every target, for the regression test.
std::span<const Target> targets();

} // namespace raftlab::fuzz
