#include "node/kvstore.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QRandomGenerator>
#include <QTest>

#include <iterator>
#include <optional>
#include <thread>

using namespace raftlab;
using Status = ApplyResult::Status;

class TestKvStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void putGetDelete();
    void noOpChangesNothing();
    void skipsMalformedCommands_data();
    void skipsMalformedCommands();
    void commandRoundTrip();
    void compareAndSwap();
    void compareAndSwapWhileFrozen();
    void conditionalCommandRoundTrip();
    void snapshotAfterCompareAndSwap();
    void snapshotRestoreRoundTrip();
    void snapshotIsDeterministic();
    void frozenViewKeepsTheStateAtItsIndex();
    void frozenViewEncodesOnAnotherThread();
    void restoreWhileFrozen();
    void swapAndCopyWhileFrozen();
    void freezeMatchesPlainStoreUnderRandomWrites();
    void thawInSlicesMatchesPlainStoreUnderRandomWrites();
    void snapshotBytesAreCountedAsEntriesApply();
    void restoreRejectsGarbage_data();
    void restoreRejectsGarbage();
    void validateKey_data();
    void validateKey();
    void validateValueSize_data();
    void validateValueSize();
};

// Applies the next entry of a log kept by the store's applied index.
static ApplyResult applyNext(KvStore &store, const QByteArray &payload, EntryType type = EntryType::Command)
{
    return store.apply(Entry{store.appliedIndex().next(), Term(1), type, payload});
}

void TestKvStore::putGetDelete()
{
    KvStore store;
    QCOMPARE(store.size(), 0);
    QCOMPARE(store.appliedIndex(), LogIndex());
    QCOMPARE(store.get("k"), std::nullopt);

    ApplyResult result = applyNext(store, KvStore::encodePut("k", "v1"));
    QCOMPARE(result.status, Status::Applied);
    QCOMPARE(result.index, LogIndex(1));
    QCOMPARE(result.operation, KvOperation::Put);
    QCOMPARE(result.key, QByteArray("k"));
    QVERIFY(!result.keyExisted);
    QVERIFY(result.reason.isEmpty());
    QCOMPARE(store.get("k"), std::optional<QByteArray>("v1"));
    QCOMPARE(store.appliedIndex(), LogIndex(1));

    result = applyNext(store, KvStore::encodePut("k", "v2"));
    QVERIFY2(result.keyExisted, "an overwrite reports the key existed");
    QCOMPARE(store.get("k"), std::optional<QByteArray>("v2"));
    QCOMPARE(store.size(), 1);

    // Binary and empty values are values like any other.
    const QByteArray binary("\x00\xff\x01", 3);
    applyNext(store, KvStore::encodePut("bin", binary));
    applyNext(store, KvStore::encodePut("empty", QByteArray()));
    QCOMPARE(store.get("bin"), std::optional<QByteArray>(binary));
    QCOMPARE(store.get("empty"), std::optional<QByteArray>(QByteArray()));
    QCOMPARE(store.size(), 3);

    result = applyNext(store, KvStore::encodeDelete("k"));
    QCOMPARE(result.status, Status::Applied);
    QCOMPARE(result.operation, KvOperation::Delete);
    QVERIFY(result.keyExisted);
    QCOMPARE(store.get("k"), std::nullopt);
    QCOMPARE(store.size(), 2);

    result = applyNext(store, KvStore::encodeDelete("absent"));
    QCOMPARE(result.status, Status::Applied);
    QVERIFY2(!result.keyExisted, "deleting an absent key is not an error, and says nothing was there");
    QCOMPARE(store.size(), 2);
    QCOMPARE(store.appliedIndex(), LogIndex(6));
}

void TestKvStore::noOpChangesNothing()
{
    KvStore store;
    applyNext(store, KvStore::encodePut("k", "v"));
    const QByteArray before = store.snapshot();
    const ApplyResult result = applyNext(store, QByteArray(), EntryType::NoOp);
    QCOMPARE(result.status, Status::NoOp);
    QCOMPARE(result.index, LogIndex(2));
    QCOMPARE(result.operation, KvOperation::None);
    QCOMPARE(store.appliedIndex(), LogIndex(2));
    QCOMPARE(store.get("k"), std::optional<QByteArray>("v"));
    QCOMPARE(store.size(), 1);
    QVERIFY(store.snapshot() != before); // only the applied index moved
}

