#include "clientpanel.h"

#include "fittedtext.h"
#include "requesthistorymodel.h"

#include "model/clustermodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

#include <algorithm>

namespace raftlab {

namespace {

// The longest last failure the load generator's figures show; a longer one is cut with an ellipsis.
constexpr int loadFailureCharacters = 60;
// The lines the answer's facts take, and its explanation: fixed, so that nothing below moves as answers
// come (a longer one is cut, and whole in the tooltip).
constexpr int answerLines = 2;

RequestRecord::Outcome recordOutcome(KvAnswer::Outcome outcome)
{
    return outcome == KvAnswer::Outcome::Ok ? RequestRecord::Outcome::Ok : RequestRecord::Outcome::Failed;
}

// A run's own rate: its committed writes over its whole length.
double committedPerSecond(const LoadStatistics &s)
{
    return s.elapsedMs > 0 ? double(s.committed) * 1000.0 / double(s.elapsedMs) : 0.0;
}

QString wallClock()
{
    return QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
}

// The table of recent requests asks for its header and a few rows, not a scroll area's usual 192 pixels:
// the column gives the rest to the feed's sentences, and the table takes more only where room is left.
class RequestTable final : public QTableView
{
public:
    using QTableView::QTableView;

    QSize sizeHint() const override
    {
        constexpr int rows = 4;
        return {QTableView::sizeHint().width(),
                horizontalHeader()->sizeHint().height() + rows * verticalHeader()->defaultSectionSize() +
                    2 * frameWidth()};
    }
};

} // namespace

ClientPanel::ClientPanel(ClusterModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_history(new RequestHistoryModel(50, this))
{
    m_table = new RequestTable(this);
    m_table->setObjectName(QStringLiteral("history"));
    m_table->setModel(m_history);
    m_table->verticalHeader()->hide();
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(RequestHistoryModel::ResultColumn,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(RequestHistoryModel::KeyColumn,
                                                      QHeaderView::Interactive);
    m_table->installEventFilter(this); // its columns are fitted again at every width (fitHistoryColumns)
    // Once the header has sized the columns to their new contents.
    const auto refit = [this] {
        QMetaObject::invokeMethod(this, &ClientPanel::fitHistoryColumns, Qt::QueuedConnection);
    };
    connect(m_history, &QAbstractItemModel::rowsInserted, this, refit);
    connect(m_history, &QAbstractItemModel::dataChanged, this, refit);

    // The request part (fields, answer, table), then the load generator.
    m_requestPart = new QWidget(this);
    auto *request = new QVBoxLayout(m_requestPart);
    request->setContentsMargins(0, 0, 0, 0);
    request->addWidget(buildRequestRow());
    request->addWidget(buildAnswerBox());
    request->addWidget(m_table, 1);
    buildLoadBox();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_requestPart, 1);
    layout->addWidget(m_loadBox);

    rebuildTargets();
    setTheme(m_theme);
}

void ClientPanel::arrange(bool narrow)
{
    m_narrow = narrow;
    // The request row: one line of fields and one of buttons when wide; a field a line when narrow.
    for (QWidget *widget : {static_cast<QWidget *>(m_targetLabel), static_cast<QWidget *>(m_target),
                            static_cast<QWidget *>(m_keyLabel), static_cast<QWidget *>(m_key),
                            static_cast<QWidget *>(m_valueLabel), static_cast<QWidget *>(m_value),
                            static_cast<QWidget *>(m_localRead)})
        m_requestGrid->removeWidget(widget);
    m_requestGrid->removeItem(m_buttons);
    for (int column = 0; column < 6; ++column)
        m_requestGrid->setColumnStretch(column, 0);
    if (narrow) {
        m_requestGrid->addWidget(m_targetLabel, 0, 0);
        m_requestGrid->addWidget(m_target, 0, 1);
        m_requestGrid->addWidget(m_keyLabel, 1, 0);
        m_requestGrid->addWidget(m_key, 1, 1);
        m_requestGrid->addWidget(m_valueLabel, 2, 0);
        m_requestGrid->addWidget(m_value, 2, 1);
        m_requestGrid->addLayout(m_buttons, 3, 0, 1, 2);
        m_requestGrid->addWidget(m_localRead, 4, 0, 1, 2);
        m_requestGrid->setColumnStretch(1, 1);
    } else {
        m_requestGrid->addWidget(m_targetLabel, 0, 0);
        m_requestGrid->addWidget(m_target, 0, 1);
        m_requestGrid->addWidget(m_keyLabel, 0, 2);
        m_requestGrid->addWidget(m_key, 0, 3);
        m_requestGrid->addWidget(m_valueLabel, 0, 4);
        m_requestGrid->addWidget(m_value, 0, 5);
        m_requestGrid->addLayout(m_buttons, 1, 0, 1, 3);
        m_requestGrid->addWidget(m_localRead, 1, 3, 1, 3);
        m_requestGrid->setColumnStretch(3, 1);
        m_requestGrid->setColumnStretch(5, 2);
    }
    // The load generator: rate, keys and the Start/Stop button on one line when wide; when narrow, a line
    // each and the rate's value under its slider.
    for (QWidget *widget : {static_cast<QWidget *>(m_rateTitle), static_cast<QWidget *>(m_rate),
                            static_cast<QWidget *>(m_rateLabel), static_cast<QWidget *>(m_keysTitle),
                            static_cast<QWidget *>(m_keys), static_cast<QWidget *>(m_loadButton)})
        m_loadGrid->removeWidget(widget);
    m_loadGrid->addWidget(m_rateTitle, 0, 0);
    if (narrow) {
        m_loadGrid->addWidget(m_rate, 0, 1);
        m_loadGrid->addWidget(m_rateLabel, 1, 1);
        m_loadGrid->addWidget(m_keysTitle, 2, 0);
        m_loadGrid->addWidget(m_keys, 2, 1, Qt::AlignLeft);
        m_loadGrid->addWidget(m_loadButton, 3, 1, Qt::AlignLeft);
    } else {
        m_loadGrid->addWidget(m_rate, 0, 1);
        m_loadGrid->addWidget(m_rateLabel, 0, 2);
        m_loadGrid->addWidget(m_keysTitle, 0, 3);
        m_loadGrid->addWidget(m_keys, 0, 4);
        m_loadGrid->addWidget(m_loadButton, 0, 5);
    }
    // The table keeps what a request is (node, operation, key, result); when, where in the log and how
    // fast return with the room.
    for (const int column : {RequestHistoryModel::TimeColumn, RequestHistoryModel::IndexColumn,
                             RequestHistoryModel::TermColumn, RequestHistoryModel::LatencyColumn})
        m_table->setColumnHidden(column, narrow);
    fitHistoryColumns();
}

int ClientPanel::arrangedMinimumWidth(bool narrow)
{
    arrange(narrow);
    // Sizes are cached at every level: forget them from the inside out, now rather than at the next
    // layout pass.
    for (QWidget *part : {m_requestRow, m_requestPart, static_cast<QWidget *>(m_loadBox)}) {
        part->layout()->invalidate();
        part->updateGeometry();
    }
    layout()->invalidate();
    return layout()->totalMinimumSize().width();
}

void ClientPanel::measureArrangements()
{
    m_narrowWidth = arrangedMinimumWidth(true);
    m_wideWidth = arrangedMinimumWidth(false);
    arrange(width() < m_wideWidth);
}

QSize ClientPanel::minimumSizeHint() const
{
    // The narrow arrangement's width: a column narrower than the wide one restacks rather than scrolls.
    QSize size = QWidget::minimumSizeHint();
    size.setWidth(m_narrowWidth);
    return size;
}

void ClientPanel::forgetRequests()
{
    m_answer = KvAnswer{};
    m_history->clear();
    fitAnswer();
}

int ClientPanel::requestPartHeight() const
{
    // The rows above the table do not stretch: where the table begins does not depend on the height.
    return m_table->mapTo(this, QPoint()).y();
}

void ClientPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    const bool narrow = width() < m_wideWidth;
    if (narrow != m_narrow)
        arrange(narrow);
    fitLoadStatistics();
    fitAnswer();
}

bool ClientPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_answerBox && event->type() == QEvent::Resize)
        fitAnswer();
    if (watched == m_table && event->type() == QEvent::Resize)
        fitHistoryColumns();
    return QWidget::eventFilter(watched, event);
}

