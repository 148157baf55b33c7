#pragma once

// Events of the nodes' streams (docs/http-api.md, /events), made by hand for the safety monitor's tests:
// the few fields SafetyMonitor reads, so that a test can write a stream that breaks one invariant in a
// line. Also a recorded stream read back from a JSON Lines file.

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace raftlab::testing {

inline QJsonObject streamEvent(const char *type, int node, int term, QJsonObject fields = {})
{
    fields.insert(QStringLiteral("type"), QLatin1String(type));
    fields.insert(QStringLiteral("node"), node);
    fields.insert(QStringLiteral("term"), term);
    fields.insert(QStringLiteral("t_us"), 1000 * node);
    return fields;
}

inline QJsonObject leaderEvent(int node, int term)
{
    return streamEvent("role", node, term, {{QStringLiteral("role"), QStringLiteral("leader")}});
}

// One entry appended at `index`, of `entryTerm`, whose command's checksum is `crc`.
inline QJsonObject appendEvent(int node, int index, int entryTerm, int crc)
{
    return streamEvent("append", node, entryTerm,
                       {{QStringLiteral("first"), index},
                        {QStringLiteral("last"), index},
                        {QStringLiteral("entries"),
                         QJsonArray{QJsonObject{{QStringLiteral("index"), index},
                                                {QStringLiteral("term"), entryTerm},
                                                {QStringLiteral("crc"), crc}}}}});
}

inline QJsonObject commitEvent(int node, int index)
{
    return streamEvent("commit", node, 1, {{QStringLiteral("index"), index}});
}

inline QJsonObject applyEvent(int node, int first, int last)
{
    return streamEvent("apply", node, 1, {{QStringLiteral("first"), first}, {QStringLiteral("last"), last}});
}

inline QJsonObject truncateEvent(int node, int term, int index)
{
    return streamEvent("truncate", node, term, {{QStringLiteral("index"), index}});
}

// Every event of a recorded stream (one JSON object a line).
inline QList<QJsonObject> recordedStream(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    QList<QJsonObject> events;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            events << QJsonDocument::fromJson(line).object();
    }
    return events;
}

} // namespace raftlab::testing