void TestKvStore::skipsMalformedCommands_data()
{
    QTest::addColumn<QByteArray>("payload");

    const auto cbor = [](const QCborValue &value) {
        return value.toCbor();
    };
    // Commands as earlier builds wrote them (CBOR maps): refused by their first byte, never misread.
    QCborMap oldPut;
    oldPut[QStringLiteral("op")] = QStringLiteral("put");
    oldPut[QStringLiteral("key")] = QByteArray("k");
    oldPut[QStringLiteral("value")] = QByteArray("v");
    QCborMap oldDelete;
    oldDelete[QStringLiteral("op")] = QStringLiteral("delete");
    oldDelete[QStringLiteral("key")] = QByteArray("k");
    const QByteArray put = KvStore::encodePut("key", "value");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("unknown tag") << QByteArray("\x06\x01\x00\x00\x00k", 6);
    QTest::newRow("tag zero") << QByteArray("\x00\x01\x00\x00\x00k", 6);
    QTest::newRow("not a command") << QByteArray("\xff\xff\xff", 3);
    QTest::newRow("tag only") << put.left(1);
    QTest::newRow("short key length") << put.left(4);
    QTest::newRow("key past the end") << put.left(7);
    QTest::newRow("delete with trailing bytes") << (KvStore::encodeDelete("k") + QByteArray("\x01", 1));
    const QByteArray putIfValue = KvStore::encodePutIfValue("k", "old", "new");
    QTest::newRow("put-if-value without expected length") << putIfValue.left(7);
    QTest::newRow("put-if-value with a short expected length") << putIfValue.left(9);
    QTest::newRow("put-if-value expected past the end") << putIfValue.left(12);
    QTest::newRow("put-if-absent key past the end") << KvStore::encodePutIfAbsent("key", "v").left(7);
    QTest::newRow("delete-if-value key past the end") << KvStore::encodeDeleteIfValue("key", "").left(6);
    QTest::newRow("old cbor put") << cbor(oldPut);
    QTest::newRow("old cbor delete") << cbor(oldDelete);
    QTest::newRow("cbor integer") << cbor(QCborValue(42));
    QTest::newRow("cbor array") << cbor(QCborArray{QStringLiteral("put"), QByteArray("k"), QByteArray("v")});
}

void TestKvStore::skipsMalformedCommands()
{
    QFETCH(QByteArray, payload);

    KvStore store;
    applyNext(store, KvStore::encodePut("k", "v"));
    const ApplyResult result = applyNext(store, payload);
    QCOMPARE(result.status, Status::Skipped);
    QCOMPARE(result.index, LogIndex(2));
    QVERIFY2(!result.reason.isEmpty(), "a skipped command says why");
    QCOMPARE(store.appliedIndex(), LogIndex(2));
    QCOMPARE(store.size(), 1);
    QCOMPARE(store.get("k"), std::optional<QByteArray>("v"));

    // The store goes on applying after a skipped entry.
    QCOMPARE(applyNext(store, KvStore::encodeDelete("k")).status, Status::Applied);
    QCOMPARE(store.size(), 0);
}

void TestKvStore::commandRoundTrip()
{
    const QByteArray binaryKey("\x00k\x01", 3);
    const QByteArray binaryValue("\x00\xfe\x01\x02", 4);
    KvCommand command;
    QCOMPARE(KvStore::decodeCommand(KvStore::encodePut(binaryKey, binaryValue), command), QString());
    QCOMPARE(command.operation, KvOperation::Put);
    QCOMPARE(command.key, binaryKey);
    QCOMPARE(command.value, binaryValue);
    QCOMPARE(KvStore::decodeCommand(KvStore::encodePut("k", QByteArray()), command), QString());
    QCOMPARE(command.operation, KvOperation::Put);
    QCOMPARE(command.value, QByteArray());
    QCOMPARE(KvStore::decodeCommand(KvStore::encodeDelete(binaryKey), command), QString());
    QCOMPARE(command.operation, KvOperation::Delete);
    QCOMPARE(command.key, binaryKey);
    // The layout is part of the on-disk log: tag, little-endian key length, key, value.
    QCOMPARE(KvStore::encodePut("ab", "v"),
             QByteArray("\x01\x02\x00\x00\x00"
                        "abv",
                        8));
    QCOMPARE(KvStore::encodeDelete("ab"),
             QByteArray("\x02\x02\x00\x00\x00"
                        "ab",
                        7));
}

