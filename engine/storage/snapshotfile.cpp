#include "snapshotfile.h"

#include "crc32c.h"

#include <QDir>
#include <QFileInfo>
#include <QtEndian>

#include <cstring>

namespace raftlab {

namespace {
constexpr char magic[8] = {'R', 'A', 'F', 'T', 'S', 'N', '0', '1'};
constexpr char magicWithMembership[8] = {'R', 'A', 'F', 'T', 'S', 'N', '0', '2'};
} // namespace

StorageStatus SnapshotFile::decode(const QByteArray &bytes, const QString &path, Snapshot &out)
{
    out = Snapshot{};
    const auto damaged = [&path](qsizetype offset, const char *what) {
        return StorageStatus::damaged(QStringLiteral("snapshot %1 at byte offset %2: %3")
                                          .arg(path)
                                          .arg(offset)
                                          .arg(QLatin1String(what)));
    };
    const bool withMembership = bytes.startsWith(QByteArrayView(magicWithMembership, 8));
    if (bytes.size() < headerBytes || (!bytes.startsWith(QByteArrayView(magic, 8)) && !withMembership))
        return damaged(0, "wrong size or header");
    const char *p = bytes.constData();
    if (crc32c(p, 36) != qFromLittleEndian<quint32>(p + 36))
        return damaged(0, "header checksum mismatch");
    const auto length = qFromLittleEndian<quint64>(p + 24);
    if (length != static_cast<quint64>(bytes.size() - headerBytes))
        return damaged(24, "the declared data length does not match the file size");
    if (crc32c(p + headerBytes, length) != qFromLittleEndian<quint32>(p + 32))
        return damaged(headerBytes, "data checksum mismatch");
    const LogIndex index(qFromLittleEndian<quint64>(p + 8));
    const Term term(qFromLittleEndian<quint64>(p + 16));
    if (index == LogIndex{} || term == Term{})
        return damaged(8, "index or term 0 (a snapshot covers at least one entry)");
    QByteArray data = bytes.mid(headerBytes);
    std::optional<Membership> membership;
    if (withMembership) {
        const quint64 membershipBytes = data.size() >= 4 ? qFromLittleEndian<quint32>(data.constData()) : 0;
        if (data.size() < 4 || membershipBytes > static_cast<quint64>(data.size() - 4))
            return damaged(headerBytes, "the configuration's length passes the end of the file");
        membership = Membership::decode(data.mid(4, static_cast<qsizetype>(membershipBytes)));
        if (!membership)
            return damaged(headerBytes + 4, "the configuration does not decode");
        data = data.mid(4 + static_cast<qsizetype>(membershipBytes));
    }
    out.meta = SnapshotMeta{index, term};
    out.data = std::move(data);
    out.membership = std::move(membership);
    return StorageStatus::success();
}

StorageStatus SnapshotFile::load(const QString &dir, Snapshot &out)
{
    const QString path = QDir(dir).filePath(fileName());
    out = Snapshot{};
    if (!QFileInfo::exists(path))
        return StorageStatus::success();
    QByteArray bytes;
    if (StorageStatus status = readWholeFile(path, bytes); !status.ok())
        return status;
    return decode(bytes, path, out);
}

QByteArray SnapshotFile::encodeHead(const Snapshot &snapshot)
{
    // The header, then (format 02) the configuration with its length: all that comes before the data.
    QByteArray head(headerBytes, '\0');
    if (snapshot.membership) {
        const QByteArray membership = snapshot.membership->encode();
        head.resize(headerBytes + 4);
        qToLittleEndian<quint32>(static_cast<quint32>(membership.size()), head.data() + headerBytes);
        head.append(membership);
    }
    const qsizetype prefixBytes = head.size() - headerBytes;
    const std::uint32_t bodyCrc =
        crc32c(snapshot.data.constData(), static_cast<std::size_t>(snapshot.data.size()),
               crc32c(head.constData() + headerBytes, static_cast<std::size_t>(prefixBytes)));
    char *p = head.data();
    std::memcpy(p, snapshot.membership ? magicWithMembership : magic, 8);
    qToLittleEndian<quint64>(snapshot.meta.index.value, p + 8);
    qToLittleEndian<quint64>(snapshot.meta.term.value, p + 16);
    qToLittleEndian<quint64>(static_cast<quint64>(prefixBytes + snapshot.data.size()), p + 24);
    qToLittleEndian<quint32>(bodyCrc, p + 32);
    qToLittleEndian<quint32>(crc32c(p, 36), p + 36);
    return head;
}

QByteArray SnapshotFile::encode(const Snapshot &snapshot)
{
    return encodeHead(snapshot) + snapshot.data;
}

StorageStatus SnapshotFile::save(const QString &dir, const Snapshot &snapshot, SyncMode mode)
{
    // Written in two parts: the data (at a million keys, 190 MB) is not copied behind the header.
    const QByteArray head = encodeHead(snapshot);
    return writeFileAtomically(QDir(dir).filePath(fileName()),
                               {QByteArrayView(head), QByteArrayView(snapshot.data)}, mode);
}

} // namespace raftlab
