// Google Benchmark for the pure Raft core (engine/core): how fast RaftCore::step() handles the messages of a
// healthy 3-node cluster, how many proposals an in-memory cluster commits per second, and a few cheap
// extras (an election, RaftLog::slice).
//
// Everything runs in one thread with no I/O: "persisting" a Ready means ignoring it, the network is a FIFO
// queue. Run the release preset (bench/run_core_bench.sh); a Debug or asserting build measures the asserts.
//
// Timing:
//  - BM_StepMessages times only the step() calls. Messages are built before the timed region; each
//    benchmark iteration steps a chunk of them into one core between two clock reads (manual time), and the
//    harness (takeReady/advance, compaction, restoring the core from a template) runs untimed between chunks.
//  - BM_StepAndReady times step() plus the Ready cycle the contract asks for after every input
//    (hasReady, takeReady, advance); the Ready itself is dropped (persist = ignore, messages not delivered).
//  - BM_ProposeCommit and BM_Election time the whole loop: cores, Ready cycles and the FIFO network.
#include "core/raftcore.h"
#include "core/raftlog.h"

#include <benchmark/benchmark.h>

#include <QByteArray>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace raftlab;

constexpr std::size_t payloadBytes = 100;
constexpr std::uint32_t clusterSize = 3;
constexpr NodeId leaderId(1);

QByteArray makePayload(std::uint64_t serial)
{
    QByteArray payload(static_cast<qsizetype>(payloadBytes), 'x');
    std::memcpy(payload.data(), &serial, sizeof serial);
    return payload;
}

CoreConfig makeConfig(NodeId id)
{
    // Assigned rather than designated: CoreConfig::id has no default member initializer, and g++ 12 warns.
    CoreConfig config;
    config.id = id;
    for (std::uint32_t member = 1; member <= clusterSize; ++member)
        config.members.push_back(NodeId(member));
    return config;
}

// Drops a Ready, following the contract: take it, "persist" (nothing to do in memory), advance.
void cycleReady(RaftCore &core)
{
    if (core.hasReady()) {
        Ready ready = core.takeReady();
        core.advance();
        benchmark::DoNotOptimize(ready);
    }
}

// N cores over a FIFO in-memory network. Messages are delivered one at a time, each followed by the
// receiver's Ready cycle (send what may leave now, persist = nothing, advance, send the rest, apply).
class Cluster
{
public:
    explicit Cluster(std::uint64_t seed = 1)
    {
        for (std::uint32_t id = 1; id <= clusterSize; ++id)
            m_cores.emplace_back(makeConfig(NodeId(id)), PersistentState{}, seed * 1000 + id);
        m_appliedCommands.assign(clusterSize, 0);
    }

    RaftCore &core(NodeId id) { return m_cores[id.value - 1]; }
    std::uint64_t appliedCommands(NodeId id) const { return m_appliedCommands[id.value - 1]; }

    // Runs Ready cycles and delivers messages until nothing moves. Returns the number of messages
    // delivered, or nullopt if the cluster was still busy after `maxMessages` (a livelock in the core).
    std::optional<std::size_t> settle(std::size_t maxMessages = 1'000'000)
    {
        for (RaftCore &core : m_cores)
            drain(core);
        std::size_t delivered = 0;
        while (!m_network.empty()) {
            if (++delivered > maxMessages)
                return std::nullopt;
            const Message message = std::move(m_network.front());
            m_network.pop_front();
            if (message.to.value < 1 || message.to.value > clusterSize)
                continue;
            RaftCore &to = core(message.to);
            to.step(message);
            drain(to);
        }
        return delivered;
    }

