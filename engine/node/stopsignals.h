#pragma once

#include <QObject>

class QSocketNotifier;

namespace raftlab {

// Turns SIGTERM and SIGINT into a Qt signal, delivered by the event loop (the self-pipe trick: the
// handler only writes a byte), so that a process asked to stop does it as when it stops on its own:
// destructors run, files close, temporary folders go. One at a time in a process: the handlers are
// global, and the last one made receives the signals.
class StopSignals final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StopSignals)

public:
    explicit StopSignals(QObject *parent = nullptr);
    ~StopSignals() override;

Q_SIGNALS:
    void received(int signalNumber);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace raftlab
