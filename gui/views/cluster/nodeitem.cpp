#include "nodeitem.h"

#include "scenefonts.h"
#include "timerarcitem.h"
#include "views/theme.h"
#include "votemark.h"

#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsSceneContextMenuEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace raftlab {

namespace {

// A vote mark's radius, in node radii.
constexpr qreal voteMarkRadius = 0.2;
constexpr qreal bandGap = 2; // between the timer's ring, the band of vote marks and the tags
constexpr qreal campaignGap = 8; // between the vote counts of two nodes side by side
constexpr qreal tagPixels = NodeItem::tagPixels;
// The crown over a leader, in shares of the radius.
constexpr qreal crownHalfWidth = 0.42;
constexpr qreal crownHeight = 0.4;

QString termText(Term term)
{
    // Short, so that it stays large: the id above it is the node's, the term is what changes.
    return QObject::tr("t%1").arg(term.value);
}

// The box the id is centred in, in the disc's upper part.
QRectF idTextBox(qreal r)
{
    return QRectF(-r, -r * 0.78, 2 * r, r * 0.95);
}

// The box the term is centred in, under the id.
QRectF termTextBox(qreal r)
{
    return QRectF(-r, r * 0.1, 2 * r, r * 0.6);
}

// Black or white, whichever reads better on `fill`.
QColor textOn(const QColor &fill)
{
    const qreal luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF();
    return luminance > 0.55 ? QColor(Qt::black) : QColor(Qt::white);
}

QPointF polar(qreal distance, qreal angleDegrees)
{
    const qreal radians = angleDegrees * std::numbers::pi / 180.0;
    return QPointF(distance * std::cos(radians), -distance * std::sin(radians)); // y grows downwards
}

} // namespace

NodeItem::NodeItem(NodeId id, qreal radius, const Theme *theme, MenuRequest onMenuRequested)
    : m_theme(theme)
    , m_radius(radius)
    , m_onMenuRequested(std::move(onMenuRequested))
    , m_timerArc(new TimerArcItem(radius, theme, this))
{
    m_appearance.id = id;
    placeTags();
    m_bounds = computeBounds();
    setZValue(2);
    setFlag(ItemSendsGeometryChanges); // the vote count's place depends on where the node is
    setCacheMode(DeviceCoordinateCache);
    setToolTip(QObject::tr("Node %1: right-click for kill, freeze, isolate, details…").arg(id.value));
}

void NodeItem::setAppearance(const NodeAppearance &appearance)
{
    if (appearance == m_appearance)
        return;
    m_appearance = appearance;
    const QRectF bounds = computeBounds();
    if (bounds != m_bounds) {
        prepareGeometryChange();
        m_bounds = bounds;
    }
    update();
}

void NodeItem::themeChanged()
{
    prepareGeometryChange();
    placeTags();
    m_bounds = computeBounds();
    m_timerArc->themeChanged();
    update();
}

void NodeItem::setFocused(bool focused)
{
    if (focused == m_focused)
        return;
    prepareGeometryChange();
    m_focused = focused;
    m_bounds = computeBounds();
    update();
}

qreal NodeItem::focusRingRadius() const
{
    return TimerArcItem::radiusFor(m_radius, *m_theme) + m_theme->lineWidth() * 4;
}

QRectF NodeItem::boundingRect() const
{
    return m_bounds;
}

