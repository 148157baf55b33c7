#include "clusterconfig.h"

#include <QFile>
#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSet>
#include <QStringList>

#include <cmath>
#include <limits>

namespace raftlab {

namespace {

// The same bounds as the command line (nodeoptions.cpp), so a file and a flag accept the same values.
constexpr int maxNodeId = 1'000'000;
constexpr int maxTimerMs = 3'600'000;
constexpr int maxSnapshotEvery = std::numeric_limits<int>::max();
constexpr qsizetype maxFileBytes = 1024 * 1024; // a cluster file is a few hundred bytes
constexpr qsizetype maxNameChars = 256;
constexpr qsizetype maxHostChars = 253; // the longest DNS name
constexpr qsizetype maxPathChars = 4096; // PATH_MAX

const QStringList &topLevelKeys()
{
    static const QStringList keys{
        QStringLiteral("cluster"), QStringLiteral("heartbeat_ms"), QStringLiteral("election_timeout_ms"),
        QStringLiteral("prevote"), QStringLiteral("check_quorum"), QStringLiteral("snapshot_every"),
        QStringLiteral("nodes"),   QStringLiteral("secret_file"),  QStringLiteral("members"),
    };
    return keys;
}

const QStringList &memberKeys()
{
    static const QStringList keys{QStringLiteral("id"), QStringLiteral("raft"), QStringLiteral("http")};
    return keys;
}

// A JSON value as the user wrote it, for "must be ..., not X".
QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::String: {
        QString text = value.toString();
        if (text.size() > 40)
            text = text.left(40) + QStringLiteral("...");
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

// A JSON string literal, quotes and escapes included.
QString jsonString(const QString &text)
{
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

std::optional<int> wholeNumber(const QJsonValue &value, int min, int max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (std::floor(number) != number || number < min || number > max)
        return std::nullopt;
    return static_cast<int>(number);
}

bool isIpv4Shaped(const QString &host)
{
    // ASCII digits only: QChar::isDigit() takes any script's ("１.0.0.1"), which no resolver reads, and the
    // node would then listen on every interface for want of an address.
    for (const QChar c : host) {
        if ((c < QLatin1Char('0') || c > QLatin1Char('9')) && c != QLatin1Char('.'))
            return false;
    }
    return true;
}

// Dotted decimal with exactly four parts 0..255 and no leading zeros (which some resolvers read as octal).
bool isIpv4(const QString &host)
{
    const QStringList parts = host.split(QLatin1Char('.'));
    if (parts.size() != 4)
        return false;
    for (const QString &part : parts) {
        if (part.isEmpty() || part.size() > 3 || (part.size() > 1 && part.startsWith(QLatin1Char('0'))))
            return false;
        if (part.toInt() > 255)
            return false;
    }
    return true;
}

bool isHostName(const QString &host)
{
    if (host.size() > maxHostChars)
        return false;
    for (const QString &label : host.split(QLatin1Char('.'))) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(QLatin1Char('-')) ||
            label.endsWith(QLatin1Char('-')))
            return false;
        for (const QChar c : label) {
            const bool ascii = c.unicode() < 128;
            if (!ascii || !(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_')))
                return false;
        }
    }
    return true;
}

// Why `text` is not a usable "host:port", or empty with `out` filled.
QString addressProblem(const QString &text, NodeAddress &out)
{
    QString host;
    QString portText;
    bool ipv6 = false;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0)
            return QStringLiteral("\"%1\" has no closing ']'").arg(text);
        if (close + 1 >= text.size() || text.at(close + 1) != QLatin1Char(':'))
            return QStringLiteral("\"%1\" has no port after the ']' (expected [host]:port)").arg(text);
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
        ipv6 = true;
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0)
            return QStringLiteral("\"%1\" has no port (expected host:port)").arg(text);
        host = text.left(colon);
        portText = text.mid(colon + 1);
        if (host.contains(QLatin1Char(':')))
            return QStringLiteral("an IPv6 address must be in brackets, like \"[::1]:7101\"");
    }