void ClientPanel::fitHistoryColumns()
{
    // A result's status code and word ("200 OK", "404 not found") stay readable: the key, the column that
    // can be long, gives way first (it is cut, and whole in its tooltip, as is a longer result).
    QHeaderView *header = m_table->horizontalHeader();
    const QFontMetrics metrics(m_table->font());
    const int padding =
        2 * metrics.averageCharWidth() + 2 * m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin);
    const int resultLeast = std::max(metrics.horizontalAdvance(tr("404 not found")) + padding,
                                     header->sectionSizeHint(RequestHistoryModel::ResultColumn));
    int others = 0;
    for (int column = 0; column < RequestHistoryModel::ColumnCount; ++column)
        if (column != RequestHistoryModel::KeyColumn && column != RequestHistoryModel::ResultColumn &&
            !m_table->isColumnHidden(column))
            others += header->sectionSize(column);
    const int keyLeast = header->sectionSizeHint(RequestHistoryModel::KeyColumn);
    const int keyWanted = std::max(
        keyLeast,
        static_cast<QAbstractItemView *>(m_table)->sizeHintForColumn(RequestHistoryModel::KeyColumn));
    const int keyRoom = m_table->viewport()->width() - others - resultLeast;
    header->resizeSection(RequestHistoryModel::KeyColumn, std::max(keyLeast, std::min(keyWanted, keyRoom)));
}

