# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verify playbook's tables and the likely causes it names."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._report import (
    allocation_table, changes_of, connectivity_report, probe_plan)

NETWORK = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}
ALLOCATION = allocate(NETWORK, [{"name": "m1", "ip": "192.0.2.1", "role": "master"},
                                {"name": "a1", "ip": "192.0.2.2", "role": "agent"},
                                {"name": "a2", "ip": "192.0.2.3", "role": "agent"}])


def test_allocation_table_lists_every_host_masters_first():
    lines = allocation_table(ALLOCATION).splitlines()
    assert lines[0].split()[:6] == ["host", "role", "underlay", "vtep", "vtep6", "mac"]
    assert [line.split()[0] for line in lines[2:]] == ["m1", "a1", "a2"]
    assert "9.0.1.0/25" in lines[3] and "9.0.1.128/25" in lines[3] and "70:b3:d5:80:00:02" in lines[3]


def test_probe_plan_covers_vtep_mtu_and_docker_bridges():
    plan = probe_plan(ALLOCATION, "a1", vtep_mtu=1450)
    kinds = sorted((p["to"], p["kind"]) for p in plan)
    assert kinds == [("a2", "docker dcos"), ("a2", "mtu"), ("a2", "mtu+1"), ("a2", "vtep"), ("a2", "vtep6"),
                     ("m1", "mtu"), ("m1", "mtu+1"), ("m1", "vtep"), ("m1", "vtep6")]
    mtu = [p for p in plan if p["to"] == "a2" and p["kind"] == "mtu"][0]
    assert mtu["argv"] == ["ping", "-c", "1", "-W", "2", "-M", "do", "-s", "1422", "44.128.0.3"]
    assert [p for p in plan if p["kind"] == "mtu+1"][0]["expect_ok"] is False
    assert [p for p in plan if p["kind"] == "docker dcos"][0]["target"] == "9.0.2.129"


def results(host, plan, failing=()):
    out = []
    for probe in plan:
        ok = (probe["to"], probe["kind"]) not in failing
        passed = ok == probe["expect_ok"]
        out.append({"item": probe, "rc": 0 if passed else 1})
    return {host: out}


def test_all_good_gives_an_all_ok_matrix():
    probes = {}
    for host in ("m1", "a1", "a2"):
        probes.update(results(host, probe_plan(ALLOCATION, host)))
    report = connectivity_report(probes, ALLOCATION)
    assert report["broken"] == []
    assert "FAIL" not in report["matrix"]


def test_missing_peer_entry_is_named_as_the_cause():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "vtep"), ("a2", "vtep6"), ("a2", "mtu")})
    drift = {"a1": {"peers": [{"kind": "neighbour", "key": "44.128.0.3", "action": "add", "before": None,
                               "after": "70:b3:d5:80:00:03"}], "vtep": [], "agent": []}}
    report = connectivity_report(probes, ALLOCATION, drift=drift)
    assert len(report["broken"]) == 2
    assert report["broken"][1] == "a1 differs from the allocation: peers neighbour 44.128.0.3: None -> 70:b3:d5:80:00:03"
    assert report["broken"][0].startswith("a1 -> a2: vtep 44.128.0.3")
    assert "likely cause: missing or wrong peer entry for a2 on a1" in report["broken"][0]


def test_mtu_only_failure_is_named_mtu():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "mtu")})
    report = connectivity_report(probes, ALLOCATION, mtu=1450)
    assert "likely cause: MTU: a packet of the full VTEP MTU (1450)" in report["broken"][0]


def test_bridges_unreachable_but_vtep_fine_is_named_firewall():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "docker dcos")})
    report = connectivity_report(probes, ALLOCATION)
    assert "likely cause: firewall or forwarding on a2" in report["broken"][0]


def test_nothing_answers_is_named_underlay():
    failing = {("a2", k) for k in ("vtep", "vtep6", "mtu", "docker dcos")}
    report = connectivity_report(results("a1", probe_plan(ALLOCATION, "a1"), failing=failing), ALLOCATION)
    assert "likely cause: underlay or firewall: VXLAN packets between a1 and a2 do not arrive" in report["broken"][0]
    assert "FAIL" in report["matrix"]