void TestKvStore::compareAndSwap()
{
    KvStore store;
    applyNext(store, KvStore::encodePut("k", "v1"));

    // put-if-value: applies only on an exact match of the whole value.
    ApplyResult result = applyNext(store, KvStore::encodePutIfValue("k", "v1", "v2"));
    QCOMPARE(result.status, Status::Applied);
    QCOMPARE(result.operation, KvOperation::Put);
    QVERIFY(result.keyExisted);
    QCOMPARE(store.get("k"), std::optional<QByteArray>("v2"));

    result = applyNext(store, KvStore::encodePutIfValue("k", "v1", "v3"));
    QCOMPARE(result.status, Status::CompareFailed);
    QCOMPARE(result.index, LogIndex(3));
    QCOMPARE(result.key, QByteArray("k"));
    QVERIFY2(result.keyExisted, "the failed comparison still says what it found");
    QCOMPARE(store.get("k"), std::optional<QByteArray>("v2"));
    QCOMPARE(store.appliedIndex(), LogIndex(3)); // a failed comparison is still an applied entry

    QCOMPARE(applyNext(store, KvStore::encodePutIfValue("k", "v", "x")).status, Status::CompareFailed);
    QCOMPARE(applyNext(store, KvStore::encodePutIfValue("k", "v2x", "x")).status, Status::CompareFailed);
    QCOMPARE(applyNext(store, KvStore::encodePutIfValue("absent", "", "x")).status, Status::CompareFailed);
    QCOMPARE(store.get("absent"), std::nullopt);

    // An empty value is a value, not an absence.
    applyNext(store, KvStore::encodePut("empty", QByteArray()));
    QCOMPARE(applyNext(store, KvStore::encodePutIfValue("empty", "", "filled")).status, Status::Applied);
    QCOMPARE(store.get("empty"), std::optional<QByteArray>("filled"));
    QCOMPARE(applyNext(store, KvStore::encodePutIfAbsent("empty", "again")).status, Status::CompareFailed);

    // put-if-absent.
    result = applyNext(store, KvStore::encodePutIfAbsent("new", "first"));
    QCOMPARE(result.status, Status::Applied);
    QVERIFY(!result.keyExisted);
    QCOMPARE(applyNext(store, KvStore::encodePutIfAbsent("new", "second")).status, Status::CompareFailed);
    QCOMPARE(store.get("new"), std::optional<QByteArray>("first"));

    // delete-if-value.
    result = applyNext(store, KvStore::encodeDeleteIfValue("new", "second"));
    QCOMPARE(result.status, Status::CompareFailed);
    QCOMPARE(result.operation, KvOperation::Delete);
    QCOMPARE(store.get("new"), std::optional<QByteArray>("first"));
    result = applyNext(store, KvStore::encodeDeleteIfValue("new", "first"));
    QCOMPARE(result.status, Status::Applied);
    QVERIFY(result.keyExisted);
    QCOMPARE(store.get("new"), std::nullopt);
    QCOMPARE(applyNext(store, KvStore::encodeDeleteIfValue("new", "first")).status, Status::CompareFailed);
    QCOMPARE(store.size(), 2); // k and empty

    // Binary values compare byte for byte.
    const QByteArray binary("\x00\xff\x00", 3);
    applyNext(store, KvStore::encodePut("bin", binary));
    QCOMPARE(applyNext(store, KvStore::encodePutIfValue("bin", QByteArray("\x00\xff", 2), "x")).status,
             Status::CompareFailed);
    QCOMPARE(applyNext(store, KvStore::encodePutIfValue("bin", binary, "x")).status, Status::Applied);
    QCOMPARE(store.get("bin"), std::optional<QByteArray>("x"));
}

void TestKvStore::compareAndSwapWhileFrozen()
{
    // While a snapshot view is out, the comparison must see the overlay: the value applied since the
    // freeze, not the frozen one.
    KvStore store;
    KvStore plain;
    const auto both = [&](const QByteArray &payload, Status expected) {
        const ApplyResult a = applyNext(store, payload);
        const ApplyResult b = applyNext(plain, payload);
        QCOMPARE(a.status, expected);
        QCOMPARE(b.status, expected);
        QCOMPARE(a.keyExisted, b.keyExisted);
    };
    both(KvStore::encodePut("k", "frozen"), Status::Applied);
    both(KvStore::encodePut("gone", "soon"), Status::Applied);
    const QByteArray atFreeze = store.snapshot();
    const KvSnapshotView view = store.freeze();

    both(KvStore::encodePut("k", "overlay"), Status::Applied);
    both(KvStore::encodePutIfValue("k", "frozen", "no"), Status::CompareFailed);
    both(KvStore::encodePutIfValue("k", "overlay", "swapped"), Status::Applied);
    both(KvStore::encodeDelete("gone"), Status::Applied);
    both(KvStore::encodePutIfAbsent("gone", "back"), Status::Applied);
    both(KvStore::encodeDeleteIfValue("gone", "soon"), Status::CompareFailed);
    both(KvStore::encodeDeleteIfValue("gone", "back"), Status::Applied);
    both(KvStore::encodePutIfAbsent("fresh", "1"), Status::Applied);
    QCOMPARE(store.get("k"), std::optional<QByteArray>("swapped"));
    QCOMPARE(store.get("gone"), std::nullopt);
    QVERIFY(store == plain);
    QCOMPARE(view.encode(), atFreeze);
    store.thaw(view);
    QCOMPARE(store.snapshot(), plain.snapshot());
}

