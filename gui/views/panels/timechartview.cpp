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
    m_axisTitles[m_valueAxis] = valueTitle;
    m_axisTitles[m_timeAxis] = m_timeAxis->titleText();
    m_valueAxis->setTickType(QValueAxis::TicksDynamic);
    m_valueAxis->setTickAnchor(0.0);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    setWindow(ChartWindow{});
    setTheme(m_theme);
    // The plot's size is known only once the chart is laid out: the titles are fitted to it then.
    connect(chart, &QChart::plotAreaChanged, this, &TimeChartView::fitAxisTitles);
}

TimeChartView::~TimeChartView() = default;

QValueAxis *TimeChartView::addSecondValueAxis(const QString &title)
{
    m_secondValueAxis = new QValueAxis(chart());
    m_secondValueAxis->setTitleText(title);
    m_axisTitles[m_secondValueAxis] = title;
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
    fitAxisTitles(); // the fonts changed
    viewport()->update();
}

void TimeChartView::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    fitAxisTitles();
}

void TimeChartView::fitAxisTitles()
{
    for (const auto &[axis, title] : m_axisTitles) {
        if (!axis->isVisible())
            continue;
        const bool vertical = axis->orientation() == Qt::Vertical;
        // The room along the axis is the plot's side (a vertical axis's title takes width, not height,
        // so showing it does not change its own room).
        const QRectF plot = chart()->plotArea();
        const double room = vertical ? plot.height() : plot.width();
        const double needed = QFontMetricsF(axis->titleFont()).horizontalAdvance(title) + 8;
        const QString shown = needed <= room ? title : QString();
        if (axis->titleText() != shown)
            axis->setTitleText(shown);
    }
}

QString TimeChartView::axisTitleShown(const QAbstractAxis *axis) const
{
    return axis->titleText();
}

void TimeChartView::fitAxisTitle(QAbstractAxis *axis, const QString &title)
{
    axis->setTitleText(title);
    m_axisTitles[axis] = title;
    fitAxisTitles();
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
    std::vector<double> xs;
    std::vector<double> widths;
    QStringList labels;
    for (const ChartMarker &marker : m_markers) {
        xs.push_back(plot.left() + (marker.x - min) / span * plot.width());
        labels << metrics.elidedText(marker.label, Qt::ElideRight, plot.width() / 3);
        widths.push_back(metrics.horizontalAdvance(labels.back()) + 6);
    }
    const std::vector<QRectF> boxes = markerLabelRects(xs, widths, metrics.height(), plot);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        painter->setPen(QPen(m_theme.cutLink(), std::max(1.0, m_theme.lineWidth() * 0.8), Qt::DashLine));
        painter->drawLine(QPointF(xs[i], plot.top()), QPointF(xs[i], plot.bottom()));
        const QRectF box = boxes[i];
        if (box.isEmpty())
            continue;
        const QString &label = labels[int(i)];
        QColor ground = m_theme.panel();
        ground.setAlphaF(0.85);
        painter->fillRect(box, ground);
        painter->setPen(m_theme.cutLink());
        painter->drawText(box, Qt::AlignCenter, label);
    }
    painter->restore();
}

std::vector<QRectF> TimeChartView::markerLabelRects(const std::vector<double> &xs,
                                                    const std::vector<double> &widths, double lineHeight,
                                                    const QRectF &plot)
{
    // Labels sit along the plot's top edge, at most three lines deep, never over each other.
    std::vector<double> lineEnds(3, -1e9);
    std::vector<QRectF> boxes;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const double left = std::max(plot.left(), std::min(xs[i] + 2, plot.right() - widths[i]));
        std::size_t line = 0;
        while (line < lineEnds.size() && lineEnds[line] > left)
            ++line;
        if (line == lineEnds.size()) {
            boxes.emplace_back();
            continue;
        }
        const QRectF box(left, plot.top() + 2 + double(line) * (lineHeight + 2), widths[i], lineHeight);
        lineEnds[line] = box.right() + 4;
        boxes.push_back(box);
    }
    return boxes;
}

QPen nodePen(const Theme &theme, int position)
{
    const QColor colour = Theme::nodeColor(NodeId(std::uint32_t(position) + 1));
    static constexpr Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
    const std::size_t style = std::size_t(position) % std::size(styles);
    QPen pen(colour, theme.lineWidth() * 1.3, styles[style]);
    pen.setCapStyle(Qt::FlatCap);
    return pen;
}

} // namespace raftlab
