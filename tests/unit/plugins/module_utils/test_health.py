# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peer health on recorded ping answers (the live scenario probes real VTEPs): what a probe
records, the full-MTU probe, the spread of a round, and what status and the metrics make of it."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import time

from prometheus_client.parser import text_string_to_metric_families

from ansible_collections.mesos.overlay.plugins.module_utils import _health, _metrics
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost

ANSWER = ("PING 44.128.0.2 (44.128.0.2) 56(84) bytes of data.\n\n--- 44.128.0.2 ping statistics ---\n"
          "1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.512/0.512/0.512/0.000 ms\n")


class RecordedPing(CommandHost):
    """ping answers: ``down`` addresses never answer, ``small`` ones only without -M do."""

    def __init__(self, down=(), small=()):
        super(RecordedPing, self).__init__()
        self.down, self.small, self.calls = set(down), set(small), []

    def which(self, name):
        return "/bin/ping" if name == "ping" else None

    def run(self, argv, data=None, env=None):
        self.calls.append(argv)
        address = argv[-1]
        if address in self.down or ("-M" in argv and address in self.small):
            return 1, "1 packets transmitted, 0 received, 100% packet loss", ""
        return 0, ANSWER, ""


PEERS = [{"name": "a2", "vtep_ip": "44.128.0.2"}, {"name": "a3", "vtep_ip": "44.128.0.3"},
         {"name": "a4", "vtep_ip": "44.128.0.4"}]


def plane(peers=None, mtu=1450):
    """The parts of a plane the prober reads (PEERS unless ``peers``)."""
    return {"vxlan_link": {"mtu": mtu}, "vxlan_peers": {"peers": PEERS if peers is None else peers}}


def test_a_round_probes_each_peer_once_then_at_full_mtu_spread_over_the_interval():
    ping = RecordedPing(down=["44.128.0.3"], small=["44.128.0.4"])
    # The round starts at 0 on this clock; each probe is started 0.25 s after its turn.
    ticks = iter([0.0, 0.25, 1.25, 2.25])
    health = _health.PeerHealth(plane, ping, interval=3.0, clock=lambda: 100.0,
                                monotonic=lambda: next(ticks))
    # One worker: the probes (and their calls) in the order they were started.
    health.workers = 1
    waits = []
    health.stopping.wait = lambda seconds: waits.append(seconds) or False
    health.round()
    # One probe started per second of the interval, each turn from the round's start.
    assert waits == [0.75, 0.75, 0.75]
    assert ping.calls[0] == ["/bin/ping", "-n", "-q", "-c", "1", "-W", "1", "44.128.0.2"]
    assert ping.calls[1] == ["/bin/ping", "-n", "-q", "-c", "1", "-W", "1", "-M", "do", "-s", "1422", "44.128.0.2"]
    results = health.snapshot()
    assert results["a2"]["up"] is True and results["a2"]["rtt"] == 0.000512 and results["a2"]["full_mtu"] is True
    assert results["a3"]["up"] is False and results["a3"]["full_mtu"] is None
    assert results["a4"]["up"] is True and results["a4"]["full_mtu"] is False
    # Two intervals on (a3 never answered: no longer joining), before the results age.
    problems = _health.health_problems(results, 30, now=161.0)
    assert problems[0].startswith("peer a3 does not answer on the overlay (its VTEP 44.128.0.3, probed every 30 s)")
    assert problems[1].startswith("peer a4 answers, but not at the VTEP's full MTU (1450 bytes, don't fragment)")


def test_a_new_peer_is_joining_until_it_answers_or_two_intervals_pass():
    """A member is in every daemon's plane from the start of the run that adds it, seconds before
    that run brings its VTEP up: not a problem of this host until two probe intervals have passed."""
    ping = RecordedPing(down=["44.128.0.3"])
    now = [100.0]
    health = _health.PeerHealth(plane, ping, interval=5.0, clock=lambda: now[0])
    health.stopping.wait = lambda seconds: False
    health.round()
    now[0] = 105.0
    health.round()
    results = health.snapshot()
    assert results["a3"]["up"] is False and results["a3"]["added"] == 100.0 and results["a3"]["answered"] is False
    assert _health.joining(results["a3"], 5.0, now=109.9)
    assert _health.health_problems(results, 5.0, now=109.9) == []
    # Two intervals without an answer: it is down.
    assert not _health.joining(results["a3"], 5.0, now=110.0)
    assert _health.health_problems(results, 5.0, now=110.0)[0].startswith("peer a3 does not answer")
    # A peer that answered once and then stops is down at once, however new.
    ping.down = {"44.128.0.2", "44.128.0.3"}
    now[0] = 106.0
    health.round()
    results = health.snapshot()
    assert results["a2"]["answered"] is True and not _health.joining(results["a2"], 5.0, now=106.0)
    assert _health.health_problems(results, 5.0, now=106.0)[0].startswith("peer a2 does not answer")
    assert _health.joining(results["a3"], 5.0, now=106.0)
    # Once it answers, a3 is no longer joining: a later failure is a problem at once.
    ping.down = {"44.128.0.2"}
    health.round()
    ping.down = {"44.128.0.2", "44.128.0.3"}
    health.round()
    results = health.snapshot()
    assert results["a3"]["answered"] is True and results["a3"]["up"] is False
    assert not _health.joining(results["a3"], 5.0, now=106.0)


