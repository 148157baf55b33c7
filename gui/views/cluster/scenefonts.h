#pragma once

// Fonts for text drawn in the cluster scene. The scene is scaled to the widget, so text is sized in
// scene units (pixels at scale 1), from the Theme's font (family, and projector mode's larger scale).

#include "views/theme.h"

#include <QFont>

#include <algorithm>
#include <cmath>

namespace raftlab::scenefonts {

// Text outside the nodes (tags, labels, legend): `pixels` at scale 1, times the Theme's font scale.
inline QFont label(const Theme &theme, qreal pixels, bool bold = false)
{
    QFont font = theme.font(1.0, bold);
    font.setPixelSize(int(std::lround(std::max(pixels * theme.fontScale(), theme.minimumScenePixels()))));
    return font;
}

// Text of an item that ignores the view's scale (the legend, the hint): `pixels` on screen, times the
// Theme's font scale, never under the projector's readable minimum.
inline QFont onScreen(const Theme &theme, qreal pixels, bool bold = false)
{
    QFont font = theme.font(1.0, bold);
    const qreal floor = theme.isProjector() ? Theme::projectorMinimumPixels : 0.0;
    font.setPixelSize(int(std::lround(std::max(pixels * theme.fontScale(), floor))));
    return font;
}

// Text inside a node: sized by the node (it must fit the circle), only a little larger on a projector,
// and never under the view's readable minimum up to `fitLimit` (what the circle still holds).
inline QFont inNode(const Theme &theme, qreal pixels, bool bold = false, qreal fitLimit = 0)
{
    QFont font = theme.font(1.0, bold);
    const qreal wanted = pixels * (theme.isProjector() ? 1.12 : 1.0);
    const qreal floor = fitLimit > 0 ? std::min(theme.minimumScenePixels(), fitLimit) : 0.0;
    font.setPixelSize(int(std::lround(std::max(wanted, floor))));
    return font;
}

} // namespace raftlab::scenefonts
