// ClientPanel and LoadGenerator. First without a cluster: the words of every kind of answer
// (describeKvAnswer) and the "any node" round robin (TargetSelector). Then against a real 3-node
// cluster of raftlab-node processes: a put through the panel's button on "any node" answers 200 with
// its index and term on show, Get reads it back, and the load generator commits writes at 100/s within
// its in-flight bound and records them in the model's history. Deadlines are generous: CI runs this on
// a loaded 2-core machine.
#include "views/controls/clientpanel.h"
#include "views/controls/kvanswer.h"
#include "views/controls/requesthistorymodel.h"

#include "bindings/clientpanelbinding.h"
#include "cluster/clientsession.h"
#include "cluster/clustersupervisor.h"
#include "cluster/loadgenerator.h"
#include "cluster/noanswer.h"
#include "cluster/nodeclient.h"
#include "cluster/targetselector.h"
#include "markingtranslator.h"
#include "model/clienthistory.h"
#include "model/clustermodel.h"
#include "support/screenshots.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace raftlab;
using raftlab::testing::saveScreenshot;
using namespace Qt::StringLiterals;

namespace {

constexpr int startMs = 60'000; // processes started and a leader elected
constexpr int answerMs = 30'000; // one request answered

NodeClient::KvResult answer(int status, QJsonObject json = {})
{
    NodeClient::KvResult result;
    result.httpStatus = status;
    result.json = json;
    result.error = json.value(QStringLiteral("error")).toString();
    result.message = json.value(QStringLiteral("message")).toString();
    if (json.contains(QStringLiteral("index")))
        result.index = json.value(QStringLiteral("index")).toInteger();
    if (json.contains(QStringLiteral("term")))
        result.term = json.value(QStringLiteral("term")).toInteger();
    if (json.value(QStringLiteral("leader")).toInteger() > 0)
        result.leader = NodeId(std::uint32_t(json.value(QStringLiteral("leader")).toInteger()));
    result.latencyUs = 12'300;
    return result;
}

// The panel as the app wires it: its requests go through a ClientSession, its load runs on a LoadGenerator.
struct PanelRig
{
    PanelRig(ClusterModel *model, const QList<NodeClient *> &clients)
        : session(model, &history)
        , load(model, &session)
        , panel(model)
    {
        session.setClients(clients);
        QList<NodeId> ids;
        for (const NodeClient *client : clients)
            ids.append(client->id());
        panel.setNodeIds(ids);
        bindClientPanel(&panel, &session, &load);
    }

    ClientHistory history;
    ClientSession session;
    LoadGenerator load;
    ClientPanel panel;
};

// What is left of `text` once every marked span (with what was put into it) is taken out, and HTML tags
// and entities.
QString unmarked(QString text)
{
    static const QRegularExpression tag(u"<[^>]*>|&[a-z]+;"_s);
    static const QRegularExpression span(u"\u00AB[^\u00AB\u00BB]*\u00BB"_s);
    text.remove(tag);
    for (QString before; before != text;) {
        before = text;
        text.remove(span);
    }
    return text;
}

// True when no word of `text` escaped the translator (what remains holds no letters).
bool allTranslated(const QString &text)
{
    const QString rest = unmarked(text);
    return std::none_of(rest.begin(), rest.end(), [](QChar c) { return c.isLetter(); });
}

} // namespace

class TestClientPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // No cluster.
    void answersSayWhatHappened();
    void timeoutsSayTheOutcomeIsUnknown();
    void anyNodeGoesRoundRobinOverReachableNodes();
    void historyKeepsTheLastRequestsNewestFirst();
    void loadFiguresAreTheChartsFigures();
    void loadControlsNeverMove();
    void everyVisibleWordGoesThroughTheTranslator();
    void aNarrowPanelRestacksInsteadOfScrolling_data();
    void aNarrowPanelRestacksInsteadOfScrolling();

    // A real cluster.
    void putOnAnyNodeShowsIndexAndTermAndGetReadsItBack();
    void enterInTheValueFieldPutsAndDeleteRemoves();
    void loadGeneratorCommitsWithinItsInFlightBound();
    void aWriteToAKilledNodeFailsInWords(); // last: it kills a node

private:
    void startCluster();
    bool hasLeader() const { return !m_model->summary().leader.isNone(); }
    QList<NodeClient *> clients() const;

    std::unique_ptr<ClusterSupervisor> m_supervisor;
    std::unique_ptr<ClusterModel> m_model;
    std::vector<std::unique_ptr<NodeClient>> m_clients;
};

void TestClientPanel::initTestCase()
{
    m_model = std::make_unique<ClusterModel>();
}

void TestClientPanel::cleanupTestCase()
{
    m_clients.clear();
    m_supervisor.reset();
}