class SlowPing(RecordedPing):
    """ping on the real clock: a peer that does not answer costs ``timeout`` seconds, as ping -W."""

    def __init__(self, down, timeout):
        super(SlowPing, self).__init__(down=down)
        self.timeout = timeout

    def run(self, argv, data=None, env=None):
        if argv[-1] in self.down:
            time.sleep(self.timeout)
        return super(SlowPing, self).run(argv, data, env)


def test_peers_that_do_not_answer_do_not_delay_the_others_turns():
    """Six peers, all down, each probe costing 0.3 s, probed every 0.3 s: one after the other the
    round would take 1.8 s; side by side it takes the interval and the last probe's timeout."""
    peers = [{"name": "p%d" % number, "vtep_ip": "44.128.1.%d" % number} for number in range(6)]
    health = _health.PeerHealth(lambda: plane(peers), SlowPing([peer["vtep_ip"] for peer in peers], 0.3), interval=0.3)
    started = time.monotonic()
    health.round()
    took = time.monotonic() - started
    assert 0.55 <= took < 1.2, took
    results = health.snapshot()
    assert sorted(results) == ["p%d" % number for number in range(6)] and not any(r["up"] for r in results.values())


def test_results_the_prober_left_to_age_are_a_problem_of_their_own():
    results = {"a2": {"vtep_ip": "44.128.0.2", "up": True, "at": 100.0},
               "a3": {"vtep_ip": "44.128.0.3", "up": True, "at": 130.0}}
    # Probed every 10 s: a result may be an interval and a timeout old; three intervals is a stopped prober.
    assert _health.health_problems(results, 10, now=131.0) == []
    problems = _health.health_problems(results, 10, now=131.5)
    assert problems == ["peer health has not probed a2 for over 3 probe intervals (every 10 s): the daemon's prober has "
                        "stopped (journalctl -u mesos-overlay); the peers' results below are old"]


class FailingPing(RecordedPing):
    """ping that cannot be run (removed meanwhile) for its first ``failures`` calls."""

    def __init__(self, failures):
        super(FailingPing, self).__init__()
        self.failures = failures
        self.stream = io.StringIO()

    def run(self, argv, data=None, env=None):
        if self.failures:
            self.failures -= 1
            raise OSError(2, "No such file or directory", argv[0])
        return super(FailingPing, self).run(argv, data, env)


def test_a_failing_round_is_said_once_and_tried_again_until_it_probes():
    ping = FailingPing(failures=3)
    health = _health.PeerHealth(plane, ping, interval=0.02)
    health.workers = 1
    assert health.start()
    deadline = time.monotonic() + 5
    while len(health.snapshot()) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    health.stop()
    health.thread.join(5)
    assert sorted(health.snapshot()) == ["a2", "a3", "a4"]
    said = ping.stream.getvalue().splitlines()
    assert said == ["problem: peer health: a round of probes failed ([Errno 2] No such file or directory: '/bin/ping'); "
                    "trying again every 0.02 s", "recovered: peer health probes again"]


def test_without_a_plane_yet_the_prober_looks_again_within_a_second():
    waits = []
    health = _health.PeerHealth(lambda: None, RecordedPing(), interval=30.0)
    health.stopping.wait = lambda seconds: waits.append(seconds) or False
    health.round()
    # A plane without peers (a one-host cluster) is looked at again a whole interval later.
    health.plane_of = lambda: plane([])
    health.round()
    assert waits == [1.0, 30.0]


def test_a_peer_gone_from_the_plane_is_forgotten():
    peers = list(PEERS)
    health = _health.PeerHealth(lambda: plane(peers, None), RecordedPing(), interval=0.0)
    health.round()
    del peers[0]
    health.round()
    assert sorted(health.snapshot()) == ["a3", "a4"]


def test_the_metrics_say_which_peer_is_down(tmp_path):
    health = _health.PeerHealth(plane, RecordedPing(down=["44.128.0.3"]), interval=0.0, clock=lambda: 1765000000.0)
    metrics = _metrics.Metrics(lambda: None, CommandHost(check_mode=True), sysfs=str(tmp_path))
    metrics.follow_health(health)
    # No round yet: no timestamp (a 0 would read as a prober stopped in 1970).
    assert "mesos_overlay_peer_probe_round_timestamp_seconds" not in metrics.text()
    health.round()
    got = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
           for family in text_string_to_metric_families(metrics.text()) for sample in family.samples}
    # When the prober last went round every peer: one series a host, for an alert on a stopped prober.
    assert got[("mesos_overlay_peer_probe_round_timestamp_seconds", ())] == 1765000000.0
    assert got[("mesos_overlay_peer_up", (("peer", "a2"),))] == 1
    assert got[("mesos_overlay_peer_up", (("peer", "a3"),))] == 0
    assert got[("mesos_overlay_peer_rtt_seconds", (("peer", "a2"),))] == 0.000512
    assert ("mesos_overlay_peer_rtt_seconds", (("peer", "a3"),)) not in got


def test_no_ping_no_probe_thread():
    host = RecordedPing()
    host.which = lambda name: None
    assert _health.PeerHealth(lambda: None, host).start() is False
