# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``mesos-overlay status`` on recorded kernel answers (the live scenario runs it on real hosts):
the verdict and its exit status, each problem named, and the daemon's account it reads (drift
repairs counted, the store's reachability)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import os
import stat

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils import _boot, _daemon, _status
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost
from ansible_collections.mesos.overlay.tests.unit.plugins.module_utils.test_daemon import Lines
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import dataplane
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view

NETWORK = {"vtep_subnet": "44.128.0.0/20", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}
NOW = 1800000000.0


class RecordedKernel(object):
    """The VTEP's entries as iproute2 would answer for them (``None``: no device)."""

    ip, bridge = "/sbin/ip", "/sbin/bridge"

    def __init__(self, plane, drop=(), extra_fdb=None, device=True):
        self.device = device
        self.fdb, self.neighbours, self.routes = {}, {}, {}
        for peer in plane["vxlan_peers"]["peers"]:
            self.fdb[peer["mac"]] = [peer["underlay_ip"]]
            self.neighbours[peer["vtep_ip"]] = peer["mac"]
            for subnet in peer["subnets"]:
                self.routes[subnet] = peer["vtep_ip"]
        for key in drop:
            for table in (self.fdb, self.neighbours, self.routes):
                table.pop(key, None)
        self.fdb.update(extra_fdb or {})
        self.own = plane["vxlan_link"]["addresses"]

    def link(self, name):
        return {"ifname": name} if self.device else None

    def permanent_fdb(self, name):
        return dict(self.fdb)

    def permanent_neighbours(self, name):
        return dict(self.neighbours)

    def owned_routes(self, name, family):
        return dict(self.routes) if family == 4 else {}

    def addresses(self, name):
        return list(self.own)


@pytest.fixture
def plane_file(tmp_path):
    members = [{"name": "a%d" % number, "ip": "192.0.2.%d" % number, "role": "agent"} for number in (1, 2, 3)]
    plane = dataplane(host_view(allocate(NETWORK, members), "a1"), {"vxlan_port": 64000, "vtep_mtu": 1450})
    path = tmp_path / "dataplane.json"
    path.write_text(json.dumps(plane))
    return path


def plane_of(path):
    return json.loads(path.read_text())


def daemon_status(tmp_path, **changes):
    """A status file as a running daemon (this test's process) writes it, a pass 2 s ago."""
    status = _status.DaemonStatus(str(tmp_path / "run" / "status.json"), interval=5.0,
                                  store={"kind": "zookeeper", "where": "zk://reader:***@zk-1:2181/mesos-overlay",
                                         "up": True, "last_read": NOW - 2},
                                  clock=lambda: NOW - 2)
    status.passed("ok", 0, 0, 0.01)
    status.data.update(changes)
    assert status.write()
    return status


def report(plane_file, tmp_path, kernel):
    return _status.report(str(plane_file), CommandHost(check_mode=True), status_path=str(tmp_path / "run" / "status.json"),
                          clock=lambda: NOW, iproute=kernel)


def test_a_converged_host_is_healthy_and_says_what_it_holds(plane_file, tmp_path):
    daemon_status(tmp_path)
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert (result["health"], result["exit"], result["problems"]) == ("healthy", 0, [])
    assert result["peers"]["desired"] == result["peers"]["programmed"] == 2
    text = "\n".join(_status.lines(result, clock=lambda: NOW))
    assert text.startswith("mesos-overlay on a1: healthy")
    assert "peers     2 desired, 2 programmed, 0 missing, 0 stale entries" in text
    assert "zookeeper zk://reader:***@zk-1:2181/mesos-overlay: reachable, last read 2 s ago" in text
    assert "problems" not in text
    # The host's slice of each overlay it carries, from the plane file.
    assert result["overlays"] == {"dcos": {"subnet": "9.0.0.0/24", "subnet6": None, "enabled": True}}
    assert "\n  overlays  dcos 9.0.0.0/24\n" in text


def test_a_plane_written_before_the_overlays_were_in_it_still_reads(plane_file, tmp_path):
    daemon_status(tmp_path)
    plane = plane_of(plane_file)
    del plane["overlays"]
    plane_file.write_text(json.dumps(plane))
    result = report(plane_file, tmp_path, RecordedKernel(plane))
    assert result["exit"] == 0 and result["overlays"] is None
    assert "overlays" not in "\n".join(_status.lines(result, clock=lambda: NOW))


