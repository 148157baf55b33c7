#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QCommandLineParser;

namespace raftlab {

// Help text for a program's options. QCommandLineParser::helpText() takes the program name from the
// application object; this one needs none, so `--help` works before (and without) any QApplication.
QString commandLineHelp(const QString &synopsis, const QString &description,
                        const QList<QCommandLineOption> &options);

// What a program does with its command line: run, print its help or version, or fail with one line.
enum class CommandLineAction { Run, ShowHelp, ShowVersion, Fail };

// How a program introduces itself in its help and its errors.
struct ProgramText
{
    QString program; // "raftlab-node"
    QString synopsis; // the usage lines after "Usage: "
    QString description;
};

// --help and --version, which every program of the project has, first in its option list.
QCommandLineOption helpOption();
QCommandLineOption versionOption();

// "<program>: <reason> (see <program> --help)": a failed command line's one line.
QString commandLineFailure(const QString &program, const QString &reason);

// What every program's command line settles alike before its own options: `parser`, holding `options`
// (helpOption() and versionOption() among them), parses `arguments`; a parse error, --help, --version
// and a stray positional argument are settled in `action` and `text`. Returns whether they were (the
// caller returns at once); false leaves both untouched and the program's own options to the caller.
bool settleCommonOptions(QCommandLineParser &parser, const QStringList &arguments, const ProgramText &program,
                         const QList<QCommandLineOption> &options, CommandLineAction &action, QString &text);

// The whole text must be a decimal integer in [min, max]; anything else is nullopt.
std::optional<int> parseBoundedInt(const QString &text, int min, int max);

} // namespace raftlab
