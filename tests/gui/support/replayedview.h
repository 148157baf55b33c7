#pragma once

// ReplayedView: the set-up most view tests share — a model, the recorded fixture ready to fold into it,
// and the view under test reading that model, shown at a given size (offscreen). Tests name its parts:
//
//     ReplayedView<LogView> rig(QSize(900, 400));
//     QVERIFY(rig.shown());
//     auto &[model, replay, view] = rig;

#include "support/fixturereplay.h"

#include <QSize>
#include <QTest>

namespace raftlab::testing {

template<typename View>
class ReplayedView
{
public:
    explicit ReplayedView(QSize size)
    {
        view.resize(size);
        view.show();
    }

    // True once the view is on (the offscreen) screen.
    bool shown() { return QTest::qWaitForWindowExposed(&view); }

    ClusterModel model;
    Replay replay{model};
    View view{&model};
};

// A node id from a plain number, as the tests write them.
inline NodeId id(std::uint32_t value)
{
    return NodeId(value);
}

} // namespace raftlab::testing
