// Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/): a few valid inputs per target,
// made with the project's own encoders so that they stay valid when a format changes. Run it again
// after such a change: fuzz_seeds fuzz/corpus
#include "net/framecodec.h"
#include "net/messagecodec.h"
#include "node/clusterconfig.h"
#include "node/kvstore.h"
#include "storage/filelog.h"
#include "storage/snapshotfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

#include <cstdio>

using namespace raftlab;

namespace {

QString g_root;

void seed(const char *target, const char *name, const QByteArray &bytes)
{
    const QString dir = QDir(g_root).filePath(QLatin1String(target));
    QDir().mkpath(dir);
    QFile file(QDir(dir).filePath(QLatin1String(name)));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "fuzz_seeds: cannot write %s\n", qPrintable(file.fileName()));
        std::exit(1);
    }
}

Entry command(std::uint64_t index, std::uint64_t term, const QByteArray &key, const QByteArray &value)
{
    return Entry{LogIndex(index), Term(term), EntryType::Command, KvStore::encodePut(key, value)};
}

std::vector<Message> messages()
{
    std::vector<Message> all;
    Message vote;
    vote.type = MessageType::RequestVote;
    vote.from = NodeId(2);
    vote.to = NodeId(1);
    vote.term = Term(3);
    vote.lastLogIndex = LogIndex(7);
    vote.lastLogTerm = Term(2);
    vote.leadershipTransfer = true;
    all.push_back(vote);
    Message granted = vote;
    granted.type = MessageType::PreVoteResponse;
    granted.granted = true;
    all.push_back(granted);
    Message append;
    append.type = MessageType::AppendEntries;
    append.from = NodeId(1);
    append.to = NodeId(3);
    append.term = Term(4);
    append.prevLogIndex = LogIndex(5);
    append.prevLogTerm = Term(3);
    append.commitIndex = LogIndex(5);
    append.entries = {Entry{LogIndex(6), Term(4), EntryType::NoOp, {}}, command(7, 4, "key", "value"),
                      Entry{LogIndex(8), Term(4), EntryType::Command, KvStore::encodeDelete("key")}};
    all.push_back(append);
    Message rejected;
    rejected.type = MessageType::AppendEntriesResponse;
    rejected.from = NodeId(3);
    rejected.to = NodeId(1);
    rejected.term = Term(4);
    rejected.rejectedIndex = LogIndex(5);
    rejected.conflictIndex = LogIndex(3);
    rejected.conflictTerm = Term(2);
    all.push_back(rejected);
    Message heartbeat;
    heartbeat.type = MessageType::Heartbeat;
    heartbeat.from = NodeId(1);
    heartbeat.to = NodeId(2);
    heartbeat.term = Term(4);
    heartbeat.commitIndex = LogIndex(8);
    heartbeat.readRound = 12;
    all.push_back(heartbeat);
    Message snapshot;
    snapshot.type = MessageType::InstallSnapshot;
    snapshot.from = NodeId(1);
    snapshot.to = NodeId(2);
    snapshot.term = Term(4);
    snapshot.snapshot = SnapshotMeta{LogIndex(100), Term(3)};
    snapshot.snapshotOffset = 4;
    snapshot.snapshotTotalBytes = 12;
    snapshot.snapshotChunk = "chunk!!!";
    snapshot.snapshotDone = true;
    all.push_back(snapshot);
    Message snapshotAck;
    snapshotAck.type = MessageType::InstallSnapshotResponse;
    snapshotAck.from = NodeId(2);
    snapshotAck.to = NodeId(1);
    snapshotAck.success = true;
    snapshotAck.matchIndex = LogIndex(100);
    snapshotAck.snapshotOffset = 12;
    snapshotAck.snapshotChunkOffset = 4;
    all.push_back(snapshotAck);
    Message timeoutNow;
    timeoutNow.type = MessageType::TimeoutNow;
    timeoutNow.from = NodeId(1);
    timeoutNow.to = NodeId(2);
    all.push_back(timeoutNow);
    return all;
}

