# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: peer health, as the host daemon probes it (what
cilium-health does between nodes).

A thread starts a probe of every peer's VTEP address over the overlay, each in a worker of its own
so that a peer that does not answer delays no other, with iputils' ``ping``: one echo,
then, when it answers, one of the VTEP's full MTU with don't-fragment set (``-M do``), which is
how an MTU mistake on the path shows (small packets pass, full ones do not). Each peer is
probed once per ``interval``, the probes spread evenly over it, so that a host with 1,000 peers
sends one probe every ``interval``/1,000 seconds, never a burst. The results feed
``mesos-overlay status`` and the metrics (``mesos_overlay_peer_up``, ``mesos_overlay_peer_rtt_seconds``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import PLANE_RETRY

# Seconds between two probes of the same peer (the daemon's --probe-interval).
PROBE_INTERVAL = 30.0
# How long a probe waits for its answer, in seconds (ping -W).
PROBE_TIMEOUT = 1
# Probes at once, at most: 1,000 peers every 30 s start one every 30 ms and a probe lasts a timeout
# at most (the full-MTU echo follows only an answer), so with all of them down about 35 are in
# flight; past this bound, probes wait their turn.
PROBE_WORKERS = 64
# IPv4 and ICMP headers: a ping's payload of the VTEP's MTU less these fills the MTU exactly.
ICMP_OVERHEAD = 28
# How long a peer that has never answered is joining rather than down, in probe intervals.
JOINING_INTERVALS = 2
# How old a probe's result may grow before status says the prober has stopped, in probe intervals.
STALE_INTERVALS = 3
RTT = re.compile(r"= [0-9.]+/([0-9.]+)/")


def ping_argv(ping, address, size=None):
    """One echo to ``address`` (``size``: that payload, don't-fragment)."""
    argv = [ping, "-n", "-q", "-c", "1", "-W", str(PROBE_TIMEOUT)]
    if size is not None:
        argv += ["-M", "do", "-s", str(size)]
    return argv + [address]


class PeerHealth(object):
    """Probes the peers of the plane ``plane_of()`` returns (the daemon's; None before it has
    one) on ``host`` (a CommandHost), at the plane's VTEP MTU (none given: no full-size probe)."""

    def __init__(self, plane_of, host, interval=PROBE_INTERVAL, clock=time.time, monotonic=time.monotonic):
        self.plane_of = plane_of
        self.host = host
        self.interval = interval
        self.clock = clock
        self.monotonic = monotonic
        self.stopping = threading.Event()
        self.thread = None
        self.lock = threading.Lock()
        # {name: {vtep_ip, up, rtt, full_mtu, at, since}}
        self.results = {}
        self.ping = host.which("ping")
        self.workers = PROBE_WORKERS
        # When the last round ended (Unix time; None before the first): one that stops advancing is a stopped prober.
        self.last_round = None

    def probe(self, name, address):
        """Probe one peer now; returns its result."""
        rc, out, _err = self.host.run(ping_argv(self.ping, address))
        match = RTT.search(out or "")
        up = rc == 0
        rtt = float(match.group(1)) / 1000.0 if up and match else None
        full_mtu = None
        mtu = ((self.plane_of() or {}).get("vxlan_link") or {}).get("mtu")
        if up and mtu:
            full_rc, _out, _err = self.host.run(ping_argv(self.ping, address, size=mtu - ICMP_OVERHEAD))
            full_mtu = full_rc == 0
        now = self.clock()
        with self.lock:
            before = self.results.get(name) or {}
            since = before.get("since") if before.get("up") == up else now
            # When this daemon first probed the peer, and whether it has answered since: see joining().
            result = {"vtep_ip": address, "up": up, "rtt": rtt, "full_mtu": full_mtu, "mtu": mtu, "at": now,
                      "since": since, "added": before.get("added", now), "answered": bool(before.get("answered")) or up}
            self.results[name] = result
        return result

    def round(self):
        """Probe every peer once, one probe started every interval / peers; forget peers that are
        gone. Each probe runs in a worker of its own: a peer that does not answer costs its timeout
        there, not the turns of the peers after it (serial, 100 peers down would stretch a round
        by 100 s). Returns when the round's last probe has ended."""
        listed = ((self.plane_of() or {}).get("vxlan_peers") or {}).get("peers") or []
        peers = [(peer["name"], peer["vtep_ip"]) for peer in listed if peer.get("name")]
        with self.lock:
            for name in set(self.results) - set(name for name, _address in peers):
                del self.results[name]
        spacing = self.interval / max(len(peers), 1)
        started = self.monotonic()
        probes = []
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="peer-probe") as workers:
            for index, (name, address) in enumerate(peers):
                if self.stopping.is_set():
                    break
                probes.append(workers.submit(self.probe, name, address.split("/")[0]))
                self.stopping.wait(max(0.0, started + (index + 1) * spacing - self.monotonic()))
        for probe in probes:
            # A probe that raised (not a peer that does not answer: the prober's own failure) fails the round.
            probe.result()
        if peers:
            with self.lock:
                self.last_round = self.clock()
        if not peers:
            # No plane yet (a daemon just started on a new host): looked for again within a second.
            self.stopping.wait(self.interval if self.plane_of() is not None else min(self.interval, PLANE_RETRY))

    def snapshot(self):
        """A copy of the results, {name: result}."""
        with self.lock:
            return dict((name, dict(result)) for name, result in self.results.items())

    def start(self):
        """Probe in a daemon thread until ``stop``; False when there is no ping to probe with."""
        if self.ping is None:
            return False

        def loop():
            failure = None
            while not self.stopping.is_set():
                try:
                    self.round()
                except Exception as exc:  # pylint: disable=broad-except
                    # ping gone, say (the journal), once while it lasts; the round is tried again.
                    # Results that age meanwhile are a problem in status (stale()).
                    if str(exc) != failure:
                        failure = str(exc)
                        self.host.say("problem: peer health: a round of probes failed (%s); trying again every %g s"
                                      % (failure, self.interval))
                    self.stopping.wait(self.interval)
                    continue
                if failure is not None:
                    self.host.say("recovered: peer health probes again")
                    failure = None
        self.thread = threading.Thread(target=loop, name="peer-health", daemon=True)
        self.thread.start()
        return True

    def stop(self):
        self.stopping.set()