    // Fires `candidate`'s election timer, lets the cluster settle, then ticks the new leader until it sends
    // one heartbeat round and settles again. Returns an error, or empty on success: `candidate` leads, both
    // others follow it, and the new leader's no-op is committed everywhere.
    //
    // The heartbeat is needed: the follower whose acknowledgement of the no-op arrives second is still in
    // Probe (paused) when the first one commits it, so the commit announcement skips it, and its own
    // acknowledgement does not move the commit index, so nothing is sent back; it learns the commit index
    // from the next heartbeat (or the next append).
    std::string electLeader(NodeId candidate, std::size_t *messages = nullptr)
    {
        core(candidate).campaignNow();
        std::optional<std::size_t> delivered = settle(10'000);
        if (!delivered)
            return "the election did not settle within 10,000 messages";
        if (core(candidate).role() != Role::Leader)
            return "no leader emerged after campaignNow() on an idle cluster";
        for (int tick = 0; tick < core(candidate).config().heartbeatTicks; ++tick)
            core(candidate).tick();
        const std::optional<std::size_t> afterHeartbeat = settle(10'000);
        if (!afterHeartbeat)
            return "the cluster did not settle after a heartbeat";
        *delivered += *afterHeartbeat;
        if (messages)
            *messages = *delivered;
        if (core(candidate).role() != Role::Leader)
            return "no leader emerged after campaignNow() on an idle cluster";
        for (RaftCore &other : m_cores) {
            if (other.leader() != candidate)
                return "a node does not know the new leader";
            if (other.log().commitIndex() != core(candidate).log().lastIndex())
                return "the new leader's no-op is not committed on every node";
        }
        return {};
    }

    // Drops every applied entry from memory (as after a state-machine snapshot), so long runs stay small.
    void compactAll()
    {
        for (RaftCore &core : m_cores) {
            if (core.log().appliedIndex() > core.log().snapshot().meta.index)
                core.compact(core.log().appliedIndex(), QByteArray());
            drain(core);
        }
    }

private:
    void drain(RaftCore &core)
    {
        // advance() may commit and send again; a bounded loop all the same.
        for (int cycles = 0; cycles < 16 && core.hasReady(); ++cycles) {
            Ready ready = core.takeReady();
            // 1. send what may leave now. 2. persist hardState / truncateFrom / entries: in memory, nothing
            // to do. 3. advance. 4. send the rest.
            for (Message &message : ready.messages)
                m_network.push_back(std::move(message));
            core.advance();
            for (Message &message : ready.messagesAfterPersist)
                m_network.push_back(std::move(message));
            // 5. apply.
            for (const Entry &entry : ready.committed) {
                if (entry.type == EntryType::Command)
                    ++m_appliedCommands[core.id().value - 1];
            }
        }
    }

    std::vector<RaftCore> m_cores;
    std::deque<Message> m_network;
    std::vector<std::uint64_t> m_appliedCommands;
};

// ---------------------------------------------------------------------------------------------
// BM_StepMessages: one core, pre-built messages of one kind, only step() timed.

enum class StepKind { AppendEntries, AppendEntriesResponse, Heartbeat, HeartbeatResponse };
enum class ReadyCycle { AfterChunk, AfterEachMessage };

// A core in a known state, the messages to step into it, and how to restore that state once they are used
// up (a follower's log only grows; a leader's acknowledgements only make sense once).
class StepScenario
{
public:
    StepScenario(StepKind kind, std::size_t entriesPerAppend)
        : m_kind(kind)
    {
        Cluster cluster;
        m_error = cluster.electLeader(leaderId);
        if (!m_error.empty())
            return;
        switch (kind) {
        case StepKind::AppendEntries:
            buildAppendEntries(cluster, entriesPerAppend);
            break;
        case StepKind::AppendEntriesResponse:
            buildAppendResponses(cluster, entriesPerAppend);
            break;
        case StepKind::Heartbeat:
            buildHeartbeats(cluster);
            break;
        case StepKind::HeartbeatResponse:
            buildHeartbeatResponses(cluster);
            break;
        }
        if (m_error.empty())
            m_core.emplace(*m_template);
    }

    const std::string &error() const { return m_error; }
    std::size_t chunkSize() const { return m_chunkSize; }

    // Steps the next chunk; returns the seconds spent in step() (and in the Ready cycle when asked).
    double stepChunk(ReadyCycle cycle)
    {
        if (m_position + m_chunkSize > m_messages.size())
            restart();
        const std::span<const Message> chunk(m_messages.data() + m_position, m_chunkSize);
        RaftCore &core = *m_core;

        const auto start = std::chrono::steady_clock::now();
        if (cycle == ReadyCycle::AfterEachMessage) {
            for (const Message &message : chunk) {
                core.step(message);
                cycleReady(core);
            }
        } else {
            for (const Message &message : chunk)
                core.step(message);
        }
        const auto end = std::chrono::steady_clock::now();

        m_position += m_chunkSize;
        cycleReady(core);
        if (m_kind == StepKind::AppendEntries &&
            core.log().appliedIndex() > core.log().snapshot().meta.index) {
            core.compact(core.log().appliedIndex(), QByteArray());
            cycleReady(core);
        }
        return std::chrono::duration<double>(end - start).count();
    }

    // After a run: the core must have done what the messages asked (catches a core that ignores them).
    std::string verify() const
    {
        const RaftCore &core = *m_core;
        if (core.term() != m_template->term() || core.role() != m_template->role())
            return "the core changed term or role while stepping messages of a healthy cluster";
        switch (m_kind) {
        case StepKind::AppendEntries:
            if (core.log().lastIndex() <= m_template->log().lastIndex())
                return "the follower did not append the entries it was sent";
            break;
        case StepKind::AppendEntriesResponse:
            if (core.log().commitIndex() <= m_template->log().commitIndex())
                return "the leader did not commit on its followers' acknowledgements";
            break;
        case StepKind::Heartbeat:
        case StepKind::HeartbeatResponse:
            break;
        }
        return {};
    }

private:
    void restart()
    {
        *m_core = *m_template;
        m_position = 0;
    }

    // A follower of a fresh leader, and a chain of appends each extending its log by `batch` entries of
    // 100 bytes. The commit index each carries lags one append behind, as with a pipelining leader.
    void buildAppendEntries(Cluster &cluster, std::size_t batch)
    {
        RaftCore &follower = cluster.core(NodeId(2));
        m_template.emplace(follower);
        const Term term = follower.term();
        const std::size_t appends = std::max<std::size_t>(256, 16384 / batch);
        m_chunkSize = 32;
        LogIndex prev = follower.log().lastIndex();
        std::uint64_t serial = 0;
        for (std::size_t i = 0; i < appends; ++i) {
            Entries entries;
            for (std::size_t e = 0; e < batch; ++e)
                entries.push_back(Entry{prev + (e + 1), term, EntryType::Command, makePayload(serial++)});
            m_messages.push_back(Message{.type = MessageType::AppendEntries,
                                         .from = leaderId,
                                         .to = follower.id(),
                                         .term = term,
                                         .prevLogIndex = prev,
                                         .prevLogTerm = term,
                                         .entries = std::move(entries),
                                         .commitIndex = prev});
            prev = prev + batch;
        }
    }

    // A leader with 64 appends of `batch` entries in flight to each follower (the pipeline window full),
    // and both followers' acknowledgements of them, in order: 2 then 3 for each append. The first of each
    // pair commits and makes the leader announce the new commit index.
    void buildAppendResponses(Cluster &cluster, std::size_t batch)
    {
        RaftCore &leader = cluster.core(leaderId);
        const CoreConfig &config = leader.config();
        const LogIndex base = leader.log().lastIndex();
        std::uint64_t serial = 0;
        for (int round = 0; round < config.maxInflightAppends; ++round) {
            for (std::size_t e = 0; e < batch; ++e) {
                if (leader.propose(makePayload(serial++)).status != ProposeResult::Status::Accepted) {
                    m_error = "the leader refused a proposal";
                    return;
                }
            }
            Ready ready = leader.takeReady(); // the appends are dropped: their answers are built below
            leader.advance();
            if (ready.messages.size() != clusterSize - 1) {
                m_error = "the leader did not send one append per follower for a batch of proposals";
                return;
            }
        }
        m_template.emplace(leader);
        const Term term = leader.term();
        for (int round = 1; round <= config.maxInflightAppends; ++round) {
            for (std::uint32_t follower = 2; follower <= clusterSize; ++follower) {
                m_messages.push_back(Message{.type = MessageType::AppendEntriesResponse,
                                             .from = NodeId(follower),
                                             .to = leaderId,
                                             .term = term,
                                             .success = true,
                                             .matchIndex = base + static_cast<std::uint64_t>(round) * batch});
            }
        }
        m_chunkSize = m_messages.size(); // one window per chunk, then the leader is restored
    }

    void buildHeartbeats(Cluster &cluster)
    {
        RaftCore &follower = cluster.core(NodeId(2));
        m_template.emplace(follower);
        m_chunkSize = 64;
        for (std::uint64_t round = 0; round < 4096; ++round) {
            m_messages.push_back(Message{.type = MessageType::Heartbeat,
                                         .from = leaderId,
                                         .to = follower.id(),
                                         .term = follower.term(),
                                         .commitIndex = follower.log().commitIndex(),
                                         .readRound = round});
        }
    }

    void buildHeartbeatResponses(Cluster &cluster)
    {
        RaftCore &leader = cluster.core(leaderId);
        m_template.emplace(leader);
        m_chunkSize = 64;
        for (std::uint64_t i = 0; i < 4096; ++i) {
            m_messages.push_back(Message{.type = MessageType::HeartbeatResponse,
                                         .from = NodeId(static_cast<std::uint32_t>(2 + i % 2)),
                                         .to = leaderId,
                                         .term = leader.term()});
        }
    }

    StepKind m_kind;
    std::string m_error;
    std::optional<RaftCore> m_template;
    std::optional<RaftCore> m_core;
    std::vector<Message> m_messages;
    std::size_t m_chunkSize = 1;
    std::size_t m_position = 0;
};

void runStepBenchmark(benchmark::State &state, StepKind kind, ReadyCycle cycle)
{
    const auto entriesPerAppend = static_cast<std::size_t>(state.range(0));
    StepScenario scenario(kind, entriesPerAppend);
    if (!scenario.error().empty()) {
        state.SkipWithError(scenario.error().c_str());
        return;
    }
    std::int64_t stepped = 0;
    for (auto _ : state) {
        state.SetIterationTime(scenario.stepChunk(cycle));
        stepped += static_cast<std::int64_t>(scenario.chunkSize());
    }
    if (const std::string problem = scenario.verify(); !problem.empty()) {
        state.SkipWithError(problem.c_str());
        return;
    }
    state.SetItemsProcessed(stepped);
    // Seconds per message (printed as e.g. 171n): the Time column is per chunk of messages.
    state.counters["s/message"] = benchmark::Counter(
        static_cast<double>(stepped), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    if (kind == StepKind::AppendEntries)
        state.counters["entries/s"] =
            benchmark::Counter(static_cast<double>(stepped) * static_cast<double>(entriesPerAppend),
                               benchmark::Counter::kIsRate);
}

void BM_StepMessages(benchmark::State &state, StepKind kind)
{
    runStepBenchmark(state, kind, ReadyCycle::AfterChunk);
}

void BM_StepAndReady(benchmark::State &state, StepKind kind)
{
    runStepBenchmark(state, kind, ReadyCycle::AfterEachMessage);
}

// Arg: entries per AppendEntries (for the responses: per acknowledged append). Heartbeats carry none.
BENCHMARK_CAPTURE(BM_StepMessages, AppendEntries, StepKind::AppendEntries)
    ->Arg(1)
    ->Arg(16)
    ->Arg(64)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_StepMessages, AppendEntriesResponse, StepKind::AppendEntriesResponse)
    ->Arg(16)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_StepMessages, Heartbeat, StepKind::Heartbeat)->Arg(0)->UseManualTime();
BENCHMARK_CAPTURE(BM_StepMessages, HeartbeatResponse, StepKind::HeartbeatResponse)->Arg(0)->UseManualTime();

BENCHMARK_CAPTURE(BM_StepAndReady, AppendEntries, StepKind::AppendEntries)->Arg(16)->UseManualTime();
BENCHMARK_CAPTURE(BM_StepAndReady, AppendEntriesResponse, StepKind::AppendEntriesResponse)
    ->Arg(16)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_StepAndReady, Heartbeat, StepKind::Heartbeat)->Arg(0)->UseManualTime();
