#pragma once

// NodeDetailsDialog: a small non-modal window with one node's Raft state (term, voted for, commit and
// applied index, last log index/term) and, while it leads, each follower's nextIndex / matchIndex.
// It follows the model while open (refreshes on changed(), never while hidden).

#include "core/types.h"

#include <QDialog>

class QLabel;

namespace raftlab {

class ClusterModel;

class NodeDetailsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeDetailsDialog)

public:
    NodeDetailsDialog(const ClusterModel *model, NodeId node, QWidget *parent);

    NodeId node() const { return m_node; }
    QString text() const; // the rich text shown (tests read it)
    void refresh();

private:
    QString describe() const;

    const ClusterModel *m_model;
    NodeId m_node;
    QLabel *m_label;
};

} // namespace raftlab