void ClientPanel::fitAnswer()
{
    // Nothing moves as answers arrive: the headline takes one line, the facts and the explanation a fixed
    // number each, whatever their length. Where the full words need more, the brief ones stand in; only
    // what even they cannot say in that room is cut with an ellipsis, whole in the tooltip.
    const QFontMetrics headlineMetrics(m_headline->font());
    const QFontMetrics metrics(m_facts->font());
    m_headline->setFixedHeight(headlineMetrics.height());
    m_facts->setFixedHeight(metrics.height() * answerLines);
    m_explanation->setFixedHeight(metrics.height() * answerLines);
    const int width = std::max(1, m_answerBox->contentsRect().width());
    // Colour never carries the meaning alone: the glyph differs too (✔ ✖ ?).
    const QString glyph = m_answer.outcome == KvAnswer::Outcome::Ok ? QStringLiteral("\u2714")
        : m_answer.outcome == KvAnswer::Outcome::Failed             ? QStringLiteral("\u2716")
                                                                    : QStringLiteral("?");
    const bool answered = !m_answer.headline.isEmpty();
    // Before the first request the box says what to do, in the same lines an answer takes.
    const QString headlineText = answered ? m_answer.headline : tr("No request yet");
    const QString factsText = answered ? m_answer.facts : tr("Type a key and a value, then Put.");
    const int glyphWidth = answered ? headlineMetrics.horizontalAdvance(glyph + QLatin1Char(' ')) : 0;
    struct Fitted
    {
        FittedText headline, facts, explanation;
        bool cut() const { return headline.cut || facts.cut || explanation.cut; }
    };
    const auto fit = [&](const QString &headline, const QString &facts, const QString &explanation) {
        return Fitted{fitToLines(headline, m_headline->font(), width - glyphWidth, 1),
                      fitToLines(facts, m_facts->font(), width, answerLines),
                      fitToLines(explanation, m_explanation->font(), width, answerLines)};
    };
    Fitted shown = fit(headlineText, factsText, m_answer.explanation);
    // Where the full words would be cut (a narrow column), the brief ones stand in, all three together:
    // they share out what to say (the brief facts carry the index and term the brief headline leaves out).
    // The tooltip then holds the full words.
    const bool briefed = answered && shown.cut() && !m_answer.briefHeadline.isEmpty();
    if (briefed)
        shown = fit(m_answer.briefHeadline, m_answer.briefFacts, m_answer.briefExplanation);
    const FittedText &headline = shown.headline;
    const FittedText &facts = shown.facts;
    const FittedText &explanation = shown.explanation;
    m_headline->setText(
        answered ? QStringLiteral("<span style=\"color:%1\">%2</span>&nbsp;%3")
                       .arg(outcomeColorName(m_answer.outcome), glyph, headline.text.toHtmlEscaped())
                 : headline.text.toHtmlEscaped());
    m_facts->setText(facts.text);
    m_explanation->setText(explanation.text);
    m_answerBox->setToolTip(!shown.cut() && !briefed ? QString()
                                : answered           ? answerText()
                                                     : headlineText + QLatin1Char('\n') + factsText);
}

