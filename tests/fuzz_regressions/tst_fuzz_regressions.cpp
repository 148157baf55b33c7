// Replays fuzz/regressions/<target>/* (inputs a fuzzer once failed on, kept after the fix) and the seed
// corpora fuzz/corpus/<target>/* through the entry functions the fuzz targets run (fuzz/entries).
#include "fuzzentries.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace raftlab;

class TestFuzzRegressions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFolderNamesATarget();
    void replay_data();
    void replay();
};

namespace {

const QString fuzzDir = QStringLiteral(RAFTLAB_FUZZ_DIR);

const fuzz::Target *targetNamed(const QString &name)
{
    for (const fuzz::Target &target : fuzz::targets()) {
        if (name == QLatin1String(target.name))
            return &target;
    }
    return nullptr;
}

} // namespace

void TestFuzzRegressions::everyFolderNamesATarget()
{
    // A regression filed under a misspelt folder would never run.
    for (const char *kind : {"corpus", "regressions"}) {
        const QDir dir(QDir(fuzzDir).filePath(QLatin1String(kind)));
        for (const QString &folder : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            QVERIFY2(targetNamed(folder),
                     qPrintable(dir.filePath(folder) + QStringLiteral(" names no fuzz target")));
    }
    for (const fuzz::Target &target : fuzz::targets()) {
        const QDir corpus(
            QDir(fuzzDir).filePath(QStringLiteral("corpus/%1").arg(QLatin1String(target.name))));
        QVERIFY2(!corpus.entryList(QDir::Files).isEmpty(),
                 qPrintable(corpus.path() + QStringLiteral(" is empty")));
    }
}

void TestFuzzRegressions::replay_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("path");
    for (const char *kind : {"regressions", "corpus"}) {
        for (const fuzz::Target &target : fuzz::targets()) {
            const QString dir =
                QStringLiteral("%1/%2/%3").arg(fuzzDir, QLatin1String(kind), QLatin1String(target.name));
            QDirIterator files(dir, QDir::Files);
            QStringList paths;
            while (files.hasNext())
                paths << files.next();
            paths.sort();
            for (const QString &path : paths) {
                const QString row = QDir(fuzzDir).relativeFilePath(path);
                QTest::newRow(qPrintable(row)) << QString::fromLatin1(target.name) << path;
            }
        }
    }
}

void TestFuzzRegressions::replay()
{
    QFETCH(QString, target);
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray input = file.readAll();
    const QString problem = targetNamed(target)->run(input);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzz_regressions.moc"
