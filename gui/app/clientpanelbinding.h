#pragma once

namespace raftlab {

class ClientPanel;
class ClientSession;
class LoadGenerator;

// Connects the client panel's intents to the controller's ClientSession and LoadGenerator, and their
// reports back to the panel: the panel draws, the session and the generator act.
void bindClientPanel(ClientPanel *panel, ClientSession *session, LoadGenerator *load);

} // namespace raftlab
