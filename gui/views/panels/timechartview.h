#pragma once

#include "chartseries.h"
#include "views/theme.h"

#include <QChartView>
#include <QValueAxis>

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
    // Sets the value axis to [0, a round number above `maximum`], integer labels when `integers`.
    static void fitValueAxis(QValueAxis *axis, double maximum, bool integers);

    virtual void setTheme(const Theme &theme);
    const Theme &theme() const { return m_theme; }

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void styleAxis(QValueAxis *axis) const;

private:
    Theme m_theme;
    QValueAxis *m_timeAxis = nullptr; // owned by the chart
    QValueAxis *m_valueAxis = nullptr;
    QValueAxis *m_secondValueAxis = nullptr;
    std::vector<ChartMarker> m_markers;
    double m_windowSeconds = 30.0;
};

// A colour and a dash pattern per node for the charts' per-node lines: the Theme has no node palette,
// so the term palette's hues are taken at full strength (term fills are pale tints of them), and the
// dashes keep lines apart for colour-blind eyes and where two nodes' lines overlap.
QPen nodePen(const Theme &theme, int position);

} // namespace raftlab
