#pragma once

#include <QHostAddress>
#include <QString>

namespace raftlab {

// The address to listen on for a host as written in cluster.json: "localhost" is loopback, an IP address
// is itself, and a host name is the first address it resolves to, so a node named "node-2.lab" listens
// where its peers dial it and on no other interface. Empty on success, else why the name gives no address.
QString resolveListenAddress(const QString &host, QHostAddress &address);

// The same without the reason: a name that does not resolve gives loopback, never every interface (a
// caller that must tell the user checks resolveListenAddress() first).
QHostAddress listenAddressFor(const QString &host);

} // namespace raftlab