QList<NodeClient *> TestClientPanel::clients() const
{
    QList<NodeClient *> list;
    for (const auto &client : m_clients)
        list.append(client.get());
    return list;
}

// One cluster for all the real-node tests: it takes seconds to start on a loaded machine.
void TestClientPanel::startCluster()
{
    if (m_supervisor)
        return;
    m_supervisor = std::make_unique<ClusterSupervisor>();
    m_supervisor->setNodeExecutable(QStringLiteral(RAFTLAB_NODE_PATH));
    // No fsync: the machine's disk is shared and slow; durability is the storage tests' business.
    m_supervisor->setExtraNodeArguments({QStringLiteral("--fsync"), QStringLiteral("never")});
    const QString error = m_supervisor->startLocalCluster(3);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_model = std::make_unique<ClusterModel>(); // the real one: its own clock, the nodes' events
    for (const ClusterMember &member : m_supervisor->config().members) {
        auto client = std::make_unique<NodeClient>(member.id, member.http);
        client->setReconnectDelays(50, 500);
        ClusterModel *model = m_model.get();
        const NodeId id = member.id;
        connect(client.get(), &NodeClient::eventReceived, model, &ClusterModel::ingest);
        connect(client.get(), &NodeClient::connectionChanged, model,
                [model, id](bool connected) { model->setNodeConnected(id, connected); });
        client->start();
        m_clients.push_back(std::move(client));
    }
    QTRY_VERIFY_WITH_TIMEOUT(hasLeader() && m_model->summary().nodesUp == 3, startMs);
}

void TestClientPanel::answersSayWhatHappened()
{
    const KvRequest put{
        .operation = KvOperation::Put, .key = "x", .value = "42", .anyNode = true, .localRead = false};
    KvAnswer a = describeKvAnswer(put, answer(200, {{"index", 42}, {"term", 3}}), NodeId(2), NodeId(1));
    QCOMPARE(a.outcome, KvAnswer::Outcome::Ok);
    QCOMPARE(a.headline, QStringLiteral("200 OK — committed at index 42, term 3"));
    QVERIFY2(a.facts.contains(QStringLiteral("any node → node 2")), qPrintable(a.facts));
    QVERIFY2(a.facts.contains(QStringLiteral("12.3 ms")), qPrintable(a.facts));
    QVERIFY2(a.facts.contains(QStringLiteral("node 1 leads")), qPrintable(a.facts));
    QVERIFY2(a.explanation.contains(QStringLiteral("forwarded the request to node 1")),
             qPrintable(a.explanation));
    // Brief, for a narrow column beside the table (which names the node, the operation and the key): the
    // same facts, index and term included, and the same why.
    QCOMPARE(a.briefHeadline, QStringLiteral("committed"));
    QCOMPARE(a.briefFacts, QStringLiteral("index 42, term 3 · node\u00A02, 12\u00A0ms · leader 1"));
    QVERIFY2(a.briefExplanation.contains(QStringLiteral("leader 1")), qPrintable(a.briefExplanation));
    QVERIFY2(a.briefExplanation.contains(QStringLiteral("majority")), qPrintable(a.briefExplanation));

    const KvRequest get{
        .operation = KvOperation::Get, .key = "x", .value = {}, .anyNode = false, .localRead = true};
    NodeClient::KvResult value = answer(200);
    value.body = "42";
    a = describeKvAnswer(get, value, NodeId(3), NodeId(1));
    QCOMPARE(a.headline, QStringLiteral("200 OK — value: “42”"));
    QVERIFY2(a.explanation.contains(QStringLiteral("stale")), qPrintable(a.explanation));
    QCOMPARE(a.briefHeadline, QStringLiteral("value “42”"));
    QVERIFY2(a.briefExplanation.contains(QStringLiteral("stale")), qPrintable(a.briefExplanation));

    a = describeKvAnswer(get, answer(404, {{"error", "not_found"}, {"message", "no such key"}}), NodeId(3),
                         NodeId(1));
    QCOMPARE(a.outcome, KvAnswer::Outcome::Failed);
    QCOMPARE(a.shortResult, QStringLiteral("404 not found"));

    a = describeKvAnswer(
        put, answer(503, {{"error", "unavailable"}, {"message", "no leader"}, {"leader", QJsonValue()}}),
        NodeId(2), NodeId{});
    QCOMPARE(a.outcome, KvAnswer::Outcome::Failed);
    QVERIFY2(a.headline.startsWith(QStringLiteral("503 unavailable")), qPrintable(a.headline));
    QVERIFY2(a.facts.contains(QStringLiteral("node 2 knows no leader")), qPrintable(a.facts));

    a = describeKvAnswer(put, answer(503, {{"error", "unavailable"}, {"leader", 3}}), NodeId(2), NodeId{});
    QVERIFY2(a.facts.contains(QStringLiteral("node 2 says node 3 leads")), qPrintable(a.facts));
    // Brief: the leader node 2 named, not the model's (none).
    QVERIFY2(a.briefFacts.endsWith(QStringLiteral("leader 3")), qPrintable(a.briefFacts));
    QCOMPARE(a.briefHeadline, QStringLiteral("503 unavailable"));
}

