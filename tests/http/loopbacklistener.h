#pragma once

// A listener for a test's HTTP server: on 127.0.0.1 at a free port, open to loopback clients only, as a
// node's API listens by default. nullptr when it could not listen.

#include "http/httplistener.h"

#include <QHostAddress>

#include <memory>

namespace raftlab::testing {

inline std::unique_ptr<HttpListener> listenOnLoopback(const HttpListener::Options &options)
{
    auto listener = std::make_unique<HttpListener>(options);
    if (!listener->listen(QHostAddress::LocalHost))
        return nullptr;
    listener->setPolicy(std::make_shared<const OriginPolicy>(
        QStringLiteral("127.0.0.1"), QHostAddress(QHostAddress::LocalHost), listener->serverPort()));
    return listener;
}

} // namespace raftlab::testing
