#include "listenaddress.h"

namespace raftlab {

QHostAddress listenAddressFor(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(host))
        return QHostAddress(QHostAddress::Any);
    return address;
}

} // namespace raftlab
