#pragma once

namespace raftlab {

class ClientPanel;
class ClientRequests;
class LoadGenerator;

// Connects the client panel's intents to whoever sends the requests (a real cluster's ClientSession or
// a simulated one's SimClientSession) and their reports back to the panel: the panel draws, the
// requests act. With a `load` generator, the panel's load controls drive it and show its figures;
// without one (a simulated cluster, whose clients are the ones you drive) they are hidden.
void bindClientPanel(ClientPanel *panel, ClientRequests *requests, LoadGenerator *load = nullptr);

} // namespace raftlab
