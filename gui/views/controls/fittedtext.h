#pragma once

#include <QFont>
#include <QString>

namespace raftlab {

// `text` laid out in at most `lines` lines of `width` pixels in `font`: the lines joined by '\n' (for a
// label that does not wrap by itself), the last one elided when the rest does not fit. A fixed-height
// label shows it, so that nothing below the label moves when a longer text arrives; the whole text
// goes in its tooltip.
struct FittedText
{
    QString text{};
    bool cut = false; // some of the text did not fit
};

FittedText fitToLines(const QString &text, const QFont &font, int width, int lines);

} // namespace raftlab
