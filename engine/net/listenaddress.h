#pragma once

#include <QHostAddress>
#include <QString>

namespace raftlab {

// The address to listen on for a host as written in cluster.json: "localhost" is loopback, an IP
// address is itself, and any other host name means every interface (peers dial that name).
QHostAddress listenAddressFor(const QString &host);

} // namespace raftlab
