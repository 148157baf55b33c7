#pragma once

// Replays tests/gui/fixtures/three_nodes.jsonl into a ClusterModel with a clock that follows the
// recording, as NodeClients and the supervisor would feed it (after tests/gui/tst_clustermodel.cpp).
// The fixture's story: node 3 wins term 1; three writes; node 3 is cut off and takes a write it cannot
// commit; node 1 wins term 2; the cut heals and node 3 truncates; node 1 is killed; node 2 wins term 3;
// node 1 restarts; two more writes. Lines "# T_US fault LABEL" and "# T_US disconnected N" are directives.

#include "model/clustermodel.h"

#include <QFile>
#include <QJsonDocument>
#include <QStringList>

#include <limits>
#include <vector>

namespace raftlab::testing {

struct FixtureLine
{
    qint64 tUs = 0;
    QJsonObject event{};
    QString directive{};
    QString argument{};
};

inline std::vector<FixtureLine> loadFixture()
{
    const QString path = QStringLiteral(RAFTLAB_FIXTURE_DIR "/three_nodes.jsonl");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open the fixture %s", qPrintable(path));
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
        lines.push_back(FixtureLine{.tUs = event.value(QLatin1String("t_us")).toInteger(), .event = event});
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

    std::size_t lineCount() const { return m_lines.size(); }

    // Feeds the lines [next, next + count) and folds one frame.
    void foldLines(std::size_t count)
    {
        for (std::size_t end = std::min(m_lines.size(), m_next + count); m_next < end; ++m_next)
            feed(m_lines[m_next]);
        m_model.foldPending();
    }
    void foldAll() { foldLines(std::numeric_limits<std::size_t>::max() / 2); }

private:
    void feed(const FixtureLine &line)
    {
        m_nowUs = std::max(m_nowUs, line.tUs);
        if (line.directive == QLatin1String("disconnected"))
            m_model.setNodeConnected(NodeId(line.argument.toUInt()), false);
        else if (line.directive == QLatin1String("fault"))
            m_model.addFaultMarker(line.argument, line.tUs);
        else
            m_model.ingest(line.event);
    }

    ClusterModel &m_model;
    std::vector<FixtureLine> m_lines;
    std::size_t m_next = 0;
    qint64 m_nowUs = 0;
};

} // namespace raftlab::testing
