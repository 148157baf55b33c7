#include "clusterview.h"

#include "legenditem.h"
#include "linkitem.h"
#include "messagelayer.h"
#include "model/clustermodel.h"
#include "nodedetailsdialog.h"
#include "nodeitem.h"
#include "scenefonts.h"
#include "timerarcitem.h"

#include <QAction>
#include <QContextMenuEvent>
#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QMenu>
#include <QPainter>
#include <QSignalBlocker>

#include <algorithm>
#include <functional>
#include <set>

namespace raftlab {

namespace {

// Outside projector mode, scene text still never shrinks below this on screen (a small window).
constexpr qreal standardMinimumPixels = 10;

bool blocks(const NodeState *state, NodeId peer)
{
    return state &&
        std::find(state->blockedPeers.begin(), state->blockedPeers.end(), peer) != state->blockedPeers.end();
}

bool mutes(const NodeState *state, NodeId peer)
{
    return state &&
        std::find(state->outgoingBlockedPeers.begin(), state->outgoingBlockedPeers.end(), peer) !=
        state->outgoingBlockedPeers.end();
}

QString rateText(double perSecond)
{
    if (perSecond >= 1000)
        return QObject::tr("%1k msg/s").arg(perSecond / 1000.0, 0, 'f', 1);
    return QObject::tr("%1 msg/s").arg(qRound(perSecond));
}

std::pair<NodeId, NodeId> ordered(NodeId a, NodeId b)
{
    return a < b ? std::pair(a, b) : std::pair(b, a);
}

// The scene whose background is the ring's static layer: the theme's background and every link's
// line. The view caches it (CacheBackground), so the frames of a moving dot blit it instead of filling
// and stroking again; QGraphicsScene::render() (screenshots, the benchmark) draws it the same way.
class RingScene final : public QGraphicsScene
{
public:
    using StaticPainter = std::function<void(QPainter *)>;
    RingScene(StaticPainter paintStatic, QObject *parent)
        : QGraphicsScene(parent)
        , m_paintStatic(std::move(paintStatic))
    { }

protected:
    void drawBackground(QPainter *painter, const QRectF &rect) override
    {
        QGraphicsScene::drawBackground(painter, rect); // the background brush
        m_paintStatic(painter);
    }

private:
    StaticPainter m_paintStatic;
};

} // namespace

ClusterView::ClusterView(const ClusterModel *model, QWidget *parent)
    : QGraphicsView(parent)
    , m_model(model)
    , m_theme(Theme::standard())
    , m_scene(new RingScene([this](QPainter *painter) { paintLinks(painter); }, this))
    , m_messageLayer(new MessageLayer(&m_theme))
    , m_legend(new LegendItem(&m_theme))
    , m_hint(new HintItem(&m_theme))
    , m_legendAction(new QAction(tr("Open the legend"), this))
{
    m_scene->setSceneRect(RingLayout::sceneRect());
    // The items move only when the node set changes: no BSP index to maintain per frame.
    m_scene->setItemIndexMethod(QGraphicsScene::NoIndex);
    m_scene->addItem(m_messageLayer);
    m_messageLayer->setKeepClear([this] {
        std::vector<QRectF> words;
        for (const auto &[id, item] : m_nodes)
            for (const QRectF &rect : item->wordRects())
                words.push_back(item->mapToScene(rect).boundingRect());
        return words;
    });
    m_scene->addItem(m_legend);
    m_scene->addItem(m_hint);
    setScene(m_scene);
    setRenderHint(QPainter::Antialiasing);
    setRenderHint(QPainter::TextAntialiasing);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    setOptimizationFlag(QGraphicsView::DontSavePainterState);
    // The links change rarely (a cut, a crash, the theme): drawn once into the background cache.
    setCacheMode(CacheBackground);
    // The background cache covers every pixel: no need for the widget to fill it first.
    viewport()->setAutoFillBackground(false);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(320, 260);
    m_scene->setBackgroundBrush(m_theme.background());

    m_legendAction->setCheckable(true);
    m_legendAction->setChecked(true);
    connect(m_legendAction, &QAction::toggled, this, [this](bool open) {
        m_legendChoice = open;
        fitScene();
    });
    m_legend->setOnClicked([this] { m_legendAction->toggle(); });

    m_animation.setSingleShot(true);
    connect(&m_animation, &QTimer::timeout, this, [this] {
        advanceFrame();
        scheduleFrame();
    });
    connect(model, &ClusterModel::nodesChanged, this, &ClusterView::rebuildRing);
    connect(model, &ClusterModel::changed, this, &ClusterView::onModelChanged);
    rebuildRing();
    onModelChanged();
}

ClusterView::~ClusterView() = default;

void ClusterView::setTheme(const Theme &theme)
{
    if (theme.isProjector() != m_theme.isProjector())
        m_legendChoice.reset(); // a projector has other needs: the view decides again
    m_theme = theme;
    m_scene->setBackgroundBrush(m_theme.background());
    resetCachedContent();
    for (const auto &[id, item] : m_nodes)
        item->themeChanged();
    for (const auto &[pair, link] : m_links)
        link->themeChanged();
    keepRateLabelsClear(); // the tags have the theme's size
    m_legend->themeChanged();
    m_hint->themeChanged();
    m_messageLayer->themeChanged();
    fitScene();
}

void ClusterView::setFocusNode(std::optional<NodeId> node)
{
    m_focus = node;
    for (const auto &[id, item] : m_nodes)
        item->setFocused(node && *node == id);
}

void ClusterView::setBottomReserve(int pixels)
{
    if (pixels == m_bottomReserve)
        return;
    m_bottomReserve = pixels;
    fitScene();
}

void ClusterView::setHintVisible(bool visible)
{
    if (visible == m_hint->isVisible())
        return;
    m_hint->setVisible(visible);
    fitScene();
}

void ClusterView::fitScene()
{
    constexpr qreal margin = 8; // screen pixels
    const QSizeF viewSize = viewport()->size();
    if (viewSize.width() < 50 || viewSize.height() < 50)
        return;
    // The discs and their timer rings, in scene units; the tags around them are text, whose screen size
    // has a floor: they get room in screen pixels, so a small view does not shrink the ring further.
    QRectF core;
    // The band of vote marks: the ring's outer nodes have no links, so no marks, on their outer side.
    const qreal reach = TimerArcItem::radiusFor(m_layout.nodeRadius(), m_theme) + m_theme.lineWidth() * 2;
    for (const auto &[id, item] : m_nodes)
        core |= QRectF(item->pos() - QPointF(reach, reach), QSizeF(2 * reach, 2 * reach));
    if (core.isEmpty())
        core = QRectF(-reach, -reach, 2 * reach, 2 * reach);
    m_hint->setMaximumWidth(viewSize.width() - 2 * margin);
    const qreal hintHeight =
        (m_hint->isVisible() ? m_hint->boundingRect().height() : 0) + margin + m_bottomReserve;
    const qreal minimumPixels = m_theme.isProjector() ? Theme::projectorMinimumPixels : standardMinimumPixels;
    struct Fit
    {
        qreal scale = 1, above = 0, below = 0, side = 0;
    };
    const auto fitBeside = [&](qreal legendWidth) {
        Fit fit;
        for (int round = 0; round < 3; ++round) { // the tags' size depends a little on the scale
            const qreal line =
                std::max(NodeItem::tagPixels * m_theme.fontScale() * fit.scale, minimumPixels) * 1.35;
            fit.above = line * 3.2; // the state tag, the crown, a vote count
            fit.below = line * 2.0; // the role tag, a vote count
            fit.side = line / 1.35 * NodeItem::sideRoom; // "pre-candidate" is wider than a disc
            fit.scale =
                std::max(0.05,
                         std::min((viewSize.width() - legendWidth - 2 * fit.side - margin) / core.width(),
                                  (viewSize.height() - hintHeight - fit.above - fit.below) / core.height()));
        }
        return fit;
    };
    qreal legendWidth = m_legend->openWidth() + 2 * margin;
    // A view too narrow for a legend column keeps the legend over the ring's corner instead.
    if (legendWidth > viewSize.width() * 0.5)
        legendWidth = 0;
    // On a projector the ring comes first: a legend whose column would shrink it folds into its tab
    // (which needs no column: the corner above the ring's side is empty). The user's click decides after.
    const bool open = m_legendChoice.value_or(!m_theme.isProjector() ||
                                              fitBeside(legendWidth).scale >= 0.95 * fitBeside(0).scale);
    if (open != m_legendAction->isChecked()) {
        const QSignalBlocker quiet(m_legendAction);
        m_legendAction->setChecked(open);
    }
    m_legend->setFolded(!open);
    if (!open)
        legendWidth = 0;
    const auto [scale, above, below, side] = fitBeside(legendWidth);
    const QRectF rect(core.left() - (legendWidth + side) / scale, core.top() - above / scale,
                      core.width() + (legendWidth + 2 * side + margin) / scale,
                      core.height() + (above + below + hintHeight) / scale);
    m_scene->setSceneRect(rect);
    fitInView(rect, Qt::KeepAspectRatio);
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    m_legend->setPos(visible.topLeft() + QPointF(margin, margin) / sceneScale());
    // The hint sits above the room kept for a caption, never under it.
    m_hint->setPos(visible.center().x(), visible.bottom() - m_bottomReserve / sceneScale());
    const qreal minimum = minimumPixels / sceneScale();
    if (std::abs(minimum - m_theme.minimumScenePixels()) >= 0.25) {
        m_theme.setMinimumScenePixels(minimum);
        for (const auto &[id, item] : m_nodes)
            item->themeChanged();
        for (const auto &[pair, link] : m_links)
            link->themeChanged();
        keepRateLabelsClear();
        m_messageLayer->themeChanged();
    }
    resetCachedContent();
}

QImage ClusterView::legendPicture() const
{
    return m_legend->openPicture(devicePixelRatioF());
}

QRectF ClusterView::legendRect() const
{
    return QRectF(mapFromScene(m_legend->pos()), m_legend->boundingRect().size());
}

QRectF ClusterView::hintRect() const
{
    if (!m_hint->isVisible())
        return {};
    // The hint ignores the view's scale: its bounding rectangle is in screen pixels around its position.
    return m_hint->boundingRect().translated(mapFromScene(m_hint->pos()));
}

QRectF ClusterView::nodeDiscRect(NodeId id) const
{
    const auto it = m_nodes.find(id);
    if (it == m_nodes.end())
        return {};
    const qreal r = it->second->radius();
    return mapFromScene(QRectF(it->second->pos() - QPointF(r, r), QSizeF(2 * r, 2 * r))).boundingRect();
}

const NodeItem *ClusterView::nodeItem(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? nullptr : it->second;
}

qreal ClusterView::smallestTextPixels() const
{
    const qreal scale = sceneScale();
    qreal smallest = std::min(scenefonts::onScreen(m_theme, LegendItem::textPixels).pixelSize(),
                              scenefonts::onScreen(m_theme, HintItem::textPixels).pixelSize());
    smallest = std::min<qreal>(smallest, scenefonts::label(m_theme, NodeItem::tagPixels).pixelSize() * scale);
    smallest =
        std::min<qreal>(smallest, scenefonts::label(m_theme, LinkItem::ratePixels).pixelSize() * scale);
    if (!m_nodes.empty()) {
        const qreal r = m_layout.nodeRadius();
        smallest = std::min<qreal>(smallest, NodeItem::termFont(m_theme, r).pixelSize() * scale);
    }
    return smallest;
}

void ClusterView::setProcessState(NodeId id, ProcessState state)
{
    const bool isNew = !m_processes.contains(id) && !m_nodes.contains(id);
    m_processes[id] = state;
    if (isNew)
        rebuildRing();
    onModelChanged();
}

void ClusterView::setProcessControlEnabled(bool enabled)
{
    m_processControl = enabled;
    refreshActions();
}

void ClusterView::setSimulated(bool simulated)
{
    m_simulated = simulated;
    refreshActions();
}

std::optional<MessageDot> ClusterView::messageDotAt(QPoint viewPosition) const
{
    return m_messageLayer->dotAt(mapToScene(viewPosition));
}

QPoint ClusterView::viewPositionOf(const MessageDot &dot) const
{
    return mapFromScene(m_messageLayer->positionOf(dot));
}

QAction *ClusterView::nodeAction(NodeId id, NodeAction action) const
{
    const auto it = m_actions.find(id);
    return it == m_actions.end() ? nullptr : it->second->action(action);
}

void ClusterView::toggleLink(NodeId a, NodeId b)
{
    if (a == b)
        return;
    const bool anyBlock = blocks(m_model->node(a), b) || blocks(m_model->node(b), a) ||
        mutes(m_model->node(a), b) || mutes(m_model->node(b), a);
    Q_EMIT linkCutRequested(a, b, !anyBlock);
}

void ClusterView::fillLinkMenu(QMenu &menu, NodeId a, NodeId b)
{
    for (const auto &[from, to] : {std::pair{a, b}, std::pair{b, a}}) {
        QAction *action = menu.addAction(
            tr("Cut one way: %1 → %2 (node %2 stops hearing node %1)").arg(from.value).arg(to.value));
        action->setEnabled(!mutes(m_model->node(from), to) && !blocks(m_model->node(from), to));
        connect(action, &QAction::triggered, this, [this, from, to] { Q_EMIT oneWayCutRequested(from, to); });
    }
    const bool anyBlock = blocks(m_model->node(a), b) || blocks(m_model->node(b), a) ||
        mutes(m_model->node(a), b) || mutes(m_model->node(b), a);
    QAction *toggle = menu.addAction(anyBlock ? tr("Heal the link %1–%2").arg(a.value).arg(b.value)
                                              : tr("Cut the link %1–%2 both ways").arg(a.value).arg(b.value));
    connect(toggle, &QAction::triggered, this, [this, a, b] { toggleLink(a, b); });
}

void ClusterView::setLegendOpen(bool open)
{
    m_legendAction->setChecked(open);
}

bool ClusterView::isLegendOpen() const
{
    return m_legendAction->isChecked();
}

QString ClusterView::roleLabel(NodeId id) const
{
    const auto it = m_nodes.find(id);
    if (it == m_nodes.end() || !it->second->appearance().hasStatus)
        return {};
    return raftlab::roleLabel(it->second->appearance().role);
}

QString ClusterView::roleTag(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? QString() : raftlab::roleTag(it->second->appearance());
}

QString ClusterView::processLabel(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? QString() : livenessLabel(it->second->appearance().liveness);
}

const NodeAppearance *ClusterView::nodeAppearance(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? nullptr : &it->second->appearance();
}

QString ClusterView::linkRateLabel(NodeId a, NodeId b) const
{
    const LinkItem *link = linkBetween(a, b);
    return link ? link->appearance().rateLabel : QString();
}

const LinkAppearance *ClusterView::linkAppearance(NodeId a, NodeId b) const
{
    const LinkItem *link = linkBetween(a, b);
    return link ? &link->appearance() : nullptr;
}

const LinkItem *ClusterView::linkItem(NodeId a, NodeId b) const
{
    return linkBetween(a, b);
}

bool ClusterView::isLinkDrawnCut(NodeId a, NodeId b) const
{
    const LinkItem *link = linkBetween(a, b);
    return link && link->appearance().isCut();
}

int ClusterView::messageDotCount() const
{
    return int(m_messageLayer->dotCount());
}

std::vector<MessageDot> ClusterView::messageDots() const
{
    return m_planner.dots();
}

qreal ClusterView::timerArcRemaining(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? -1 : it->second->timerArc()->remaining();
}

NodeDetailsDialog *ClusterView::detailsDialog(NodeId id) const
{
    const auto it = m_details.find(id);
    return it == m_details.end() ? nullptr : it->second;
}

void ClusterView::renderFrame(QPainter *painter, const QRectF &target)
{
    advanceFrame(ArcUpdate::Now);
    m_scene->render(painter, target, m_scene->sceneRect());
}

void ClusterView::paintLinks(QPainter *painter) const
{
    painter->save();
    for (const auto &[pair, link] : m_links)
        link->paintLine(painter);
    painter->restore();
}

std::vector<NodeId> ClusterView::nodeSet() const
{
    std::set<NodeId> ids;
    for (const NodeId id : m_model->nodeIds())
        ids.insert(id);
    for (const auto &[id, state] : m_processes)
        ids.insert(id);
    return {ids.begin(), ids.end()};
}

std::optional<ProcessState> ClusterView::processOf(NodeId id) const
{
    const auto it = m_processes.find(id);
    return it == m_processes.end() ? std::nullopt : std::optional(it->second);
}

LinkItem *ClusterView::linkBetween(NodeId a, NodeId b) const
{
    const auto it = m_links.find(ordered(a, b));
    return it == m_links.end() ? nullptr : it->second;
}

void ClusterView::rebuildRing()
{
    const std::vector<NodeId> ids = nodeSet();
    std::vector<NodeId> current;
    for (const auto &[id, item] : m_nodes)
        current.push_back(id);
    if (ids == current)
        return;

    for (const auto &[id, item] : m_nodes)
        delete item; // its timer arc with it
    for (const auto &[pair, link] : m_links)
        delete link;
    m_nodes.clear();
    m_links.clear();

    m_layout = RingLayout(ids);
    m_messageLayer->setLayout(m_layout);
    resetCachedContent(); // other links
    for (std::size_t i = 0; i < ids.size(); ++i) {
        for (std::size_t j = i + 1; j < ids.size(); ++j) {
            auto *link = new LinkItem(ids[i], ids[j], m_layout.position(ids[i]), m_layout.position(ids[j]),
                                      m_layout.nodeRadius(), &m_theme,
                                      [this](NodeId a, NodeId b) { toggleLink(a, b); });
            link->setMenuHandler([this](NodeId a, NodeId b, QPoint screenPos) {
                QMenu menu(this);
                menu.setFont(window()->font());
                fillLinkMenu(menu, a, b);
                menu.exec(screenPos);
            });
            m_scene->addItem(link);
            m_links[{ids[i], ids[j]}] = link;
        }
    }
    for (const NodeId id : ids) {
        auto *item = new NodeItem(id, m_layout.nodeRadius(), &m_theme,
                                  [this](NodeId node, QPoint at) { showNodeMenu(node, at); });
        item->setPos(m_layout.position(id));
        std::vector<qreal> angles;
        for (const NodeId other : ids)
            if (other != id)
                angles.push_back(m_layout.angleDegrees(id, other));
        item->setLinkAngles(std::move(angles));
        m_scene->addItem(item);
        m_nodes[id] = item;
        item->setFocused(m_focus && *m_focus == id);
        if (!m_actions.contains(id)) {
            auto *actions = new NodeActions(id, this);
            connect(actions, &NodeActions::triggered, this, &ClusterView::onNodeAction);
            m_actions[id] = actions;
        }
    }
    fitScene();
    // Actions of nodes that left the ring (a reset to fewer nodes) go with them.
    for (auto it = m_actions.begin(); it != m_actions.end();) {
        if (m_nodes.contains(it->first)) {
            ++it;
            continue;
        }
        delete it->second;
        it = m_actions.erase(it);
    }
}

void ClusterView::onModelChanged()
{
    rebuildRing(); // cheap when the set is unchanged; covers a changed() without nodesChanged()
    refreshNodes();
    refreshLinks();
    refreshActions();
    refreshHint();
    // The medians move slowly; relearning them from the whole finished ring every frame was a few
    // percent of the app's idle CPU.
    const qint64 nowUs = m_model->nowUs();
    if (m_learnedUs < 0 || std::abs(nowUs - m_learnedUs) >= learnEveryUs) {
        m_learnedUs = nowUs;
        m_planner.learnDeliveryTimes(m_model->messages());
    }
    advanceFrame(ArcUpdate::WhenDue);
    scheduleFrame(FrameCause::Model);
}

void ClusterView::refreshNodes()
{
    for (const auto &[id, item] : m_nodes)
        item->setAppearance(appearanceOf(id, m_model->node(id), processOf(id), m_layout));
}

void ClusterView::refreshLinks()
{
    const MessageTracker &messages = m_model->messages();
    for (const auto &[pair, link] : m_links) {
        const auto [a, b] = pair;
        const auto isDown = [this](NodeId id) {
            const Liveness liveness = m_nodes.at(id)->appearance().liveness;
            return liveness == Liveness::Killed || liveness == Liveness::Exited;
        };
        double perSecond = 0;
        if (const LinkTraffic *traffic = messages.link(a, b))
            perSecond += traffic->sentPerSecond;
        if (const LinkTraffic *traffic = messages.link(b, a))
            perSecond += traffic->sentPerSecond;
        // A link to a dead process carries nothing: what is sent to it is lost, not a rate worth a label.
        const bool endDown = isDown(a) || isDown(b);
        link->setAppearance(LinkAppearance{
            .aBlocksB = blocks(m_model->node(a), b),
            .bBlocksA = blocks(m_model->node(b), a),
            .aMutesB = mutes(m_model->node(a), b),
            .bMutesA = mutes(m_model->node(b), a),
            .endDown = endDown,
            .rateLabel = perSecond >= rateLabelPerSecond && !endDown ? rateText(perSecond) : QString(),
        });
    }
    keepRateLabelsClear();
}

void ClusterView::keepRateLabelsClear()
{
    const bool anyRate = std::any_of(m_links.begin(), m_links.end(), [](const auto &entry) {
        return !entry.second->appearance().rateLabel.isEmpty();
    });
    if (!anyRate)
        return;
    // Rate labels keep off what the nodes draw around themselves.
    std::vector<QRectF> drawn;
    for (const auto &[id, item] : m_nodes) {
        const auto add = [&drawn, item = item](const QRectF &rect) {
            if (!rect.isEmpty())
                drawn.push_back(item->mapRectToScene(rect));
        };
        const qreal ring = TimerArcItem::radiusFor(item->radius(), m_theme) + m_theme.lineWidth();
        add(QRectF(-ring, -ring, 2 * ring, 2 * ring));
        add(item->roleTagRect());
        add(item->stateTagRect());
        add(item->crownRect());
        for (const QRectF &mark : item->voteMarkRects())
            add(mark);
        for (const QRectF &line : item->campaignLineRects())
            add(line);
    }
    // Each label also keeps off the labels placed before it.
    for (const auto &[pair, link] : m_links) {
        if (link->appearance().rateLabel.isEmpty())
            continue;
        link->setKeepClearOf(drawn);
        if (const QRectF label = link->rateLabelRect(); !label.isEmpty())
            drawn.push_back(link->mapRectToScene(label));
    }
}

void ClusterView::refreshActions()
{
    const NodeId leader = m_model->summary().leader;
    for (const auto &[id, actions] : m_actions) {
        const NodeState *state = m_model->node(id);
        bool fullyIsolated = m_nodes.size() > 1;
        for (const auto &[pair, link] : m_links)
            if ((pair.first == id || pair.second == id) && !link->appearance().isCut())
                fullyIsolated = false;
        actions->update(NodeActionContext{
            .process = processOf(id),
            .processControl = m_processControl,
            .connected = state && state->connected,
            .isLeader = state && state->isLeader(),
            .clusterHasLeader = !leader.isNone(),
            .fullyIsolated = fullyIsolated,
            .hasPeers = m_nodes.size() > 1,
            .simulated = m_simulated,
        });
    }
}

void ClusterView::refreshHint()
{
    m_hint->setText(
        m_nodes.empty()
            ? tr("Waiting for the nodes' event streams…")
            : tr("Right-click a node to crash, freeze or isolate it  ·  click a link to cut or heal it"));
}

void ClusterView::advanceFrame(ArcUpdate arcs)
{
    const qint64 nowUs = m_model->nowUs();
    m_messageLayer->setDots(m_planner.plan(m_model->messages(), nowUs));
    // Arcs move at most at arcsOnlyFrameMs, even while dots go faster: smooth enough, half the cost.
    // An arc that appears or disappears (a new leader, a crash) does so at once.
    const bool arcsDue =
        arcs == ArcUpdate::Now || std::abs(nowUs - m_arcsUpdatedUs) >= arcsOnlyFrameMs * 1000 - 5000;
    if (arcsDue)
        m_arcsUpdatedUs = nowUs;
    for (const auto &[id, item] : m_nodes) {
        const NodeState *state = m_model->node(id);
        const NodeAppearance &appearance = item->appearance();
        const bool timerShown = state && appearance.liveness == Liveness::Running && !state->isLeader() &&
            state->electionTimerStartUs >= 0 && state->electionDeadlineUs > state->electionTimerStartUs;
        if (!arcsDue && timerShown == (item->timerArc()->remaining() >= 0))
            continue;
        item->timerArc()->setRemaining(timerShown ? std::clamp(qreal(state->electionDeadlineUs - nowUs) /
                                                                   qreal(state->electionTimeoutUs()),
                                                               0.0, 1.0)
                                                  : -1.0);
    }
}

bool ClusterView::anyTimerRunning(qint64 nowUs) const
{
    for (const auto &[id, item] : m_nodes) {
        const NodeState *state = m_model->node(id);
        if (item->timerArc()->remaining() > 0 && state && state->electionDeadlineUs > nowUs)
            return true;
    }
    return false;
}

void ClusterView::scheduleFrame(FrameCause cause)
{
    // Hidden (minimised, another tab): draw nothing; showEvent() resumes.
    if (!isVisible()) {
        m_animation.stop();
        return;
    }
    // While the model folds frames, its changed() advances the picture; the timer then waits a bit
    // longer than a model frame, so the two clocks never paint twice in one frame interval (they
    // did: ~40 repaints a second instead of 30). It takes over when the model goes quiet.
    const int slackMs = cause == FrameCause::Model ? m_model->limits().frameIntervalMs / 2 : 0;
    if (m_messageLayer->dotCount() > 0)
        m_animation.start(std::max(movingFrameMs, m_model->limits().frameIntervalMs) + slackMs);
    else if (anyTimerRunning(m_model->nowUs()))
        m_animation.start(arcsOnlyFrameMs + slackMs);
    else
        m_animation.stop();
}

void ClusterView::onNodeAction(NodeAction action, NodeId node)
{
    switch (action) {
    case NodeAction::Kill:
        Q_EMIT killRequested(node);
        break;
    case NodeAction::Restart:
        Q_EMIT restartRequested(node);
        break;
    case NodeAction::Freeze:
        Q_EMIT freezeRequested(node);
        break;
    case NodeAction::Thaw:
        Q_EMIT thawRequested(node);
        break;
    case NodeAction::FireTimer:
        Q_EMIT fireTimerRequested(node);
        break;
    case NodeAction::Isolate:
        Q_EMIT isolateRequested(node);
        break;
    case NodeAction::MakeLeader:
        Q_EMIT transferRequested(node);
        break;
    case NodeAction::Remove:
        Q_EMIT removeRequested(node);
        break;
    case NodeAction::Details:
        showDetails(node);
        break;
    }
}

void ClusterView::showNodeMenu(NodeId node, QPoint screenPosition)
{
    const auto it = m_actions.find(node);
    if (it == m_actions.end())
        return;
    QMenu menu(this);
    menu.setFont(window()->font()); // a popup does not inherit it: projector mode's size reaches the menu
    menu.setToolTipsVisible(true); // a greyed-out entry says why
    it->second->addTo(&menu);
    menu.exec(screenPosition);
}

void ClusterView::showDetails(NodeId node)
{
    NodeDetailsDialog *&dialog = m_details[node];
    if (!dialog)
        dialog = new NodeDetailsDialog(m_model, node, this);
    dialog->refresh();
    dialog->show();
    dialog->raise();
}

void ClusterView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    fitScene();
}