void TestClientPanel::timeoutsSayTheOutcomeIsUnknown()
{
    const KvRequest put{
        .operation = KvOperation::Put, .key = "x", .value = "1", .anyNode = false, .localRead = false};
    KvAnswer a = describeKvAnswer(
        put,
        answer(503, {{"error", "timeout"}, {"outcome", "unknown"}, {"message", "not committed in time"}}),
        NodeId(1), NodeId(1));
    QCOMPARE(a.outcome, KvAnswer::Outcome::Unknown);
    QVERIFY2(a.headline.contains(QStringLiteral("outcome unknown")), qPrintable(a.headline));
    QVERIFY2(a.explanation.contains(QStringLiteral("may still commit")), qPrintable(a.explanation));
    QVERIFY(a.shortResult.contains(QStringLiteral("outcome unknown")));

    // No HTTP answer at all to a write (a frozen node): unknown as well.
    NodeClient::KvResult silent;
    silent.message = NoAnswer::timedOut();
    silent.networkError = silent.message;
    a = describeKvAnswer(put, silent, NodeId(1), NodeId(1));
    QCOMPARE(a.outcome, KvAnswer::Outcome::Unknown);
    // Whatever the words (they are translated): a write that left and got no answer may have reached a
    // log; one whose connection was refused never left, and failed.
    NodeClient::KvResult closed;
    closed.message = NoAnswer::connectionClosed();
    closed.networkError = closed.message;
    QCOMPARE(describeKvAnswer(put, closed, NodeId(1), NodeId(1)).outcome, KvAnswer::Outcome::Unknown);
    NodeClient::KvResult refused;
    refused.message = NoAnswer::connectionRefused();
    refused.networkError = refused.message;
    refused.neverSent = true;
    QCOMPARE(describeKvAnswer(put, refused, NodeId(1), NodeId(1)).outcome, KvAnswer::Outcome::Failed);

    // A read that timed out changed nothing: it simply failed.
    const KvRequest get{
        .operation = KvOperation::Get, .key = "x", .value = {}, .anyNode = false, .localRead = false};
    a = describeKvAnswer(get, silent, NodeId(1), NodeId(1));
    QCOMPARE(a.outcome, KvAnswer::Outcome::Failed);
}

void TestClientPanel::anyNodeGoesRoundRobinOverReachableNodes()
{
    ClusterModel model;
    std::vector<std::unique_ptr<NodeClient>> owned;
    QList<NodeClient *> list;
    for (std::uint32_t id = 1; id <= 3; ++id) {
        owned.push_back(
            std::make_unique<NodeClient>(NodeId(id), NodeAddress{QStringLiteral("127.0.0.1"), 9}));
        list.append(owned.back().get());
    }
    TargetSelector targets(&model);
    targets.setClients(list);
    QCOMPARE(targets.pick(NodeId{}), nullptr); // nobody is reachable yet

    model.setNodeConnected(NodeId(1), true);
    model.setNodeConnected(NodeId(3), true);
    model.foldPending();
    QVERIFY(model.node(NodeId(1)) && model.node(NodeId(1))->connected);
    std::vector<std::uint32_t> picked;
    for (int i = 0; i < 4; ++i)
        picked.push_back(targets.pick(NodeId{})->id().value);
    QCOMPARE(picked, (std::vector<std::uint32_t>{1, 3, 1, 3}));

    QCOMPARE(targets.pick(NodeId(2)), list.at(1)); // a chosen node gets it, reachable or not
    QCOMPARE(targets.pick(NodeId(7)), nullptr);
    owned.erase(owned.begin()); // the controller replaced node 1's client
    QCOMPARE(targets.pick(NodeId{})->id(), NodeId(3));
    QCOMPARE(targets.pick(NodeId{})->id(), NodeId(3));
}