void TestKvStore::conditionalCommandRoundTrip()
{
    const QByteArray binaryKey("\x00k\x01", 3);
    const QByteArray binaryExpected("\x00\x05\x00\x00\x00", 5); // looks like a length: must not be misread
    const QByteArray binaryValue("\x00\xfe\x01\x02", 4);
    KvCommand command;

    QCOMPARE(
        KvStore::decodeCommand(KvStore::encodePutIfValue(binaryKey, binaryExpected, binaryValue), command),
        QString());
    QCOMPARE(command.operation, KvOperation::Put);
    QCOMPARE(command.condition, KvCondition::IfValue);
    QCOMPARE(command.key, binaryKey);
    QCOMPARE(command.expected, binaryExpected);
    QCOMPARE(command.value, binaryValue);

    QCOMPARE(KvStore::decodeCommand(KvStore::encodePutIfValue("k", QByteArray(), QByteArray()), command),
             QString());
    QCOMPARE(command.condition, KvCondition::IfValue);
    QCOMPARE(command.expected, QByteArray());
    QCOMPARE(command.value, QByteArray());

    QCOMPARE(KvStore::decodeCommand(KvStore::encodePutIfAbsent(binaryKey, binaryValue), command), QString());
    QCOMPARE(command.operation, KvOperation::Put);
    QCOMPARE(command.condition, KvCondition::IfAbsent);
    QCOMPARE(command.key, binaryKey);
    QCOMPARE(command.value, binaryValue);
    QCOMPARE(command.expected, QByteArray());

    QCOMPARE(KvStore::decodeCommand(KvStore::encodeDeleteIfValue(binaryKey, binaryExpected), command),
             QString());
    QCOMPARE(command.operation, KvOperation::Delete);
    QCOMPARE(command.condition, KvCondition::IfValue);
    QCOMPARE(command.key, binaryKey);
    QCOMPARE(command.expected, binaryExpected);
    QCOMPARE(command.value, QByteArray());

    // Decoding a plain command after a conditional one into the same struct leaves no condition behind.
    QCOMPARE(KvStore::decodeCommand(KvStore::encodePut("k", "v"), command), QString());
    QCOMPARE(command.condition, KvCondition::None);
    QCOMPARE(command.expected, QByteArray());
    QCOMPARE(KvStore::decodeCommand(KvStore::encodeDelete("k"), command), QString());
    QCOMPARE(command.condition, KvCondition::None);

    // The layouts are part of the on-disk log.
    QCOMPARE(KvStore::encodePutIfValue("ab", "x", "vw"),
             QByteArray("\x03\x02\x00\x00\x00"
                        "ab"
                        "\x01\x00\x00\x00"
                        "xvw",
                        14));
    QCOMPARE(KvStore::encodePutIfAbsent("ab", "v"),
             QByteArray("\x04\x02\x00\x00\x00"
                        "abv",
                        8));
    QCOMPARE(KvStore::encodeDeleteIfValue("ab", "x"),
             QByteArray("\x05\x02\x00\x00\x00"
                        "abx",
                        8));
}

void TestKvStore::snapshotAfterCompareAndSwap()
{
    // Conditional commands change nothing about snapshots: a store that reached a state through them
    // encodes exactly like one that reached it with plain puts and deletes, and restores the same.
    KvStore viaCas;
    applyNext(viaCas, KvStore::encodePutIfAbsent("a", "1"));
    applyNext(viaCas, KvStore::encodePutIfValue("a", "1", "2"));
    applyNext(viaCas, KvStore::encodePutIfValue("a", "1", "lost")); // fails
    applyNext(viaCas, KvStore::encodePutIfAbsent("b", "x"));
    applyNext(viaCas, KvStore::encodeDeleteIfValue("b", "x"));
    applyNext(viaCas, KvStore::encodePutIfAbsent("c", "3"));

    KvStore plain;
    applyNext(plain, KvStore::encodePut("a", "1"));
    applyNext(plain, KvStore::encodePut("a", "2"));
    applyNext(plain, QByteArray(), EntryType::NoOp);
    applyNext(plain, KvStore::encodePut("b", "x"));
    applyNext(plain, KvStore::encodeDelete("b"));
    applyNext(plain, KvStore::encodePut("c", "3"));

    QVERIFY(viaCas == plain);
    QCOMPARE(viaCas.snapshot(), plain.snapshot());
    KvStore restored;
    QCOMPARE(restored.restore(viaCas.snapshot(), viaCas.appliedIndex()), QString());
    QVERIFY(restored == viaCas);
    QCOMPARE(applyNext(restored, KvStore::encodePutIfValue("a", "2", "3")).status, Status::Applied);
    QCOMPARE(restored.get("a"), std::optional<QByteArray>("3"));
}

void TestKvStore::snapshotRestoreRoundTrip()
{
    KvStore original;
    for (int i = 0; i < 100; ++i)
        applyNext(original, KvStore::encodePut("key" + QByteArray::number(i), QByteArray(i, 'x')));
    applyNext(original, KvStore::encodeDelete("key7"));
    applyNext(original, QByteArray(), EntryType::NoOp);
    applyNext(original, KvStore::encodePut(QByteArray("\x00nul", 4), QByteArray("\x00\xfe", 2)));

    KvStore restored;
    applyNext(restored, KvStore::encodePut("stale", "gone after restore"));
    const QString error = restored.restore(original.snapshot(), original.appliedIndex());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(restored == original);
    QCOMPARE(restored.appliedIndex(), LogIndex(103));
    QCOMPARE(restored.size(), 100);
    QCOMPARE(restored.get("stale"), std::nullopt);
    QCOMPARE(restored.get("key99"), std::optional<QByteArray>(QByteArray(99, 'x')));
    QCOMPARE(restored.snapshot(), original.snapshot());

    // Application continues right after the snapshot's index.
    QCOMPARE(applyNext(restored, KvStore::encodePut("next", "1")).index, LogIndex(104));

    KvStore empty;
    KvStore fromEmpty;
    QVERIFY(fromEmpty.restore(empty.snapshot(), LogIndex()).isEmpty());
    QVERIFY(fromEmpty == empty);
}

