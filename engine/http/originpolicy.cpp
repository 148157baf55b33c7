#include "originpolicy.h"

#include <algorithm>

namespace raftlab {

namespace {

bool isPort(QByteArrayView text)
{
    return text.size() <= 5 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isReachableOnLoopback(const QHostAddress &listenAddress)
{
    return listenAddress.isLoopback() || listenAddress == QHostAddress::Any ||
        listenAddress == QHostAddress::AnyIPv4 || listenAddress == QHostAddress::AnyIPv6;
}

} // namespace

OriginPolicy::OriginPolicy(const QString &configuredHost, const QHostAddress &listenAddress, quint16 port)
    : m_configuredHost(configuredHost.toLower().toUtf8())
    , m_usualHost((m_configuredHost.contains(':') ? '[' + m_configuredHost + ']' : m_configuredHost) + ':' +
                  QByteArray::number(port))
{
    const auto addOrigin = [this, port](const QByteArray &host) {
        const QByteArray inUrl = host.contains(':') ? '[' + host + ']' : host;
        if (m_origins.contains("http://" + inUrl + ':' + QByteArray::number(port)))
            return;
        m_origins << "http://" + inUrl + ':' + QByteArray::number(port);
        if (port == 80) // a browser leaves the default port out
            m_origins << "http://" + inUrl;
    };
    addOrigin(m_configuredHost);
    if (isReachableOnLoopback(listenAddress)) {
        for (const char *loopback : {"localhost", "127.0.0.1", "::1"})
            addOrigin(loopback);
    }
}

std::optional<Refusal> OriginPolicy::check(const RequestHead &head) const
{
    if (head.host && !isAllowedHost(*head.host))
        return Refusal{
            403, QByteArrayLiteral("forbidden_host"),
            QStringLiteral("this node answers requests addressed to %1, localhost or an IP address, "
                           "not to %2 (a web page's name made to point here: DNS rebinding)")
                .arg(QString::fromUtf8(m_configuredHost), QString::fromLatin1(*head.host))};
    if (head.origin && !m_origins.contains(head.origin->toByteArray().toLower()))
        return Refusal{
            403, QByteArrayLiteral("forbidden_origin"),
            QStringLiteral("requests made by web pages of other origins are refused: Origin %1 "
                           "is not this node's (%2)")
                .arg(QString::fromLatin1(*head.origin), QString::fromLatin1(m_origins.constFirst()))};
    return std::nullopt;
}

bool OriginPolicy::isAllowedHost(QByteArrayView hostHeader) const
{
    if (hostHeader.isEmpty() || hostHeader == m_usualHost)
        return true;
    if (hostHeader.startsWith('[')) { // "[v6]" or "[v6]:port"
        const qsizetype close = hostHeader.indexOf(']');
        if (close < 0)
            return false;
        const QByteArrayView after = hostHeader.sliced(close + 1);
        if (!after.isEmpty() && (!after.startsWith(':') || !isPort(after.sliced(1))))
            return false;
        QHostAddress address;
        return address.setAddress(QString::fromLatin1(hostHeader.sliced(1, close - 1))) &&
            address.protocol() == QAbstractSocket::IPv6Protocol;
    }
    QByteArrayView name = hostHeader;
    if (const qsizetype colon = name.lastIndexOf(':'); colon >= 0) {
        if (!isPort(name.sliced(colon + 1)))
            return false;
        name = name.first(colon);
    }
    if (name.endsWith('.')) // "localhost." is "localhost"
        name.chop(1);
    if (name.compare("localhost", Qt::CaseInsensitive) == 0 ||
        name.compare(m_configuredHost, Qt::CaseInsensitive) == 0)
        return true;
    // An address cannot be rebound: a browser connects to it as written.
    QHostAddress address;
    return address.setAddress(QString::fromLatin1(name)) &&
        address.protocol() == QAbstractSocket::IPv4Protocol;
}

} // namespace raftlab
