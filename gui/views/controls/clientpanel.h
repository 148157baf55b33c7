#pragma once

// ClientPanel: a client of the cluster's key-value store in the app: put / get / delete on a chosen node or
// on "any node", the answer in words (status, value or error, where it committed, latency, who answered and
// who led, and why when it teaches something), a table of the last requests, and a load generator
// (LoadGenerator) with its figures. Every write's result also goes to ClusterModel::recordClientWrite() for
// the charts.
//
// The panel never owns NodeClients: the lead's controller does, and calls setClients() whenever the
// cluster changes; clients may be destroyed at any time (their pending requests are marked abandoned).

#include "kvanswer.h"
#include "views/theme.h"

#include "core/types.h"

#include <QWidget>

#include <map>
#include <memory>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableView;

namespace raftlab {

class ClusterModel;
class LoadGenerator;
class NodeClient;
class RequestHistoryModel;
class TargetSelector;

class ClientPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientPanel)

public:
    explicit ClientPanel(ClusterModel *model, QWidget *parent = nullptr);
    ~ClientPanel() override;

    void setTheme(const Theme &theme);
    void setClients(const QList<NodeClient *> &clients);

    // NodeId{}: "any node" (round robin over the reachable nodes; they forward to the leader).
    void setTarget(raftlab::NodeId target);
    NodeId target() const;

    // The answer on show, as plain text (headline, facts, explanation on separate lines).
    QString answerText() const;
    const RequestHistoryModel *requestHistory() const { return m_history; }
    LoadGenerator *loadGenerator() const { return m_load; }

Q_SIGNALS:
    void answerShown(); // a request's answer (or the reason none was sent) is on show

private:
    QWidget *buildRequestRow();
    QWidget *buildAnswerBox();
    QGroupBox *buildLoadBox();
    void rebuildTargets();
    void send(KvOperation operation);
    void showAnswer(const KvAnswer &answer);
    void showLoadStatistics();
    void onLoadRunningChanged(bool running);
    void abandonRequestsOf(QObject *client);
    QString outcomeColorName(KvAnswer::Outcome outcome) const;

    ClusterModel *m_model;
    std::unique_ptr<TargetSelector> m_targets;
    LoadGenerator *m_load;
    RequestHistoryModel *m_history;
    Theme m_theme = Theme::standard();
    std::multimap<const QObject *, quint64> m_pending; // client -> history rows waiting for it
    quint64 m_loadRow = 0; // the history row of the load generator's current run
    QList<NodeId> m_clientIds;
    KvAnswer m_answer{}; // on show

    QComboBox *m_target = nullptr;
    QLineEdit *m_key = nullptr;
    QLineEdit *m_value = nullptr;
    QPushButton *m_put = nullptr;
    QPushButton *m_get = nullptr;
    QPushButton *m_delete = nullptr;
    QCheckBox *m_localRead = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_facts = nullptr;
    QLabel *m_explanation = nullptr;
    QTableView *m_table = nullptr;
    QSlider *m_rate = nullptr;
    QLabel *m_rateLabel = nullptr;
    QSpinBox *m_keys = nullptr;
    QPushButton *m_loadButton = nullptr;
    QLabel *m_loadStatistics = nullptr;
};

} // namespace raftlab
