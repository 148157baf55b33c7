#include "relaycodec.h"

#include "cborreader.h"
#include "cborwriter.h"

#include <QtEndian>

#include <algorithm>

namespace raftlab {

namespace {

enum Kind : quint64 { KindWrites = 0, KindOutcomes = 1 };
constexpr qsizetype prefixBytes = 4; // the frame's length (framecodec.h)
constexpr quint64 maxItemsPerFrame = 1'000'000;
constexpr quint64 outcomeFields = 6;

// Fills in the length prefix of a frame written after it.
QByteArray finishFrame(QByteArray frame, const char *end)
{
    frame.truncate(end - frame.constData());
    qToBigEndian<quint32>(static_cast<quint32>(frame.size() - prefixBytes), frame.data());
    return frame;
}

} // namespace

bool isRelayFrame(const QByteArray &payload)
{
    return !payload.isEmpty() && (static_cast<unsigned char>(payload.front()) & 0xE0) == 0x80;
}

QByteArray encodeRelayedWritesFrame(std::span<const RelayedWrite> writes)
{
    qsizetype bound = prefixBytes + 9 + 1;
    for (const RelayedWrite &write : writes)
        bound += 9 + CborWriter::bytesFor(write.command.size());
    QByteArray frame(bound, Qt::Uninitialized);
    CborWriter out(frame.data() + prefixBytes);
    out.startArray(1 + 2 * static_cast<quint64>(writes.size()));
    out.append(quint64(KindWrites));
    for (const RelayedWrite &write : writes) {
        out.append(quint64(write.id));
        out.append(write.command);
    }
    return finishFrame(std::move(frame), out.end());
}

QByteArray encodeRelayedOutcomesFrame(const std::vector<RelayedOutcome> &outcomes)
{
    qsizetype bound = prefixBytes + 9 + 1;
    std::vector<QByteArray> reasons;
    reasons.reserve(outcomes.size());
    for (const RelayedOutcome &outcome : outcomes) {
        reasons.push_back(outcome.reason.toUtf8());
        bound += 1 + 9 * 5 + CborWriter::bytesFor(reasons.back().size());
    }
    QByteArray frame(bound, Qt::Uninitialized);
    CborWriter out(frame.data() + prefixBytes);
    out.startArray(1 + static_cast<quint64>(outcomes.size()));
    out.append(quint64(KindOutcomes));
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const RelayedOutcome &outcome = outcomes[i];
        out.startArray(outcomeFields);
        out.append(quint64(outcome.id));
        out.append(quint64(outcome.status));
        out.append(quint64(outcome.index));
        out.append(quint64(outcome.term));
        out.append(quint64(outcome.leader));
        out.appendUtf8(reasons[i]);
    }
    return finishFrame(std::move(frame), out.end());
}

QString decodeRelayFrame(const QByteArray &payload, RelayFrame &frame)
{
    frame = RelayFrame{};
    CborReader r(payload);
    const quint64 length = r.enterArray("a relay frame", 1 + 2 * maxItemsPerFrame);
    if (!r.ok() || length == 0)
        return r.ok() ? QStringLiteral("a relay frame is empty") : r.error();
    const quint64 kind = r.unsignedInteger("the relay frame's kind");
    if (r.ok() && kind == KindWrites) {
        frame.kind = RelayFrame::Kind::Writes;
        if ((length - 1) % 2 != 0)
            return QStringLiteral("relayed writes do not come in (id, command) pairs");
        // What a frame claims reserves little: the vector grows with what really comes.
        frame.writes.reserve(static_cast<std::size_t>(std::min<quint64>((length - 1) / 2, 1024)));
        for (quint64 i = 1; i < length && r.ok(); i += 2) {
            RelayedWrite write;
            write.id = r.unsignedInteger("a relayed write's id");
            write.command = r.bytes("a relayed command");
            frame.writes.push_back(std::move(write));
        }
    } else if (r.ok() && kind == KindOutcomes) {
        frame.kind = RelayFrame::Kind::Outcomes;
        frame.outcomes.reserve(static_cast<std::size_t>(std::min<quint64>(length - 1, 1024)));
        for (quint64 i = 1; i < length && r.ok(); ++i) {
            if (r.enterArray("an outcome", outcomeFields) != outcomeFields || !r.ok())
                return QStringLiteral("an outcome is not [id, status, index, term, leader, reason]");
            RelayedOutcome outcome;
            outcome.id = r.unsignedInteger("an outcome's id");
            const quint64 status = r.unsignedInteger("an outcome's status");
            if (status > maxRelayStatus)
                r.fail(QStringLiteral("unknown outcome status %1").arg(status));
            outcome.status = static_cast<std::uint8_t>(status);
            outcome.index = r.unsignedInteger("an outcome's index");
            outcome.term = r.unsignedInteger("an outcome's term");
            const quint64 leader = r.unsignedInteger("an outcome's leader");
            if (leader > 0xFFFFFFFFu)
                r.fail(QStringLiteral("an outcome's leader is out of range"));
            outcome.leader = static_cast<std::uint32_t>(leader);
            outcome.reason = r.text("an outcome's reason");
            if (r.ok())
                r.leave();
            frame.outcomes.push_back(std::move(outcome));
        }
    } else if (r.ok()) {
        return QStringLiteral("unknown relay frame kind %1").arg(kind);
    }
    if (r.ok())
        r.leave();
    if (r.ok() && r.bytesLeft() != 0)
        r.fail(QStringLiteral("%1 bytes follow the relay frame").arg(r.bytesLeft()));
    return r.ok() ? QString() : r.error();
}

} // namespace raftlab
