#include "chartspanel.h"

#include "leaderlesschart.h"
#include "nodeserieschart.h"
#include "writeschart.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QVBoxLayout>

namespace raftlab {

namespace {

constexpr int refreshIntervalMs = 250; // at most four refreshes a second
constexpr qint64 slideIntervalUs = 1'000'000; // a calm history only slides, once a second
// About the width of a chart's plot in pixels: finer detail than span / this cannot be seen, so the
// series are decimated to it, and the refresh interval never drops below the time one pixel spans.
constexpr int plotPixels = 600;

} // namespace

ChartsPanel::ChartsPanel(const ClusterModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_theme(Theme::standard())
{
    Q_ASSERT(model);
    m_terms =
        new NodeSeriesChart(tr("Term per node"), tr("term"),
                            [](const ClusterHistory &history, NodeId id) { return history.termSeries(id); });
    m_commits = new NodeSeriesChart(
        tr("Commit index per node"), tr("commit index"),
        [](const ClusterHistory &history, NodeId id) { return history.commitSeries(id); });
    m_writes = new WritesChart;
    m_leaderless = new LeaderlessChart;

    m_chartsArea = new QWidget(this);
    auto *grid = new QGridLayout(m_chartsArea);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    grid->addWidget(m_terms, 0, 0);
    grid->addWidget(m_commits, 0, 1);
    grid->addWidget(m_leaderless, 1, 0);
    grid->addWidget(m_writes, 1, 1);

    auto *toolbar = new QWidget(this);
    buildToolbar(toolbar);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(toolbar);
    layout->addWidget(m_chartsArea, 1);

    m_timer.setInterval(refreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ChartsPanel::onTick);
    setWindowSeconds(30);
    setTheme(m_theme);
}

ChartsPanel::~ChartsPanel() = default;

void ChartsPanel::buildToolbar(QWidget *toolbar)
{
    auto *row = new QHBoxLayout(toolbar);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Show the last"), toolbar));
    m_windowChoice = new QComboBox(toolbar);
    const qint64 historyWindowS = m_model->limits().historyWindowUs / 1'000'000;
    for (const auto &[seconds, label] : {std::pair{30, tr("30 s")}, {120, tr("2 min")}, {600, tr("10 min")}})
        if (seconds <= historyWindowS || seconds == 30)
            m_windowChoice->addItem(label, seconds);
    connect(m_windowChoice, &QComboBox::activated, this,
            [this](int item) { setWindowSeconds(m_windowChoice->itemData(item).toInt()); });
    row->addWidget(m_windowChoice);
    row->addStretch(1);
    m_pauseButton = new QPushButton(tr("Pause"), toolbar);
    m_pauseButton->setToolTip(tr("Freeze the charts to look at them (the cluster keeps running)"));
    connect(m_pauseButton, &QPushButton::clicked, this, [this] { setPaused(!m_paused); });
    row->addWidget(m_pauseButton);
    m_exportButton = new QPushButton(tr("Export PNG…"), toolbar);
    connect(m_exportButton, &QPushButton::clicked, this, &ChartsPanel::exportWithDialog);
    row->addWidget(m_exportButton);
}

void ChartsPanel::setTheme(const Theme &theme)
{
    m_theme = theme;
    for (TimeChartView *chart :
         {static_cast<TimeChartView *>(m_terms), static_cast<TimeChartView *>(m_commits),
          static_cast<TimeChartView *>(m_writes), static_cast<TimeChartView *>(m_leaderless)})
        chart->setTheme(theme);
    const QFont font = theme.font(0.95);
    for (QWidget *widget : {static_cast<QWidget *>(m_windowChoice), static_cast<QWidget *>(m_pauseButton),
                            static_cast<QWidget *>(m_exportButton)})
        widget->setFont(font);
    QPalette palette = this->palette();
    palette.setColor(QPalette::Window, theme.background());
    setPalette(palette);
    setAutoFillBackground(true);
}

void ChartsPanel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    updateTimer();
    if (!paused)
        onTick(); // catch up at once
    Q_EMIT pausedChanged(paused);
}

void ChartsPanel::setWindowSeconds(int seconds)
{
    const qint64 spanUs =
        std::clamp<qint64>(qint64(seconds) * 1'000'000, 1'000'000, m_model->limits().historyWindowUs);
    m_window.spanUs = spanUs;
    m_window.resolutionUs = spanUs / plotPixels;
    m_timer.setInterval(std::max<int>(refreshIntervalMs, int(spanUs / plotPixels / 1000)));
    const int item = m_windowChoice->findData(int(spanUs / 1'000'000));
    if (item >= 0)
        m_windowChoice->setCurrentIndex(item);
    m_refreshedSignature = 0; // the next tick redraws
    if (m_timer.isActive())
        onTick();
}

void ChartsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateTimer();
    onTick();
}

void ChartsPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    updateTimer();
}

void ChartsPanel::updateTimer()
{
    const bool run = isVisible() && !m_paused;
    if (run && !m_timer.isActive())
        m_timer.start();
    else if (!run)
        m_timer.stop();
}

quint64 ChartsPanel::historySignature() const
{
    // Cheap: the series count their changes, the rings are compared by size and newest element.
    const ClusterHistory &history = m_model->history();
    quint64 hash = 1469598103934665603ULL;
    const auto mix = [&hash](quint64 value) {
        hash ^= value;
        hash *= 1099511628211ULL;
    };
    for (NodeId id : m_model->nodeIds()) {
        mix(id.value);
        mix(history.termSeries(id) ? history.termSeries(id)->revision() : 0);
        mix(history.commitSeries(id) ? history.commitSeries(id)->revision() : 0);
    }
    mix(history.leaderSeries().revision());
    mix(history.faultMarkers().size());
    mix(history.faultMarkers().isEmpty() ? 0 : quint64(history.faultMarkers().back().tUs));
    mix(history.clientWrites().seconds().size());
    mix(history.clientWrites().seconds().isEmpty()
            ? 0
            : quint64(history.clientWrites().seconds().back().startUs));
    mix(history.leaderPresence().spans().size());
    mix(quint64(m_window.spanUs));
    return hash;
}

void ChartsPanel::onTick()
{
    if (m_paused || !isVisible())
        return;
    const bool changed = historySignature() != m_refreshedSignature;
    const qint64 slideUs = std::max<qint64>(slideIntervalUs, qint64(m_timer.interval()) * 1000);
    if (changed || m_model->nowUs() - m_refreshedAtUs >= slideUs)
        refreshNow();
}

void ChartsPanel::refreshNow()
{
    m_window.nowUs = m_model->nowUs();
    m_terms->refresh(*m_model, m_window);
    m_commits->refresh(*m_model, m_window);
    m_writes->refresh(*m_model, m_window);
    m_leaderless->refresh(*m_model, m_window);
    m_refreshedSignature = historySignature();
    m_refreshedAtUs = m_window.nowUs;
    ++m_refreshCount;
    Q_EMIT refreshed();
}

bool ChartsPanel::exportPng(const QString &path)
{
    if (m_refreshCount == 0)
        refreshNow();
    return m_chartsArea->grab().save(path, "PNG");
}

void ChartsPanel::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the charts"), QStringLiteral("raftlab-charts.png"), tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportPng(path))
        m_exportButton->setToolTip(tr("Could not write %1").arg(path));
}

const QLineSeries *ChartsPanel::termSeries(NodeId node) const
{
    return m_terms->series(node);
}

const QLineSeries *ChartsPanel::commitSeries(NodeId node) const
{
    return m_commits->series(node);
}

std::vector<const TimeChartView *> ChartsPanel::charts() const
{
    return {m_terms, m_commits, m_leaderless, m_writes};
}

} // namespace raftlab