void TestClientPanel::historyKeepsTheLastRequestsNewestFirst()
{
    RequestHistoryModel history(3);
    std::vector<quint64> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(history.add(RequestRecord{.time = {},
                                                .node = {},
                                                .operation = QStringLiteral("PUT"),
                                                .key = QString::number(i),
                                                .result = QStringLiteral("waiting…"),
                                                .index = {},
                                                .term = {},
                                                .latencyMs = {},
                                                .outcome = RequestRecord::Outcome::Pending}));
    QCOMPARE(history.rowCount(), 3);
    QCOMPARE(history.at(0).key, QStringLiteral("4"));
    QCOMPARE(history.at(2).key, QStringLiteral("2"));
    QCOMPARE(history.record(ids[0]), nullptr); // scrolled out

    RequestRecord done = *history.record(ids[3]);
    done.result = QStringLiteral("200 OK");
    done.index = 9;
    QSignalSpy changed(&history, &QAbstractItemModel::dataChanged);
    history.update(ids[3], done);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(history.index(1, RequestHistoryModel::IndexColumn).data().toLongLong(), 9);
    history.update(ids[0], done); // gone: nothing happens
    QCOMPARE(changed.size(), 1);
}

void TestClientPanel::loadFiguresAreTheChartsFigures()
{
    ClusterModel model;
    qint64 now = 100'000'000;
    model.setClock([&now] { return now; });
    PanelRig rig(&model, {});
    ClientPanel &panel = rig.panel;
    // Six seconds of 100 writes/s, with a few slow ones: what the writes chart sums up in its title.
    for (int second = 0; second < 6; ++second) {
        for (int i = 0; i < 100; ++i) {
            now += 10'000;
            model.recordClientWrite(i % 50 == 0 ? 450'000 : 6'000, WriteOutcome::Committed);
        }
        model.foldPending();
    }
    now += 10'000;
    model.foldPending();
    const WriteSummary recent = model.history().clientWrites().summary();
    QCOMPARE(recent.seconds, 5);
    QCOMPARE(recent.committedPerSecond, 100.0);
    Q_EMIT rig.load.statisticsChanged();
    const QLabel *figures = panel.findChild<QLabel *>(QStringLiteral("loadStatistics"));
    QVERIFY(figures);
    QVERIFY2(figures->text().contains(recent.describe()), qPrintable(figures->text()));
    QVERIFY2(recent.describe().contains(QStringLiteral("100 writes/s")), qPrintable(recent.describe()));
    QVERIFY2(recent.describe().contains(QStringLiteral("p99 450.0 ms")), qPrintable(recent.describe()));
}

