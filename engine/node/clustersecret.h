#pragma once

// The cluster secret: a file each node reads at start, whose bytes peers prove they know before they are
// heard (net/handshake.h). It is named by --cluster-secret-file, or by "secret_file" in the cluster file
// (relative to that file's directory), so the secret itself never sits in the shared cluster file.

#include <QByteArray>
#include <QString>

namespace raftlab {

inline constexpr qsizetype minClusterSecretBytes =
    16; // shorter ones fall to a guess from one overheard hello
inline constexpr qsizetype maxClusterSecretBytes = 4096;

// Which file holds the secret: the flag's path if given, else the cluster file's "secret_file" resolved
// against the cluster file's directory; empty when neither names one (no secret).
QString clusterSecretPath(const QString &flagPath, const QString &clusterFile,
                          const QString &secretFileField);

// Reads the secret: the file's bytes without surrounding whitespace (so a final newline does not count).
// Empty on success, else one line naming the file and what is wrong. `warning` is set (and the secret
// still loaded) when other users may read the file.
QString loadClusterSecret(const QString &path, QByteArray &secret, QString &warning);

} // namespace raftlab
