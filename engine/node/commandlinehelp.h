#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>

#include <optional>

namespace raftlab {

// Help text for a program's options. QCommandLineParser::helpText() takes the program name from the
// application object; this one needs none, so `--help` works before (and without) any QApplication.
QString commandLineHelp(const QString &synopsis, const QString &description,
                        const QList<QCommandLineOption> &options);

// The whole text must be a decimal integer in [min, max]; anything else is nullopt.
std::optional<int> parseBoundedInt(const QString &text, int min, int max);

} // namespace raftlab
