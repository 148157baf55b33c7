#pragma once

// Runs one of the real executables as a user would and keeps what a test checks: the exit code, whether
// it exited normally, and everything it printed. A run that outlives its deadline is killed and reported
// with exit code -1, so a hanging binary fails the test instead of the whole suite. What it reads on its
// standard input is `input`, then end of file.

#include <QProcess>

struct ProcessRun
{
    int exitCode = -1; // -1 when it crashed or was killed at the deadline
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;

    QStringList outLines() const { return out.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
};

inline ProcessRun
runProcess(const QString &program, const QStringList &arguments, int deadlineMs,
           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
           const QByteArray &input = {})
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    process.write(input); // its standard input, then end of file
    process.closeWriteChannel();
    ProcessRun run;
    if (!process.waitForFinished(deadlineMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.status = process.exitStatus();
    run.exitCode = run.status == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}