    if (portText.isEmpty())
        return QStringLiteral("the port is missing");
    for (const QChar c : portText) {
        if (!c.isDigit() || c.unicode() >= 128)
            return QStringLiteral("port \"%1\" is not a number").arg(portText);
    }
    const qint64 port = portText.size() > 6 ? 0 : portText.toLongLong();
    if (port < 1 || port > 65535)
        return QStringLiteral("port %1 is out of range 1..65535").arg(portText);

    if (host.isEmpty())
        return QStringLiteral("the host is empty");
    if (ipv6) {
        const QHostAddress address(host);
        if (address.protocol() != QAbstractSocket::IPv6Protocol)
            return QStringLiteral("\"%1\" is not an IPv6 address").arg(host);
        if (address == QHostAddress(QHostAddress::AnyIPv6))
            return QStringLiteral("\"::\" is not an address other nodes can connect to");
    } else if (isIpv4Shaped(host)) {
        if (!isIpv4(host))
            return QStringLiteral("\"%1\" is not a valid IPv4 address").arg(host);
        if (host == QLatin1String("0.0.0.0"))
            return QStringLiteral("0.0.0.0 is not an address other nodes can connect to");
    } else if (!isHostName(host)) {
        return QStringLiteral("\"%1\" is not a valid host name").arg(host);
    }
    out.host = host;
    out.port = static_cast<quint16>(port);
    return QString();
}

// Two spellings of one socket address compare equal: names ignore case, IPv6 is canonicalised.
QString addressKey(const NodeAddress &address)
{
    QString host = address.host.toLower();
    if (host.contains(QLatin1Char(':')))
        host = QHostAddress(address.host).toString().toLower();
    return host + QLatin1Char('|') + QString::number(address.port);
}

// Qt's JSON parser keeps the last of two equal keys without a word, and a key written twice is as
// likely a mistake as a misspelt one. This walks the text (already known to be valid JSON) and returns
// {path of the object, key} for the first key that an object repeats.
std::optional<std::pair<QString, QString>> repeatedKey(const QByteArray &json)
{
    struct Frame
    {
        bool isObject = false;
        QString path;
        QSet<QString> keys{};
        QString lastKey{};
        qsizetype index = 0;
        bool expectKey = true;
    };
    std::vector<Frame> stack;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (c == '{' || c == '[') {
            QString path;
            if (!stack.empty()) {
                const Frame &parent = stack.back();
                path = parent.isObject
                    ? (parent.path.isEmpty() ? parent.lastKey
                                             : parent.path + QLatin1Char('.') + parent.lastKey)
                    : QStringLiteral("%1[%2]").arg(parent.path).arg(parent.index);
            }
            stack.push_back(Frame{c == '{', path});
        } else if ((c == '}' || c == ']') && !stack.empty()) {
            stack.pop_back();
        } else if (c == ',' && !stack.empty()) {
            ++stack.back().index;
            stack.back().expectKey = true;
        } else if (c == ':' && !stack.empty()) {
            stack.back().expectKey = false;
        } else if (c == '"') {
            qsizetype end = i + 1;
            while (end < json.size() && json.at(end) != '"')
                end += json.at(end) == '\\' ? 2 : 1;
            if (!stack.empty() && stack.back().isObject && stack.back().expectKey) {
                Frame &object = stack.back();
                const QByteArray token = '[' + json.mid(i, end - i + 1) + ']';
                const QString key = QJsonDocument::fromJson(token).array().at(0).toString();
                if (object.keys.contains(key))
                    return std::pair{object.path, key};
                object.keys.insert(key);
                object.lastKey = key;
            }
            i = end;
        }
    }
    return std::nullopt;
}

// The parser: each step returns the one-line error, or empty to go on.
class Parser
{
public:
    explicit Parser(const QString &sourceName)
        : m_source(sourceName)
    { }

