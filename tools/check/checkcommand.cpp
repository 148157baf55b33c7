#include "checkcommand.h"

#include "check/historyjson.h"
#include "check/linearizability.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <vector>

namespace raftlab::check {

namespace {

constexpr double defaultBudgetS = 60;
constexpr double maxBudgetS = 7 * 24 * 3600;

const char *const usage =
    "Usage: raftlab-check [--budget-s S] HISTORY.jsonl...\n"
    "\n"
    "Decides whether client histories of the RaftLab key-value store are linearizable: whether\n"
    "one order of the operations, each at an instant between its invocation and its completion,\n"
    "explains every answer. Keys are independent. A history is JSON Lines, one operation per\n"
    "line: "
    "{\"client\",\"op\",\"key\",\"value\",\"expect\",\"swapped\",\"invoke_us\",\"complete_us\",\"result\"}.\n"
    "\n"
    "Options:\n"
    "  -h, --help                          Show this help and exit.\n"
    "  -v, --version                       Show the version and exit.\n"
    "  --budget-s S                        Seconds to decide each history, and as many again to\n"
    "                                      shrink a violation to a smallest set. (default: 60)\n"
    "\n"
    "Exit status: 0 linearizable; 1 not linearizable (prints the key, the smallest set of\n"
    "operations that admit no order, and why); 4 undecided within the budget; 2 a bad flag,\n"
    "file or line.\n";

struct Input
{
    QString path;
    QByteArray text;
    History history;
    std::vector<qsizetype> lines; // of each operation
};

QString quotedKey(const QString &key)
{
    QString escaped = key;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString duration(qint64 us)
{
    if (us < 1'000'000)
        return QStringLiteral("%1 ms").arg(double(us) / 1e3, 0, 'f', 1);
    return QStringLiteral("%1 s").arg(double(us) / 1e6, 0, 'f', 2);
}

QString count(qsizetype n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

// Line `line` (1-based) of `text`, without its line end.
QByteArrayView lineOf(const QByteArray &text, qsizetype line)
{
    qsizetype start = 0;
    for (qsizetype n = 1; n < line; ++n)
        start = text.indexOf('\n', start) + 1;
    qsizetype end = text.indexOf('\n', start);
    if (end < 0)
        end = text.size();
    QByteArrayView view(text.constData() + start, end - start);
    return view.endsWith('\r') ? view.chopped(1) : view;
}

int report(const Input &input, const CheckReport &result, double budgetS, QTextStream &out)
{
    const qint64 tookUs = result.checkUs + result.shrinkUs;
    switch (result.verdict) {
    case CheckReport::Verdict::Linearizable:
        out << input.path << ": linearizable: " << count(result.operations, "operation", "operations") << ", "
            << count(result.keys, "key", "keys") << ", checked in " << duration(tookUs) << '\n';
        return ExitCode::Linearizable;
    case CheckReport::Verdict::Undecided: {
        QStringList keys;
        for (const QString &key : result.undecidedKeys.mid(0, 5))
            keys << quotedKey(key);
        if (result.undecidedKeys.size() > 5)
            keys << QStringLiteral("…");
        out << input.path << ": undecided: " << result.undecidedKeys.size() << " of "
            << count(result.keys, "key", "keys") << " could not be decided within " << budgetS << " s ("
            << keys.join(QStringLiteral(", ")) << "); no violation in the others ("
            << count(result.operations, "operation", "operations") << ")\n";
        return ExitCode::Undecided;
    }
    case CheckReport::Verdict::NotLinearizable:
        break;
    }
    out << input.path << ": not linearizable: key " << quotedKey(result.key) << ": " << result.witness.size()
        << " of its " << count(result.keyOperations, "operation", "operations")
        << (result.witness.size() == 1 ? " admits" : " admit") << " no order";
    if (!result.witnessMinimal)
        out << " (the budget ran out before this set could be shrunk further)";
    out << '\n';
    std::vector<History::Id> byLine = result.witness;
    std::sort(byLine.begin(), byLine.end());
    for (const History::Id id : byLine) {
        const qsizetype line = input.lines[std::size_t(id)];
        out << "  line " << line << ": " << QString::fromUtf8(lineOf(input.text, line)) << '\n';
    }
    out << result.explanation << '\n';
    return ExitCode::NotLinearizable;
}

} // namespace

int runCheckCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    const auto bad = [&err](const QString &reason) {
        err << "raftlab-check: " << reason << " (see raftlab-check --help)\n";
        err.flush();
        return int(ExitCode::BadInput);
    };
    double budgetS = defaultBudgetS;
    QStringList paths;
    bool onlyFiles = false;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        if (onlyFiles || !argument.startsWith(QLatin1Char('-')) || argument == QLatin1String("-")) {
            paths << argument;
        } else if (argument == QLatin1String("--")) {
            onlyFiles = true;
        } else if (argument == QLatin1String("-h") || argument == QLatin1String("--help")) {
            out << usage;
            return ExitCode::Linearizable;
        } else if (argument == QLatin1String("-v") || argument == QLatin1String("--version")) {
            out << "raftlab-check " RAFTLAB_VERSION "\n";
            return ExitCode::Linearizable;
        } else if (argument == QLatin1String("--budget-s") ||
                   argument.startsWith(QLatin1String("--budget-s="))) {
            QString text;
            if (argument.contains(QLatin1Char('=')))
                text = argument.section(QLatin1Char('='), 1);
            else if (++i < arguments.size())
                text = arguments[i];
            else
                return bad(QStringLiteral("--budget-s needs a number of seconds"));
            bool ok = false;
            budgetS = text.toDouble(&ok);
            if (!ok || !std::isfinite(budgetS) || budgetS <= 0 || budgetS > maxBudgetS ||
                text.trimmed() != text)
                return bad(
                    QStringLiteral("--budget-s must be a number of seconds above 0 and at most %1, not '%2'")
                        .arg(maxBudgetS)
                        .arg(text));
        } else {
            return bad(QStringLiteral("unknown option '%1'").arg(argument));
        }
    }
    if (paths.isEmpty())
        return bad(QStringLiteral("no history file given"));

    // Every file is read and parsed before anything is checked: a bad line is found at once.
    std::vector<Input> inputs;
    for (const QString &path : paths) {
        Input input;
        input.path = path;
        QFile file(path);
        if (path == QLatin1String("-") ? !file.open(stdin, QIODevice::ReadOnly)
                                       : !file.open(QIODevice::ReadOnly))
            return bad(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        input.text = file.readAll();
        if (file.error() != QFileDevice::NoError)
            return bad(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        if (const std::optional<HistoryError> error =
                readJsonLines(input.text, input.history, &input.lines)) {
            err << "raftlab-check: " << path << ": " << error->toString() << '\n';
            err.flush();
            return ExitCode::BadInput;
        }
        inputs.push_back(std::move(input));
    }

    CheckOptions options;
    options.budget = std::chrono::milliseconds(qint64(budgetS * 1000));
    options.shrinkBudget = options.budget;
    int status = ExitCode::Linearizable;
    for (const Input &input : inputs) {
        const int verdict = report(input, checkLinearizability(input.history, options), budgetS, out);
        out.flush();
        if (verdict == ExitCode::NotLinearizable ||
            (verdict == ExitCode::Undecided && status == ExitCode::Linearizable))
            status = verdict;
    }
    return status;
}

} // namespace raftlab::check