void TestKvStore::snapshotIsDeterministic()
{
    // Two nodes that applied the same entries in the same order hold byte-identical snapshots,
    // whatever the insertion order of the map's keys.
    KvStore a;
    KvStore b;
    for (const char *key : {"b", "a", "c"})
        applyNext(a, KvStore::encodePut(key, key));
    for (const char *key : {"b", "a", "c"})
        applyNext(b, KvStore::encodePut(key, key));
    QCOMPARE(a.snapshot(), b.snapshot());
    const QCborMap decoded = QCborValue::fromCbor(a.snapshot()).toMap();
    QCOMPARE(decoded.value(QStringLiteral("applied_index")).toInteger(), 3);
    QCOMPARE(decoded.value(QStringLiteral("pairs")).toMap().size(), 3);

    // The encoding is the one Qt writes for these items, byte for byte (QCborValue re-encodes it
    // unchanged; tst_cborwriter compares each item with QCborStreamWriter), at every length where a key's
    // or value's head changes size, and however the buffer grew.
    KvStore large;
    for (int size : {0, 1, 23, 24, 255, 256, 65535, 65536, 300000})
        applyNext(large, KvStore::encodePut("key" + QByteArray::number(size), QByteArray(size, 'v')));
    applyNext(large, KvStore::encodePut(QByteArray(300, 'k'), "v"));
    const QByteArray bytes = large.snapshot();
    QCOMPARE(QCborValue::fromCbor(bytes).toCbor(), bytes);
    QCOMPARE(large.freeze().encode(), bytes);
}

// Applies the same command to both stores and checks they answer alike.
static void applyToBoth(KvStore &frozen, KvStore &plain, const QByteArray &payload,
                        EntryType type = EntryType::Command)
{
    const ApplyResult a = applyNext(frozen, payload, type);
    const ApplyResult b = applyNext(plain, payload, type);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.keyExisted, b.keyExisted);
}

void TestKvStore::frozenViewKeepsTheStateAtItsIndex()
{
    // A snapshot taken while writes go on holds exactly the state at its index (the node encodes it on
    // its snapshot thread while the event loop keeps applying), and the store itself moves on as if
    // nothing were frozen.
    KvStore store;
    KvStore plain; // the same entries, never frozen
    for (int i = 0; i < 50; ++i)
        applyToBoth(store, plain, KvStore::encodePut("key" + QByteArray::number(i), QByteArray(i, 'x')));
    const QByteArray atFreeze = store.snapshot();
    const KvSnapshotView view = store.freeze();
    QVERIFY(store.isFrozen());
    QCOMPARE(view.index(), LogIndex(50));
    QCOMPARE(view.size(), 50);

    applyToBoth(store, plain, KvStore::encodePut("key1", "overwritten"));
    applyToBoth(store, plain, KvStore::encodeDelete("key2"));
    applyToBoth(store, plain, KvStore::encodePut("new", "n"));
    applyToBoth(store, plain, KvStore::encodeDelete("new")); // added and removed while frozen
    applyToBoth(store, plain, KvStore::encodePut("key3", "a"));
    applyToBoth(store, plain, KvStore::encodeDelete("key3"));
    applyToBoth(store, plain, KvStore::encodePut("key3", "back")); // deleted and put again
    applyToBoth(store, plain, KvStore::encodeDelete("key2")); // already gone
    applyToBoth(store, plain, KvStore::encodeDelete("absent"));
    applyToBoth(store, plain, KvStore::encodePut("a-first", "before every old key"));
    applyToBoth(store, plain, KvStore::encodePut("zz-last", "after every old key"));
    applyToBoth(store, plain, QByteArray(), EntryType::NoOp);
    applyToBoth(store, plain, QByteArray("\x7f", 1)); // skipped alike

    QCOMPARE(view.encode(), atFreeze);
    QCOMPARE(store.get("key1"), std::optional<QByteArray>("overwritten"));
    QCOMPARE(store.get("key2"), std::nullopt);
    QCOMPARE(store.get("new"), std::nullopt);
    QCOMPARE(store.get("key3"), std::optional<QByteArray>("back"));
    QCOMPARE(store.get("key4"), std::optional<QByteArray>(QByteArray(4, 'x')));
    QCOMPARE(store.size(), plain.size());
    QVERIFY(store == plain);
    QCOMPARE(store.snapshot(), plain.snapshot());

    store.thaw(view);
    QVERIFY(!store.isFrozen());
    QVERIFY(store == plain);
    QCOMPARE(store.snapshot(), plain.snapshot());
    QCOMPARE(store.size(), 51);

    // And again: thawed means freezable.
    const KvSnapshotView second = store.freeze();
    applyToBoth(store, plain, KvStore::encodePut("key1", "third"));
    QCOMPARE(second.index(), LogIndex(63));
    store.thaw(second);
    QVERIFY(store == plain);
}

