#pragma once

#include "httprequest.h"

#include <QByteArrayView>

#include <optional>

namespace raftlab {

// The requests a node reads itself instead of handing them to QHttpServer: GET, PUT and DELETE of
// /kv/{key} (any query) in HTTP/1.1, with a Content-Length body or none, and no header that asks for
// anything else (Transfer-Encoding, Expect, a Connection other than keep-alive). QHttpServer 6.4 reads a
// request's head one byte at a time through QIODevice (bench/bench_http_server.cpp: about 60,000
// instructions for a 130-byte head, more than the node spends on the write itself); these shapes carry
// nearly all of a node's traffic, and every other request still goes to QHttpServer.
namespace KvFastPath {

// The request whose head is `head` (the request line and header lines, with or without the blank line
// that ends them), without its body; nullopt when it is not one of those shapes.
std::optional<HttpRequest> parseHead(QByteArrayView head);

} // namespace KvFastPath

} // namespace raftlab
