#include "socketwrite.h"

#include <QAbstractSocket>

#include <sys/socket.h>

namespace raftlab {

void writeNowIfIdle(QAbstractSocket *socket, const QByteArray &bytes)
{
    qsizetype sent = 0;
    if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState) {
        const ssize_t written = ::send(static_cast<int>(socket->socketDescriptor()), bytes.constData(),
                                       static_cast<size_t>(bytes.size()), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (written > 0)
            sent = written;
    }
    if (sent < bytes.size())
        socket->write(bytes.constData() + sent, bytes.size() - sent);
}

} // namespace raftlab