void TestClientPanel::loadControlsNeverMove()
{
    ClusterModel model;
    qint64 now = 100'000'000;
    model.setClock([&now] { return now; });
    PanelRig rig(&model, {});
    ClientPanel &panel = rig.panel;
    panel.resize(520, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *button = panel.findChild<QPushButton *>(QStringLiteral("loadStartStop"));
    auto *rate = panel.findChild<QSlider *>(QStringLiteral("loadRate"));
    QVERIFY(button && rate);
    const auto where = [&] {
        return QRect(button->mapTo(&panel, QPoint(0, 0)), button->size());
    };
    const QRect before = where();
    // Started with no node to send to: lines about writes not sent appear below the button; an answer
    // with an explanation appears above; the button says Stop, then Start; the rate label changes.
    rate->setValue(500);
    for (int second = 0; second < 3; ++second) { // writes from before: the figures have a line for them
        now += 1'000'000;
        model.recordClientWrite(5'000, WriteOutcome::Committed);
        model.foldPending();
    }
    button->click();
    QVERIFY(rig.load.isRunning());
    QTRY_VERIFY(rig.load.statistics().noTarget > 0);
    QTRY_VERIFY(panel.findChild<QLabel *>(QStringLiteral("loadStatistics"))
                    ->text()
                    .contains(QStringLiteral("not sent")));
    QCOMPARE(where(), before);
    panel.findChild<QLineEdit *>(QStringLiteral("key"))->clear();
    panel.findChild<QPushButton *>(QStringLiteral("put"))->click();
    QCoreApplication::processEvents();
    QCOMPARE(where(), before);
    button->click();
    QVERIFY(!rig.load.isRunning());
    rate->setValue(5);
    QCoreApplication::processEvents();
    QCOMPARE(where(), before);
}

void TestClientPanel::everyVisibleWordGoesThroughTheTranslator()
{
    const raftlab::testing::MarkedTranslations marking;
    QVERIFY(!allTranslated(u"plain"_s));
    QVERIFY(allTranslated(tr("plain")));

    // Every kind of answer, every line of it.
    const KvRequest put{.operation = KvOperation::Put, .key = "x", .value = "42", .anyNode = true};
    const KvRequest get{.operation = KvOperation::Get, .key = "x", .localRead = true};
    const KvRequest del{.operation = KvOperation::Delete, .key = "x"};
    NodeClient::KvResult value = answer(200);
    value.body = "42";
    NodeClient::KvResult silent = answer(0);
    silent.message = u"no answer in time"_s;
    const std::vector<std::pair<KvRequest, NodeClient::KvResult>> cases{
        {put, answer(200, {{"index", 42}, {"term", 3}})},
        {del, answer(200, {{"index", 43}, {"term", 3}})},
        {get, value},
        {get, answer(404, {{"error", "not_found"}, {"message", "no such key"}})},
        {put, answer(503, {{"error", "unavailable"}, {"message", "no leader"}, {"leader", QJsonValue()}})},
        {put, answer(503, {{"error", "unavailable"}, {"leader", 3}})},
        {put,
         answer(503, {{"error", "timeout"}, {"outcome", "unknown"}, {"message", "not committed in time"}})},
        {put, silent},
    };
    for (const auto &[request, result] : cases) {
        const KvAnswer a = describeKvAnswer(request, result, NodeId(2), NodeId(1));
        for (const QString &line : {a.headline, a.facts, a.explanation, a.briefHeadline, a.briefFacts,
                                    a.briefExplanation, a.shortResult})
            QVERIFY2(line.isEmpty() || allTranslated(line), qPrintable(unmarked(line) + u" in "_s + line));
    }
    QVERIFY(allTranslated(operationName(KvOperation::Cas)));

    // The panel's own words, made while the translator is in.
    ClusterModel model;
    PanelRig rig(&model, {});
    ClientPanel &panel = rig.panel;
    panel.showRefused(KvRequest{.operation = KvOperation::Put, .key = "x"}, NodeId{});
    // The answer's labels show as much of it as fits (cut words lose their marks): the answer whole.
    QVERIFY2(allTranslated(panel.answerText()), qPrintable(panel.answerText()));
    for (const QLabel *label : panel.findChildren<QLabel *>())
        if (!label->objectName().startsWith(u"answer"_s))
            QVERIFY2(allTranslated(label->text()), qPrintable(label->text()));
    for (const QAbstractButton *button : panel.findChildren<QAbstractButton *>())
        QVERIFY2(allTranslated(button->text()), qPrintable(button->text()));
    for (const QLineEdit *field : panel.findChildren<QLineEdit *>())
        QVERIFY2(allTranslated(field->placeholderText()), qPrintable(field->placeholderText()));
    for (int column = 0; column < RequestHistoryModel::ColumnCount; ++column) {
        const QString header =
            panel.requestHistory()->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        QVERIFY2(allTranslated(header), qPrintable(header));
    }

    // What the supervisor and a node client say when something is wrong.
    ClusterSupervisor supervisor;
    QString error = supervisor.startLocalCluster(0);
    QVERIFY2(!error.isEmpty() && allTranslated(error), qPrintable(error));
    supervisor.setNodeExecutable(QCoreApplication::applicationDirPath()); // a directory, not a program
    error = supervisor.startLocalCluster(3);
    QVERIFY2(!error.isEmpty() && allTranslated(error), qPrintable(error));
    NodeClient client(NodeId(1), *parseNodeAddress(u"127.0.0.1:1"_s)); // nothing listens on port 1
    std::optional<NodeClient::KvResult> refused;
    client.put("x", "1", [&refused](const NodeClient::KvResult &result) { refused = result; });
    QTRY_VERIFY_WITH_TIMEOUT(refused.has_value(), answerMs);
    QVERIFY2(allTranslated(refused->message), qPrintable(refused->message));
}

void TestClientPanel::aNarrowPanelRestacksInsteadOfScrolling_data()
{
    QTest::addColumn<bool>("projector");
    QTest::newRow("desk") << false;
    QTest::newRow("projector") << true;
}

void TestClientPanel::aNarrowPanelRestacksInsteadOfScrolling()
{
    QFETCH(bool, projector);
    ClusterModel model;
    PanelRig rig(&model, {});
    ClientPanel &panel = rig.panel;
    panel.setTheme(projector ? Theme::projector() : Theme::standard());
    // In a scrolling column, as in the main window.
    QScrollArea column;
    column.setWidgetResizable(true);
    column.setWidget(&panel);
    const auto giveBack = qScopeGuard([&] { column.takeWidget(); });
    column.resize(900, 700);
    column.show();
    QVERIFY(QTest::qWaitForWindowExposed(&column));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("history"));
    QVERIFY(table);
    QVERIFY(!panel.isNarrow());
    QVERIFY(!table->isColumnHidden(RequestHistoryModel::TimeColumn));
    const auto top = [&panel](const char *name) {
        return panel.findChild<QWidget *>(QString::fromLatin1(name))->mapTo(&panel, QPoint()).y();
    };
    QCOMPARE(top("key"), top("value")); // one row of fields
    // A column as narrow as the side panel at 1024×768: a field a line, the table's essentials.
    const int narrowWidth = projector ? 292 : 277;
    QVERIFY2(panel.minimumSizeHint().width() <= narrowWidth,
             qPrintable(QString::number(panel.minimumSizeHint().width())));
    column.resize(narrowWidth + column.verticalScrollBar()->sizeHint().width() + 2, 700);
    QCoreApplication::processEvents();
    QVERIFY(panel.isNarrow());
    QVERIFY(!column.horizontalScrollBar()->isVisible());
    QVERIFY(top("key") < top("value"));
    for (const int column : {RequestHistoryModel::TimeColumn, RequestHistoryModel::IndexColumn,
                             RequestHistoryModel::TermColumn, RequestHistoryModel::LatencyColumn})
        QVERIFY(table->isColumnHidden(column));
    for (const int column : {RequestHistoryModel::NodeColumn, RequestHistoryModel::OperationColumn,
                             RequestHistoryModel::KeyColumn, RequestHistoryModel::ResultColumn})
        QVERIFY(!table->isColumnHidden(column));
    for (const QWidget *child : panel.findChildren<QWidget *>()) {
        if (child->isVisibleTo(&panel) && child->width() > 0)
            QVERIFY2(child->mapTo(&panel, QPoint(child->width(), 0)).x() <= panel.width(),
                     qPrintable(child->objectName()));
    }
    // The load figures' fixed height holds the longest figures at this width.
    LoadStatistics longest{.sent = 1'234'567,
                           .committed = 1'234'000,
                           .failed = 567,
                           .noTarget = 1234,
                           .inFlight = 64,
                           .peakInFlight = 64,
                           .meanLatencyUs = 123'456,
                           .lastIndex = 1'234'567,
                           .lastTerm = 12,
                           .lastFailure = QStringLiteral("node 3 did not answer within 3 s: the outcome is "
                                                         "unknown, it may still commit"),
                           .elapsedMs = 3'600'000,
                           .maxInFlight = 64};
    panel.showLoadStatistics(longest, true);
    auto *figures = panel.findChild<QLabel *>(QStringLiteral("loadStatistics"));
    QVERIFY(figures->heightForWidth(figures->width()) <= figures->height());
    // And wide again.
    column.resize(900, 700);
    QCoreApplication::processEvents();
    QVERIFY(!panel.isNarrow());
    QCOMPARE(top("key"), top("value"));
    QVERIFY(!table->isColumnHidden(RequestHistoryModel::TimeColumn));
}

void TestClientPanel::putOnAnyNodeShowsIndexAndTermAndGetReadsItBack()
{
    startCluster();
    PanelRig rig(m_model.get(), clients());
    ClientPanel &panel = rig.panel;
    panel.resize(900, 640);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    auto *target = panel.findChild<QComboBox *>(QStringLiteral("target"));
    QVERIFY(target);
    QCOMPARE(target->count(), 4); // any, 1, 2, 3
    QCOMPARE(panel.target(), NodeId{}); // "any node" unless chosen

    const quint64 writesBefore = m_model->history().clientWrites().committedCount();
    panel.findChild<QLineEdit *>(QStringLiteral("key"))->setText(QStringLiteral("colour"));
    panel.findChild<QLineEdit *>(QStringLiteral("value"))->setText(QStringLiteral("vermillion"));
    QSignalSpy answers(&panel, &ClientPanel::answerShown);
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("put")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel.answerText().startsWith(QStringLiteral("200 OK")), answerMs);
    QVERIFY2(panel.answerText().contains(QStringLiteral("committed at index")),
             qPrintable(panel.answerText()));
    QVERIFY2(panel.answerText().contains(QStringLiteral("any node → node")), qPrintable(panel.answerText()));
    QVERIFY2(panel.answerText().contains(QStringLiteral("leads")), qPrintable(panel.answerText()));

    const RequestHistoryModel &history = *panel.requestHistory();
    QCOMPARE(history.at(0).operation, QStringLiteral("PUT"));
    QCOMPARE(history.at(0).result, QStringLiteral("200 OK"));
    QVERIFY(history.at(0).index.value_or(0) > 0);
    QVERIFY(history.at(0).term.value_or(0) > 0);
    QVERIFY(history.at(0).latencyMs.value_or(-1) > 0);
    QVERIFY2(panel.answerText().contains(QStringLiteral("committed at index %1, term %2")
                                             .arg(*history.at(0).index)
                                             .arg(*history.at(0).term)),
             qPrintable(panel.answerText()));
    // The write is on the charts.
    QTRY_COMPARE_WITH_TIMEOUT(m_model->history().clientWrites().committedCount(), writesBefore + 1, answerMs);

    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("get")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(history.at(0).operation == QStringLiteral("GET") &&
                                 history.at(0).outcome != RequestRecord::Outcome::Pending,
                             answerMs);
    QVERIFY2(panel.answerText().startsWith(QStringLiteral("200 OK — value: “vermillion”")),
             qPrintable(panel.answerText()));
    QVERIFY(answers.size() >= 4); // "waiting" and the answer, twice

    // A local read on a chosen node says it may be stale.
    panel.setTarget(m_clients.back()->id());
    panel.findChild<QCheckBox *>(QStringLiteral("localRead"))->setChecked(true);
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("get")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(history.at(0).outcome != RequestRecord::Outcome::Pending, answerMs);
    QVERIFY2(panel.answerText().contains(QStringLiteral("consistency=local")),
             qPrintable(panel.answerText()));
    QVERIFY(saveScreenshot(panel, QStringLiteral("clientpanel_standard.png")));
    panel.setTheme(Theme::projector());
    QCoreApplication::processEvents();
    QVERIFY(saveScreenshot(panel, QStringLiteral("clientpanel_projector.png")));
}

