#include "listenaddress.h"

#include <QHostInfo>

namespace raftlab {

QString resolveListenAddress(const QString &host, QHostAddress &address)
{
    if (host == QLatin1String("localhost")) {
        address = QHostAddress(QHostAddress::LocalHost);
        return QString();
    }
    if (address.setAddress(host))
        return QString();
    // Blocking, once at start-up: the node cannot do anything useful before it knows where to listen.
    const QHostInfo info = QHostInfo::fromName(host);
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
        return QStringLiteral("the host name '%1' does not resolve (%2)")
            .arg(host,
                 info.error() != QHostInfo::NoError ? info.errorString() : QStringLiteral("no address"));
    address = info.addresses().constFirst();
    return QString();
}

QHostAddress listenAddressFor(const QString &host)
{
    QHostAddress address;
    if (!resolveListenAddress(host, address).isEmpty())
        return QHostAddress(QHostAddress::LocalHost);
    return address;
}

} // namespace raftlab
