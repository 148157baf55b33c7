#include "historyjson.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>

namespace raftlab::check {

namespace {

// What a user reads, for translators under the context "HistoryJson".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("HistoryJson", sourceText);
}

std::optional<HistoryError> fieldError(const QString &field, const QString &message)
{
    return HistoryError{0, field, message};
}

// A whole number that a double carries exactly (JSON numbers are doubles here).
std::optional<qint64> wholeNumber(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    constexpr double exactLimit = 9007199254740992.0; // 2^53
    if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > exactLimit)
        return std::nullopt;
    return static_cast<qint64>(d);
}

bool missingOrNull(const QJsonObject &object, const QString &name)
{
    const auto found = object.constFind(name);
    return found == object.constEnd() || found->isNull();
}

// A string, or nullopt for null; `ok` false for anything else (including a missing field).
std::optional<QString> stringOrNull(const QJsonObject &object, const QString &name, bool &ok)
{
    const auto found = object.constFind(name);
    ok = found != object.constEnd() && (found->isString() || found->isNull());
    if (!ok || found->isNull())
        return std::nullopt;
    return found->toString();
}

std::optional<HistoryError> readValues(const QJsonObject &object, Operation &out)
{
    const QString value = QStringLiteral("value");
    const QString expect = QStringLiteral("expect");
    const QString swapped = QStringLiteral("swapped");
    if (out.kind != OpKind::Cas && !missingOrNull(object, expect))
        return fieldError(expect, tr("only a cas has an expected value"));
    if (out.kind != OpKind::Cas && !missingOrNull(object, swapped))
        return fieldError(swapped, tr("only a cas has swapped"));
    bool ok = false;
    switch (out.kind) {
    case OpKind::Put:
        if (!object.value(value).isString())
            return fieldError(value, tr("a put needs the string it writes"));
        out.value = object.value(value).toString();
        return std::nullopt;
    case OpKind::Delete:
        if (!missingOrNull(object, value))
            return fieldError(value, tr("a delete has no value"));
        return std::nullopt;
    case OpKind::Get:
        out.value = stringOrNull(object, value, ok);
        if (!ok && out.result == OpResult::Ok)
            return fieldError(value, tr("an ok get needs the string it read, or null for not found"));
        if (!ok && !missingOrNull(object, value))
            return fieldError(value, tr("must be a string or null"));
        return std::nullopt;
    case OpKind::Cas:
        out.expect = stringOrNull(object, expect, ok);
        if (!ok)
            return fieldError(expect, tr("a cas needs the string it compares with, or null for absent"));
        out.value = stringOrNull(object, value, ok);
        if (!ok)
            return fieldError(value, tr("a cas needs the string it sets, or null to delete"));
        if (out.result == OpResult::Ok) {
            if (!object.value(swapped).isBool())
                return fieldError(swapped, tr("an ok cas says whether it swapped: true or false"));
            out.swapped = object.value(swapped).toBool();
        } else if (!missingOrNull(object, swapped)) {
            return fieldError(swapped, tr("only an ok cas knows whether it swapped: null or left out"));
        }
        return std::nullopt;
    }
    return std::nullopt;
}

void appendJsonString(QByteArray &out, const QString &text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.append('"');
    for (const char c : text.toUtf8()) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (byte < 0x20) {
                out.append("\\u00");
                out.append(hex[byte >> 4]);
                out.append(hex[byte & 0xf]);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
}

void appendStringOrNull(QByteArray &out, const std::optional<QString> &text)
{
    if (text)
        appendJsonString(out, *text);
    else
        out.append("null");
}

} // namespace

QString HistoryError::toString() const
{
    if (field.isEmpty())
        return tr("line %1: %2").arg(line).arg(message);
    return tr("line %1: %2: %3").arg(line).arg(field, message);
}

