#pragma once

// SafetyBanner: a red banner over the top of the widget it is placed on (the cluster ring) when the live
// safety monitor catches a broken Raft promise: which rule, the nodes, the term or index, and the
// events that show it. It stays until clicked: a violation is never something to miss.

#include "check/safetymonitor.h"

#include <QLabel>

namespace raftlab {

class Theme;

class SafetyBanner final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SafetyBanner)

public:
    explicit SafetyBanner(QWidget *parent);

    void showViolation(const SafetyViolation &violation);
    void applyTheme(const Theme &theme);
    int violationsShown() const { return m_count; }

    // The banner's words for a violation, as plain text (headline, then one line per event).
    static QString describe(const SafetyViolation &violation);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    void place();

    int m_count = 0;
};

} // namespace raftlab
