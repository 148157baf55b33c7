#pragma once

// ClusterView: the cluster drawn live, the heart of the app (after Qt's
// elasticnodes example). Nodes on a ring (NodeItem: id, role, term colour, process state, election timer
// arc, votes), links between every pair (LinkItem: click to cut or heal), message dots travelling along
// them (MessageLayer, planned by MessagePlanner), a legend and a hint line for newcomers.
//
// It reads the ClusterModel and never talks to nodes: what the user asks for (kill, cut, ...) leaves as
// a signal for the main window to carry out. Drawing is cheap by construction: items repaint only when
// what they show changed (appearance structs compared per model frame), the links' lines are drawn
// once into the view's background cache (the scene's background), the discs and timer arcs sit in
// the item cache, a frame repaints only the rectangle around the dots, and the animation runs only
// while a dot moves (~30 fps, driven by the model's frames while it folds events) or a timer arc
// shrinks (~15 fps); with no dot moving and no timer running it draws nothing at all. A calm 5-node
// cluster at x1 thus costs the app ~4-5% of a core instead of ~7% (measured under Xvfb).

#include "messageplanner.h"
#include "model/processstate.h"
#include "nodeactions.h"
#include "nodeappearance.h"
#include "ringlayout.h"
#include "views/theme.h"

#include <QGraphicsView>
#include <QMenu>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>

namespace raftlab {

class ClusterModel;
class HintItem;
class LegendItem;
class LinkItem;
struct LinkAppearance;
class MessageLayer;
class NodeDetailsDialog;
class NodeItem;

class ClusterView final : public QGraphicsView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterView)

public:
    // Frame pacing: dots move at ~30 fps; when only timer arcs shrink, ~15 fps is smooth enough.
    static constexpr int movingFrameMs = 33;
    static constexpr int arcsOnlyFrameMs = 66;
    // A link whose two directions carry more than this gets a rate label (dots are then a sample).
    static constexpr double rateLabelPerSecond = 60.0;
    // How often the planner relearns the links' median delivery times (model clock).
    static constexpr qint64 learnEveryUs = 250'000;

    explicit ClusterView(const ClusterModel *model, QWidget *parent = nullptr);
    ~ClusterView() override;

    void setTheme(const Theme &theme);
    const Theme &theme() const { return m_theme; }

    // From the supervisor: what its process is doing. Until told, a node counts as alive while its
    // event stream is up.
    void setProcessState(NodeId id, ProcessState state);
    // False when attached to someone else's nodes: kill / restart / freeze / thaw are greyed out.
    void setProcessControlEnabled(bool enabled);
    // A simulated cluster: a node's menu can fire its timer early, and a message dot's menu delivers,
    // drops or duplicates that message.
    void setSimulated(bool simulated);
    // The message dot drawn under `viewPosition` (the view's pixels), if any: the one a right-click picks.
    std::optional<MessageDot> messageDotAt(QPoint viewPosition) const;
    // Where a dot is drawn, in the view's pixels.
    QPoint viewPositionOf(const MessageDot &dot) const;

    // The node's context-menu actions (nullptr for a node not on the ring): the menu shows these.
    QAction *nodeAction(NodeId id, NodeAction action) const;
    // What a click on the link between a and b does: asks to cut it, or to heal it when any end blocks.
    void toggleLink(NodeId a, NodeId b);

    // A lesson's "look at this node": a highlight ring around it (nullopt: none).
    void setFocusNode(std::optional<NodeId> node);
    std::optional<NodeId> focusNode() const { return m_focus; }

    // The smallest text the ring draws, in screen pixels at the view's current scale (legend, hint,
    // tags, the term inside a node, rate labels). Projector mode keeps it at least
    // Theme::projectorMinimumPixels.
    qreal smallestTextPixels() const;
    // The view's scale: screen pixels per scene unit.
    qreal sceneScale() const { return transform().m11(); }
    // Where the legend is drawn (open, or its tab), in the view's pixels, and each node's disc.
    QRectF legendRect() const;
    QImage legendPicture() const; // the whole key, even while it is folded
    QRectF hintRect() const; // in viewport pixels; empty while hidden
    QRectF nodeDiscRect(NodeId id) const;

    // Screen pixels at the bottom the ring keeps clear of (a caption line over the view).
    void setBottomReserve(int pixels);
    void setHintVisible(bool visible);

    // How dots travel (a simulation's virtual milliseconds need shorter trips than real nodes' loopback).
    void setMessageTiming(const MessagePlanner::Timing &timing) { m_planner = MessagePlanner(timing); }

    // Open: the whole key; folded: a small tab that opens it. Until the user chooses, a projector folds
    // the legend where its column would shrink the ring; the standard theme keeps it open.
    void setLegendOpen(bool open);
    bool isLegendOpen() const;
    QAction *legendAction() const { return m_legendAction; } // checkable, for a menu or toolbar

    // --- for tests, the benchmark and the main window ---
    int nodeItemCount() const { return int(m_nodes.size()); }
    // The item drawing `id` (tests measure what it draws); null for an unknown node.
    const NodeItem *nodeItem(NodeId id) const;
    QString roleLabel(NodeId id) const; // "leader", "candidate", ...; empty when unknown
    QString roleTag(NodeId id) const; // the tag drawn under the node ("LEADER", "learner", ...)
    QString processLabel(NodeId id) const; // "killed", "frozen", ...; empty while running
    const NodeAppearance *nodeAppearance(NodeId id) const; // what its item draws; nullptr when unknown
    QString linkRateLabel(NodeId a, NodeId b) const; // "1.2k msg/s" under load, else empty
    bool isLinkDrawnCut(NodeId a, NodeId b) const;
    const LinkAppearance *linkAppearance(NodeId a, NodeId b) const; // `a` < `b`; nullptr when no such link
    const LinkItem *linkItem(NodeId a, NodeId b) const; // `a` < `b`; nullptr when no such link
    // The menu a right-click on the link a–b shows: cut it one way (either way), cut or heal it.
    void fillLinkMenu(QMenu &menu, NodeId a, NodeId b);
    int messageDotCount() const; // dots drawn in the last frame
    std::vector<MessageDot> messageDots() const;
    qreal timerArcRemaining(NodeId id) const; // -1 when no arc is drawn
    bool isAnimating() const { return m_animation.isActive(); }
    NodeDetailsDialog *detailsDialog(NodeId id) const; // nullptr until Details was chosen
    // Advances the animation to the model's now and paints the whole scene into `painter` (offscreen
    // frames for the benchmark and screenshots).
    void renderFrame(QPainter *painter, const QRectF &target = QRectF());

