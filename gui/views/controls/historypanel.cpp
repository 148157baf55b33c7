#include "historypanel.h"

#include "model/clienthistory.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace raftlab {

using check::Operation;
using check::OpResult;

HistoryTimeline::HistoryTimeline(const ClientHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
{
    setObjectName(QStringLiteral("historyTimeline"));
    setMouseTracking(true);
    setMinimumHeight(120);
}

void HistoryTimeline::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

void HistoryTimeline::setFollowLive(bool live)
{
    m_live = live;
    update();
}

void HistoryTimeline::setHighlighted(std::set<qsizetype> operations)
{
    m_highlighted = std::move(operations);
    update();
}

HistoryTimeline::Window HistoryTimeline::window() const
{
    const check::History &history = m_history->history();
    const qint64 now = m_history->nowUs();
    if (m_live)
        return Window{now - liveWindowUs, now};
    if (!m_highlighted.empty()) {
        // The violation, with a little room around it.
        qint64 from = std::numeric_limits<qint64>::max();
        qint64 to = std::numeric_limits<qint64>::min();
        for (qsizetype id : m_highlighted) {
            if (id < 0 || id >= history.size())
                continue;
            from = std::min(from, history.at(id).invokeUs);
            to = std::max(to, history.at(id).completeUs.value_or(history.at(id).invokeUs));
        }
        if (from <= to) {
            const qint64 margin = std::max<qint64>(1000, (to - from) / 4);
            return Window{from - margin, to + margin};
        }
    }
    qint64 to = m_history->startUs() + 1;
    for (const Operation &operation : history.operations())
        to = std::max(to, operation.completeUs.value_or(operation.invokeUs));
    return Window{m_history->startUs(), std::max(to, m_history->startUs() + 1)};
}

qreal HistoryTimeline::rowHeight() const
{
    const int rows = std::max(1, m_history->clientCount());
    return std::clamp(qreal(height() - axisHeight - 4) / rows, 2.0, qreal(maxRowHeight));
}

qreal HistoryTimeline::xOf(qint64 us, const Window &window) const
{
    const qreal width = std::max(1, this->width() - labelWidth - 8);
    return labelWidth +
        width * qreal(us - window.fromUs) / qreal(std::max<qint64>(1, window.toUs - window.fromUs));
}

QRectF HistoryTimeline::barRect(qsizetype id) const
{
    const check::History &history = m_history->history();
    if (id < 0 || id >= history.size())
        return {};
    const Window shown = window();
    const Operation &operation = history.at(id);
    const qint64 end = operation.completeUs.value_or(m_history->nowUs());
    if (end < shown.fromUs || operation.invokeUs > shown.toUs)
        return {};
    const qreal row = rowHeight();
    const qreal left = std::max<qreal>(labelWidth, xOf(operation.invokeUs, shown));
    const qreal right = std::min<qreal>(width() - 8, std::max(left + 2, xOf(end, shown)));
    const qreal top = 2 + row * qreal(operation.client - 1);
    return QRectF(left, top + 1, right - left, std::max<qreal>(1, row - 2));
}

qsizetype HistoryTimeline::barAt(QPoint point) const
{
    const check::History &history = m_history->history();
    for (qsizetype id = history.size() - 1; id >= 0; --id) {
        if (barRect(id).adjusted(0, 0, 1, 1).contains(point))
            return id;
    }
    return -1;
}

QString HistoryTimeline::describeBar(qsizetype id) const
{
    const check::History &history = m_history->history();
    if (id < 0 || id >= history.size())
        return {};
    const Operation &operation = history.at(id);
    const auto seconds = [this](qint64 us) {
        return QString::number(double(us - m_history->startUs()) / 1e6, 'f', 3);
    };
    QString text = tr("client %1: %2\ninvoked at %3 s")
                       .arg(operation.client)
                       .arg(describeOperation(operation), seconds(operation.invokeUs));
    text += operation.completeUs
        ? tr(", answered at %1 s (%2 ms)")
              .arg(seconds(*operation.completeUs))
              .arg(double(*operation.completeUs - operation.invokeUs) / 1000.0, 0, 'f', 1)
        : tr(", no answer yet");
    if (operation.result == OpResult::Unknown)
        text += tr("\nunknown: it may take effect at any time after its invocation, or never");
    else if (operation.result == OpResult::Fail)
        text += tr("\nfailed: it certainly never reached a log");
    return text;
}

void HistoryTimeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), m_theme.panel());
    painter.setFont(m_theme.font(0.85));
    const check::History &history = m_history->history();
    const Window shown = window();
    const qreal row = rowHeight();

    // Rows and their clients.
    painter.setPen(m_theme.mutedText());
    for (int client = 1; client <= m_history->clientCount(); ++client) {
        const qreal top = 2 + row * (client - 1);
        if (row >= 10)
            painter.drawText(QRectF(4, top, labelWidth - 8, row), Qt::AlignVCenter | Qt::AlignLeft,
                             tr("client %1").arg(client));
        if (client % 2 == 0)
            painter.fillRect(QRectF(labelWidth, top, width() - labelWidth - 8, row), m_theme.background());
    }

    // The time axis: a tick a second (or every few seconds on a long run), in seconds since recording began.
    const qreal axisTop = height() - axisHeight;
    painter.setPen(m_theme.grid());
    painter.drawLine(QPointF(labelWidth, axisTop), QPointF(width() - 8, axisTop));
    const qint64 spanUs = shown.toUs - shown.fromUs;
    qint64 stepUs = 1'000'000;
    while (spanUs / stepUs > 12)
        stepUs *= spanUs / stepUs > 60 ? 10 : 2;
    while (spanUs / stepUs < 2 && stepUs > 1000)
        stepUs /= 10;
    const qint64 origin = m_history->startUs();
    for (qint64 t = origin + ((shown.fromUs - origin) / stepUs) * stepUs; t <= shown.toUs; t += stepUs) {
        if (t < shown.fromUs)
            continue;
        const qreal x = xOf(t, shown);
        painter.setPen(m_theme.grid());
        painter.drawLine(QPointF(x, axisTop), QPointF(x, axisTop + 4));
        painter.setPen(m_theme.mutedText());
        painter.drawText(QRectF(x - 40, axisTop + 3, 80, axisHeight - 3), Qt::AlignHCenter | Qt::AlignTop,
                         tr("%1 s").arg(double(t - origin) / 1e6, 0, 'f', stepUs >= 1'000'000 ? 0 : 1));
    }

    // The bars: every operation that overlaps the window.
    const bool anyHighlighted = !m_highlighted.empty();
    for (qsizetype id = 0; id < history.size(); ++id) {
        const Operation &operation = history.at(id);
        if (operation.invokeUs > shown.toUs)
            break; // in order of invocation
        const QRectF bar = barRect(id);
        if (bar.isEmpty())
            continue;
        QColor colour = operation.result == OpResult::Ok ? m_theme.voteColor(true)
            : operation.result == OpResult::Fail         ? m_theme.voteColor(false)
                                                         : m_theme.mutedText();
        if (operation.result == OpResult::Unknown && !operation.completeUs)
            colour.setAlpha(120); // still in flight, or never answered
        const bool highlighted = m_highlighted.contains(id);
        if (anyHighlighted && !highlighted)
            colour.setAlpha(50);
        painter.fillRect(bar, colour);
        if (highlighted) {
            painter.setPen(QPen(m_theme.text(), 2));
            painter.drawRect(bar.adjusted(-1, -1, 1, 1));
        }
        // The operation in words inside its bar, when it fits.
        if (bar.height() >= 12) {
            const QString words = describeOperation(operation);
            const QString shortWords = words.left(words.lastIndexOf(QLatin1String(" [")));
            if (painter.fontMetrics().horizontalAdvance(shortWords) + 6 < bar.width()) {
                painter.setPen(anyHighlighted && !highlighted ? m_theme.mutedText() : QColor(Qt::white));
                painter.drawText(bar.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, shortWords);
            }
        }
    }
}