    QString parse(const QByteArray &json, ClusterConfig &config) const;

private:
    QString error(const QString &field, const QString &what) const
    {
        if (field.isEmpty())
            return QStringLiteral("%1: %2").arg(m_source, what);
        return QStringLiteral("%1: %2: %3").arg(m_source, field, what);
    }
    QString unknownKey(const QJsonObject &object, const QStringList &known, const QString &where) const;
    QString readInt(const QJsonObject &object, const QString &key, int min, int max, int &out) const;
    QString readBool(const QJsonObject &object, const QString &key, bool &out) const;
    QString readName(const QJsonObject &object, QString &out) const;
    QString readSecretFile(const QJsonObject &object, QString &out) const;
    QString readTiming(const QJsonObject &object, ClusterConfig &config) const;
    QString readMembers(const QJsonObject &object, std::vector<ClusterMember> &out) const;
    QString readInitialMembers(const QJsonObject &object, ClusterConfig &config) const;
    QString readMember(const QJsonValue &value, const QString &where, ClusterMember &out) const;

    QString m_source;
};

QString Parser::parse(const QByteArray &json, ClusterConfig &config) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return error(QString(),
                     QStringLiteral("not valid JSON at byte %1: %2")
                         .arg(parseError.offset)
                         .arg(parseError.errorString()));
    if (!document.isObject())
        return error(QString(),
                     QStringLiteral("must be a JSON object like {\"cluster\": ..., \"nodes\": [...]}"));
    if (const auto repeated = repeatedKey(json))
        return error(repeated->first, QStringLiteral("key \"%1\" appears twice").arg(repeated->second));
    const QJsonObject object = document.object();
    if (QString problem = unknownKey(object, topLevelKeys(), QString()); !problem.isEmpty())
        return problem;

    ClusterConfig result;
    // Every step runs (left to right, as a braced list guarantees); the first problem is the one reported.
    for (const QString &problem :
         {readName(object, result.name), readTiming(object, result),
          readBool(object, QStringLiteral("prevote"), result.preVote),
          readBool(object, QStringLiteral("check_quorum"), result.checkQuorum),
          readInt(object, QStringLiteral("snapshot_every"), 1, maxSnapshotEvery, result.snapshotEvery),
          readMembers(object, result.members), readInitialMembers(object, result),
          readSecretFile(object, result.secretFile)}) {
        if (!problem.isEmpty())
            return problem;
    }
    config = std::move(result);
    return QString();
}

QString Parser::unknownKey(const QJsonObject &object, const QStringList &known, const QString &where) const
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return error(where,
                         QStringLiteral("unknown key \"%1\" (expected %2)")
                             .arg(it.key(), known.join(QStringLiteral(", "))));
    }
    return QString();
}

QString Parser::readInt(const QJsonObject &object, const QString &key, int min, int max, int &out) const
{
    if (!object.contains(key))
        return QString(); // the caller's default stands
    const QJsonValue value = object.value(key);
    const auto number = wholeNumber(value, min, max);
    if (!number)
        return error(key,
                     QStringLiteral("must be a whole number from %1 to %2, not %3")
                         .arg(min)
                         .arg(max)
                         .arg(describe(value)));
    out = *number;
    return QString();
}

QString Parser::readBool(const QJsonObject &object, const QString &key, bool &out) const
{
    if (!object.contains(key))
        return QString();
    const QJsonValue value = object.value(key);
    if (!value.isBool())
        return error(key, QStringLiteral("must be true or false, not %1").arg(describe(value)));
    out = value.toBool();
    return QString();
}

QString Parser::readName(const QJsonObject &object, QString &out) const
{
    const QString key = QStringLiteral("cluster");
    if (!object.contains(key))
        return error(QString(), QStringLiteral("missing \"cluster\" (the cluster's name)"));
    const QJsonValue value = object.value(key);
    if (!value.isString() || value.toString().trimmed().isEmpty())
        return error(key, QStringLiteral("must be a non-empty name, not %1").arg(describe(value)));
    const QString name = value.toString();
    if (name.size() > maxNameChars)
        return error(key, QStringLiteral("is longer than %1 characters").arg(maxNameChars));
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control)
            return error(key, QStringLiteral("must not contain control characters"));
    }
    out = name;
    return QString();
}

