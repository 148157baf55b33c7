// Events and names: every decision of the core reads as one plain sentence that names the nodes
// involved, and every enum value has a name (the GUI's narration and the node's logs rely on both).

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "corecluster.h"
#endif

#include <QRegularExpression>
#include <QTest>

#include <set>

using namespace raftlab;

Q_DECLARE_METATYPE(raftlab::Event)

namespace {

constexpr auto lastEventType = EventType::LeaderConnectionLost;
constexpr auto lastReason = Reason::ConfigurationReverted;
constexpr auto lastMessageType = MessageType::TimeoutNow;
constexpr auto lastRole = Role::Leader;

// What a name must not be: empty, or the fallback for a value the switch does not know.
bool isKnownName(std::string_view name)
{
    return !name.empty() && QByteArray(name.data(), qsizetype(name.size())).toLower() != "unknown";
}

template<typename Enum>
void verifyNames(int first, Enum last, const char *what)
{
    std::set<std::string_view> seen;
    for (int value = first; value <= int(last); ++value) {
        const std::string_view name = toString(static_cast<Enum>(value));
        QVERIFY2(isKnownName(name), qPrintable(QStringLiteral("%1 %2 has no name").arg(what).arg(value)));
        QVERIFY2(seen.insert(name).second,
                 qPrintable(QStringLiteral("%1 %2 shares its name").arg(what).arg(value)));
    }
    // The check itself can fail: one past the last value is named "unknown".
    QVERIFY2(!isKnownName(toString(static_cast<Enum>(int(last) + 1))), "the fallback is detected");
}

Event makeEvent(EventType type, Reason reason = Reason::None, NodeId peer = {}, NodeId otherPeer = {})
{
    Event e;
    e.type = type;
    e.node = NodeId(2);
    e.term = Term(7);
    e.reason = reason;
    e.peer = peer;
    e.otherPeer = otherPeer;
    e.index = LogIndex(11);
    e.otherTerm = Term(6);
    e.ticks = 17;
    return e;
}

} // namespace

class TestEvents : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesEveryValue();
    void responsesAreResponses();
    void everyTypeHasASentence();
    void describeNamesTheNodes_data();
    void describeNamesTheNodes();
};

void TestEvents::namesEveryValue()
{
    verifyNames(int(MessageType::PreVote), lastMessageType, "MessageType");
    verifyNames(0, lastRole, "Role");
    verifyNames(0, lastReason, "Reason");
    verifyNames(0, lastEventType, "EventType");
}

void TestEvents::responsesAreResponses()
{
    for (int value = int(MessageType::PreVote); value <= int(lastMessageType); ++value) {
        const auto type = static_cast<MessageType>(value);
        const std::string_view name = toString(type);
        const bool namedResponse = name.ends_with("Response");
        QVERIFY2(isResponse(type) == namedResponse, name.data());
    }
}

// Every event type, in its plainest form, gets its own sentence, not the fallback "Node 2: <name>".
void TestEvents::everyTypeHasASentence()
{
    for (int value = 0; value <= int(lastEventType); ++value) {
        const auto type = static_cast<EventType>(value);
        const QString text = describe(makeEvent(type, Reason::None, NodeId(3)));
        const QString fallback = QStringLiteral("Node 2: %1").arg(QLatin1String(toString(type).data()));
        QVERIFY2(!text.isEmpty() && text != fallback, qPrintable(text));
        QVERIFY2(text.startsWith(QLatin1String("Node 2")), qPrintable(text));
        QVERIFY2(text.endsWith(QLatin1Char('.')), qPrintable(text));
    }
}