Q_SIGNALS:
    void killRequested(raftlab::NodeId node);
    void removeRequested(raftlab::NodeId node); // from the configuration (POST /admin/members)
    void restartRequested(raftlab::NodeId node);
    void freezeRequested(raftlab::NodeId node);
    void thawRequested(raftlab::NodeId node);
    void isolateRequested(raftlab::NodeId node);
    void transferRequested(raftlab::NodeId node);
    void linkCutRequested(raftlab::NodeId a, raftlab::NodeId b, bool cut);
    // A simulated cluster only (setSimulated): a node's timer now; a message in flight by its id.
    void fireTimerRequested(raftlab::NodeId node);
    void deliverMessageRequested(qint64 messageId);
    void dropMessageRequested(qint64 messageId);
    void duplicateMessageRequested(qint64 messageId);
    void oneWayCutRequested(raftlab::NodeId from, raftlab::NodeId to); // `to` stops hearing `from`

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void onModelChanged();
    void rebuildRing(); // the node set changed
    void refreshNodes();
    void refreshLinks();
    void keepRateLabelsClear(); // of the nodes' tags, marks and counts
    void refreshActions();
    void refreshHint();
    void paintLinks(QPainter *painter) const; // the static layer under everything (scene coordinates)
    // Fits the ring to the widget: a column on the left for the legend and a line at the bottom for the
    // hint (both in screen pixels), the ring as large as the rest allows; on a projector, scene text
    // grows so that none is drawn below the readable minimum.
    void fitScene();
    enum class ArcUpdate { Now, WhenDue };
    void advanceFrame(ArcUpdate arcs = ArcUpdate::WhenDue); // dots and timer arcs to the model's now
    enum class FrameCause { Timer, Model };
    void scheduleFrame(FrameCause cause = FrameCause::Timer); // arms or stops the animation timer
    bool anyTimerRunning(qint64 nowUs) const;
    void onNodeAction(NodeAction action, NodeId node);
    void showNodeMenu(NodeId node, QPoint screenPosition);
    // A simulated message's menu: deliver it now, drop it or duplicate it. False when no dot is there.
    bool showMessageMenu(QPoint viewPosition, QPoint screenPosition);
    void showDetails(NodeId node);
    std::vector<NodeId> nodeSet() const;
    std::optional<ProcessState> processOf(NodeId id) const;
    LinkItem *linkBetween(NodeId a, NodeId b) const;

    const ClusterModel *m_model;
    Theme m_theme;
    QGraphicsScene *m_scene; // child
    RingLayout m_layout;
    std::map<NodeId, NodeItem *> m_nodes; // owned by the scene
    std::map<std::pair<NodeId, NodeId>, LinkItem *> m_links; // (lower id, higher id); owned by the scene
    std::map<NodeId, NodeActions *> m_actions; // children
    std::map<NodeId, NodeDetailsDialog *> m_details; // children
    std::map<NodeId, ProcessState> m_processes;
    bool m_processControl = true;
    bool m_simulated = false;
    MessageLayer *m_messageLayer; // owned by the scene
    LegendItem *m_legend; // owned by the scene
    HintItem *m_hint; // owned by the scene
    QAction *m_legendAction;
    std::optional<bool> m_legendChoice; // the user's open or fold, until the theme changes
    MessagePlanner m_planner;
    QTimer m_animation;
    qint64 m_arcsUpdatedUs = 0; // model clock of the last arc update
    qint64 m_learnedUs = -1; // model clock when the planner last learned the delivery times
    std::optional<NodeId> m_focus;
    int m_bottomReserve = 0;
};

} // namespace raftlab