QString Parser::readSecretFile(const QJsonObject &object, QString &out) const
{
    const QString key = QStringLiteral("secret_file");
    if (!object.contains(key))
        return QString();
    const QJsonValue value = object.value(key);
    if (!value.isString() || value.toString().isEmpty())
        return error(key,
                     QStringLiteral("must be the path of a file holding the cluster secret, not %1")
                         .arg(describe(value)));
    const QString path = value.toString();
    if (path.size() > maxPathChars)
        return error(key, QStringLiteral("is longer than %1 characters").arg(maxPathChars));
    for (const QChar c : path) {
        if (c.category() == QChar::Other_Control)
            return error(key, QStringLiteral("must not contain control characters"));
    }
    out = path;
    return QString();
}

QString Parser::readTiming(const QJsonObject &object, ClusterConfig &config) const
{
    const QString heartbeatKey = QStringLiteral("heartbeat_ms");
    if (QString problem = readInt(object, heartbeatKey, 1, maxTimerMs, config.heartbeatMs);
        !problem.isEmpty())
        return problem;

    const QString timeoutKey = QStringLiteral("election_timeout_ms");
    if (object.contains(timeoutKey)) {
        const QJsonValue value = object.value(timeoutKey);
        const QJsonArray range = value.toArray();
        if (!value.isArray() || range.size() != 2)
            return error(timeoutKey,
                         QStringLiteral("must be [min, max] in milliseconds, not %1")
                             .arg(value.isArray() ? QStringLiteral("an array of %1").arg(range.size())
                                                  : describe(value)));
        int bounds[2] = {0, 0};
        for (int i = 0; i < 2; ++i) {
            const auto number = wholeNumber(range.at(i), 1, maxTimerMs);
            if (!number)
                return error(QStringLiteral("%1[%2]").arg(timeoutKey).arg(i),
                             QStringLiteral("must be a whole number from 1 to %1, not %2")
                                 .arg(maxTimerMs)
                                 .arg(describe(range.at(i))));
            bounds[i] = *number;
        }
        if (bounds[0] >= bounds[1])
            return error(timeoutKey,
                         QStringLiteral("min %1 must be less than max %2").arg(bounds[0]).arg(bounds[1]));
        config.electionTimeoutMs = MillisecondRange{bounds[0], bounds[1]};
    }

    if (config.heartbeatMs >= config.electionTimeoutMs.minMs)
        return error(heartbeatKey,
                     QStringLiteral("%1 must be shorter than the smallest election timeout (%2%3)")
                         .arg(config.heartbeatMs)
                         .arg(config.electionTimeoutMs.minMs)
                         .arg(object.contains(timeoutKey) ? QString() : QStringLiteral(", the default")));
    return QString();
}

QString Parser::readMembers(const QJsonObject &object, std::vector<ClusterMember> &out) const
{
    const QString key = QStringLiteral("nodes");
    if (!object.contains(key))
        return error(QString(), QStringLiteral("missing \"nodes\" (the cluster's members)"));
    const QJsonValue value = object.value(key);
    if (!value.isArray() || value.toArray().isEmpty())
        return error(key,
                     QStringLiteral("must be a non-empty array of nodes, not %1")
                         .arg(value.isArray() ? QStringLiteral("an empty array") : describe(value)));

    const QJsonArray nodes = value.toArray();
    std::vector<ClusterMember> members;
    QHash<QString, QString> addressUsers; // address key -> "nodes[i].raft"
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const QString where = QStringLiteral("nodes[%1]").arg(i);
        ClusterMember member;
        if (QString problem = readMember(nodes.at(i), where, member); !problem.isEmpty())
            return problem;
        for (qsizetype j = 0; j < i; ++j) {
            if (members[j].id == member.id)
                return error(where + QStringLiteral(".id"),
                             QStringLiteral("%1 is already the id of nodes[%2]").arg(member.id.value).arg(j));
        }
        const std::pair<const NodeAddress *, QString> addresses[] = {
            {&member.raft, where + QStringLiteral(".raft")},
            {&member.http, where + QStringLiteral(".http")},
        };
        for (const auto &[address, field] : addresses) {
            const QString addressKeyText = addressKey(*address);
            if (const auto used = addressUsers.constFind(addressKeyText); used != addressUsers.cend())
                return error(field,
                             QStringLiteral("%1 is already used by %2").arg(address->toString(), *used));
            addressUsers.insert(addressKeyText, field);
        }
        members.push_back(std::move(member));
    }
    out = std::move(members);
    return QString();
}

