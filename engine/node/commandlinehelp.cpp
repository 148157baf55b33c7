#include "commandlinehelp.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <algorithm>

namespace raftlab {

namespace {

// The command line's sentences, for translators under the context "CommandLine".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("CommandLine", sourceText);
}

} // namespace

QCommandLineOption helpOption()
{
    return QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help and exit."));
}

QCommandLineOption versionOption()
{
    return QCommandLineOption({QStringLiteral("v"), QStringLiteral("version")},
                              tr("Show the version and exit."));
}

QString commandLineFailure(const QString &program, const QString &reason)
{
    return tr("%1: %2 (see %1 --help)").arg(program, reason);
}

bool settleCommonOptions(QCommandLineParser &parser, const QStringList &arguments, const ProgramText &program,
                         const QList<QCommandLineOption> &options, CommandLineAction &action, QString &text)
{
    const auto settle = [&action, &text](CommandLineAction settled, const QString &words) {
        action = settled;
        text = words;
        return true;
    };
    if (!parser.parse(arguments)) {
        // Qt names an unknown option without its dashes ("Unknown option 'bogus'"): name it as typed.
        if (const QStringList unknown = parser.unknownOptionNames(); !unknown.isEmpty()) {
            const QString &name = unknown.constFirst();
            const QString typed = (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
            return settle(CommandLineAction::Fail,
                          commandLineFailure(program.program, tr("unknown option '%1'").arg(typed)));
        }
        return settle(CommandLineAction::Fail,
                      commandLineFailure(program.program, parser.errorText().remove(QLatin1Char('\n'))));
    }
    if (parser.isSet(QStringLiteral("help")))
        return settle(CommandLineAction::ShowHelp,
                      commandLineHelp(program.synopsis, program.description, options));
    if (parser.isSet(QStringLiteral("version")))
        return settle(CommandLineAction::ShowVersion,
                      QStringLiteral("%1 %2").arg(program.program, QStringLiteral(RAFTLAB_VERSION)));
    if (!parser.positionalArguments().isEmpty())
        return settle(CommandLineAction::Fail,
                      commandLineFailure(
                          program.program,
                          tr("unexpected argument '%1'").arg(parser.positionalArguments().constFirst())));
    // Given twice, which one did the user mean? Neither is taken silently.
    for (const QCommandLineOption &option : options) {
        const QStringList values = parser.values(option);
        if (!option.valueName().isEmpty() && values.size() > 1)
            return settle(CommandLineAction::Fail,
                          commandLineFailure(program.program,
                                             tr("--%1 is given %2 times ('%3'): give it once")
                                                 .arg(option.names().constLast())
                                                 .arg(values.size())
                                                 .arg(values.join(QStringLiteral("', '")))));
    }
    return false;
}

QString commandLineHelp(const QString &synopsis, const QString &description,
                        const QList<QCommandLineOption> &options)
{
    QString help = tr("Usage: %1\n\n%2\n\nOptions:\n").arg(synopsis, description);
    for (const QCommandLineOption &option : options) {
        QStringList names;
        for (const QString &name : option.names())
            names << (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
        QString left = names.join(QStringLiteral(", "));
        if (!option.valueName().isEmpty())
            left += QLatin1Char(' ') + option.valueName();
        QString right = option.description();
        if (!option.defaultValues().isEmpty())
            right += tr(" (default: %1)").arg(option.defaultValues().join(QLatin1Char(',')));
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
