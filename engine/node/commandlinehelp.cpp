#include "commandlinehelp.h"

#include <algorithm>

namespace raftlab {

QString commandLineHelp(const QString &synopsis, const QString &description,
                        const QList<QCommandLineOption> &options)
{
    QString help = QStringLiteral("Usage: %1\n\n%2\n\nOptions:\n").arg(synopsis, description);
    for (const QCommandLineOption &option : options) {
        QStringList names;
        for (const QString &name : option.names())
            names << (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
        QString left = names.join(QStringLiteral(", "));
        if (!option.valueName().isEmpty())
            left += QLatin1Char(' ') + option.valueName();
        QString right = option.description();
        if (!option.defaultValues().isEmpty())
            right += QStringLiteral(" (default: %1)").arg(option.defaultValues().join(QLatin1Char(',')));
        help += QStringLiteral("  %1  %2\n").arg(left, -34).arg(right);
    }
    return help;
}

std::optional<int> parseBoundedInt(const QString &text, int min, int max)
{
    // QString::toLongLong forgives surrounding spaces and a '+'; a typed value gets no such mercy.
    const bool digitsOnly = !text.isEmpty() &&
        std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit() || c == QLatin1Char('-'); });
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok, 10);
    if (!digitsOnly || !ok || value < min || value > max)
        return std::nullopt;
    return static_cast<int>(value);
}

} // namespace raftlab