void TestKvStore::frozenViewEncodesOnAnotherThread()
{
    KvStore store;
    for (int i = 0; i < 20000; ++i)
        applyNext(store, KvStore::encodePut("key" + QByteArray::number(i), QByteArray(100, 'v')));
    const QByteArray atFreeze = store.snapshot();
    const KvSnapshotView view = store.freeze();
    QByteArray encoded;
    std::thread encoder([&view, &encoded] { encoded = view.encode(); });
    for (int i = 0; i < 20000; i += 2) {
        applyNext(store, KvStore::encodePut("key" + QByteArray::number(i), "changed"));
        applyNext(store, KvStore::encodeDelete("key" + QByteArray::number(i + 1)));
        (void)store.get("key" + QByteArray::number(i)); // reads share the values with the encoder
    }
    encoder.join();
    QCOMPARE(encoded, atFreeze);
    store.thaw(view);
    QCOMPARE(store.size(), 10000);
    QCOMPARE(store.get("key0"), std::optional<QByteArray>("changed"));
    QCOMPARE(store.get("key1"), std::nullopt);
}

void TestKvStore::restoreWhileFrozen()
{
    // A leader's snapshot can replace the store while the node's own snapshot is being encoded: the
    // view keeps the old pairs, and its late thaw() must not touch the new ones.
    KvStore store;
    applyNext(store, KvStore::encodePut("old", "1"));
    const QByteArray atFreeze = store.snapshot();
    const KvSnapshotView view = store.freeze();
    applyNext(store, KvStore::encodePut("during", "2"));

    KvStore leader;
    for (int i = 0; i < 5; ++i)
        applyNext(leader, KvStore::encodePut("l" + QByteArray::number(i), "v"));
    QVERIFY(store.restore(leader.snapshot(), leader.appliedIndex()).isEmpty());
    QVERIFY(!store.isFrozen());
    QVERIFY(store == leader);
    applyNext(store, KvStore::encodePut("after", "3"));
    applyNext(leader, KvStore::encodePut("after", "3"));

    store.thaw(view);
    QVERIFY(store == leader);
    QCOMPARE(store.get("during"), std::nullopt);
    QCOMPARE(view.encode(), atFreeze);
    const KvSnapshotView next = store.freeze(); // the old view is not the store's any more
    store.thaw(next);
    QVERIFY(store == leader);
}

void TestKvStore::swapAndCopyWhileFrozen()
{
    // The node swaps in a store decoded on its log thread while its own snapshot may be encoding: the
    // frozen state travels with the swap, and a copy never shares pairs with a view.
    KvStore store;
    applyNext(store, KvStore::encodePut("a", "1"));
    const QByteArray atFreeze = store.snapshot();
    KvSnapshotView view = store.freeze();
    applyNext(store, KvStore::encodePut("a", "2"));
    applyNext(store, KvStore::encodePut("b", "3"));

    const KvStore copy(store);
    QVERIFY(!copy.isFrozen());
    QVERIFY(copy == store);

    KvStore installed;
    applyNext(installed, KvStore::encodePut("x", "9"));
    store.swap(installed);
    QVERIFY(!store.isFrozen());
    QVERIFY(installed.isFrozen());
    store.thaw(view); // not the store's view any more: nothing happens
    QCOMPARE(store.get("x"), std::optional<QByteArray>("9"));
    QCOMPARE(store.size(), 1);

    QCOMPARE(view.encode(), atFreeze);
    view.releasePairs();
    installed.thaw(view); // the view's own store, wherever it went
    QVERIFY(!installed.isFrozen());
    QVERIFY(installed == copy);
    QCOMPARE(installed.get("a"), std::optional<QByteArray>("2"));

    KvStore moved(std::move(installed));
    QVERIFY(moved == copy);
    QCOMPARE(installed.size(), 0); // NOLINT(bugprone-use-after-move): a moved-from store is empty
}

void TestKvStore::freezeMatchesPlainStoreUnderRandomWrites()
{
    // Random puts and deletes over a few keys, frozen and thawed at random points: the store always
    // answers like one that was never frozen, and every view encodes the state at its index.
    QRandomGenerator random(20240611);
    KvStore store;
    KvStore plain;
    std::optional<KvSnapshotView> view;
    QByteArray atFreeze;
    for (int step = 0; step < 5000; ++step) {
        const QByteArray key = "k" + QByteArray::number(random.bounded(40));
        if (random.bounded(3) == 0)
            applyToBoth(store, plain, KvStore::encodeDelete(key));
        else
            applyToBoth(store, plain, KvStore::encodePut(key, QByteArray::number(step)));
        QCOMPARE(store.get(key), plain.get(key));
        QCOMPARE(store.size(), plain.size());
        if (random.bounded(50) == 0) {
            if (view) {
                QCOMPARE(view->encode(), atFreeze);
                store.thaw(*view);
                view.reset();
            } else {
                atFreeze = store.snapshot();
                view = store.freeze();
            }
            QVERIFY(store == plain);
            QCOMPARE(store.snapshot(), plain.snapshot());
        }
    }
}