QString Parser::readInitialMembers(const QJsonObject &object, ClusterConfig &config) const
{
    const QString key = QStringLiteral("members");
    if (!object.contains(key) || config.members.empty())
        return QString(); // every node; or "nodes" already has a problem of its own
    const QJsonValue value = object.value(key);
    if (!value.isArray() || value.toArray().isEmpty())
        return error(key,
                     QStringLiteral("must be a non-empty array of node ids, not %1")
                         .arg(value.isArray() ? QStringLiteral("an empty array") : describe(value)));
    const QJsonArray ids = value.toArray();
    std::vector<NodeId> members;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QString where = QStringLiteral("members[%1]").arg(i);
        const auto id = wholeNumber(ids.at(i), 1, maxNodeId);
        if (!id || !config.member(NodeId(static_cast<std::uint32_t>(*id))))
            return error(
                where, QStringLiteral("must be the id of one of \"nodes\", not %1").arg(describe(ids.at(i))));
        const NodeId member(static_cast<std::uint32_t>(*id));
        if (std::find(members.begin(), members.end(), member) != members.end())
            return error(where, QStringLiteral("%1 is listed twice").arg(member.value));
        members.push_back(member);
    }
    config.initialMembers = std::move(members);
    return QString();
}

QString Parser::readMember(const QJsonValue &value, const QString &where, ClusterMember &out) const
{
    if (!value.isObject())
        return error(where,
                     QStringLiteral("must be an object like {\"id\": 1, \"raft\": \"host:port\", "
                                    "\"http\": \"host:port\"}, not %1")
                         .arg(describe(value)));
    const QJsonObject object = value.toObject();
    if (QString problem = unknownKey(object, memberKeys(), where); !problem.isEmpty())
        return problem;
    for (const QString &key : memberKeys()) {
        if (!object.contains(key))
            return error(where, QStringLiteral("missing \"%1\"").arg(key));
    }

    const QJsonValue id = object.value(QStringLiteral("id"));
    const auto idNumber = wholeNumber(id, 1, maxNodeId);
    if (!idNumber)
        return error(
            where + QStringLiteral(".id"),
            QStringLiteral("must be a whole number from 1 to %1, not %2").arg(maxNodeId).arg(describe(id)));
    out.id = NodeId(static_cast<std::uint32_t>(*idNumber));

    for (const auto &[key, address] :
         {std::pair{QStringLiteral("raft"), &out.raft}, std::pair{QStringLiteral("http"), &out.http}}) {
        const QJsonValue text = object.value(key);
        const QString field = where + QLatin1Char('.') + key;
        if (!text.isString())
            return error(field, QStringLiteral("must be a \"host:port\" string, not %1").arg(describe(text)));
        if (QString problem = addressProblem(text.toString(), *address); !problem.isEmpty())
            return error(field, problem);
    }
    return QString();
}

} // namespace

QString NodeAddress::toString() const
{
    const QString hostText =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return hostText + QLatin1Char(':') + QString::number(port);
}