void ClientPanel::fitLoadStatistics()
{
    // Controls never move under the mouse: the figures below the Start/Stop button take the height of
    // the longest figures at this width, whatever they say now (lines come and go).
    const QFontMetrics metrics(m_loadStatistics->font());
    const int textWidth = std::max(1, m_loadStatistics->contentsRect().width());
    // Figures as long as a long run makes them.
    const LoadStatistics longest{.sent = 9'999'999,
                                 .committed = 9'999'999,
                                 .failed = 9'999'999,
                                 .noTarget = 9'999'999,
                                 .inFlight = LoadLimits::defaultMaxInFlight,
                                 .peakInFlight = LoadLimits::defaultMaxInFlight,
                                 .meanLatencyUs = 9'999'999,
                                 .lastIndex = {},
                                 .lastTerm = {},
                                 .lastFailure = QString(loadFailureCharacters, QLatin1Char('m')),
                                 .elapsedMs = 9'999'000,
                                 .maxInFlight = LoadLimits::defaultMaxInFlight};
    const WriteSummary recent{.seconds = 10,
                              .committed = 9999,
                              .failed = 9999,
                              .committedPerSecond = LoadLimits::maxRatePerSecond,
                              .meanUs = 9'999'999,
                              .p50Us = 9'999'999,
                              .p99Us = 9'999'999};
    const QString text = loadFigureLines(longest, recent).join(QLatin1Char('\n'));
    const int height =
        metrics.boundingRect(QRect(0, 0, textWidth, 1'000'000), Qt::TextWordWrap, text).height();
    m_loadStatistics->setFixedHeight(height + 4);
}

ClientPanel::~ClientPanel() = default;

QWidget *ClientPanel::buildRequestRow()
{
    auto *row = m_requestRow = new QWidget(this);
    m_target = new QComboBox(row);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->setToolTip(tr("Where requests go. \"Any node\" picks a reachable node in turn; a follower "
                            "forwards writes and reads to the leader."));
    connect(m_target, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT loadTargetChanged(target()); });

    m_key = new QLineEdit(row);
    m_key->setObjectName(QStringLiteral("key"));
    m_key->setPlaceholderText(tr("key"));
    m_key->setText(QStringLiteral("x"));
    connect(m_key, &QLineEdit::returnPressed, this, [this] { send(KvOperation::Get); });
    m_value = new QLineEdit(row);
    m_value->setObjectName(QStringLiteral("value"));
    m_value->setPlaceholderText(tr("value (Enter puts it)"));
    connect(m_value, &QLineEdit::returnPressed, this, [this] { send(KvOperation::Put); });

    m_put = new QPushButton(tr("Put"), row);
    m_put->setObjectName(QStringLiteral("put"));
    m_put->setToolTip(tr("Write key = value: answers once a majority stored it (committed)"));
    connect(m_put, &QPushButton::clicked, this, [this] { send(KvOperation::Put); });
    m_get = new QPushButton(tr("Get"), row);
    m_get->setObjectName(QStringLiteral("get"));
    m_get->setToolTip(tr("Read the key"));
    connect(m_get, &QPushButton::clicked, this, [this] { send(KvOperation::Get); });
    m_delete = new QPushButton(tr("Delete"), row);
    m_delete->setObjectName(QStringLiteral("delete"));
    m_delete->setToolTip(tr("Remove the key: a write, committed like a put"));
    connect(m_delete, &QPushButton::clicked, this, [this] { send(KvOperation::Delete); });
    m_localRead = new QCheckBox(tr("Local read (may be stale)"), row);
    m_localRead->setObjectName(QStringLiteral("localRead"));
    m_localRead->setToolTip(tr("Get answers from the node's own copy (consistency=local) instead of "
                               "checking with the leader: shows why reads need care"));

    m_targetLabel = new QLabel(tr("Send to"), row);
    m_keyLabel = new QLabel(tr("Key"), row);
    m_valueLabel = new QLabel(tr("Value"), row);
    m_requestGrid = new QGridLayout(row);
    m_requestGrid->setContentsMargins(0, 0, 0, 0);
    m_buttons = new QHBoxLayout;
    m_buttons->addWidget(m_put);
    m_buttons->addWidget(m_get);
    m_buttons->addWidget(m_delete);
    m_buttons->addStretch(1);
    return row;
}