QRectF NodeItem::computeBounds() const
{
    const qreal r = m_radius;
    // Tags and the campaign line may be wider than the disc (long labels, projector fonts).
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    const qreal textHalfWidth = std::max(metrics.horizontalAdvance(campaignText()),
                                         metrics.horizontalAdvance(QStringLiteral("pre-candidate"))) /
            2 +
        12;
    const qreal textHeight = metrics.height();
    const qreal ring = TimerArcItem::radiusFor(r, *m_theme) + m_theme->lineWidth() * 2;
    const qreal above = -tagOffset(-1) + textHeight + r * 0.45 + textHeight + 16; // state tag, crown, count
    const qreal below = tagOffset(1) + textHeight * 1.5 + 10; // role tag, vote count
    QRectF bounds(-ring, -ring, 2 * ring, 2 * ring);
    if (m_focused) {
        const qreal focus = focusRingRadius() + m_theme->lineWidth() * 3;
        bounds |= QRectF(-focus, -focus, 2 * focus, 2 * focus);
    }
    bounds |= QRectF(-textHalfWidth, -above, 2 * textHalfWidth, above + below);
    if (m_appearance.campaigning) {
        const qreal reach = tagRingRadius(r, *m_theme) + 2;
        bounds |= QRectF(-reach, -reach, 2 * reach, 2 * reach);
        for (const QRectF &mark : voteMarkRects())
            bounds |= mark.adjusted(-2, -2, 2, 2);
        bounds |= campaignTextRect().adjusted(-2, -2, 2, 2);
    }
    bounds |= stateTagRect().adjusted(-2, -2, 2, 2);
    return bounds;
}

QPainterPath NodeItem::shape() const
{
    QPainterPath path;
    path.addEllipse(QPointF(), m_radius, m_radius);
    return path;
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setRenderHint(QPainter::Antialiasing);
    paintDisc(painter);
    paintText(painter);
    if (m_appearance.campaigning)
        paintVotes(painter);
}

