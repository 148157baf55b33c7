#include "writecondition.h"

#include "httpresponses.h"

namespace raftlab {

namespace {

const QByteArray ifValueName = "if_value";
const QByteArray ifAbsentName = "if_absent";
const QByteArray timeoutName = "timeout_ms";

} // namespace

QString parseWriteCondition(const QByteArray &encodedQuery, WriteKind kind, WriteCondition &out)
{
    out = WriteCondition();
    if (encodedQuery.isEmpty())
        return QString();
    // The raw query, split by hand: QUrlQuery hands values over as QString, which would turn bytes that
    // are not UTF-8 into U+FFFD, and then the comparison would look for another value than the client's.
    const QByteArray &query = encodedQuery;
    bool seenValue = false;
    bool seenAbsent = false;
    for (QByteArray item : query.split('&')) {
        if (item.isEmpty())
            continue;
        // Form encoding, as curl --url-query and browsers write it: '+' is a space, "%2B" a plus sign.
        item.replace('+', ' ');
        const qsizetype equals = item.indexOf('=');
        const QByteArray name = QByteArray::fromPercentEncoding(equals < 0 ? item : item.left(equals));
        const QByteArray value =
            equals < 0 ? QByteArray() : QByteArray::fromPercentEncoding(item.mid(equals + 1));
        if (name == timeoutName)
            continue; // read by timeoutFrom()
        if (name == ifValueName) {
            if (seenValue)
                return QStringLiteral("if_value is given twice");
            seenValue = true;
            if (const QString problem = KvStore::validateValueSize(value.size()); !problem.isEmpty())
                return QStringLiteral("if_value: %1").arg(problem);
            out.kind = KvCondition::IfValue;
            out.expected = value;
            continue;
        }
        if (name == ifAbsentName) {
            if (seenAbsent)
                return QStringLiteral("if_absent is given twice");
            seenAbsent = true;
            if (kind == WriteKind::Delete)
                return QStringLiteral(
                    "a delete takes if_value only (deleting an absent key changes nothing)");
            if (value != "true")
                return QStringLiteral("if_absent must be 'true'");
            out.kind = KvCondition::IfAbsent;
            continue;
        }
        return QStringLiteral(
                   "unknown query parameter '%1' (a write takes if_value, if_absent and timeout_ms)")
            .arg(QString::fromUtf8(name.left(64)));
    }
    if (seenValue && seenAbsent)
        return QStringLiteral("if_value and if_absent exclude each other");
    return QString();
}

QByteArray encodeWrite(const QByteArray &key, const std::optional<QByteArray> &value,
                       const WriteCondition &condition)
{
    switch (condition.kind) {
    case KvCondition::None:
        break;
    case KvCondition::IfValue:
        return value ? KvStore::encodePutIfValue(key, condition.expected, *value)
                     : KvStore::encodeDeleteIfValue(key, condition.expected);
    case KvCondition::IfAbsent:
        if (value)
            return KvStore::encodePutIfAbsent(key, *value);
        break; // refused by parseWriteCondition()
    }
    return value ? KvStore::encodePut(key, *value) : KvStore::encodeDelete(key);
}

PendingRequests::Answer compareFailedAnswer(const WriteCondition &condition, WriteKind kind,
                                            std::uint64_t index, std::uint64_t term)
{
    const QString nothing = kind == WriteKind::Put ? QStringLiteral("nothing was written")
                                                   : QStringLiteral("nothing was deleted");
    const QString message = condition.kind == KvCondition::IfAbsent
        ? QStringLiteral("the key exists; %1").arg(nothing)
        : QStringLiteral("the key does not hold the expected value; %1").arg(nothing);
    QJsonObject body = errorJson(QStringLiteral("compare_failed"), message);
    body.insert(QStringLiteral("index"), static_cast<qint64>(index));
    body.insert(QStringLiteral("term"), static_cast<qint64>(term));
    return jsonAnswer(QHttpServerResponder::StatusCode::PreconditionFailed, body);
}

} // namespace raftlab
