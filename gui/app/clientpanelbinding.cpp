#include "clientpanelbinding.h"

#include "cluster/clientsession.h"
#include "cluster/loadgenerator.h"
#include "views/controls/clientpanel.h"

namespace raftlab {

void bindClientPanel(ClientPanel *panel, ClientSession *session, LoadGenerator *load)
{
    QObject::connect(panel, &ClientPanel::requestWanted, session,
                     [session](const KvRequest &request, NodeId target) { session->send(request, target); });
    QObject::connect(session, &ClientSession::requestSent, panel, &ClientPanel::showSent);
    QObject::connect(session, &ClientSession::requestAnswered, panel, &ClientPanel::showAnswered);
    QObject::connect(session, &ClientSession::requestRefused, panel, &ClientPanel::showRefused);

    load->setRatePerSecond(panel->loadRate());
    load->setKeyCount(panel->loadKeyCount());
    QObject::connect(panel, &ClientPanel::loadRateChanged, load, &LoadGenerator::setRatePerSecond);
    QObject::connect(panel, &ClientPanel::loadKeyCountChanged, load, &LoadGenerator::setKeyCount);
    QObject::connect(panel, &ClientPanel::loadTargetChanged, load, &LoadGenerator::setTarget);
    QObject::connect(panel, &ClientPanel::loadStartWanted, load, &LoadGenerator::start);
    QObject::connect(panel, &ClientPanel::loadStopWanted, load, &LoadGenerator::stop);
    QObject::connect(load, &LoadGenerator::runningChanged, panel, [panel, load](bool running) {
        panel->showLoadRunning(running, load->target(), load->keyCount());
        panel->showLoadStatistics(load->statistics(), running);
    });
    QObject::connect(load, &LoadGenerator::statisticsChanged, panel,
                     [panel, load] { panel->showLoadStatistics(load->statistics(), load->isRunning()); });
}

} // namespace raftlab
