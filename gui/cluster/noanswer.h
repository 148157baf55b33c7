#pragma once

// NoAnswer: why a request to a node got no HTTP answer, in the one sentence the user sees. NodeClient's
// requests and SingleShotRequest's fail the same ways, and say so in the same words.

#include <QCoreApplication>
#include <QString>

namespace raftlab {

class NoAnswer final
{
    Q_DECLARE_TR_FUNCTIONS(NoAnswer)

public:
    NoAnswer() = delete;

    static QString connectionRefused() { return tr("connection refused (the node is not running)"); }
    static QString timedOut() { return tr("no answer in time (the node may be frozen or overloaded)"); }
    static QString connectionClosed()
    {
        return tr("the node closed the connection (it stopped or was killed)");
    }
};

} // namespace raftlab
