#pragma once

// Replays tests/gui/fixtures/three_nodes.jsonl (recorded by fixtures/record_events.py from a real
// 3-node cluster) into a ClusterModel, with a clock that follows the recording, as NodeClients and the
// supervisor would feed it. Shared by every GUI test that needs a real event stream. Another recording of
// the same directory replays by name (leader_under_load.jsonl: fixtures/record_load.py).
//
// The fixture's story: node 3 wins term 1; three writes; node 3 is cut off (a stale leader) and takes a
// write it cannot commit while node 1 wins term 2; the cut heals and node 3 truncates; node 1 is killed;
// node 2 wins term 3; node 1 restarts; two more writes. Lines "# T_US fault LABEL" and
// "# T_US disconnected N" are directives (what the supervisor and the NodeClients add to the stream).

#include "model/clustermodel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

#include <functional>
#include <limits>
#include <vector>

namespace raftlab::testing {

using namespace Qt::StringLiterals;

struct FixtureLine
{
    qint64 tUs = 0;
    QJsonObject event{};
    QString directive{}; // "disconnected" or "fault" for "# T_US directive ARGUMENT" lines
    QString argument{};
};

inline std::vector<FixtureLine> loadFixture(const QString &name = QStringLiteral("three_nodes.jsonl"))
{
    const QString path = QStringLiteral(RAFTLAB_FIXTURE_DIR "/") + name; // tests/gui/CMakeLists.txt
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
                                        .directive = words.value(1),
                                        .argument = words.mid(2).join(u' ')});
            continue;
        }
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        lines.push_back(FixtureLine{.tUs = event.value("t_us"_L1).toInteger(), .event = event});
    }
    return lines;
}

inline bool isEvent(const QJsonObject &event, const char *type, std::uint32_t node)
{
    return event.value("type"_L1).toString() == QLatin1StringView(type) &&
        event.value("node"_L1).toInteger() == node;
}

class Replay
{
public:
    explicit Replay(ClusterModel &model, const QString &fixture = QStringLiteral("three_nodes.jsonl"))
        : m_model(model)
        , m_lines(loadFixture(fixture))
    {
        model.setClock([this] { return m_nowUs; });
    }

    const std::vector<FixtureLine> &lines() const { return m_lines; }
    std::size_t lineCount() const { return m_lines.size(); }
    qint64 lastTimeUs() const { return m_lines.back().tUs; }

    // t_us of the first event the predicate accepts.
    qint64 timeOf(const std::function<bool(const QJsonObject &)> &predicate) const
    {
        return find(predicate).value("t_us"_L1).toInteger();
    }

    // t_us of the first directive of that kind (and argument, when given).
    qint64 timeOfDirective(const QString &directive, const QString &argument = {}) const
    {
        for (const FixtureLine &line : m_lines)
            if (line.directive == directive && (argument.isEmpty() || line.argument == argument))
                return line.tUs;
        qFatal("no such directive in the fixture");
    }

    // The first event the predicate accepts.
    QJsonObject find(const std::function<bool(const QJsonObject &)> &predicate) const
    {
        for (const FixtureLine &line : m_lines)
            if (line.directive.isEmpty() && predicate(line.event))
                return line.event;
        qFatal("no such event in the fixture");
    }

    void foldThrough(qint64 tUs)
    {
        for (; m_next < m_lines.size() && m_lines[m_next].tUs <= tUs; ++m_next)
            feed(m_lines[m_next]);
        m_model.foldPending();
    }

    // Every line up to and including the first event the predicate accepts, then one frame.
    void foldThroughEvent(const std::function<bool(const QJsonObject &)> &predicate)
    {
        bool found = false;
        for (; m_next < m_lines.size() && !found; ++m_next) {
            feed(m_lines[m_next]);
            found = m_lines[m_next].directive.isEmpty() && predicate(m_lines[m_next].event);
        }
        m_model.foldPending();
    }

    // Feeds the next `count` lines and folds one frame.
    void foldLines(std::size_t count)
    {
        for (std::size_t end = std::min(m_lines.size(), m_next + count); m_next < end; ++m_next)
            feed(m_lines[m_next]);
        m_model.foldPending();
    }

    void foldAll() { foldThrough(std::numeric_limits<qint64>::max()); }
    // The last event fed (an empty object before the first, or when the last line was a directive).
    QJsonObject lastFolded() const
    {
        return m_next == 0 || !m_lines[m_next - 1].directive.isEmpty() ? QJsonObject()
                                                                       : m_lines[m_next - 1].event;
    }
    void setNow(qint64 tUs) { m_nowUs = tUs; }
    qint64 now() const { return m_nowUs; }
    qint64 nowUs() const { return m_nowUs; }

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

} // namespace raftlab::testing
