#pragma once

#include "requeststreamscanner.h"

#include <QByteArrayList>
#include <QHostAddress>

#include <optional>

namespace raftlab {

// Keeps web pages out of a node's API. Any page a browser shows can make it send requests to
// 127.0.0.1 or to the LAN, so without these checks a page could write keys or cut links through a
// node's admin routes (only loopback is trusted there, and the browser is on loopback):
//
// - Origin: a browser names the page that makes a cross-origin request (and every POST, PUT, DELETE).
//   A request with an Origin other than the node's own (http://<its cluster.json http host>:<port>,
//   and the localhost, 127.0.0.1 and [::1] spellings when it listens on loopback or on every
//   interface) is refused: 403 forbidden_origin. curl, the app and other nodes send no Origin.
// - Host: DNS rebinding turns a page's own name into 127.0.0.1, so its requests are same-origin and
//   carry the attacker's name in Host. As geth's --http.vhosts and Jupyter do, a Host must be an IP
//   address, "localhost", or the node's cluster.json http host; anything else is refused: 403
//   forbidden_host. A request without Host (HTTP/1.0 tools) is served.
//
// No answer carries Access-Control-Allow-Origin, so a page of another origin cannot read any answer.
class OriginPolicy
{
public:
    OriginPolicy(const QString &configuredHost, const QHostAddress &listenAddress, quint16 port);

    std::optional<Refusal> check(const RequestHead &head) const;
    const QByteArrayList &allowedOrigins() const { return m_origins; }

private:
    bool isAllowedHost(QByteArrayView hostHeader) const;

    QByteArray m_configuredHost; // lower case, without IPv6 brackets
    QByteArray m_usualHost; // "<configured host>:<port>", what peers and most clients send
    QByteArrayList m_origins; // lower case
};

} // namespace raftlab