void frameSeeds()
{
    const QByteArray hello = encodeHello(Hello{QStringLiteral("lab"), NodeId(2), NodeId(1)});
    const QByteArray vote = encodeMessage(messages().front(), 99);
    QByteArray stream;
    appendFrame(stream, hello);
    appendFrame(stream, vote);
    // byte 0: bytes per read - 1; byte 1: the frame limit (low 4 bits: 16 << n; bit 4: none)
    seed("frame_decoder", "two_frames_byte_by_byte", QByteArray("\x00\x0f", 2) + stream);
    seed("frame_decoder", "two_frames_and_a_partial_one",
         QByteArray("\x06\x04", 2) + stream + stream.left(7));
    QByteArray large;
    appendFrame(large, QByteArray(40, 'x'));
    seed("frame_decoder", "over_the_limit", QByteArray("\xff\x01", 2) + large);
    seed("frame_decoder", "empty_frame", QByteArray("\x02\x10\x00\x00\x00\x00\x00\x00\x00\x01x", 11));
}

void messageSeeds()
{
    int i = 0;
    for (const Message &message : messages())
        seed("message_decoder", qPrintable(QStringLiteral("message_%1").arg(++i)), encodeMessage(message, 7));
    seed("message_decoder", "hello", encodeHello(Hello{QStringLiteral("demo"), NodeId(2), NodeId(1)}));
}

QByteArray segment(std::uint64_t first, const Entries &entries)
{
    QByteArray bytes("RAFTLOG1");
    char index[8];
    qToLittleEndian<quint64>(first, index);
    bytes.append(index, 8);
    for (const Entry &entry : entries)
        encodeRecord(entry, bytes);
    return bytes;
}

void logSeeds()
{
    // byte 0: bit 0 repairs record checksums, bits 1-2 are the snapshot index
    const Entries five = {Entry{LogIndex(1), Term(1), EntryType::NoOp, {}}, command(2, 1, "a", "1"),
                          command(3, 1, "b", "2"), command(4, 2, "a", "3"),
                          Entry{LogIndex(5), Term(2), EntryType::Command, KvStore::encodeDelete("b")}};
    const QByteArray clean = segment(1, five);
    seed("log_recovery", "five_entries", '\0' + clean);
    seed("log_recovery", "five_entries_preallocated", '\0' + clean + QByteArray(256, '\0'));
    seed("log_recovery", "torn_tail", '\0' + clean.left(clean.size() - 5));
    QByteArray damaged = clean;
    damaged[40] = char(damaged[40] ^ 0x10);
    seed("log_recovery", "damaged_middle", '\0' + damaged);
    seed("log_recovery", "damaged_middle_repaired", '\1' + damaged);
    const Entries first(five.begin(), five.begin() + 3);
    const Entries second(five.begin() + 3, five.end());
    seed("log_recovery", "two_segments_snapshot_2",
         char(2 << 1) + segment(1, first) + segment(4, second) + QByteArray(32, '\0'));
    seed("log_recovery", "empty_last_segment", '\0' + segment(1, five) + segment(6, {}));
}

QByteArray snapshotFile(const Snapshot &snapshot)
{
    QTemporaryDir dir;
    SnapshotFile::save(dir.path(), snapshot, SyncMode::Never);
    QFile file(QDir(dir.path()).filePath(SnapshotFile::fileName()));
    file.open(QIODevice::ReadOnly);
    return file.readAll();
}

void snapshotSeeds()
{
    KvStore store;
    std::uint64_t index = 0;
    for (const auto &[key, value] : {std::pair<QByteArray, QByteArray>{"alpha", "1"},
                                     {"beta", "two"},
                                     {"gamma", QByteArray(3, '\0')},
                                     {"alpha", "one"}})
        store.apply(command(++index, 1, key, value));
    seed("snapshot_decoder", "three_pairs",
         snapshotFile(Snapshot{{LogIndex(index), Term(1)}, store.snapshot()}));
    seed("snapshot_decoder", "empty_store",
         snapshotFile(Snapshot{{LogIndex(1), Term(1)}, KvStore().snapshot()}));
    seed("snapshot_decoder", "not_kv_data", snapshotFile(Snapshot{{LogIndex(9), Term(2)}, "plain bytes"}));
}

