#pragma once

#include "core/types.h"
#include "fileio.h"

#include <optional>

namespace raftlab {

// Whose data dir this is. A data dir holds one node's term, vote and log; started as another node, or
// as a node of another cluster, that node would carry a vote it never cast (or forget one it did) and
// could vote twice in a term.
struct DataDirIdentity
{
    QString clusterName;
    NodeId nodeId;
    // 16 random bytes made when the data dir is first used: tells two clusters of one name apart.
    QByteArray clusterId;

    QString clusterIdHex() const { return QString::fromLatin1(clusterId.toHex()); }
    friend bool operator==(const DataDirIdentity &, const DataDirIdentity &) = default;
};

// The identity record: `identity` in the data dir, written once, atomically (temp file, fsync, rename,
// fsync dir), before the node's first vote.
// Layout (little-endian): "RAFTID01" | u32 node id | 16 bytes cluster id | u32 name length n |
// n bytes cluster name (UTF-8) | u32 CRC-32C of the preceding 32 + n bytes. The file is exactly 36 + n
// bytes. A missing file means a data dir that has never been started, or one from before identities
// (it is adopted); a damaged one is an error, never rewritten.
class IdentityFile
{
public:
    static QString fileName() { return QStringLiteral("identity"); }
    static constexpr std::size_t clusterIdBytes = 16;
    static constexpr qsizetype maxNameBytes = 4096;

    // `out` stays empty when there is no identity file.
    static StorageStatus load(const QString &dir, std::optional<DataDirIdentity> &out);
    static StorageStatus save(const QString &dir, const DataDirIdentity &identity, SyncMode mode);
    static QByteArray encode(const DataDirIdentity &identity);
    // `path` names the file in error messages.
    static StorageStatus decode(const QByteArray &bytes, const QString &path, DataDirIdentity &out);
    // A new identity with a fresh random cluster id.
    static DataDirIdentity make(const QString &clusterName, NodeId nodeId);
};

} // namespace raftlab
