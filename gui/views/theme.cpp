#include "theme.h"

#include <QGuiApplication>

namespace raftlab {

namespace okabeito {
// The eight colours of the Okabe–Ito palette.
constexpr QRgb black = 0x000000;
constexpr QRgb orange = 0xE69F00;
constexpr QRgb skyBlue = 0x56B4E9;
constexpr QRgb bluishGreen = 0x009E73;
constexpr QRgb yellow = 0xF0E442;
constexpr QRgb blue = 0x0072B2;
constexpr QRgb vermillion = 0xD55E00;
constexpr QRgb reddishPurple = 0xCC79A7;
} // namespace okabeito

// The term fills: Okabe–Ito's hues, with a brown for its black, whose tint is the grey of a killed node.
constexpr QRgb brown = 0x8C5A2B;

namespace {

// The same hue, lightened towards white: term fills stay readable under black text.
QColor tint(QRgb rgb, qreal amount)
{
    const QColor base(rgb);
    return QColor::fromRgbF(base.redF() + (1 - base.redF()) * amount,
                            base.greenF() + (1 - base.greenF()) * amount,
                            base.blueF() + (1 - base.blueF()) * amount);
}

} // namespace

Theme Theme::standard()
{
    using namespace okabeito;
    Theme theme;
    theme.m_background = QColor(QRgb(0xF7F7F4));
    theme.m_panel = QColor(QRgb(0xFFFFFF));
    theme.m_text = QColor(QRgb(0x202020));
    theme.m_mutedText = QColor(QRgb(0x6B6B6B));
    theme.m_grid = QColor(QRgb(0xDDDDDD));
    theme.m_follower = QColor(QRgb(0x8A8A8A));
    theme.m_preCandidate = tint(orange, 0.45);
    theme.m_candidate = QColor(orange);
    theme.m_leader = QColor(blue);
    theme.m_killed = QColor(QRgb(0xB0B0B0));
    theme.m_frozen = QColor(skyBlue);
    // A true red, not Okabe–Ito's vermillion: the legend and the help say "dashed red", and vermillion
    // reads as orange next to the orange vote dots.
    theme.m_cut = QColor(QRgb(0xC8102E));
    theme.m_link = QColor(QRgb(0xC8C8C8));
    theme.m_committed = QColor(bluishGreen);
    theme.m_applied = QColor(blue);
    theme.m_timerArc = QColor(QRgb(0x505050));
    theme.m_granted = QColor(bluishGreen);
    theme.m_refused = QColor(vermillion);
    theme.m_vote = QColor(orange);
    theme.m_append = QColor(blue);
    theme.m_heartbeat = QColor(bluishGreen);
    theme.m_snapshot = QColor(reddishPurple);
    theme.m_timeoutNow = QColor(vermillion);
    const QRgb hues[] = {skyBlue, orange, bluishGreen, reddishPurple, yellow, blue, vermillion, brown};
    for (std::size_t i = 0; i < theme.m_terms.size(); ++i)
        theme.m_terms[i] = tint(hues[i], hues[i] == brown ? 0.4 : 0.55); // a paler brown turns grey
    return theme;
}

Theme Theme::projector()
{
    using namespace okabeito;
    Theme theme = standard();
    theme.m_projector = true;
    theme.m_fontScale = 1.6;
    theme.m_lineWidth = 3.0;
    // Projectors wash out light greys and pale fills: pure white ground, black text, saturated fills.
    theme.m_background = QColor(QRgb(0xFFFFFF));
    theme.m_text = QColor(QRgb(0x000000));
    theme.m_mutedText = QColor(QRgb(0x333333));
    theme.m_grid = QColor(QRgb(0xAAAAAA));
    theme.m_follower = QColor(QRgb(0x555555));
    theme.m_link = QColor(QRgb(0x888888));
    theme.m_timerArc = QColor(QRgb(0x000000));
    const QRgb hues[] = {skyBlue, orange, bluishGreen, reddishPurple, yellow, blue, vermillion, brown};
    for (std::size_t i = 0; i < theme.m_terms.size(); ++i)
        theme.m_terms[i] = tint(hues[i], hues[i] == brown ? 0.2 : 0.25);
    return theme;
}

QColor Theme::nodeColor(NodeId id)
{
    // Paul Tol's "muted" scheme: nine qualitative colours, distinct under the common colour-vision
    // deficiencies; pairwise far apart (the charts test measures it).
    static constexpr QRgb colours[] = {0x332288, 0xCC6677, 0x117733, 0xDDAA33, 0x88CCEE,
                                       0x882255, 0x44AA99, 0x999933, 0xAA4499};
    const std::size_t index = id.value == 0 ? 0 : (id.value - 1) % std::size(colours);
    return QColor(colours[index]);
}

QColor Theme::roleColor(Role role) const
{
    switch (role) {
    case Role::Follower:
        return m_follower;
    case Role::PreCandidate:
        return m_preCandidate;
    case Role::Candidate:
        return m_candidate;
    case Role::Leader:
        return m_leader;
    }
    return m_follower;
}

QColor Theme::termColor(Term term) const
{
    if (term.value == 0)
        return m_panel;
    return m_terms[(term.value - 1) % m_terms.size()];
}

QColor Theme::messageColor(MessageType type) const
{
    switch (type) {
    case MessageType::PreVote:
    case MessageType::PreVoteResponse:
    case MessageType::RequestVote:
    case MessageType::RequestVoteResponse:
        return m_vote;
    case MessageType::AppendEntries:
    case MessageType::AppendEntriesResponse:
        return m_append;
    case MessageType::Heartbeat:
    case MessageType::HeartbeatResponse:
        return m_heartbeat;
    case MessageType::InstallSnapshot:
    case MessageType::InstallSnapshotResponse:
        return m_snapshot;
    case MessageType::TimeoutNow:
        return m_timeoutNow;
    }
    return m_append;
}

QColor Theme::voteColor(bool granted) const
{
    return granted ? m_granted : m_refused;
}

QFont Theme::font(qreal relative, bool bold) const
{
    QFont font = QGuiApplication::font();
    const qreal base = font.pointSizeF() > 0 ? font.pointSizeF() : 10.0;
    font.setPointSizeF(base * relative * m_fontScale);
    font.setBold(bold);
    return font;
}

} // namespace raftlab