void TestClientPanel::enterInTheValueFieldPutsAndDeleteRemoves()
{
    startCluster();
    PanelRig rig(m_model.get(), clients());
    ClientPanel &panel = rig.panel;
    auto *key = panel.findChild<QLineEdit *>(QStringLiteral("key"));
    auto *value = panel.findChild<QLineEdit *>(QStringLiteral("value"));
    key->setText(QStringLiteral("door"));
    value->setText(QStringLiteral("open"));
    QTest::keyClick(value, Qt::Key_Return);
    const RequestHistoryModel &history = *panel.requestHistory();
    QTRY_VERIFY_WITH_TIMEOUT(
        history.rowCount() == 1 && history.at(0).outcome != RequestRecord::Outcome::Pending, answerMs);
    QCOMPARE(history.at(0).operation, QStringLiteral("PUT"));
    QCOMPARE(history.at(0).result, QStringLiteral("200 OK"));

    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("delete")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        history.rowCount() == 2 && history.at(0).outcome != RequestRecord::Outcome::Pending, answerMs);
    QCOMPARE(history.at(0).result, QStringLiteral("200 OK"));
    QVERIFY(history.at(0).index.value_or(0) > history.at(1).index.value_or(0));
    QVERIFY2(panel.answerText().startsWith(QStringLiteral("200 OK — deleted")),
             qPrintable(panel.answerText()));

    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("get")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        history.rowCount() == 3 && history.at(0).outcome != RequestRecord::Outcome::Pending, answerMs);
    QCOMPARE(history.at(0).result, QStringLiteral("404 not found"));
    QVERIFY2(panel.answerText().startsWith(QStringLiteral("404 not found")), qPrintable(panel.answerText()));
}

