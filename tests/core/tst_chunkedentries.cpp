// ChunkedEntries: the in-memory log's entries in fixed-size chunks. Checked against one vector doing the
// same appends, truncations and prefix drops, across chunk boundaries.

// moc 6.4 cannot parse libstdc++ 12's <concepts> (pulled in by <compare> in core/types.h).
#ifndef Q_MOC_RUN
#include "core/chunkedentries.h"
#endif

#include <QTest>

#include <random>

using namespace raftlab;

namespace {

Entry entryNumbered(std::uint64_t n)
{
    return Entry{LogIndex(n), Term(1 + n / 1000), EntryType::Command, QByteArray::number(n)};
}

QString differenceFrom(const ChunkedEntries &chunked, const Entries &expected)
{
    if (chunked.size() != expected.size())
        return QStringLiteral("size %1, expected %2").arg(chunked.size()).arg(expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (!(chunked[i] == expected[i]))
            return QStringLiteral("entry %1 is index %2, expected %3")
                .arg(i)
                .arg(chunked[i].index.value)
                .arg(expected[i].index.value);
    }
    return {};
}

} // namespace

class TestChunkedEntries : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsFromAVector();
    void dropFrontHandsBackExactlyTheDroppedEntries();
    void behavesAsOneVectorUnderRandomOperations();
    void copyAndAssignmentHoldTheSameEntries();
};

void TestChunkedEntries::startsFromAVector()
{
    Entries entries;
    for (std::uint64_t n = 1; n <= 2 * ChunkedEntries::chunkSize + 3; ++n)
        entries.push_back(entryNumbered(n));
    const ChunkedEntries chunked(entries);
    QCOMPARE(differenceFrom(chunked, entries), QString());
    QCOMPARE(chunked.back().index, LogIndex(2 * ChunkedEntries::chunkSize + 3));
    QVERIFY(ChunkedEntries().empty());
}

void TestChunkedEntries::dropFrontHandsBackExactlyTheDroppedEntries()
{
    ChunkedEntries chunked;
    for (std::uint64_t n = 1; n <= 3 * ChunkedEntries::chunkSize; ++n)
        chunked.push_back(entryNumbered(n));

    // Part of the first chunk, then the rest of it and part of the next: each comes back once, in order.
    std::uint64_t next = 1;
    for (const std::size_t count : {std::size_t(10), ChunkedEntries::chunkSize, std::size_t(0)}) {
        const DroppedEntries dropped = chunked.dropFront(count);
        std::size_t total = 0;
        for (const Entries &chunk : dropped) {
            for (const Entry &entry : chunk) {
                QCOMPARE(entry, entryNumbered(next));
                ++next;
            }
            total += chunk.size();
        }
        QCOMPARE(total, count);
        QCOMPARE(chunked[0].index, LogIndex(next));
    }
    QCOMPARE(chunked.size(), 2 * ChunkedEntries::chunkSize - 10);

    // Dropping more than is held drops all of it (the rest of the second chunk, and the third); the
    // container is then as new.
    QCOMPARE(chunked.dropFront(10 * ChunkedEntries::chunkSize).size(), std::size_t(2));
    QVERIFY(chunked.empty());
    chunked.push_back(entryNumbered(7));
    QCOMPARE(chunked[0], entryNumbered(7));
}

void TestChunkedEntries::behavesAsOneVectorUnderRandomOperations()
{
    std::mt19937_64 random(20261207);
    ChunkedEntries chunked;
    Entries model;
    std::uint64_t next = 1;
    for (int step = 0; step < 400; ++step) {
        const auto pick = [&](std::size_t most) {
            return std::uniform_int_distribution<std::size_t>(0, most)(random);
        };
        switch (pick(2)) {
        case 0: { // append up to two chunks' worth
            for (std::size_t n = pick(2 * ChunkedEntries::chunkSize); n > 0; --n) {
                chunked.push_back(entryNumbered(next));
                model.push_back(entryNumbered(next));
                ++next;
            }
            break;
        }
        case 1: { // truncate: usually a little, sometimes to anywhere
            const std::size_t keep = pick(3) == 0
                ? pick(model.size())
                : model.size() - pick(std::min<std::size_t>(50, model.size()));
            chunked.truncate(keep);
            model.resize(keep);
            break;
        }
        case 2: { // drop a prefix
            const std::size_t count = pick(model.size());
            const DroppedEntries dropped = chunked.dropFront(count);
            Entries flat;
            for (const Entries &chunk : dropped)
                flat.insert(flat.end(), chunk.begin(), chunk.end());
            QVERIFY2(
                flat == Entries(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(count)),
                qPrintable(
                    QStringLiteral("step %1: dropFront(%2) handed back other entries").arg(step).arg(count)));
            model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(count));
            break;
        }
        }
        const QString difference = differenceFrom(chunked, model);
        QVERIFY2(difference.isEmpty(), qPrintable(QStringLiteral("step %1: %2").arg(step).arg(difference)));
    }
}

void TestChunkedEntries::copyAndAssignmentHoldTheSameEntries()
{
    ChunkedEntries chunked;
    Entries expected;
    for (std::uint64_t n = 1; n <= ChunkedEntries::chunkSize + 20; ++n) {
        chunked.push_back(entryNumbered(n));
        if (n > ChunkedEntries::chunkSize - 5)
            expected.push_back(entryNumbered(n));
    }
    chunked.dropFront(ChunkedEntries::chunkSize -
                      5); // the first chunk keeps 5 entries behind its dropped places

    ChunkedEntries copy(chunked);
    QCOMPARE(differenceFrom(copy, expected), QString());
    for (std::uint64_t n = ChunkedEntries::chunkSize + 21; n < 3 * ChunkedEntries::chunkSize; ++n) {
        copy.push_back(entryNumbered(n));
        expected.push_back(entryNumbered(n));
    }
    QCOMPARE(differenceFrom(copy, expected), QString());
    copy.truncate(ChunkedEntries::chunkSize + 1);
    expected.resize(ChunkedEntries::chunkSize + 1);
    QCOMPARE(differenceFrom(copy, expected), QString());

    ChunkedEntries assigned;
    assigned.push_back(entryNumbered(1));
    assigned = chunked;
    QCOMPARE(differenceFrom(assigned, Entries(expected.begin(), expected.begin() + 25)), QString());
    QCOMPARE(differenceFrom(chunked, Entries(expected.begin(), expected.begin() + 25)), QString());
}

QTEST_GUILESS_MAIN(TestChunkedEntries)
#include "tst_chunkedentries.moc"