void TestKvStore::thawInSlicesMatchesPlainStoreUnderRandomWrites()
{
    // A node folds the overlay back a slice per loop pass, applying entries between two slices. Through
    // every slice the store answers like one that was never frozen, it stays frozen until the overlay
    // is empty (thawSome says so), and then it freezes again.
    QRandomGenerator random(20261206);
    KvStore store;
    KvStore plain;
    const auto writeSome = [&](int count, int step) {
        for (int i = 0; i < count; ++i) {
            const QByteArray key = "k" + QByteArray::number(random.bounded(200));
            if (random.bounded(4) == 0)
                applyToBoth(store, plain, KvStore::encodeDelete(key));
            else
                applyToBoth(store, plain, KvStore::encodePut(key, QByteArray::number(step * 1000 + i)));
            QCOMPARE(store.get(key), plain.get(key));
        }
    };
    writeSome(300, 0);
    for (int round = 1; round <= 20; ++round) {
        KvSnapshotView view = store.freeze();
        const QByteArray atFreeze = store.snapshot();
        writeSome(100 + int(random.bounded(100)), round);
        QCOMPARE(view.encode(), atFreeze);
        view.releasePairs(); // the encoder is done: the pairs are the store's again
        int slices = 0;
        for (bool thawed = false; !thawed; ++slices) {
            thawed = store.thawSome(view, 1 + random.bounded(8));
            QVERIFY(store == plain);
            QCOMPARE(store.size(), plain.size());
            QCOMPARE(store.snapshot(), plain.snapshot());
            if (!thawed)
                writeSome(int(random.bounded(3)), round); // fewer than a slice: the overlay drains
            QVERIFY(slices < 1000);
        }
        QVERIFY2(slices > 1, "a hundred changes take more than one slice of at most 8");
        QVERIFY(store.thawSome(view, 1)); // done: a late call changes nothing
    }
}

void TestKvStore::snapshotBytesAreCountedAsEntriesApply()
{
    // The store counts its snapshot's size as it applies, so that encoding sizes its buffer once (a
    // count too small stops the process). Every kind of command, values whose CBOR length head changes
    // size (23/24, 255/256, 65535/65536 bytes), frozen and thawed in slices, restored and copied: the
    // count is always the size of the snapshot, and of the view's encoding at its index.
    static constexpr qsizetype sizes[] = {0, 1, 23, 24, 255, 256, 65535, 65536};
    QRandomGenerator random(20261207);
    const auto someValue = [&] {
        const qsizetype size = sizes[random.bounded(int(std::size(sizes)))];
        return QByteArray(size, char('a' + random.bounded(26)));
    };
    KvStore store;
    std::optional<KvSnapshotView> view;
    qsizetype atFreeze = 0;
    for (int step = 0; step < 800; ++step) {
        const QByteArray key =
            QByteArray(1 + random.bounded(30), 'k') + QByteArray::number(random.bounded(12));
        const QByteArray current = store.get(key).value_or(QByteArray());
        const QByteArray expected = random.bounded(2) == 0 ? current : someValue();
        switch (random.bounded(6)) {
        case 0:
            applyNext(store, KvStore::encodeDelete(key));
            break;
        case 1:
            applyNext(store, KvStore::encodePutIfValue(key, expected, someValue()));
            break;
        case 2:
            applyNext(store, KvStore::encodePutIfAbsent(key, someValue()));
            break;
        case 3:
            applyNext(store, KvStore::encodeDeleteIfValue(key, expected));
            break;
        default:
            applyNext(store, KvStore::encodePut(key, someValue()));
            break;
        }
        QCOMPARE(store.snapshotBytes(), store.snapshot().size());
        switch (random.bounded(40)) {
        case 0:
            if (view) {
                QCOMPARE(view->encode().size(), atFreeze);
                view->releasePairs();
                while (!store.thawSome(*view, 2))
                    QCOMPARE(store.snapshotBytes(), store.snapshot().size());
                view.reset();
            } else {
                atFreeze = store.snapshotBytes();
                view = store.freeze();
            }
            break;
        case 1: { // a snapshot installed from elsewhere, also while frozen
            KvStore other;
            applyNext(other, KvStore::encodePut(key, someValue()));
            applyNext(other, KvStore::encodePut(key + "x", someValue()));
            QVERIFY(store.restore(other.snapshot(), other.appliedIndex()).isEmpty());
            QCOMPARE(store.snapshotBytes(), other.snapshot().size());
            break;
        }
        case 2: {
            const KvStore copy(store);
            QCOMPARE(copy.snapshotBytes(), store.snapshotBytes());
            QCOMPARE(copy.snapshot(), store.snapshot());
            break;
        }
        default:
            break;
        }
    }
}