BENCHMARK_CAPTURE(BM_StepAndReady, HeartbeatResponse, StepKind::HeartbeatResponse)->Arg(0)->UseManualTime();

// ---------------------------------------------------------------------------------------------
// BM_ProposeCommit: a batch of proposals on the leader, then Ready cycles and deliveries until the cluster
// is quiet again (every node has committed and applied the batch). Whole loop timed, except compaction.

void BM_ProposeCommit(benchmark::State &state)
{
    const auto batch = static_cast<std::size_t>(state.range(0));
    Cluster cluster;
    if (const std::string error = cluster.electLeader(leaderId); !error.empty()) {
        state.SkipWithError(error.c_str());
        return;
    }
    std::vector<QByteArray> payloads;
    for (std::uint64_t serial = 0; serial < 4096; ++serial)
        payloads.push_back(makePayload(serial)); // shared, not copied, by each proposal
    RaftCore &leader = cluster.core(leaderId);
    const std::uint64_t appliedBefore = cluster.appliedCommands(leaderId);

    std::size_t next = 0;
    std::uint64_t proposed = 0;
    std::uint64_t messages = 0;
    std::uint64_t sinceCompaction = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < batch; ++i) {
            if (leader.propose(payloads[next]).status != ProposeResult::Status::Accepted) {
                state.SkipWithError("the leader refused a proposal");
                return;
            }
            next = (next + 1) % payloads.size();
        }
        proposed += batch;
        const std::optional<std::size_t> delivered = cluster.settle();
        if (!delivered) {
            state.SkipWithError("the cluster did not settle after a batch of proposals");
            return;
        }
        messages += *delivered;
        sinceCompaction += batch;
        if (sinceCompaction >= 8192) {
            state.PauseTiming();
            cluster.compactAll();
            sinceCompaction = 0;
            state.ResumeTiming();
        }
    }
    const std::uint64_t committed = cluster.appliedCommands(leaderId) - appliedBefore;
    for (std::uint32_t id = 1; id <= clusterSize; ++id) {
        if (cluster.appliedCommands(NodeId(id)) - appliedBefore != proposed) {
            state.SkipWithError(
                "a node did not apply every proposal of the batch before the cluster settled");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(committed));
    state.counters["messages/s"] =
        benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
    state.counters["messages/batch"] =
        benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_ProposeCommit)->Arg(1)->Arg(16)->Arg(256);

