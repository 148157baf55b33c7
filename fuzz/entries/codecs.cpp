// Fuzz entries for the Raft port's decoders: frames on the byte stream, then messages and hellos.
#include "fuzzentries.h"

#include "net/framecodec.h"
#include "net/messagecodec.h"
#include "node/kvstore.h"

#include <QtEndian>

#include <algorithm>
#include <vector>

namespace raftlab::fuzz {

namespace {

struct Frames
{
    std::vector<QByteArray> frames;
    bool corrupt = false;
    qsizetype consumed = 0; // bytes of the stream the frames took, prefixes included
};

// The frame format of framecodec.h, read in one piece: what the incremental decoder must agree with.
Frames referenceFrames(QByteArrayView stream, std::uint32_t maxFrameBytes)
{
    Frames out;
    while (stream.size() - out.consumed >= 4) {
        const auto length = qFromBigEndian<quint32>(stream.data() + out.consumed);
        if (length == 0 || length > maxFrameBytes) {
            out.corrupt = true;
            break;
        }
        if (stream.size() - out.consumed - 4 < static_cast<qsizetype>(length))
            break;
        out.frames.emplace_back(stream.data() + out.consumed + 4, static_cast<qsizetype>(length));
        out.consumed += 4 + static_cast<qsizetype>(length);
    }
    return out;
}

// Every field that encodeMessage() writes. A snapshot chunk travels only in an InstallSnapshot.
QString messageDifference(const Message &a, const Message &b)
{
    const auto differs = [](const char *field) {
        return QStringLiteral("%1 differs").arg(QLatin1String(field));
    };
    if (a.type != b.type)
        return differs("type");
    if (a.from != b.from || a.to != b.to)
        return differs("from/to");
    if (a.term != b.term)
        return differs("term");
    if (a.lastLogIndex != b.lastLogIndex || a.lastLogTerm != b.lastLogTerm)
        return differs("lastLog");
    if (a.leadershipTransfer != b.leadershipTransfer || a.granted != b.granted || a.success != b.success ||
        a.snapshotDone != b.snapshotDone)
        return differs("a flag");
    if (a.prevLogIndex != b.prevLogIndex || a.prevLogTerm != b.prevLogTerm)
        return differs("prevLog");
    if (a.entries != b.entries)
        return differs("entries");
    if (a.commitIndex != b.commitIndex || a.matchIndex != b.matchIndex || a.rejectedIndex != b.rejectedIndex)
        return differs("commit/match/rejected index");
    if (a.conflictIndex != b.conflictIndex || a.conflictTerm != b.conflictTerm)
        return differs("conflict");
    if (a.readRound != b.readRound)
        return differs("readRound");
    if (a.snapshot != b.snapshot || a.snapshotOffset != b.snapshotOffset ||
        a.snapshotTotalBytes != b.snapshotTotalBytes || a.snapshotChunkOffset != b.snapshotChunkOffset)
        return differs("snapshot fields");
    if (a.type == MessageType::InstallSnapshot && a.snapshotChunk != b.snapshotChunk)
        return differs("snapshotChunk");
    return QString();
}

// A command that decodes encodes to the same bytes (the format has one spelling per command), and
// applying the entries in order never stops the store.
QString checkCommands(const Entries &entries)
{
    KvStore store;
    std::uint64_t index = 0;
    for (const Entry &entry : entries) {
        KvCommand command;
        if (KvStore::decodeCommand(entry.payload, command).isEmpty()) {
            const QByteArray again = command.operation == KvOperation::Put
                ? KvStore::encodePut(command.key, command.value)
                : KvStore::encodeDelete(command.key);
            if (again != entry.payload)
                return QStringLiteral("a decoded command encodes to other bytes");
        }
        Entry renumbered = entry;
        renumbered.index = LogIndex(++index);
        store.apply(renumbered);
    }
    return QString();
}

} // namespace

QString frameDecoder(QByteArrayView input)
{
    if (input.size() < 2)
        return QString();
    const qsizetype readBytes = static_cast<unsigned char>(input[0]) + 1;
    const auto limitByte = static_cast<unsigned char>(input[1]);
    // 16 B .. 512 KiB, or no limit below the 4 GiB a length prefix can say.
    const std::uint32_t maxFrameBytes = (limitByte & 0x10) ? 0xFFFFFFFFu : (16u << (limitByte & 0x0F));
    const QByteArrayView stream = input.sliced(2);

    const Frames expected = referenceFrames(stream, maxFrameBytes);
    FrameDecoder decoder(maxFrameBytes);
    std::vector<QByteArray> frames;
    bool corrupt = false;
    for (qsizetype at = 0; at < stream.size() && !corrupt; at += readBytes) {
        decoder.feed(stream.sliced(at, std::min(readBytes, stream.size() - at)).toByteArray());
        QByteArray frame;
        for (;;) {
            const FrameDecoder::Status status = decoder.take(frame);
            if (status == FrameDecoder::Status::Frame) {
                frames.push_back(frame);
                continue;
            }
            corrupt = status == FrameDecoder::Status::Corrupt;
            break;
        }
    }
    if (frames != expected.frames)
        return QStringLiteral("read by read, the decoder gave %1 frames where the stream holds %2")
            .arg(frames.size())
            .arg(expected.frames.size());
    if (corrupt != expected.corrupt)
        return QStringLiteral("the decoder and the format disagree on whether the stream is corrupt");
    QByteArray frame;
    if (corrupt && decoder.take(frame) != FrameDecoder::Status::Corrupt)
        return QStringLiteral("a corrupt decoder took something afterwards");
    if (!corrupt && decoder.bufferedBytes() != static_cast<std::size_t>(stream.size() - expected.consumed))
        return QStringLiteral("the decoder buffers %1 bytes, the unfinished frame is %2")
            .arg(decoder.bufferedBytes())
            .arg(stream.size() - expected.consumed);
    QByteArray encoded;
    for (const QByteArray &f : frames)
        appendFrame(encoded, f);
    if (encoded != stream.first(expected.consumed))
        return QStringLiteral("the frames do not encode back to the stream they came from");
    return QString();
}

QString messageDecoder(QByteArrayView input)
{
    const QByteArray bytes = input.toByteArray();
    Message message;
    std::uint64_t traceId = 0;
    const bool isMessage = decodeMessage(bytes, message, traceId).isEmpty();
    // Whatever the counts in it say, a frame cannot hold more entries than it has bytes.
    if (message.entries.capacity() > static_cast<std::size_t>(bytes.size()))
        return QStringLiteral("decoding %1 bytes made room for %2 entries")
            .arg(bytes.size())
            .arg(message.entries.capacity());
    if (isMessage) {
        if (message.type < MessageType::PreVote || message.type > MessageType::TimeoutNow)
            return QStringLiteral("a message of unknown type %1 decoded").arg(int(message.type));
        for (const Entry &entry : message.entries) {
            if (entry.type != EntryType::Command && entry.type != EntryType::NoOp)
                return QStringLiteral("an entry of unknown type %1 decoded").arg(int(entry.type));
        }
        const QByteArray again = encodeMessage(message, traceId);
        Message decoded;
        std::uint64_t decodedTraceId = 0;
        if (const QString error = decodeMessage(again, decoded, decodedTraceId); !error.isEmpty())
            return QStringLiteral("a decoded message, encoded again, does not decode: %1").arg(error);
        if (const QString difference = messageDifference(message, decoded); !difference.isEmpty())
            return QStringLiteral("a message changes when encoded and decoded again: %1").arg(difference);
        if (decodedTraceId != traceId)
            return QStringLiteral("the trace id changes when encoded and decoded again");
        if (const QString problem = checkCommands(message.entries); !problem.isEmpty())
            return problem;
    }

    Hello hello;
    if (decodeHello(bytes, hello).isEmpty()) {
        if (hello.from.isNone() || hello.to.isNone())
            return QStringLiteral("a hello without node ids decoded");
        Hello decoded;
        if (const QString error = decodeHello(encodeHello(hello), decoded); !error.isEmpty())
            return QStringLiteral("a decoded hello, encoded again, does not decode: %1").arg(error);
        if (decoded.cluster != hello.cluster || decoded.from != hello.from || decoded.to != hello.to)
            return QStringLiteral("a hello changes when encoded and decoded again");
    }
    return QString();
}

} // namespace raftlab::fuzz