void NodeItem::paintDisc(QPainter *painter) const
{
    const Theme &theme = *m_theme;
    const qreal r = m_radius;
    const Liveness liveness = m_appearance.liveness;
    const bool gone = liveness == Liveness::Killed || liveness == Liveness::Exited;

    if (m_focused) { // "look here": wide, bright, outside the timer's ring so the arc stays readable
        painter->setPen(QPen(Theme::focus(), theme.lineWidth() * 3));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(QPointF(), focusRingRadius(), focusRingRadius());
    }

    if (liveness == Liveness::Frozen) { // an icy halo: the process is paused, its state kept
        painter->setPen(QPen(theme.frozen(), theme.lineWidth() * 4));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(QPointF(), r + theme.lineWidth() * 2, r + theme.lineWidth() * 2);
    }

    if (m_appearance.hasElectionTimer) { // the timer's track: what a full timer looks like
        const qreal radius = TimerArcItem::radiusFor(r, theme);
        painter->setPen(QPen(theme.grid(), theme.lineWidth() * 1.2));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(QPointF(), radius, radius);
    }

    QColor fill = gone ? theme.killed() : theme.termColor(m_appearance.term);
    if (!m_appearance.hasStatus && !gone)
        fill = theme.panel();
    const qreal outlineWidth = theme.lineWidth() * (m_appearance.role == Role::Leader ? 3.0 : 2.0);
    QPen outline(gone ? theme.mutedText() : theme.roleColor(m_appearance.role), outlineWidth);
    // Dashed: not (yet) a full member — a learner, or a process the app cannot reach.
    if (liveness == Liveness::NoContact || liveness == Liveness::Starting || (m_appearance.learner && !gone))
        outline.setStyle(Qt::DashLine);
    painter->setPen(outline);
    painter->setBrush(fill);
    painter->drawEllipse(QPointF(), r, r);

    if (gone) { // crossed out: this process is dead
        const qreal d = r * 0.62;
        painter->setPen(
            QPen(theme.killed().darker(135), theme.lineWidth() * 1.5, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(QPointF(-d, -d), QPointF(d, d));
        painter->drawLine(QPointF(-d, d), QPointF(d, -d));
    }
}

void NodeItem::paintText(QPainter *painter) const
{
    const Theme &theme = *m_theme;
    const qreal r = m_radius;
    const bool gone = m_appearance.liveness == Liveness::Killed || m_appearance.liveness == Liveness::Exited;

    // The id, big: "which node is that?" is the first question.
    painter->setPen(theme.text());
    painter->setFont(scenefonts::inNode(theme, r * 0.78, true));
    painter->drawText(idTextBox(r), Qt::AlignCenter, QString::number(id().value));
    if (m_appearance.hasStatus && !gone) {
        painter->setFont(termFont(theme, r, m_appearance.term));
        painter->drawText(termTextBox(r), Qt::AlignCenter, termText(m_appearance.term));
    }

    // Tags outside the band of vote marks, never under the moving arc: the role below, the process state
    // above, the crown above that.
    if (m_appearance.hasStatus && !gone) {
        const bool leads = m_appearance.role == Role::Leader;
        paintTag(painter, QPointF(0, tagOffset(1)), roleTag(m_appearance), theme.roleColor(m_appearance.role),
                 leads);
    }
    if (const QString state = livenessLabel(m_appearance.liveness); !state.isEmpty()) {
        const QColor fill = m_appearance.liveness == Liveness::Frozen ? theme.frozen()
            : gone                                                    ? theme.mutedText()
                                                                      : theme.panel();
        paintTag(painter, stateTagRect().center(), state, fill, true);
    }
    paintCrown(painter);

    // The count: "has 1 vote, needs 2", on one line or two.
    const QStringList lines = campaignLines().split(u'\n');
    const std::vector<QRectF> boxes = campaignLineRects();
    for (std::size_t i = 0; i < boxes.size() && i < std::size_t(lines.size()); ++i) {
        QColor halo = theme.background(); // the links behind must not cross the words
        halo.setAlphaF(0.85f);
        painter->setPen(Qt::NoPen);
        painter->setBrush(halo);
        painter->drawRoundedRect(boxes[i], 4, 4);
        painter->setFont(scenefonts::label(theme, tagPixels, true));
        painter->setPen(theme.text());
        painter->drawText(boxes[i], Qt::AlignCenter, lines[qsizetype(i)]);
    }
}

QRectF NodeItem::campaignTextRect() const
{
    if (!m_appearance.campaigning)
        return {};
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    // Above only the node at the top of the ring (above the state tag, or the timer's ring); below the
    // role tag everywhere else. A node beside the top one puts it below: above, it would cover the top
    // node's role tag.
    const QPointF at = pos();
    const bool below = !(at.y() < -0.95 * std::hypot(at.x(), at.y()));
    const qreal top = std::min(crownBottom(), -m_tagRadiusAbove - bandGap);
    const qreal y = below ? tagOffset(1) + metrics.height() / 2 + 4 : top - metrics.height();
    const QStringList lines = campaignLines().split(u'\n');
    qreal widest = 0;
    for (const QString &line : lines)
        widest = std::max(widest, metrics.horizontalAdvance(line));
    const qreal halfWidth = widest / 2 + 6;
    return QRectF(campaignTextLean(halfWidth) - halfWidth, y, 2 * halfWidth,
                  metrics.height() * qreal(lines.size()));
}

std::vector<QRectF> NodeItem::campaignLineRects() const
{
    std::vector<QRectF> rects;
    const QRectF box = campaignTextRect();
    if (box.isEmpty())
        return rects;
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    // The lines of two keep to the ring's outer side, where the links (and their vote marks) are fewest.
    qreal top = box.top();
    for (const QString &line : campaignLines().split(u'\n')) {
        const qreal width = metrics.horizontalAdvance(line) + 12;
        const qreal left = pos().x() > 1 ? box.right() - width
            : pos().x() < -1             ? box.left()
                                         : box.center().x() - width / 2;
        rects.emplace_back(left, top, width, metrics.height());
        top += metrics.height();
    }
    return rects;
}

QString NodeItem::campaignLines() const
{
    // One line when it fits on its side of the ring's vertical axis (see campaignTextLean), else broken
    // after its comma: two nodes side by side in a small view keep their counts apart that way.
    const QString text = campaignText();
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    const qreal halfWidth = metrics.horizontalAdvance(text) / 2 + 6;
    const QPointF at = pos();
    if (std::abs(at.x()) <= 1 || 2 * halfWidth + campaignGap <= outerEdge())
        return text;
    const qsizetype comma = text.indexOf(QStringLiteral(", "));
    return comma < 0 ? text : text.left(comma + 1) + u'\n' + text.mid(comma + 2);
}

qreal NodeItem::campaignTextLean(qreal halfWidth) const
{
    // Centred under the node, unless that takes the words beyond its outer edge (out of the view): then they
    // lean towards the middle only as far as needed. A node off the vertical axis has a mirror twin at the
    // same height (the ring is symmetric about that axis): its words stay on its own side of the axis, so
    // that the two counts never meet.
    const QPointF at = pos();
    const qreal edge = outerEdge();
    qreal centre = std::clamp(at.x(), -edge + halfWidth, std::max(-edge + halfWidth, edge - halfWidth));
    if (at.x() > 1)
        centre = std::max(centre, halfWidth + campaignGap / 2);
    else if (at.x() < -1)
        centre = std::min(centre, -halfWidth - campaignGap / 2);
    return centre - at.x();
}

qreal NodeItem::outerEdge() const
{
    // How far from the ring's vertical axis its words may reach: its timer ring, then the room the view
    // leaves beside it.
    const qreal pixels = scenefonts::label(*m_theme, tagPixels, true).pixelSize();
    return std::abs(pos().x()) + tagRingRadius(m_radius, *m_theme) + pixels * sideRoom;
}

QPointF NodeItem::voteMarkCentre(qreal angleDegrees) const
{
    // On its link, in the band between the timer's ring and the tags.
    return polar(tagRingRadius(m_radius, *m_theme) - voteMarkSize(m_radius, *m_theme), angleDegrees);
}

std::vector<QRectF> NodeItem::voteMarkRects() const
{
    std::vector<QRectF> rects;
    if (!m_appearance.campaigning)
        return rects;
    const qreal size = voteMarkSize(m_radius, *m_theme);
    for (const VoteMark &mark : m_appearance.voteMarks) {
        const QPointF centre = voteMarkCentre(mark.angleDegrees);
        rects.emplace_back(centre - QPointF(size, size), QSizeF(2 * size, 2 * size));
    }
    return rects;
}

qreal NodeItem::voteMarkSize(qreal radius, const Theme &theme)
{
    return radius * voteMarkRadius * (theme.isProjector() ? 1.2 : 1.0);
}

qreal NodeItem::tagRingRadius(qreal radius, const Theme &theme)
{
    // The timer's ring (its stroke reaches a line width beyond its radius), then the band of vote marks
    // on the links.
    return TimerArcItem::radiusFor(radius, theme) + theme.lineWidth() + bandGap +
        2 * voteMarkSize(radius, theme) + bandGap;
}

void NodeItem::setLinkAngles(std::vector<qreal> angleDegrees)
{
    prepareGeometryChange();
    m_linkAngles = std::move(angleDegrees);
    placeTags();
    m_bounds = computeBounds();
    update();
}

void NodeItem::placeTags()
{
    // A tag goes right outside the timer's ring, unless a vote mark on one of the node's links could lie
    // there (whatever the node's role, so that its tags never move): then beyond the band of marks. The
    // widest role tag decides.
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    const qreal near = TimerArcItem::radiusFor(m_radius, *m_theme) + m_theme->lineWidth() + 1;
    const QSizeF widest(metrics.horizontalAdvance(roleLabel(Role::PreCandidate)) + 16, metrics.height() + 4);
    const qreal size = voteMarkSize(m_radius, *m_theme);
    const auto marksReach = [&](qreal side) {
        const QRectF tag(QPointF(-widest.width() / 2, side > 0 ? near : -near - widest.height()), widest);
        return std::any_of(m_linkAngles.begin(), m_linkAngles.end(), [&](qreal angle) {
            const QPointF centre = voteMarkCentre(angle);
            return tag.intersects(QRectF(centre - QPointF(size, size), QSizeF(2 * size, 2 * size)));
        });
    };
    const qreal far = tagRingRadius(m_radius, *m_theme);
    m_tagRadiusBelow = marksReach(1) ? far : near;
    m_tagRadiusAbove = marksReach(-1) ? far : near;
}

qreal NodeItem::tagOffset(qreal side) const
{
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    const qreal half = (metrics.height() + 4) / 2; // a tag is its text's height + 4
    return side > 0 ? m_tagRadiusBelow + half : -m_tagRadiusAbove - half;
}

void NodeItem::paintTag(QPainter *painter, QPointF centre, const QString &text, const QColor &fill,
                        bool bold) const
{
    const QFont font = scenefonts::label(*m_theme, tagPixels, bold);
    const QFontMetricsF metrics(font);
    const QSizeF size(metrics.horizontalAdvance(text) + 16, metrics.height() + 4);
    const QRectF box(centre - QPointF(size.width() / 2, size.height() / 2), size);
    painter->setPen(fill == m_theme->panel() ? QPen(m_theme->mutedText(), 1.2) : QPen(Qt::NoPen));
    painter->setBrush(fill);
    painter->drawRoundedRect(box, size.height() / 2, size.height() / 2);
    painter->setPen(fill == m_theme->panel() ? m_theme->text() : textOn(fill));
    painter->setFont(font);
    painter->drawText(box, Qt::AlignCenter, text);
}

bool NodeItem::stateTagIsAbove() const
{
    // Under the disc, where the role tag goes, when there is no role tag (a killed, exited or silent
    // process): the space above a node is where its upper neighbour's vote count and link labels reach.
    return !roleTagRect().isEmpty();
}

QRectF NodeItem::stateTagRect() const
{
    const QString text = livenessLabel(m_appearance.liveness);
    if (text.isEmpty())
        return {};
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    const QSizeF size(metrics.horizontalAdvance(text) + 16, metrics.height() + 4);
    const qreal y = tagOffset(stateTagIsAbove() ? -1 : 1);
    return QRectF(QPointF(-size.width() / 2, y - size.height() / 2), size);
}

qreal NodeItem::crownBottom() const
{
    // Above the state tag when there is one, else just outside the timer's ring (a leader casts no
    // votes: the band of vote marks is empty above it).
    const Theme &theme = *m_theme;
    if (livenessLabel(m_appearance.liveness).isEmpty() || !stateTagIsAbove())
        return -TimerArcItem::radiusFor(m_radius, theme) - theme.lineWidth() * 2 - 4;
    const QFontMetricsF metrics(scenefonts::label(theme, tagPixels, true));
    return tagOffset(-1) - metrics.height() / 2 - 2 - 4;
}

QRectF NodeItem::roleTagRect() const
{
    const bool gone = m_appearance.liveness == Liveness::Killed || m_appearance.liveness == Liveness::Exited;
    if (!m_appearance.hasStatus || gone)
        return {};
    const QFontMetricsF metrics(scenefonts::label(*m_theme, tagPixels, true));
    const QSizeF size(metrics.horizontalAdvance(roleTag(m_appearance)) + 16, metrics.height() + 4);
    return QRectF(QPointF(-size.width() / 2, tagOffset(1) - size.height() / 2), size);
}

QRectF NodeItem::crownRect() const
{
    const bool gone = m_appearance.liveness == Liveness::Killed || m_appearance.liveness == Liveness::Exited;
    if (m_appearance.role != Role::Leader || !m_appearance.hasStatus || gone)
        return {};
    const qreal w = m_radius * crownHalfWidth;
    const qreal h = m_radius * crownHeight;
    return QRectF(-w, crownBottom() - h, 2 * w, h);
}

QRectF NodeItem::termTextRect() const
{
    const bool gone = m_appearance.liveness == Liveness::Killed || m_appearance.liveness == Liveness::Exited;
    if (!m_appearance.hasStatus || gone)
        return {};
    const QFontMetricsF metrics(termFont(*m_theme, m_radius, m_appearance.term));
    const QString text = termText(m_appearance.term);
    const QRectF box = termTextBox(m_radius);
    const QRectF ink = metrics.tightBoundingRect(text);
    // drawText centres the advance width and the line box (ascent + descent) in `box`.
    const QPointF baseline(box.center().x() - metrics.horizontalAdvance(text) / 2,
                           box.center().y() - (metrics.ascent() + metrics.descent()) / 2 + metrics.ascent());
    return ink.translated(baseline);
}

QRectF NodeItem::idTextRect() const
{
    const QFontMetricsF metrics(scenefonts::inNode(*m_theme, m_radius * 0.78, true));
    const QString text = QString::number(id().value);
    const QRectF box = idTextBox(m_radius);
    // drawText centres the advance width and the line box (ascent + descent) in `box`.
    const QPointF baseline(box.center().x() - metrics.horizontalAdvance(text) / 2,
                           box.center().y() - (metrics.ascent() + metrics.descent()) / 2 + metrics.ascent());
    return metrics.tightBoundingRect(text).translated(baseline);
}

std::vector<QRectF> NodeItem::wordRects() const
{
    std::vector<QRectF> rects = campaignLineRects();
    for (const QRectF &rect : {idTextRect(), termTextRect(), roleTagRect(), stateTagRect()})
        if (!rect.isEmpty())
            rects.push_back(rect);
    return rects;
}

QFont NodeItem::termFont(const Theme &theme, qreal radius, Term term)
{
    QFont font = scenefonts::inNode(theme, radius * termTextShare, false, radius * termTextLimit);
    // The widest text's corners must stay inside the circle (less the outline) where the box is lowest.
    const QRectF box = termTextBox(radius);
    const qreal inner = radius - theme.lineWidth() * 3;
    const qreal lowest = std::min(box.bottom(), inner * 0.95);
    const qreal room = 2 * std::sqrt(std::max(0.0, inner * inner - lowest * lowest));
    const QFontMetricsF metrics(font);
    const qreal wide = std::max(metrics.tightBoundingRect(termText(term)).width(),
                                metrics.tightBoundingRect(termText(Term(99))).width());
    if (wide > room && font.pixelSize() > 1)
        font.setPixelSize(std::max(1, int(std::floor(font.pixelSize() * room / wide))));
    return font;
}

void NodeItem::paintCrown(QPainter *painter) const
{
    const QRectF where = crownRect();
    if (where.isEmpty())
        return;
    // A halo, as behind the vote count: message dots passing by must not hide who leads.
    QColor halo = m_theme->background();
    halo.setAlphaF(0.9f);
    painter->setPen(Qt::NoPen);
    painter->setBrush(halo);
    painter->drawRoundedRect(where.adjusted(-4, -4, 4, 4), 4, 4);
    const qreal w = where.width() / 2;
    const qreal h = where.height();
    const qreal bottom = where.bottom();
    QPainterPath crown;
    crown.moveTo(-w, bottom);
    crown.lineTo(-w, bottom - h * 0.55);
    crown.lineTo(-w * 0.5, bottom - h * 0.2);
    crown.lineTo(0, bottom - h);
    crown.lineTo(w * 0.5, bottom - h * 0.2);
    crown.lineTo(w, bottom - h * 0.55);
    crown.lineTo(w, bottom);
    crown.closeSubpath();
    const QColor color = m_theme->roleColor(Role::Leader);
    painter->setPen(QPen(color.darker(130), 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(color);
    painter->drawPath(crown);
}

void NodeItem::paintVotes(QPainter *painter) const
{
    for (const VoteMark &mark : m_appearance.voteMarks)
        pictograph::voteMark(painter, voteMarkCentre(mark.angleDegrees), voteMarkSize(m_radius, *m_theme),
                             mark.answer, *m_theme);
}

QString NodeItem::campaignText() const
{
    if (!m_appearance.campaigning)
        return {};
    const int granted = m_appearance.votesGranted;
    const int needed = m_appearance.votesNeeded;
    if (m_appearance.preVote)
        return granted == 1 ? QObject::tr("has 1 pre-vote, needs %1").arg(needed)
                            : QObject::tr("has %1 pre-votes, needs %2").arg(granted).arg(needed);
    return granted == 1 ? QObject::tr("has 1 vote, needs %1").arg(needed)
                        : QObject::tr("has %1 votes, needs %2").arg(granted).arg(needed);
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged) {
        prepareGeometryChange();
        m_bounds = computeBounds();
    }
    return QGraphicsItem::itemChange(change, value);
}

void NodeItem::contextMenuEvent(QGraphicsSceneContextMenuEvent *event)
{
    event->accept();
    if (m_onMenuRequested)
        m_onMenuRequested(id(), event->screenPos());
}

} // namespace raftlab