bool HistoryTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const qsizetype id = barAt(help->pos());
        if (id >= 0)
            QToolTip::showText(help->globalPos(), describeBar(id), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

HistoryPanel::HistoryPanel(const ClientHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
    , m_timeline(new HistoryTimeline(history, this))
    , m_verdict(new QLabel(this))
    , m_counts(new QLabel(this))
    , m_check(new QPushButton(tr("Check"), this))
    , m_exportHistory(new QPushButton(tr("Export history…"), this))
    , m_exportVerdict(new QPushButton(tr("Export verdict…"), this))
    , m_live(new QCheckBox(tr("Follow live (last 10 s)"), this))
    , m_refresh(new QTimer(this))
{
    m_verdict->setObjectName(QStringLiteral("historyVerdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextFormat(Qt::PlainText);
    m_verdict->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum); // a witness takes a few lines
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_counts->setObjectName(QStringLiteral("historyCounts"));
    m_check->setObjectName(QStringLiteral("historyCheck"));
    m_check->setToolTip(
        tr("Is there one order of these operations, each at an instant between its request and "
           "its answer, that explains every answer? (linearizability)"));
    m_exportHistory->setObjectName(QStringLiteral("historyExport"));
    m_exportHistory->setToolTip(tr("Save every operation as JSON Lines, for raftlab-check or other tools"));
    m_exportVerdict->setObjectName(QStringLiteral("historyExportVerdict"));
    m_live->setObjectName(QStringLiteral("historyLive"));
    m_live->setChecked(true);
    m_live->setToolTip(tr("Off: the whole run, or the operations of a violation"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_check);
    buttons->addWidget(m_live);
    buttons->addWidget(m_counts, 1);
    buttons->addWidget(m_exportHistory);
    buttons->addWidget(m_exportVerdict);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_verdict);
    layout->addWidget(m_timeline, 1);

    connect(m_check, &QPushButton::clicked, this, &HistoryPanel::checkWanted);
    connect(m_exportHistory, &QPushButton::clicked, this, &HistoryPanel::exportHistoryWanted);
    connect(m_exportVerdict, &QPushButton::clicked, this, &HistoryPanel::exportVerdictWanted);
    connect(m_live, &QCheckBox::toggled, m_timeline, &HistoryTimeline::setFollowLive);
    connect(history, &ClientHistory::reportChanged, this, &HistoryPanel::showReport);
    // The history changes with every request: repaint at a steady pace, not once per answer.
    m_refresh->setInterval(refreshIntervalMs);
    connect(m_refresh, &QTimer::timeout, this, [this] {
        showCounts();
        if (m_timeline->isVisible())
            m_timeline->update();
    });
    m_refresh->start();
    showReport();
    showCounts();
}

void HistoryPanel::setTheme(const Theme &theme)
{
    m_theme = theme;
    setFont(theme.font());
    m_timeline->setTheme(theme);
    showReport();
}

QString HistoryPanel::verdictText() const
{
    return m_verdict->text();
}

void HistoryPanel::showCounts()
{
    qsizetype ok = 0, failed = 0, unknown = 0;
    for (const Operation &operation : m_history->history().operations()) {
        if (operation.result == OpResult::Ok)
            ++ok;
        else if (operation.result == OpResult::Fail)
            ++failed;
        else
            ++unknown;
    }
    m_counts->setText(tr("%1 operations: %2 ok, %3 failed, %4 unknown")
                          .arg(m_history->size())
                          .arg(ok)
                          .arg(failed)
                          .arg(unknown));
}

void HistoryPanel::showReport()
{
    const auto &report = m_history->report();
    std::set<qsizetype> witness;
    QColor colour = m_theme.text();
    if (!report) {
        m_verdict->setText(
            tr("Press Check to ask whether one order of these operations explains every answer."));
    } else {
        m_verdict->setText(m_history->verdictText());
        if (report->verdict == check::CheckReport::Verdict::NotLinearizable) {
            witness.insert(report->witness.begin(), report->witness.end());
            colour = m_theme.voteColor(false);
        } else if (report->verdict == check::CheckReport::Verdict::Linearizable) {
            colour = m_theme.voteColor(true);
        }
    }
    QPalette palette = m_verdict->palette();
    palette.setColor(QPalette::WindowText, colour);
    m_verdict->setPalette(palette);
    if (!witness.empty())
        m_live->setChecked(false); // show the violation, not the present
    m_timeline->setHighlighted(std::move(witness));
}

} // namespace raftlab