def test_removals_alone_are_not_a_missing_peer_entry():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "vtep"), ("a2", "vtep6"), ("a2", "mtu")})
    drift = {"a1": {"peers": [{"kind": "neighbour", "key": "44.128.0.3", "action": "remove",
                               "before": "70:b3:d5:80:00:03", "after": None}], "vtep": [], "agent": []}}
    report = connectivity_report(probes, ALLOCATION, drift=drift)
    assert "missing or wrong peer entry" not in report["broken"][0]


def test_vtep_drift_is_named_with_its_reason():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "vtep")})
    drift = {"a2": {"vtep": [{"kind": "device", "key": "vtep1024", "action": "change", "before": {"vni": 1025},
                              "after": {"vni": 1024}, "reason": "vni: 1025 -> 1024"}], "peers": [], "agent": []}}
    report = connectivity_report(probes, ALLOCATION, drift=drift)
    assert "the VTEP of a2 differs from the allocation (vni: 1025 -> 1024)" in report["broken"][0]


def all_probes():
    probes = {}
    for host in ("m1", "a1", "a2"):
        probes.update(results(host, probe_plan(ALLOCATION, host)))
    return probes


def test_drift_breaks_verify_even_when_every_ping_passes():
    drift = {"a2": changes_of({"cni": {"changed": True, "results": [
        {"changed": True, "item": {"key": "/var/lib/mesos/cni/config/dcos.conf"}, "dest": "/var/lib/mesos/cni/config/dcos.conf"}]},
        "vtep": {"changed": False}, "peers": {"skipped": True}})}
    report = connectivity_report(all_probes(), ALLOCATION, drift=drift, expected=["m1", "a1", "a2"])
    assert report["broken"] == ["a2 differs from the allocation: cni /var/lib/mesos/cni/config/dcos.conf"]


def test_a_missing_pair_is_broken():
    probes = {host: value for host, value in all_probes().items() if host != "a2"}
    report = connectivity_report(probes, ALLOCATION, expected=["m1", "a1", "a2"])
    assert "a2 -> a1: no probe ran (is a2 down, or without an allocation?)" in report["broken"]
    assert "a2 -> m1: no probe ran (is a2 down, or without an allocation?)" in report["broken"]


def test_an_empty_matrix_is_broken():
    assert connectivity_report({}, ALLOCATION)["broken"] == ["no pair of hosts was probed: an empty matrix proves nothing"]


def test_changes_of_summarises_each_area():
    summary = changes_of({
        "vtep": {"changed": True, "changes": [{"kind": "mtu", "key": "vtep1024", "action": "change"}]},
        "firewall": {"changed": True, "results": [
            {"changed": False, "item": {"name": "MESOS-OVERLAY-VXLAN"}},
            {"changed": True, "item": {"name": "MESOS-OVERLAY-NAT"},
             "changes": [{"kind": "chain", "key": "ipv4 nat MESOS-OVERLAY-NAT", "action": "change"}]}]},
        "docker": {"changed": False},
    })
    assert summary == {"docker": [], "firewall": ["MESOS-OVERLAY-NAT: change chain ipv4 nat MESOS-OVERLAY-NAT"],
                       "vtep": [{"kind": "mtu", "key": "vtep1024", "action": "change"}]}


def test_an_ipv6_only_overlay_is_probed_on_its_ipv6_docker_gateway():
    config = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
              "overlays": [{"name": "dcos6", "subnet6": "fd01:b::/64", "prefix6": 80}]}
    members = [{"name": "a1", "ip": "192.0.2.2", "role": "agent"}, {"name": "a2", "ip": "192.0.2.3", "role": "agent"}]
    plan = probe_plan(allocate(config, members), "a1")
    assert [p["target"] for p in plan if p["kind"] == "docker dcos6"] == ["fd01:b::1:8000:0:1"]


def test_the_table_shows_an_ipv6_only_overlay():
    config = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
              "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24},
                           {"name": "dcos6", "subnet6": "fd01:b::/64", "prefix6": 80}]}
    table = allocation_table(allocate(config, [{"name": "a1", "ip": "192.0.2.2", "role": "agent"}]))
    line = [row for row in table.splitlines() if row.startswith("a1")][0]
    assert "9.0.0.0/24" in line and "9.0.0.0/25" in line and "fd01:b::/80" in line and "fd01:b::/81" in line
