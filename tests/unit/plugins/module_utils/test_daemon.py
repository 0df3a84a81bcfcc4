# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host daemon's loop on recorded step results (the kernel side is tested on real namespaces in
tests/integration/test_dataplane.py): what it logs, what it keeps when the plane file or a step
fails, and that it tells systemd when it is ready."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import socket
import threading

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils import _daemon
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import StepFailed
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import StoreError
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import dataplane
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view, peers_of

NETWORK = {"vtep_subnet": "44.128.0.0/20", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}


class Lines(object):
    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.extend(line for line in text.splitlines() if line)

    def flush(self):
        pass


def unchanged():
    return {"changed": False, "changes": []}


def results(peers_changes=(), firewall_changes=()):
    return {"sysctl": unchanged(), "vtep": unchanged(),
            "peers": {"changed": bool(peers_changes), "changes": list(peers_changes)},
            "firewall": [dict(unchanged(), changes=list(firewall_changes), item={"name": "MESOS-OVERLAY-VXLAN"})]}


@pytest.fixture
def plane_file(tmp_path):
    allocation = allocate(NETWORK, [{"name": "a1", "ip": "192.0.2.1", "role": "agent"},
                                    {"name": "a2", "ip": "192.0.2.2", "role": "agent"}])
    plane = dataplane(host_view(allocation, "a1"), {"vxlan_port": 64000, "vtep_mtu": 1450})
    path = tmp_path / "dataplane.json"
    path.write_text(json.dumps(plane))
    return path


@pytest.fixture
def daemon(plane_file, monkeypatch):
    """A daemon whose steps answer from ``answers`` (a list, one per pass; an exception is raised)."""
    out = Lines()
    made = _daemon.Daemon(str(plane_file), CommandHost(stream=out), interval=0.01, attempts=2)
    made.out = out
    made.answers = []

    def recorded_apply(plane, host, log=None):
        answer = made.answers.pop(0) if made.answers else results()
        failure = answer if isinstance(answer, StepFailed) else None
        if failure is not None:
            raise failure
        return answer
    monkeypatch.setattr(_daemon, "apply", recorded_apply)
    return made


def test_one_line_per_change_and_none_for_a_pass_that_changes_nothing(daemon):
    daemon.answers = [results(peers_changes=[{"action": "add", "kind": "fdb", "key": "70:b3:d5:80:00:02"},
                                             {"action": "add", "kind": "neighbour", "key": "44.128.0.2"}]),
                      results(), results()]
    assert daemon.reconcile() == 2
    assert daemon.out.lines == ["peers: add fdb 70:b3:d5:80:00:02", "peers: add neighbour 44.128.0.2"]
    assert daemon.reconcile() == 0 and daemon.reconcile() == 0
    assert len(daemon.out.lines) == 2


def test_a_large_change_is_counted_not_listed_line_by_line():
    many = [{"action": "add", "kind": "fdb", "key": "m%d" % i} for i in range(_daemon.LINES_PER_STEP + 7)]
    lines = _daemon.change_lines(results(peers_changes=many))
    assert len(lines) == _daemon.LINES_PER_STEP + 1
    assert lines[-1] == "peers: and 7 more change(s)"


def test_a_reason_is_the_line_and_the_firewall_chain_is_named():
    lines = _daemon.change_lines(results(firewall_changes=[{"action": "change", "kind": "chain", "key": "x",
                                                            "reason": "rule 1 differs"}]))
    assert lines == ["firewall MESOS-OVERLAY-VXLAN: rule 1 differs"]


def test_a_plane_file_that_is_no_plane_is_said_once_and_the_last_good_plane_kept(daemon, plane_file):
    assert daemon.reconcile() == 0
    good = daemon.plane
    plane_file.write_text("{not json")
    os.utime(str(plane_file), ns=(1, 1))
    for _poll in range(5):
        assert daemon.reconcile() == 0
    assert daemon.plane == good
    problems = [line for line in daemon.out.lines if line.startswith("problem:")]
    assert len(problems) == 1 and "is not a plane" in problems[0] and "keeping the last good plane" in problems[0]
    plane_file.write_text(json.dumps(good))
    assert daemon.reconcile() == 0
    assert [line for line in daemon.out.lines if line.startswith("recovered:")] == ["recovered: " + problems[0][9:]]