void TestKvStore::restoreRejectsGarbage_data()
{
    QTest::addColumn<QByteArray>("snapshot");
    QTest::addColumn<qulonglong>("index");

    KvStore store;
    applyNext(store, KvStore::encodePut("k", "v"));
    applyNext(store, KvStore::encodePut("l", "w"));
    const QByteArray good = store.snapshot();
    const auto edited = [&good](const QString &field, const QCborValue &value) {
        QCborMap map = QCborValue::fromCbor(good).toMap();
        map[field] = value;
        return map.toCborValue().toCbor();
    };
    QCborMap textPair;
    textPair[QStringLiteral("k")] = QByteArray("v");
    // A map with a key written twice, which QCborMap cannot build: write the bytes by hand.
    // {"format": 1, "applied_index": 2, "pairs": {h'6b': h'76', h'6b': h'77'}}
    QByteArray duplicate = QByteArray::fromHex("a3"
                                               "66666f726d6174"
                                               "01"
                                               "6d6170706c6965645f696e646578"
                                               "02"
                                               "657061697273"
                                               "a2"
                                               "416b"
                                               "4176"
                                               "416b"
                                               "4177");

    QTest::newRow("empty") << QByteArray() << 2ull;
    QTest::newRow("garbage") << QByteArray("not a snapshot") << 2ull;
    QTest::newRow("truncated") << good.chopped(1) << 2ull;
    QTest::newRow("trailing bytes") << (good + QByteArray(1, '\0')) << 2ull;
    QTest::newRow("a command") << KvStore::encodePut("k", "v") << 2ull;
    QTest::newRow("wrong index") << good << 3ull;
    QTest::newRow("unknown format") << edited(QStringLiteral("format"), 2) << 2ull;
    QTest::newRow("negative index") << edited(QStringLiteral("applied_index"), -1) << 2ull;
    QTest::newRow("pairs not a map") << edited(QStringLiteral("pairs"), QCborArray{}) << 2ull;
    QTest::newRow("text pair") << edited(QStringLiteral("pairs"), textPair) << 2ull;
    QTest::newRow("extra field") << edited(QStringLiteral("extra"), true) << 2ull;
    QTest::newRow("duplicate key") << duplicate << 2ull;
}

void TestKvStore::restoreRejectsGarbage()
{
    QFETCH(QByteArray, snapshot);
    QFETCH(qulonglong, index);

    KvStore store;
    applyNext(store, KvStore::encodePut("keep", "me"));
    const QString error = store.restore(snapshot, LogIndex(index));
    QVERIFY2(!error.isEmpty(), "a malformed snapshot must be refused");
    QVERIFY2(error.startsWith(QStringLiteral("the snapshot")), qPrintable(error));
    QCOMPARE(store.appliedIndex(), LogIndex(1));
    QCOMPARE(store.get("keep"), std::optional<QByteArray>("me"));
    QCOMPARE(store.size(), 1);
}

void TestKvStore::validateKey_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("reason"); // empty when valid

    QTest::newRow("simple") << QByteArray("user:42") << QString();
    QTest::newRow("utf-8") << QByteArray("clé-日本") << QString();
    QTest::newRow("1 byte") << QByteArray("a") << QString();
    QTest::newRow("1024 bytes") << QByteArray(1024, 'k') << QString();
    QTest::newRow("1024 bytes of multibyte") << QByteArray("\xc3\xa9").repeated(512) << QString();
    QTest::newRow("1025 bytes") << QByteArray(1025, 'k') << "the key is 1025 bytes, longer than 1024";
    QTest::newRow("empty") << QByteArray() << "the key is empty";
    QTest::newRow("slash") << QByteArray("a/b") << "the key contains '/'";
    QTest::newRow("only slash") << QByteArray("/") << "the key contains '/'";
    QTest::newRow("lone continuation byte") << QByteArray("a\x80z") << "the key is not valid UTF-8";
    QTest::newRow("truncated sequence") << QByteArray("\xe6\x97") << "the key is not valid UTF-8";
    QTest::newRow("latin-1") << QByteArray("caf\xe9") << "the key is not valid UTF-8";
    QTest::newRow("overlong nul") << QByteArray("\xc0\x80") << "the key is not valid UTF-8";
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << "the key is not valid UTF-8";
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << "the key is not valid UTF-8";
    QTest::newRow("0xff") << QByteArray("\xff") << "the key is not valid UTF-8";
}

void TestKvStore::validateKey()
{
    QFETCH(QByteArray, key);
    QFETCH(QString, reason);
    QCOMPARE(KvStore::validateKey(key), reason);
}

void TestKvStore::validateValueSize_data()
{
    QTest::addColumn<qsizetype>("bytes");
    QTest::addColumn<bool>("valid");

    QTest::newRow("empty") << qsizetype(0) << true;
    QTest::newRow("1 MiB") << qsizetype(1024 * 1024) << true;
    QTest::newRow("1 MiB + 1") << qsizetype(1024 * 1024 + 1) << false;
    QTest::newRow("negative") << qsizetype(-1) << false;
}

void TestKvStore::validateValueSize()
{
    QFETCH(qsizetype, bytes);
    QFETCH(bool, valid);
    const QString reason = KvStore::validateValueSize(bytes);
    QVERIFY2(reason.isEmpty() == valid, qPrintable(reason));
    if (!valid)
        QVERIFY(reason.contains(QString::number(bytes)));
}

QTEST_GUILESS_MAIN(TestKvStore)
#include "tst_kvstore.moc"