std::optional<HistoryError> operationFromJsonLine(QByteArrayView line, Operation &out)
{
    QJsonParseError parseError;
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fieldError(
            QString(),
            tr("not JSON (%1 at character %2)").arg(parseError.errorString()).arg(parseError.offset + 1));
    if (!document.isObject())
        return fieldError(QString(), tr("not a JSON object"));
    const QJsonObject object = document.object();
    out = Operation();

    const QString client = QStringLiteral("client");
    const std::optional<qint64> clientId = wholeNumber(object.value(client));
    if (!clientId || *clientId < 0)
        return fieldError(client, tr("must be a whole number >= 0"));
    out.client = *clientId;

    const QString op = QStringLiteral("op");
    const std::optional<OpKind> kind = opKindFromName(object.value(op).toString());
    if (!kind)
        return fieldError(op, tr("must be put, get, delete or cas"));
    out.kind = *kind;

    const QString key = QStringLiteral("key");
    if (!object.value(key).isString() || object.value(key).toString().isEmpty())
        return fieldError(key, tr("must be a non-empty string"));
    out.key = object.value(key).toString();

    const QString result = QStringLiteral("result");
    const std::optional<OpResult> outcome = opResultFromName(object.value(result).toString());
    if (!outcome)
        return fieldError(result, tr("must be ok, fail or unknown"));
    out.result = *outcome;

    const QString invoke = QStringLiteral("invoke_us");
    const std::optional<qint64> invokeUs = wholeNumber(object.value(invoke));
    if (!invokeUs)
        return fieldError(invoke, tr("must be a whole number of microseconds"));
    out.invokeUs = *invokeUs;

    const QString complete = QStringLiteral("complete_us");
    if (!missingOrNull(object, complete)) {
        const std::optional<qint64> completeUs = wholeNumber(object.value(complete));
        if (!completeUs)
            return fieldError(complete, tr("must be a whole number of microseconds, or null"));
        if (*completeUs < out.invokeUs)
            return fieldError(complete, tr("earlier than invoke_us"));
        out.completeUs = completeUs;
    } else if (out.result == OpResult::Ok) {
        return fieldError(complete, tr("an ok operation has a completion time"));
    }
    return readValues(object, out);
}

std::optional<HistoryError> readJsonLines(const QByteArray &text, History &out,
                                          std::vector<qsizetype> *lineNumbers)
{
    qsizetype lineNumber = 0;
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        ++lineNumber;
        QByteArrayView line(text.constData() + start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        Operation operation;
        if (std::optional<HistoryError> error = operationFromJsonLine(line, operation)) {
            error->line = lineNumber;
            return error;
        }
        out.append(std::move(operation));
        if (lineNumbers)
            lineNumbers->push_back(lineNumber);
    }
    return std::nullopt;
}

QByteArray toJsonLine(const Operation &operation)
{
    QByteArray out;
    out.reserve(128 + operation.key.size() + (operation.value ? operation.value->size() : 0));
    out.append("{\"client\":").append(QByteArray::number(operation.client));
    out.append(",\"op\":\"").append(opKindName(operation.kind).toLatin1()).append('"');
    out.append(",\"key\":");
    appendJsonString(out, operation.key);
    if (operation.kind == OpKind::Cas) {
        out.append(",\"expect\":");
        appendStringOrNull(out, operation.expect);
    }
    if (operation.kind != OpKind::Delete) {
        out.append(",\"value\":");
        appendStringOrNull(out, operation.value);
    }
    if (operation.kind == OpKind::Cas)
        out.append(",\"swapped\":")
            .append(!operation.swapped       ? "null"
                        : *operation.swapped ? "true"
                                             : "false");
    out.append(",\"invoke_us\":").append(QByteArray::number(operation.invokeUs));
    out.append(",\"complete_us\":");
    if (operation.completeUs)
        out.append(QByteArray::number(*operation.completeUs));
    else
        out.append("null");
    out.append(",\"result\":\"").append(opResultName(operation.result).toLatin1()).append("\"}\n");
    return out;
}

QByteArray toJsonLines(const History &history)
{
    QByteArray out;
    for (const Operation &operation : history.operations())
        out.append(toJsonLine(operation));
    return out;
}

} // namespace raftlab::check
