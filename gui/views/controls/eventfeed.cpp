#include "eventfeed.h"

#include "feedclearfilter.h"
#include "feeddelegate.h"
#include "feedsnapshotmodel.h"
#include "feedtextfilter.h"

#include "model/clustermodel.h"
#include "model/narrationfiltermodel.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace raftlab {

namespace {

// Most sentences are under 80 characters, a few near 100: a row wraps onto more lines as the feed gets
// narrower, so that a student reads whole sentences (the tooltip has any that still do not fit).
int linesFor(int charactersPerLine)
{
    if (charactersPerLine >= 80)
        return 1;
    return charactersPerLine >= 40 ? 2 : 3;
}

} // namespace

EventFeed::EventFeed(ClusterModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_narration(model->narration())
    , m_clearFilter(new FeedClearFilter(this))
    , m_nodeTypeFilter(new NarrationFilterModel(this))
    , m_textFilter(new FeedTextFilter(this))
    , m_delegate(new FeedDelegate(this))
{
    m_clearFilter->setSourceModel(m_narration);
    m_nodeTypeFilter->setSourceModel(m_clearFilter);
    m_textFilter->setSourceModel(m_nodeTypeFilter);
    buildControls();

    connect(m_narration, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { onSentencesInserted(first, last); });
    connect(m_narration, &QAbstractItemModel::modelReset, this, &EventFeed::onNarrationReset);
    connect(m_model, &ClusterModel::nodesChanged, this, &EventFeed::rebuildNodeChoices);
    rebuildNodeChoices();
    if (m_narration->rowCount() > 0)
        onSentencesInserted(0, m_narration->rowCount() - 1);
    setTheme(m_theme);
}

EventFeed::~EventFeed() = default;

void EventFeed::buildControls()
{
    m_nodeChoice = new QComboBox(this);
    m_nodeChoice->setObjectName(QStringLiteral("nodeFilter"));
    m_nodeChoice->setToolTip(tr("Show the sentences of one node only"));
    connect(m_nodeChoice, &QComboBox::activated, this,
            [this](int row) { setNodeFilter(NodeId(std::uint32_t(m_nodeChoice->itemData(row).toUInt()))); });

    m_groupChoice = new QComboBox(this);
    m_groupChoice->setObjectName(QStringLiteral("groupFilter"));
    m_groupChoice->setToolTip(tr("Show one kind of event: elections (timeouts, votes, roles, terms), "
                                 "replication (appends, commits, truncations, snapshots), messages "
                                 "(heartbeats, drops), faults and restarts"));
    for (FeedGroup group : feedGroups())
        m_groupChoice->addItem(feedGroupLabel(group), int(group));
    connect(m_groupChoice, &QComboBox::activated, this,
            [this](int row) { setGroupFilter(FeedGroup(m_groupChoice->itemData(row).toInt())); });

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(tr("Search the sentences…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_textFilter, &FeedTextFilter::setSearchText);

    m_pauseButton = new QToolButton(this);
    m_pauseButton->setObjectName(QStringLiteral("pause"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_pauseButton->setToolTip(tr("Freeze the feed while you read; new events keep arriving"));
    connect(m_pauseButton, &QToolButton::toggled, this, &EventFeed::setPaused);

    m_clearButton = new QToolButton(this);
    m_clearButton->setObjectName(QStringLiteral("clear"));
    m_clearButton->setText(tr("Clear"));
    m_clearButton->setToolTip(tr("Hide every sentence so far (in this feed only)"));
    connect(m_clearButton, &QToolButton::clicked, this, &EventFeed::clear);

    m_pausedBanner = new QLabel(this);
    m_pausedBanner->setObjectName(QStringLiteral("pausedBanner"));
    m_pausedBanner->setWordWrap(true);
    m_pausedBanner->setVisible(false);

    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("sentences"));
    m_list->setModel(m_textFilter);
    m_list->setItemDelegate(m_delegate);
    m_list->setUniformItemSizes(true); // one row height for all: inserting a frame costs no measuring
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->viewport()->installEventFilter(this);

    // Two rows, so that projector-sized controls fit a narrow dock without being cut.
    m_nodeChoice->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_groupChoice->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    // The choices on one row, the search with the buttons on the next.
    auto *choices = new QHBoxLayout;
    choices->addWidget(m_nodeChoice);
    choices->addWidget(m_groupChoice);
    choices->addStretch(1);
    auto *searchRow = new QHBoxLayout;
    m_search->setMinimumWidth(60);
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(m_pauseButton);
    searchRow->addWidget(m_clearButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(choices);
    layout->addLayout(searchRow);
    layout->addWidget(m_pausedBanner);
    layout->addWidget(m_list, 1);
    updatePausedState();
}

void EventFeed::setTheme(const Theme &theme)
{
    m_theme = theme;
    setFont(theme.font());
    QPalette colours = palette();
    colours.setColor(QPalette::Window, theme.background());
    colours.setColor(QPalette::Base, theme.panel());
    colours.setColor(QPalette::Text, theme.text());
    colours.setColor(QPalette::WindowText, theme.text());
    colours.setColor(QPalette::PlaceholderText, theme.mutedText());
    setPalette(colours);
    QPalette banner = colours;
    banner.setColor(QPalette::Window, theme.frozen()); // the colour of a frozen node: frozen, too
    m_pausedBanner->setPalette(banner);
    m_pausedBanner->setAutoFillBackground(true);
    m_pausedBanner->setMargin(theme.font().pointSize() / 2);
    m_delegate->setTheme(theme);
    // On a projector every sentence is read whole from the back row: rows as tall as their sentence.
    m_delegate->setWholeSentences(theme.isProjector());
    m_list->setUniformItemSizes(!theme.isProjector());
    // A scroll bar that comes and goes would change the width, and with it every row's height.
    m_list->setVerticalScrollBarPolicy(theme.isProjector() ? Qt::ScrollBarAlwaysOn : Qt::ScrollBarAsNeeded);
    // At least four lines of sentences in view, whatever else the column holds.
    m_list->setMinimumHeight(4 * QFontMetrics(theme.font()).lineSpacing() + 2 * m_list->frameWidth() + 4);
    fitLinesToWidth();
    m_list->doItemsLayout();
    m_list->viewport()->update();
}

void EventFeed::setNodeFilter(NodeId node)
{
    m_nodeFilter = node;
    int row = m_nodeChoice->findData(node.value);
    if (row < 0) { // a node the model does not know yet: offer it anyway
        m_nodeChoice->addItem(tr("Node %1").arg(node.value), node.value);
        row = m_nodeChoice->count() - 1;
    }
    m_nodeChoice->setCurrentIndex(row);
    NarrationFilter filter = m_nodeTypeFilter->filter();
    filter.nodes.clear();
    if (!node.isNone())
        filter.nodes.insert(node);
    m_nodeTypeFilter->setFilter(std::move(filter));
}

void EventFeed::setGroupFilter(FeedGroup group)
{
    m_groupFilter = group;
    m_groupChoice->setCurrentIndex(m_groupChoice->findData(int(group)));
    NarrationFilter filter = m_nodeTypeFilter->filter();
    filter.types = feedGroupTypes(group);
    m_nodeTypeFilter->setFilter(std::move(filter));
}

void EventFeed::setSearchText(const QString &text)
{
    m_search->setText(text); // textChanged sets the filter
}

QString EventFeed::searchText() const
{
    return m_textFilter->searchText();
}

void EventFeed::setPaused(bool paused)
{
    if (paused == isPaused())
        return;
    // The row on top stays on top across the swap of sources: the reader keeps their place.
    const QModelIndex top = m_list->indexAt(QPoint(1, 1));
    const int topRow = top.isValid() ? top.row() : 0;
    if (paused) {
        m_snapshot = new FeedSnapshotModel(unclearedSentences(), this);
        m_arrivedWhilePaused = 0;
        m_nodeTypeFilter->setSourceModel(m_snapshot);
        if (topRow > 0)
            m_list->scrollTo(m_textFilter->index(topRow, 0), QAbstractItemView::PositionAtTop);
    } else {
        m_nodeTypeFilter->setSourceModel(m_clearFilter);
        delete m_snapshot;
        m_snapshot = nullptr;
        m_arrivedWhilePaused = 0;
        m_list->scrollToTop();
    }
    updatePausedState();
    Q_EMIT pausedChanged(paused);
}

void EventFeed::clear()
{
    setPaused(false);
    m_clearFilter->clear();
}

std::vector<NarrationItem> EventFeed::unclearedSentences() const
{
    std::vector<NarrationItem> items;
    items.reserve(std::size_t(m_clearFilter->rowCount()));
    for (int row = 0; row < m_clearFilter->rowCount(); ++row) {
        const QModelIndex index = m_clearFilter->index(row, 0);
        items.push_back(
            NarrationItem{.tUs = index.data(Narration::TimeRole).toLongLong(),
                          .node = NodeId(std::uint32_t(index.data(Narration::NodeRole).toUInt())),
                          .type = index.data(Narration::TypeRole).toString(),
                          .term = Term(std::uint64_t(index.data(Narration::TermRole).toLongLong())),
                          .text = index.data(Narration::TextRole).toString()});
    }
    return items;
}

QAbstractItemModel *EventFeed::shownModel() const
{
    return m_textFilter;
}

int EventFeed::shownCount() const
{
    return m_textFilter->rowCount();
}

QString EventFeed::shownSentence(int row) const
{
    return m_textFilter->index(row, 0).data(Narration::TextRole).toString();
}

bool EventFeed::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_list->viewport() && event->type() == QEvent::Resize)
        fitLinesToWidth();
    return QWidget::eventFilter(watched, event);
}

void EventFeed::rebuildNodeChoices()
{
    m_nodeChoice->clear();
    m_nodeChoice->addItem(tr("All nodes"), 0U);
    for (NodeId id : m_model->nodeIds())
        m_nodeChoice->addItem(tr("Node %1").arg(id.value), id.value);
    int row = m_nodeChoice->findData(m_nodeFilter.value);
    if (row < 0 && !m_nodeFilter.isNone()) {
        m_nodeChoice->addItem(tr("Node %1").arg(m_nodeFilter.value), m_nodeFilter.value);
        row = m_nodeChoice->count() - 1;
    }
    m_nodeChoice->setCurrentIndex(std::max(row, 0));
}

void EventFeed::onSentencesInserted(int first, int last)
{
    if (m_originUs < 0) // rows are newest first: the last one is the oldest
        m_originUs = m_narration->data(m_narration->index(m_narration->rowCount() - 1), Narration::TimeRole)
                         .toLongLong();
    m_delegate->setOriginUs(m_originUs);
    if (isPaused()) {
        m_arrivedWhilePaused += last - first + 1;
        updatePausedState();
    }
}

void EventFeed::onNarrationReset()
{
    // The cluster was wiped: its story starts again at +0.
    m_originUs = -1;
}

void EventFeed::updatePausedState()
{
    const bool paused = isPaused();
    const QSignalBlocker quiet(m_pauseButton);
    m_pauseButton->setChecked(paused);
    m_pauseButton->setText(
        paused ? (m_arrivedWhilePaused > 0 ? tr("Resume (%1 new)").arg(m_arrivedWhilePaused) : tr("Resume"))
               : tr("Pause feed"));
    m_pausedBanner->setVisible(paused);
    if (paused)
        m_pausedBanner->setText(
            m_arrivedWhilePaused == 0
                ? tr("Paused: the feed holds still while you read. New events keep arriving.")
                : tr("Paused: the feed holds still while you read. %n new event(s) arrived since; "
                     "press Resume to see them.",
                     nullptr, m_arrivedWhilePaused));
}

void EventFeed::fitLinesToWidth()
{
    // Characters per line, measured on a typical sentence (averageCharWidth() overestimates prose).
    static const QString typical = QStringLiteral("Node 3 knows entries up to index 9 are committed.");
    const double characterWidth =
        QFontMetricsF(m_theme.font()).horizontalAdvance(typical) / double(typical.size());
    // The time column and the node chip take about 14 characters of the row.
    const int characters = int(m_list->viewport()->width() / std::max(1.0, characterWidth)) - 14;
    const int lines = linesFor(characters);
    const int width = m_list->viewport()->width();
    const bool rowsChange = lines != m_delegate->linesPerRow() || m_delegate->wholeSentences();
    m_delegate->setLinesPerRow(lines);
    m_delegate->setRowWidth(width);
    if (rowsChange)
        m_list->doItemsLayout(); // the rows' heights must be measured again
}

} // namespace raftlab
