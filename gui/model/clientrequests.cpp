#include "clientrequests.h"

namespace raftlab {

ClientRequests::ClientRequests(ClientHistory *history, QObject *parent)
    : QObject(parent)
    , m_history(history)
{ }

ClientRequests::~ClientRequests() = default;

} // namespace raftlab