def test_the_status_file_is_readable_by_anyone_and_holds_no_password(tmp_path):
    status = daemon_status(tmp_path)
    mode = stat.S_IMODE(os.stat(status.path).st_mode)
    assert mode == 0o644
    assert "***" in open(status.path).read()
    assert not [name for name in os.listdir(os.path.dirname(status.path)) if name.startswith(".status.")]


def test_a_deleted_forwarding_entry_degrades_naming_the_peer_and_the_entry(plane_file, tmp_path):
    daemon_status(tmp_path)
    plane = plane_of(plane_file)
    lost = plane["vxlan_peers"]["peers"][1]
    result = report(plane_file, tmp_path, RecordedKernel(plane, drop=[lost["mac"]]))
    assert (result["health"], result["exit"]) == ("degraded", 1)
    assert result["peers"]["missing"] == [{"name": lost["name"], "entries": ["fdb %s" % lost["mac"]]}]
    assert result["problems"] == ["peer %s: missing on vtep1024: fdb %s (deleted or changed by hand? the daemon "
                                  "repairs it within one pass)" % (lost["name"], lost["mac"])]


def test_an_entry_not_in_the_plane_is_stale(plane_file, tmp_path):
    daemon_status(tmp_path)
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file), extra_fdb={"70:b3:d5:80:00:09": ["192.0.2.9"]}))
    assert result["exit"] == 1
    assert result["peers"]["stale"] == ["fdb 70:b3:d5:80:00:09"]
    assert "a released member left behind?" in result["problems"][0]


def test_no_daemon_is_exit_2_even_when_the_kernel_is_right(plane_file, tmp_path):
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert (result["health"], result["exit"]) == ("not running", 2)
    assert result["problems"][0].startswith("the daemon is not running")


def test_a_status_left_by_a_dead_daemon_is_no_daemon(plane_file, tmp_path):
    daemon_status(tmp_path, pid=2 ** 22 + 1)
    assert report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))["exit"] == 2


def test_a_daemon_without_a_pass_for_long_is_taken_as_hung(plane_file, tmp_path):
    daemon_status(tmp_path, last_pass={"at": NOW - 90, "result": "ok", "changes": 0, "seconds": 0.01})
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert result["exit"] == 1
    assert result["problems"] == ["the daemon has not finished a pass for 90 s (every 5 s expected): hung? "
                                  "(journalctl -u mesos-overlay)"]


def test_the_daemons_problems_are_the_hosts(plane_file, tmp_path):
    daemon_status(tmp_path, problems={"store": "cannot read the store zk://... (not connected): keeping the last good plane"})
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert result["exit"] == 1
    assert result["problems"] == ["daemon (store): cannot read the store zk://... (not connected): keeping the last "
                                  "good plane"]


def test_no_vtep_and_no_plane_are_named(plane_file, tmp_path):
    daemon_status(tmp_path)
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file), device=False))
    assert result["problems"][0].startswith("there is no VTEP vtep1024")
    result = report(tmp_path / "absent.json", tmp_path, RecordedKernel(plane_of(plane_file)))
    assert result["exit"] == 1
    assert result["problems"][0].startswith("cannot read the plane file %s" % (tmp_path / "absent.json"))


def test_the_command_prints_json_and_exits_with_the_verdict(plane_file, tmp_path, monkeypatch):
    daemon_status(tmp_path)
    kernel = RecordedKernel(plane_of(plane_file), drop=["44.128.0.2"])
    monkeypatch.setattr(_status, "kernel_peers", lambda plane, host, iproute=None, real=_status.kernel_peers:
                        real(plane, host, kernel))
    out = io.StringIO()
    code = _boot.status(["--json", str(plane_file)], CommandHost(check_mode=True),
                        status_path=str(tmp_path / "run" / "status.json"), out=out)
    answer = json.loads(out.getvalue())
    assert code == answer["exit"] == 1
    assert answer["peers"]["missing"][0]["entries"] == ["neighbour 44.128.0.2"]


# -- the daemon's account -------------------------------------------------------------------

def changes(count):
    return {"sysctl": {"changes": []}, "vtep": {"changes": []},
            "peers": {"changes": [{"action": "add", "kind": "fdb", "key": "k%d" % n} for n in range(count)]},
            "firewall": []}


