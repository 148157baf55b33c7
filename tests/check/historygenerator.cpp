#include "historygenerator.h"

#include <algorithm>
#include <map>
#include <optional>

namespace raftlab::check::testing {

namespace {

QString valueName(std::int64_t v)
{
    return QString::number(v);
}

struct Pending
{
    Operation op;
    bool takesEffect = false;
    qint64 instantTenthsUs = 0; // when it takes effect, in tenths of a microsecond (between integer times)
};

} // namespace

History generateLinearizable(Random &random, const GeneratorConfig &config)
{
    std::vector<Pending> pending;
    std::vector<qint64> clientFree(static_cast<std::size_t>(config.clients), 0);
    std::map<QString, std::vector<QString>> written; // by key, in the order generated
    for (int i = 0; i < config.operations; ++i) {
        const auto client = static_cast<std::size_t>(random.between(0, config.clients));
        Pending p;
        Operation &op = p.op;
        op.client = static_cast<qint64>(client) + 1;
        op.key = QStringLiteral("k%1").arg(random.between(0, config.keys));
        op.invokeUs = clientFree[client] + random.between(0, config.maxGapUs + 1);
        const qint64 completeUs = op.invokeUs + random.between(1, config.maxDurationUs + 1);
        clientFree[client] = completeUs; // the client's next request comes after this answer
        const double kind = static_cast<double>(random.next() >> 11) * 0x1.0p-53;
        if (kind < config.getRate) {
            op.kind = OpKind::Get;
        } else if (kind < config.getRate + config.casRate) {
            op.kind = OpKind::Cas;
            const std::vector<QString> &recent = written[op.key];
            if (!recent.empty() && random.chance(config.casExpectsRecentRate))
                op.expect = recent[recent.size() - 1 -
                                   std::size_t(random.between(
                                       0, std::min<std::int64_t>(3, std::int64_t(recent.size()))))];
            else
                op.expect = random.chance(0.2) ? std::nullopt
                                               : std::optional(valueName(random.between(0, config.values)));
            op.value = random.chance(0.1) ? std::nullopt
                                          : std::optional(valueName(random.between(0, config.values)));
        } else if (kind < config.getRate + config.casRate + config.deleteRate) {
            op.kind = OpKind::Delete;
        } else {
            op.kind = OpKind::Put;
            op.value = valueName(random.between(0, config.values));
        }
        if (op.kind != OpKind::Get && op.value)
            written[op.key].push_back(*op.value);
        if (random.chance(config.failRate)) {
            op.result = OpResult::Fail;
            op.completeUs = completeUs;
        } else if (random.chance(config.unknownRate)) {
            op.result = OpResult::Unknown;
            op.completeUs = random.chance(0.5) ? std::optional<qint64>(completeUs) : std::nullopt;
            p.takesEffect = random.chance(0.5);
            // Anywhere after the invocation, possibly long after the client gave up.
            p.instantTenthsUs = op.invokeUs * 10 + random.between(1, (config.maxDurationUs * 3) * 10);
        } else {
            op.result = OpResult::Ok;
            op.completeUs = completeUs;
            p.takesEffect = true;
            p.instantTenthsUs = op.invokeUs * 10 + random.between(1, (completeUs - op.invokeUs) * 10);
        }
        pending.push_back(std::move(p));
    }

    // Play the instants in order on a register per key to find each output.
    std::vector<std::size_t> byInstant;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (pending[i].takesEffect)
            byInstant.push_back(i);
    }
    std::stable_sort(byInstant.begin(), byInstant.end(), [&pending](std::size_t a, std::size_t b) {
        return pending[a].instantTenthsUs < pending[b].instantTenthsUs;
    });
    std::map<QString, std::optional<QString>> state;
    for (const std::size_t i : byInstant) {
        Operation &op = pending[i].op;
        std::optional<QString> &current = state[op.key];
        switch (op.kind) {
        case OpKind::Put:
            current = op.value;
            break;
        case OpKind::Delete:
            current.reset();
            break;
        case OpKind::Get:
            if (op.result == OpResult::Ok)
                op.value = current;
            break;
        case OpKind::Cas: {
            const bool swapped = current == op.expect;
            if (op.result == OpResult::Ok)
                op.swapped = swapped;
            if (swapped)
                current = op.value;
            break;
        }
        }
    }

    std::stable_sort(pending.begin(), pending.end(),
                     [](const Pending &a, const Pending &b) { return a.op.invokeUs < b.op.invokeUs; });
    History history;
    for (Pending &p : pending)
        history.append(std::move(p.op));
    return history;
}

