#pragma once

#include <QByteArray>

class QAbstractSocket;

namespace raftlab {

// Writes `bytes` to a connected TCP socket, sending them at once when nothing waits to be sent before them.
//
// QAbstractSocket::write() only appends to the socket's buffer and sends when its write notifier fires,
// at the event loop's next poll; with one request in flight, every message of a write (the append, the
// acknowledgement, the answer) waited for that extra pass of its loop before leaving. Here the bytes go
// to the kernel directly (a non-blocking send()) when Qt's buffer is empty, so their order is kept; what
// the kernel does not take, and everything written while earlier bytes still wait, joins Qt's buffer as
// before. Several writes in one pass to a socket the kernel keeps draining are several sends where Qt
// made one; measured, that cost less than the pass each write waited for (docs/benchmarks.md, "Sends at
// once"). A send that fails (the peer reset the connection) leaves the bytes to Qt too, which meets the
// same error at its next poll and reports it from the event loop: never from inside this call, so the
// caller is not re-entered by a disconnected() in the middle of its own work.
void writeNowIfIdle(QAbstractSocket *socket, const QByteArray &bytes);

} // namespace raftlab
