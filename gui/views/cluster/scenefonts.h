#pragma once

// Fonts for text drawn in the cluster scene. The scene is scaled to the widget, so text is sized in
// scene units (pixels at scale 1), from the Theme's font (family, and projector mode's larger scale).

#include "views/theme.h"

#include <QFont>

#include <cmath>

namespace raftlab::scenefonts {

// Text outside the nodes (tags, labels, legend): `pixels` at scale 1, times the Theme's font scale.
inline QFont label(const Theme &theme, qreal pixels, bool bold = false)
{
    QFont font = theme.font(1.0, bold);
    font.setPixelSize(int(std::lround(pixels * theme.fontScale())));
    return font;
}

// Text inside a node: sized by the node (it must fit the circle), only a little larger on a projector.
inline QFont inNode(const Theme &theme, qreal pixels, bool bold = false)
{
    QFont font = theme.font(1.0, bold);
    font.setPixelSize(int(std::lround(pixels * (theme.isProjector() ? 1.12 : 1.0))));
    return font;
}

} // namespace raftlab::scenefonts
