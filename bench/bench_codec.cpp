// Google Benchmark for the Raft wire codec (engine/net): what one message costs to encode and to decode, and
// what the frame decoder costs per frame, for the messages a busy 3-node cluster sends most (AppendEntries
// of 1, 16 and 64 entries of 100 bytes, heartbeats and their answers). Run the release preset
// (bench/run_codec_bench.sh).
#include "net/framecodec.h"
#include "net/messagecodec.h"

#include <benchmark/benchmark.h>

#include <QByteArray>

#include <cstdint>
#include <cstring>

namespace {

using namespace raftlab;

Message appendWith(int entries)
{
    Message m{.type = MessageType::AppendEntries, .from = NodeId(1), .to = NodeId(2), .term = Term(7)};
    m.prevLogIndex = LogIndex(100'000);
    m.prevLogTerm = Term(7);
    m.commitIndex = LogIndex(99'990);
    for (int i = 0; i < entries; ++i) {
        QByteArray payload(100, 'x');
        const std::uint64_t serial = static_cast<std::uint64_t>(i);
        std::memcpy(payload.data(), &serial, sizeof serial);
        m.entries.push_back(
            Entry{LogIndex(100'001 + static_cast<std::uint64_t>(i)), Term(7), EntryType::Command, payload});
    }
    return m;
}

Message heartbeat()
{
    return Message{.type = MessageType::Heartbeat,
                   .from = NodeId(1),
                   .to = NodeId(2),
                   .term = Term(7),
                   .commitIndex = LogIndex(99'990),
                   .readRound = 12};
}

Message appendResponse()
{
    return Message{.type = MessageType::AppendEntriesResponse,
                   .from = NodeId(2),
                   .to = NodeId(1),
                   .term = Term(7),
                   .success = true,
                   .matchIndex = LogIndex(100'064)};
}

QByteArray encodedAppend(int entries)
{
    return encodeMessage(appendWith(entries), 0x0001'0000'0017ull);
}

// Encodes an AppendEntries of state.range(0) entries with `encode`, a new trace id each time.
template<typename Encode>
void encodeLoop(benchmark::State &state, Encode encode)
{
    const Message message = appendWith(static_cast<int>(state.range(0)));
    std::uint64_t traceId = 0x0001'0000'0000ull;
    for (auto _ : state) {
        QByteArray bytes = encode(message, ++traceId);
        benchmark::DoNotOptimize(bytes);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_EncodeAppend(benchmark::State &state)
{
    encodeLoop(state, encodeMessage);
}

void decodeLoop(benchmark::State &state, const QByteArray &bytes)
{
    Message decoded;
    std::uint64_t traceId = 0;
    for (auto _ : state) {
        QString error = decodeMessage(bytes, decoded, traceId);
        benchmark::DoNotOptimize(error);
        benchmark::DoNotOptimize(decoded);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * bytes.size());
}

void BM_DecodeAppend(benchmark::State &state)
{
    decodeLoop(state, encodedAppend(static_cast<int>(state.range(0))));
}

void BM_DecodeHeartbeat(benchmark::State &state)
{
    decodeLoop(state, encodeMessage(heartbeat(), 1));
}

void BM_DecodeAppendResponse(benchmark::State &state)
{
    decodeLoop(state, encodeMessage(appendResponse(), 1));
}
// The transport's frame: built in one buffer (encodeMessageFrame) or encoded, then copied behind a length
// prefix (how the transport framed a message before).
void BM_EncodeFrame(benchmark::State &state)
{
    encodeLoop(state, encodeMessageFrame);
}

void BM_EncodeThenFrame(benchmark::State &state)
{
    encodeLoop(state, [](const Message &message, std::uint64_t traceId) {
        QByteArray frame;
        appendFrame(frame, encodeMessage(message, traceId));
        return frame;
    });
}

// A stream of 64 framed AppendEntries of 16 entries fed in 64 KiB reads, as a socket delivers them.
void BM_FrameStream(benchmark::State &state)
{
    const QByteArray payload = encodeMessage(appendWith(16), 1);
    QByteArray stream;
    for (int i = 0; i < 64; ++i)
        appendFrame(stream, payload);
    for (auto _ : state) {
        FrameDecoder decoder(64u << 20);
        QByteArray frame;
        for (qsizetype at = 0; at < stream.size(); at += 64 * 1024) {
            decoder.feed(stream.mid(at, 64 * 1024));
            while (decoder.take(frame) == FrameDecoder::Status::Frame)
                benchmark::DoNotOptimize(frame);
        }
    }
    state.SetItemsProcessed(state.iterations() * 64);
    state.SetBytesProcessed(state.iterations() * stream.size());
}

} // namespace

BENCHMARK(BM_EncodeAppend)->ArgName("entries")->Arg(1)->Arg(16)->Arg(64);
BENCHMARK(BM_EncodeFrame)->ArgName("entries")->Arg(1)->Arg(16)->Arg(64);
BENCHMARK(BM_EncodeThenFrame)->ArgName("entries")->Arg(1)->Arg(16)->Arg(64);
BENCHMARK(BM_DecodeAppend)->ArgName("entries")->Arg(1)->Arg(16)->Arg(64);
BENCHMARK(BM_DecodeHeartbeat);
BENCHMARK(BM_DecodeAppendResponse);
BENCHMARK(BM_FrameStream);

BENCHMARK_MAIN();
