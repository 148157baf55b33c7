#include "writetrace.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <chrono>
#include <memory>

namespace raftlab::WriteTrace {

namespace {

struct Record
{
    std::int64_t ns;
    std::uint64_t index;
    Stage stage;
};

constexpr std::uint64_t capacity = 1u << 20; // about 10 minutes of one connection's writes

// Allocated once when tracing is switched on and never freed: threads may still stamp while the
// process exits.
Record *g_ring = nullptr;
std::atomic<std::uint64_t> g_next{0};
QString g_dir;

} // namespace

std::atomic<bool> detail::g_enabled{false};

void detail::record(Stage stage, std::uint64_t index)
{
    const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
    // Each stamp gets a slot of its own; the ring is read only once every stamping thread has stopped.
    const std::uint64_t slot = g_next.fetch_add(1, std::memory_order_relaxed);
    g_ring[slot % capacity] = Record{ns, index, stage};
}

void enableFromEnvironment()
{
    const QString dir = qEnvironmentVariable("RAFTLAB_WRITE_TRACE");
    if (dir.isEmpty() || !QDir(dir).exists() || g_ring)
        return;
    g_dir = dir;
    g_ring = new Record[capacity];
    detail::g_enabled.store(true, std::memory_order_release);
}

const char *stageName(Stage stage)
{
    static constexpr const char *names[] = {
        "request_parsed", "proposed", "log_handed",     "append_sent", "log_started",
        "log_synced",     "log_done", "frame_received", "reply_sent",  "reply_received",
        "committed",      "applied",  "answer_written",
    };
    static_assert(std::size(names) == std::size_t(Stage::Count));
    return stage < Stage::Count ? names[std::size_t(stage)] : "?";
}

QString dump()
{
    if (!g_ring)
        return {};
    detail::g_enabled.store(false, std::memory_order_relaxed);
    const QString path =
        QDir(g_dir).filePath(QStringLiteral("write-trace-%1.txt").arg(QCoreApplication::applicationPid()));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    const std::uint64_t end = g_next.load(std::memory_order_acquire);
    const std::uint64_t begin = end > capacity ? end - capacity : 0;
    QByteArray text;
    for (std::uint64_t i = begin; i < end; ++i) {
        const Record &r = g_ring[i % capacity];
        text += stageName(r.stage);
        text += ' ';
        text += QByteArray::number(quint64(r.index));
        text += ' ';
        text += QByteArray::number(qint64(r.ns));
        text += '\n';
        if (text.size() > (1 << 20)) {
            file.write(text);
            text.clear();
        }
    }
    file.write(text);
    return path;
}

} // namespace raftlab::WriteTrace