void configSeeds()
{
    ClusterConfig three;
    three.name = QStringLiteral("demo");
    for (std::uint32_t id = 1; id <= 3; ++id)
        three.members.push_back(ClusterMember{NodeId(id),
                                              {QStringLiteral("127.0.0.1"), quint16(7100 + id)},
                                              {QStringLiteral("127.0.0.1"), quint16(8100 + id)}});
    seed("cluster_config", "three_nodes", three.toJson());
    ClusterConfig mixed;
    mixed.name = QStringLiteral("lab \"Ω\"");
    mixed.heartbeatMs = 20;
    mixed.electionTimeoutMs = {100, 200};
    mixed.preVote = false;
    mixed.checkQuorum = false;
    mixed.snapshotEvery = 50;
    mixed.members = {
        ClusterMember{NodeId(7), {QStringLiteral("::1"), 7101}, {QStringLiteral("node-7.lab"), 80}},
        ClusterMember{
            NodeId(1000000), {QStringLiteral("10.0.0.2"), 7102}, {QStringLiteral("fe80::1"), 65535}}};
    seed("cluster_config", "mixed_addresses", mixed.toJson());
    seed("cluster_config", "readme_example",
         "{\n  \"cluster\": \"demo\",\n  \"heartbeat_ms\": 50,\n  \"election_timeout_ms\": [150, 300],\n"
         "  \"nodes\": [\n    {\"id\": 1, \"raft\": \"127.0.0.1:7101\", \"http\": \"127.0.0.1:8101\"}\n  "
         "]\n}\n");
}

void httpSeeds()
{
    const auto request = [](const char *name, const QByteArray &text) {
        seed("http_request", name, text);
    };
    // A request line with a body and its Content-Length.
    const auto withBody = [](const QByteArray &line, const QByteArray &body) {
        return line + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    request("put", withBody("PUT /kv/hello HTTP/1.1\r\nHost: node", "world"));
    request("get", "GET /kv/hello HTTP/1.1\r\nHost: node\r\n\r\n");
    request("get_local", "GET /kv/hello?consistency=local HTTP/1.1\r\n\r\n");
    request("get_timeout", "GET /kv/h%C3%A9?consistency=linearizable&timeout_ms=50 HTTP/1.1\r\n\r\n");
    request("delete", withBody("DELETE /kv/hello?timeout_ms=20 HTTP/1.1", ""));
    request("post_seed_route", withBody("POST / HTTP/1.1\r\nContent-Type: text/plain", "seed=article"));
    request("bad_key", withBody("PUT /kv/bad%FFkey HTTP/1.1", "x"));
    request("status_and_metrics", "GET /status HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n");
    request("events", "GET /events HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n");
    request("not_found", "GET /nowhere HTTP/1.1\r\n\r\nPATCH /status HTTP/1.1\r\n\r\n");
    request("admin_partition", withBody("POST /admin/partition HTTP/1.1", R"({"peers":[]})"));
    request("admin_net", withBody("POST /admin/net HTTP/1.1", R"({"delay_ms":0,"jitter_ms":0,"loss":0.0})"));
    request("admin_timing",
            withBody("POST /admin/timing HTTP/1.1", R"({"heartbeat_ms":2,"election_timeout_ms":[5,10]})"));
    request("admin_transfer", withBody("POST /admin/transfer HTTP/1.1", R"({"to":1})"));
    request("admin_timeout", "POST /admin/timeout HTTP/1.1\r\n\r\n");
    request("expect_continue", withBody("PUT /kv/big HTTP/1.1\r\nExpect: 100-continue", "0123456789"));
    request("chunked", "PUT /kv/c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seeds DIR (the fuzz/corpus folder)\n");
        return 2;
    }
    g_root = QString::fromLocal8Bit(argv[1]);
    frameSeeds();
    messageSeeds();
    logSeeds();
    snapshotSeeds();
    configSeeds();
    httpSeeds();
    return 0;
}
