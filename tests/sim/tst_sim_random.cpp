// Random schedules over 3, 5 and 7 nodes: the safety checker runs after every step, and every seed
// ends with a liveness check (heal everything, then a leader and new commits on every node).
// A failure names its seed; RAFTLAB_SEED=<n> replays it, RAFTLAB_SIM_SEEDS=<count> runs more.
#include <QElapsedTimer>
#include <QTest>

#include <vector>

// moc (Qt 6.4) cannot parse the C++20 standard headers the simulator pulls in; it needs none of them.
#ifndef Q_MOC_RUN
#include "chaosrun.h"
#include "seeds.h"
#endif

using namespace raftlab;
using namespace raftlab::sim;

Q_DECLARE_METATYPE(std::vector<std::uint64_t>)

class TestSimRandom : public QObject
{
    Q_OBJECT

public:
    TestSimRandom();

private Q_SLOTS:
    void randomSchedulesKeepRaftSafeAndLive_data();
    void randomSchedulesKeepRaftSafeAndLive();
    void crashHeavySchedulesKeepRaftSafeAndLive_data();
    void crashHeavySchedulesKeepRaftSafeAndLive();
    void membershipChangesKeepRaftSafeAndLive_data();
    void membershipChangesKeepRaftSafeAndLive();
    void sameSeedReplaysTheSameRun();
};

namespace {

// One data row per `chunk` seeds: RAFTLAB_SIM_SEEDS=100000 grows the number of rows, never the length
// of one, and each row reports its figures as it finishes.
void addSeedRows(const SeedPlan &plan, std::size_t chunk)
{
    QTest::addColumn<std::vector<std::uint64_t>>("seeds");
    QTest::addColumn<bool>("isReplay");
    for (std::size_t first = 0; first < plan.seeds.size(); first += chunk) {
        const std::vector<std::uint64_t> seeds(
            plan.seeds.begin() + static_cast<std::ptrdiff_t>(first),
            plan.seeds.begin() + static_cast<std::ptrdiff_t>(std::min(first + chunk, plan.seeds.size())));
        QTest::addRow("seeds %llu-%llu", static_cast<unsigned long long>(seeds.front()),
                      static_cast<unsigned long long>(seeds.back()))
            << seeds << plan.isReplay;
    }
}

} // namespace

