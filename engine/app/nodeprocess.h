#pragma once

#include "node/nodeoptions.h"

#include <QObject>

#include <memory>

namespace raftlab {

class HttpApi;
class RaftNode;
class TcpTransport;

// Everything one raftlab-node process runs, built from its options: storage, transport, node, HTTP API.
// start() returns the process exit status to use when it cannot start (docs/cli.md): 2 for a bad
// argument or config (the one line is already on stderr), 3 for damaged data, 1 for an operating
// failure such as a port in use; 0 when running.
class NodeProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeProcess)

public:
    explicit NodeProcess(NodeOptions options, QObject *parent = nullptr);
    ~NodeProcess() override;

    int start();

private:
    // How long a node that learnt its removal goes on answering before it exits.
    static constexpr int removalGraceMs = 500;

    void installSignalHandlers();
    void stopOnSignal();

    NodeOptions m_options;
    std::unique_ptr<TcpTransport> m_transport;
    std::unique_ptr<RaftNode> m_node;
    std::unique_ptr<HttpApi> m_http;
};

} // namespace raftlab
