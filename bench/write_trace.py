#!/usr/bin/env python3
"""Where a one-connection write's time goes: the stage table of one traced run.

    bench/write_trace.py TRACE_DIR

TRACE_DIR holds the files raftlab-node writes at a clean stop when RAFTLAB_WRITE_TRACE names the
directory (write-trace-<pid>.txt: "stage index ns" lines, engine/node/writetrace.h) and nodes.txt
("id pid leader|follower" lines; bench/write_cost.sh with TRACE=1 writes both). Every write the leader
proposed is followed through the stamps of the leader and of both followers, matched by log index and
by time; the table gives the median of each step over the writes whose every step was found. Meant for
one connection, where one write is in flight at a time: with more, the steps of different writes
overlap and the medians mean little.
"""
import bisect
import collections
import os
import statistics
import sys


def load(path):
    stamps = collections.defaultdict(list)  # stage -> [(ns, index)] in time order
    with open(path) as f:
        for line in f:
            stage, index, ns = line.split()
            stamps[stage].append((int(ns), int(index)))
    for v in stamps.values():
        v.sort()
    return stamps


class Finder:
    """first_after() without rescanning from the start: stamps and writes both go forward in time."""

    def __init__(self, stamps):
        self.stamps = stamps
        self.pos = collections.defaultdict(int)

    def find(self, stage, t, index, exact=False):
        seq = self.stamps.get(stage, ())
        p = self.pos[stage]
        while p < len(seq) and seq[p][0] < t:
            p += 1
        self.pos[stage] = p
        q = p
        while q < len(seq):
            ns, i = seq[q]
            if (i == index) if exact else (i >= index):
                return ns
            if ns - t > 1_000_000_000:
                return None
            q += 1
        return None


def main():
    d = sys.argv[1]
    roles = {}
    for line in open(os.path.join(d, 'nodes.txt')):
        node_id, pid, role = line.split()
        roles[pid] = (node_id, role)
    leader = None
    followers = []
    for pid, (node_id, role) in roles.items():
        path = os.path.join(d, f'write-trace-{pid}.txt')
        if not os.path.exists(path):
            continue
        if role == 'leader':
            leader = load(path)
        else:
            followers.append(load(path))
    if leader is None or len(followers) != 2:
        sys.exit(f'{d}: need the traces of the leader and both followers')

    lf = Finder(leader)
    ff = [Finder(f) for f in followers]
    parsed = [ns for ns, _ in leader.get('request_parsed', ())]
    rows = []
    for t_prop, index in leader.get('proposed', ()):
        # The request this proposal came from: the last one parsed before it.
        k = bisect.bisect_right(parsed, t_prop) - 1
        if k < 0:
            continue
        r = {'request_parsed': parsed[k], 'proposed': t_prop}
        next_parsed = parsed[k + 1] if k + 1 < len(parsed) else None
        for stage in ('append_sent', 'log_handed', 'log_started', 'log_synced', 'log_done',
                      'reply_received', 'committed'):
            r['L.' + stage] = lf.find(stage, t_prop, index)
        for stage in ('applied', 'answer_written'):
            r['L.' + stage] = lf.find(stage, t_prop, index, exact=True)
        per_follower = []
        for f in ff:
            fr = {}
            t = t_prop
            for stage in ('frame_received', 'log_handed', 'log_started', 'log_synced', 'log_done', 'reply_sent'):
                fr[stage] = f.find(stage, t, index)
                if fr[stage] is None:
                    break
                t = fr[stage]
            per_follower.append(fr)
        if any(v is None for v in r.values()) or any(None in fr.values() or len(fr) < 6 for fr in per_follower):
            continue
        # The follower whose acknowledgement came first: the one on the write's path.
        first = min(per_follower, key=lambda fr: fr['reply_sent'])
        for stage, ns in first.items():
            r['F.' + stage] = ns
        r['next_request_parsed'] = next_parsed
        rows.append(r)

    if not rows:
        sys.exit(f'{d}: no write with every step traced')

    def med(a, b):
        vals = [(r[b] - r[a]) / 1000 for r in rows if r.get(a) is not None and r.get(b) is not None]
        return statistics.median(vals) if vals else float('nan')

    path = [
        ('request_parsed', 'proposed', 'leader: request parsed -> proposed (loop)'),
        ('proposed', 'L.append_sent', 'leader: proposed -> append given to the transport (queued Ready pass)'),
        ('L.append_sent', 'F.frame_received', 'append: leader transport -> follower frame received (socket flush, loopback, follower wake-up)'),
        ('F.frame_received', 'F.log_handed', 'follower: frame received -> Ready handed to its log thread'),
        ('F.log_handed', 'F.log_started', 'follower: hand-off to the log thread (thread wake-up)'),
        ('F.log_started', 'F.log_synced', 'follower: write + fdatasync'),
        ('F.log_synced', 'F.log_done', 'follower: hand-back to the loop (queued call, loop wake-up)'),
        ('F.log_done', 'F.reply_sent', 'follower: durable -> acknowledgement given to the transport'),
        ('F.reply_sent', 'L.reply_received', 'ack: follower transport -> leader frame received (flush, loopback, leader wake-up)'),
        ('L.reply_received', 'L.committed', 'leader: ack received -> commit applied (Ready or early-send pass)'),
        ('L.committed', 'L.applied', 'leader: apply'),
        ('L.applied', 'L.answer_written', 'leader: answer built and queued on the socket'),
    ]
    side = [
        ('L.log_handed', 'L.log_started', "leader's log: hand-off to the log thread"),
        ('L.log_started', 'L.log_synced', "leader's log: write + fdatasync"),
        ('L.log_synced', 'L.log_done', "leader's log: hand-back to the loop"),
        ('request_parsed', 'L.log_done', "leader's own write durable, from request parsed"),
        ('request_parsed', 'L.reply_received', 'first acknowledgement received, from request parsed'),
        ('request_parsed', 'L.answer_written', 'in the leader: request parsed -> answer written'),
        ('L.answer_written', 'next_request_parsed', 'outside: answer written -> next request parsed (socket flush, wrk, loopback, leader wake-up)'),
    ]
    print(f'{len(rows)} writes traced through every step (of {len(leader.get("proposed", ()))} proposed)')
    print()
    print('median us  step (the path of a write: leader, the follower that acknowledged first, leader)')
    total = 0.0
    for a, b, what in path:
        m = med(a, b)
        total += m
        print(f'{m:9.1f}  {what}')
    print(f'{total:9.1f}  sum of the medians above')
    print()
    for a, b, what in side:
        print(f'{med(a, b):9.1f}  {what}')
    handoffs = [('F.log_handed', 'F.log_started'), ('F.log_synced', 'F.log_done')]
    print()
    print(f'{sum(med(a, b) for a, b in handoffs):9.1f}  thread hand-offs on the path (follower: to and from its log thread)')


if __name__ == '__main__':
    main()
