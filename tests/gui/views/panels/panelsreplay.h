#pragma once

// Replays the recorded 3-node fixture (tests/gui/fixtures/three_nodes.jsonl) into a ClusterModel with a
// clock that follows the recording, as tests/gui/tst_clustermodel.cpp does; plus synthetic events for
// the big cases. The story: node 3 wins term 1; three writes; node 3 is cut off and takes a write at
// index 5 it cannot commit; node 1 wins term 2 and commits index 5 (no-op) and 6; the cut heals and
// node 3 truncates index 5; node 1 is killed; node 2 wins term 3; node 1 restarts; two more writes.

#include "model/clustermodel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>
#include <limits>

namespace panelstest {

using namespace raftlab;
using namespace Qt::StringLiterals;

struct FixtureLine
{
    qint64 tUs = 0;
    QJsonObject event{};
    QString directive{}; // "disconnected" or "fault"
    QString argument{};
};

inline std::vector<FixtureLine> loadFixture()
{
    QFile file(QStringLiteral(RAFTLAB_FIXTURE_DIR "/three_nodes.jsonl"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open the fixture %s", qPrintable(file.fileName()));
    std::vector<FixtureLine> lines;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            const QStringList words = QString::fromUtf8(line.mid(1)).trimmed().split(u' ');
            lines.push_back(FixtureLine{.tUs = words.value(0).toLongLong(),
                                        .event = QJsonObject(),
                                        .directive = words.value(1),
                                        .argument = words.mid(2).join(u' ')});
            continue;
        }
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        lines.push_back(FixtureLine{.tUs = event.value("t_us"_L1).toInteger(), .event = event});
    }
    return lines;
}

class Replay
{
public:
    explicit Replay(ClusterModel &model)
        : m_model(model)
        , m_lines(loadFixture())
    {
        model.setClock([this] { return m_nowUs; });
    }

    qint64 timeOfDirective(const QString &directive, const QString &argument = {}) const
    {
        for (const FixtureLine &line : m_lines)
            if (line.directive == directive && (argument.isEmpty() || line.argument == argument))
                return line.tUs;
        qFatal("no such directive in the fixture");
    }

    void foldThrough(qint64 tUs)
    {
        for (; m_next < m_lines.size() && m_lines[m_next].tUs <= tUs; ++m_next)
            feed(m_lines[m_next]);
        m_model.foldPending();
    }
    void foldAll() { foldThrough(std::numeric_limits<qint64>::max()); }
    qint64 nowUs() const { return m_nowUs; }
    void setNow(qint64 tUs) { m_nowUs = tUs; }

private:
    void feed(const FixtureLine &line)
    {
        m_nowUs = std::max(m_nowUs, line.tUs);
        if (line.directive == "disconnected"_L1)
            m_model.setNodeConnected(NodeId(line.argument.toUInt()), false);
        else if (line.directive == "fault"_L1)
            m_model.addFaultMarker(line.argument, line.tUs);
        else
            m_model.ingest(line.event);
    }

    ClusterModel &m_model;
    std::vector<FixtureLine> m_lines;
    std::size_t m_next = 0;
    qint64 m_nowUs = 0;
};

// --- synthetic events, in the stream's format (INTERFACE.md) ---

inline QJsonObject appendEvent(std::uint32_t node, qint64 tUs, std::uint64_t first, const QJsonArray &entries)
{
    return QJsonObject{{"type"_L1, "append"_L1},
                       {"node"_L1, qint64(node)},
                       {"t_us"_L1, tUs},
                       {"term"_L1, entries.last().toObject().value("term"_L1)},
                       {"first"_L1, qint64(first)},
                       {"last"_L1, qint64(first) + entries.size() - 1},
                       {"entries"_L1, entries}};
}

inline QJsonArray entries(std::uint64_t first, std::uint64_t count, std::uint64_t term)
{
    QJsonArray array;
    for (std::uint64_t index = first; index < first + count; ++index)
        array.append(QJsonObject{{"index"_L1, qint64(index)},
                                 {"term"_L1, qint64(term)},
                                 {"command"_L1, u"put k%1=%2"_s.arg(index % 97).arg(index)}});
    return array;
}

inline QJsonObject commitEvent(std::uint32_t node, qint64 tUs, std::uint64_t index, std::uint64_t term)
{
    return QJsonObject{{"type"_L1, "commit"_L1},  {"node"_L1, qint64(node)},   {"t_us"_L1, tUs},
                       {"term"_L1, qint64(term)}, {"index"_L1, qint64(index)}, {"role"_L1, "follower"_L1}};
}

inline QJsonObject applyEvent(std::uint32_t node, qint64 tUs, std::uint64_t last, std::uint64_t term)
{
    return QJsonObject{{"type"_L1, "apply"_L1},   {"node"_L1, qint64(node)}, {"t_us"_L1, tUs},
                       {"term"_L1, qint64(term)}, {"first"_L1, 1},           {"last"_L1, qint64(last)}};
}

inline QJsonObject snapshotEvent(std::uint32_t node, qint64 tUs, std::uint64_t index, std::uint64_t term)
{
    return QJsonObject{{"type"_L1, "snapshot"_L1}, {"event"_L1, "compact"_L1}, {"node"_L1, qint64(node)},
                       {"t_us"_L1, tUs},           {"term"_L1, qint64(term)},  {"index"_L1, qint64(index)}};
}

} // namespace panelstest
