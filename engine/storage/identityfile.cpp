#include "identityfile.h"

#include "crc32c.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QtEndian>

#include <cstring>

namespace raftlab {

namespace {
constexpr char magic[8] = {'R', 'A', 'F', 'T', 'I', 'D', '0', '1'};
constexpr qsizetype fixedBytes = 32; // magic, node id, cluster id, name length
constexpr qsizetype checksumBytes = 4;
} // namespace

DataDirIdentity IdentityFile::make(const QString &clusterName, NodeId nodeId)
{
    QByteArray clusterId;
    for (std::size_t i = 0; i < clusterIdBytes; i += sizeof(quint64)) {
        char word[sizeof(quint64)];
        qToLittleEndian<quint64>(QRandomGenerator::system()->generate64(), word);
        clusterId.append(word, sizeof word);
    }
    return DataDirIdentity{clusterName, nodeId, clusterId};
}

QByteArray IdentityFile::encode(const DataDirIdentity &identity)
{
    const QByteArray name = identity.clusterName.toUtf8();
    QByteArray bytes(fixedBytes, '\0');
    char *p = bytes.data();
    std::memcpy(p, magic, 8);
    qToLittleEndian<quint32>(identity.nodeId.value, p + 8);
    std::memcpy(p + 12, identity.clusterId.constData(),
                std::min<std::size_t>(clusterIdBytes, static_cast<std::size_t>(identity.clusterId.size())));
    qToLittleEndian<quint32>(static_cast<quint32>(name.size()), p + 28);
    bytes.append(name);
    char checksum[checksumBytes];
    qToLittleEndian<quint32>(crc32c(bytes.constData(), static_cast<std::size_t>(bytes.size())), checksum);
    bytes.append(checksum, checksumBytes);
    return bytes;
}

StorageStatus IdentityFile::decode(const QByteArray &bytes, const QString &path, DataDirIdentity &out)
{
    const auto damaged = [&path](qsizetype offset, const char *what) {
        return StorageStatus::damaged(QStringLiteral("identity record %1 at byte offset %2: %3")
                                          .arg(path)
                                          .arg(offset)
                                          .arg(QLatin1String(what)));
    };
    if (bytes.size() < fixedBytes + checksumBytes || !bytes.startsWith(QByteArrayView(magic, 8)))
        return damaged(0, "wrong size or header");
    const char *p = bytes.constData();
    const auto nameBytes = qFromLittleEndian<quint32>(p + 28);
    if (nameBytes > static_cast<quint32>(maxNameBytes) ||
        bytes.size() != fixedBytes + static_cast<qsizetype>(nameBytes) + checksumBytes)
        return damaged(28, "the name length does not match the file size");
    const qsizetype checked = bytes.size() - checksumBytes;
    if (crc32c(p, static_cast<std::size_t>(checked)) != qFromLittleEndian<quint32>(p + checked))
        return damaged(0, "checksum mismatch");
    out.nodeId = NodeId(qFromLittleEndian<quint32>(p + 8));
    out.clusterId = QByteArray(p + 12, static_cast<qsizetype>(clusterIdBytes));
    out.clusterName = QString::fromUtf8(p + fixedBytes, static_cast<qsizetype>(nameBytes));
    return StorageStatus::success();
}

StorageStatus IdentityFile::load(const QString &dir, std::optional<DataDirIdentity> &out)
{
    const QString path = QDir(dir).filePath(fileName());
    out.reset();
    if (!QFileInfo::exists(path))
        return StorageStatus::success();
    QByteArray bytes;
    if (StorageStatus status = readWholeFile(path, bytes); !status.ok())
        return status;
    DataDirIdentity identity;
    if (StorageStatus status = decode(bytes, path, identity); !status.ok())
        return status;
    out = std::move(identity);
    return StorageStatus::success();
}

StorageStatus IdentityFile::save(const QString &dir, const DataDirIdentity &identity, SyncMode mode)
{
    return writeFileAtomically(QDir(dir).filePath(fileName()), encode(identity), mode);
}

} // namespace raftlab
