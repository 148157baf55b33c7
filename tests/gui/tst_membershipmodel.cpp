// The model folds a node's configuration changes (docs/http-api.md: member_added, learner_promoted,
// member_removed): its voters and learners follow them, and the feed narrates them with the node's text.
#include "model/clustermodel.h"
#include "model/narration.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace raftlab;

class TestMembershipModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void foldsConfigurationChanges();
};

namespace {

QJsonObject streamEvent(const char *type, qint64 tUs, QJsonObject fields = {})
{
    fields.insert(QStringLiteral("type"), QLatin1String(type));
    fields.insert(QStringLiteral("node"), 1);
    fields.insert(QStringLiteral("term"), 2);
    fields.insert(QStringLiteral("t_us"), tUs);
    return fields;
}

std::vector<NodeId> ids(std::initializer_list<std::uint32_t> values)
{
    std::vector<NodeId> result;
    for (std::uint32_t v : values)
        result.push_back(NodeId(v));
    return result;
}

bool narrated(const ClusterModel &model, const QString &fragment)
{
    for (std::size_t row = 0; row < model.narration()->size(); ++row) {
        if (model.narration()->item(row).text.contains(fragment))
            return true;
    }
    return false;
}

} // namespace

void TestMembershipModel::foldsConfigurationChanges()
{
    ClusterModel model;
    model.setClock([] { return qint64(10'000'000); });
    model.ingest(streamEvent("state", 1'000'000,
                             {{QStringLiteral("role"), QStringLiteral("leader")},
                              {QStringLiteral("leader_id"), 1},
                              {QStringLiteral("members"), QJsonArray{1, 2, 3}},
                              {QStringLiteral("learners"), QJsonArray{}}}));
    model.foldPending();
    QVERIFY(model.node(NodeId(1)));
    QCOMPARE(model.node(NodeId(1))->members, ids({1, 2, 3}));
    QVERIFY(model.node(NodeId(1))->learners.empty());

    const QString addedText =
        QStringLiteral("Node 1 added node 4 to the configuration at index 7, as a learner.");
    model.ingest(streamEvent("member_added", 2'000'000,
                             {{QStringLiteral("member"), 4},
                              {QStringLiteral("as"), QStringLiteral("learner")},
                              {QStringLiteral("config_index"), 7},
                              {QStringLiteral("text"), addedText}}));
    model.foldPending();
    QCOMPARE(model.node(NodeId(1))->members, ids({1, 2, 3}));
    QCOMPARE(model.node(NodeId(1))->learners, ids({4}));
    QVERIFY2(narrated(model, QStringLiteral("added node 4")), "the feed narrates the change");

    model.ingest(
        streamEvent("learner_promoted", 3'000'000,
                    {{QStringLiteral("member"), 4},
                     {QStringLiteral("config_index"), 9},
                     {QStringLiteral("text"), QStringLiteral("Node 1 made node 4 a voter at index 9.")}}));
    model.ingest(streamEvent(
        "member_removed", 4'000'000,
        {{QStringLiteral("member"), 2},
         {QStringLiteral("config_index"), 12},
         {QStringLiteral("text"), QStringLiteral("Node 1 removed node 2 from the configuration.")}}));
    model.foldPending();
    QCOMPARE(model.node(NodeId(1))->members, ids({1, 3, 4}));
    QVERIFY(model.node(NodeId(1))->learners.empty());
    QVERIFY(narrated(model, QStringLiteral("made node 4 a voter")));
    QVERIFY(narrated(model, QStringLiteral("removed node 2")));
}

QTEST_GUILESS_MAIN(TestMembershipModel)
#include "tst_membershipmodel.moc"