QWidget *ClientPanel::buildAnswerBox()
{
    auto *box = m_answerBox = new QWidget(this);
    box->setObjectName(QStringLiteral("answer"));
    box->installEventFilter(this); // its lines are broken again at every width (fitAnswer)
    // Lines broken by fitAnswer(), not by the labels: their width is the panel's, never their text's.
    m_headline = new QLabel(box); // its words come with fitAnswer(), as an answer's do
    m_headline->setObjectName(QStringLiteral("answerHeadline"));
    m_headline->setTextFormat(Qt::RichText);
    m_facts = new QLabel(box);
    m_facts->setObjectName(QStringLiteral("answerFacts"));
    m_facts->setTextFormat(Qt::PlainText);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation = new QLabel(box);
    m_explanation->setObjectName(QStringLiteral("answerExplanation"));
    m_explanation->setTextFormat(Qt::PlainText);
    for (QLabel *label : {m_headline, m_facts, m_explanation}) {
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
        label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    }
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 4, 0, 4);
    layout->setSpacing(2);
    layout->addWidget(m_headline);
    layout->addWidget(m_facts);
    layout->addWidget(m_explanation);
    return box;
}

QGroupBox *ClientPanel::buildLoadBox()
{
    auto *box = m_loadBox = new QGroupBox(tr("Load generator"), this);
    box->setObjectName(QStringLiteral("loadGenerator"));
    m_rate = new QSlider(Qt::Horizontal, box);
    m_rate->setObjectName(QStringLiteral("loadRate"));
    m_rate->setRange(0, LoadLimits::maxRatePerSecond);
    m_rate->setSingleStep(10);
    m_rate->setPageStep(50);
    m_rate->setValue(LoadLimits::defaultRatePerSecond);
    m_rate->setToolTip(tr("Writes per second (0 = off)"));
    m_rateLabel = new QLabel(box);
    m_rateLabel->setObjectName(QStringLiteral("loadRateLabel"));
    m_keys = new QSpinBox(box);
    m_keys->setObjectName(QStringLiteral("loadKeys"));
    m_keys->setRange(1, 100'000);
    m_keys->setValue(LoadLimits::defaultKeyCount);
    m_keys->setToolTip(tr("How many distinct keys the writes go to: key-0, key-1, …"));
    m_loadButton = new QPushButton(tr("Start"), box);
    m_loadButton->setObjectName(QStringLiteral("loadStartStop"));
    m_loadButton->setCheckable(true);
    m_loadStatistics = new QLabel(box);
    m_loadStatistics->setObjectName(QStringLiteral("loadStatistics"));
    m_loadStatistics->setWordWrap(true);
    m_loadStatistics->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    auto updateRate = [this](int rate) {
        m_rateLabel->setText(rate == 0 ? tr("off") : tr("%1 writes/s").arg(rate));
        m_loadButton->setEnabled(rate > 0 || m_loadRunning);
        Q_EMIT loadRateChanged(rate);
    };
    connect(m_rate, &QSlider::valueChanged, this, updateRate);
    updateRate(m_rate->value());
    connect(m_keys, &QSpinBox::valueChanged, this, &ClientPanel::loadKeyCountChanged);
    connect(m_loadButton, &QPushButton::toggled, this, &ClientPanel::setLoadRunning);

    m_rateTitle = new QLabel(tr("Rate"), box);
    m_keysTitle = new QLabel(tr("Keys"), box);
    m_loadGrid = new QGridLayout;
    m_loadGrid->setColumnStretch(1, 1);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(m_loadGrid);
    layout->addWidget(m_loadStatistics);
    m_loadStatistics->setText(
        tr("Puts key-<n> = a random value to the target, at most %1 unanswered at a time.")
            .arg(LoadLimits::defaultMaxInFlight));
    return box;
}

void ClientPanel::setTheme(const Theme &theme)
{
    m_theme = theme;
    setFont(theme.font());
    QPalette colours = palette();
    colours.setColor(QPalette::Window, theme.background());
    colours.setColor(QPalette::Base, theme.panel());
    colours.setColor(QPalette::AlternateBase, theme.background());
    colours.setColor(QPalette::Text, theme.text());
    colours.setColor(QPalette::WindowText, theme.text());
    colours.setColor(QPalette::ButtonText, theme.text());
    colours.setColor(QPalette::PlaceholderText, theme.mutedText());
    setPalette(colours);
    m_headline->setFont(theme.font(1.25, true));
    QPalette muted = colours;
    muted.setColor(QPalette::WindowText, theme.mutedText());
    m_explanation->setPalette(muted);
    m_loadStatistics->setPalette(colours);
    // Controls never move under the mouse: the labels beside the Start/Stop button take a fixed width
    // (and the figures below it a fixed height, fitLoadStatistics()).
    const QFontMetrics metrics(theme.font());
    m_rateLabel->setFixedWidth(
        metrics.horizontalAdvance(tr("%1 writes/s").arg(LoadLimits::maxRatePerSecond)) + 8);
    m_loadButton->setFixedWidth(
        std::max(metrics.horizontalAdvance(tr("Start")), metrics.horizontalAdvance(tr("Stop"))) +
        4 * metrics.averageCharWidth());
    // Theme has no status colours: a granted vote's green marks success, a refusal's red failure (and,
    // in outcomeColorName(), the candidate's orange an unknown outcome).
    m_history->setOutcomeColors(theme.voteColor(true), theme.voteColor(false), theme.mutedText());
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setDefaultSectionSize(QFontMetrics(theme.font()).lineSpacing() + 6);
    measureArrangements();
    fitAnswer();
    fitLoadStatistics();
}

void ClientPanel::setNodeIds(const QList<NodeId> &ids)
{
    m_clientIds = ids;
    std::sort(m_clientIds.begin(), m_clientIds.end());
    rebuildTargets();
}

int ClientPanel::loadRate() const
{
    return m_rate->value();
}

int ClientPanel::loadKeyCount() const
{
    return m_keys->value();
}

void ClientPanel::setLoadRunning(bool running)
{
    if (running)
        Q_EMIT loadStartWanted();
    else
        Q_EMIT loadStopWanted();
    // The generator says whether it runs (showLoadRunning()); the button follows it, not the click.
    const QSignalBlocker quiet(m_loadButton);
    m_loadButton->setChecked(m_loadRunning);
}

void ClientPanel::setTarget(NodeId target)
{
    const int row = m_target->findData(target.value);
    if (row >= 0)
        m_target->setCurrentIndex(row);
}

NodeId ClientPanel::target() const
{
    return NodeId(m_target->currentData().toUInt());
}

QString ClientPanel::answerText() const
{
    QStringList lines{m_answer.headline, m_answer.facts};
    if (!m_answer.explanation.isEmpty())
        lines << m_answer.explanation;
    return lines.join(QLatin1Char('\n'));
}

void ClientPanel::rebuildTargets()
{
    const NodeId chosen = m_target->count() > 0 ? target() : NodeId{};
    const QSignalBlocker quiet(m_target);
    m_target->clear();
    m_target->addItem(tr("Any node"), 0U);
    for (NodeId id : m_clientIds)
        m_target->addItem(tr("Node %1").arg(id.value), id.value);
    m_target->setCurrentIndex(std::max(0, m_target->findData(chosen.value)));
    Q_EMIT loadTargetChanged(target());
}

void ClientPanel::send(KvOperation operation)
{
    KvRequest request{.operation = operation,
                      .key = m_key->text().toUtf8(),
                      .value = m_value->text().toUtf8(),
                      .anyNode = target().isNone(),
                      .localRead = operation == KvOperation::Get && m_localRead->isChecked()};
    if (request.key.isEmpty()) {
        showAnswer(KvAnswer{.outcome = KvAnswer::Outcome::Failed,
                            .headline = tr("Type a key first"),
                            .facts = tr("Keys are 1 to 1024 bytes of text, without '/'."),
                            .explanation = {},
                            .shortResult = {}});
        return;
    }
    Q_EMIT requestWanted(request, target());
}

void ClientPanel::showRefused(const KvRequest &request, NodeId target)
{
    if (request.source != KvSource::Panel)
        return;
    showAnswer(KvAnswer{.outcome = KvAnswer::Outcome::Failed,
                        .headline = target.isNone() ? tr("No node is reachable")
                                                    : tr("There is no node %1").arg(target.value),
                        .facts = tr("%1 was not sent.").arg(operationName(request.operation)),
                        .explanation = tr("\"Any node\" sends only to nodes whose event stream is up: "
                                          "start the cluster or restart a node."),
                        .shortResult = {}});
}

void ClientPanel::showSent(quint64 id, const KvRequest &request, NodeId node)
{
    if (request.source != KvSource::Panel)
        return;
    const quint64 row = m_history->add(
        RequestRecord{.time = wallClock(),
                      .node = request.anyNode ? tr("any → %1").arg(node.value) : QString::number(node.value),
                      .operation = operationName(request.operation),
                      .key = displayBytes(request.key, 30),
                      .result = tr("waiting…"),
                      .index = {},
                      .term = {},
                      .latencyMs = {},
                      .outcome = RequestRecord::Outcome::Pending});
    m_pending[id] = row;
    m_answer = KvAnswer{
        .outcome = KvAnswer::Outcome::Unknown,
        .headline = tr("Waiting for node %1…").arg(node.value),
        .facts = tr("%1 %2 sent").arg(operationName(request.operation), displayBytes(request.key, 30)),
        .explanation = {},
        .shortResult = {}};
    showAnswer(m_answer);
}

void ClientPanel::showAnswered(quint64 id, const KvRequest &request, const KvResult &result, NodeId node)
{
    if (request.source != KvSource::Panel)
        return;
    const auto pending = m_pending.find(id);
    const std::optional<quint64> row =
        pending == m_pending.end() ? std::nullopt : std::optional<quint64>(pending->second);
    if (pending != m_pending.end())
        m_pending.erase(pending);
    if (request.operation != KvOperation::Get)
        m_model->recordClientWrite(result.latencyUs,
                                   result.ok() ? WriteOutcome::Committed : WriteOutcome::Failed);
    const KvAnswer answer = describeKvAnswer(request, result, node, m_model->summary().leader);
    if (const RequestRecord *shown = row ? m_history->record(*row) : nullptr) {
        RequestRecord updated = *shown;
        updated.result = answer.shortResult;
        updated.index = result.ok() ? result.index : std::nullopt;
        updated.term = result.ok() ? result.term : std::nullopt;
        updated.latencyMs = result.latencyUs / 1000.0;
        updated.outcome = recordOutcome(answer.outcome);
        m_history->update(*row, updated);
    }
    showAnswer(answer);
}

QString ClientPanel::outcomeColorName(KvAnswer::Outcome outcome) const
{
    switch (outcome) {
    case KvAnswer::Outcome::Ok:
        return m_theme.voteColor(true).name();
    case KvAnswer::Outcome::Failed:
        return m_theme.voteColor(false).name();
    case KvAnswer::Outcome::Unknown:
        return m_theme.roleColor(Role::Candidate).name();
    }
    return m_theme.text().name();
}

void ClientPanel::showAnswer(const KvAnswer &answer)
{
    m_answer = answer;
    fitAnswer();
    Q_EMIT answerShown();
}

QStringList ClientPanel::loadFigureLines(const LoadStatistics &s, const WriteSummary &recent)
{
    // Its own counts for this run; rate and latency from the same figures as the writes chart (every
    // client write, the last few seconds), so that the two never disagree.
    // "This run" is what the run's row in the table shows too: its whole length, its own writes.
    const double runPerSecond = committedPerSecond(s);
    QString run = tr("This run (%1 s): sent %2 · committed %3 (%4/s) · failed %5 · in flight %6 (at most %7)")
                      .arg(double(s.elapsedMs) / 1000.0, 0, 'f', 0)
                      .arg(s.sent)
                      .arg(s.committed)
                      .arg(runPerSecond, 0, 'f', 0)
                      .arg(s.failed)
                      .arg(s.inFlight)
                      .arg(s.maxInFlight);
    if (s.committed > 0)
        run += tr(" · mean latency %1 ms").arg(double(s.meanLatencyUs) / 1000.0, 0, 'f', 1);
    QStringList lines{run};
    if (recent.seconds > 0)
        lines << tr("All client writes (as on the Charts tab), %1").arg(recent.describe());
    if (s.noTarget > 0)
        lines << tr("%1 writes not sent: no node reachable").arg(s.noTarget);
    if (!s.lastFailure.isEmpty()) {
        QString failure = s.lastFailure;
        if (failure.size() > loadFailureCharacters)
            failure = failure.left(loadFailureCharacters - 1) + QChar(0x2026);
        lines << tr("Last failure: %1").arg(failure);
    }
    return lines;
}

void ClientPanel::showLoadStatistics(const LoadStatistics &s, bool running)
{
    const double runPerSecond = committedPerSecond(s);
    m_loadStatistics->setText(
        loadFigureLines(s, m_model->history().clientWrites().summary()).join(QLatin1Char('\n')));

    if (const RequestRecord *shown = m_history->record(m_loadRow)) {
        RequestRecord updated = *shown;
        updated.result = tr("%1%2 ok, %3 failed, %4/s")
                             .arg(running ? tr("running: ") : QString())
                             .arg(s.committed)
                             .arg(s.failed)
                             .arg(runPerSecond, 0, 'f', 0);
        updated.index = s.lastIndex;
        updated.term = s.lastTerm;
        updated.latencyMs = s.committed > 0 ? std::optional<double>(s.meanLatencyUs / 1000.0) : std::nullopt;
        updated.outcome = s.failed > 0 ? RequestRecord::Outcome::Failed
            : s.committed > 0          ? RequestRecord::Outcome::Ok
                                       : RequestRecord::Outcome::Pending;
        m_history->update(m_loadRow, updated);
    }
}

void ClientPanel::showLoadRunning(bool running, NodeId to, int keyCount)
{
    m_loadRunning = running;
    const QSignalBlocker quiet(m_loadButton);
    m_loadButton->setChecked(running);
    m_loadButton->setText(running ? tr("Stop") : tr("Start"));
    m_loadButton->setEnabled(running || m_rate->value() > 0);
    if (running) {
        // One row per run, updated as it goes: thousands of writes must not flood the table.
        m_loadKeys = keyCount;
        m_loadRow = m_history->add(RequestRecord{.time = wallClock(),
                                                 .node = to.isNone() ? tr("any") : QString::number(to.value),
                                                 .operation = tr("LOAD"),
                                                 .key = tr("key-0…%1").arg(keyCount - 1),
                                                 .result = tr("running"),
                                                 .index = {},
                                                 .term = {},
                                                 .latencyMs = {},
                                                 .outcome = RequestRecord::Outcome::Pending});
    }
}

} // namespace raftlab