QString mutate(Random &random, History &history, int values)
{
    std::vector<Operation> ops = history.operations();
    if (ops.empty())
        return QStringLiteral("nothing");
    const auto pick = static_cast<std::size_t>(random.between(0, static_cast<std::int64_t>(ops.size())));
    Operation &op = ops[pick];
    const auto someValue = [&]() -> std::optional<QString> {
        if (random.chance(0.2))
            return std::nullopt;
        return valueName(random.between(0, values + 1)); // sometimes a value never written
    };
    QString what;
    switch (random.between(0, 9)) {
    case 0: // a read's value, or a put's
        if (op.kind == OpKind::Cas || op.kind == OpKind::Delete)
            op.kind = OpKind::Get;
        op.value =
            op.kind == OpKind::Put ? std::optional(valueName(random.between(0, values + 1))) : someValue();
        what = QStringLiteral("value of operation %1 changed").arg(pick);
        break;
    case 1: // a cas's verdict
        op.kind = OpKind::Cas;
        if (!op.value)
            op.value = someValue();
        op.result = OpResult::Ok;
        if (!op.completeUs)
            op.completeUs = op.invokeUs + 5;
        op.swapped = !op.swapped.value_or(false);
        what = QStringLiteral("cas %1 verdict flipped").arg(pick);
        break;
    case 2: // a cas's expectation
        op.kind = OpKind::Cas;
        op.expect = someValue();
        op.value = op.value ? op.value : someValue();
        if (op.result == OpResult::Ok && !op.swapped)
            op.swapped = random.chance(0.5);
        if (op.result != OpResult::Ok)
            op.swapped.reset();
        what = QStringLiteral("cas %1 expectation changed").arg(pick);
        break;
    case 3: // ok into unknown: only weakens
        if (op.result == OpResult::Ok) {
            op.result = OpResult::Unknown;
            op.swapped.reset();
            if (random.chance(0.5))
                op.completeUs.reset();
        }
        what = QStringLiteral("operation %1 made unknown").arg(pick);
        break;
    case 4: // unknown or fail into ok, with a guessed output
        op.result = OpResult::Ok;
        if (!op.completeUs)
            op.completeUs = op.invokeUs + random.between(1, 30);
        if (op.kind == OpKind::Get)
            op.value = someValue();
        if (op.kind == OpKind::Cas)
            op.swapped = random.chance(0.5);
        what = QStringLiteral("operation %1 made ok").arg(pick);
        break;
    case 5: // ok into fail
        if (op.result == OpResult::Ok && op.kind != OpKind::Get) {
            op.result = OpResult::Fail;
            op.swapped.reset();
        }
        what = QStringLiteral("operation %1 made failed").arg(pick);
        break;
    case 6: { // the interval moved
        const qint64 shift = random.between(-25, 26);
        op.invokeUs += shift;
        if (op.completeUs)
            *op.completeUs += shift;
        what = QStringLiteral("operation %1 moved by %2").arg(pick).arg(shift);
        break;
    }
    case 7: { // the interval shortened to a point, or stretched
        if (op.completeUs)
            op.completeUs = random.chance(0.5) ? op.invokeUs : *op.completeUs + random.between(1, 30);
        what = QStringLiteral("operation %1 resized").arg(pick);
        break;
    }
    default: { // two reads swap their values
        const auto other = static_cast<std::size_t>(random.between(0, static_cast<std::int64_t>(ops.size())));
        std::swap(op.value, ops[other].value);
        if (op.kind == OpKind::Put && !op.value)
            op.value = QStringLiteral("0");
        if (ops[other].kind == OpKind::Put && !ops[other].value)
            ops[other].value = QStringLiteral("0");
        if (op.kind == OpKind::Delete)
            op.value.reset();
        if (ops[other].kind == OpKind::Delete)
            ops[other].value.reset();
        what = QStringLiteral("values of operations %1 and %2 swapped").arg(pick).arg(other);
        break;
    }
    }
    // Keep the operation well formed: a delete has no value, only a cas has expect and swapped, and an
    // ok cas has a verdict.
    for (Operation &o : ops) {
        if (o.kind == OpKind::Delete)
            o.value.reset();
        if (o.kind != OpKind::Cas) {
            o.expect.reset();
            o.swapped.reset();
        } else if (o.result == OpResult::Ok && !o.swapped) {
            o.swapped = false;
        } else if (o.result != OpResult::Ok) {
            o.swapped.reset();
        }
        if (o.kind == OpKind::Put && !o.value)
            o.value = QStringLiteral("0");
    }
    history = History(std::move(ops));
    return what;
}

} // namespace raftlab::check::testing