void TestEvents::describeNamesTheNodes_data()
{
    QTest::addColumn<Event>("sample");
    QTest::addColumn<QStringList>("mentions");
    const NodeId n3(3);
    const NodeId n5(5);
    const QString node3 = QStringLiteral("node 3");
    const QString node5 = QStringLiteral("node 5");
    const auto role = [](Role r, Reason reason, NodeId peer) {
        Event e = makeEvent(EventType::RoleChanged, reason, peer);
        e.role = r;
        return e;
    };
    QTest::newRow("started") << role(Role::Follower, Reason::Restarted, {}) << QStringList{};
    QTest::newRow("follows a leader")
        << role(Role::Follower, Reason::LeaderDiscovered, n3) << QStringList{node3};
    QTest::newRow("newer term from a leader")
        << role(Role::Follower, Reason::HigherTerm, n3) << QStringList{node3};
    QTest::newRow("newer term, no leader") << role(Role::Follower, Reason::HigherTerm, {}) << QStringList{};
    QTest::newRow("quorum lost") << role(Role::Follower, Reason::QuorumLost, {}) << QStringList{};
    QTest::newRow("lost pre-vote") << role(Role::Follower, Reason::LostPreVote, {}) << QStringList{};
    QTest::newRow("lost election") << role(Role::Follower, Reason::LostElection, {}) << QStringList{};
    QTest::newRow("pre-candidate") << role(Role::PreCandidate, Reason::ElectionTimeout, {}) << QStringList{};
    QTest::newRow("candidate") << role(Role::Candidate, Reason::ElectionTimeout, {}) << QStringList{};
    QTest::newRow("candidate by transfer")
        << role(Role::Candidate, Reason::LeadershipTransfer, {}) << QStringList{};
    QTest::newRow("leader") << role(Role::Leader, Reason::WonElection, NodeId(2)) << QStringList{};
    QTest::newRow("term") << makeEvent(EventType::TermChanged)
                          << QStringList{QStringLiteral("term 6"), QStringLiteral("term 7")};
    QTest::newRow("timer") << makeEvent(EventType::TimerReset) << QStringList{QStringLiteral("17")};
    QTest::newRow("timeout") << makeEvent(EventType::ElectionTimeout, Reason::ElectionTimeout)
                             << QStringList{};
    QTest::newRow("timeout by transfer")
        << makeEvent(EventType::ElectionTimeout, Reason::LeadershipTransfer) << QStringList{};
    QTest::newRow("vote requested") << makeEvent(EventType::VoteRequested) << QStringList{};
    QTest::newRow("vote granted") << makeEvent(EventType::VoteGranted, Reason::None, n3)
                                  << QStringList{node3};
    QTest::newRow("refused: already voted")
        << makeEvent(EventType::VoteRefused, Reason::AlreadyVoted, n3, n5) << QStringList{node3, node5};
    QTest::newRow("refused: leader alive")
        << makeEvent(EventType::VoteRefused, Reason::LeaderAlive, n3, n5) << QStringList{node3, node5};
    Event ignored = makeEvent(EventType::VoteRefused, Reason::LeaderAlive, n3, n5);
    ignored.unanswered = true;
    QTest::newRow("ignored: leader alive") << ignored << QStringList{node3, node5, QStringLiteral("ignored")};
    QTest::newRow("refused: leader alive, unknown")
        << makeEvent(EventType::VoteRefused, Reason::LeaderAlive, n3) << QStringList{node3};
    QTest::newRow("refused: log behind") << makeEvent(EventType::VoteRefused, Reason::LogNotUpToDate, n3)
                                         << QStringList{node3, QStringLiteral("11")};
    QTest::newRow("refused: stale term") << makeEvent(EventType::VoteRefused, Reason::StaleTerm, n3)
                                         << QStringList{node3, QStringLiteral("6")};
    QTest::newRow("vote received") << makeEvent(EventType::VoteReceived, Reason::None, n3)
                                   << QStringList{node3};
    QTest::newRow("append accepted") << makeEvent(EventType::AppendAccepted, Reason::None, n3)
                                     << QStringList{node3, QStringLiteral("11")};
    QTest::newRow("append rejected: missing")
        << makeEvent(EventType::AppendRejected, Reason::MissingEntries, n3)
        << QStringList{node3, QStringLiteral("11")};
    QTest::newRow("append rejected: term")
        << makeEvent(EventType::AppendRejected, Reason::TermMismatch, n3) << QStringList{node3};
    QTest::newRow("append rejected: stale") << makeEvent(EventType::AppendRejected, Reason::StaleTerm, n3)
                                            << QStringList{node3, QStringLiteral("6")};
    QTest::newRow("truncated") << makeEvent(EventType::LogTruncated, Reason::None, n3)
                               << QStringList{node3, QStringLiteral("11")};
    QTest::newRow("commit") << makeEvent(EventType::CommitAdvanced) << QStringList{QStringLiteral("11")};
    QTest::newRow("heartbeat") << makeEvent(EventType::HeartbeatSent) << QStringList{};
    QTest::newRow("transfer started")
        << makeEvent(EventType::TransferStarted, Reason::None, n3) << QStringList{node3};
    QTest::newRow("transfer finished")
        << makeEvent(EventType::TransferFinished, Reason::None, n3) << QStringList{node3};
    QTest::newRow("transfer aborted")
        << makeEvent(EventType::TransferAborted, Reason::TransferTimedOut, n3) << QStringList{node3};
    QTest::newRow("snapshot sent") << makeEvent(EventType::SnapshotSent, Reason::None, n3)
                                   << QStringList{node3, QStringLiteral("11")};
    QTest::newRow("snapshot installed") << makeEvent(EventType::SnapshotInstalled, Reason::None, n3)
                                        << QStringList{node3, QStringLiteral("11")};
    QTest::newRow("snapshot refused: checksum")
        << makeEvent(EventType::SnapshotRefused, Reason::ChecksumMismatch, n3)
        << QStringList{node3, QStringLiteral("11"), QStringLiteral("checksum")};
    QTest::newRow("snapshot refused: state machine")
        << makeEvent(EventType::SnapshotRefused, Reason::StateMachineRefused, n3)
        << QStringList{node3, QStringLiteral("11"), QStringLiteral("cannot restore")};
    QTest::newRow("compacted") << makeEvent(EventType::LogCompacted) << QStringList{QStringLiteral("11")};
    QTest::newRow("read rejected: not leader")
        << makeEvent(EventType::ReadRejected, Reason::NotLeader, n3) << QStringList{node3};
    QTest::newRow("read dropped") << makeEvent(EventType::ReadRejected, Reason::LeaderStepsDown)
                                  << QStringList{};
    QTest::newRow("read dropped: disk")
        << makeEvent(EventType::ReadRejected, Reason::StorageFailed) << QStringList{QStringLiteral("disk")};
    QTest::newRow("halted: disk") << makeEvent(EventType::RoleChanged, Reason::StorageFailed)
                                  << QStringList{QStringLiteral("disk"), QStringLiteral("7")};
}

void TestEvents::describeNamesTheNodes()
{
    QFETCH(Event, sample);
    QFETCH(QStringList, mentions);
    const QString text = describe(sample);

    QVERIFY2(text.startsWith(QLatin1String("Node 2 ")) || text.startsWith(QLatin1String("Node 2'")),
             qPrintable(QStringLiteral("does not start with the deciding node: ") + text));
    static const QRegularExpression placeholder(QStringLiteral("%\\d"));
    QVERIFY2(!text.contains(placeholder), qPrintable(QStringLiteral("unfilled placeholder: ") + text));
    QVERIFY2(!text.contains(QLatin1String("node 0")), qPrintable(QStringLiteral("names nobody: ") + text));
    for (const QString &mention : mentions)
        QVERIFY2(text.contains(mention), qPrintable(QStringLiteral("'%1' lacks '%2'").arg(text, mention)));
}

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_events.moc"
