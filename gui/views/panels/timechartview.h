#pragma once

#include "chartseries.h"
#include "views/theme.h"

#include <QChartView>
#include <QValueAxis>

#include <map>
#include <vector>

namespace raftlab {

// One chart over time: an x axis in seconds before now, a value axis on the left (and optionally one on
// the right), and the fault markers (kill, cut, heal…) as dashed vertical lines with short labels. The
// markers are painted over the chart in drawForeground() rather than as series: they need no axis range,
// and a label stays legible on top of the lines.
class TimeChartView : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimeChartView)

public:
    explicit TimeChartView(const QString &title, const QString &valueTitle, QWidget *parent = nullptr);
    ~TimeChartView() override;

    QValueAxis *timeAxis() const { return m_timeAxis; }
    QValueAxis *valueAxis() const { return m_valueAxis; }
    QValueAxis *addSecondValueAxis(const QString &title); // on the right
    void attach(QAbstractSeries *series, QValueAxis *valueAxis); // adds it to the chart and both axes

    void setWindow(const ChartWindow &window);
    void setFaultMarkers(std::vector<ChartMarker> markers);
    const std::vector<ChartMarker> &faultMarkers() const { return m_markers; }
    // Where the fault labels go along the plot's top edge, one per marker at `xs` (pixels) of `widths`:
    // a label that would overlap an earlier one drops a line; with every line taken, it gets an empty
    // rect and its marker shows as the dashed line alone.
    static std::vector<QRectF> markerLabelRects(const std::vector<double> &xs,
                                                const std::vector<double> &widths, double lineHeight,
                                                const QRectF &plot);
    // Sets the value axis to [0, a round number above `maximum`], integer labels when `integers`.
    // The title an axis shows: its full title, or empty where it would not fit.
    QString axisTitleShown(const QAbstractAxis *axis) const;
    // Gives `axis` (one this view added) the title `title`, shown whole or left out like the others.
    void fitAxisTitle(QAbstractAxis *axis, const QString &title);
    static void fitValueAxis(QValueAxis *axis, double maximum, bool integers);

    virtual void setTheme(const Theme &theme);
    const Theme &theme() const { return m_theme; }

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void resizeEvent(QResizeEvent *event) override;
    // An axis title too long for its side of the plot is left out (the chart's title says it), never cut
    // to "commi…".
    void fitAxisTitles();
    void styleAxis(QValueAxis *axis) const;

private:
    Theme m_theme;
    QValueAxis *m_timeAxis = nullptr; // owned by the chart
    QValueAxis *m_valueAxis = nullptr;
    QValueAxis *m_secondValueAxis = nullptr;
    std::vector<ChartMarker> m_markers;
    double m_windowSeconds = 30.0;
    std::map<QAbstractAxis *, QString> m_axisTitles; // each axis's full title
};

// A colour and a dash pattern per node for the charts' per-node lines: the Theme has no node palette,
// so the term palette's hues are taken at full strength (term fills are pale tints of them), and the
// dashes keep lines apart for colour-blind eyes and where two nodes' lines overlap.
QPen nodePen(const Theme &theme, int position);

} // namespace raftlab
