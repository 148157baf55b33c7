#include "tickschedule.h"

#include <algorithm>
#include <limits>

namespace raftlab {

TickSchedule::TickSchedule(qint64 tickUs)
    : m_tickUs(std::max<qint64>(1, tickUs))
{ }

void TickSchedule::start(qint64 nowUs)
{
    m_lastTickUs = nowUs;
    m_armed = false;
    m_holding = false;
}

int TickSchedule::elapsedTicks(qint64 nowUs) const
{
    if (nowUs <= m_lastTickUs)
        return 0;
    return static_cast<int>(
        std::min<qint64>((nowUs - m_lastTickUs) / m_tickUs, std::numeric_limits<int>::max()));
}

int TickSchedule::plannedTicksLeft() const
{
    if (!m_armed)
        return std::numeric_limits<int>::max();
    return static_cast<int>(std::max<qint64>(0, (m_plannedWakeUs - m_lastTickUs) / m_tickUs));
}

int TickSchedule::ticksBeforeInput(qint64 nowUs, int ticksUntilTimer)
{
    const int dueIn = std::min(ticksUntilTimer, plannedTicksLeft());
    const int ticks = std::clamp(elapsedTicks(nowUs), 0, std::max(0, dueIn - 1));
    m_lastTickUs += ticks * m_tickUs;
    return ticks;
}

int TickSchedule::ticksAtWake(qint64 nowUs, int ticksUntilTimer, int holdTicks)
{
    const int elapsed = elapsedTicks(nowUs);
    const int ticks = std::clamp(elapsed, 0, std::max(0, std::min(ticksUntilTimer, plannedTicksLeft())));
    const bool late = m_armed && nowUs - m_plannedWakeUs >= m_tickUs;
    if (late && ticks >= ticksUntilTimer && holdTicks > 0 && !m_holding) {
        m_lastTickUs = nowUs;
        m_armed = false;
        m_holding = true;
        m_holdUntilUs = nowUs + holdTicks * m_tickUs;
        return ticks - 1;
    }
    m_holding = false;
    if (elapsed > ticks)
        m_lastTickUs = nowUs; // overslept: logical time resumes from here
    else
        m_lastTickUs += ticks * m_tickUs;
    m_armed = false;
    return ticks;
}

std::optional<qint64> TickSchedule::armFor(int ticksUntilTimer)
{
    qint64 wakeUs = m_lastTickUs + std::max(1, ticksUntilTimer) * m_tickUs;
    if (m_holding)
        wakeUs = std::max(wakeUs, m_holdUntilUs);
    if (m_armed && wakeUs >= m_plannedWakeUs)
        return std::nullopt;
    m_armed = true;
    m_plannedWakeUs = wakeUs;
    return wakeUs;
}

} // namespace raftlab