const ClusterMember *ClusterConfig::member(NodeId id) const
{
    for (const ClusterMember &candidate : members) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

std::vector<NodeId> ClusterConfig::bootstrapVoters() const
{
    if (!initialMembers.empty())
        return initialMembers;
    std::vector<NodeId> ids;
    for (const ClusterMember &m : members)
        ids.push_back(m.id);
    return ids;
}

QByteArray ClusterConfig::toJson() const
{
    const auto boolText = [](bool value) {
        return value ? QStringLiteral("true") : QStringLiteral("false");
    };
    QStringList nodeLines;
    for (const ClusterMember &m : members) {
        nodeLines << QStringLiteral("    {\"id\": %1, \"raft\": %2, \"http\": %3}")
                         .arg(QString::number(m.id.value), jsonString(m.raft.toString()),
                              jsonString(m.http.toString()));
    }
    const QString text =
        QStringLiteral("{\n"
                       "  \"cluster\": %1,\n"
                       "  \"heartbeat_ms\": %2,\n"
                       "  \"election_timeout_ms\": [%3, %4],\n"
                       "  \"prevote\": %5,\n"
                       "  \"check_quorum\": %6,\n"
                       "  \"snapshot_every\": %7,\n"
                       "  \"nodes\": [\n%8\n"
                       "  ]\n"
                       "}\n")
            // One pass: a name containing "%2" is not substituted again.
            .arg(jsonString(name), QString::number(heartbeatMs), QString::number(electionTimeoutMs.minMs),
                 QString::number(electionTimeoutMs.maxMs), boolText(preVote), boolText(checkQuorum),
                 QString::number(snapshotEvery), nodeLines.join(QStringLiteral(",\n")));
    // Inserted, not a placeholder: a value containing "%8" must not be substituted again. Every quote in
    // the name is escaped, so the first line opening "nodes" is the real one.
    QString withExtras = text;
    if (!initialMembers.empty()) {
        QStringList ids;
        for (NodeId id : initialMembers)
            ids << QString::number(id.value);
        withExtras.insert(withExtras.indexOf(QStringLiteral("\n  \"nodes\": [\n")) + 1,
                          QStringLiteral("  \"members\": [%1],\n").arg(ids.join(QStringLiteral(", "))));
    }
    if (!secretFile.isEmpty())
        withExtras.insert(withExtras.indexOf(QStringLiteral("\n  \"nodes\": [\n")) + 1,
                          QStringLiteral("  \"secret_file\": %1,\n").arg(jsonString(secretFile)));
    return withExtras.toUtf8();
}

bool operator==(const ClusterConfig &a, const ClusterConfig &b)
{
    return a.name == b.name && a.heartbeatMs == b.heartbeatMs &&
        a.electionTimeoutMs.minMs == b.electionTimeoutMs.minMs &&
        a.electionTimeoutMs.maxMs == b.electionTimeoutMs.maxMs && a.preVote == b.preVote &&
        a.checkQuorum == b.checkQuorum && a.snapshotEvery == b.snapshotEvery && a.members == b.members &&
        a.initialMembers == b.initialMembers && a.secretFile == b.secretFile;
}

QString loadClusterConfig(const QString &path, ClusterConfig &out)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
    if (file.size() > maxFileBytes)
        return QStringLiteral("%1: is %2 bytes, larger than a cluster file can be (%3)")
            .arg(path)
            .arg(file.size())
            .arg(maxFileBytes);
    const QByteArray bytes = file.read(maxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
    if (bytes.size() > maxFileBytes)
        return QStringLiteral("%1: is larger than a cluster file can be (%2 bytes)")
            .arg(path)
            .arg(maxFileBytes);
    return parseClusterConfig(bytes, path, out);
}

QString parseClusterConfig(const QByteArray &json, const QString &sourceName, ClusterConfig &out)
{
    return Parser(sourceName).parse(json, out);
}

std::optional<NodeAddress> parseNodeAddress(const QString &text)
{
    NodeAddress address;
    if (!addressProblem(text, address).isEmpty())
        return std::nullopt;
    return address;
}

} // namespace raftlab
