#include "timechartview.h"

#include <QAbstractSeries>
#include <QChart>
#include <QLegend>

#include <algorithm>
#include <cmath>

namespace raftlab {

namespace {

// 1, 2 or 5 times a power of ten, so that about `ticks` intervals cover `span`.
double niceInterval(double span, int ticks)
{
    const double raw = std::max(span / ticks, 1e-9);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double step : {1.0, 2.0, 5.0, 10.0})
        if (raw <= step * power)
            return step * power;
    return 10.0 * power;
}

} // namespace

TimeChartView::TimeChartView(const QString &title, const QString &valueTitle, QWidget *parent)
    : QChartView(new QChart(), parent)
    , m_theme(Theme::standard())
{
    // Step lines are horizontal and vertical: antialiasing adds nothing to them but cost (with dashed
    // pens it made a refresh of the 10-minute window four times slower). Sloped charts turn it on.
    setRenderHint(QPainter::Antialiasing, false);
    QChart *chart = this->chart();
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation); // the data moves four times a second at most
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignTop); // beside the title: the plot keeps the width
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries); // a line sample, dashes and all

    m_timeAxis = new QValueAxis(chart);
    m_timeAxis->setTitleText(tr("seconds before now"));
    m_timeAxis->setLabelFormat("%d");
    m_timeAxis->setTickType(QValueAxis::TicksDynamic);
    m_timeAxis->setTickAnchor(0.0);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);

    m_valueAxis = new QValueAxis(chart);
    m_valueAxis->setTitleText(valueTitle);
    m_valueAxis->setTickType(QValueAxis::TicksDynamic);
    m_valueAxis->setTickAnchor(0.0);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    setWindow(ChartWindow{});
    setTheme(m_theme);
}

TimeChartView::~TimeChartView() = default;

QValueAxis *TimeChartView::addSecondValueAxis(const QString &title)
{
    m_secondValueAxis = new QValueAxis(chart());
    m_secondValueAxis->setTitleText(title);
    m_secondValueAxis->setTickType(QValueAxis::TicksDynamic);
    m_secondValueAxis->setTickAnchor(0.0);
    chart()->addAxis(m_secondValueAxis, Qt::AlignRight);
    styleAxis(m_secondValueAxis);
    m_secondValueAxis->setGridLineVisible(false); // one grid is enough
    return m_secondValueAxis;
}

void TimeChartView::attach(QAbstractSeries *series, QValueAxis *valueAxis)
{
    chart()->addSeries(series);
    series->attachAxis(m_timeAxis);
    series->attachAxis(valueAxis ? valueAxis : m_valueAxis);
}

void TimeChartView::setWindow(const ChartWindow &window)
{
    const double seconds = double(window.spanUs) / 1e6;
    if (seconds == m_windowSeconds && m_timeAxis->min() == -seconds)
        return;
    m_windowSeconds = seconds;
    m_timeAxis->setRange(-seconds, 0.0);
    m_timeAxis->setTickInterval(niceInterval(seconds, 6));
}

void TimeChartView::fitValueAxis(QValueAxis *axis, double maximum, bool integers)
{
    const double interval = integers ? std::max(1.0, niceInterval(maximum, 4)) : niceInterval(maximum, 4);
    const double top = std::max(interval, std::ceil(maximum / interval + (integers ? 0.5 : 0.05)) * interval);
    if (axis->max() != top || axis->min() != 0.0)
        axis->setRange(0.0, top);
    if (axis->tickInterval() != interval)
        axis->setTickInterval(interval);
    axis->setLabelFormat(integers ? "%d" : "%.3g");
}

void TimeChartView::setFaultMarkers(std::vector<ChartMarker> markers)
{
    const bool same = markers.size() == m_markers.size() &&
        std::equal(markers.begin(), markers.end(), m_markers.begin(),
                   [](const ChartMarker &a, const ChartMarker &b) {
                       return a.x == b.x && a.label == b.label;
                   });
    if (same)
        return;
    m_markers = std::move(markers);
    viewport()->update();
}

void TimeChartView::setTheme(const Theme &theme)
{
    m_theme = theme;
    QChart *chart = this->chart();
    chart->setBackgroundBrush(theme.panel());
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(theme.text());
    chart->setTitleFont(theme.font(1.1, true));
    chart->legend()->setFont(theme.font(0.85));
    chart->legend()->setLabelColor(theme.text());
    setBackgroundBrush(theme.background());
    styleAxis(m_timeAxis);
    styleAxis(m_valueAxis);
    if (m_secondValueAxis) {
        styleAxis(m_secondValueAxis);
        m_secondValueAxis->setGridLineVisible(false);
    }
    viewport()->update();
}

void TimeChartView::styleAxis(QValueAxis *axis) const
{
    axis->setLabelsFont(m_theme.font(0.8));
    axis->setLabelsColor(m_theme.mutedText());
    axis->setTitleFont(m_theme.font(0.8));
    axis->setTitleBrush(m_theme.mutedText());
    axis->setGridLineColor(m_theme.grid());
    axis->setLinePenColor(m_theme.mutedText());
}

void TimeChartView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_markers.empty())
        return;
    const QRectF plot = chart()->mapToScene(chart()->plotArea()).boundingRect();
    const double min = m_timeAxis->min();
    const double span = m_timeAxis->max() - min;
    if (span <= 0)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QFont font = m_theme.font(0.75, true);
    const QFontMetricsF metrics(font);
    painter->setFont(font);
    // Labels sit along the plot's top edge; one that would overlap the previous one drops a line.
    std::vector<double> lineEnds(3, -1e9);
    for (const ChartMarker &marker : m_markers) {
        const double x = plot.left() + (marker.x - min) / span * plot.width();
        painter->setPen(QPen(m_theme.cutLink(), std::max(1.0, m_theme.lineWidth() * 0.8), Qt::DashLine));
        painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));

        const QString label = metrics.elidedText(marker.label, Qt::ElideRight, plot.width() / 3);
        const double width = metrics.horizontalAdvance(label) + 6;
        std::size_t line = 0;
        while (line + 1 < lineEnds.size() && lineEnds[line] > x)
            ++line;
        const double left = std::min(x + 2, plot.right() - width);
        const QRectF box(left, plot.top() + 2 + line * (metrics.height() + 2), width, metrics.height());
        lineEnds[line] = box.right() + 4;
        QColor ground = m_theme.panel();
        ground.setAlphaF(0.85);
        painter->fillRect(box, ground);
        painter->setPen(m_theme.cutLink());
        painter->drawText(box, Qt::AlignCenter, label);
    }
    painter->restore();
}

QPen nodePen(const Theme &theme, int position)
{
    const QColor tint = theme.termColor(Term(std::uint64_t(position) + 1));
    float hue = 0, saturation = 0, value = 0;
    tint.getHsvF(&hue, &saturation, &value);
    const QColor strong = saturation < 0.05f
        ? QColor::fromHsvF(0, 0, 0.25f)
        : QColor::fromHsvF(hue, std::min(1.0f, saturation * 2.4f), value * 0.85f);
    static constexpr Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
    // Colours repeat after eight nodes: the ninth takes another dash than the first.
    const std::size_t style = (std::size_t(position) + std::size_t(position) / 8) % std::size(styles);
    QPen pen(strong, theme.lineWidth() * 1.3, styles[style]);
    pen.setCapStyle(Qt::FlatCap);
    return pen;
}

} // namespace raftlab