def test_a_missing_plane_file_applies_nothing(tmp_path, monkeypatch):
    out = Lines()
    made = _daemon.Daemon(str(tmp_path / "none.json"), CommandHost(stream=out), interval=0.01)
    monkeypatch.setattr(_daemon, "apply", lambda *args, **kwargs: pytest.fail("applied without a plane"))
    assert made.reconcile() is None and made.reconcile() is None
    assert len(out.lines) == 1 and "keeping the kernel as it is" in out.lines[0]


def test_a_failing_step_is_said_once_then_its_end(daemon):
    failure = StepFailed("vxlan_peers vtep1024: RTNETLINK answers: No such device")
    daemon.answers = [failure, failure, failure, results()]
    assert [daemon.reconcile() for _poll in range(4)] == [None, None, None, 0]
    assert daemon.out.lines == ["problem: reconcile failed, will try again: %s" % failure,
                                "recovered: reconcile failed, will try again: %s" % failure]


def run_for(daemon, seconds, stop):
    """The daemon's run() with ``stop`` called after ``seconds``: its exit code."""
    timer = threading.Timer(seconds, stop)
    timer.start()
    try:
        return daemon.run()
    finally:
        timer.cancel()


def test_run_restores_says_ready_and_stops_on_request(daemon, monkeypatch):
    # An abstract socket (as systemd may give): no path, so no limit on how deep the test's temp dir is.
    name = "mesos-overlay-test-notify-%d" % os.getpid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind("\0" + name)
    monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
    daemon.answers = [results(peers_changes=[{"action": "add", "kind": "fdb", "key": "m"}])]
    assert run_for(daemon, 0.2, daemon.stopping.set) == 0
    listener.settimeout(1)
    assert listener.recv(64) == b"READY=1"
    assert listener.recv(64) == b"STOPPING=1"
    listener.close()
    assert daemon.out.lines[0].startswith("restoring the overlay data plane of a1 from ")
    assert daemon.out.lines[1:3] == ["peers: add fdb m", "restored: 1 change(s)"]
    assert daemon.out.lines[-1] == "stopped (1 change(s) made since start); the kernel keeps the plane"


