#include "clientpanelbinding.h"

#include "cluster/loadgenerator.h"
#include "model/clientrequests.h"
#include "views/controls/clientpanel.h"

namespace raftlab {

namespace {

void bindLoadControls(ClientPanel *panel, LoadGenerator *load)
{
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

} // namespace

void bindClientPanel(ClientPanel *panel, ClientRequests *requests, LoadGenerator *load)
{
    QObject::connect(
        panel, &ClientPanel::requestWanted, requests,
        [requests](const KvRequest &request, NodeId target) { requests->send(request, target); });
    QObject::connect(requests, &ClientRequests::requestSent, panel, &ClientPanel::showSent);
    QObject::connect(requests, &ClientRequests::requestAnswered, panel, &ClientPanel::showAnswered);
    QObject::connect(requests, &ClientRequests::requestRefused, panel, &ClientPanel::showRefused);
    if (load)
        bindLoadControls(panel, load);
    else if (auto *controls = panel->findChild<QWidget *>(QStringLiteral("loadGenerator")))
        controls->hide();
}

} // namespace raftlab
