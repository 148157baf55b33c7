#include "narration.h"

#include <algorithm>

namespace raftlab {

bool NarrationFilter::accepts(const NarrationItem &item) const
{
    return (nodes.empty() || nodes.contains(item.node)) && (types.empty() || types.contains(item.type));
}

QString NarrationItem::shownText() const
{
    return repeats > 1 ? QStringLiteral("%1 ×%2").arg(text).arg(repeats) : text;
}

Narration::Narration(std::size_t capacity, QObject *parent)
    : QAbstractListModel(parent)
    , m_items(capacity)
{ }

NarrationItem *Narration::recent(quint64 serial)
{
    for (auto it = m_staged.rbegin(); it != m_staged.rend(); ++it)
        if (it->serial == serial)
            return &*it;
    for (std::size_t row = 0; row < std::min(groupingWindow, m_items.size()); ++row)
        if (NarrationItem &item = m_items.at(m_items.size() - 1 - row); item.serial == serial)
            return &item;
    return nullptr;
}

NarrationItem *Narration::repeatOf(const NarrationItem &item)
{
    const auto same = [&item](const NarrationItem &other) {
        return other.node == item.node && other.type == item.type && other.text == item.text;
    };
    std::size_t looked = 0;
    for (auto it = m_staged.rbegin(); it != m_staged.rend() && looked < groupingWindow; ++it, ++looked)
        if (same(*it))
            return &*it;
    for (std::size_t row = 0; row < m_items.size() && looked < groupingWindow; ++row, ++looked)
        if (NarrationItem &shown = m_items.at(m_items.size() - 1 - row); same(shown))
            return &shown;
    return nullptr;
}

quint64 Narration::stage(NarrationItem item)
{
    if (NarrationItem *repeated = repeatOf(item)) {
        repeated->repeats += item.repeats;
        repeated->lastUs = std::max(repeated->lastUs, item.tUs);
        m_changed.insert(repeated->serial);
        return repeated->serial;
    }
    // More sentences in one frame than the feed holds: the oldest would scroll out at once anyway.
    if (m_staged.size() >= 2 * m_items.capacity())
        m_staged.erase(m_staged.begin(), m_staged.begin() + std::ptrdiff_t(m_items.capacity()));
    item.serial = m_nextSerial++;
    item.lastUs = item.tUs;
    m_staged.push_back(std::move(item));
    return m_staged.back().serial;
}

bool Narration::amend(quint64 serial, const QString &text)
{
    NarrationItem *item = recent(serial);
    if (!item)
        return false;
    item->text = text;
    m_changed.insert(serial);
    return true;
}

void Narration::publish()
{
    if (!m_changed.empty()) {
        // Repeated or reworded shown rows: one dataChanged over the span they cover (the newest rows).
        int first = -1;
        int last = -1;
        for (std::size_t row = 0; row < std::min(groupingWindow, m_items.size()); ++row)
            if (m_changed.contains(m_items.at(m_items.size() - 1 - row).serial)) {
                first = first < 0 ? int(row) : first;
                last = int(row);
            }
        m_changed.clear();
        if (first >= 0)
            Q_EMIT dataChanged(index(first), index(last), {TextRole});
    }
    if (m_staged.empty())
        return;
    // Sentences staged outside the fold (fault markers) take their place on the timeline.
    std::stable_sort(m_staged.begin(), m_staged.end(),
                     [](const NarrationItem &a, const NarrationItem &b) { return a.tUs < b.tUs; });
    if (m_staged.size() > m_items.capacity())
        m_staged.erase(m_staged.begin(), m_staged.end() - std::ptrdiff_t(m_items.capacity()));
    const int incoming = int(m_staged.size());
    const int overflow = int(m_items.size()) + incoming - int(m_items.capacity());
    if (overflow > 0) {
        const int rows = int(m_items.size());
        const int removed = std::min(overflow, rows);
        if (removed > 0) {
            beginRemoveRows(QModelIndex(), rows - removed, rows - 1);
            for (int i = 0; i < removed; ++i)
                m_items.popFront();
            endRemoveRows();
        }
    }
    beginInsertRows(QModelIndex(), 0, incoming - 1);
    for (NarrationItem &item : m_staged)
        m_items.push(std::move(item));
    endInsertRows();
    m_staged.clear();
}

void Narration::clear()
{
    beginResetModel();
    m_items.clear();
    m_staged.clear();
    m_changed.clear();
    endResetModel();
}

const NarrationItem &Narration::item(std::size_t row) const
{
    return m_items.at(m_items.size() - 1 - row);
}

std::vector<NarrationItem> Narration::items(const NarrationFilter &filter, std::size_t limit) const
{
    std::vector<NarrationItem> result;
    for (std::size_t row = 0; row < m_items.size() && result.size() < limit; ++row)
        if (const NarrationItem &candidate = item(row); filter.accepts(candidate))
            result.push_back(candidate);
    return result;
}

int Narration::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant Narration::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount())
        return {};
    const NarrationItem &entry = item(std::size_t(index.row()));
    switch (role) {
    case TextRole:
        return entry.shownText();
    case NodeRole:
        return int(entry.node.value);
    case TypeRole:
        return entry.type;
    case TermRole:
        return qint64(entry.term.value);
    case TimeRole:
        return entry.tUs;
    default:
        return {};
    }
}

QHash<int, QByteArray> Narration::roleNames() const
{
    return {
        {TextRole, "text"}, {NodeRole, "node"}, {TypeRole, "type"}, {TermRole, "term"}, {TimeRole, "time"}};
}

} // namespace raftlab
