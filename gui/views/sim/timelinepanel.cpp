#include "timelinepanel.h"

#include "sim/simulationcontroller.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

namespace raftlab {

TimelinePanel::TimelinePanel(SimulationController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_slider(new QSlider(Qt::Horizontal))
    , m_position(new QLabel)
    , m_branches(new QListWidget)
    , m_returnButton(new QPushButton(tr("Return to branch")))
    , m_seekTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("timeline"));
    m_slider->setObjectName(QStringLiteral("timelineSlider"));
    m_slider->setToolTip(tr("Every step taken: drag back to see an earlier moment. Acting from there starts "
                            "a new branch; the old future is kept in the list on the right."));
    m_position->setMinimumWidth(260);
    m_branches->setObjectName(QStringLiteral("branches"));
    m_branches->setMaximumHeight(90);
    m_branches->setToolTip(tr("Other futures of this run: double-click one to return to it"));
    m_returnButton->setEnabled(false);

    m_seekTimer->setSingleShot(true);
    m_seekTimer->setInterval(15);
    connect(m_seekTimer, &QTimer::timeout, this, &TimelinePanel::seekToSlider);
    connect(m_slider, &QSlider::valueChanged, this, [this] {
        if (!m_refreshing)
            m_seekTimer->start();
    });
    const auto returnToSelected = [this] {
        const int row = m_branches->currentRow();
        if (row >= 0)
            m_controller->switchToBranch(std::size_t(row));
    };
    connect(m_returnButton, &QPushButton::clicked, this, returnToSelected);
    connect(m_branches, &QListWidget::itemDoubleClicked, this, returnToSelected);
    connect(m_branches, &QListWidget::currentRowChanged, this,
            [this](int row) { m_returnButton->setEnabled(row >= 0); });
    connect(controller, &SimulationController::changed, this, &TimelinePanel::refresh);

    auto *left = new QVBoxLayout;
    auto *title = new QLabel(tr("<b>Timeline</b>"));
    left->addWidget(title);
    left->addWidget(m_slider);
    left->addWidget(m_position);
    auto *right = new QVBoxLayout;
    right->addWidget(new QLabel(tr("Branches")));
    right->addWidget(m_branches);
    right->addWidget(m_returnButton);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addLayout(left, 2);
    layout->addLayout(right, 1);
    refresh();
}

void TimelinePanel::seekToSlider()
{
    m_controller->seek(std::uint64_t(m_slider->value()));
}

void TimelinePanel::refresh()
{
    m_refreshing = true;
    const auto length = m_controller->length();
    const auto position = m_controller->position();
    m_slider->setRange(0, int(std::min<std::uint64_t>(length, std::uint64_t(INT_MAX))));
    m_slider->setPageStep(
        std::max(1, m_slider->maximum() / 10)); // a click beside the handle: a tenth of the run
    if (!m_slider->isSliderDown())
        m_slider->setValue(int(position));
    const double seconds = double(m_controller->virtualNowUs()) / 1e6;
    QString text = tr("step %1 of %2 · virtual time %3 s").arg(position).arg(length).arg(seconds, 0, 'f', 3);
    if (position < length)
        text += tr(" · looking back: acting here starts a branch");
    m_position->setText(text);

    QStringList lines;
    for (const SimulationController::Branch &branch : m_controller->branches()) {
        QString line = tr("%1: from step %2 to %3").arg(branch.name).arg(branch.forkStep).arg(branch.length);
        if (branch.violation)
            line += tr(" (%1 broken)").arg(branch.violation->invariant);
        lines << line;
    }
    QStringList shown;
    for (int row = 0; row < m_branches->count(); ++row)
        shown << m_branches->item(row)->text();
    if (lines != shown) {
        m_branches->clear();
        m_branches->addItems(lines);
    }
    m_returnButton->setEnabled(m_branches->currentRow() >= 0);
    m_refreshing = false;
}

} // namespace raftlab