def joining(result, interval, now):
    """Whether a peer's probe ``result`` is of a peer joining: it has not answered since this daemon
    first probed it, less than JOINING_INTERVALS probe intervals ago. A new member is in the store
    (and so in every daemon's plane) from the start of the run that adds it, seconds before that
    run has brought its VTEP up: until then it is not a problem of this host."""
    added = result.get("added")
    return not result.get("answered") and added is not None and now - added < JOINING_INTERVALS * interval


def stale(result, interval, now):
    """Whether a peer's probe ``result`` is older than STALE_INTERVALS probe intervals: the prober
    stopped (a failing round, a thread gone), and the result no longer says how the peer is."""
    at = result.get("at")
    return at is not None and now - at > STALE_INTERVALS * interval + PROBE_TIMEOUT


def some_names(names, shown=3):
    """``names`` (sorted) as a line reads them: the first ``shown``, then how many more."""
    return ", ".join(names[:shown]) + (" and %d more" % (len(names) - shown) if len(names) > shown else "")


def health_problems(results, interval, now):
    """The peers that do not answer (joining ones aside), or not at full MTU, and results the prober
    left to age, as status words them."""
    problems = []
    aged = sorted(name for name, result in results.items() if stale(result, interval, now))
    if aged:
        problems.append("peer health has not probed %s for over %d probe intervals (every %g s): the daemon's prober "
                        "has stopped (journalctl -u mesos-overlay); the peers' results below are old"
                        % (some_names(aged), STALE_INTERVALS, interval))
    for name, result in sorted(results.items()):
        if not result.get("up") and joining(result, interval, now):
            continue
        if not result.get("up"):
            problems.append("peer %s does not answer on the overlay (its VTEP %s, probed every %g s): is its "
                            "host up, its daemon running, the VXLAN port open on the underlay?"
                            % (name, result.get("vtep_ip"), interval))
        elif result.get("full_mtu") is False:
            problems.append("peer %s answers, but not at the VTEP's full MTU (%s bytes, don't fragment): a smaller "
                            "MTU on the underlay path than mesos_overlay_vtep_mtu + 50?" % (name, result.get("mtu")))
    return problems


__all__ = ("ICMP_OVERHEAD", "JOINING_INTERVALS", "PROBE_INTERVAL", "STALE_INTERVALS", "PeerHealth", "health_problems",
           "joining", "ping_argv", "some_names", "stale")
