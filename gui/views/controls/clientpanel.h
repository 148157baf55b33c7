#pragma once

// ClientPanel: a client of the cluster's key-value store in the app: put / get / delete on a chosen node or
// on "any node", the answer in words (status, value or error, where it committed, latency, who answered and
// who led, and why when it teaches something), a table of the last requests, and a load generator
// with its figures.
//
// It only draws and asks: a click emits requestWanted() or a load intent, and the controller's
// ClientSession sends the request, records it and reports back through showSent() / showAnswered() /
// showRefused(); the load generator's figures come through showLoadStatistics(). Nothing here holds
// a connection to a node. bindClientPanel() (gui/app) makes those connections.

#include "kvanswer.h"
#include "views/theme.h"

#include "model/clientwritestats.h"
#include "model/loadstatistics.h"

#include "core/types.h"

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableView;

namespace raftlab {

class ClusterModel;
class RequestHistoryModel;

class ClientPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientPanel)

public:
    explicit ClientPanel(ClusterModel *model, QWidget *parent = nullptr);
    ~ClientPanel() override;

    void setTheme(const Theme &theme);
    // The nodes a request may be sent to (the "Send to" list).
    void setNodeIds(const QList<raftlab::NodeId> &ids);

    // NodeId{}: "any node" (round robin over the reachable nodes; they forward to the leader).
    void setTarget(raftlab::NodeId target);
    NodeId target() const;

    // The answer on show, as plain text (headline, facts, explanation on separate lines).
    QString answerText() const;
    const RequestHistoryModel *requestHistory() const { return m_history; }
    int loadRate() const;
    int loadKeyCount() const;
    bool isLoadRunning() const { return m_loadRunning; }
    // Starts or stops a load run, as the Start/Stop button does.
    void setLoadRunning(bool running);
    // Whether the panel is stacked for a narrow column (a field a line, fewer table columns).
    bool isNarrow() const { return m_narrow; }
    // As narrow as the narrow arrangement allows: a narrow column restacks the panel, it never scrolls.
    QSize minimumSizeHint() const override;
    // The height down to the answer, whole: what a column short of room shows of the client before it
    // gives the request table and the load generator theirs.
    int requestPartHeight() const;
    // A new cluster: the last answer and the table were another cluster's (its indexes, terms, leader),
    // and go.
    void forgetRequests();

public Q_SLOTS:
    // The panel's own requests (source Panel) only; others are ignored.
    void showSent(quint64 id, const raftlab::KvRequest &request, raftlab::NodeId node);
    void showAnswered(quint64 id, const raftlab::KvRequest &request, const raftlab::KvResult &result,
                      raftlab::NodeId node);
    void showRefused(const raftlab::KvRequest &request, raftlab::NodeId target);
    void showLoadRunning(bool running, raftlab::NodeId target, int keyCount);
    void showLoadStatistics(const raftlab::LoadStatistics &statistics, bool running);

Q_SIGNALS:
    void answerShown(); // a request's answer (or the reason none was sent) is on show
    // Intents, for the controller.
    void requestWanted(const raftlab::KvRequest &request, raftlab::NodeId target);
    void loadRateChanged(int ratePerSecond);
    void loadKeyCountChanged(int keys);
    void loadTargetChanged(raftlab::NodeId target);
    void loadStartWanted();
    void loadStopWanted();

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *buildRequestRow();
    void arrange(bool narrow);
    void fitAnswer();
    void fitHistoryColumns();
    int arrangedMinimumWidth(bool narrow);
    void measureArrangements();
    void fitLoadStatistics();
    static QStringList loadFigureLines(const LoadStatistics &statistics, const WriteSummary &recent);
    QWidget *buildAnswerBox();
    QGroupBox *buildLoadBox();
    void rebuildTargets();
    void send(KvOperation operation);
    void showAnswer(const KvAnswer &answer);
    QString outcomeColorName(KvAnswer::Outcome outcome) const;

    ClusterModel *m_model;
    RequestHistoryModel *m_history;
    Theme m_theme = Theme::standard();
    std::map<quint64, quint64> m_pending; // request id -> its row in the table, while unanswered
    bool m_loadRunning = false;
    int m_loadKeys = 0; // of the run on show
    quint64 m_loadRow = 0; // the history row of the load generator's current run
    QList<NodeId> m_clientIds;
    KvAnswer m_answer{}; // on show

    bool m_narrow = false;
    int m_narrowWidth = 0; // the panel's minimum width in each arrangement, for the theme's font
    int m_wideWidth = 0;

    QWidget *m_requestRow = nullptr;
    QWidget *m_requestPart = nullptr; // the request row, the answer and the table
    QWidget *m_answerBox = nullptr;
    QGroupBox *m_loadBox = nullptr;
    QGridLayout *m_requestGrid = nullptr;
    QHBoxLayout *m_buttons = nullptr;
    QGridLayout *m_loadGrid = nullptr;
    QLabel *m_targetLabel = nullptr;
    QLabel *m_keyLabel = nullptr;
    QLabel *m_valueLabel = nullptr;
    QLabel *m_rateTitle = nullptr;
    QLabel *m_keysTitle = nullptr;
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