TestSimRandom::TestSimRandom()
{
    // Qt Test's watchdog stops a test function after QTEST_FUNCTION_TIMEOUT (5 minutes by default).
    // Qt 6.4's watchdog can miss the instant between two data rows on a loaded machine and then times
    // several rows as one, up to the whole run: a long run gets a deadline that grows with its seeds
    // (read before qExec starts the watchdog).
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT")) {
        constexpr qint64 msPerSeed = 120; // random and crash-heavy together, on a busy 2-core machine
        const auto seeds = qint64(seedPlan(1, referenceSeedCount).seeds.size());
        qputenv("QTEST_FUNCTION_TIMEOUT", QByteArray::number(std::max<qint64>(300'000, seeds * msPerSeed)));
    }
}

void TestSimRandom::randomSchedulesKeepRaftSafeAndLive_data()
{
    addSeedRows(seedPlan(1, referenceSeedCount), 1000);
}

void TestSimRandom::randomSchedulesKeepRaftSafeAndLive()
{
    QFETCH(std::vector<std::uint64_t>, seeds);
    QFETCH(bool, isReplay);
    QElapsedTimer timer;
    timer.start();
    std::uint64_t steps = 0;
    ClientStats total;
    std::uint64_t snapshotChunks = 0;
    int crashes = 0;
    int bySize[8] = {};
    for (std::uint64_t seed : seeds) {
        const ChaosResult result = ChaosRun(seed, ChaosOptions{}).run();
        QVERIFY2(result.failure.isEmpty(),
                 qPrintable(result.failure +
                            QStringLiteral("\n  replay: RAFTLAB_SEED=%1 ./tst_sim_random").arg(seed)));
        steps += result.steps;
        total.proposalsAccepted += result.clients.proposalsAccepted;
        total.writesAcknowledged += result.clients.writesAcknowledged;
        total.readsServed += result.clients.readsServed;
        ++bySize[result.nodeCount];
        snapshotChunks += result.snapshotChunksSent;
        crashes += result.crashes;
    }
    qInfo("%zu seeds (3/5/7 nodes: %d/%d/%d), %llu steps checked, %d crashes, %d writes acknowledged, "
          "%d reads served, %llu snapshot chunks sent, %lld ms",
          seeds.size(), bySize[3], bySize[5], bySize[7], static_cast<unsigned long long>(steps), crashes,
          total.writesAcknowledged, total.readsServed, static_cast<unsigned long long>(snapshotChunks),
          static_cast<long long>(timer.elapsed()));
    // The runs must have done real work, or "no violation" would mean nothing.
    if (!isReplay) {
        QVERIFY2(total.writesAcknowledged > static_cast<int>(seeds.size()), "too few writes acknowledged");
        QVERIFY2(total.readsServed > static_cast<int>(seeds.size()) / 2, "too few reads served");
        QVERIFY2(crashes > static_cast<int>(seeds.size()), "too few crashes");
        QVERIFY2(snapshotChunks > seeds.size(), "too few snapshots sent");
    }
}

void TestSimRandom::crashHeavySchedulesKeepRaftSafeAndLive_data()
{
    addSeedRows(seedPlan(500'000, 500, SeedScaling::Proportional), 500);
}

void TestSimRandom::crashHeavySchedulesKeepRaftSafeAndLive()
{
    // Five times the crash rate, leaders crashing on their own, and one Ready in fifty cut short by a
    // crash: restarts from every kind of half-written disk, and snapshots to nodes that keep dying.
    QFETCH(std::vector<std::uint64_t>, seeds);
    ChaosOptions options;
    options.crashProbability = 0.03;
    options.leaderCrashProbability = 0.01;
    options.crashInReadyProbability = 0.02;
    std::uint64_t steps = 0;
    int crashes = 0;
    for (std::uint64_t seed : seeds) {
        const ChaosResult result = ChaosRun(seed, options).run();
        QVERIFY2(result.failure.isEmpty(),
                 qPrintable(result.failure +
                            QStringLiteral("\n  replay: RAFTLAB_SEED=%1 ./tst_sim_random "
                                           "crashHeavySchedulesKeepRaftSafeAndLive")
                                .arg(seed)));
        steps += result.steps;
        crashes += result.crashes;
    }
    qInfo("%zu crash-heavy seeds, %llu steps checked, %d crashes", seeds.size(),
          static_cast<unsigned long long>(steps), crashes);
}

void TestSimRandom::membershipChangesKeepRaftSafeAndLive_data()
{
    addSeedRows(seedPlan(700'000, 500, SeedScaling::Proportional), 100);
}

void TestSimRandom::membershipChangesKeepRaftSafeAndLive()
{
    // The random schedule with the leader adding fresh nodes and removing members (itself included)
    // among the faults, 3 to 7 members at a time; removed nodes keep running. The checker holds across
    // every configuration, and liveness is judged over the final one.
    QFETCH(std::vector<std::uint64_t>, seeds);
    QFETCH(bool, isReplay);
    QElapsedTimer timer;
    timer.start();
    ChaosOptions options;
    options.membershipChangeProbability = 0.03;
    std::uint64_t steps = 0;
    int changes = 0;
    int writes = 0;
    std::uint64_t snapshotChunks = 0;
    int bySize[8] = {};
    for (std::uint64_t seed : seeds) {
        // Every other seed, leaders also crash now and then: a change is then often left half-replicated
        // and a new leader inherits it (or a configuration entry is overwritten, and undone).
        options.leaderCrashProbability = seed % 2 == 0 ? 0.0 : 0.003;
        const ChaosResult result = ChaosRun(seed, options).run();
        QVERIFY2(result.failure.isEmpty(),
                 qPrintable(result.failure +
                            QStringLiteral("\n  replay: RAFTLAB_SEED=%1 ./tst_sim_random "
                                           "membershipChangesKeepRaftSafeAndLive")
                                .arg(seed)));
        QVERIFY2(
            result.finalMembers >= 3 && result.finalMembers <= 7,
            qPrintable(QStringLiteral("seed %1 ended with %2 members").arg(seed).arg(result.finalMembers)));
        steps += result.steps;
        changes += result.membershipChanges;
        writes += result.clients.writesAcknowledged;
        snapshotChunks += result.snapshotChunksSent;
        ++bySize[result.finalMembers];
    }
    qInfo("%zu membership seeds, %d configuration changes, final sizes 3/4/5/6/7: %d/%d/%d/%d/%d, %llu steps "
          "checked, %d writes acknowledged, %llu snapshot chunks sent, %lld ms",
          seeds.size(), changes, bySize[3], bySize[4], bySize[5], bySize[6], bySize[7],
          static_cast<unsigned long long>(steps), writes, static_cast<unsigned long long>(snapshotChunks),
          static_cast<long long>(timer.elapsed()));
    if (!isReplay) {
        QVERIFY2(changes > 2 * static_cast<int>(seeds.size()), "too few configuration changes");
        QVERIFY2(writes > static_cast<int>(seeds.size()), "too few writes acknowledged");
        // Nodes that join after a compaction catch up from a snapshot carrying the configuration.
        QVERIFY2(snapshotChunks > seeds.size(), "too few snapshots sent");
    }
}

void TestSimRandom::sameSeedReplaysTheSameRun()
{
    // Determinism is what makes a printed seed useful.
    for (std::uint64_t seed : {7ULL, 42ULL, 1234ULL}) {
        const ChaosResult first = ChaosRun(seed, ChaosOptions{}).run();
        const ChaosResult second = ChaosRun(seed, ChaosOptions{}).run();
        QCOMPARE(second.steps, first.steps);
        QCOMPARE(second.finalTerm, first.finalTerm);
        QCOMPARE(second.clients.writesAcknowledged, first.clients.writesAcknowledged);
    }
}

QTEST_GUILESS_MAIN(TestSimRandom)
#include "tst_sim_random.moc"
