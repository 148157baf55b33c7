#include "membership.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>

#include <algorithm>

namespace raftlab {

namespace {

QCborArray idsToCbor(const std::vector<NodeId> &ids)
{
    QCborArray array;
    for (NodeId id : ids)
        array.append(static_cast<qint64>(id.value));
    return array;
}

std::optional<std::vector<NodeId>> idsFromCbor(const QCborValue &value)
{
    if (!value.isArray())
        return std::nullopt;
    std::vector<NodeId> ids;
    for (const QCborValue &item : value.toArray()) {
        if (!item.isInteger() || item.toInteger() <= 0 || item.toInteger() > 0xffffffffLL)
            return std::nullopt;
        ids.push_back(NodeId(static_cast<std::uint32_t>(item.toInteger())));
    }
    return ids;
}

bool hasDuplicates(std::vector<NodeId> ids)
{
    std::sort(ids.begin(), ids.end());
    return std::adjacent_find(ids.begin(), ids.end()) != ids.end();
}

} // namespace

bool Membership::isVoter(NodeId id) const
{
    return std::find(voters.begin(), voters.end(), id) != voters.end();
}

bool Membership::isLearner(NodeId id) const
{
    return std::find(learners.begin(), learners.end(), id) != learners.end();
}

const MemberAddress *Membership::addressOf(NodeId id) const
{
    const auto found =
        std::find_if(addresses.begin(), addresses.end(), [id](const MemberAddress &a) { return a.id == id; });
    return found == addresses.end() ? nullptr : &*found;
}

void Membership::normalize()
{
    std::sort(voters.begin(), voters.end());
    std::sort(learners.begin(), learners.end());
    std::erase_if(addresses, [this](const MemberAddress &a) { return !contains(a.id); });
    std::sort(addresses.begin(), addresses.end(),
              [](const MemberAddress &a, const MemberAddress &b) { return a.id < b.id; });
}

QByteArray Membership::encode() const
{
    QCborMap map;
    map.insert(QStringLiteral("voters"), idsToCbor(voters));
    map.insert(QStringLiteral("learners"), idsToCbor(learners));
    QCborArray list;
    for (const MemberAddress &address : addresses) {
        QCborMap entry;
        entry.insert(QStringLiteral("id"), static_cast<qint64>(address.id.value));
        entry.insert(QStringLiteral("raft"), address.raft);
        entry.insert(QStringLiteral("http"), address.http);
        list.append(entry);
    }
    map.insert(QStringLiteral("addresses"), list);
    if (index != LogIndex{})
        map.insert(QStringLiteral("index"), static_cast<qint64>(index.value));
    return map.toCborValue().toCbor();
}

std::optional<Membership> Membership::decode(const QByteArray &bytes)
{
    QCborParserError error;
    const QCborValue value = QCborValue::fromCbor(bytes, &error);
    if (error.error != QCborError::NoError || !value.isMap())
        return std::nullopt;
    const QCborMap map = value.toMap();
    Membership membership;
    const auto voters = idsFromCbor(map.value(QStringLiteral("voters")));
    const auto learners = idsFromCbor(map.value(QStringLiteral("learners")));
    if (!voters || !learners)
        return std::nullopt;
    membership.voters = *voters;
    membership.learners = *learners;
    std::vector<NodeId> all = *voters;
    all.insert(all.end(), learners->begin(), learners->end());
    if (hasDuplicates(all))
        return std::nullopt;
    const QCborValue addresses = map.value(QStringLiteral("addresses"));
    if (!addresses.isUndefined()) {
        if (!addresses.isArray())
            return std::nullopt;
        for (const QCborValue &item : addresses.toArray()) {
            const QCborMap entry = item.toMap();
            const QCborValue id = entry.value(QStringLiteral("id"));
            if (!item.isMap() || !id.isInteger() || id.toInteger() <= 0 || id.toInteger() > 0xffffffffLL)
                return std::nullopt;
            membership.addresses.push_back(MemberAddress{NodeId(static_cast<std::uint32_t>(id.toInteger())),
                                                         entry.value(QStringLiteral("raft")).toString(),
                                                         entry.value(QStringLiteral("http")).toString()});
        }
    }
    const QCborValue index = map.value(QStringLiteral("index"));
    if (index.isInteger() && index.toInteger() > 0)
        membership.index = LogIndex(static_cast<std::uint64_t>(index.toInteger()));
    membership.normalize();
    return membership;
}

} // namespace raftlab
