#include "clustersecret.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace raftlab {

QString clusterSecretPath(const QString &flagPath, const QString &clusterFile, const QString &secretFileField)
{
    if (!flagPath.isEmpty())
        return flagPath;
    if (secretFileField.isEmpty())
        return QString();
    return QDir::cleanPath(QFileInfo(clusterFile).absoluteDir().absoluteFilePath(secretFileField));
}

QString loadClusterSecret(const QString &path, QByteArray &secret, QString &warning)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cluster secret file %1: cannot read: %2").arg(path, file.errorString());
    const QByteArray bytes = file.read(maxClusterSecretBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return QStringLiteral("cluster secret file %1: cannot read: %2").arg(path, file.errorString());
    if (bytes.size() > maxClusterSecretBytes)
        return QStringLiteral("cluster secret file %1: is larger than %2 bytes (is it the right file?)")
            .arg(path)
            .arg(maxClusterSecretBytes);
    const QByteArray trimmed = bytes.trimmed();
    if (trimmed.size() < minClusterSecretBytes)
        return QStringLiteral(
                   "cluster secret file %1: holds %2 bytes, fewer than %3 (for example: head -c 32 "
                   "/dev/urandom | base64 > %1)")
            .arg(path)
            .arg(trimmed.size())
            .arg(minClusterSecretBytes);
    warning.clear();
    if (file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther))
        warning =
            QStringLiteral("cluster secret file %1 can be read by other users (chmod 600 %1)").arg(path);
    secret = trimmed;
    return QString();
}

} // namespace raftlab
