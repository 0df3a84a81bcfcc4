# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The probes step: all of a host's probes side by side, the daemon's fresh passes taken, its failures probed again."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._probes import Probes
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._report import connectivity_report, probe_plan

NOW = 1000000.0
ALLOCATION = allocate({"vtep_subnet": "44.128.0.0/20", "vtep_mac_oui": "70:B3:D5:00:00:00",
                       "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]},
                      [{"name": "m1", "ip": "192.0.2.1", "role": "master"},
                       {"name": "a1", "ip": "192.0.2.2", "role": "agent"},
                       {"name": "a2", "ip": "192.0.2.3", "role": "agent"}])


class PingHost(object):
    """A host whose ping of an address in ``down`` fails (and of a full-MTU+1 packet, as the kernel
    refuses it); counts the pings and how many ran at once."""

    check_mode = False
    diff = False

    def __init__(self, down=(), hold=0.0):
        self.down = set(down)
        self.ran = []
        self.hold = hold
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def run(self, argv, data=None, env=None):
        with self.lock:
            self.ran.append(argv)
            self.running += 1
            self.most = max(self.most, self.running)
        threading.Event().wait(self.hold)
        with self.lock:
            self.running -= 1
        too_big = "-s" in argv and int(argv[argv.index("-s") + 1]) > 1422
        return (1 if argv[-1] in self.down or too_big else 0), "", ""


def status_file(tmp_path, health, interval=30, pass_interval=5):
    path = tmp_path / "status.json"
    path.write_text(json.dumps({"probe_interval": interval, "interval": pass_interval, "peer_health": health}))
    return str(path)


def healthy(address, at=NOW - 5, up=True, full_mtu=True, mtu=1450):
    return {"vtep_ip": address, "up": up, "rtt": 0.0004, "full_mtu": full_mtu, "mtu": mtu, "at": at, "since": at}


def run(host, health_path="", parallel=16, plan=None):
    params = {"probes": plan if plan is not None else probe_plan(ALLOCATION, "a1", vtep_mtu=1450),
              "health": health_path, "parallel": parallel}
    return Probes(params, host, clock=lambda: NOW).run()


def test_without_a_daemon_every_probe_runs_side_by_side_and_a_good_network_passes():
    host = PingHost(hold=0.05)
    result = run(host)
    assert result["broken"] == 0 and result["from_daemon"] == 0 and not result["changed"]
    assert len(host.ran) == len(result["probes"]) == 7
    assert host.most > 1
    assert all(p["source"] == "probe" for p in result["probes"])


def test_parallel_one_runs_them_one_at_a_time_and_zero_is_refused():
    host = PingHost(hold=0.01)
    run(host, parallel=1)
    assert host.most == 1
    with pytest.raises(ParameterError, match=r"parallel: 0 must be 1 or more"):
        run(PingHost(), parallel=0)


def test_the_daemon_s_fresh_passes_are_taken_and_nothing_else(tmp_path):
    host = PingHost()
    path = status_file(tmp_path, {"m1": healthy("44.128.0.1/20"), "a2": healthy("44.128.0.3/20")})
    result = run(host, path)
    taken = sorted((p["to"], p["kind"]) for p in result["probes"] if p["source"] == "daemon")
    assert taken == [("a2", "mtu"), ("a2", "vtep"), ("m1", "mtu"), ("m1", "vtep")]
    # mtu+1 (must not cross) and the Docker bridge are the daemon's to probe: they ran here.
    assert sorted((argv[-1], "-s" in argv) for argv in host.ran) == [
        ("44.128.0.1", True), ("44.128.0.3", True), ("9.0.2.129", False)]
    assert result["broken"] == 0 and result["from_daemon"] == 4


def test_a_stale_result_another_mtu_or_another_address_is_not_taken(tmp_path):
    # Two probe intervals and a pass: 65 s.
    path = status_file(tmp_path, {"m1": healthy("44.128.0.1/20", at=NOW - 65.5),
                                  "a2": healthy("44.128.0.9/20")})
    assert run(PingHost(), path)["from_daemon"] == 0
    path = status_file(tmp_path, {"m1": healthy("44.128.0.1/20", at=NOW - 64.5)})
    assert run(PingHost(), path)["from_daemon"] == 2
    path = status_file(tmp_path, {"m1": healthy("44.128.0.1/20", mtu=1400)})
    result = run(PingHost(), path)
    assert sorted(p["kind"] for p in result["probes"] if p["source"] == "daemon") == ["vtep"]


def test_what_the_daemon_saw_fail_is_probed_again_and_reported_only_if_it_fails_here(tmp_path):
    path = status_file(tmp_path, {"a2": healthy("44.128.0.3/20", up=False, full_mtu=None)})
    result = run(PingHost(), path)
    assert result["broken"] == 0 and result["from_daemon"] == 0
    result = run(PingHost(down={"44.128.0.3"}), path)
    failed = sorted(p["kind"] for p in result["probes"] if not p["ok"])
    assert failed == ["mtu", "vtep"]
    # What the report makes of them: the pair broken, named.
    report = connectivity_report({"a1": result["probes"]}, ALLOCATION)
    assert report["broken"][0].startswith("a1 -> a2: vtep 44.128.0.3, mtu 44.128.0.3 failed")


def test_an_unreadable_or_foreign_status_file_probes_everything(tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text(json.dumps({"daemon": {}}))
    for path in (str(tmp_path / "bad.json"), str(tmp_path / "other.json"), str(tmp_path / "missing.json")):
        assert run(PingHost(), path)["from_daemon"] == 0
