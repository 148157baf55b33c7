#include "hardstatefile.h"

#include "crc32c.h"

#include <QDir>
#include <QFileInfo>
#include <QtEndian>

#include <cstring>

namespace raftlab {

namespace {
constexpr char magic[8] = {'R', 'A', 'F', 'T', 'H', 'S', '0', '1'};
constexpr qsizetype recordBytes = 24;
} // namespace

QByteArray HardStateFile::encode(const HardState &state)
{
    QByteArray bytes(recordBytes, '\0');
    std::memcpy(bytes.data(), magic, 8);
    qToLittleEndian<quint64>(state.term.value, bytes.data() + 8);
    qToLittleEndian<quint32>(state.votedFor.value, bytes.data() + 16);
    qToLittleEndian<quint32>(crc32c(bytes.constData(), 20), bytes.data() + 20);
    return bytes;
}

StorageStatus HardStateFile::load(const QString &dir, HardState &out)
{
    const QString path = QDir(dir).filePath(fileName());
    out = HardState{};
    if (!QFileInfo::exists(path))
        return StorageStatus::success();
    QByteArray bytes;
    if (StorageStatus status = readWholeFile(path, bytes); !status.ok())
        return status;
    if (bytes.size() != recordBytes || !bytes.startsWith(QByteArrayView(magic, 8)))
        return StorageStatus::damaged(
            QStringLiteral("term/vote record %1 at byte offset 0: wrong size or header").arg(path));
    if (crc32c(bytes.constData(), 20) != qFromLittleEndian<quint32>(bytes.constData() + 20))
        return StorageStatus::damaged(
            QStringLiteral("term/vote record %1 at byte offset 0: checksum mismatch").arg(path));
    out.term = Term(qFromLittleEndian<quint64>(bytes.constData() + 8));
    out.votedFor = NodeId(qFromLittleEndian<quint32>(bytes.constData() + 16));
    return StorageStatus::success();
}

StorageStatus HardStateFile::save(const QString &dir, const HardState &state, SyncMode mode)
{
    return writeFileAtomically(QDir(dir).filePath(fileName()), encode(state), mode);
}

} // namespace raftlab
