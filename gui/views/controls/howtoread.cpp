#include "howtoread.h"

#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace raftlab {

namespace {

QString resourceName(HowToReadDialog::Picture picture)
{
    return QStringLiteral("picture%1.png").arg(int(picture));
}

// A picture at most `width` pixels wide, floated beside its section's words.
QString image(const std::map<HowToReadDialog::Picture, QImage> &pictures, HowToReadDialog::Picture picture,
              int width = 300)
{
    const auto it = pictures.find(picture);
    if (it == pictures.end() || it->second.isNull())
        return {};
    return QStringLiteral("<p><img src=\"%1\" width=\"%2\"></p>")
        .arg(resourceName(picture))
        .arg(std::min(width, it->second.width()));
}

} // namespace

HowToReadDialog::HowToReadDialog(const std::map<Picture, QImage> &pictures, QWidget *parent)
    : QDialog(parent)
    , m_browser(new QTextBrowser(this))
{
    setWindowTitle(tr("How to read this screen"));
    for (const auto &[picture, image] : pictures) {
        if (image.isNull())
            continue;
        m_browser->document()->addResource(QTextDocument::ImageResource, QUrl(resourceName(picture)), image);
        m_pictureSizes[picture] = image.size();
    }
    m_browser->setOpenExternalLinks(false);
    m_browser->setHtml(text(pictures));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_browser, 1);
    layout->addWidget(buttons);
    resize(760, 640);
}

QSize HowToReadDialog::pictureSize(Picture picture) const
{
    const auto found = m_pictureSizes.find(picture);
    return found == m_pictureSizes.end() ? QSize() : found->second;
}

QString HowToReadDialog::html() const
{
    return m_browser->toHtml();
}

QString HowToReadDialog::text(const std::map<Picture, QImage> &pictures)
{
    QString html;
    html += tr("<h2>The ring</h2>") + image(pictures, Picture::Ring) +
        tr("<p><b>Circles</b> are the nodes, real raftlab-node processes. The fill colour is the node's "
           "current <b>term</b> (same colour, same term; the number is written inside: \"t3\" is term 3). "
           "The tag under it is "
           "its <b>role</b>: follower, pre-candidate, candidate, or LEADER with a crown. A tag above says "
           "when the process is killed, frozen or not answering. The <b>arc</b> around a follower is its "
           "<b>election timer</b>: when it runs out, the node stands for election. While a node campaigns, "
           "a mark on each link says how that voter answered (✓ granted, ✗ refused, … no answer yet) and a "
           "line counts its votes.</p>");
    html += tr("<h2>Messages</h2>") + image(pictures, Picture::Legend, 260) +
        tr("<p><b>Dots</b> are messages in flight, coloured by type (the legend in the corner; a click "
           "folds it into a tab and opens it again). Hollow dots are replies; a reply with a ✗ refused or "
           "rejected. A "
           "<b>dashed red link</b> is cut, and messages die at the cross on it. A message that dies (on a "
           "cut link, or sent to a node that is down) bursts into <b>rays</b> that fade. A busy link carries "
           "its "
           "rate (\"1.2k msg/s\"): the dots are then a sample. Where a label would cover a node's tags "
           "it is left out, and the link's tooltip gives the rate.</p>"
           "<p><b>Right-click a node</b> to kill, restart, freeze or isolate it, make it leader, or see its "
           "details. <b>Click a link</b> to cut or heal it. The speed buttons slow the whole cluster down "
           "(timers and messages) so that each step can be watched.</p>");
    html += tr("<h2>The logs</h2>") + image(pictures, Picture::Logs, 420) +
        tr("<p>One row per node, entries aligned by <b>log index</b>. A cell's colour is the term the "
           "entry was written in (t1, t2…); solid cells are <b>committed</b>, pale dashed ones not yet. "
           "Under each row, a green bar runs to the node's <b>commit index</b> and a blue one to what it has "
           "<b>applied</b>. A node applies an entry the moment it learns it is committed, so its two bars "
           "run "
           "together; a follower learns it from the leader's next message, so under load its bars may trail "
           "the leader's by an entry or two for a moment. Above a follower's row, two triangles show what "
           "the <b>leader</b> believes of "
           "it: <b>▽ match</b> (matchIndex) is the highest entry the leader knows that follower holds; "
           "<b>▼ next</b> (nextIndex) is the entry the leader will send it next. A red band marks an index "
           "where the nodes hold different terms, the entries the leader is about to overwrite. A node "
           "whose log stopped short of the leader's says what it lacks in the empty slots: "
           "<b>log ends at 7 · lacks 8–12</b>.</p>");
    html += tr("<h2>The charts</h2>") + image(pictures, Picture::Charts, 420) +
        tr("<p><b>Term per node</b> and <b>Commit index per node</b>: one line per node, in the node's "
           "colour and dash; lines of nodes that agree run a hair apart so that each shows. <b>Time without "
           "a leader</b>: shaded where no node led, with the leader's number along the line. <b>Client "
           "writes</b>: the writes the client panel's requests got committed per second, and their "
           "latency. Dashed red vertical lines are faults (kill, cut, heal…), labelled at the top.</p>");
    html += tr("<h2>PreVote and CheckQuorum</h2>") +
        tr("<p>Two protocol options in the tool bar, taking effect when the cluster is reset. With "
           "<b>PreVote</b>, a node whose timer runs out first asks whether it could win (a pre-vote for the "
           "next term, while it stays in its own): a node cut off and coming back cannot push the whole "
           "cluster into a new term. With <b>CheckQuorum</b>, a leader that stops hearing from a majority "
           "steps down, so a leader cut off from the others does not go on believing it leads.</p>");
    html += tr("<h2>The status bar</h2>") + image(pictures, Picture::StatusBar, 600) +
        tr("<p>At the bottom: the leader and its term (\"No leader\" and the highest term when there is "
           "none), the leader's commit index, how many nodes are up, frozen or down, the nodes' fsync "
           "mode, and the speed (real time or slow motion). What a click just did is said on its left for "
           "a few seconds (a message too long for its line ends in \"…\": rest the mouse on it to read "
           "it whole).</p>");
    html += tr("<h2>The events</h2>") + image(pictures, Picture::Feed, 360) +
        tr("<p>Every event of every node as a sentence, newest first, with the time since the first event "
           "(\"+12.345 s\"). A sentence said again soon after is counted (\"×5\") rather than repeated. "
           "Choose a node or a kind of event, or search; Pause feed holds the list still while the cluster "
           "runs on.</p>");
    html += tr("<h2>On a projector</h2>") +
        tr("<p><b>Projector mode</b> (F11): larger type, thicker lines, stronger colours; the ring takes "
           "the room and the logs and charts fold away (View menu brings them back, or drag the divider). "
           "<b>Present</b> (F5): the ring alone, full screen, with a caption line that says what just "
           "happened (or the lesson's sentence); Esc leaves. The <b>Lessons</b> menu plays scripted "
           "demonstrations step by step.</p>");
    return html;
}

} // namespace raftlab