// ---------------------------------------------------------------------------------------------
// BM_Election: from three idle followers to a leader whose no-op is committed everywhere (pre-vote, vote,
// no-op append, commit announcement, and the heartbeat round that tells the last follower; see
// Cluster::electLeader). Copying the idle cluster is not timed.

void BM_Election(benchmark::State &state)
{
    const Cluster idle;
    std::size_t messages = 0;
    for (auto _ : state) {
        Cluster cluster = idle;
        std::size_t delivered = 0;
        const auto start = std::chrono::steady_clock::now();
        const std::string error = cluster.electLeader(leaderId, &delivered);
        const auto end = std::chrono::steady_clock::now();
        if (!error.empty()) {
            state.SkipWithError(error.c_str());
            return;
        }
        state.SetIterationTime(std::chrono::duration<double>(end - start).count());
        messages += delivered;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["messages/election"] =
        benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_Election)->UseManualTime();

// ---------------------------------------------------------------------------------------------
// BM_RaftLogSlice: the copy the leader makes for every AppendEntries (and takeCommitted for every Ready).
// Arg: entries per slice, 100-byte payloads; items = entries copied.

void BM_RaftLogSlice(benchmark::State &state)
{
    const auto count = static_cast<std::size_t>(state.range(0));
    Entries entries;
    for (std::uint64_t index = 1; index <= 4096; ++index)
        entries.push_back(Entry{LogIndex(index), Term(1), EntryType::Command, makePayload(index)});
    const RaftLog log(Snapshot{}, std::move(entries));
    LogIndex from(1);
    for (auto _ : state) {
        Entries slice = log.slice(from, from + count, count, 1024 * 1024);
        benchmark::DoNotOptimize(slice.data());
        from = from + count;
        if (from + count > log.lastIndex().next())
            from = LogIndex(1);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

BENCHMARK(BM_RaftLogSlice)->Arg(1)->Arg(16)->Arg(256);

} // namespace

BENCHMARK_MAIN();