def test_the_daemon_counts_repairs_only_when_the_plane_did_not_change(plane_file, tmp_path, monkeypatch):
    answers = [changes(3), changes(0), changes(1)]
    monkeypatch.setattr(_daemon, "apply", lambda plane, host, log=None: answers.pop(0))
    status = _status.DaemonStatus(str(tmp_path / "status.json"), interval=5.0)
    daemon = _daemon.Daemon(str(plane_file), CommandHost(stream=Lines()), interval=0.01, status=status)
    daemon.reconcile()  # the first pass: a new plane, its changes are no repair
    daemon.reconcile()
    daemon.reconcile()  # the plane unchanged: a hand-made change undone
    written = json.load(open(status.path))
    assert (written["changes"], written["drift_repairs"]) == (4, 1)
    assert written["last_pass"]["result"] == "ok"
    assert written["store"]["kind"] == "files"


def test_the_wrappers_daemon_options_do_not_reach_status(plane_file, tmp_path, monkeypatch):
    seen = {}

    def recorded_status(argv, host=None, status_path=None, out=None):
        seen["argv"] = argv
        return 0
    monkeypatch.setattr(_boot, "status", recorded_status)
    # As /usr/local/sbin/mesos-overlay calls it.
    assert _boot.main(["status", "--json", "--store", "/etc/mesos-overlay/store.json", "--groups", "/g.json",
                       "--probe-interval", "30", "--metrics", "192.0.2.1:9732", str(plane_file)]) == 0
    assert seen["argv"] == ["--json", str(plane_file)]


def test_a_peer_that_does_not_answer_the_probes_degrades_naming_it(plane_file, tmp_path):
    daemon_status(tmp_path, probe_interval=30, peer_health={
        "a2": {"vtep_ip": "44.128.0.2", "up": True, "rtt": 0.0005, "full_mtu": True, "mtu": 1450, "at": NOW, "since": NOW},
        "a3": {"vtep_ip": "44.128.0.3", "up": False, "rtt": None, "full_mtu": None, "mtu": 1450, "at": NOW,
               "since": NOW - 60}})
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert result["exit"] == 1
    assert result["problems"] == ["peer a3 does not answer on the overlay (its VTEP 44.128.0.3, probed every 30 s): "
                                  "is its host up, its daemon running, the VXLAN port open on the underlay?"]
    assert "  health    1 of 2 peer(s) answer on the overlay (each probed every 30 s, also at full MTU)" in _status.lines(
        result, clock=lambda: NOW)


def test_a_peer_still_joining_is_named_but_does_not_degrade(plane_file, tmp_path):
    # As right after a --limit run added a3: every daemon probed it before its run brought its VTEP up.
    daemon_status(tmp_path, probe_interval=5, peer_health={
        "a2": {"vtep_ip": "44.128.0.2", "up": True, "rtt": 0.0005, "full_mtu": True, "mtu": 1450, "at": NOW,
               "since": NOW - 600, "added": NOW - 600, "answered": True},
        "a3": {"vtep_ip": "44.128.0.3", "up": False, "rtt": None, "full_mtu": None, "mtu": 1450, "at": NOW - 1,
               "since": NOW - 3, "added": NOW - 3, "answered": False}})
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert (result["health"], result["exit"], result["problems"]) == ("healthy", 0, [])
    assert result["health_probes"]["joining"] == ["a3"]
    assert ("  health    1 of 2 peer(s) answer on the overlay (each probed every 5 s, also at full MTU); joining, no "
            "answer yet (a problem after 2 intervals): a3") in _status.lines(result, clock=lambda: NOW)
    # In the plane but not probed yet (a round spreads its probes over the interval): joining too.
    daemon_status(tmp_path, probe_interval=5, peer_health={
        "a2": {"vtep_ip": "44.128.0.2", "up": True, "rtt": 0.0005, "full_mtu": True, "mtu": 1450, "at": NOW,
               "since": NOW - 600, "added": NOW - 600, "answered": True}})
    unprobed = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert (unprobed["exit"], unprobed["health_probes"]["joining"]) == (0, ["a3"])
    assert ("  health    1 of 2 peer(s) answer on the overlay (each probed every 5 s, also at full MTU); joining, no "
            "answer yet (a problem after 2 intervals): a3") in _status.lines(unprobed, clock=lambda: NOW)
    # Ten seconds on, still no answer: a problem.
    daemon_status(tmp_path, probe_interval=5, peer_health={
        "a2": {"vtep_ip": "44.128.0.2", "up": True, "rtt": 0.0005, "full_mtu": True, "mtu": 1450, "at": NOW,
               "since": NOW - 600, "added": NOW - 600, "answered": True},
        "a3": {"vtep_ip": "44.128.0.3", "up": False, "rtt": None, "full_mtu": None, "mtu": 1450, "at": NOW - 1,
               "since": NOW - 3, "added": NOW - 3, "answered": False}})
    late = _status.report(str(plane_file), CommandHost(check_mode=True), status_path=str(tmp_path / "run" / "status.json"),
                          clock=lambda: NOW + 8, iproute=RecordedKernel(plane_of(plane_file)))
    assert late["exit"] == 1 and late["health_probes"]["joining"] == []
    assert [problem for problem in late["problems"] if problem.startswith("peer a3 does not answer on the overlay")]