void TestClientPanel::loadGeneratorCommitsWithinItsInFlightBound()
{
    startCluster();
    PanelRig rig(m_model.get(), clients());
    ClientPanel &panel = rig.panel;
    LoadGenerator &load = rig.load;
    constexpr int bound = 4; // low, so that a slow machine reaches it and the bound is really tested
    load.setMaxInFlight(bound);
    panel.findChild<QSlider *>(QStringLiteral("loadRate"))->setValue(100);
    panel.findChild<QSpinBox *>(QStringLiteral("loadKeys"))->setValue(10);
    QCOMPARE(load.ratePerSecond(), 100);
    QCOMPARE(load.keyCount(), 10);

    int peak = 0;
    connect(&load, &LoadGenerator::statisticsChanged, this,
            [&] { peak = std::max(peak, load.statistics().inFlight); });
    const quint64 committedBefore = m_model->history().clientWrites().committedCount();
    const quint64 failedBefore = m_model->history().clientWrites().failedCount();

    auto *startStop = panel.findChild<QPushButton *>(QStringLiteral("loadStartStop"));
    QVERIFY(startStop && startStop->isEnabled());
    QTest::mouseClick(startStop, Qt::LeftButton);
    QVERIFY(load.isRunning());
    QCOMPARE(startStop->text(), QStringLiteral("Stop"));
    QCOMPARE(panel.requestHistory()->at(0).operation, QStringLiteral("LOAD")); // one row for the run

    QElapsedTimer running;
    running.start();
    QTRY_VERIFY_WITH_TIMEOUT(running.elapsed() >= 2000 && load.statistics().committed > 0, answerMs);
    QTest::mouseClick(startStop, Qt::LeftButton);
    QVERIFY(!load.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(load.statistics().inFlight, 0, answerMs);

    const LoadGenerator::Statistics s = load.statistics();
    qInfo("load generator at 100/s for %lld ms: sent %llu, committed %llu, failed %llu, peak in flight %d, "
          "mean latency %.1f ms",
          qint64(s.elapsedMs), s.sent, s.committed, s.failed, s.peakInFlight, s.meanLatencyUs / 1000.0);
    QVERIFY(s.committed > 0);
    QCOMPARE(s.committed + s.failed, s.sent);
    QVERIFY2(s.peakInFlight <= bound, qPrintable(QString::number(s.peakInFlight)));
    QVERIFY(peak <= bound);
    // Not more than the rate allows (plus the first write, sent at once).
    QVERIFY2(double(s.sent) <= 100.0 * double(s.elapsedMs) / 1000.0 + 2,
             qPrintable(QStringLiteral("%1 sent in %2 ms").arg(s.sent).arg(s.elapsedMs)));
    QVERIFY(s.lastIndex.value_or(0) > 0);

    // Every answer is on the charts.
    QCOMPARE(m_model->history().clientWrites().committedCount() - committedBefore, s.committed);
    QCOMPARE(m_model->history().clientWrites().failedCount() - failedBefore, s.failed);
    // The table summarises the run in one row.
    QCOMPARE(panel.requestHistory()->at(0).operation, QStringLiteral("LOAD"));
    QVERIFY2(panel.requestHistory()->at(0).result.contains(QStringLiteral("%1 ok").arg(s.committed)),
             qPrintable(panel.requestHistory()->at(0).result));
    panel.resize(900, 640);
    QVERIFY(saveScreenshot(panel, QStringLiteral("clientpanel_after_load.png")));

    // Faster than one slot can carry: the bound is reached and holds the rate back, never exceeded.
    load.setMaxInFlight(1);
    load.setRatePerSecond(LoadGenerator::maxRatePerSecond);
    load.start();
    QTRY_VERIFY_WITH_TIMEOUT(load.statistics().committed >= 20, answerMs);
    load.stop();
    QTRY_COMPARE_WITH_TIMEOUT(load.statistics().inFlight, 0, answerMs);
    const LoadGenerator::Statistics limited = load.statistics();
    QCOMPARE(limited.peakInFlight, 1);
    QCOMPARE(limited.committed + limited.failed, limited.sent);
    qInfo("at most 1 in flight, asked for %d/s: sent %llu in %lld ms", LoadGenerator::maxRatePerSecond,
          limited.sent, qint64(limited.elapsedMs));
}

void TestClientPanel::aWriteToAKilledNodeFailsInWords()
{
    startCluster();
    PanelRig rig(m_model.get(), clients());
    ClientPanel &panel = rig.panel;
    // A follower: with the leader gone, writes would wait for a new election, which is another story.
    const NodeId leader = m_model->summary().leader;
    QVERIFY(!leader.isNone());
    const NodeId victim = leader == NodeId(3) ? NodeId(2) : NodeId(3);
    QVERIFY(m_supervisor->kill(victim));
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->node(victim)->connected, answerMs);

    const quint64 failedBefore = m_model->history().clientWrites().failedCount();
    panel.setTarget(victim);
    QCOMPARE(panel.target(), victim);
    panel.findChild<QLineEdit *>(QStringLiteral("key"))->setText(QStringLiteral("lost"));
    panel.findChild<QLineEdit *>(QStringLiteral("value"))->setText(QStringLiteral("write"));
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("put")), Qt::LeftButton);
    const RequestHistoryModel &history = *panel.requestHistory();
    QTRY_VERIFY_WITH_TIMEOUT(history.at(0).outcome != RequestRecord::Outcome::Pending, answerMs);
    QCOMPARE(history.at(0).outcome, RequestRecord::Outcome::Failed);
    QVERIFY2(panel.answerText().startsWith(QStringLiteral("No answer")), qPrintable(panel.answerText()));
    QVERIFY2(panel.answerText().contains(QStringLiteral("not running")), qPrintable(panel.answerText()));
    QCOMPARE(m_model->history().clientWrites().failedCount(), failedBefore + 1);

    // "Any node" skips the dead node: the next writes all land.
    panel.setTarget(NodeId{});
    for (int i = 0; i < 3; ++i) {
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("put")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(history.at(0).outcome != RequestRecord::Outcome::Pending, answerMs);
        QVERIFY2(history.at(0).outcome == RequestRecord::Outcome::Ok, qPrintable(panel.answerText()));
        QVERIFY(!history.at(0).node.endsWith(QString::number(victim.value)));
    }
    panel.setTarget(victim);
    QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("put")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(history.at(0).outcome != RequestRecord::Outcome::Pending, answerMs);
    panel.resize(900, 420);
    QVERIFY(saveScreenshot(panel, QStringLiteral("clientpanel_killed_node.png")));
}

QTEST_MAIN(TestClientPanel)
#include "tst_clientpanel.moc"
