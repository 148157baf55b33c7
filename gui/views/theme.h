#pragma once

// Theme: every colour and font size the views draw with, in one place, so that projector mode is one
// switch (larger fonts, high contrast, a colour-blind-safe palette). Views take a Theme by
// value in setTheme() and repaint; none of them picks a colour of its own.
//
// Both palettes are built from the Okabe–Ito set (Okabe & Ito, "Color Universal Design", 2002), which
// stays distinguishable under the common colour-vision deficiencies. Roles and message types never rely
// on colour alone: views also write the role's name and draw replies hollow.

#include "core/event.h"
#include "core/message.h"
#include "core/types.h"

#include <QColor>
#include <QFont>

#include <array>

namespace raftlab {

class Theme
{
public:
    static Theme standard(); // a desktop screen
    static Theme projector(); // a projector: bigger text, thicker lines, stronger contrast

    bool isProjector() const { return m_projector; }

    // --- surfaces ---
    QColor background() const { return m_background; }
    QColor panel() const { return m_panel; } // behind a node, a log row
    QColor text() const { return m_text; }
    QColor mutedText() const { return m_mutedText; } // secondary labels, axes
    QColor grid() const { return m_grid; }

    // --- Raft ---
    QColor roleColor(Role role) const;
    // A fill per term, cycling through a fixed set so that neighbouring terms differ (RaftScope's idea:
    // "the same colour means the same term"). Term 0 (before any election) is the panel colour.
    QColor termColor(Term term) const;
    QColor messageColor(MessageType type) const; // requests and their replies share a colour
    QColor voteColor(bool granted) const;
    QColor killed() const { return m_killed; } // a node whose process is gone
    QColor frozen() const { return m_frozen; } // SIGSTOP
    QColor cutLink() const { return m_cut; } // drawn dashed
    QColor link() const { return m_link; }
    QColor committed() const { return m_committed; } // the commit index marker
    QColor applied() const { return m_applied; }
    QColor timerArc() const { return m_timerArc; }
    // A lesson's "look here" (a node's ring, a log column): amber, unlike any role, term or message.
    static QColor focus() { return QColor(QRgb(0xFFB000)); }

    // --- sizes ---
    // Scales a font: `relative` 1.0 is body text; 1.4 a heading. Projector mode multiplies further.
    QFont font(qreal relative = 1.0, bool bold = false) const;
    qreal fontScale() const { return m_fontScale; }
    qreal lineWidth() const { return m_lineWidth; } // links, outlines, arcs
    // The smallest text a scaled scene may draw, in its own units: the cluster view sets it from its
    // scale so that, on a projector, no label in the ring ends up below a readable size on screen.
    qreal minimumScenePixels() const { return m_minimumScenePixels; }
    void setMinimumScenePixels(qreal pixels) { m_minimumScenePixels = pixels; }
    // The smallest text, in screen pixels, a projector theme allows anywhere (read from the back row).
    static constexpr qreal projectorMinimumPixels = 18;

    // The colour of node `id`'s line in the charts: nine colours far apart from each other (and from
    // the white ground), so that every node of the largest cluster has a line of its own.
    static QColor nodeColor(NodeId id);

private:
    Theme() = default;

    bool m_projector = false;
    qreal m_fontScale = 1.0;
    qreal m_lineWidth = 1.5;
    qreal m_minimumScenePixels = 0;
    QColor m_background, m_panel, m_text, m_mutedText, m_grid;
    QColor m_follower, m_preCandidate, m_candidate, m_leader;
    QColor m_killed, m_frozen, m_cut, m_link, m_committed, m_applied, m_timerArc;
    QColor m_granted, m_refused;
    QColor m_vote, m_append, m_heartbeat, m_snapshot, m_timeoutNow;
    std::array<QColor, 8> m_terms{};
};

} // namespace raftlab