def test_peer_health_is_judged_as_of_when_the_daemon_wrote_it(plane_file, tmp_path):
    # Written 4 s ago (a pass every 5 s), probed every 2 s: a3, first probed 3 s before the write,
    # was joining then; the daemon's next write says whether it answered since.
    daemon_status(tmp_path, probe_interval=2, peer_health_at=NOW - 4, peer_health={
        "a2": {"vtep_ip": "44.128.0.2", "up": True, "rtt": 0.0005, "full_mtu": True, "mtu": 1450, "at": NOW - 5,
               "since": NOW - 600, "added": NOW - 600, "answered": True},
        "a3": {"vtep_ip": "44.128.0.3", "up": False, "rtt": None, "full_mtu": None, "mtu": 1450, "at": NOW - 7,
               "since": NOW - 7, "added": NOW - 7, "answered": False}})
    result = report(plane_file, tmp_path, RecordedKernel(plane_of(plane_file)))
    assert (result["exit"], result["health_probes"]["joining"], result["problems"]) == (0, ["a3"], [])


@pytest.mark.parametrize("account, line", [
    ({"serving": True, "socket": "/run/mesos-overlay/members.sock", "served": 12, "failed": 1, "library": True},
     "  members   the group plugin's changes applied by the daemon on /run/mesos-overlay/members.sock: "
     "12 request(s), 1 failed"),
    ({"serving": False, "socket": "/run/mesos-overlay/members.sock", "served": 0, "failed": 0, "library": False},
     "  members   the group plugin runs nft for each container (python3-nftables is not installed)"),
])
def test_with_a_group_policy_it_says_who_applies_the_plugins_changes(tmp_path, account, line):
    from ansible_collections.mesos.overlay.plugins.plugin_utils._policy import group_policy

    members = [{"name": "a%d" % number, "ip": "192.0.2.%d" % number, "role": "agent"} for number in (1, 2)]
    policy = group_policy({"groups": {"web": 100}, "overlays": {"dcos": {"default": "deny", "rules": []}}}, NETWORK)
    plane = dataplane(host_view(allocate(NETWORK, members), "a1"), {"group_policy": policy})
    path = tmp_path / "dataplane.json"
    path.write_text(json.dumps(plane))
    members_service = type("Service", (), {"snapshot": lambda self: dict(account)})()
    status = _status.DaemonStatus(str(tmp_path / "run" / "status.json"), interval=5.0, clock=lambda: NOW - 2,
                                  members=members_service)
    status.passed("ok", 0, 0, 0.01)
    assert status.write()
    result = report(path, tmp_path, RecordedKernel(plane))
    assert result["group_plugin"] == account and result["exit"] == 0
    text = _status.lines(result, clock=lambda: NOW)
    assert line in text and text.index(line) == text.index([entry for entry in text if entry.startswith("  policy")][0]) + 1


def test_the_member_service_accounts_for_itself(tmp_path):
    from ansible_collections.mesos.overlay.plugins.module_utils._membership import MemberService

    service = MemberService(str(tmp_path / "members.sock"), lambda line: None)
    assert service.snapshot() == {"serving": False, "socket": str(tmp_path / "members.sock"), "served": 0, "failed": 0,
                                  "library": None}