void ClusterView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    fitScene();
    advanceFrame(ArcUpdate::Now);
    scheduleFrame();
}

void ClusterView::hideEvent(QHideEvent *event)
{
    QGraphicsView::hideEvent(event);
    m_animation.stop();
}

void ClusterView::contextMenuEvent(QContextMenuEvent *event)
{
    // In a simulated cluster a message dot under the mouse takes the menu first: it lies on a link,
    // which has a menu of its own. Then a node or a link takes its own menu (its item accepts the
    // event); elsewhere the view offers the legend.
    if (m_simulated && showMessageMenu(event->pos(), event->globalPos()))
        return;
    event->ignore();
    QGraphicsView::contextMenuEvent(event);
    if (event->isAccepted())
        return;
    QMenu menu(this);
    menu.setFont(window()->font());
    menu.addAction(m_legendAction);
    menu.exec(event->globalPos());
}

bool ClusterView::showMessageMenu(QPoint viewPosition, QPoint screenPosition)
{
    const std::optional<MessageDot> dot = messageDotAt(viewPosition);
    if (!dot || dot->messageId == 0)
        return false;
    const qint64 id = dot->messageId;
    QMenu menu(this);
    menu.setFont(window()->font());
    menu.setObjectName(QStringLiteral("messageMenu"));
    // The dot says which message it is: the same words as the pending-events list.
    QAction *title = menu.addAction(
        tr("%1 %2→%3")
            .arg(QString::fromLatin1(toString(dot->type).data(), qsizetype(toString(dot->type).size())))
            .arg(dot->from.value)
            .arg(dot->to.value));
    title->setEnabled(false);
    menu.addSeparator();
    menu.addAction(tr("Deliver now"), this, [this, id] { Q_EMIT deliverMessageRequested(id); });
    menu.addAction(tr("Drop"), this, [this, id] { Q_EMIT dropMessageRequested(id); });
    menu.addAction(tr("Duplicate"), this, [this, id] { Q_EMIT duplicateMessageRequested(id); });
    menu.exec(screenPosition);
    return true;
}

} // namespace raftlab