def test_run_pings_the_systemd_watchdog_once_a_pass_when_asked(daemon, monkeypatch):
    events = []
    monkeypatch.setattr(_daemon, "notify", events.append)
    assert run_for(daemon, 0.2, daemon.stop) == 0
    assert "WATCHDOG=1" not in events
    # WatchdogSec= in the unit: systemd passes WATCHDOG_USEC (and WATCHDOG_PID, this process).
    monkeypatch.setenv("WATCHDOG_USEC", "60000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    del events[:]
    daemon.stopping.clear()
    assert run_for(daemon, 0.2, daemon.stop) == 0
    # A pass every 0.01 s for 0.2 s, after READY, before STOPPING.
    assert events[0] == "READY=1" and events[-1] == "STOPPING=1" and events.count("WATCHDOG=1") > 3
    assert set(events[1:-1]) == {"WATCHDOG=1"}
    # The pings of another process's watchdog are not this one's to send.
    monkeypatch.setenv("WATCHDOG_PID", "1")
    assert not _daemon.watchdog_enabled()


def test_a_reload_is_a_pass_at_once(daemon):
    """SIGHUP (systemctl reload): a pass now rather than at the next interval, the daemon running on."""
    daemon.interval = 60
    daemon.answers = [results(), results(peers_changes=[{"action": "add", "kind": "fdb", "key": "m"}])]
    threading.Timer(0.2, daemon.reload).start()
    assert run_for(daemon, 0.6, daemon.stop) == 0
    # The restore, then the reload's pass (a pass every 60 s would have come after the stop).
    assert daemon.out.lines[-3:] == ["reload: a pass now", "peers: add fdb m",
                                     "stopped (1 change(s) made since start); the kernel keeps the plane"]


def test_without_a_plane_file_yet_it_looks_for_one_every_second(daemon, plane_file):
    """A new host: the run starts the daemon, then writes the plane file; the daemon takes it
    within a second, not a pass (a minute, with a long interval) later."""
    text = plane_file.read_text()
    plane_file.unlink()
    daemon.interval = 60
    daemon.answers = [results(peers_changes=[{"action": "add", "kind": "fdb", "key": "m"}])]
    threading.Timer(0.3, plane_file.write_text, [text]).start()
    assert run_for(daemon, 1.8, daemon.stop) == 0
    assert any(line.startswith("starting without a restored plane: reconciling every 60s, looking for ")
               for line in daemon.out.lines)
    assert "peers: add fdb m" in daemon.out.lines


def test_run_checks_the_docker_watcher_at_every_pass_and_stops_it(daemon):
    class RecordedGroups(object):
        checks = 0
        stopped = False

        def check(self):
            self.checks += 1

        def stop(self):
            self.stopped = True

    daemon.docker_groups = RecordedGroups()
    assert run_for(daemon, 0.2, daemon.stop) == 0
    # A pass every 0.01 s for 0.2 s: the watcher's config is read again at each.
    assert daemon.docker_groups.checks > 3
    assert daemon.docker_groups.stopped


def test_run_serves_the_group_plugin_before_it_says_ready_and_stops_serving_at_the_end(daemon, plane_file, monkeypatch):
    # After a reboot Mesos starts once the daemon is ready and attaches containers at once: the
    # plugin's socket must be there by then.
    from ansible_collections.mesos.overlay.plugins.plugin_utils._policy import group_policy

    policy = group_policy({"groups": {"web": 100}, "overlays": {"dcos": {"default": "deny", "rules": []}}}, NETWORK)
    allocation = allocate(NETWORK, [{"name": "a1", "ip": "192.0.2.1", "role": "agent"},
                                    {"name": "a2", "ip": "192.0.2.2", "role": "agent"}])
    plane_file.write_text(json.dumps(dataplane(host_view(allocation, "a1"), {"group_policy": policy})))
    events = []
    monkeypatch.setattr(_daemon, "notify", events.append)

    class RecordedMembers(object):
        def check(self, wanted):
            events.append(("serve", wanted))

        def stop(self):
            events.append("stop serving")

    daemon.members = RecordedMembers()
    assert run_for(daemon, 0.2, daemon.stop) == 0
    assert events[:2] == [("serve", True), "READY=1"]
    assert events[-2:] == ["STOPPING=1", "stop serving"]


# --- following the ZooKeeper store (the store itself is tested on a real ZooKeeper in
# tests/integration/test_zkstore.py; here, the daemon's side on recorded answers) --------------

class RecordedFollower(object):
    """Answers peers() from ``answers`` (a table, None for "unchanged", or an exception)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.wake = threading.Event()

    def peers(self):
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, StoreError):
            raise StoreError(*answer.args)
        return answer

    @staticmethod
    def describe():
        return "zk://reader:***@zk-1:2181/mesos-overlay"

    @staticmethod
    def connected():
        return True

    def close(self):
        pass


def table_of(names):
    members = [{"name": name, "ip": "192.0.2.%d" % (index + 1), "role": "agent"} for index, name in enumerate(names)]
    return peers_of(allocate(NETWORK, members))


@pytest.fixture
def following(daemon):
    applied = []
    real = _daemon.apply

    def recording_apply(plane, host, log=None):
        applied.append([peer["name"] for peer in plane["vxlan_peers"]["peers"]])
        return real(plane, host, log)
    _daemon.apply = recording_apply
    daemon.applied = applied
    yield daemon
    _daemon.apply = real


def test_a_member_added_in_the_store_reaches_the_plane_file_and_the_kernel(following, plane_file):
    following.follower = RecordedFollower([table_of(["a1", "a2", "a3"])])
    following.reconcile()
    assert following.applied == [["a2", "a3"]]
    written = json.loads(plane_file.read_text())
    assert [peer["name"] for peer in written["vxlan_peers"]["peers"]] == ["a2", "a3"]
    # The VXLAN chain accepts the new member's underlay address too.
    assert any("192.0.2.3" in rule for rule in written["firewall_chain"][0]["rules"])
    assert "store: 2 peer(s); added a3" in following.out.lines
    # The file written is the daemon's own: it is not read again as a run's change.
    following.reconcile()
    assert not [line for line in following.out.lines if line.startswith("plane:")]


def test_a_member_released_in_the_store_leaves_the_plane(following, plane_file):
    following.follower = RecordedFollower([table_of(["a1"])])
    following.reconcile()
    assert following.applied == [[]]
    assert "store: 0 peer(s); removed a2" in following.out.lines


def test_this_host_released_from_the_store_keeps_its_last_plane_and_says_why(following, plane_file):
    following.follower = RecordedFollower([table_of(["a2"])])
    following.reconcile()
    assert following.applied == [["a2"]]
    assert ("problem: the store's peer table does not fit this host (peers: a1 has no entry in the peer table: "
            "released from the allocation (release.yml), or a table of another cluster or run?): keeping the last "
            "good plane") in following.out.lines


def test_a_store_that_cannot_be_read_keeps_the_last_good_plane_and_says_so_once(following, plane_file):
    before = plane_file.read_text()
    following.follower = RecordedFollower([StoreError("not connected to ZooKeeper zk-1:2181")] * 3
                                          + [None])
    for _pass in range(4):
        following.reconcile()
    # The kernel is still reconciled (drift repaired) from the last good plane, every pass.
    assert following.applied == [["a2"]] * 4
    assert plane_file.read_text() == before
    problems = [line for line in following.out.lines if line.startswith("problem:")]
    assert problems == ["problem: cannot read the store zk://reader:***@zk-1:2181/mesos-overlay (not connected to "
                        "ZooKeeper zk-1:2181): keeping the last good plane"]
    assert following.out.lines[-1].startswith("recovered: cannot read the store")


def test_a_table_without_this_host_is_refused_and_the_plane_kept(following, plane_file):
    before = plane_file.read_text()
    following.follower = RecordedFollower([table_of(["a2", "a3"])])
    following.reconcile()
    assert plane_file.read_text() == before
    assert following.applied == [["a2"]]
    assert any("does not fit this host" in line and "a1 has no entry" in line for line in following.out.lines)


def test_the_restore_at_boot_does_not_wait_for_the_store(following):
    follower = RecordedFollower([])
    follower.peers = lambda: pytest.fail("the store was read before the plane was restored")
    following.follower = follower
    assert following.restore() is True


def test_the_status_file_says_whether_the_store_answered(following, tmp_path):
    from ansible_collections.mesos.overlay.plugins.module_utils._status import DaemonStatus

    following.status = DaemonStatus(str(tmp_path / "status.json"), interval=0.01,
                                    store={"kind": "zookeeper", "where": None, "up": None,
                                           "last_read": None})
    following.follower = RecordedFollower([table_of(["a1", "a2"]), StoreError("not connected to ZooKeeper zk-1:2181")])
    following.reconcile()
    written = json.load(open(following.status.path))
    assert written["store"]["up"] is True and written["store"]["last_read"] is not None
    following.reconcile()
    written = json.load(open(following.status.path))
    assert written["store"]["up"] is False
    assert written["problems"]["store"].startswith("cannot read the store zk://reader:***@zk-1:2181/mesos-overlay")
